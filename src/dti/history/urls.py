"""History pages under /lich-su/: the organisers' (import a past year, changes of units, code
mappings) and the public trend pages (no login, published snapshots only)."""

from django.urls import path

from dti.history import views

app_name = "history"
urlpatterns = [
    path("nhap-ket-qua/", views.past_import, name="import"),
    path("nhap-ket-qua/xac-nhan/", views.past_import_confirm, name="import_confirm"),
    path("thay-doi-don-vi/", views.lineage_list, name="lineages"),
    path("thay-doi-don-vi/them/", views.lineage_add, name="lineage_add"),
    path("thay-doi-don-vi/<int:pk>/sua/", views.lineage_edit, name="lineage_edit"),
    path("thay-doi-don-vi/<int:pk>/xoa/", views.lineage_delete, name="lineage_delete"),
    path("doi-chieu-ma/", views.mapping, name="mapping"),
    path("don-vi/<slug:slug>/", views.unit_trend_page, name="unit"),
    path("ky/<int:pk>/", views.campaign_trend_page, name="campaign"),
]
