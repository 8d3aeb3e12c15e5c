"""The unit workbook, under /bang-tinh/."""

from django.urls import URLPattern

app_name = "workbooks"
urlpatterns: list[URLPattern] = []
