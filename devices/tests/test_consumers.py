"""The device socket against the real ASGI application: S9, S10, redelivery.

These run on committed data (``lab_tx``): the consumer reads through its
own database calls, and print messages go out only on commit.
"""

import secrets

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from devices.consumers import CLOSE_REVOKED
from devices.models import PrintJob
from devices.services import device_revoke
from devices.tests.conftest import auth_header, device_for, sell
from kasserpro.asgi import application
from kasserpro.tenancy import scopes_disabled, tenant_scope

ARRIVES = 5  # seconds a message that should come may take
SILENCE = 0.5  # seconds a message that should not come is awaited


def socket(key: str | None, path="/ws/devices/", headers=()):
    sent = [*auth_header(key), *headers] if key else list(headers)
    return WebsocketCommunicator(application, path, headers=sent)


async def connected(key: str, **kwargs) -> WebsocketCommunicator:
    communicator = socket(key, **kwargs)
    accepted, _ = await communicator.connect(timeout=ARRIVES)
    assert accepted
    return communicator


async def next_job(communicator) -> dict:
    message = await communicator.receive_json_from(timeout=ARRIVES)
    assert message["type"] == "print_job", message
    return message["job"]


async def ack(communicator, job_id: int) -> dict | None:
    await communicator.send_json_to({"type": "ack", "job": job_id})
    if await communicator.receive_nothing(timeout=SILENCE):
        return None
    return await communicator.receive_json_from(timeout=ARRIVES)


async def refused(key, **kwargs) -> bool:
    communicator = socket(key, **kwargs)
    accepted, _ = await communicator.connect(timeout=ARRIVES)
    nothing = await communicator.receive_nothing(timeout=SILENCE)
    return not accepted and nothing


def pending_ids(device) -> list[int]:
    with tenant_scope(device.tenant_id):
        return list(
            PrintJob.objects.filter(
                branch=device.branch, acked_at__isnull=True
            ).values_list("pk", flat=True)
        )


sell_async = database_sync_to_async(sell)


def test_s9_sale_reaches_own_branch_device_only(lab_tx, open_shift):
    _, a1_key = device_for(lab_tx, "A1")
    _, a2_key = device_for(lab_tx, "A2")
    _, b1_key = device_for(lab_tx, "B1")
    open_shift(lab_tx.user("c1"))
    open_shift(lab_tx.user("c4"))

    @async_to_sync
    async def scenario():
        a1, a2, b1 = [await connected(k) for k in (a1_key, a2_key, b1_key)]

        sale_a1 = await sell_async(lab_tx, "c1")
        job = await next_job(a1)
        assert job["order_number"] == sale_a1.number
        assert job["kind"] == "receipt"
        assert await b1.receive_nothing(timeout=SILENCE)
        assert await a2.receive_nothing(timeout=SILENCE)

        sale_b1 = await sell_async(lab_tx, "c4")
        job = await next_job(b1)
        assert job["order_number"] == sale_b1.number
        assert await a1.receive_nothing(timeout=SILENCE)
        assert await a2.receive_nothing(timeout=SILENCE)

        for communicator in (a1, a2, b1):
            await communicator.disconnect()

    scenario()


def test_s10_socket_without_key_is_refused(lab_tx):
    assert async_to_sync(refused)(None)


def test_s10_socket_with_guessed_key_is_refused(lab_tx):
    _, key = device_for(lab_tx, "A1")
    guesses = [
        secrets.token_urlsafe(32),
        key[:8] + secrets.token_urlsafe(32)[8:],  # right prefix, wrong rest
        key + "x",
        key.upper() if key.upper() != key else key.lower(),
        "",
        "x" * 5000,
    ]
    for guess in guesses:
        assert async_to_sync(refused)(guess), guess


def test_s10_socket_with_other_scheme_or_two_keys_is_refused(lab_tx):
    _, key = device_for(lab_tx, "A1")
    _, other = device_for(lab_tx, "B1")
    assert async_to_sync(refused)(
        None, headers=[(b"authorization", f"Bearer {key}".encode())]
    )
    assert async_to_sync(refused)(key, headers=auth_header(other))


def test_s10_socket_with_revoked_key_is_refused(lab_tx):
    device, key = device_for(lab_tx, "A1")
    with tenant_scope(device.tenant_id):
        device_revoke(device=device)
    assert async_to_sync(refused)(key)


