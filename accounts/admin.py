from axes.utils import reset as axes_reset
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from accounts.models import Branch, Role, Tenant, User
from accounts.services import user_revoke_sessions
from kasserpro.admin import TenantAdmin, is_platform_user

# Access follows roles (kasserpro.admin), so Django's groups would only be a
# second, unused way to grant permissions.
admin.site.unregister(Group)


@admin.register(Tenant)
class TenantSettingsAdmin(TenantAdmin):
    """Platform staff manage tenants; a tenant's admins edit their settings."""

    tenant_lookup = "pk"
    view_roles = edit_roles = (Role.ADMIN,)
    list_display = ["name", "slug", "currency", "prices_include_tax"]
    search_fields = ["name", "slug"]

    def has_add_permission(self, request):
        return is_platform_user(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_platform_user(request.user)

    def get_readonly_fields(self, request, obj=None):
        if is_platform_user(request.user):
            return []
        # Devices and scripts name a tenant by its slug.
        return ["slug"]


@admin.register(Branch)
class BranchAdmin(TenantAdmin):
    edit_roles = (Role.ADMIN,)
    list_display = ["code", "name", "address"]
    search_fields = ["code", "name"]
    ordering = ["code"]


PIN = RegexValidator(r"^\d{4,8}$", _("A PIN is 4 to 8 digits."))


class PinFormMixin(forms.Form):
    """Set a user's till PIN from a write-only field, hashed like a password."""

    new_pin = forms.CharField(
        label=_("New till PIN"),
        required=False,
        strip=False,
        validators=[PIN],
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the current PIN."),
    )

    def clean(self):
        cleaned = super().clean()
        tenant = cleaned.get("tenant", getattr(self.instance, "tenant", None))
        if tenant is not None and not cleaned.get("home_branch"):
            self.add_error("home_branch", _("A tenant's user needs a home branch."))
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("new_pin"):
            user.set_pin(self.cleaned_data["new_pin"])
        if commit:
            user.save()
            self._save_m2m()
        return user


class UserCreateForm(PinFormMixin, AdminUserCreationForm):
    pass


class UserEditForm(PinFormMixin, UserChangeForm):
    pass


@admin.register(User)
class UserAdmin(TenantAdmin, DjangoUserAdmin):
    """A tenant's admins and managers manage the users of their tenant.

    Managers cannot touch admins nor hand out the admin role, so no manager
    can raise themselves or anyone else above their own rank. Staff and
    superuser flags are not theirs to set: the model derives admin access
    from the role.
    """

    form = UserEditForm
    add_form = UserCreateForm
    list_display = ["username", "first_name", "last_name", "role", "home_branch"]
    list_filter = ["role", "is_active", "home_branch"]
    readonly_fields = ["last_login", "date_joined"]
    ordering = ["username"]
    filter_horizontal = []

    work = (_("Work"), {"fields": ["tenant", "role", "home_branch", "new_pin"]})
    personal = (_("Personal info"), {"fields": ["first_name", "last_name", "email"]})
    dates = (_("Important dates"), {"fields": ["last_login", "date_joined"]})

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            login = ["username", "usable_password", "password1", "password2"]
        else:
            login = ["username", "password"]
        fieldsets = [(None, {"fields": login}), self.personal, self.work]
        if obj is not None:
            status = ["is_active"]
            if is_platform_user(request.user):
                status += ["is_staff", "is_superuser"]
            fieldsets += [(_("Status"), {"fields": status}), self.dates]
        return self.tenant_fieldsets(request, obj, fieldsets)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and request.user.role == Role.MANAGER:
            kwargs["choices"] = [
                (value, label) for value, label in Role.choices if value != Role.ADMIN
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._outranks(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._outranks(
            request, obj
        )

    def _outranks(self, request, obj) -> bool:
        if obj is None or is_platform_user(request.user):
            return True
        return request.user.role == Role.ADMIN or obj.role != Role.ADMIN

    actions = ["revoke_sessions", "unlock_logins"]

    @admin.action(description=_("Unlock logins locked after wrong passwords"))
    def unlock_logins(self, request, queryset):
        # django-axes keeps the failed attempts by username (and address);
        # clearing them for the tenant's own users ends every lockout of
        # theirs at once.
        usernames = list(queryset.values_list("username", flat=True))
        for username in usernames:
            axes_reset(username=username)
        self.message_user(
            request, _("Unlocked %(count)d user(s).") % {"count": len(usernames)}
        )

    @admin.action(
        description=_("Revoke all sessions and tokens"), permissions=["revoke"]
    )
    def revoke_sessions(self, request, queryset):
        # The queryset is the admin's own tenant's users (TenantAdmin).
        users = list(queryset)
        for user in users:
            user_revoke_sessions(user=user, by=request.user)
        self.message_user(
            request,
            _("Signed out %(count)d user(s) everywhere.") % {"count": len(users)},
        )

    def has_revoke_permission(self, request) -> bool:
        return is_platform_user(request.user) or request.user.role == Role.ADMIN
