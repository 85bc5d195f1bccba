from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from devices.models import Device, PrintJob
from devices.services import device_create, device_revoke
from kasserpro.admin import MANAGING_ROLES, TenantAdmin


@admin.register(Device)
class DeviceAdmin(TenantAdmin):
    """Printer bridges: added with a key shown once, revoked, never deleted.

    Deleting would orphan the jobs a device acked, and revoking already
    does what deleting is for.
    """

    view_roles = MANAGING_ROLES
    edit_roles = (Role.ADMIN,)
    list_display = ["name", "branch", "key_prefix", "last_seen_at", "revoked_at"]
    list_filter = ["branch"]
    list_select_related = ["branch"]
    search_fields = ["name", "key_prefix"]
    ordering = ["branch", "name"]
    fields = ["tenant", "name", "branch", "key_prefix", "created_at"]
    readonly_fields = ["key_prefix", "created_at", "last_seen_at", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["tenant", "name", "branch"]
        return [*self.fields, "last_seen_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        # A printer moves to another branch by a new key there: changing the
        # branch of a live key would send one shop's receipts to another.
        if obj is None:
            return self.readonly_fields
        return [*self.readonly_fields, "branch"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = device_create(branch=obj.branch, name=obj.name)
        # The admin goes on with ``obj`` (log entry, redirect): make it the
        # row the service saved.
        obj.__dict__.update(created.device.__dict__)
        self.message_user(
            request,
            _("Key of %(name)s, shown only now; give it to the bridge: %(key)s")
            % {"name": obj.name, "key": created.key},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke key and disconnect"), permissions=["change"])
    def revoke(self, request, queryset):
        devices = list(queryset.filter(revoked_at__isnull=True))
        for device in devices:
            device_revoke(device=device)
        self.message_user(
            request, _("Revoked %(count)d device(s).") % {"count": len(devices)}
        )


@admin.register(PrintJob)
class PrintJobAdmin(TenantAdmin):
    """Print jobs as the devices saw them; only services write them."""

    read_only = True
    list_display = ["pk", "kind", "branch", "order", "created_at", "acked_at"]
    list_filter = ["kind", "branch", ("acked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["branch", "order"]
    search_fields = ["order__number"]
    date_hierarchy = "created_at"
    ordering = ["-pk"]
    fields = [
        "kind",
        "branch",
        "order",
        "created_at",
        "acked_at",
        "acked_by",
        "payload",
    ]
