"""Printer bridge: take a branch's print jobs off the device socket, print them.

It runs on the shop's small computer beside the printer, so it imports no
Django, only websockets, python-escpos, Pillow, arabic-reshaper and
python-bidi::

    python -m devices.bridge --url ws://HOST/ws/devices/ --key KEY \\
        --printer stdout | file:PATH | usb:VID:PID | network:HOST:PORT

The key may come from KASSERPRO_DEVICE_KEY instead of --key, which keeps
it out of the process list.

Delivery: the server sends every job its branch has not acked when the
bridge connects, and new ones as they are made. The bridge prints a job,
records its id in a state file, then acks it, so a job is printed once
across reconnects and restarts. A crash between printing and recording
would print it again: a second copy beats a lost receipt.
"""

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import sys
import tempfile
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import arabic_reshaper
from bidi import get_display
from escpos import printer as escpos_printer
from escpos.escpos import Escpos
from PIL import Image, ImageDraw, ImageFont
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

log = logging.getLogger("kasserpro.bridge")

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "DejaVuSans.ttf"
DEFAULT_PROFILE = "TM-T20II"  # a common 80 mm printer: 576 dots a line
FALLBACK_WIDTH = 384  # 58 mm paper, safe on any printer
DOTS_PER_COLUMN = 12  # font A is 12 dots wide: 48 columns on 576 dots
BACKOFF_FIRST = 1.0
BACKOFF_CAP = 60.0
REMEMBERED_JOBS = 1000
TITLES = {
    "receipt": "RECEIPT",
    "refund": "REFUND",
    "reprint": "RECEIPT - COPY",
    "test": "TEST PAGE",
}


# --- what a slip says --------------------------------------------------------


@dataclass(frozen=True)
class Row:
    left: str = ""
    right: str = ""
    align: str = "left"  # left (left and right columns), center, rule
    bold: bool = False


RULE = Row(align="rule")


def receipt_rows(job: dict) -> list[Row]:
    """Return the rows of the slip for ``job``, in print order."""
    receipt = job.get("receipt") or {}
    kind = job.get("kind", "receipt")
    rows = [
        Row(receipt.get("shop", ""), align="center", bold=True),
        Row(receipt.get("branch", ""), align="center"),
        Row(TITLES.get(kind, kind.upper()), align="center", bold=True),
    ]
    if receipt.get("order_number"):
        rows.append(Row(f"No. {receipt['order_number']}"))
    when = f"{receipt.get('date', '')} {receipt.get('time', '')}".strip()
    rows += [Row(when, receipt.get("cashier", "")), RULE]
    if kind == "test":
        return [*rows, Row("The printer bridge works.", align="center"), RULE]

    for line in receipt.get("lines", []):
        rows.append(Row(line["name"]))
        if line.get("name_ar"):
            rows.append(Row(line["name_ar"]))
        rows.append(
            Row(f"  {line['quantity']} x {line['unit_price']}", line["line_total"])
        )
    rows.append(RULE)
    return rows + _totals(receipt)


def _totals(receipt: dict) -> list[Row]:
    currency = receipt.get("currency", "")
    rows = [Row("Subtotal", receipt.get("subtotal", ""))]
    if _nonzero(receipt.get("discount_total")):
        rows.append(Row("Discount", f"-{receipt['discount_total']}"))
    for tax in receipt.get("tax", []):
        rows.append(Row(f"VAT {tax['rate']}% on {tax['taxable']}", tax["tax"]))
    rows.append(Row(f"Total {currency}".strip(), receipt.get("total", ""), bold=True))
    for payment in receipt.get("payments", []):
        rows.append(Row(payment["method"].capitalize(), payment["amount"]))
    if _nonzero(receipt.get("change")):
        rows.append(Row("Change", receipt["change"]))
    return [*rows, RULE]


def _nonzero(amount: str | None) -> bool:
    return bool(amount) and amount.strip("0.-") != ""


def needs_image(rows: list[Row]) -> bool:
    """Tell whether ``rows`` need drawing: anything beyond Latin-1.

    A printer's own character sets cannot join Arabic letters or order
    right-to-left text, so such a slip is drawn and sent as a picture.
    """
    return any(ord(char) > 0xFF for row in rows for char in row.left + row.right)


# --- text slips ----------------------------------------------------------------


