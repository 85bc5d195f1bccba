from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from cashregister.models import CashMovement, Expense, Shift
from cashregister.services import expense_record
from kasserpro.admin import (
    IdempotencyKeyField,
    TenantAdmin,
    is_tenant_staff,
    write_once,
)
from kasserpro.errors import ApplicationError


@admin.register(Shift)
class ShiftAdmin(TenantAdmin):
    read_only = True
    list_display = [
        "opened_at",
        "user",
        "branch",
        "status",
        "opening_cash",
        "expected_cash",
        "counted_cash",
        "variance",
        "closed_at",
    ]
    list_filter = ["status", "branch", "user"]
    list_select_related = ["user", "branch"]
    date_hierarchy = "opened_at"
    ordering = ["-opened_at", "-pk"]


@admin.register(CashMovement)
class CashMovementAdmin(TenantAdmin):
    read_only = True
    list_display = ["created_at", "branch", "kind", "amount", "user", "order", "note"]
    list_filter = ["kind", "branch"]
    list_select_related = ["branch", "user", "order"]
    search_fields = ["note", "order__number"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]


class ExpenseForm(forms.ModelForm):
    idempotency_key = IdempotencyKeyField()


@admin.register(Expense)
class ExpenseAdmin(TenantAdmin):
    """Expenses are added through expense_record; later only described.

    An expense paid from the drawer has a ledger row behind it, so its
    amount, branch and drawer flag are fixed once written, and it is never
    deleted here.
    """

    form = ExpenseForm
    list_display = ["created_at", "branch", "category", "amount", "paid_from_drawer"]
    list_filter = ["category", "branch", "paid_from_drawer"]
    list_select_related = ["branch"]
    search_fields = ["note"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    add_fields = ["branch", "amount", "category", "note", "paid_from_drawer"]
    change_fields = ["branch", "amount", "paid_from_drawer", "category", "note"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*self.add_fields, "idempotency_key"]
        return [*self.change_fields, "user", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["branch", "amount", "paid_from_drawer", "user", "created_at"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            del form.base_fields["idempotency_key"]
        return form

    def has_add_permission(self, request):
        # Money writes go under the acting user's tenant and idempotency
        # record: platform staff, who have neither, cannot add expenses.
        return super().has_add_permission(request) and is_tenant_staff(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except ApplicationError as error:
            # Refused by the service (say, more than the drawer holds);
            # the add view's transaction has rolled back.
            self.message_user(request, str(error.detail), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["category", "note"])
            return
        once = write_once(
            request,
            key=form.cleaned_data["idempotency_key"],
            payload={
                name: str(
                    getattr(form.cleaned_data[name], "pk", form.cleaned_data[name])
                )
                for name in self.add_fields
            },
            action=lambda: expense_record(
                user=request.user,
                branch=obj.branch,
                amount=obj.amount,
                category=obj.category,
                note=obj.note,
                paid_from_drawer=obj.paid_from_drawer,
            ),
        )
        obj.pk = once.pk
        obj.refresh_from_db()
        if once.replayed:
            self.message_user(request, _("That expense was already recorded."))
