"""Account pages under /tai-khoan/: one's own password for everyone, the account list and import for organisers."""

from django.urls import path

from dti.accounts import manage_views, views

app_name = "accounts"
urlpatterns = [
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path("quen-mat-khau/", views.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("dat-mat-khau/xong/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("dat-mat-khau/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("", manage_views.account_list, name="list"),
    path("them/", manage_views.account_create, name="create"),
    path("<int:pk>/", manage_views.account_edit, name="edit"),
    path("<int:pk>/khoa/", manage_views.account_deactivate, name="deactivate"),
    path("<int:pk>/mo-khoa/", manage_views.account_reactivate, name="reactivate"),
    path("<int:pk>/dat-lai-mat-khau/", manage_views.account_reset, name="reset"),
    path("nhap-tu-excel/", manage_views.account_import, name="import"),
    path("nhap-tu-excel/xac-nhan/", manage_views.account_import_confirm, name="import_confirm"),
    path("mau-nhap-tai-khoan.xlsx", manage_views.account_template, name="template"),
]
