"""Documents and analysis, under /bao-cao/."""

from django.urls import path

from dti.reports import views

app_name = "reports"
urlpatterns = [
    path("ky/<int:pk>/", views.campaign, name="campaign"),
    path("ky/<int:pk>/thiet-lap/", views.document_settings, name="settings"),
    path("ky/<int:pk>/phu-luc.<str:kind>", views.appendix, name="appendix"),
    path("ky/<int:pk>/bao-cao-cac-don-vi/", views.unit_reports, name="unit_reports"),
    path("ky/<int:pk>/don-vi/<int:unit>/", views.unit, name="unit"),
    path("ky/<int:pk>/don-vi/<int:unit>/muc-tieu/", views.targets, name="targets"),
    path("ky/<int:pk>/don-vi/<int:unit>/bao-cao.<str:kind>", views.unit_report, name="unit_report"),
]
