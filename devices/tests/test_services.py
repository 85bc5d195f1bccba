"""Device keys, print jobs and their receipts, through services and the API."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from devices.models import Device, PrintJob, PrintJobKind
from devices.selectors import device_for_key, key_hash
from devices.services import device_revoke, job_ack, print_job_test
from devices.tests.conftest import device_for
from kasserpro.tenancy import scopes_disabled, tenant_scope
from kasserpro.tests.helpers import checkout, send

pytestmark = pytest.mark.django_db

RECEIPT_FIELDS = {
    "shop",
    "branch",
    "currency",
    "date",
    "time",
    "order_number",
    "lines",
    "tax",
    "subtotal",
    "discount_total",
    "tax_total",
    "total",
    "payments",
    "paid_total",
    "change",
    "cashier",
}
LINE_FIELDS = {"name", "name_ar", "quantity", "unit_price", "line_total"}


def jobs(**filters) -> list[PrintJob]:
    with scopes_disabled():
        return list(PrintJob.objects.filter(**filters).order_by("pk"))


def test_device_create_stores_only_hash_and_prefix_of_key(lab):
    device, key = device_for(lab, "A1")

    with scopes_disabled():
        stored = Device.objects.get(pk=device.pk)
    assert len(key) >= 43  # 32 random bytes, url-safe base64
    assert stored.key_hash == key_hash(key) != key
    assert stored.key_prefix == key[:8]
    assert key not in {f.value_to_string(stored) for f in Device._meta.fields}


def test_device_for_key_finds_live_device_only(lab):
    device, key = device_for(lab, "A1")
    _, other_key = device_for(lab, "B1")

    assert device_for_key(key=key) == device
    assert device_for_key(key=other_key).branch == lab.branches["B1"]
    assert device_for_key(key=key[:-1]) is None
    assert device_for_key(key="") is None
    assert device_for_key(key="é" * 43) is None

    with tenant_scope(device.tenant_id):
        device_revoke(device=device)
    assert device_for_key(key=key) is None


def test_checkout_api_queues_receipt_for_order_branch(
    lab, api_for, open_shift, django_capture_on_commit_callbacks
):
    open_shift(lab.user("c1"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        order = checkout(api_for(lab.user("c1")), lab.product("P2"), "3").json()

    (job,) = jobs()
    assert job.kind == PrintJobKind.RECEIPT
    assert job.branch == lab.branches["A1"]
    assert job.tenant == lab.tenant_a
    assert job.order_id == order["id"]
    assert job.acked_at is None
    assert len(callbacks) >= 1


def test_receipt_has_number_totals_tax_per_rate_and_no_user_ids(
    lab, api_for, open_shift
):
    c1 = lab.user("c1")
    open_shift(c1)
    p2 = lab.product("P2")
    order = send(
        api_for(c1),
        "post",
        "/api/orders/checkout/",
        {
            "items": [{"product": p2.pk, "quantity": "3"}],
            "payments": [{"method": "cash", "amount": "50.00"}],
        },
    ).json()

    receipt = jobs()[0].payload
    assert set(receipt) == RECEIPT_FIELDS
    assert receipt["order_number"] == order["number"]
    assert receipt["shop"] == lab.tenant_a.name
    assert receipt["branch"] == lab.branches["A1"].name
    assert receipt["total"] == order["total"] == "30.00"
    assert receipt["tax_total"] == order["tax_total"]
    assert receipt["subtotal"] == order["subtotal"]
    assert receipt["tax"] == [
        {"rate": "14.00", "taxable": order["subtotal"], "tax": order["tax_total"]}
    ]
    assert receipt["payments"] == [{"method": "cash", "amount": "50.00"}]
    assert receipt["change"] == "20.00"
    assert receipt["cashier"] == c1.display_name == "Karim Hassan"
    (line,) = receipt["lines"]
    assert set(line) == LINE_FIELDS
    assert line == {
        "name": p2.name,
        "name_ar": p2.name_ar,
        "quantity": "3",
        "unit_price": "10.00",
        "line_total": "30.00",
    }
    # No key names an id, and nothing about the cashier but their name.
    assert not [key for key in receipt if "id" in key.split("_")]
    assert c1.username not in str(receipt)


def test_receipt_groups_tax_by_rate(lab, api_for, open_shift):
    open_shift(lab.user("c1"))
    p2 = lab.product("P2")
    with tenant_scope(lab.tenant_a):
        zero_rated = type(p2).objects.exclude(tax_rate=p2.tax_rate).first()
    assert zero_rated is not None, "the demo catalogue has a second tax rate"
    send(
        api_for(lab.user("c1")),
        "post",
        "/api/orders/checkout/",
        {
            "items": [
                {"product": p2.pk, "quantity": "1"},
                {"product": zero_rated.pk, "quantity": "1"},
            ],
            "payments": [{"method": "cash", "amount": "1000.00"}],
        },
    )

    tax = jobs()[0].payload["tax"]
    assert [row["rate"] for row in tax] == sorted(
        [str(zero_rated.tax_rate), str(p2.tax_rate)], key=Decimal
    )
    assert sum(Decimal(row["tax"]) for row in tax) == Decimal(
        jobs()[0].payload["tax_total"]
    )


def test_failed_checkout_queues_nothing(
    lab, api_for, open_shift, django_capture_on_commit_callbacks
):
    open_shift(lab.user("c1"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        refused = checkout(api_for(lab.user("c1")), lab.product("P1"), "4")

    assert refused.status_code == 409
    assert jobs() == []
    assert callbacks == []


def test_complete_draft_queues_receipt(lab, api_for, open_shift):
    open_shift(lab.user("c1"))
    c1 = api_for(lab.user("c1"))
    draft = send(
        c1,
        "post",
        "/api/orders/",
        {"items": [{"product": lab.product("P2").pk, "quantity": "2"}]},
    ).json()
    assert jobs() == []

    done = send(
        c1,
        "post",
        f"/api/orders/{draft['id']}/complete/",
        {"payments": [{"method": "card", "amount": "20.00"}]},
    )

    assert done.status_code == 200
    (job,) = jobs()
    assert (job.kind, job.payload["order_number"]) == ("receipt", done.json()["number"])


def test_refund_queues_refund_slip(lab, api_for, open_shift):
    open_shift(lab.user("c1"))
    order = checkout(api_for(lab.user("c1")), lab.product("P2"), "3").json()
    item = order["items"][0]["id"]

    refund = send(
        api_for(lab.user("admin-a")),
        "post",
        f"/api/orders/{order['id']}/refunds/",
        {"lines": [{"item": item, "quantity": "1"}], "reason": "broken"},
    ).json()

    slip = jobs(kind=PrintJobKind.REFUND)[0].payload
    assert set(slip) == RECEIPT_FIELDS
    assert slip["order_number"] == order["number"]
    assert slip["total"] == refund["amount"] == "10.00"
    assert slip["lines"][0]["quantity"] == "1"
    assert slip["payments"] == [{"method": "card", "amount": "10.00"}]
    assert slip["cashier"] == lab.user("admin-a").display_name
    assert sum(Decimal(row["tax"]) for row in slip["tax"]) == Decimal(slip["tax_total"])


def test_reprint_api_queues_copy_at_order_branch(lab, api_for, open_shift):
    open_shift(lab.user("c1"))
    order = checkout(api_for(lab.user("c1")), lab.product("P2")).json()
    admin = api_for(lab.user("admin-a"))

    answer = admin.post(
        f"/api/orders/{order['id']}/reprint/", HTTP_X_BRANCH_ID=lab.branches["A2"].pk
    )

    assert answer.status_code == 202
    assert answer.json()["kind"] == "reprint"
    reprint = jobs(kind=PrintJobKind.REPRINT)[0]
    assert reprint.branch == lab.branches["A1"]  # the order's, not the admin's
    assert reprint.payload["order_number"] == order["number"]


def test_reprint_api_refuses_draft_and_hides_other_tenant(lab, api_for, open_shift):
    open_shift(lab.user("c1"))
    c1 = api_for(lab.user("c1"))
    order = checkout(c1, lab.product("P2")).json()
    draft = send(
        c1,
        "post",
        "/api/orders/",
        {"items": [{"product": lab.product("P2").pk, "quantity": "1"}]},
    ).json()

    assert c1.post(f"/api/orders/{draft['id']}/reprint/").status_code == 409
    other = api_for(lab.user("c4"))
    assert other.post(f"/api/orders/{order['id']}/reprint/").status_code == 404
    assert jobs(kind=PrintJobKind.REPRINT) == []


def test_test_print_api_is_for_tenant_admins_at_working_branch(lab, api_for):
    assert api_for(lab.user("c1")).post("/api/devices/test-print/").status_code == 403

    admin = api_for(lab.user("admin-a"))
    own = admin.post("/api/devices/test-print/")
    elsewhere = admin.post(
        "/api/devices/test-print/", HTTP_X_BRANCH_ID=lab.branches["A2"].pk
    )
    other_tenant = admin.post(
        "/api/devices/test-print/", HTTP_X_BRANCH_ID=lab.branches["B1"].pk
    )

    assert (own.status_code, elsewhere.status_code) == (202, 202)
    assert other_tenant.status_code == 404
    assert [(j.kind, j.branch.code) for j in jobs()] == [("test", "A1"), ("test", "A2")]
    assert jobs()[0].payload["shop"] == lab.tenant_a.name


def test_job_ack_only_for_own_tenant_and_branch(lab, open_shift):
    a1_device, _ = device_for(lab, "A1")
    a2_device, _ = device_for(lab, "A2")
    b1_device, _ = device_for(lab, "B1")
    with tenant_scope(lab.tenant_a):
        job = print_job_test(branch=lab.branches["A1"])

    for stranger in (a2_device, b1_device):
        with tenant_scope(stranger.tenant_id):
            assert job_ack(device=stranger, job_id=job.pk) is False
    assert jobs()[0].acked_at is None

    with tenant_scope(lab.tenant_a):
        assert job_ack(device=a1_device, job_id=job.pk) is True
        assert job_ack(device=a1_device, job_id=job.pk) is True
        assert job_ack(device=a1_device, job_id=job.pk + 1000) is False
    assert jobs()[0].acked_by == a1_device


def test_create_device_command_prints_key_on_last_line(lab):
    out = io.StringIO()
    call_command(
        "create_device",
        "--tenant=tenant-a",
        "--branch=A1",
        "--name=D1",
        stdout=out,
    )

    key = out.getvalue().strip().splitlines()[-1]
    device = device_for_key(key=key)
    assert (device.name, device.branch) == ("D1", lab.branches["A1"])


def test_create_device_command_refuses_unknown_branch(lab):
    with pytest.raises(CommandError):
        call_command("create_device", "--tenant=tenant-a", "--branch=B1", "--name=x")
    with pytest.raises(CommandError):
        call_command("create_device", "--tenant=nope", "--branch=A1", "--name=x")


def test_revoke_device_command_revokes(lab):
    device, key = device_for(lab, "A1")
    call_command("revoke_device", str(device.pk), stdout=io.StringIO())
    assert device_for_key(key=key) is None
