"""/tai-khoan/khoa-api/: one's personal API tokens."""

from django.urls import path

from dti.api import token_views

app_name = "api_tokens"
urlpatterns = [
    path("", token_views.token_list, name="list"),
    path("<int:pk>/thu-hoi/", token_views.token_revoke, name="revoke"),
]
