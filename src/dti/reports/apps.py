from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "dti.reports"
    verbose_name = "Văn bản và phân tích"
