"""Load generator: N cashiers completing checkouts at once, over HTTP.

Run it from the project root with the server's environment (the same
DATABASE_URL), because it prepares the cashiers and checks the ledgers
afterwards straight in the database; the load itself goes through the API.
See bench/README.md.

    .venv/bin/python -m bench.checkout --setup --cashiers 10 --duration 20

Exits 0 when every ledger balances, each 201 made exactly one order and
took its stock, and no request failed with a 5xx or a transport error;
1 otherwise.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from uuid import uuid4

import django
import httpx

CHECKOUT_PATH = "/api/orders/checkout/"


@dataclass(frozen=True)
class Sample:
    status: str  # the HTTP status, or "error:<exception>" when none came back
    seconds: float


@dataclass(frozen=True)
class Summary:
    requests: int
    sales: int
    seconds: float
    statuses: Counter
    p50: float
    p95: float
    p99: float
    slowest: float

    @property
    def sales_per_second(self) -> float:
        return self.sales / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        statuses = "  ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items()))
        return [
            f"requests  {self.requests} in {self.seconds:.1f} s",
            f"sales     {self.sales} ({self.sales_per_second:.1f}/s)",
            f"latency   p50 {self.p50 * 1000:.0f} ms  p95 {self.p95 * 1000:.0f} ms  "
            f"p99 {self.p99 * 1000:.0f} ms  max {self.slowest * 1000:.0f} ms",
            f"statuses  {statuses}",
        ]


def summarise(samples: list[Sample], seconds: float) -> Summary:
    """Return counts, sales per second and latency percentiles of a run."""
    latencies = sorted(sample.seconds for sample in samples) or [0.0]
    if len(latencies) > 1:
        cuts = statistics.quantiles(latencies, n=100, method="inclusive")
        p50, p95, p99 = cuts[49], cuts[94], cuts[98]
    else:
        p50 = p95 = p99 = latencies[0]
    statuses = Counter(sample.status for sample in samples)
    return Summary(
        requests=len(samples),
        sales=statuses["201"],
        seconds=seconds,
        statuses=statuses,
        p50=p50,
        p95=p95,
        p99=p99,
        slowest=latencies[-1],
    )


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.checkout", description=__doc__
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--cashiers", type=int, default=10, help="concurrent tills")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds")
    parser.add_argument(
        "--count", type=int, help="stop after this many checkouts in all, not a time"
    )
    parser.add_argument("--quantity", type=Decimal, default=Decimal("1"))
    parser.add_argument(
        "--setup", action="store_true", help="run manage.py bench_setup first"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="per request")
    return parser.parse_args(argv)


def _login(base_url: str, username: str, password: str, timeout: float) -> str:
    response = httpx.post(
        f"{base_url}/api/auth/token/",
        json={"username": username, "password": password},
        timeout=timeout,
    )
    response.raise_for_status()
    return response.json()["access"]


def _product(base_url: str, token: str, sku: str, timeout: float) -> dict:
    response = httpx.get(
        f"{base_url}/api/products/",
        params={"sku": sku},
        headers={"Authorization": f"Bearer {token}"},
        timeout=timeout,
    )
    response.raise_for_status()
    (product,) = response.json()["results"]
    return product


def _till(
    client: httpx.Client, body: dict, start: threading.Barrier, more: Callable
) -> list[Sample]:
    samples = []
    start.wait()
    while more():
        began = time.perf_counter()
        try:
            response = client.post(
                CHECKOUT_PATH, json=body, headers={"Idempotency-Key": uuid4().hex}
            )
            status = str(response.status_code)
        except httpx.HTTPError as error:
            status = f"error:{type(error).__name__}"
        samples.append(Sample(status, time.perf_counter() - began))
    return samples


class Budget:
    """Hands out checkouts until a count or a deadline runs out."""

    def __init__(self, *, count: int | None, duration: float):
        self._left = count
        self._duration = duration
        self._lock = threading.Lock()
        self.started = self.deadline = 0.0

    def start(self) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + self._duration

    def take(self) -> bool:
        if self._left is None:
            return time.monotonic() < self.deadline
        with self._lock:
            self._left -= 1
            return self._left >= 0


def run_load(
    *, base_url: str, tokens: list[str], body: dict, budget: Budget, timeout: float
) -> tuple[list[Sample], float]:
    """Run one till per token until ``budget`` runs out; return all samples
    and the seconds from the common start to the last answer."""
    start = threading.Barrier(len(tokens), action=budget.start)
    clients = [
        httpx.Client(
            base_url=base_url,
            timeout=timeout,
            headers={"Authorization": f"Bearer {token}"},
        )
        for token in tokens
    ]
    try:
        with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
            futures = [
                pool.submit(_till, client, body, start, budget.take)
                for client in clients
            ]
            samples = [sample for future in futures for sample in future.result()]
    finally:
        for client in clients:
            client.close()
    return samples, time.monotonic() - budget.started


class _Books:
    """What the database says about the bench branch, before and after."""

    def __init__(self, *, product_id: int, branch_id: int):
        from inventory.models import BranchStock
        from kasserpro.tenancy import scopes_disabled
        from orders.models import Order

        with scopes_disabled():
            self.stock = BranchStock.objects.get(
                product_id=product_id, branch_id=branch_id
            ).quantity
            self.orders = Order.objects.filter(
                branch_id=branch_id, cashier__username__startswith="bench-"
            ).count()


def check(before: _Books, after: _Books, summary: Summary, quantity: Decimal):
    """Return what is wrong after a run; an empty list means nothing."""
    from bench.ledgers import ledger_mismatches

    problems = ledger_mismatches()
    if after.orders - before.orders != summary.sales:
        problems.append(
            f"{after.orders - before.orders} new orders for {summary.sales} sales"
        )
    if before.stock - after.stock != summary.sales * quantity:
        problems.append(
            f"stock fell by {before.stock - after.stock} for {summary.sales} sales"
        )
    failed = {
        status: n
        for status, n in summary.statuses.items()
        if status.startswith(("5", "error"))
    }
    if failed:
        problems.append(f"failed requests: {failed}")
    return problems


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasserpro.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from accounts.management.commands.bench_setup import BENCH_SKU, bench_username
    from accounts.models import User

    if args.setup:
        call_command("bench_setup", cashiers=args.cashiers)

    password = settings.KASSERPRO_DEMO_PASSWORD
    names = [bench_username(n) for n in range(1, args.cashiers + 1)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        # Limitation: an access token lives 15 minutes and is not refreshed,
        # so a run must end well within that.
        tokens = list(
            pool.map(lambda n: _login(args.base_url, n, password, args.timeout), names)
        )
    product = _product(args.base_url, tokens[0], BENCH_SKU, args.timeout)
    total = Decimal(product["price"]) * args.quantity
    body = {
        "items": [{"product": product["id"], "quantity": str(args.quantity)}],
        # Cash over the total: the drawer keeps the sale, change goes back.
        "payments": [{"method": "cash", "amount": str(total + 100)}],
    }

    books = {
        "product_id": product["id"],
        "branch_id": User.objects.get(username=names[0]).home_branch_id,
    }
    before = _Books(**books)
    samples, seconds = run_load(
        base_url=args.base_url,
        tokens=tokens,
        body=body,
        budget=Budget(count=args.count, duration=args.duration),
        timeout=args.timeout,
    )
    summary = summarise(samples, seconds)
    problems = check(before, _Books(**books), summary, args.quantity)

    print(f"checkout bench: {args.cashiers} cashiers against {args.base_url}")
    print("\n".join(summary.lines()))
    for problem in problems:
        print(f"FAIL {problem}")
    if not problems:
        print("ledgers   balanced; one order and one stock movement per sale")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