def test_s10_claims_of_another_branch_change_nothing(lab_tx, open_shift):
    a2_device, a2_key = device_for(lab_tx, "A2")
    b1_device, _ = device_for(lab_tx, "B1")
    open_shift(lab_tx.user("c1"))
    open_shift(lab_tx.user("c3"))
    open_shift(lab_tx.user("c4"))
    b1, a1 = lab_tx.branches["B1"], lab_tx.branches["A1"]
    claims = [
        (b"x-tenant", str(b1.tenant_id).encode()),
        (b"x-branch-id", str(b1.pk).encode()),
        (b"x-branch", b"A1"),
    ]
    path = f"/ws/devices/?tenant={b1.tenant_id}&branch={b1.pk}&branch_id={a1.pk}"

    @async_to_sync
    async def scenario():
        a2 = await connected(a2_key, path=path, headers=claims)
        await a2.send_json_to({"type": "subscribe", "tenant": b1.tenant_id})
        await a2.send_json_to({"type": "hello", "branch": a1.pk})
        await a2.send_to(text_data="not json")

        b1_sale = await sell_async(lab_tx, "c4")
        await sell_async(lab_tx, "c1")
        assert await a2.receive_nothing(timeout=SILENCE)

        # Acking another branch's job is ignored and leaves it pending.
        b1_job = await database_sync_to_async(pending_ids)(b1_device)
        assert await ack(a2, b1_job[0]) is None
        assert await database_sync_to_async(pending_ids)(b1_device) == b1_job

        own_sale = await sell_async(lab_tx, "c3")
        job = await next_job(a2)
        assert job["order_number"] == own_sale.number
        assert job["order_number"] != b1_sale.number
        await a2.disconnect()

    scenario()
    assert len(pending_ids(a2_device)) == 1  # delivered, never acked


def test_s10_revoking_a_connected_device_drops_it(lab_tx, open_shift):
    device, key = device_for(lab_tx, "A1")
    open_shift(lab_tx.user("c1"))

    def revoke():
        with tenant_scope(device.tenant_id):
            device_revoke(device=device)

    @async_to_sync
    async def scenario():
        communicator = await connected(key)
        await database_sync_to_async(revoke)()
        closing = await communicator.receive_output(timeout=ARRIVES)
        assert closing == {"type": "websocket.close", "code": CLOSE_REVOKED}
        await communicator.disconnect()

        await sell_async(lab_tx, "c1")
        assert await refused(key)

    scenario()


def test_jobs_made_offline_arrive_on_connect_oldest_first_until_acked(
    lab_tx, open_shift
):
    device, key = device_for(lab_tx, "A1")
    open_shift(lab_tx.user("c1"))
    first, second = sell(lab_tx, "c1"), sell(lab_tx, "c1")

    @async_to_sync
    async def scenario():
        communicator = await connected(key)
        jobs = [await next_job(communicator), await next_job(communicator)]
        assert [j["order_number"] for j in jobs] == [first.number, second.number]
        assert jobs[0]["id"] < jobs[1]["id"]

        assert await ack(communicator, jobs[0]["id"]) == {
            "type": "acked",
            "job": jobs[0]["id"],
        }
        await communicator.disconnect()

        again = await connected(key)
        assert (await next_job(again))["id"] == jobs[1]["id"]
        assert await again.receive_nothing(timeout=SILENCE)
        await ack(again, jobs[1]["id"])
        await again.disconnect()

        third = await connected(key)
        assert await third.receive_nothing(timeout=SILENCE)
        await third.disconnect()

    scenario()
    with scopes_disabled():
        acked = PrintJob.objects.get(order=first)
    assert acked.acked_by_id == device.pk
    assert pending_ids(device) == []


def test_ack_by_second_device_of_branch_is_accepted_once(lab_tx, open_shift):
    _, key_1 = device_for(lab_tx, "A1", "till 1")
    _, key_2 = device_for(lab_tx, "A1", "till 2")
    open_shift(lab_tx.user("c1"))

    @async_to_sync
    async def scenario():
        one, two = await connected(key_1), await connected(key_2)
        await sell_async(lab_tx, "c1")
        job_one, job_two = await next_job(one), await next_job(two)
        assert job_one == job_two  # both printers of a branch hear of it

        assert (await ack(one, job_one["id"]))["type"] == "acked"
        assert (await ack(two, job_one["id"]))["type"] == "acked"
        await one.disconnect()
        await two.disconnect()

    scenario()


@pytest.mark.parametrize(
    "message",
    [
        {"type": "ack", "job": True},
        {"type": "ack", "job": "1"},
        {"type": "ack", "job": -1},
        {"type": "ack"},
        ["ack", 1],
        {"type": "print_job", "job": {"id": 1}},
    ],
)
def test_malformed_messages_are_ignored(lab_tx, open_shift, message):
    device, key = device_for(lab_tx, "A1")
    open_shift(lab_tx.user("c1"))
    sell(lab_tx, "c1")

    @async_to_sync
    async def scenario():
        communicator = await connected(key)
        await next_job(communicator)
        await communicator.send_json_to(message)
        assert await communicator.receive_nothing(timeout=SILENCE)
        await communicator.disconnect()

    scenario()
    assert len(pending_ids(device)) == 1
