"""The public results site, under /ket-qua/: no login, published snapshots only."""

from django.urls import path

from dti.results import public

app_name = "public"
urlpatterns = [
    path("", public.index, name="index"),
    path("<int:pk>/", public.campaign, name="campaign"),
    path("<int:pk>/bang-xep-hang.csv", public.ranking_file, name="ranking_file"),
    path("<int:pk>/don-vi/<str:key>/", public.unit, name="unit"),
]
