"""The unit workbook, under /bang-tinh/."""

from django.urls import path

from dti.workbooks import views

app_name = "workbooks"
urlpatterns = [
    path("<int:pk>/tai-ve/", views.download, name="download"),
    path("<int:pk>/nhap/", views.upload, name="upload"),
    path("<int:pk>/nhap/xac-nhan/", views.confirm, name="confirm"),
]
