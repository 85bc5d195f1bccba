from django.contrib.auth import views as auth_views
from django.urls import include, path

from orders import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.till, name="till"),
    path("till/scan/", views.till_scan, name="till-scan"),
    path("till/cart/add/", views.cart_add, name="cart-add"),
    path("till/cart/line/", views.cart_line, name="cart-line"),
    path("till/cart/clear/", views.cart_clear, name="cart-clear"),
    path("till/pay/", views.till_pay, name="till-pay"),
    path("orders/<int:order_id>/receipt/", views.order_receipt, name="order-receipt"),
    # The shift pages belong to the till's screens; they are included here so
    # the project's URL module, which the API also lives in, stays as it is.
    path("", include("cashregister.urls")),
]
