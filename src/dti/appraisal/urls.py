from django.urls import path

from dti.appraisal import views

app_name = "appraisal"
urlpatterns = [
    path("", views.home, name="home"),
    path("ky/<int:campaign_pk>/", views.campaign_detail, name="campaign"),
    path("ky/<int:campaign_pk>/da-xem/", views.campaign_seen, name="campaign_seen"),
    path("ky/<int:campaign_pk>/hang-loat/", views.bulk, name="bulk"),
    path("ky/<int:campaign_pk>/phan-cong/", views.assignment_add, name="assignment_add"),
    path("ky/<int:campaign_pk>/phan-cong/<int:assignment_pk>/xoa/", views.assignment_delete, name="assignment_delete"),
    path("<int:pk>/", views.unit, name="unit"),
    path("<int:pk>/chi-so/<str:code>/", views.review, name="review"),
    path("<int:pk>/chi-so/<str:code>/cau-hoi/", views.question_add, name="question_add"),
    path("<int:pk>/cau-hoi/<int:question_pk>/xoa/", views.question_delete, name="question_delete"),
    path("<int:pk>/chap-nhan-con-lai/", views.accept_remaining, name="accept_remaining"),
    path("<int:pk>/chuyen/<str:name>/", views.move, name="move"),
]
