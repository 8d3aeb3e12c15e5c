"""Staff pages of the results, under /phe-duyet/."""

from django.urls import path

from dti.results import views

app_name = "results"
urlpatterns = [
    path("<int:pk>/", views.campaign_page, name="campaign"),
    path("<int:pk>/cong-bo/", views.publish, name="publish"),
    path("<int:pk>/dinh-chinh/", views.amend, name="amend"),
]
