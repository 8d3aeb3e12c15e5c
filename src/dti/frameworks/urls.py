from django.urls import path

from dti.frameworks import views

app_name = "frameworks"
urlpatterns = [
    path("", views.framework_list, name="list"),
    path("tai-len/", views.framework_upload, name="upload"),
    path("<int:pk>/", views.framework_detail, name="detail"),
    path("<int:pk>/tai-ve/", views.framework_download, name="download"),
    path("<int:pk>/sao-chep/", views.framework_copy, name="copy"),
    path("<int:pk>/thay-noi-dung/", views.framework_replace, name="replace"),
]
