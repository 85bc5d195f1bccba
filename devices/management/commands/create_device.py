from django.core.management.base import BaseCommand, CommandError

from accounts.models import Branch, Tenant
from devices.services import device_create
from kasserpro.tenancy import scopes_disabled, tenant_scope


class Command(BaseCommand):
    help = (
        "Register a printer bridge for a branch. Its key is printed once, on "
        "the last line, and cannot be shown again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", required=True, help="tenant slug")
        parser.add_argument("--branch", required=True, help="branch code")
        parser.add_argument("--name", required=True, help="e.g. 'Till 1 printer'")

    def handle(self, *args, tenant, branch, name, **options):
        with scopes_disabled():
            owner = Tenant.objects.filter(slug=tenant).first()
        if owner is None:
            raise CommandError(f"No tenant {tenant!r}.")
        with tenant_scope(owner):
            place = Branch.objects.filter(code=branch).first()
            if place is None:
                raise CommandError(f"No branch {branch!r} in {tenant!r}.")
            created = device_create(branch=place, name=name)

        self.stdout.write(
            f"Device {created.device.pk} {name!r} created for {tenant} {branch}. "
            "Give the bridge this key; it is not shown again:"
        )
        self.stdout.write(created.key)
