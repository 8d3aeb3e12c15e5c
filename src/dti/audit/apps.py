from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "dti.audit"
    verbose_name = "Nhật ký"
