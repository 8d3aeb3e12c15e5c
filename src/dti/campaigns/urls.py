from django.urls import path

from dti.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("tao-moi/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/sua/", views.campaign_edit, name="edit"),
    path("<int:pk>/chuyen/<str:name>/", views.move, name="move"),
    path("<int:pk>/nhom/them/", views.group_add, name="group_add"),
    path("<int:pk>/nhom/<int:group_pk>/don-vi/", views.participants, name="participants"),
    path("<int:pk>/mo-lai/<int:participation_pk>/", views.reopen, name="reopen"),
]
