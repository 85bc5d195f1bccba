from django.core.management.base import BaseCommand, CommandError

from devices.models import Device
from devices.services import device_revoke
from kasserpro.tenancy import scopes_disabled, tenant_scope


class Command(BaseCommand):
    help = "Revoke a printer bridge's key and drop its connection."

    def add_arguments(self, parser):
        parser.add_argument("device", type=int, help="device id")

    def handle(self, *args, device, **options):
        with scopes_disabled():
            found = Device.objects.filter(pk=device).first()
        if found is None:
            raise CommandError(f"No device {device}.")
        with tenant_scope(found.tenant_id):
            device_revoke(device=found)
        self.stdout.write(f"Device {device} revoked.")
