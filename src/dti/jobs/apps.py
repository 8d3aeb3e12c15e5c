from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "dti.jobs"
    verbose_name = "Việc chạy nền"
