from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "dti.assessments"
    verbose_name = "Tự đánh giá"
