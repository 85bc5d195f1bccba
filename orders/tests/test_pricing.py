"""Money is exact (DESIGN.md invariant 2): Decimal end to end, half-up to
0.01 once per line, order totals are sums of rounded lines."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Branch
from inventory.models import Unit
from inventory.services import product_save
from kasserpro.tenancy import tenant_scope
from orders.exceptions import PaymentInvalid
from orders.pricing import line_price, settle
from orders.services import LineRequest, PaymentRequest, order_checkout

D = Decimal


def _price(unit_price, quantity, tax_rate="14.00", *, included=True):
    return line_price(
        unit_price=D(unit_price),
        quantity=D(quantity),
        tax_rate=D(tax_rate),
        prices_include_tax=included,
    )


def _cents(value: Decimal) -> bool:
    return isinstance(value, Decimal) and value.as_tuple().exponent == -2


def test_line_price_tax_included_rounds_line_and_tax_once():
    price = _price("0.35", "3")

    # 1.05 * 14 / 114 = 0.12894… -> 0.13
    assert (price.line_total, price.tax_amount) == (D("1.05"), D("0.13"))
    assert _cents(price.line_total) and _cents(price.tax_amount)


def test_line_price_weighed_quantity_rounds_half_up():
    price = _price("12.50", "1.255")

    # 12.50 * 1.255 = 15.6875 -> 15.69; 15.69 * 14 / 114 = 1.9268… -> 1.93
    assert (price.line_total, price.tax_amount) == (D("15.69"), D("1.93"))


@pytest.mark.parametrize(
    ("unit_price", "quantity", "line_total"),
    [
        ("1.00", "1.245", "1.25"),  # half-even would give 1.24
        ("0.25", "0.500", "0.13"),  # half-even would give 0.12
        ("0.01", "0.499", "0.00"),
    ],
)
def test_line_price_exact_half_cent_rounds_up(unit_price, quantity, line_total):
    assert _price(unit_price, quantity, "0").line_total == D(line_total)


def test_line_price_tax_excluded_adds_rounded_tax():
    price = _price("0.35", "3", included=False)

    # 1.05 * 14 / 100 = 0.147 -> 0.15, on top of the shelf price
    assert (price.line_total, price.tax_amount) == (D("1.20"), D("0.15"))


def test_line_price_tax_excluded_weighed_rounds_net_then_tax():
    price = _price("12.50", "1.255", included=False)

    # net 15.6875 -> 15.69; tax 2.1966 -> 2.20
    assert (price.line_total, price.tax_amount) == (D("17.89"), D("2.20"))


def test_line_price_zero_rate_has_no_tax():
    price = _price("9.99", "2", "0")

    assert (price.line_total, price.tax_amount) == (D("19.98"), D("0.00"))


def test_line_price_float_input_raises_type_error():
    with pytest.raises(TypeError):
        line_price(
            unit_price=0.35,
            quantity=D("3"),
            tax_rate=D("14"),
            prices_include_tax=True,
        )


def test_settle_cash_over_total_gives_change():
    settlement = settle(total=D("47.25"), payments=[("cash", D("50.00"))])

    assert settlement.paid_total == D("50.00")
    assert settlement.change_due == D("2.75")
    # The drawer keeps the sale, not the note the customer handed over.
    assert settlement.cash_kept == D("47.25")


def test_settle_card_exactly_total_keeps_no_cash():
    settlement = settle(total=D("47.25"), payments=[("card", D("47.25"))])

    assert (settlement.change_due, settlement.cash_kept) == (D("0"), D("0"))


def test_settle_card_and_cash_over_total_gives_change_from_cash():
    settlement = settle(
        total=D("100.00"), payments=[("card", D("60.00")), ("cash", D("50.00"))]
    )

    assert (settlement.change_due, settlement.cash_kept) == (D("10.00"), D("40.00"))


@pytest.mark.parametrize(
    "payments",
    [
        [("card", D("100.01"))],
        [("wallet", D("150.00"))],
        [("card", D("60.00")), ("wallet", D("40.01"))],
    ],
)
def test_settle_card_or_wallet_over_total_raises_payment_invalid(payments):
    with pytest.raises(PaymentInvalid):
        settle(total=D("100.00"), payments=payments)


@pytest.mark.parametrize(
    "payments",
    [
        [("cash", D("99.99"))],
        [("card", D("50.00")), ("cash", D("49.99"))],
        [],
    ],
)
def test_settle_payments_short_of_total_raise_payment_invalid(payments):
    with pytest.raises(PaymentInvalid):
        settle(total=D("100.00"), payments=payments)


def test_settle_every_amount_is_decimal():
    settlement = settle(
        total=D("10.00"), payments=[("card", D("4.00")), ("cash", D("10.00"))]
    )

    assert all(
        isinstance(value, Decimal)
        for value in (
            settlement.paid_total,
            settlement.change_due,
            settlement.cash_kept,
        )
    )


# Orders: totals are sums of rounded lines ---------------------------------


def _sell(lab, lines: list[tuple[dict, Decimal]], *, included: bool = True):
    """Create products with ``fields`` and sell them at A1 as c1, cash."""
    user = lab.user("c1")
    with tenant_scope(lab.tenant_a):
        branch = Branch.objects.select_related("tenant").get(pk=user.home_branch_id)
        branch.tenant.prices_include_tax = included
        items = []
        for index, (fields, quantity) in enumerate(lines):
            product = product_save(
                tenant_id=lab.tenant_a.pk,
                sku=f"T{index}",
                name=f"Test {index}",
                track_stock=False,
                **fields,
            )
            items.append(LineRequest(product.pk, quantity))
        order = order_checkout(
            user=user,
            branch=branch,
            items=items,
            payments=[PaymentRequest("cash", D("99999999.99"))],
        )
        order.refresh_from_db()
        return order, list(order.items.all())


def test_order_checkout_totals_are_sums_of_rounded_lines(lab):
    lab.shift_open("c1")
    weighed = {"price": D("6.70"), "tax_rate": D("14.00"), "unit": Unit.KG}

    order, items = _sell(lab, [(weighed, D("0.150"))] * 3)

    # Each line is 1.005 -> 1.01 with tax 0.12; rounding the whole order at
    # once would give 3.02 and 0.37 instead.
    assert [(i.line_total, i.tax_amount) for i in items] == [(D("1.01"), D("0.12"))] * 3
    assert (order.total, order.tax_total, order.subtotal) == (
        D("3.03"),
        D("0.36"),
        D("2.67"),
    )


def _half_up_cents(value: Fraction) -> Decimal:
    cents = int(value * 100 + Fraction(1, 2))
    return D(cents) / 100


def _expected_line(price, quantity, rate, included) -> tuple[Decimal, Decimal]:
    # An oracle apart from the code under test: exact fractions, one rounding.
    amount = _half_up_cents(Fraction(price) * Fraction(quantity))
    if included:
        tax = _half_up_cents(Fraction(amount) * Fraction(rate) / (100 + Fraction(rate)))
        return amount, tax
    tax = _half_up_cents(Fraction(amount) * Fraction(rate) / 100)
    return amount + tax, tax


_cent_prices = st.integers(min_value=1, max_value=99_999).map(lambda c: D(c) / 100)
_rates = st.sampled_from([D("0.00"), D("5.00"), D("10.00"), D("14.00"), D("22.50")])
_pieces = st.integers(min_value=1, max_value=50).map(D)
_grams = st.integers(min_value=1, max_value=25_000).map(lambda g: D(g) / 1000)
_lines = st.one_of(
    st.tuples(_cent_prices, _rates, st.just(Unit.PIECE), _pieces),
    st.tuples(_cent_prices, _rates, st.just(Unit.KG), _grams),
)


@settings(
    max_examples=40,
    deadline=None,
    # Each example runs in a transaction rolled back at its end, so the
    # function-scoped lab is the same for every example.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(basket=st.lists(_lines, min_size=1, max_size=6), included=st.booleans())
def test_order_checkout_random_basket_totals_are_sums_of_lines(lab, basket, included):
    with transaction.atomic():
        lab.shift_open("c1")
        order, items = _sell(
            lab,
            [
                ({"price": price, "tax_rate": rate, "unit": unit}, quantity)
                for price, rate, unit, quantity in basket
            ],
            included=included,
        )
        transaction.set_rollback(True)

    assert [(i.line_total, i.tax_amount) for i in items] == [
        _expected_line(price, quantity, rate, included)
        for price, rate, _unit, quantity in basket
    ]
    assert order.total == sum(i.line_total for i in items)
    assert order.tax_total == sum(i.tax_amount for i in items)
    assert order.subtotal == order.total - order.tax_total
    amounts = [order.total, order.tax_total, order.subtotal, order.change_due]
    amounts += [i.line_total for i in items] + [i.tax_amount for i in items]
    assert all(_cents(amount) for amount in amounts)
