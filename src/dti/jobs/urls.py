"""Background jobs, under /viec/."""

from django.urls import path

from dti.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.mine, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/trang-thai/", views.status, name="status"),
    path("<int:pk>/tep/", views.download, name="download"),
]
