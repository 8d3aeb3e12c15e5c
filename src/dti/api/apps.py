"""The REST API app."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Personal API tokens and the /api/ endpoints."""

    name = "dti.api"
    label = "api"
    verbose_name = "API"
