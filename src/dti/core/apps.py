from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared pieces: permissions, formatting, base templates and static files."""

    name = "dti.core"
    verbose_name = "Chung"
