"""The unit's page of an explanation round, under its assessment: /danh-gia/<pk>/giai-trinh/…"""

from django.urls import path

from dti.appraisal import explanation_views as views

app_name = "explanation"
urlpatterns = [
    path("", views.explanation, name="page"),
    path("cau-hoi/<int:question_pk>/", views.answer, name="answer"),
    path("gui/", views.send, name="send"),
    path("chi-so/<str:code>/minh-chung/", views.add_evidence, name="evidence"),
    path("minh-chung/<int:evidence_pk>/xoa/", views.delete_evidence, name="evidence_delete"),
]
