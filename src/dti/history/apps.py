from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "dti.history"
    verbose_name = "Lịch sử kết quả"
