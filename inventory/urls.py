from django.urls import path

from inventory import views

urlpatterns = [
    path("stock/", views.stock_page, name="stock"),
    path("stock/purchases/", views.purchase_submit, name="purchase-new"),
    path("stock/adjustments/", views.adjustment_submit, name="adjustment-new"),
]
