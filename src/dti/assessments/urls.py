from django.urls import path

from dti.assessments import views

app_name = "assessments"
urlpatterns = [
    path("tham-gia/<int:participation_pk>/", views.open_participation, name="open"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/thong-tin-chung/", views.save_general, name="general"),
    path("<int:pk>/chi-so-chinh/<str:index_code>/", views.index_part, name="index"),
    path("<int:pk>/chi-so/<str:code>/", views.save_entry, name="entry"),
    path("<int:pk>/chi-so/<str:code>/lich-su/", views.indicator_history, name="history"),
    path("<int:pk>/chi-so/<str:code>/minh-chung/", views.add_evidence, name="evidence_add"),
    path("minh-chung/<int:pk>/", views.download_evidence, name="evidence_download"),
    path("minh-chung/<int:pk>/xoa/", views.delete_evidence, name="evidence_delete"),
    path("<int:pk>/gui/", views.submit, name="submit"),
]
