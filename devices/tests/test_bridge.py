"""The printer bridge: rendering, its memory of printed jobs, and end to end."""

import asyncio
import json
import queue
import subprocess
import sys
import threading
from decimal import Decimal

import httpx
import pytest
from escpos.printer import Dummy
from PIL import Image

from devices import bridge
from devices.models import PrintJob
from devices.tests.conftest import BASE_DIR, bearer, device_for
from inventory.models import Product
from kasserpro.tenancy import scopes_disabled, tenant_scope

RASTER = b"\x1dv0"  # GS v 0: a raster bit image
ARRIVES = 20  # seconds a job may take to print through a live server


def job(kind="receipt", name_ar="", shop="Bakaleyat El Nour") -> dict:
    return {
        "id": 7,
        "kind": kind,
        "order_number": "A1-20260101-0042",
        "created_at": "2026-01-01T12:00:00+00:00",
        "receipt": {
            "shop": shop,
            "branch": "Nasr City",
            "currency": "EGP",
            "date": "2026-01-01",
            "time": "14:00",
            "order_number": "A1-20260101-0042",
            "lines": [
                {
                    "name": "Rice 1kg",
                    "name_ar": name_ar,
                    "quantity": "2",
                    "unit_price": "30.00",
                    "line_total": "60.00",
                }
            ],
            "tax": [{"rate": "14.00", "taxable": "52.63", "tax": "7.37"}],
            "subtotal": "52.63",
            "discount_total": "0.00",
            "tax_total": "7.37",
            "total": "60.00",
            "payments": [{"method": "cash", "amount": "100.00"}],
            "paid_total": "100.00",
            "change": "40.00",
            "cashier": "Karim Hassan",
        },
    }


def printed(a_job: dict) -> bytes:
    printer = bridge.printer_from_spec("dummy")
    bridge.print_job(printer, a_job, width=bridge.paper_width(printer))
    return printer.output


def black_pixels(image: Image.Image, box=None) -> int:
    region = image.crop(box) if box else image
    return region.histogram()[0]


# --- rendering ---------------------------------------------------------------


def test_print_job_latin_receipt_prints_as_text():
    output = printed(job())

    assert b"A1-20260101-0042" in output
    assert b"Total EGP" in output and b"60.00" in output
    assert b"VAT 14.00% on 52.63" in output
    assert b"Change" in output
    assert RASTER not in output
    assert output.endswith(b"\x1dV\x00")  # feed and cut


def test_print_job_arabic_line_prints_as_raster_image():
    output = printed(job(name_ar="أرز مصري ١ كيلو"))

    assert RASTER in output
    assert b"A1-20260101-0042" not in output  # drawn, not sent as text


def test_print_job_arabic_shop_name_prints_as_raster_image():
    assert RASTER in printed(job(shop="بقالة النور"))


def test_render_image_draws_arabic_joined_and_right_aligned():
    rows = [bridge.Row("أرز مصري")]
    image = bridge.render_image(rows, width=384)

    assert image.mode == "1" and image.width == 384
    assert black_pixels(image, (192, 0, 384, image.height)) > 50
    assert black_pixels(image, (0, 0, 150, image.height)) == 0


def test_visual_arabic_is_reshaped_and_reversed():
    visual = bridge._visual("أرز مصري")

    assert all("\ufe70" <= c <= "\ufeff" for c in visual if c != " ")  # joined
    assert visual.split(" ")[0] == bridge._visual("مصري")  # last word first
    assert bridge._visual("Rice 1kg") == "Rice 1kg"


def test_receipt_rows_mark_copy_refund_and_test_page():
    titles = {
        kind: bridge.receipt_rows(job(kind))[2].left
        for kind in ("receipt", "reprint", "refund", "test")
    }
    assert titles == {
        "receipt": "RECEIPT",
        "reprint": "RECEIPT - COPY",
        "refund": "REFUND",
        "test": "TEST PAGE",
    }


@pytest.mark.parametrize(
    ("spec", "parsed"),
    [
        ("stdout", ("stdout",)),
        ("dummy", ("dummy",)),
        ("file:/dev/usb/lp0", ("file", "/dev/usb/lp0")),
        ("usb:04b8:0202", ("usb", 0x04B8, 0x0202)),
        ("network:192.0.2.7:9100", ("network", "192.0.2.7", 9100)),
    ],
)
def test_printer_spec_parses_each_kind(spec, parsed):
    assert bridge.printer_spec(spec) == parsed


