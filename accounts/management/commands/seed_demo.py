from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Branch, Role, Tenant, User
from inventory.catalogue import GROCERY, ean13
from inventory.models import Category, Product
from inventory.services import stock_open
from kasserpro.tenancy import scopes_disabled

TENANTS = {
    "tenant-a": ("Bakaleyat El Nour", {"A1": "Nasr City", "A2": "Heliopolis"}),
    "tenant-b": ("Souq El Madina", {"B1": "Alexandria Downtown"}),
}
USERS = [
    ("admin-a", "A1", Role.ADMIN, "Amira", "Adel"),
    ("c1", "A1", Role.CASHIER, "Karim", "Hassan"),
    ("c2", "A1", Role.CASHIER, "Mona", "Samir"),
    ("c3", "A2", Role.CASHIER, "Omar", "Farouk"),
    ("admin-b", "B1", Role.ADMIN, "Bassem", "Nabil"),
    ("c4", "B1", Role.CASHIER, "Salma", "Youssef"),
    ("c5", "B1", Role.CASHIER, "Tarek", "Mahmoud"),
]
# (sku, English, Arabic, stock at each branch: {branch code: qty} or one qty)
LAB_PRODUCTS = [
    ("P1", "Lab product P1", "منتج المعمل ١", Decimal("25.00"), {"A1": 3}),
    ("P2", "Lab product P2", "منتج المعمل ٢", Decimal("10.00"), 100),
]


class Command(BaseCommand):
    help = "Create the demo lab of DESIGN.md; running it again changes nothing."

    def handle(self, *args, **options):
        with scopes_disabled(), transaction.atomic():
            branches = self._tenants()
            self._users(branches)
            for slug in TENANTS:
                self._catalogue(Tenant.objects.get(slug=slug), branches)
        self.stdout.write(self.style.SUCCESS("Demo lab ready."))

    def _tenants(self) -> dict[str, Branch]:
        branches = {}
        for slug, (name, branch_names) in TENANTS.items():
            tenant, _ = Tenant.objects.get_or_create(slug=slug, defaults={"name": name})
            for code, branch_name in branch_names.items():
                branches[code], _ = Branch.objects.get_or_create(
                    tenant=tenant, code=code, defaults={"name": branch_name}
                )
        return branches

    def _users(self, branches: dict[str, Branch]) -> None:
        for username, code, role, first, last in USERS:
            if User.objects.filter(username=username).exists():
                continue
            user = User(
                username=username,
                tenant=branches[code].tenant,
                home_branch=branches[code],
                role=role,
                first_name=first,
                last_name=last,
            )
            user.set_password(settings.KASSERPRO_DEMO_PASSWORD)
            user.save()

    def _catalogue(self, tenant: Tenant, branches: dict[str, Branch]) -> None:
        own_branches = [b for b in branches.values() if b.tenant_id == tenant.pk]
        opening: dict[Branch, dict[Product, Decimal]] = {b: {} for b in own_branches}
        for index, (sku, name, name_ar, price, stock) in enumerate(LAB_PRODUCTS):
            product = self._product(
                tenant,
                sku=sku,
                barcode=ean13(f"62299{tenant.pk:03d}{index:04d}"),
                name=name,
                name_ar=name_ar,
                price=price,
                tax_rate=Decimal("14.00"),
                unit="piece",
                category=None,
            )
            for branch in own_branches:
                wanted = stock.get(branch.code, 0) if isinstance(stock, dict) else stock
                opening[branch][product] = Decimal(wanted)

        for index, item in enumerate(GROCERY, start=1):
            category, _ = Category.objects.get_or_create(
                tenant=tenant,
                name=item.category,
                defaults={"name_ar": item.category_ar},
            )
            product = self._product(
                tenant,
                sku=item.sku,
                barcode=ean13(f"6221{tenant.pk:03d}{index:05d}"),
                name=item.name,
                name_ar=item.name_ar,
                price=item.price,
                tax_rate=item.tax_rate,
                unit=item.unit,
                category=category,
            )
            for branch in own_branches:
                opening[branch][product] = item.stock

        for branch, quantities in opening.items():
            stock_open(branch=branch, quantities=quantities)

    def _product(self, tenant: Tenant, *, sku: str, **fields) -> Product:
        product, _ = Product.objects.get_or_create(
            tenant=tenant, sku=sku, defaults=fields
        )
        return product
