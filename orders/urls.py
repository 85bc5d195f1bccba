from django.contrib.auth import views as auth_views
from django.urls import include, path

from orders import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Django's set_language: a CSRF-protected POST that stores the choice
    # for LocaleMiddleware (session and cookie).
    path("i18n/", include("django.conf.urls.i18n")),
    path("", views.till, name="till"),
    path("till/scan/", views.till_scan, name="till-scan"),
    path("till/cart/add/", views.cart_add, name="cart-add"),
    path("till/cart/line/", views.cart_line, name="cart-line"),
    path("till/cart/discount/", views.cart_discount, name="cart-discount"),
    path("till/cart/clear/", views.cart_clear, name="cart-clear"),
    path("till/pay/", views.till_pay, name="till-pay"),
    path("till/pay/balance/", views.till_pay_balance, name="till-pay-balance"),
    path("orders/", views.order_list_page, name="order-list"),
    path("orders/<int:order_id>/", views.order_detail, name="order-detail"),
    path(
        "orders/<int:order_id>/refund/",
        views.order_refund_submit,
        name="order-refund",
    ),
    path("orders/<int:order_id>/receipt/", views.order_receipt, name="order-receipt"),
    path("dashboard/", views.dashboard, name="dashboard"),
    # The shift and stock pages belong to the shop's screens; they are
    # included here so the project's URL module, which the API also lives
    # in, stays as it is.
    path("", include("cashregister.urls")),
    path("", include("inventory.urls")),
]
