"""Mixed load: N tills selling, refunding with a manager's PIN and depositing.

Each till repeats: a checkout; every fourth step also a deposit into the
drawer; every fifth also a full refund of its previous sale, approved with
a manager's username and PIN as a cashier does at the till. Afterwards every
stock and drawer ledger must balance and no request may have failed with a
5xx or a transport error. Same set-up as bench.checkout (bench/README.md):

    .venv/bin/python -m bench.mixed --setup --cashiers 10 --duration 20
"""

import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

import django
import httpx

from bench.checkout import (
    CHECKOUT_PATH,
    Budget,
    Sample,
    _arguments,
    _login,
    _product,
    summarise,
)

MANAGER, PIN = "admin-a", "2468"


def _step(
    client: httpx.Client, kind: str, path: str, body: dict
) -> tuple[Sample, dict]:
    began = time.perf_counter()
    try:
        response = client.post(
            path, json=body, headers={"Idempotency-Key": uuid4().hex}
        )
        status, answer = str(response.status_code), response.json()
    except (httpx.HTTPError, ValueError) as error:
        status, answer = f"error:{type(error).__name__}", {}
    return Sample(f"{kind} {status}", time.perf_counter() - began), answer


def _till(client, sale: dict, start: threading.Barrier, more) -> list[Sample]:
    samples, last_order, step = [], None, 0
    start.wait()
    while more():
        step += 1
        sample, answer = _step(client, "checkout", CHECKOUT_PATH, sale)
        samples.append(sample)
        if step % 5 == 0 and last_order:
            refund = {"approval": {"manager": MANAGER, "pin": PIN}, "reason": "bench"}
            path = f"/api/orders/{last_order}/refunds/"
            samples.append(_step(client, "refund", path, refund)[0])
        if step % 4 == 0:
            deposit = {"amount": "5.00", "note": "bench"}
            samples.append(
                _step(client, "deposit", "/api/cash-register/deposits/", deposit)[0]
            )
        last_order = answer.get("id")
    return samples


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasserpro.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from accounts.management.commands.bench_setup import BENCH_SKU, bench_username
    from accounts.models import User
    from bench.ledgers import ledger_mismatches

    if args.setup:
        call_command("bench_setup", cashiers=args.cashiers)
    manager = User.objects.get(username=MANAGER)
    manager.set_pin(PIN)
    manager.save()

    names = [bench_username(n) for n in range(1, args.cashiers + 1)]
    password = settings.KASSERPRO_DEMO_PASSWORD
    with ThreadPoolExecutor(max_workers=8) as pool:
        tokens = list(
            pool.map(lambda n: _login(args.base_url, n, password, args.timeout), names)
        )
    product = _product(args.base_url, tokens[0], BENCH_SKU, args.timeout)
    sale = {
        "items": [{"product": product["id"], "quantity": str(args.quantity)}],
        "payments": [{"method": "cash", "amount": product["price"]}],
    }

    budget = Budget(count=args.count, duration=args.duration)
    start = threading.Barrier(len(tokens), action=budget.start)
    clients = [
        httpx.Client(
            base_url=args.base_url,
            timeout=args.timeout,
            headers={"Authorization": f"Bearer {token}"},
        )
        for token in tokens
    ]
    try:
        with ThreadPoolExecutor(max_workers=len(clients)) as pool:
            futures = [pool.submit(_till, c, sale, start, budget.take) for c in clients]
            samples = [s for future in futures for s in future.result()]
    finally:
        for client in clients:
            client.close()
    summary = summarise(samples, time.monotonic() - budget.started)

    problems = ledger_mismatches()
    failed = {
        status: n
        for status, n in summary.statuses.items()
        if status.split()[-1].startswith(("5", "error"))
    }
    if failed:
        problems.append(f"failed requests: {failed}")
    sales = summary.statuses["checkout 201"]
    print(f"mixed bench: {args.cashiers} cashiers against {args.base_url}")
    print(
        f"requests  {summary.requests} in {summary.seconds:.1f} s "
        f"({summary.requests / summary.seconds:.1f}/s), sales {sales}"
    )
    print("\n".join(summary.lines()[2:]))
    for problem in problems:
        print(f"FAIL {problem}")
    if not problems:
        print("ledgers   balanced")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
