from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "dti.home"
    verbose_name = "Trang chủ"
