"""The unit's result page, under its assessment: /danh-gia/<pk>/ket-qua/"""

from django.urls import path

from dti.results import outcome_views

app_name = "outcome"
urlpatterns = [
    path("", outcome_views.outcome, name="page"),
]
