"""How long a receipt takes from the sale's 201 to the printer bridge.

    python -m bench.print_latency [--sales 200]

By default it builds a throwaway installation (SQLite in a temporary
directory: migrate, seed_demo, create_device), starts one daphne on a free
loopback port, connects the real bridge loop (devices.bridge, printing to
a Dummy printer) as device D1 of branch A1, and sells P2 through the API
as cashier c1, one sale at a time. For each sale it notes when the 201
came back, when the job reached the bridge, and when the bridge had
printed it; it prints median and p99 of both. A job may reach the bridge
before the 201 reaches the client (the message goes out on commit, before
the response is written): such a latency is negative.

Against a server you run yourself:
    python -m bench.print_latency --url http://127.0.0.1:8000 --key KEY \\
        --username c1 --password kasserpro-demo
"""

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
from escpos.printer import Dummy

from devices import bridge

BASE_DIR = Path(__file__).resolve().parent.parent

WAIT = 30  # seconds any one step may take before the run gives up


def check(condition: bool, problem: str) -> None:
    if not condition:
        raise SystemExit(problem)


class TimedBridge(bridge.Bridge):
    """The real bridge, noting when each job arrives and is printed."""

    def __init__(self, **kwargs):
        self.arrived: dict[str, float] = {}
        self.done: dict[str, threading.Event] = {}
        self.printed_at: dict[str, float] = {}
        self._lock = threading.Lock()
        super().__init__(**kwargs, on_printed=self._printed)

    def expect(self, number: str) -> threading.Event:
        with self._lock:
            return self.done.setdefault(number, threading.Event())

    async def _handle(self, socket, raw):
        now = time.perf_counter()
        with contextlib.suppress(ValueError, KeyError, TypeError):
            message = json.loads(raw)
            if message.get("type") == "print_job":
                self.arrived.setdefault(message["job"]["order_number"], now)
        await super()._handle(socket, raw)

    def _printed(self, job, printer):
        self.printed_at[job["order_number"]] = time.perf_counter()
        printer.clear()
        self.expect(job["order_number"]).set()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.05)
            raise SystemExit("daphne exited before listening")
    raise SystemExit(f"daphne did not listen on {port}")


@contextlib.contextmanager
def throwaway_server():
    """Yield (base url, device key) of a fresh seeded server."""
    with tempfile.TemporaryDirectory(prefix="kp-bench-") as var:
        env = {
            **os.environ,
            "KASSERPRO_VAR_DIR": var,
            "DATABASE_URL": f"sqlite:///{var}/bench.sqlite3",
            "DJANGO_SETTINGS_MODULE": "kasserpro.settings",
        }
        env.pop("REDIS_URL", None)

        def manage(*args) -> str:
            return subprocess.run(  # noqa: S603
                [sys.executable, "manage.py", *args],
                cwd=BASE_DIR,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout

        manage("migrate", "--noinput")
        manage("seed_demo")
        key = manage(
            "create_device", "--tenant=tenant-a", "--branch=A1", "--name=D1 bench"
        ).splitlines()[-1]

        port = free_port()
        with open(Path(var) / "daphne.log", "wb") as log:
            server = subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "daphne",
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "kasserpro.asgi:application",
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for_port(port, server)
            yield f"http://127.0.0.1:{port}", key
        finally:
            server.terminate()
            server.wait(timeout=WAIT)


class Till:
    """A cashier selling P2 through the HTTP API."""

    def __init__(self, base: str, username: str, password: str):
        self.http = httpx.Client(base_url=base, timeout=WAIT)
        token = self.http.post(
            "/api/auth/token/", json={"username": username, "password": password}
        )
        token.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {token.json()['access']}"
        self.product = self.http.get("/api/products/?sku=P2").json()["results"][0]

    def post(self, url: str, body: dict) -> httpx.Response:
        return self.http.post(
            url, json=body, headers={"Idempotency-Key": uuid.uuid4().hex}
        )

    def prepare(self, sales: int) -> None:
        opened = self.post("/api/shifts/", {"opening_cash": "100.00"})
        check(opened.status_code in (201, 409), opened.text)
        stocked = self.post(
            "/api/purchases/",
            {
                "supplier": "bench",
                "lines": [
                    {
                        "product": self.product["id"],
                        "quantity": str(sales + 10),
                        "unit_cost": "5.00",
                    }
                ],
            },
        )
        check(stocked.status_code == 201, stocked.text)

    def sell(self) -> tuple[str, float, float]:
        """Return the order number, and when the request left and the 201 came."""
        sent = time.perf_counter()
        response = self.post(
            "/api/orders/checkout/",
            {
                "items": [{"product": self.product["id"], "quantity": "1"}],
                "payments": [{"method": "card", "amount": self.product["price"]}],
            },
        )
        answered = time.perf_counter()
        check(response.status_code == 201, response.text)
        return response.json()["number"], sent, answered


def run(base: str, key: str, args) -> dict:
    till = Till(base, args.username, args.password)
    till.prepare(args.sales + 1)
    with tempfile.TemporaryDirectory() as state:
        the_bridge = TimedBridge(
            url=base.replace("http", "ws", 1) + "/ws/devices/",
            key=key,
            make_printer=lambda: Dummy(profile=bridge.DEFAULT_PROFILE),
            printed=bridge.PrintedJobs(Path(state) / "printed.json"),
        )
        loop = asyncio.new_event_loop()
        stop = asyncio.Event()
        thread = threading.Thread(
            target=lambda: loop.run_until_complete(the_bridge.run(stop)), daemon=True
        )
        thread.start()
        try:
            # The first sale also waits for the bridge to connect; it is not
            # counted.
            number, _, _ = till.sell()
            check(the_bridge.expect(number).wait(WAIT), "warm-up job not printed")

            arrived, printed, round_trip = [], [], []
            for _ in range(args.sales):
                number, sent, answered = till.sell()
                check(the_bridge.expect(number).wait(WAIT), f"{number} not printed")
                arrived.append(the_bridge.arrived[number] - answered)
                printed.append(the_bridge.printed_at[number] - answered)
                round_trip.append(answered - sent)
        finally:
            loop.call_soon_threadsafe(stop.set)
            thread.join(timeout=WAIT)
    return {"arrived": arrived, "printed": printed, "checkout": round_trip}


def summary(name: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    p99 = statistics.quantiles(ms, n=100)[98]
    return (
        f"{name:<34} median {statistics.median(ms):7.2f} ms   p99 {p99:7.2f} ms"
        f"   max {max(ms):7.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sales", type=int, default=200)
    parser.add_argument("--url", help="a running server; default: start one")
    parser.add_argument("--key", help="device key of a branch of --username")
    parser.add_argument("--username", default="c1")
    parser.add_argument(
        "--password",
        default=os.environ.get("KASSERPRO_DEMO_PASSWORD", "kasserpro-demo"),
    )
    args = parser.parse_args()

    if args.url:
        if not args.key:
            parser.error("--url needs --key")
        results = run(args.url.rstrip("/"), args.key, args)
    else:
        with throwaway_server() as (base, key):
            results = run(base, key, args)

    print(f"{args.sales} sales through the API, one at a time")
    print(summary("checkout request -> 201", results["checkout"]))
    print(summary("201 -> job arrived at bridge", results["arrived"]))
    print(summary("201 -> printed (Dummy printer)", results["printed"]))


if __name__ == "__main__":
    main()
