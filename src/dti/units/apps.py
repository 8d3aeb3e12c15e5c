from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "dti.units"
    verbose_name = "Đơn vị"
