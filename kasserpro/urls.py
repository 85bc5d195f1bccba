from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import api as accounts_api
from cashregister import api as cash_api
from devices import api as devices_api
from inventory import api as inventory_api
from orders import api as orders_api

api_patterns = [
    path("auth/token/", accounts_api.TokenObtainApi.as_view(), name="token"),
    path(
        "auth/token/refresh/",
        accounts_api.TokenRefreshApi.as_view(),
        name="token-refresh",
    ),
    path("auth/logout/", accounts_api.LogoutApi.as_view(), name="logout"),
    path("me/", accounts_api.MeApi.as_view(), name="me"),
    path("me/sessions/", accounts_api.MySessionsApi.as_view(), name="my-sessions"),
    path(
        "me/sessions/<int:session_id>/end/",
        accounts_api.MySessionEndApi.as_view(),
        name="my-session-end",
    ),
    path(
        "me/web-sessions/",
        accounts_api.MyWebSessionsApi.as_view(),
        name="my-web-sessions",
    ),
    path(
        "me/web-sessions/<int:web_session_id>/end/",
        accounts_api.MyWebSessionEndApi.as_view(),
        name="my-web-session-end",
    ),
    path(
        "users/<int:user_id>/revoke-sessions/",
        accounts_api.UserRevokeSessionsApi.as_view(),
        name="user-revoke-sessions",
    ),
    path("products/", inventory_api.ProductListApi.as_view(), name="products"),
    path(
        "products/<int:product_id>/",
        inventory_api.ProductDetailApi.as_view(),
        name="product",
    ),
    path("orders/", orders_api.OrderListApi.as_view(), name="orders"),
    path(
        "orders/checkout/", orders_api.OrderCheckoutApi.as_view(), name="order-checkout"
    ),
    path("orders/<int:order_id>/", orders_api.OrderDetailApi.as_view(), name="order"),
    path(
        "orders/<int:order_id>/items/",
        orders_api.OrderItemAddApi.as_view(),
        name="order-items",
    ),
    path(
        "orders/<int:order_id>/items/<int:item_id>/",
        orders_api.OrderItemApi.as_view(),
        name="order-item",
    ),
    path(
        "orders/<int:order_id>/discount/",
        orders_api.OrderDiscountApi.as_view(),
        name="order-discount",
    ),
    path(
        "orders/<int:order_id>/complete/",
        orders_api.OrderCompleteApi.as_view(),
        name="order-complete",
    ),
    path(
        "orders/<int:order_id>/cancel/",
        orders_api.OrderCancelApi.as_view(),
        name="order-cancel",
    ),
    path(
        "orders/<int:order_id>/refunds/",
        orders_api.OrderRefundApi.as_view(),
        name="order-refunds",
    ),
    path(
        "orders/<int:order_id>/reprint/",
        orders_api.OrderReprintApi.as_view(),
        name="order-reprint",
    ),
    path("devices/test-print/", devices_api.TestPrintApi.as_view(), name="test-print"),
    path("shifts/", cash_api.ShiftOpenApi.as_view(), name="shifts"),
    path("shifts/current/", cash_api.ShiftCurrentApi.as_view(), name="shift-current"),
    path("shifts/current/close/", cash_api.ShiftCloseApi.as_view(), name="shift-close"),
    path("shifts/<int:shift_id>/", cash_api.ShiftDetailApi.as_view(), name="shift"),
    path(
        "shifts/<int:shift_id>/close/",
        cash_api.ShiftCloseOtherApi.as_view(),
        name="shift-close-other",
    ),
    path("cash-register/", cash_api.CashRegisterApi.as_view(), name="cash-register"),
    path("cash-register/deposits/", cash_api.DepositApi.as_view(), name="deposits"),
    path(
        "cash-register/withdrawals/",
        cash_api.WithdrawalApi.as_view(),
        name="withdrawals",
    ),
    path("expenses/", cash_api.ExpenseApi.as_view(), name="expenses"),
    path("purchases/", inventory_api.PurchaseApi.as_view(), name="purchases"),
    path(
        "stock-adjustments/",
        inventory_api.StockAdjustmentApi.as_view(),
        name="stock-adjustments",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"
    ),
]

urlpatterns = [
    path("api/", include((api_patterns, "api"))),
    path("admin/", admin.site.urls),
    path("", include("orders.urls")),
]

handler404 = "kasserpro.errors.page_not_found"
