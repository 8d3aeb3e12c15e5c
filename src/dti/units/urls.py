from django.urls import path

from dti.units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="list"),
    path("nhap-tu-excel/", views.unit_import, name="import"),
    path("mau-nhap-don-vi.xlsx", views.unit_template, name="template"),
]
