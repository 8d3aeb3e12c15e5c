from django.urls import path

from dti.units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="list"),
]
