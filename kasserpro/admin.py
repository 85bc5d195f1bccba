"""Admin base classes that keep a tenant's staff inside their own tenant.

Every app's ``admin.py`` builds on ``TenantAdmin``. Tenant admins and
managers see and change only their tenant's rows, pick related rows of their
tenant only, and new rows are born in their tenant. Platform superusers (no
tenant) see across tenants; ``TenantScopeMiddleware`` lifts the scope for
them. Access follows the user's role, not Django's per-user permissions, so
nobody has to hand out permissions row by row.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, get_fields_from_path
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, Tenant
from idempotency.services import StoredResponse, fingerprint, idempotent_run

MANAGING_ROLES = (Role.ADMIN, Role.MANAGER)


def is_platform_user(user) -> bool:
    """Return whether ``user`` is platform staff who may see every tenant."""
    return bool(
        user.is_active
        and user.is_superuser
        and getattr(user, "tenant_id", None) is None
    )


def is_tenant_staff(user, roles=MANAGING_ROLES) -> bool:
    """Return whether ``user`` is an active member of a tenant in ``roles``."""
    return bool(
        user.is_active
        and user.is_staff
        and getattr(user, "tenant_id", None) is not None
        and user.role in roles
    )


def tenant_choices(model, user) -> models.QuerySet | None:
    """Return the rows of ``model`` that ``user`` may pick in a form.

    None means no limit (platform staff). A model that belongs to no tenant
    offers tenant staff nothing: failing closed beats guessing.
    """
    if is_platform_user(user):
        return None
    if model is Tenant:
        return Tenant.objects.filter(pk=user.tenant_id)
    if _has_tenant(model):
        return model._default_manager.filter(tenant_id=user.tenant_id)
    return model._default_manager.none()


def new_form_key() -> str:
    return uuid.uuid4().hex


class IdempotencyKeyField(forms.CharField):
    """A hidden per-form key, so a double submit writes once (invariant 4)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("initial", new_form_key)
        super().__init__(max_length=64, **kwargs)


@dataclass(frozen=True)
class Once:
    """What an admin write run through ``write_once`` left behind."""

    pk: int | None
    replayed: bool


def write_once(
    request, *, key: str, payload: dict, action: Callable[[], models.Model | None]
) -> Once:
    """Run ``action`` once per form ``key`` through the idempotency layer.

    A second submit of the same form replays: nothing is written again and
    the pk of the row the first submit wrote (if any) comes back. Domain
    errors raised by ``action`` propagate with nothing kept. Needs a tenant
    user, since records belong to a tenant.
    """
    result = idempotent_run(
        user=request.user,
        key=key,
        fingerprint=fingerprint(method="POST", path=request.path, payload=payload),
        action=action,
        snapshot=lambda row: StoredResponse(
            201, "text/plain", "" if row is None else str(row.pk)
        ),
    )
    if isinstance(result, StoredResponse):
        return Once(pk=int(result.body) if result.body else None, replayed=True)
    return Once(pk=None if result is None else result.pk, replayed=False)


