from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Branch, Role, Tenant, User
from cashregister.selectors import shift_current
from cashregister.services import shift_open
from inventory.models import MovementKind, Product
from inventory.selectors import stock_levels
from inventory.services import product_save, stock_put
from kasserpro.tenancy import scopes_disabled, tenant_scope

BENCH_SKU = "BENCH-1"
BENCH_PRICE = Decimal("12.50")


def bench_username(number: int) -> str:
    return f"bench-{number:03d}"


class Command(BaseCommand):
    help = (
        "Prepare a load run (bench/README.md): the demo lab, N cashiers with "
        "open shifts at one branch, and a product with plenty of stock there. "
        "Running it again tops up what a run used."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cashiers", type=int, default=10)
        parser.add_argument("--tenant", default="tenant-a")
        parser.add_argument("--branch", default="A1")
        parser.add_argument("--stock", type=Decimal, default=Decimal("1000000"))
        parser.add_argument("--opening-cash", type=Decimal, default=Decimal("100.00"))

    def handle(self, *args, **options):
        if options["cashiers"] < 1:
            raise CommandError("--cashiers must be at least 1")
        call_command("seed_demo", stdout=self.stdout)
        with scopes_disabled():
            tenant = Tenant.objects.get(slug=options["tenant"])
            branch = Branch.objects.get(tenant=tenant, code=options["branch"])

        with tenant_scope(tenant), transaction.atomic():
            product = self._product(tenant, branch, options["stock"])
            users = self._cashiers(branch, options["cashiers"])
            for user in users:
                if shift_current(user=user) is None:
                    shift_open(
                        user=user, branch=branch, opening_cash=options["opening_cash"]
                    )

        self.stdout.write(
            f"{len(users)} cashiers {users[0].username}..{users[-1].username} "
            f"with open shifts at {tenant.slug}/{branch.code}; "
            f"product {product.sku} (id {product.pk}) stock {options['stock']}"
        )

    def _product(self, tenant: Tenant, branch: Branch, stock: Decimal) -> Product:
        product = Product.objects.filter(sku=BENCH_SKU).first()
        if product is None:
            product = product_save(
                tenant_id=tenant.pk,
                sku=BENCH_SKU,
                name="Bench product",
                price=BENCH_PRICE,
                tax_rate=Decimal("14.00"),
                unit="piece",
            )
        missing = stock - stock_levels(branch=branch, products=[product]).get(
            product.pk, Decimal("0")
        )
        if missing > 0:
            stock_put(
                branch=branch,
                quantities={product: missing},
                kind=MovementKind.PURCHASE,
                user=None,
                reason="bench stock",
            )
        return product

    def _cashiers(self, branch: Branch, count: int) -> list[User]:
        # One hash for all of them: a million PBKDF2 rounds per user would
        # make setting up fifty cashiers take half a minute.
        password = make_password(settings.KASSERPRO_DEMO_PASSWORD)
        users = []
        for number in range(1, count + 1):
            user, _ = User.objects.get_or_create(
                username=bench_username(number),
                defaults={
                    "tenant_id": branch.tenant_id,
                    "home_branch": branch,
                    "role": Role.CASHIER,
                    "password": password,
                },
            )
            users.append(user)
        return users
