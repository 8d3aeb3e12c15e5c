"""URL map: Vietnamese paths for people, one include per app."""

from django.contrib import admin
from django.urls import include, path

from dti.accounts import views as accounts
from dti.core import health
from dti.home import views as home

urlpatterns = [
    path("", home.home, name="home"),
    path("dang-nhap/", accounts.LoginView.as_view(), name="login"),
    path("dang-xuat/", accounts.LogoutView.as_view(), name="logout"),
    path("ky-danh-gia/", include("dti.campaigns.urls")),
    path("bo-chi-so/", include("dti.frameworks.urls")),
    path("don-vi/", include("dti.units.urls")),
    path("tai-khoan/khoa-api/", include("dti.api.token_urls")),
    path("tai-khoan/", include("dti.accounts.urls")),
    path("danh-gia/", include("dti.assessments.urls")),
    path("danh-gia/<int:pk>/giai-trinh/", include("dti.appraisal.explanation_urls")),
    path("danh-gia/<int:pk>/ket-qua/", include("dti.results.outcome_urls")),
    path("tham-dinh/ky/<int:campaign_pk>/so-lieu-chinh-thuc/", include("dti.appraisal.official_urls")),
    path("tham-dinh/", include("dti.appraisal.urls")),
    path("phe-duyet/", include("dti.results.urls")),
    path("ket-qua/", include("dti.results.public_urls")),
    path("lich-su/", include("dti.history.urls")),
    path("bao-cao/", include("dti.reports.urls")),
    path("bang-tinh/", include("dti.workbooks.urls")),
    path("xuat/", include("dti.exports.urls")),
    path("api/", include("dti.api.urls")),  # the REST API for other systems (docs/api.md)
    path("viec/", include("dti.jobs.urls")),  # background jobs: progress and results (docs/jobs.md)
    path("thong-bao/", accounts.notifications, name="notifications"),
    path("quan-tri/", admin.site.urls),
    path("suc-khoe/", health.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the switcher in the header
]

handler403 = "dti.core.views.forbidden"
handler404 = "dti.core.views.not_found"
handler500 = "dti.core.views.server_error"
