from django.apps import AppConfig


class CashregisterConfig(AppConfig):
    name = "cashregister"
