"""Two daphne processes sharing channels-redis: a device on one server gets
the jobs of sales made through the other."""

import asyncio
import itertools
import json

import httpx
import pytest
import redis
from websockets.asyncio.client import connect

from devices.tests.conftest import bearer, daphne, device_for

# A Redis database of this suite's own, emptied before use.
REDIS_URL = "redis://127.0.0.1:6379/5"
ARRIVES = 20
_keys = itertools.count()


@pytest.fixture
def redis_db():
    # No Redis is a failure, not a skip: .ci/run starts it, and a developer
    # without one should learn the scale-out path went untested.
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()


async def device_socket(address: str, key: str):
    return await connect(
        f"ws://{address}/ws/devices/",
        additional_headers={"Authorization": f"Device {key}"},
        proxy=None,
    )


def http_checkout(address: str, user, product) -> dict:
    response = httpx.post(
        f"http://{address}/api/orders/checkout/",
        json={
            "items": [{"product": product.pk, "quantity": "1"}],
            "payments": [{"method": "card", "amount": str(product.price)}],
        },
        headers={**bearer(user), "Idempotency-Key": f"scale-{next(_keys)}"},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.server
def test_job_crosses_servers_through_redis(lab_tx, redis_db, open_shift, tmp_path):
    _, a1_key = device_for(lab_tx, "A1")
    _, a2_key = device_for(lab_tx, "A2")
    c1 = lab_tx.user("c1")
    open_shift(c1)

    with (
        daphne(tmp_path, REDIS_URL=redis_db) as one,
        daphne(tmp_path, REDIS_URL=redis_db) as two,
    ):

        async def scenario():
            a1 = await device_socket(one, a1_key)
            a2 = await device_socket(two, a2_key)
            sale = await asyncio.to_thread(http_checkout, two, c1, lab_tx.product("P2"))

            message = json.loads(await asyncio.wait_for(a1.recv(), ARRIVES))
            assert message["type"] == "print_job"
            assert message["job"]["order_number"] == sale["number"]
            await a1.send(json.dumps({"type": "ack", "job": message["job"]["id"]}))
            acked = json.loads(await asyncio.wait_for(a1.recv(), ARRIVES))
            assert acked == {"type": "acked", "job": message["job"]["id"]}

            with pytest.raises(TimeoutError):
                await asyncio.wait_for(a2.recv(), 0.5)
            await a1.close()
            await a2.close()

        asyncio.run(scenario())
