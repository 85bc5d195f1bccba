"""The till in a real browser against a real server process.

daphne serves the test database (committed data, hence ``lab_tx``) with the
production settings: DEBUG off, WhiteNoise serving collected static files.
The browser is the system Chromium driven by Playwright.
"""

import os
import re
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings

from inventory.models import BranchStock
from kasserpro.tenancy import scopes_disabled
from orders.models import Order

pytestmark = [pytest.mark.browser, pytest.mark.server]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_SECONDS = 30
# The policy DESIGN.md asks for. django-csp is not wired in yet, so the test
# puts it on every page itself: a violation shows up as a console error.
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; form-action 'self'; "
    "base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
)


@pytest.fixture
def _fast_passwords():
    """Keep the production hashers: the server process checks the passwords."""


def _database_url(database: dict) -> str:
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    credentials = quote(database["USER"] or "", safe="")
    if database.get("PASSWORD"):
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{database['NAME']}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_listening(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"daphne exited with {server.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"daphne did not listen on {port}:\n{log.read_text()}")


@pytest.fixture
def server_url(lab_tx, tmp_path):
    """Start daphne on a free port against the test database; yield its URL."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(django_settings.DATABASES["default"]),
        # A private VAR_DIR: collected static files and a throwaway secret key.
        "KASSERPRO_VAR_DIR": str(tmp_path / "var"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    env.pop("DEBUG", None)
    env.pop("HTTPS", None)
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )

    port = _free_port()
    log = tmp_path / "daphne.log"
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603 - a fixed argv, nothing user-typed
            [
                str(bin_dir / "daphne"),
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "kasserpro.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_listening(port, server, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _with_strict_csp(route) -> None:
    if route.request.resource_type != "document":
        route.continue_()
        return
    response = route.fetch(max_redirects=0)
    route.fulfill(
        response=response,
        headers={**response.headers, "content-security-policy": STRICT_CSP},
    )


def test_till_cash_sale_in_browser(lab_tx, server_url):
    if not CHROMIUM.exists():
        pytest.skip("the system Chromium is not installed")
    from playwright.sync_api import expect, sync_playwright

    p2, a1 = lab_tx.product("P2"), lab_tx.branches["A1"]
    problems: list[str] = []

    # Playwright's sync API runs an event loop in this thread, and Django
    # refuses ORM calls while one runs: the database is read after it ends.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            viewport={"width": 1366, "height": 768}, locale="en-US"
        )
        context.route("**/*", _with_strict_csp)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on(
            "response",
            lambda response: (
                problems.append(f"{response.status} {response.url}")
                if response.status >= 400
                else None
            ),
        )
        page.on(
            "console",
            lambda message: (
                problems.append(message.text) if message.type == "error" else None
            ),
        )

        page.goto(f"{server_url}/login/")
        page.fill("input[name=username]", "c1")
        page.fill("input[name=password]", django_settings.KASSERPRO_DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{server_url}/")

        page.fill("input[name=opening_cash]", "200.00")
        page.click("#shift-open button[type=submit]")
        expect(page.locator("#scan-input")).to_be_focused()

        for _ in range(2):
            page.fill("#scan-input", p2.barcode)
            page.press("#scan-input", "Enter")
            expect(page.locator("#scan-input")).to_have_value("")
        expect(page.locator("#cart .line")).to_have_count(1)
        expect(page.locator("#cart .line__input")).to_have_value("2")
        expect(page.locator("#tendered")).to_have_value("20.00")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "till-en.png"))

        page.fill("#tendered", "50")
        page.click("#pay-cash")
        page.wait_for_url(re.compile(r"/orders/\d+/receipt/$"))
        expect(page.locator(".receipt__change dd")).to_have_text("30.00")
        expect(page.locator(".receipt__grand dd")).to_contain_text("20.00")
        expect(page.locator("[data-autofocus]")).to_be_focused()
        receipt_number = page.locator(".receipt__number").inner_text()
        browser.close()

    assert problems == []
    with scopes_disabled():
        order = Order.objects.get(number=receipt_number)
        stock = BranchStock.objects.get(branch=a1, product=p2).quantity
    assert (order.total, order.change_due) == (Decimal("20.00"), Decimal("30.00"))
    assert stock == Decimal("98")
