"""The till in a real browser against a real server process.

daphne serves the test database (committed data, hence ``lab_tx``) with the
production settings: DEBUG off, WhiteNoise serving collected static files,
the strict CSP on every page (a violation shows up as a console error).
The browser is the system Chromium driven by Playwright.
"""

import re
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

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


@contextmanager
def till(server_url: str, username: str = "c1"):
    """Yield a page signed in as ``username`` at the till with a shift open."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
        page.goto(f"{server_url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", django_settings.KASSERPRO_DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{server_url}/")
        page.fill("input[name=opening_cash]", "100.00")
        page.click("#shift-open button[type=submit]")
        expect(page.locator("#scan-input")).to_be_focused()
        try:
            yield page
        finally:
            browser.close()


def scan(page, code: str) -> None:
    from playwright.sync_api import expect

    page.fill("#scan-input", code)
    page.press("#scan-input", "Enter")
    expect(page.locator("#scan-input")).to_have_value("")


def orders_and_stock(lab, sku="P2"):
    with scopes_disabled():
        return Order.objects.count(), lab.stock(sku)


def test_till_double_click_on_pay_makes_one_order(lab_tx, live_daphne):
    from playwright.sync_api import expect

    with till(live_daphne) as page:
        scan(page, lab_tx.product("P2").barcode)
        expect(page.locator("#tendered")).to_have_value("10.00")

        page.keyboard.press("F8")
        page.dblclick("#pay-confirm")
        page.wait_for_url(re.compile(r"/orders/\d+/receipt/$"))

    # Playwright's event loop is closed: the ORM may run again.
    assert orders_and_stock(lab_tx) == (1, Decimal("99"))


def test_till_pay_again_after_lost_response_shows_the_first_receipt(
    lab_tx, live_daphne
):
    from playwright.sync_api import expect

    with till(live_daphne) as page:
        scan(page, lab_tx.product("P2").barcode)
        scan(page, lab_tx.product("P2").barcode)
        lost = []

        def drop_answer(route):
            # The server takes the sale and commits; its answer never
            # reaches the till, as when the shop's network drops.
            route.fetch(max_redirects=0)
            lost.append(route.request.url)
            route.abort("connectionreset")

        page.route("**/pay/", drop_answer, times=1)
        page.keyboard.press("F8")
        page.click("#pay-confirm")
        expect(page.locator("#pay-confirm")).to_be_enabled()
        assert lost
        assert page.url.endswith("/")

        page.click("#pay-confirm")
        page.wait_for_url(re.compile(r"/orders/\d+/receipt/$"))
        number = page.locator(".receipt__number").inner_text()

    with scopes_disabled():
        assert list(Order.objects.values_list("number", flat=True)) == [number]
    assert lab_tx.stock("P2") == Decimal("98")


def test_till_cash_sale_in_browser(lab_tx, live_daphne):
    from playwright.sync_api import expect, sync_playwright

    server_url = live_daphne
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
        page.click("main button[type=submit]")
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
        page.keyboard.press("F8")
        page.fill("#tendered", "50")
        page.click("#pay-confirm")
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
