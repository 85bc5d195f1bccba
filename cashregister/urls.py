from django.urls import path

from cashregister import views

urlpatterns = [
    path("shift/", views.shift_page, name="shift"),
    path("shift/open/", views.shift_open_submit, name="shift-open"),
    path("shift/close/preview/", views.shift_close_preview, name="shift-close-preview"),
    path("shift/close/", views.shift_close_submit, name="shift-close"),
    path("shift/<int:shift_id>/", views.shift_report, name="shift-report"),
    path("drawer/deposit/", views.drawer_deposit_submit, name="drawer-deposit"),
    path("drawer/withdraw/", views.drawer_withdraw_submit, name="drawer-withdraw"),
    path("expenses/new/", views.expense_submit, name="expense-new"),
]
