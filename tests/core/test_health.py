"""The health view: plain "ok" for anyone, without touching the database."""

from django.test import Client
from django.urls import reverse


def test_health_answers_ok_without_login_or_database():
    # No `db` fixture: any query would fail the test with "Database access not allowed".
    response = Client().get(reverse("health"))
    assert reverse("health") == "/suc-khoe/"
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


def test_health_answers_head_and_refuses_post():
    client = Client()
    assert client.head("/suc-khoe/").status_code == 200
    assert client.post("/suc-khoe/").status_code == 405
