"""The shop's screens in a real browser against a real server process.

Same set-up as test_browser.py: daphne serves the committed test database
(``lab_tx``) with production settings and the strict CSP; Chromium runs
headless. Playwright's sync API runs an event loop in this thread and
Django refuses ORM calls while one runs, so the database is read after the
browser closes.
"""

import re
import time
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.conf import settings as django_settings

from cashregister.models import Shift
from cashregister.selectors import drawer_balance
from kasserpro.tenancy import scopes_disabled, tenant_scope
from orders.models import Order, OrderStatus
from orders.tests.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.server]

RECEIPT = re.compile(r"/orders/\d+/receipt/$")
# What the no-English check in Arabic leaves out: data typed by the shop
# (its name, the branch, people's names), keys and the language switch.
UNTRANSLATED_SCRIPT = """
() => {
  const skip = "[lang=en], kbd, [translate=no], .topbar__where, .topbar__who,"
    + " script, style, template, dialog:not([open])";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    if (!text || node.parentElement.closest(skip)) continue;
    const style = getComputedStyle(node.parentElement);
    if (style.display === "none" || style.visibility === "hidden") continue;
    if (/[A-Za-z]/.test(text)) found.push(text);
  }
  return found;
}
"""


@contextmanager
def browser_page(server_url, *, username="c1", language="en", width=1366):
    """Yield (page, problems) signed in as ``username``, shift open if needed.

    ``problems`` collects page errors, console errors (a CSP violation is
    one) and answers of 500 or more.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_context(viewport={"width": width, "height": 768}).new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on(
            "console",
            lambda m: problems.append(m.text) if m.type == "error" else None,
        )
        page.on(
            "response",
            lambda r: (
                problems.append(f"{r.status} {r.url}") if r.status >= 500 else None
            ),
        )
        page.goto(f"{server_url}/login/")
        if language != "en":
            page.click(".topbar__lang")
            page.wait_for_selector(f"html[lang={language}]")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", django_settings.KASSERPRO_DEMO_PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{server_url}/")
        if page.locator("#shift-open").count():
            page.fill("input[name=opening_cash]", "100.00")
            page.click("#shift-open button[type=submit]")
            page.wait_for_selector("#scan-input")
        try:
            yield page, problems
        finally:
            browser.close()


def scan(page, code: str) -> None:
    from playwright.sync_api import expect

    page.fill("#scan-input", code)
    page.press("#scan-input", "Enter")
    expect(page.locator("#scan-input")).to_have_value("")


def test_sale_by_barcode_split_card_and_cash_with_change(lab_tx, live_daphne):
    from playwright.sync_api import expect

    barcode = lab_tx.product("P2").barcode
    with browser_page(live_daphne) as (page, problems):
        for _ in range(3):
            scan(page, barcode)
        expect(page.locator("#cart-total")).to_have_text("30.00")

        page.keyboard.press("F8")
        expect(page.locator("#pay-dialog")).to_be_visible()
        page.fill("#tendered", "20")
        page.fill("#pay-card-amount", "15")
        expect(page.locator("#pay-change")).to_have_text("5.00")
        page.click("#pay-confirm")
        page.wait_for_url(RECEIPT)
        expect(page.locator(".receipt__change dd")).to_have_text("5.00")
        expect(page.locator(".receipt__totals")).to_contain_text("Card")
        number = page.locator(".receipt__number").inner_text()

    assert problems == []
    with scopes_disabled():
        order = Order.objects.get(number=number)
        kept = {p.method: p.kept for p in order.payments.all()}
    assert kept == {"card": Decimal("15.00"), "cash": Decimal("15.00")}
    assert lab_tx.stock("P2") == Decimal("97")
    with tenant_scope(lab_tx.tenant_a):
        assert drawer_balance(branch=lab_tx.branches["A1"]) == Decimal("115.00")


def test_out_of_stock_refusal_keeps_the_cart(lab_tx, live_daphne):
    from playwright.sync_api import expect

    barcode = lab_tx.product("P1").barcode
    with browser_page(live_daphne) as (page, problems):
        for _ in range(4):
            scan(page, barcode)
        expect(page.locator("#cart .line__input")).to_have_value("4")
        expect(page.locator("#cart .line__note")).to_have_text("Only 3 in stock here.")

        page.keyboard.press("F8")
        page.keyboard.press("Enter")
        alert = page.locator("#messages [role=alert]")
        expect(alert).to_contain_text("Not enough stock for this sale.")
        expect(alert).to_contain_text("Lab product P1: 4 wanted, 3 in stock")
        expect(page.locator("#cart .line__input")).to_have_value("4")
        expect(page.locator("#pay-dialog")).to_be_hidden()
        assert page.url == f"{live_daphne}/"

    assert [p for p in problems if not p.startswith("Failed to load")] == []
    with scopes_disabled():
        assert Order.objects.count() == 0
    assert lab_tx.stock("P1") == Decimal("3")


def test_partial_refund_by_a_cashier_with_a_managers_pin(lab_tx, live_daphne):
    from playwright.sync_api import expect

    lab_tx.shift_open("c1")
    sold = lab_tx.sale("c1", [("P2", "3")], cash="30.00")
    admin = lab_tx.user("admin-a")
    admin.set_pin("5791")
    admin.save()

    with browser_page(live_daphne) as (page, problems):
        page.click("text=Orders")
        page.click(f"text={sold.number}")
        page.fill(".input--qty", "1")
        form = page.locator("#refund-lines")
        form.locator("input[name=reason]").fill("dented can")
        form.locator("input[name=manager]").fill("admin-a")
        form.locator("input[name=pin]").fill("5791")
        form.locator("button[type=submit]").click()
        expect(page.locator(".notice--success")).to_contain_text("Refund recorded.")
        expect(page.locator(".status").first).to_have_text("Partially refunded")

    assert problems == []
    with scopes_disabled():
        order = Order.objects.get(pk=sold.pk)
        refund = order.refunds.get()
    assert order.status == OrderStatus.PARTIALLY_REFUNDED
    assert (refund.amount, refund.approved_by_id) == (Decimal("10.00"), admin.pk)
    assert lab_tx.stock("P2") == Decimal("98")


def test_shift_open_sell_and_close_with_a_count_by_denomination(lab_tx, live_daphne):
    from playwright.sync_api import expect

    barcode = lab_tx.product("P2").barcode
    with browser_page(live_daphne) as (page, problems):
        scan(page, barcode)
        scan(page, barcode)
        page.keyboard.press("F8")
        page.keyboard.press("Enter")
        page.wait_for_url(RECEIPT)

        page.click("text=Shift & drawer")
        page.fill("input[name=n100]", "1")
        page.fill("input[name=n10]", "1")
        page.fill("input[name=n5]", "1")
        expect(page.locator("#counted-cash")).to_have_value("115.00")
        page.click("#shift-count button[type=submit]")
        expect(page.locator("#expected-cash")).to_have_text("120.00")
        expect(page.locator("#variance")).to_have_text("5.00 EGP")
        expect(page.locator("#shift-close")).to_contain_text("Short by")
        page.click("#shift-close button[type=submit]")
        page.wait_for_url(re.compile(r"/shift/\d+/$"))
        expect(page.locator(".facts__key--short")).to_contain_text("5.00")

    assert problems == []
    with scopes_disabled():
        shift = Shift.objects.get(user__username="c1")
    assert (shift.expected_cash, shift.counted_cash, shift.variance) == (
        Decimal("120.00"),
        Decimal("115.00"),
        Decimal("-5.00"),
    )


def test_till_in_arabic_is_right_to_left_and_fully_translated(lab_tx, live_daphne):
    from playwright.sync_api import expect

    barcodes = [lab_tx.product(sku).barcode for sku in ("P2", "BANANA", "COLA-1L")]
    ARTIFACTS.mkdir(exist_ok=True)
    shots = {}
    for language in ("ar", "en"):
        with browser_page(live_daphne, language=language) as (page, problems):
            for code in barcodes:
                scan(page, code)
            expect(page.locator("#cart .line")).to_have_count(3)
            page.click(".chips .chip >> nth=4")
            expect(page.locator(".chips .chip--on")).to_have_count(1)
            direction = page.evaluate("getComputedStyle(document.body).direction")
            leftovers = page.evaluate(UNTRANSLATED_SCRIPT)
            html_dir = page.locator("html").get_attribute("dir")
            shots[language] = ARTIFACTS / f"till-{language}.png"
            page.screenshot(path=str(shots[language]))
        assert problems == []
        if language == "ar":
            assert (html_dir, direction) == ("rtl", "rtl")
            assert leftovers == []
        else:
            assert (html_dir, direction) == ("ltr", "ltr")
    for path in shots.values():
        assert path.stat().st_size > 10_000


def test_keyboard_only_sale_and_five_item_benchmark(lab_tx, live_daphne, capsys):
    from playwright.sync_api import expect, sync_playwright

    skus = ["P2", "RICE-1KG", "MILK-1L", "COLA-1L", "CHIPS-SALT"]
    barcodes = [lab_tx.product(sku).barcode for sku in skus]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
        keys = page.keyboard
        page.goto(f"{live_daphne}/login/")
        keys.type("c1")
        keys.press("Tab")
        keys.type(django_settings.KASSERPRO_DEMO_PASSWORD)
        keys.press("Enter")
        page.wait_for_selector("input[name=opening_cash]:focus")
        keys.press("Control+A")
        keys.type("100")
        keys.press("Enter")
        expect(page.locator("#scan-input")).to_be_focused()

        started = time.perf_counter()
        for code in barcodes:
            keys.type(code)
            keys.press("Enter")
            expect(page.locator("#scan-input")).to_have_value("")
        expect(page.locator("#cart .line")).to_have_count(5)
        keys.press("F8")
        expect(page.locator("#tendered")).to_be_focused()
        keys.press("Enter")
        page.wait_for_url(RECEIPT)
        elapsed = time.perf_counter() - started
        expect(page.locator("#new-sale-link")).to_be_focused()

        keys.press("F9")
        page.wait_for_url(f"{live_daphne}/")
        expect(page.locator("#scan-input")).to_be_focused()
        browser.close()

    with capsys.disabled():
        print(f"\nfive scanned items, first scan to receipt: {elapsed:.2f} s")
    with scopes_disabled():
        order = Order.objects.get()
        assert order.items.count() == 5
    assert order.change_due == Decimal("0.00")
