"""Official figures of a campaign (mounted at /tham-dinh/ky/<campaign_pk>/so-lieu-chinh-thuc/)."""

from django.urls import path

from dti.appraisal import official_views as views

app_name = "official"
urlpatterns = [
    path("", views.campaign_figures, name="campaign"),
    path("tep-mau.csv", views.template, name="template"),
]
