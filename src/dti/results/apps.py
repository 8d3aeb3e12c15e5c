from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "dti.results"
    verbose_name = "Phê duyệt và công bố kết quả"
