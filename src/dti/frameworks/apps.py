from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "dti.frameworks"
    verbose_name = "Bộ chỉ số"
