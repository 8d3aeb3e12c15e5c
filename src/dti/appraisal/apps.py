from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "dti.appraisal"
    verbose_name = "Thẩm định"
