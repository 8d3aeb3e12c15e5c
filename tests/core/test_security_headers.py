"""Security headers: Content-Security-Policy on pages, no-store behind login, referrer and framing rules."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from dti import urls as dti_urls
from tests.conftest import PASSWORD

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)


def own_policy(request: HttpRequest) -> HttpResponse:
    """A page that sets its own policy, as an evidence file shown in the browser does."""
    return HttpResponse("<p>x</p>", headers={"Content-Security-Policy": "default-src 'none'"})


urlpatterns = [path("chinh-sach-rieng/", own_policy), *dti_urls.urlpatterns]


def assert_common(response: HttpResponse) -> None:
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.parametrize("persona", ["reporter", "viewer", "organiser"])
def test_pages_behind_login_are_never_stored(world, login, persona):
    for url in ("/", f"/danh-gia/{world['assessment'].pk}/", "/ket-qua/"):
        response = login(persona).get(url)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == POLICY
        assert {"private", "no-store"} <= {v.strip() for v in response["Cache-Control"].split(",")}
        assert_common(response)


def test_the_public_pages_for_visitors_may_be_cached(world):
    response = Client().get("/ket-qua/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == POLICY
    assert "no-store" not in response.get("Cache-Control", "")
    assert_common(response)
    login_page = Client().get("/dang-nhap/")  # Django's login view is never cached, for anyone
    assert login_page["Content-Security-Policy"] == POLICY


def test_signing_in_answers_with_no_store(world):
    response = Client().post("/dang-nhap/", {"username": "reporter", "password": PASSWORD})
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]


def test_refusals_and_missing_pages_carry_the_policy(world, login):
    refused = login("other_reporter").get(f"/danh-gia/{world['assessment'].pk}/")
    missing = login("reporter").get("/danh-gia/999999/")
    for response, status in ((refused, 403), (missing, 404)):
        assert response.status_code == status
        assert response["Content-Security-Policy"] == POLICY
        assert "no-store" in response["Cache-Control"]


def test_what_is_not_a_page_gets_no_page_policy(world):
    response = Client().get("/suc-khoe/")
    assert response["Content-Type"].startswith("text/plain")
    assert "Content-Security-Policy" not in response


@override_settings(ROOT_URLCONF=__name__)
def test_a_response_with_its_own_policy_keeps_it(world, login):
    response = login("reporter").get("/chinh-sach-rieng/")
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_static_files_keep_their_cache(world, login, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from the apps, as with DEBUG=1 (no collectstatic here)
    client = login("reporter")
    response = client.get("/static/dti/dti.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Content-Security-Policy" not in response


def test_the_admin_site_has_the_policy(world, login):
    from dti.accounts.models import User

    User.objects.filter(username="admin").update(is_staff=True, is_superuser=True)
    response = login("admin").get("/quan-tri/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == POLICY
    assert "no-store" in response["Cache-Control"]


def test_with_the_ssl_redirect_the_health_check_stays_on_http(world, settings):
    settings.SECURE_SSL_REDIRECT = True  # SECURE_SSL_REDIRECT=1: a server without nginx in front
    assert Client().get("/suc-khoe/").status_code == 200
    response = Client().get("/ket-qua/")
    assert response.status_code == 301 and response.url == "https://testserver/ket-qua/"
