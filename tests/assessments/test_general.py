"""General info (Thông tin chung): Vietnamese numbers, denominators, stale saves."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from dti.assessments.models import Assessment, Entry
from dti.audit.models import AuditEntry


def post(client: Any, assessment: Any, data: dict[str, str], version: int | None = None) -> Any:
    current = Assessment.objects.get(pk=assessment.pk).general_version if version is None else version
    return client.post(f"/danh-gia/{assessment.pk}/thong-tin-chung/", {"version": str(current), **data})


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def general_section(body: str) -> str:
    start = body.index('id="thong-tin-chung"')
    return body[start : body.index("</details>", start)]


def stored(assessment: Any) -> Assessment:
    return Assessment.objects.get(pk=assessment.pk)


def test_save_redirects_with_a_message_and_shows_the_value(world, login):
    a = world["assessment"]
    client = login("reporter")
    response = post(client, a, {"so_xa": "25"})
    assert response.status_code == 302
    assert response.url == f"/danh-gia/{a.pk}/#thong-tin-chung"
    page = text(client.get(response.url))
    assert "Đã lưu thông tin chung." in page
    assert 'name="so_xa" value="25"' in general_section(page)
    assert stored(a).general == {"so_xa": "25"}
    assert stored(a).general_version == 1


@pytest.mark.parametrize(("typed", "value"), [("1.000", "1000"), ("130.075", "130075"), ("  12 ", "12")])
def test_vietnamese_numbers(world, login, typed, value):
    a = world["assessment"]
    assert post(login("reporter"), a, {"so_xa": typed}).status_code == 302
    assert stored(a).general == {"so_xa": value}


def test_a_large_count_is_shown_back_with_thousands_dots(world, login):
    a = world["assessment"]
    client = login("reporter")
    post(client, a, {"so_xa": "130.075"})
    assert 'name="so_xa" value="130.075"' in client.get(f"/danh-gia/{a.pk}/").content.decode()


def test_the_denominator_feeds_the_indicator_score(world, login):
    a = world["assessment"]
    client = login("reporter")
    client.post(f"/danh-gia/{a.pk}/chi-so/I.2/", {"version": "0", "a": "15"})
    post(client, a, {"so_xa": "30"})
    page = text(client.get(f"/danh-gia/{a.pk}/"))
    assert "15 / 30 = 50 % × 10 = 5 điểm" in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Số xã: 'abc' không phải là số hợp lệ"),
        ("-3", "Số xã: giá trị không được âm (-3)"),
        ("7,5", "Số xã: cần số nguyên, không phải 7,5"),
        ("37.9", "dấu phẩy"),
    ],
)
def test_invalid_values_rerender_the_page_with_what_was_typed(world, login, typed, message):
    a = world["assessment"]
    response = post(login("reporter"), a, {"so_xa": typed})
    assert response.status_code == 422
    body = text(response)
    assert message in body
    section = general_section(body)
    assert f'name="so_xa" value="{typed}"' in section
    assert message in section  # next to the field, not only at the top
    assert stored(a).general == {"so_xa": "20"}
    assert stored(a).general_version == 0


def test_an_emptied_field_is_removed(world, login):
    a = world["assessment"]
    assert post(login("reporter"), a, {"so_xa": ""}).status_code == 302
    assert stored(a).general == {}


def test_a_field_not_in_the_form_is_kept(world, login):
    a = world["assessment"]
    post(login("reporter"), a, {})
    assert stored(a).general == {"so_xa": "20"}


def test_an_unknown_field_is_ignored(world, login):
    a = world["assessment"]
    post(login("reporter"), a, {"so_xa": "21", "dan_so": "5000"})
    assert stored(a).general == {"so_xa": "21"}


def test_an_unchanged_save_writes_nothing(world, login):
    a = world["assessment"]
    client = login("reporter")
    audits = AuditEntry.objects.count()
    assert post(client, a, {"so_xa": "20"}).status_code == 302
    assert stored(a).general_version == 0
    assert AuditEntry.objects.count() == audits


def test_stale_save_is_refused_and_keeps_what_was_typed(world, login):
    a = world["assessment"]
    post(login("reporter"), a, {"so_xa": "25"}, version=0)
    response = post(login("leader"), a, {"so_xa": "30"}, version=0)
    assert response.status_code == 409
    body = text(response)
    assert "Thông tin chung đã được người khác lưu sau khi bạn mở trang; dữ liệu bạn vừa nhập chưa được lưu." in body
    assert 'name="so_xa" value="30"' in general_section(body)
    assert stored(a).general == {"so_xa": "25"}
    assert stored(a).general_version == 1


def test_stale_save_shows_the_other_persons_version(world, login):
    """Like an indicator's conflict: who saved, and what they saved, so nothing is overwritten blindly."""
    a = world["assessment"]
    post(login("reporter"), a, {"so_xa": "25"}, version=0)
    response = post(login("leader"), a, {"so_xa": "30"}, version=0)
    section = general_section(text(response))
    assert "25" in section, section[:600]
    assert "Reporter" in section


def test_the_form_carries_the_new_version_after_a_save(world, login):
    a = world["assessment"]
    client = login("reporter")
    post(client, a, {"so_xa": "25"}, version=0)
    page = client.get(f"/danh-gia/{a.pk}/").content.decode()
    assert '<input type="hidden" name="version" value="1">' in general_section(page)
    assert post(client, a, {"so_xa": "26"}, version=1).status_code == 302


def test_lowering_a_denominator_below_a_saved_numerator_is_refused(world, login):
    """I.2 has 15 communes with a section; 10 communes in all would make the ratio 150 %.

    The indicator form refuses a numerator above its denominator; the general-info form
    must not let the same impossible data in from the other side (it would score 100 %).
    """
    a = world["assessment"]
    client = login("reporter")
    client.post(f"/danh-gia/{a.pk}/chi-so/I.2/", {"version": "0", "a": "15"})
    response = post(client, a, {"so_xa": "10"})
    assert response.status_code == 422
    body = text(response)
    assert "Số xã" in body and "I.2" in body
    assert stored(a).general == {"so_xa": "20"}
    assert Entry.objects.get(assessment=a, code="I.2").values == {"a": "15"}
