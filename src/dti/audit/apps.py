from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "dti.audit"
    verbose_name = "Nhật ký"

    def ready(self) -> None:
        """Hand `record` down to the apps that may not import this one (dti.accounts: dti.core.recorder)."""
        from dti.audit.services import record
        from dti.core.recorder import set_recorder

        set_recorder(record)
