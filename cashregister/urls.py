from django.urls import path

from cashregister import views

urlpatterns = [
    path("shift/", views.shift_page, name="shift"),
    path("shift/open/", views.shift_open_submit, name="shift-open"),
    path("shift/close/", views.shift_close_submit, name="shift-close"),
    path("shift/<int:shift_id>/", views.shift_report, name="shift-report"),
]
