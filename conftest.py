"""Fixtures shared by every app's tests: the demo lab, API clients, races and
a live server."""

import io
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote
from uuid import uuid4

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import transaction
from rest_framework.test import APIClient

from accounts.models import Branch, Tenant, User
from cashregister.models import Shift
from cashregister.services import shift_open
from inventory.models import BranchStock, MovementKind, Product
from inventory.services import stock_put
from kasserpro.tenancy import scopes_disabled, tenant_scope
from kasserpro.testing import race as race_threads
from orders.models import Order
from orders.services import LineRequest, PaymentRequest, order_checkout

CHECKOUT_URL = "/api/orders/checkout/"


@pytest.fixture(autouse=True)
def _test_hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # The manifest storage needs collectstatic first; in-process tests only
    # need the URLs. Servers started by live_daphne serve collected files.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True, scope="session")
def _compiled_messages():
    # The .mo files are not in git; `make test` compiles them, and so does
    # a bare `pytest` when a .po is newer than its .mo (msgfmt permitting).
    locale = Path(settings.BASE_DIR) / "locale"
    stale = [
        po
        for po in locale.glob("*/LC_MESSAGES/*.po")
        if not po.with_suffix(".mo").exists()
        or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale and shutil.which("msgfmt"):
        call_command("compilemessages", ignore_patterns=[".venv*", "var"], verbosity=0)


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    # A million PBKDF2 rounds per demo user cost seconds per lab. One round
    # keeps the hash a valid pbkdf2_sha256 hash, which a real server process
    # (see live_daphne) still accepts and upgrades on the first login.
    monkeypatch.setattr(PBKDF2PasswordHasher, "iterations", 1)


class Lab:
    """The lab of DESIGN.md, looked up by the names the scenarios use."""

    def __init__(self):
        with scopes_disabled():
            call_command("seed_demo", stdout=io.StringIO())
            self.tenant_a = Tenant.objects.get(slug="tenant-a")
            self.tenant_b = Tenant.objects.get(slug="tenant-b")
            self.branches = {b.code: b for b in Branch.objects.all()}
            self.users = {u.username: u for u in User.objects.all()}
            self.products = {
                (p.tenant.slug, p.sku): p
                for p in Product.objects.select_related("tenant").filter(
                    sku__in=["P1", "P2"]
                )
            }

    def user(self, username: str) -> User:
        if username not in self.users:
            self.users[username] = User.objects.get(username=username)
        return self.users[username]

    def product(self, sku: str, tenant: str = "tenant-a") -> Product:
        if (tenant, sku) not in self.products:
            with scopes_disabled():
                self.products[(tenant, sku)] = Product.objects.select_related(
                    "tenant"
                ).get(tenant__slug=tenant, sku=sku)
        return self.products[(tenant, sku)]

    def cashier_add(self, username: str, branch: str = "A1") -> User:
        """Add one more cashier at ``branch``, for races wider than c1, c2."""
        home = self.branches[branch]
        return User.objects.create_user(
            username=username,
            password=settings.KASSERPRO_DEMO_PASSWORD,
            tenant_id=home.tenant_id,
            home_branch=home,
        )

    def shift_open(self, username: str, opening_cash: str = "100.00") -> Shift:
        """Open a shift for ``username`` at their home branch."""
        user = self.user(username)
        with tenant_scope(user.tenant_id):
            return shift_open(
                user=user, branch=user.home_branch, opening_cash=Decimal(opening_cash)
            )

    def sale(self, username: str, lines, cash: str = "1000.00") -> Order:
        """Sell ``lines`` of (sku, quantity) as ``username``, paid in cash.

        The seller needs an open shift (``shift_open``).
        """
        user = self.user(username)
        slug = user.home_branch.tenant.slug
        with tenant_scope(user.tenant_id):
            return order_checkout(
                user=user,
                branch=user.home_branch,
                items=[
                    LineRequest(self.product(sku, slug).pk, Decimal(quantity))
                    for sku, quantity in lines
                ],
                payments=[PaymentRequest("cash", Decimal(cash))],
            )

    def stock_add(self, sku: str, quantity: str, branch: str = "A1") -> None:
        """Receive ``quantity`` more of ``sku`` at ``branch`` (a purchase)."""
        home = self.branches[branch]
        product = self.product(sku, home.tenant.slug)
        with tenant_scope(home.tenant_id), transaction.atomic():
            stock_put(
                branch=home,
                quantities={product: Decimal(quantity)},
                kind=MovementKind.PURCHASE,
                user=None,
                reason="test stock",
            )

    def stock(self, sku: str, branch: str = "A1") -> Decimal:
        """Return the stock row of ``sku`` at ``branch``, read afresh."""
        home = self.branches[branch]
        product = self.product(sku, home.tenant.slug)
        with scopes_disabled():
            return BranchStock.objects.get(branch=home, product=product).quantity


@pytest.fixture
def lab(db) -> Lab:
    return Lab()


@pytest.fixture
def lab_tx(transactional_db) -> Lab:
    """The lab on committed data, for tests where threads or servers race."""
    return Lab()


def api_client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture
def api_for():
    return api_client_for


def api_login(username: str) -> APIClient:
    """Return a client holding a real access token from the token endpoint."""
    client = APIClient()
    response = client.post(
        "/api/auth/token/",
        {"username": username, "password": settings.KASSERPRO_DEMO_PASSWORD},
        format="json",
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")
    return client


@pytest.fixture
def api_token_for():
    return api_login


def checkout_body(lines, cash: str = "1000.00") -> dict:
    """Return a checkout request for ``lines`` of (product, quantity), paid
    in cash with enough to cover it (the rest is change)."""
    return {
        "items": [
            {"product": product.pk, "quantity": str(quantity)}
            for product, quantity in lines
        ],
        "payments": [{"method": "cash", "amount": cash}],
    }


def checkout_post(client: APIClient, lines, *, key: str | None = None, **body):
    """POST a checkout of ``lines`` with a fresh (or the given) key."""
    return client.post(
        CHECKOUT_URL,
        checkout_body(lines, **body),
        format="json",
        headers={"Idempotency-Key": key or uuid4().hex},
    )


@pytest.fixture
def checkout():
    return checkout_post


def run_racing(*actions: Callable[[], object], timeout: float = 60.0) -> list:
    """Run ``actions`` released together by a barrier; raise what one raised."""
    results = race_threads(*actions, timeout=timeout)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


@pytest.fixture
def race():
    return run_racing


# A real server process ----------------------------------------------------

SERVER_START_TIMEOUT = 60.0


def database_url(db: dict) -> str:
    """Return a DATABASE_URL naming the database ``db`` (a settings entry)."""
    if db["ENGINE"] in ("django.db.backends.sqlite3", "kasserpro.db.sqlite"):
        return f"sqlite:///{db['NAME']}"
    if db["ENGINE"] == "django.db.backends.postgresql":
        auth = quote(db.get("USER") or "", safe="")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"], safe="")
        host = db.get("HOST") or "localhost"
        port = db.get("PORT") or 5432
        return f"postgres://{auth}@{host}:{port}/{quote(db['NAME'], safe='')}"
    raise NotImplementedError(f"no URL for {db['ENGINE']}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_listening(proc: subprocess.Popen, port: int, log: Path) -> None:
    # Poll the port; waiting on the process between polls both paces the
    # loop and notices a server that died on start-up.
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            pass
        try:
            proc.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            continue
        raise RuntimeError(f"daphne exited ({proc.returncode}):\n{log.read_text()}")
    raise RuntimeError(f"daphne not listening on {port}:\n{log.read_text()}")


class DaphneServer:
    """One real server process (daphne) against the test database.

    The server is another process: it sees committed rows only, so a test
    that prepares data for it uses ``transactional_db`` (or ``lab_tx``).
    """

    def __init__(self, log: Path, env: dict | None = None):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(settings.DATABASES["default"]),
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.proc: subprocess.Popen | None = None

    def start(self) -> "DaphneServer":
        command = [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(self.port),
        ]
        command.append("kasserpro.asgi:application")
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
                command, cwd=settings.BASE_DIR, env=self.env, stdout=out, stderr=out
            )
        _wait_listening(self.proc, self.port, self.log)
        return self

    def kill(self) -> None:
        """End the process at once, as a power cut or ``kill -9`` would."""
        self.proc.kill()
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


@pytest.fixture(scope="session")
def _collected_static(django_db_setup):
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(scope="session")
def live_daphne(_collected_static, tmp_path_factory) -> Iterator[str]:
    """Run the real server on a free port for the session; yield its URL.

    Static files are collected first, as ``make run`` does. The server's
    output is in the ``daphne`` folder under pytest's temporary directory.
    """
    server = DaphneServer(tmp_path_factory.mktemp("daphne") / "daphne.log")
    try:
        yield server.start().url
    finally:
        server.stop()


@pytest.fixture
def daphne_server(_collected_static, tmp_path) -> Iterator[DaphneServer]:
    """A server process of the test's own, to kill and start again."""
    server = DaphneServer(tmp_path / "daphne.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def open_shift():
    """Open a shift for a user at their home branch: ``open_shift(user)``."""

    def open_for(user: User, opening_cash: str = "100.00") -> Shift:
        with tenant_scope(user.tenant_id):
            return shift_open(
                user=user, branch=user.home_branch, opening_cash=Decimal(opening_cash)
            )

    return open_for