def print_text(printer: Escpos, rows: list[Row], *, columns: int) -> None:
    """Print ``rows`` with the printer's own font, ``columns`` wide."""
    for row in rows:
        if row.align == "rule":
            printer.textln("-" * columns)
            continue
        printer.set(align="center" if row.align == "center" else "left", bold=row.bold)
        printer.textln(_columns(row, columns))
    printer.set(align="left", bold=False)


def _columns(row: Row, width: int) -> str:
    if row.align == "center" or not row.right:
        return row.left[:width]
    room = max(width - len(row.right) - 1, 0)
    left = row.left[:room]
    return left + " " * (width - len(left) - len(row.right)) + row.right


# --- drawn slips ---------------------------------------------------------------


def render_image(rows: list[Row], *, width: int, font_path: Path = FONT_PATH):
    """Draw ``rows`` as a black-and-white image ``width`` dots wide.

    Arabic is joined (arabic-reshaper) and put in visual order (python-bidi)
    here, so Pillow must not shape it again: its basic layout engine draws
    the glyphs as given, while libraqm, where installed, would reverse the
    already reversed text.
    """
    size = max(width // 24, 16)
    regular = ImageFont.truetype(
        str(font_path), size, layout_engine=ImageFont.Layout.BASIC
    )
    line_height = int(size * 1.45)
    image = Image.new("L", (width, line_height * len(rows) + size), 255)
    draw = ImageDraw.Draw(image)
    for index, row in enumerate(rows):
        top = size // 2 + index * line_height
        if row.align == "rule":
            middle = top + line_height // 2
            draw.line((0, middle, width, middle), fill=0, width=2)
            continue
        _draw_row(draw, row, top=top, width=width, font=regular)
    # Thresholding beats the printer library's dithering for text: strokes
    # stay solid instead of turning into dots.
    return image.point(lambda value: 255 if value > 160 else 0, mode="1")


def _draw_row(draw, row: Row, *, top: int, width: int, font) -> None:
    right = _visual(row.right)
    right_width = draw.textlength(right, font=font) if right else 0
    gap = font.size // 2 if right else 0
    left = _visual(_fit(draw, row.left, width - right_width - gap, font))
    left_width = draw.textlength(left, font=font)
    if row.align == "center":
        x = (width - left_width) / 2
    elif _is_arabic(row.left) and not right:
        x = width - left_width  # right-to-left text starts at the right
    else:
        x = 0
    stroke = 1 if row.bold else 0
    draw.text((x, top), left, font=font, fill=0, stroke_width=stroke, stroke_fill=0)
    if right:
        draw.text((width - right_width, top), right, font=font, fill=0)


def _fit(draw, text: str, room: float, font) -> str:
    # Cut the logical string, not the drawn one: the end of an Arabic
    # string is drawn on its left.
    while text and draw.textlength(_visual(text), font=font) > room:
        text = text[:-1]
    return text


def _is_arabic(text: str) -> bool:
    return any(
        "\u0600" <= char <= "\u06ff"
        or "\u0750" <= char <= "\u077f"
        or "\ufb50" <= char <= "\ufdff"
        or "\ufe70" <= char <= "\ufeff"
        for char in text
    )


def _visual(text: str) -> str:
    if not _is_arabic(text):
        return text
    return get_display(arabic_reshaper.reshape(text))


def print_job(printer: Escpos, job: dict, *, width: int) -> None:
    """Print ``job`` on ``printer``: as text when it can, else as an image."""
    print_rows(printer, receipt_rows(job), width=width)


def print_rows(printer: Escpos, rows: list[Row], *, width: int) -> None:
    """Print a slip's ``rows``, ``width`` dots wide, and cut."""
    if needs_image(rows):
        printer.image(render_image(rows, width=width), impl="bitImageRaster")
    else:
        print_text(printer, rows, columns=width // DOTS_PER_COLUMN)
    printer.cut()


# --- printers ------------------------------------------------------------------


class StdoutPrinter(Escpos):
    """Write the ESC/POS bytes to standard output (for tests and piping)."""

    def _raw(self, msg: bytes) -> None:
        sys.stdout.buffer.write(msg)
        sys.stdout.buffer.flush()


def printer_spec(spec: str) -> tuple:
    """Parse a printer SPEC: stdout, dummy, file:PATH, usb:VID:PID (hex ids)
    or network:HOST:PORT. Raises ValueError for anything else.
    """
    kind, _, rest = spec.partition(":")
    if kind in ("stdout", "dummy") and not rest:
        return (kind,)
    if kind == "file" and rest:
        return (kind, rest)
    if kind == "usb" and rest.count(":") == 1:
        vendor, product = rest.split(":")
        return (kind, int(vendor, 16), int(product, 16))
    if kind == "network" and rest.count(":") == 1:
        host, port = rest.split(":")
        return (kind, host, int(port))
    raise ValueError(f"unknown printer {spec!r}")


def printer_from_spec(spec: str, *, profile: str = DEFAULT_PROFILE) -> Escpos:
    """Return a printer for SPEC (see printer_spec); it connects on first use."""
    kind, *args = printer_spec(spec)
    classes = {
        "stdout": StdoutPrinter,
        "dummy": escpos_printer.Dummy,
        "file": escpos_printer.File,
        "usb": escpos_printer.Usb,
        "network": escpos_printer.Network,
    }
    return classes[kind](*args, profile=profile)


def paper_width(printer: Escpos, override: int | None = None) -> int:
    """Return the printable width in dots, and tell the profile about it.

    python-escpos checks images against the profile's width and complains
    on standard output when it is unknown, which would corrupt the stdout
    printer's bytes; so the profile always gets a number.
    """
    media = printer.profile.profile_data.setdefault("media", {})
    known = media.setdefault("width", {}).get("pixels")
    width = override or (known if isinstance(known, int) else FALLBACK_WIDTH)
    media["width"]["pixels"] = width
    return width


# --- what was printed ----------------------------------------------------------


class PrintedJobs:
    """The ids of the last jobs printed, kept in a small JSON file.

    Job ids only grow and an acked job is never sent again, so the last
    thousand cover any job the server may still send back.
    """

    def __init__(self, path: Path):
        self.path = path
        self._ids: deque[int] = deque(maxlen=REMEMBERED_JOBS)
        with contextlib.suppress(FileNotFoundError):
            self._ids.extend(json.loads(path.read_text())["printed"])

    def __contains__(self, job_id: int) -> bool:
        return job_id in self._ids

    def add(self, job_id: int) -> None:
        self._ids.append(job_id)
        # Write beside and rename: a crash mid-write leaves the old file.
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".printed-")
        with os.fdopen(fd, "w") as file:
            json.dump({"printed": list(self._ids)}, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self.path)


# --- the connection ------------------------------------------------------------


class PrintFailed(Exception):
    """The printer failed; the same job may well print later."""


class BadJob(Exception):
    """A job the bridge cannot make sense of; printing it again won't help."""


class Bridge:
    """One device's connection loop: connect, print, ack, reconnect."""

    def __init__(
        self,
        *,
        url: str,
        key: str,
        make_printer: Callable[[], Escpos],
        printed: PrintedJobs,
        width: int | None = None,
        backoff_cap: float = BACKOFF_CAP,
        on_printed: Callable[[dict, Escpos], None] | None = None,
        on_acked: Callable[[int], None] | None = None,
    ):
        self.url = url
        self.key = key
        self.make_printer = make_printer
        self.printed = printed
        self.width = width
        self.backoff_cap = backoff_cap
        self.on_printed = on_printed
        self.on_acked = on_acked
        self._printer: Escpos | None = None
        self._backoff = BACKOFF_FIRST

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Serve until ``stop`` is set (forever without one)."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                await _until(self._session(), stop)
            except InvalidStatus as error:
                log.warning(
                    "server refused the bridge (HTTP %s): check the key",
                    error.response.status_code,
                )
            except (OSError, TimeoutError, InvalidHandshake) as error:
                log.warning("cannot connect to %s: %s", self.url, error)
            except (ConnectionClosed, PrintFailed) as error:
                log.warning("connection ended: %s", error)
            except Exception:
                # The bridge runs unattended: log, back off, try again.
                log.exception("unexpected error")
            if stop.is_set():
                break
            delay = jittered(self._backoff)
            self._backoff = next_backoff(self._backoff, cap=self.backoff_cap)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
        self._printer_close()

    async def _session(self) -> None:
        async with connect(
            self.url,
            additional_headers={"Authorization": f"Device {self.key}"},
            # A bridge talks to its shop's server; an HTTP proxy from the
            # environment has no business in between.
            proxy=None,
            open_timeout=10,
            ping_interval=20,
            ping_timeout=20,
            max_size=4 * 1024 * 1024,
        ) as socket:
            log.info("connected to %s", self.url)
            self._backoff = BACKOFF_FIRST
            async for raw in socket:
                await self._handle(socket, raw)

    async def _handle(self, socket, raw) -> None:
        try:
            message = json.loads(raw)
            kind = message.get("type")
            job = message["job"] if kind == "print_job" else None
            job_id = job["id"] if job else None
        except (ValueError, TypeError, KeyError, AttributeError):
            log.warning("ignored a malformed message")
            return
        if kind == "acked" and self.on_acked:
            self.on_acked(message.get("job"))
        if job_id is None:
            return

        if job_id in self.printed:
            log.info("job %s was printed before; acking again", job_id)
        else:
            try:
                printer = await asyncio.to_thread(self._print, job)
            except BadJob as error:
                # Left un-acked, so the server keeps it in sight, and
                # skipped, so the jobs behind it still print.
                log.error("job %s skipped: %s", job_id, error)
                return
            self.printed.add(job_id)
            log.info(
                "printed job %s (%s) order %s",
                job_id,
                job.get("kind"),
                job.get("order_number") or "-",
            )
            if self.on_printed:
                self.on_printed(job, printer)
        await socket.send(json.dumps({"type": "ack", "job": job_id}))

    def _print(self, job: dict) -> Escpos:
        # Runs in a worker thread, so a slow printer does not stall the
        # socket's keepalive pings.
        try:
            rows = receipt_rows(job)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise BadJob(f"unreadable receipt ({error!r})") from error
        try:
            if self._printer is None:
                self._printer = self.make_printer()
            print_rows(
                self._printer, rows, width=paper_width(self._printer, self.width)
            )
            return self._printer
        except Exception as error:
            # Not acked: dropping the connection makes the server send the
            # job again after the reconnect, by which time the printer may
            # have paper again.
            self._printer_close()
            raise PrintFailed(f"job {job.get('id')} not printed: {error}") from error

    def _printer_close(self) -> None:
        if self._printer is not None:
            with contextlib.suppress(Exception):
                self._printer.close()
            self._printer = None


def next_backoff(current: float, *, cap: float = BACKOFF_CAP) -> float:
    """Return the wait after ``current`` failed: doubled, at most ``cap``."""
    return min(current * 2, cap)


def jittered(delay: float) -> float:
    """Return a wait between half of ``delay`` and all of it.

    A shop's bridges that lost the server together then do not all knock
    again at the same instant.
    """
    return random.uniform(delay / 2, delay)  # noqa: S311 - not a secret


async def _until(work, stop: asyncio.Event) -> None:
    """Run ``work`` until it ends or ``stop`` is set, whichever is first."""
    task = asyncio.ensure_future(work)
    stopper = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    if not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return
    task.result()


# --- command line --------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m devices.bridge", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--url", required=True, help="ws://HOST/ws/devices/")
    parser.add_argument(
        "--key",
        default=os.environ.get("KASSERPRO_DEVICE_KEY"),
        help="device key (default: $KASSERPRO_DEVICE_KEY)",
    )
    parser.add_argument(
        "--printer",
        default="stdout",
        help="stdout, file:PATH, usb:VID:PID (hex) or network:HOST:PORT",
    )
    parser.add_argument("--profile", default=DEFAULT_PROFILE, help="python-escpos")
    parser.add_argument("--width", type=int, help="printable dots (default: profile)")
    parser.add_argument(
        "--state",
        type=Path,
        default=Path.home() / ".kasserpro-bridge.json",
        help="where printed job ids are remembered",
    )
    parser.add_argument("--max-backoff", type=float, default=BACKOFF_CAP)
    args = parser.parse_args(argv)
    if not args.key:
        parser.error("a device key is needed: --key or KASSERPRO_DEVICE_KEY")
    try:
        kind, *_ = printer_spec(args.printer)
    except ValueError as error:
        parser.error(str(error))
    if kind == "usb" and not escpos_printer.Usb.is_usable():
        parser.error("a usb printer needs pyusb: pip install pyusb")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    # Logs go to stderr: stdout may be the printer. python-escpos sets up
    # the root logger when imported, hence force.
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(message)s",
        force=True,
    )
    bridge = Bridge(
        url=args.url,
        key=args.key,
        make_printer=lambda: printer_from_spec(args.printer, profile=args.profile),
        printed=PrintedJobs(args.state),
        width=args.width,
        backoff_cap=args.max_backoff,
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(bridge.run())


if __name__ == "__main__":
    main()
