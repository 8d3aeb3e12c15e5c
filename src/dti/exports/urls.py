"""Campaign exports, under /xuat/."""

from django.urls import URLPattern, path

from dti.exports import views

app_name = "exports"
urlpatterns: list[URLPattern] = [
    path("ky/<int:pk>/", views.campaign, name="campaign"),
    path("ky/<int:pk>/kiem-tra-tep/", views.check, name="check"),
    path("ky/<int:pk>/ap-dung-tep/", views.apply, name="apply"),
    path("ky/<int:pk>/<slug:kind>/", views.download, name="download"),
]
