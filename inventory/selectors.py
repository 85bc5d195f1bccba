from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import Branch
from inventory.models import BranchStock, Category, Product, Purchase, StockMovement
from kasserpro.money import quantity


def product_list(
    *, branch: Branch, search: str = "", sku: str = "", active_only: bool = True
) -> QuerySet[Product]:
    """Return the tenant's products with ``stock`` at ``branch`` annotated.

    ``search`` matches English or Arabic name, sku or barcode; ``sku`` is an
    exact match. Runs in the caller's tenant scope.
    """
    stock = BranchStock.objects.filter(branch=branch, product=OuterRef("pk")).values(
        "quantity"
    )[:1]
    products = Product.objects.annotate(
        stock=Coalesce(
            Subquery(stock),
            Value(Decimal("0")),
            output_field=DecimalField(max_digits=12, decimal_places=3),
        )
    )
    if active_only:
        products = products.filter(is_active=True)
    if search:
        products = products.filter(
            Q(name__icontains=search)
            | Q(name_ar__icontains=search)
            | Q(sku__iexact=search)
            | Q(barcode=search)
        )
    if sku:
        products = products.filter(sku=sku)
    return products.order_by("name", "pk")


def product_get(*, branch: Branch, product_id: int) -> Product:
    """Return one product with its stock at ``branch``; DoesNotExist if absent."""
    return product_list(branch=branch, active_only=False).get(pk=product_id)


def products_for_sale(*, product_ids: set[int]) -> dict[int, Product]:
    """Return the active products among ``product_ids``, by id."""
    return Product.objects.filter(pk__in=product_ids, is_active=True).in_bulk()


def stock_levels(*, branch: Branch, products: list[Product]) -> dict[int, Decimal]:
    """Return the stock at ``branch`` of ``products``, by product id."""
    rows = BranchStock.objects.filter(branch=branch, product__in=products)
    return dict(rows.values_list("product_id", "quantity"))


def products_by_id(*, product_ids: set[int]) -> dict[int, Product]:
    """Return the tenant's products among ``product_ids``, active or not."""
    return Product.objects.in_bulk(product_ids)


def purchase_get(*, purchase_id: int) -> Purchase:
    return Purchase.objects.prefetch_related("lines").get(pk=purchase_id)


def stock_ledger_mismatches() -> list[str]:
    """Return a line for every stock row that differs from its movements.

    Reads every tenant; the caller disables the scope on purpose.
    """
    moved = {
        (row["branch_id"], row["product_id"]): row["total"]
        for row in StockMovement.objects.values("branch_id", "product_id").annotate(
            total=Sum("quantity_delta")
        )
    }
    problems = []
    for row in BranchStock.objects.select_related("branch", "product"):
        # SQLite sums its float-stored decimals with float error; the
        # ledger is exact to the gram, so compare at that precision.
        total = quantity(moved.pop((row.branch_id, row.product_id), Decimal("0")))
        if total != row.quantity:
            problems.append(
                f"stock {row.branch.code}/{row.product.sku} (tenant {row.tenant_id}): "
                f"row {row.quantity} != movements {total}"
            )
    problems.extend(
        f"stock branch {branch}/product {product}: movements {total}, no stock row"
        for (branch, product), total in moved.items()
        if quantity(total)
    )
    return problems


def product_scan(*, branch: Branch, code: str) -> Product | None:
    """Return the one active product whose barcode or sku is ``code``.

    Returns None when nothing matches, and also when a barcode of one product
    is the sku of another: the till then lists both for the cashier to pick.
    Runs in the caller's tenant scope.
    """
    code = code.strip()
    if not code:
        return None
    matches = list(
        product_list(branch=branch).filter(Q(barcode=code) | Q(sku__iexact=code))[:2]
    )
    return matches[0] if len(matches) == 1 else None


def category_list() -> QuerySet[Category]:
    """Return the tenant's product categories by name. Runs in the scope."""
    return Category.objects.order_by("name", "pk")


def product_browse(
    *, branch: Branch, search: str = "", category_id: int | None = None
) -> QuerySet[Product]:
    """Return the products the till shows: a search, a category, or all.

    Same rows and ``stock`` as product_list. Runs in the caller's tenant
    scope, so another tenant's category id matches nothing.
    """
    products = product_list(branch=branch, search=search)
    if category_id:
        products = products.filter(category_id=category_id)
    return products


def stock_low(*, branch: Branch, threshold: Decimal) -> QuerySet[Product]:
    """Return tracked products whose stock at ``branch`` is at most ``threshold``.

    Lowest stock first. Runs in the caller's tenant scope.
    """
    return (
        product_list(branch=branch)
        .filter(track_stock=True, stock__lte=threshold)
        .order_by("stock", "name", "pk")
    )
