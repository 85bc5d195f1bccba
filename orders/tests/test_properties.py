"""Property tests: any basket, discount, tax mode and refund plan balances."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inventory.models import MovementKind, Product
from inventory.services import stock_put
from kasserpro.money import ZERO, money
from kasserpro.money import quantity as to_grams
from kasserpro.tenancy import tenant_scope
from kasserpro.tests.helpers import ledgers_balance
from orders.models import OrderStatus
from orders.pricing import Discount, LineInput, order_price
from orders.services import LineRequest, PaymentRequest, order_checkout, order_refund

pytestmark = pytest.mark.django_db

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2)
rates = st.sampled_from([Decimal("0"), Decimal("5"), Decimal("14"), Decimal("14.5")])
quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("50"), places=3)
discounts = st.one_of(
    st.builds(
        Discount, st.just("amount"), st.decimals(min_value=0, max_value=100, places=2)
    ),
    st.builds(
        Discount, st.just("percent"), st.decimals(min_value=0, max_value=100, places=2)
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(
        st.builds(LineInput, prices, quantities, rates, discounts),
        min_size=1,
        max_size=8,
    ),
    order_discount=discounts,
    include_tax=st.booleans(),
)
def test_order_price_totals_are_sums_of_rounded_lines(
    lines, order_discount, include_tax
):
    priced = order_price(
        lines=lines, order_discount=order_discount, prices_include_tax=include_tax
    )

    for line, price in zip(lines, priced, strict=True):
        base = money(line.unit_price * line.quantity)
        assert ZERO <= price.discount <= base
        assert price.tax_amount >= 0
        assert price.line_total >= 0
        assert price.line_total == money(price.line_total)
        assert price.tax_amount == money(price.tax_amount)
    gross = sum((money(line.unit_price * line.quantity) for line in lines), ZERO)
    assert sum((p.discount for p in priced), ZERO) <= gross


@pytest.fixture
def catalogue(lab, open_shift):
    open_shift(lab.user("admin-a"))
    with tenant_scope(lab.tenant_a):
        return list(Product.objects.filter(is_active=True).order_by("pk")[:12])


basket_lines = st.lists(
    st.tuples(st.integers(0, 11), st.integers(1, 5), st.one_of(st.none(), discounts)),
    min_size=1,
    max_size=5,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    basket=basket_lines,
    order_discount=discounts,
    include_tax=st.booleans(),
    card_share=st.decimals(min_value=0, max_value=1, places=2),
    extra_cash=st.decimals(min_value=0, max_value=50, places=2),
    refund_plan=st.lists(st.tuples(st.integers(0, 4), st.integers(1, 5)), max_size=4),
)
def test_checkout_and_refunds_give_back_exactly_what_was_paid(
    lab,
    catalogue,
    basket,
    order_discount,
    include_tax,
    card_share,
    extra_cash,
    refund_plan,
):
    admin, branch = lab.user("admin-a"), lab.branches["A1"]
    branch.tenant.prices_include_tax = include_tax
    branch.tenant.save()
    tenant = branch.tenant

    with tenant_scope(tenant):
        items = []
        for index, count, discount in basket:
            product = catalogue[index]
            quantity = Decimal(count) if product.unit == "piece" else Decimal(count) / 4
            items.append(
                LineRequest(product.pk, quantity, discount or Discount("amount", ZERO))
            )
            stock_put(
                branch=branch,
                quantities={product: quantity},
                kind=MovementKind.PURCHASE,
                user=None,
            )
        expected = order_price(
            lines=[
                LineInput(
                    catalogue[i].price,
                    item.quantity,
                    catalogue[i].tax_rate,
                    item.discount,
                )
                for (i, _c, _d), item in zip(basket, items, strict=True)
            ],
            order_discount=order_discount,
            prices_include_tax=include_tax,
        )
        total = sum((p.line_total for p in expected), ZERO)
        card = money(total * card_share)
        payments = [PaymentRequest("card", card)] if card else []
        if total - card + extra_cash > 0:
            payments.append(PaymentRequest("cash", total - card + extra_cash))
        if not payments:
            payments = [PaymentRequest("cash", Decimal("1.00"))]

        order = order_checkout(
            user=admin,
            branch=branch,
            items=items,
            payments=payments,
            discount=order_discount,
        )

        lines = list(order.items.all())
        assert order.total == total == sum((line.line_total for line in lines), ZERO)
        assert order.tax_total == sum((line.tax_amount for line in lines), ZERO)
        assert order.subtotal == order.total - order.tax_total
        assert sum((p.kept for p in order.payments.all()), ZERO) == order.total

        for line_index, count in refund_plan:
            if line_index >= len(lines):
                continue
            line = lines[line_index]
            line.refresh_from_db()
            left = line.quantity - line.refunded_quantity
            wanted = min(
                left,
                Decimal(count) if line.product.unit == "piece" else to_grams(left / 2),
            )
            if wanted > 0 and (line.product.unit != "piece" or wanted == int(wanted)):
                order_refund(order=order, user=admin, lines=[(line.pk, wanted)])
        order.refresh_from_db()
        if order.status != OrderStatus.REFUNDED:
            order_refund(order=order, user=admin)

        order.refresh_from_db()
        assert order.status == OrderStatus.REFUNDED
        assert order.refunded_total == order.total
        refunds = order.refunds.all()
        assert sum((r.amount for r in refunds), ZERO) == order.total
        assert sum((r.tax_amount for r in refunds), ZERO) == order.tax_total
        for payment in order.payments.all():
            assert payment.refunded_amount == payment.kept
    ledgers_balance()