class TenantFormMixin:
    """Bind a model form to one tenant and refuse rows of other tenants.

    ``TenantAdmin.get_form`` mixes this into the form it builds. For tenant
    staff ``forced_tenant_id`` is set: a new instance starts in that tenant
    and the (hidden, disabled) tenant field ignores whatever is posted.
    """

    tenant_field = "tenant"
    forced_tenant_id: int | None = None

    def __init__(self, *args, instance=None, **kwargs):
        if instance is None and self.forced_tenant_id is not None:
            instance = self._meta.model(
                **{f"{self.tenant_field}_id": self.forced_tenant_id}
            )
        super().__init__(*args, instance=instance, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if self.tenant_field not in cleaned:
            return cleaned
        tenant_id = getattr(cleaned[self.tenant_field], "pk", None)
        # Tenant staff only get their own rows as choices; this catches a
        # platform superuser pairing, say, tenant A with a branch of B.
        for name, value in list(cleaned.items()):
            if name == self.tenant_field:
                continue
            rows = value if isinstance(value, models.QuerySet) else [value]
            if any(_tenant_differs(row, tenant_id) for row in rows):
                self.add_error(name, _("This belongs to another tenant."))
        return cleaned


class TenantAdmin(admin.ModelAdmin):
    """The one admin base: rows, choices and permissions per tenant and role.

    ``tenant_lookup`` leads from the model to its tenant ("pk" for Tenant
    itself). ``view_roles`` and ``edit_roles`` are the tenant roles that may
    view, and add, change or delete. ``read_only`` admins show rows that only
    services write: nobody adds, changes or deletes them here.
    """

    tenant_lookup = "tenant"
    view_roles: tuple[str, ...] = MANAGING_ROLES
    edit_roles: tuple[str, ...] = MANAGING_ROLES
    read_only = False

    # --- who may do what --------------------------------------------------

    def owns(self, request, obj) -> bool:
        if obj is None or is_platform_user(request.user):
            return True
        if self.tenant_lookup == "pk":
            return obj.pk == request.user.tenant_id
        return getattr(obj, f"{self.tenant_lookup}_id") == request.user.tenant_id

    def may_edit(self, request) -> bool:
        if self.read_only:
            return False
        user = request.user
        return is_platform_user(user) or is_tenant_staff(user, self.edit_roles)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        user = request.user
        allowed = is_platform_user(user) or is_tenant_staff(user, self.view_roles)
        return allowed and self.owns(request, obj)

    def has_add_permission(self, request):
        return self.may_edit(request)

    def has_change_permission(self, request, obj=None):
        return self.may_edit(request) and self.owns(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.may_edit(request) and self.owns(request, obj)

    # --- which rows -------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_platform_user(request.user):
            return queryset
        # The middleware's scope already limits scoped models; the explicit
        # filter also covers User, which is not scoped, and survives a view
        # that runs outside the middleware.
        return queryset.filter(**{self.tenant_lookup: request.user.tenant_id})

    def lookup_allowed(self, lookup, value, request=None):
        # A changelist filter through a user (?cashier__password__startswith)
        # would be an oracle on password and PIN hashes.
        if {"password", "pin"} & set(lookup.split(LOOKUP_SEP)):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Another tenant's row answers exactly like a missing one, and
            # with 404 rather than admin's redirect (DESIGN.md invariant 5).
            raise Http404
        return obj

    # --- forms --------------------------------------------------------------

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = tenant_choices(db_field.remote_field.model, request.user)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = tenant_choices(db_field.remote_field.model, request.user)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_tenant_field(self) -> bool:
        return self.tenant_lookup != "pk"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return self.tenant_fieldsets(request, obj, fieldsets)

    def tenant_fieldsets(self, request, obj, fieldsets):
        """Return ``fieldsets`` with the tenant field where it belongs.

        Shown to platform staff; kept but hidden in tenant staff's forms;
        left out of read-only pages for tenant staff.
        """
        if not self.has_tenant_field():
            return fieldsets
        editable = (
            self.has_add_permission(request)
            if obj is None
            else self.has_change_permission(request, obj)
        )
        if is_platform_user(request.user) or editable:
            return _with_field(fieldsets, self.tenant_lookup)
        return _without_field(fieldsets, self.tenant_lookup)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not self.has_tenant_field():
            return form
        platform = is_platform_user(request.user)
        attrs = {"tenant_field": self.tenant_lookup}
        if not platform:
            attrs["forced_tenant_id"] = request.user.tenant_id
        form = type(form.__name__, (TenantFormMixin, form), attrs)
        field = form.base_fields.get(self.tenant_lookup)
        if field is None:
            return form
        # The field stays in the form, rather than being excluded, so that
        # model validation still checks constraints that include the tenant
        # (one sku per tenant). Disabled, it ignores any posted value: tenant
        # staff never choose a tenant, and a saved row never changes tenant,
        # since its stock, orders and users would stay behind.
        if not platform:
            field.disabled = True
            field.widget = forms.HiddenInput()
        elif obj is not None:
            field.disabled = True
            field.widget = getattr(field.widget, "widget", field.widget)
            _limit_choices(form, tenant_id=getattr(obj, f"{self.tenant_lookup}_id"))
        return form

    # --- changelist -------------------------------------------------------

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if is_platform_user(request.user) and self.has_tenant_field():
            columns.insert(1, self.tenant_lookup)
        return columns

    def get_list_filter(self, request):
        filters = []
        for item in super().get_list_filter(request):
            if isinstance(item, str) and _is_relation(self.model, item):
                # Choices come from the rows shown, so a filter on a user or
                # a branch never lists another tenant's.
                item = (item, admin.RelatedOnlyFieldListFilter)
            filters.append(item)
        if is_platform_user(request.user) and self.has_tenant_field():
            filters.insert(0, self.tenant_lookup)
        return filters


class ReadOnlyInline(admin.TabularInline):
    """An inline of rows that services write; shown, never edited here."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        # The parent admin has already checked the role and the tenant of
        # the row this inline hangs off.
        user = request.user
        return is_platform_user(user) or is_tenant_staff(user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_platform_user(request.user):
            return queryset
        return queryset.filter(tenant_id=request.user.tenant_id)


class TenantImportExportMixin:
    """django-import-export on a ``TenantAdmin``: rows of one tenant only.

    The resource gets the importer's ``tenant_id``; it must look rows up and
    create them in that tenant only. Platform staff may export (filtered by
    tenant in the changelist) but not import, since an import has no tenant
    of its own to write into.
    """

    def get_resource_kwargs(self, request, *args, **kwargs):
        kwargs = super().get_resource_kwargs(request, *args, **kwargs)
        kwargs["tenant_id"] = request.user.tenant_id
        return kwargs

    def has_import_permission(self, request):
        return (
            request.user.tenant_id is not None
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def has_export_permission(self, request):
        return self.has_view_permission(request)


def _limit_choices(form, *, tenant_id: int | None) -> None:
    # Platform staff editing a saved row choose among its tenant's rows only.
    for field in form.base_fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and _has_tenant(queryset.model):
            field.queryset = queryset.filter(tenant_id=tenant_id)


def _has_tenant(model) -> bool:
    return any(field.name == "tenant" for field in model._meta.get_fields())


def _tenant_differs(row, tenant_id: int | None) -> bool:
    if not isinstance(row, models.Model):
        return False
    return getattr(row, "tenant_id", tenant_id) != tenant_id


def _is_relation(model, path: str) -> bool:
    return get_fields_from_path(model, path)[-1].is_relation


def _with_field(fieldsets, name: str):
    if name in flatten_fieldsets(fieldsets):
        return fieldsets
    (title, options), *rest = fieldsets
    return [(title, {**options, "fields": [name, *options["fields"]]}), *rest]


def _without_field(fieldsets, name: str):
    def keep(fields):
        kept = []
        for field in fields:
            if isinstance(field, list | tuple):
                field = [f for f in field if f != name]
                if field:
                    kept.append(field)
            elif field != name:
                kept.append(field)
        return kept

    return [
        (title, {**options, "fields": keep(options["fields"])})
        for title, options in fieldsets
    ]