@pytest.mark.parametrize("spec", ["", "lp", "file:", "usb:1", "network:host", "x:y"])
def test_printer_spec_refuses_unknown(spec):
    with pytest.raises(ValueError):
        bridge.printer_spec(spec)


def test_next_backoff_doubles_up_to_cap():
    waits = [1.0]
    for _ in range(8):
        waits.append(bridge.next_backoff(waits[-1], cap=60))
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert all(0.5 <= bridge.jittered(1.0) <= 1.0 for _ in range(100))


# --- memory of printed jobs ------------------------------------------------------


def test_printed_jobs_survive_restart_and_stay_small(tmp_path):
    state = tmp_path / "state" / "printed.json"
    memory = bridge.PrintedJobs(state)
    for job_id in range(1, bridge.REMEMBERED_JOBS + 11):
        memory.add(job_id)

    restarted = bridge.PrintedJobs(state)
    assert 1 not in restarted and 10 not in restarted
    assert 11 in restarted and bridge.REMEMBERED_JOBS + 10 in restarted
    assert len(json.loads(state.read_text())["printed"]) == bridge.REMEMBERED_JOBS
    assert [p.name for p in state.parent.iterdir()] == ["printed.json"]


class FakeSocket:
    def __init__(self):
        self.sent = []

    async def send(self, text):
        self.sent.append(json.loads(text))


def test_bridge_handle_prints_once_and_acks_every_time(tmp_path):
    dummy = Dummy(profile=bridge.DEFAULT_PROFILE)
    seen = []
    the_bridge = bridge.Bridge(
        url="ws://unused/",
        key="k",
        make_printer=lambda: dummy,
        printed=bridge.PrintedJobs(tmp_path / "state.json"),
        on_printed=lambda job, printer: seen.append(job["id"]),
    )
    socket = FakeSocket()
    message = json.dumps({"type": "print_job", "job": job()})

    asyncio.run(the_bridge._handle(socket, message))
    restarted = bridge.Bridge(
        url="ws://unused/",
        key="k",
        make_printer=lambda: dummy,
        printed=bridge.PrintedJobs(tmp_path / "state.json"),
        on_printed=lambda job, printer: seen.append(job["id"]),
    )
    asyncio.run(restarted._handle(socket, message))
    asyncio.run(restarted._handle(socket, "garbage"))

    assert seen == [7]
    assert dummy.output.count(b"A1-20260101-0042") == 1
    assert socket.sent == [{"type": "ack", "job": 7}] * 2


def test_bridge_handle_failed_print_is_not_acked(tmp_path):
    def broken_printer():
        raise OSError("no paper")

    the_bridge = bridge.Bridge(
        url="ws://unused/",
        key="k",
        make_printer=broken_printer,
        printed=bridge.PrintedJobs(tmp_path / "state.json"),
    )
    socket = FakeSocket()

    with pytest.raises(bridge.PrintFailed):
        asyncio.run(
            the_bridge._handle(socket, json.dumps({"type": "print_job", "job": job()}))
        )
    assert socket.sent == []
    assert 7 not in bridge.PrintedJobs(tmp_path / "state.json")


def test_bridge_handle_unreadable_job_is_skipped_unacked(tmp_path):
    dummy = Dummy(profile=bridge.DEFAULT_PROFILE)
    the_bridge = bridge.Bridge(
        url="ws://unused/",
        key="k",
        make_printer=lambda: dummy,
        printed=bridge.PrintedJobs(tmp_path / "state.json"),
    )
    socket = FakeSocket()
    broken = {**job(), "id": 6, "receipt": {"lines": [{"quantity": "1"}]}}

    for message in (broken, job()):
        text = json.dumps({"type": "print_job", "job": message})
        asyncio.run(the_bridge._handle(socket, text))

    assert socket.sent == [{"type": "ack", "job": 7}]
    assert 6 not in the_bridge.printed
    assert dummy.output.count(b"A1-20260101-0042") == 1


