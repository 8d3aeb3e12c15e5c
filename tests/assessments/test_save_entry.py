"""Saving one indicator: scores from the engine, Vietnamese numbers, refused bad and stale saves."""

from decimal import Decimal

from dti.assessments.models import Entry


def test_reporter_saves_and_sees_the_engine_score(world, login):
    client = login("reporter")
    a = world["assessment"]
    response = client.post(f"/danh-gia/{a.pk}/chi-so/I.2/", {"version": "0", "a": "15"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "15 / 20 = 75 % × 10 = 7,5 điểm" in body
    assert Entry.objects.get(assessment=a, code="I.2").values == {"a": "15"}


def test_vietnamese_thousands_dot_and_refused_decimal_dot(world, login):
    client = login("reporter")
    a = world["assessment"]
    response = client.post(f"/danh-gia/{a.pk}/chi-so/I.2/", {"version": "0", "a": "1.5"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "dấu phẩy" in response.content.decode()
    assert not Entry.objects.filter(assessment=a, code="I.2").exists()


def test_stale_version_is_refused_and_nothing_is_overwritten(world, login):
    a = world["assessment"]
    login("reporter").post(f"/danh-gia/{a.pk}/chi-so/II.2/", {"version": "0", "score": "7"}, HTTP_HX_REQUEST="true")
    response = login("leader").post(
        f"/danh-gia/{a.pk}/chi-so/II.2/", {"version": "0", "score": "3"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    assert Entry.objects.get(assessment=a, code="II.2").score == Decimal(7)