def test_bridge_module_imports_no_django():
    probe = (
        "import sys, devices.bridge; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"


# --- end to end against daphne -------------------------------------------------


def latin_product(lab):
    with tenant_scope(lab.tenant_a):
        return Product.objects.create(
            tenant=lab.tenant_a,
            sku="LATIN-1",
            name="Plain biscuits",
            price=Decimal("5.00"),
            tax_rate=Decimal("14.00"),
            unit="piece",
            track_stock=False,
        )


def http_checkout(address: str, user, product) -> dict:
    response = httpx.post(
        f"http://{address}/api/orders/checkout/",
        json={
            "items": [{"product": product.pk, "quantity": "1"}],
            "payments": [{"method": "card", "amount": str(product.price)}],
        },
        headers={**bearer(user), "Idempotency-Key": f"bridge-{product.pk}"},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    return response.json()


class BridgeThread:
    """The bridge's own loop in a thread, printing to a Dummy printer."""

    def __init__(self, url: str, key: str, state):
        self.printer = Dummy(profile=bridge.DEFAULT_PROFILE)
        self.printed: queue.Queue = queue.Queue()
        self.acked: queue.Queue = queue.Queue()
        self.bridge = bridge.Bridge(
            url=url,
            key=key,
            make_printer=lambda: self.printer,
            printed=bridge.PrintedJobs(state),
            on_printed=self._printed,
            on_acked=self.acked.put,
        )
        self._loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _printed(self, a_job, printer):
        self.printed.put((a_job, printer.output))
        printer.clear()

    def _run(self):
        self._loop.run_until_complete(self.bridge.run(self._stop))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=ARRIVES)
        assert not self._thread.is_alive()


@pytest.mark.server
def test_bridge_prints_live_sales_as_text_and_arabic_image(
    lab_tx, server, open_shift, tmp_path
):
    device, key = device_for(lab_tx, "A1")
    c1 = lab_tx.user("c1")
    open_shift(c1)
    latin = latin_product(lab_tx)

    with BridgeThread(f"ws://{server}/ws/devices/", key, tmp_path / "s.json") as run:
        plain = http_checkout(server, c1, latin)
        printed_job, output = run.printed.get(timeout=ARRIVES)
        assert printed_job["order_number"] == plain["number"]
        assert plain["number"].encode() in output
        assert RASTER not in output
        assert run.acked.get(timeout=ARRIVES) == printed_job["id"]

        arabic = http_checkout(server, c1, lab_tx.product("P2"))  # has name_ar
        printed_job, output = run.printed.get(timeout=ARRIVES)
        assert printed_job["receipt"]["lines"][0]["name_ar"]
        assert printed_job["order_number"] == arabic["number"]
        assert RASTER in output
        raster = output[output.index(RASTER) :]
        width_bytes, height = raster[4] + raster[5] * 256, raster[6] + raster[7] * 256
        assert width_bytes * 8 == 576 and height > 100
        assert any(raster[8 : 8 + width_bytes * height])  # some dots are black
        assert run.acked.get(timeout=ARRIVES) == printed_job["id"]

    with scopes_disabled():
        assert not PrintJob.objects.filter(acked_at__isnull=True).exists()
        assert set(PrintJob.objects.values_list("acked_by", flat=True)) == {device.pk}


def line_with(lines: queue.Queue, text: str) -> str:
    """Return the next log line containing ``text``, skipping others."""
    for _ in range(100):
        line = lines.get(timeout=ARRIVES)
        if text in line:
            return line
    pytest.fail(f"no log line with {text!r}")


@pytest.mark.server
def test_bridge_command_prints_to_stdout(lab_tx, server, open_shift, tmp_path):
    _, key = device_for(lab_tx, "A1")
    c1 = lab_tx.user("c1")
    open_shift(c1)
    latin = latin_product(lab_tx)
    out = tmp_path / "printer.bin"
    command = [
        sys.executable,
        "-m",
        "devices.bridge",
        "--url",
        f"ws://{server}/ws/devices/",
        "--printer",
        "stdout",
        "--state",
        str(tmp_path / "state.json"),
    ]

    with out.open("wb") as stdout:
        process = subprocess.Popen(  # noqa: S603
            command,
            cwd=BASE_DIR,
            env={"KASSERPRO_DEVICE_KEY": key, "PATH": "/usr/bin:/bin"},
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
        )
    lines: queue.Queue = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in process.stderr], daemon=True
    ).start()
    try:
        line_with(lines, "connected to")
        sale = http_checkout(server, c1, latin)
        logged = line_with(lines, "printed job")
    finally:
        process.terminate()
        process.wait(timeout=ARRIVES)

    assert f"order {sale['number']}" in logged and "printed job" in logged
    assert sale["number"].encode() in out.read_bytes()
