"""Saving one indicator: scores from the engine, Vietnamese numbers, refused bad and stale saves.

Every input type of the small framework (choice, ratio with a general-info denominator,
yes/no, manual score) plus, in `rich`, a ratio whose denominator is entered, a percent, a
text field and an indicator that allows neither N/A nor a self score.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

import pytest

from dti.assessments.models import Entry
from dti.audit.models import AuditEntry
from tests.conftest import SMALL_FRAMEWORK

HTMX = {"HTTP_HX_REQUEST": "true"}

RICH_EXTRA = """
  - code: "III"
    name: Dịch vụ số
    max: 30
    indicators:
      - code: III.1
        name: Hồ sơ trực tuyến
        max: 10
        inputs:
          - {name: a, label: Số hồ sơ trực tuyến, type: number, unit: hồ sơ}
          - {name: b, label: Tổng số hồ sơ, type: number, unit: hồ sơ}
        scoring: {method: ratio, numerator: a, denominator: b}
      - code: III.2
        name: Người dân có điện thoại thông minh
        max: 10
        inputs:
          - {name: tl, label: Tỷ lệ người dân có điện thoại thông minh, type: percent}
        scoring: {method: ratio_target, value: tl, target: "80%"}
      - code: III.3
        name: Cổng thông tin điện tử
        max: 10
        allow_na: false
        self_score: false
        inputs:
          - {name: co_cong, label: Có cổng thông tin, type: yes_no}
          - {name: dia_chi, label: Địa chỉ cổng, type: text, required: false}
        scoring: {method: yes_no, input: co_cong}
"""
RICH_FRAMEWORK = SMALL_FRAMEWORK.replace("max: 40\n", "max: 70\n", 1) + RICH_EXTRA


@pytest.fixture
def rich(world: dict[str, Any], small_framework: Any) -> dict[str, Any]:
    """The world with index III added to its framework (entered denominator, percent, text)."""
    small_framework.source = RICH_FRAMEWORK
    small_framework.save()
    return world


def version(assessment: Any, code: str) -> int:
    entry = Entry.objects.filter(assessment=assessment, code=code).first()
    return entry.version if entry else 0


def save(client: Any, assessment: Any, code: str, data: dict[str, str], *, htmx: bool = True, **extra: Any) -> Any:
    """POST one indicator's form with the version the page would carry."""
    payload = {"version": str(version(assessment, code)), **data}
    return client.post(f"/danh-gia/{assessment.pk}/chi-so/{code}/", payload, **(HTMX if htmx else {}), **extra)


def text(response: Any) -> str:
    """The response as text with entities decoded and whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def entry(assessment: Any, code: str) -> Entry | None:
    return Entry.objects.filter(assessment=assessment, code=code).first()


# ---------------------------------------------------------------------------------------------
# The first examples


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


# ---------------------------------------------------------------------------------------------
# Every input type


@pytest.mark.parametrize(
    ("typed", "stored", "score"),
    [
        ("chu_tich", "chu_tich", "10,00"),
        ("pho", "pho", "5,00"),
        ("khac", "khac", "0,00"),
        ("Chủ tịch", "chu_tich", "10,00"),
    ],
)
def test_choice_by_code_or_by_its_label(world, login, typed, stored, score):
    a = world["assessment"]
    response = save(login("reporter"), a, "I.1", {"truong_ban": typed})
    assert response.status_code == 200
    assert entry(a, "I.1").values == {"truong_ban": stored}
    assert f'data-testid="score-I.1">{score}' in response.content.decode()


def test_choice_outside_the_options_is_refused_naming_them(world, login):
    a = world["assessment"]
    response = save(login("reporter"), a, "I.1", {"truong_ban": "bi_thu"})
    assert response.status_code == 422
    body = text(response)
    assert "Trưởng ban là: 'bi_thu' không phải là một lựa chọn" in body
    assert "Chủ tịch" in body and "Phó chủ tịch" in body
    assert entry(a, "I.1") is None


def test_ratio_with_the_denominator_from_general_info(world, login):
    a = world["assessment"]
    client = login("reporter")
    response = save(client, a, "I.2", {"a": "15"})
    assert "15 / 20 = 75 % × 10 = 7,5 điểm" in text(response)
    page = text(client.get(f"/danh-gia/{a.pk}/"))
    section = _after(page, 'id="ind-I-2"').split("</section>")[0]
    assert "lấy từ thông tin chung" in section and "Số xã" in section  # the denominator is named…
    assert 'name="b"' not in section  # …shown, not entered


def test_ratio_with_an_entered_denominator(rich, login):
    a = rich["assessment"]
    response = save(login("reporter"), a, "III.1", {"a": "130.075", "b": "200.000"})
    assert response.status_code == 200
    assert entry(a, "III.1").values == {"a": "130075", "b": "200000"}
    assert "130.075 / 200.000 = 65,04 % × 10 = 6,5 điểm" in text(response)


@pytest.mark.parametrize(
    ("typed", "stored", "score"),
    [("yes", True, "10,00"), ("no", False, "0,00"), ("có", True, "10,00"), ("Không", False, "0,00")],
)
def test_yes_no(world, login, typed, stored, score):
    a = world["assessment"]
    response = save(login("reporter"), a, "II.1", {"ban_hanh": typed})
    assert response.status_code == 200
    assert entry(a, "II.1").values == {"ban_hanh": stored}
    assert f'data-testid="score-II.1">{score}' in response.content.decode()


def test_yes_no_nonsense_is_refused(world, login):
    a = world["assessment"]
    response = save(login("reporter"), a, "II.1", {"ban_hanh": "có lẽ"})
    assert response.status_code == 422
    assert "Đã ban hành: 'có lẽ' không phải Có/Không" in text(response)
    assert entry(a, "II.1") is None


def test_manual_score_with_a_decimal_comma(world, login):
    a = world["assessment"]
    response = save(login("reporter"), a, "II.2", {"score": "7,5"})
    assert response.status_code == 200
    assert entry(a, "II.2").score == Decimal("7.5")
    assert 'data-testid="score-II.2">7,50' in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12", "điểm 12 vượt điểm tối đa 10 của II.2"),
        ("10,01", "điểm 10,01 vượt điểm tối đa 10 của II.2"),
        ("-1", "điểm không được âm (-1)"),
        ("7.5", "phần thập phân viết sau dấu phẩy (7,5)"),
        ("bảy", "'bảy' không phải là số hợp lệ"),
    ],
)
def test_manual_score_out_of_range_or_not_a_number_is_refused(world, login, typed, message):
    a = world["assessment"]
    response = save(login("reporter"), a, "II.2", {"score": typed})
    assert response.status_code == 422
    assert message in text(response)
    assert entry(a, "II.2") is None


def test_manual_score_at_the_maximum_is_accepted(world, login):
    a = world["assessment"]
    assert save(login("reporter"), a, "II.2", {"score": "10"}).status_code == 200
    assert entry(a, "II.2").score == Decimal(10)


def test_a_score_field_on_a_formula_indicator_is_ignored(world, login):
    """A formula indicator has no manual score: a forged `score` must not reach the database."""
    a = world["assessment"]
    save(login("reporter"), a, "I.2", {"a": "5", "score": "10"})
    assert entry(a, "I.2").score is None


def test_self_score_is_saved_and_the_difference_shown(world, login):
    a = world["assessment"]
    response = save(login("reporter"), a, "I.1", {"truong_ban": "pho", "self_score": "10"})
    assert response.status_code == 200
    assert entry(a, "I.1").self_score == Decimal(10)
    body = text(response)
    assert "Tự chấm: <strong>10,00</strong>" in body
    assert "chênh 5,00" in body  # the self score (10) against the formula (5): both shown


def test_self_score_with_a_decimal_comma(world, login):
    a = world["assessment"]
    assert save(login("reporter"), a, "I.1", {"truong_ban": "pho", "self_score": "7,25"}).status_code == 200
    assert entry(a, "I.1").self_score == Decimal("7.25")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("11", "điểm 11 vượt điểm tối đa 10 của I.1"),
        ("-1", "điểm không được âm (-1)"),
        ("7.5", "dấu phẩy (7,5)"),
        ("mười", "'mười' không phải là số hợp lệ"),
    ],
)
def test_self_score_out_of_range_or_not_a_number_is_refused(world, login, typed, message):
    a = world["assessment"]
    response = save(login("reporter"), a, "I.1", {"truong_ban": "pho", "self_score": typed})
    assert response.status_code == 422
    assert message in text(response)
    assert entry(a, "I.1") is None  # the valid choice is not saved either: all or nothing


def test_self_score_is_not_taken_where_the_framework_forbids_it(rich, login):
    a = rich["assessment"]
    client = login("reporter")
    assert save(client, a, "III.3", {"co_cong": "yes", "self_score": "10"}).status_code == 200
    assert entry(a, "III.3").self_score is None
    assert 'id="f-III-3-self_score"' not in client.get(f"/danh-gia/{a.pk}/").content.decode()


def test_comment_is_saved_and_shown_escaped(world, login):
    a = world["assessment"]
    client = login("reporter")
    comment = "Theo Quyết định 185/QĐ-UBND <script>alert(1)</script>"
    assert save(client, a, "II.1", {"ban_hanh": "yes", "comment": comment}).status_code == 200
    assert entry(a, "II.1").comment == comment
    page = client.get(f"/danh-gia/{a.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page


def test_text_input_is_saved_as_typed(rich, login):
    a = rich["assessment"]
    save(login("reporter"), a, "III.3", {"co_cong": "yes", "dia_chi": "  https://cong.huyenmot.gov.vn  "})
    assert entry(a, "III.3").values == {"co_cong": True, "dia_chi": "https://cong.huyenmot.gov.vn"}


def test_na_request_with_a_reason(world, login):
    a = world["assessment"]
    response = save(login("reporter"), a, "II.1", {"na_requested": "1", "na_reason": "Huyện không có đơn vị sự nghiệp"})
    assert response.status_code == 200
    saved = entry(a, "II.1")
    assert saved.na_requested and saved.na_reason == "Huyện không có đơn vị sự nghiệp"
    body = text(response)
    assert "Không áp dụng" in body
    assert 'data-testid="score-II.1">—' in body


def test_na_request_without_a_reason_is_refused(world, login):
    a = world["assessment"]
    response = save(login("reporter"), a, "II.1", {"na_requested": "1", "na_reason": "  "})
    assert response.status_code == 422
    assert "Cần nêu lý do đề nghị không áp dụng." in text(response)
    assert entry(a, "II.1") is None


def test_na_request_where_the_framework_forbids_it_is_refused(rich, login):
    a = rich["assessment"]
    response = save(login("reporter"), a, "III.3", {"co_cong": "no", "na_requested": "1", "na_reason": "Không có"})
    assert response.status_code == 422
    assert "Chỉ số này không cho phép đề nghị không áp dụng." in text(response)
    assert entry(a, "III.3") is None


def test_withdrawing_an_na_request(world, login):
    a = world["assessment"]
    client = login("reporter")
    save(client, a, "II.1", {"na_requested": "1", "na_reason": "Không có"})
    save(client, a, "II.1", {"ban_hanh": "yes", "na_reason": ""})
    saved = entry(a, "II.1")
    assert not saved.na_requested and saved.na_reason == "" and saved.values == {"ban_hanh": True}


# ---------------------------------------------------------------------------------------------
# Vietnamese numbers


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("130.075", "130075"),
        ("1.234.567", "1234567"),
        ("130 075", "130075"),
        ("7,5", "7.5"),
        ("1.234,5", "1234.5"),
        ("0", "0"),
        ("  42 ", "42"),
    ],
)
def test_vietnamese_numbers_in_a_number_field(rich, login, typed, stored):
    a = rich["assessment"]
    response = save(login("reporter"), a, "III.1", {"a": typed, "b": "2.000.000"})
    assert response.status_code == 200, text(response)
    assert entry(a, "III.1").values["a"] == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("37.9", "'37.9': dấu chấm chỉ dùng để phân cách hàng nghìn; phần thập phân viết sau dấu phẩy (37,9)"),
        ("1.5", "dấu phẩy (1,5)"),
        ("1,234.5", "không phải là số hợp lệ"),
        ("abc", "Số hồ sơ trực tuyến: 'abc' không phải là số hợp lệ"),
        ("12 hồ sơ", "không phải là số hợp lệ"),
        ("-5", "Số hồ sơ trực tuyến: giá trị không được âm (-5)"),
        ("1e3", "không phải là số hợp lệ"),
    ],
)
def test_numbers_that_are_not_vietnamese_or_negative_are_refused(rich, login, typed, message):
    a = rich["assessment"]
    response = save(login("reporter"), a, "III.1", {"a": typed, "b": "100"})
    assert response.status_code == 422
    assert message in text(response)
    assert entry(a, "III.1") is None


@pytest.mark.parametrize("typed", ["１２", "١٢"])
def test_digits_other_than_ascii_are_refused_and_kept_as_typed(rich, login, typed):
    """Issue 10 §4: a full-width or Arabic-Indic "12" is refused, never read as 12; the form keeps it.

    The form's Save button without JavaScript: the whole page comes back with what was typed.
    """
    a = rich["assessment"]
    response = save(login("reporter"), a, "III.1", {"a": typed, "b": "100"}, htmx=False)
    assert response.status_code == 422
    body = text(response)
    assert f"'{typed}' có chữ số không phải 0–9: hãy gõ lại bằng chữ số thường" in body
    assert f'name="a" value="{typed}"' in body
    assert entry(a, "III.1") is None


def test_a_figure_beyond_the_cap_is_refused(rich, login):
    a = rich["assessment"]
    response = save(login("reporter"), a, "III.1", {"a": "1.000.000.000.000.000", "b": "2.000.000.000.000.000"})
    assert response.status_code == 422
    assert "quá lớn: tối đa 15 chữ số trước dấu phẩy" in text(response)
    assert entry(a, "III.1") is None


def test_a_refused_decimal_dot_mentions_the_comma(world, login):
    a = world["assessment"]
    response = save(login("reporter"), a, "II.2", {"score": "37.9"})
    assert "dấu phẩy" in text(response)


def test_a_count_needs_a_whole_number(world, login):
    a = world["assessment"]
    response = save(login("reporter"), a, "I.2", {"a": "7,5"})
    assert response.status_code == 422
    assert "Số xã có chuyên mục: cần số nguyên, không phải 7,5" in text(response)


@pytest.mark.parametrize(("typed", "stored"), [("81,18", "0.8118"), ("81,18%", "0.8118"), ("100", "1"), ("0", "0")])
def test_percent_is_entered_0_to_100_and_stored_as_a_fraction(rich, login, typed, stored):
    a = rich["assessment"]
    response = save(login("reporter"), a, "III.2", {"tl": typed})
    assert response.status_code == 200, text(response)
    assert Decimal(entry(a, "III.2").values["tl"]) == Decimal(stored)


@pytest.mark.parametrize(
    ("typed", "message"),
    [("120", "tỷ lệ phải từ 0 đến 100 %, không phải 120 %"), ("81.18", "dấu phẩy (81,18)"), ("-3", "không được âm")],
)
def test_percent_out_of_range_is_refused(rich, login, typed, message):
    a = rich["assessment"]
    response = save(login("reporter"), a, "III.2", {"tl": typed})
    assert response.status_code == 422
    assert message in text(response)


def test_stored_numbers_come_back_the_vietnamese_way(rich, login):
    a = rich["assessment"]
    client = login("reporter")
    save(client, a, "III.1", {"a": "130.075", "b": "200.000,5"})
    save(client, a, "III.2", {"tl": "81,18"})
    page = client.get(f"/danh-gia/{a.pk}/").content.decode()
    assert 'name="a" value="130.075"' in page
    assert 'name="b" value="200.000,5"' in page
    assert 'name="tl" value="81,18"' in page


# ---------------------------------------------------------------------------------------------
# A numerator above its denominator


def _after(body: str, marker: str) -> str:
    return body[body.index(marker) + len(marker) :] if marker in body else ""


def _error(response: Any, slug: str, field: str) -> str:
    """The error shown next to one field in an autosave response."""
    return _after(text(response), f'id="err-{slug}-{field}" hx-swap-oob="true">').split("</div>")[0]


def test_numerator_above_an_entered_denominator_is_refused_naming_both(rich, login):
    a = rich["assessment"]
    response = save(login("reporter"), a, "III.1", {"a": "300.000", "b": "200.000"})
    assert response.status_code == 422
    message = _error(response, "III-1", "a")
    assert message.startswith("Số hồ sơ trực tuyến") and "300.000" in message
    # The denominator is named as the person knows it (its label), not by its code "b".
    assert "Tổng số hồ sơ" in _after(message, "lớn hơn") and "200.000" in _after(message, "lớn hơn"), message
    assert entry(a, "III.1") is None


def test_numerator_above_a_general_info_denominator_is_refused_naming_both(world, login):
    a = world["assessment"]
    response = save(login("reporter"), a, "I.2", {"a": "25"})
    assert response.status_code == 422
    message = _error(response, "I-2", "a")
    assert message.startswith("Số xã có chuyên mục") and "25" in message
    # After "lớn hơn" the denominator: "Số xã" (general info) and its value, not the code "b".
    assert "Số xã" in _after(message, "lớn hơn") and "20" in _after(message, "lớn hơn"), message
    assert entry(a, "I.2") is None


def test_numerator_above_a_stored_denominator_the_form_did_not_carry_is_refused(rich, login):
    a = rich["assessment"]
    client = login("reporter")
    save(client, a, "III.1", {"a": "5", "b": "10"})
    response = save(client, a, "III.1", {"a": "20"})
    assert response.status_code == 422
    assert "Tổng số hồ sơ" in _error(response, "III-1", "a")
    assert entry(a, "III.1").values == {"a": "5", "b": "10"}


def test_a_denominator_lowered_below_the_stored_numerator_is_refused(rich, login):
    a = rich["assessment"]
    client = login("reporter")
    save(client, a, "III.1", {"a": "5", "b": "10"})
    response = save(client, a, "III.1", {"a": "5", "b": "4"})
    assert response.status_code == 422
    assert entry(a, "III.1").values == {"a": "5", "b": "10"}


def test_numerator_equal_to_its_denominator_is_accepted(world, login):
    a = world["assessment"]
    response = save(login("reporter"), a, "I.2", {"a": "20"})
    assert response.status_code == 200
    assert 'data-testid="score-I.2">10,00' in response.content.decode()


def test_numerator_checked_against_the_current_general_info(world, login):
    a = world["assessment"]
    a.general = {"so_xa": "30"}
    a.save()
    assert save(login("reporter"), a, "I.2", {"a": "25"}).status_code == 200


# ---------------------------------------------------------------------------------------------
# Autosave (htmx): versions, partial forms, nothing saved twice


def test_autosave_returns_the_new_version_for_the_next_save(world, login):
    a = world["assessment"]
    client = login("reporter")
    first = client.post(f"/danh-gia/{a.pk}/chi-so/I.2/", {"version": "0", "a": "5"}, **HTMX)
    assert 'id="ver-I-2" value="1" hx-swap-oob="true"' in first.content.decode()
    second = client.post(f"/danh-gia/{a.pk}/chi-so/I.2/", {"version": "1", "a": "6"}, **HTMX)
    assert second.status_code == 200
    assert 'id="ver-I-2" value="2"' in second.content.decode()
    assert entry(a, "I.2").version == 2


def test_autosave_updates_index_total_and_progress_out_of_band(world, login):
    a = world["assessment"]
    body = text(save(login("reporter"), a, "I.2", {"a": "15"}))
    assert '<span class="score" id="index-i" hx-swap-oob="true">7,50 / 20 điểm' in body
    assert 'data-testid="total">7,50 / 40' in body
    assert "Hoàn thành 1/4 chỉ số" in body


@pytest.mark.parametrize(
    ("code", "data"),
    [("I.1", {"truong_ban": "pho"}), ("I.2", {"a": "5"}), ("II.2", {"score": "6"}), ("III.3", {"co_cong": "yes"})],
)
def test_every_out_of_band_part_of_an_autosave_has_its_target_on_the_page(rich, login, code, data):
    """Regression: every autosave sent err-<code>-score (and self_score, na_reason) out of band
    even where the form has no such field, and htmx logged htmx:oobErrorNoTarget each time."""
    a = rich["assessment"]
    client = login("reporter")
    page = client.get(f"/danh-gia/{a.pk}/").content.decode()
    page += "".join(
        client.get(f"/danh-gia/{a.pk}/chi-so-chinh/{index}/").content.decode() for index in ("I", "II", "III")
    )
    on_page = set(re.findall(r'\bid="([^"]+)"', page))
    sent = re.findall(r'<[^>]*\bid="([^"]+)"[^>]*\bhx-swap-oob="true"', save(client, a, code, data).content.decode())
    assert sent
    assert set(sent) <= on_page, set(sent) - on_page


def test_an_unchanged_save_writes_nothing(world, login):
    a = world["assessment"]
    client = login("reporter")
    save(client, a, "I.2", {"a": "15"})
    audits = AuditEntry.objects.count()
    response = save(client, a, "I.2", {"a": "15"})
    assert response.status_code == 200
    assert entry(a, "I.2").version == 1
    assert AuditEntry.objects.count() == audits


def test_an_emptied_field_is_cleared(rich, login):
    a = rich["assessment"]
    client = login("reporter")
    save(client, a, "III.1", {"a": "5", "b": "10"})
    save(client, a, "III.1", {"a": "", "b": "10"})
    assert entry(a, "III.1").values == {"b": "10"}


def test_a_field_the_form_did_not_carry_keeps_its_value(rich, login):
    a = rich["assessment"]
    client = login("reporter")
    save(client, a, "III.1", {"a": "5", "b": "10"})
    save(client, a, "III.1", {"a": "6"})
    assert entry(a, "III.1").values == {"a": "6", "b": "10"}


def test_an_unknown_indicator_is_not_found_and_nothing_is_created(world, login):
    a = world["assessment"]
    response = save(login("reporter"), a, "IX.9", {"a": "5"})
    assert response.status_code == 404
    assert not Entry.objects.filter(assessment=a).exists()


def test_a_version_that_is_not_a_number_is_treated_as_stale(world, login):
    a = world["assessment"]
    response = login("reporter").post(f"/danh-gia/{a.pk}/chi-so/I.2/", {"version": "abc", "a": "5"}, **HTMX)
    assert response.status_code == 409
    assert entry(a, "I.2") is None


# ---------------------------------------------------------------------------------------------
# Stale saves: the other person's version is shown and the typed values are kept


def _stale(world: dict[str, Any], login: Any, **extra: Any) -> tuple[Any, Any]:
    """The reporter saved a = 15; the leader, who opened the page before, types a = 7."""
    a = world["assessment"]
    save(login("reporter"), a, "I.2", {"a": "15", "comment": "Số liệu phòng Văn hóa"})
    response = login("leader").post(
        f"/danh-gia/{a.pk}/chi-so/I.2/", {"version": "0", "a": "7", "comment": "Lãnh đạo sửa"}, **extra
    )
    return a, response


def test_stale_autosave_shows_the_other_version_and_offers_to_keep_mine(world, login):
    a, response = _stale(world, login, **HTMX)
    assert response.status_code == 409
    body = text(response)
    assert "Reporter đã lưu chỉ số I.2 lúc" in body
    assert "Dữ liệu bạn vừa nhập chưa được lưu" in body
    assert "Phiên bản đã lưu của Reporter:" in body
    assert "15" in _after(body, 'class="conflict"')
    # "Keep mine" re-posts the person's own form (still in the browser) with the current version.
    assert "Lưu bản của tôi thay thế" in body
    assert 'hx-include="#form-I-2"' in body
    assert 'hx-vals=\'{"version": "1"}\'' in body
    # htmx swaps only the status box: the typed values stay in the form.
    assert "<form" not in body
    saved = entry(a, "I.2")
    assert saved.values == {"a": "15"} and saved.comment == "Số liệu phòng Văn hóa" and saved.version == 1


def test_keep_mine_after_a_conflict_saves_with_the_current_version(world, login):
    a, _ = _stale(world, login, **HTMX)
    response = login("leader").post(
        f"/danh-gia/{a.pk}/chi-so/I.2/", {"version": "1", "a": "7", "comment": "Lãnh đạo sửa"}, **HTMX
    )
    assert response.status_code == 200
    assert entry(a, "I.2").values == {"a": "7"}
    assert entry(a, "I.2").updated_by == world["users"]["leader"]


def test_stale_autosave_shows_the_other_version_by_label_and_vietnamese_numbers(rich, login):
    a = rich["assessment"]
    save(login("reporter"), a, "III.1", {"a": "130.075", "b": "200.000"})
    response = login("leader").post(
        f"/danh-gia/{a.pk}/chi-so/III.1/", {"version": "0", "a": "1.000", "b": "2.000"}, **HTMX
    )
    conflict = _after(text(response), 'class="conflict"')
    assert "Số hồ sơ trực tuyến: 130.075" in conflict, conflict[:400]
    assert "Tổng số hồ sơ: 200.000" in conflict


def test_stale_save_without_javascript_keeps_every_typed_value(world, login):
    a, response = _stale(world, login)
    assert response.status_code == 409
    body = text(response)
    assert "Reporter đã lưu chỉ số I.2 lúc" in body
    section = _after(body, 'id="ind-I-2"').split("</section>")[0]
    assert 'name="a" value="7"' in section
    assert "Lãnh đạo sửa" in section  # the typed comment too
    assert entry(a, "I.2").values == {"a": "15"}


def test_stale_save_without_javascript_shows_the_other_version(world, login):
    """The message says "hãy xem phiên bản mới bên dưới": the saved version must be on the page."""
    _, response = _stale(world, login)
    assert response.status_code == 409
    section = _after(text(response), 'id="ind-I-2"').split("</section>")[0]
    assert "Phiên bản đã lưu của Reporter" in section
    assert "15" in _after(section, "Phiên bản đã lưu")


# ---------------------------------------------------------------------------------------------
# Without JavaScript: the form's Save button


def test_save_without_javascript_redirects_with_a_message(world, login):
    a = world["assessment"]
    client = login("reporter")
    response = save(client, a, "I.2", {"a": "15"}, htmx=False)
    assert response.status_code == 302
    assert response.url == f"/danh-gia/{a.pk}/#ind-I-2"
    page = text(client.get(response.url))
    assert "Đã lưu chỉ số I.2." in page
    assert 'name="a" value="15"' in page
    assert entry(a, "I.2").values == {"a": "15"}


def test_refused_save_without_javascript_rerenders_with_typed_values_and_errors(world, login):
    a = world["assessment"]
    response = save(login("reporter"), a, "I.2", {"a": "abc"}, htmx=False)
    assert response.status_code == 422
    body = text(response)
    assert "<html" in body  # the whole page again
    messages = re.findall(r'<li class="msg error">(.*?)</li>', body)
    assert any("Số xã có chuyên mục: 'abc' không phải là số hợp lệ" in m for m in messages), messages
    section = _after(body, 'id="ind-I-2"')
    assert 'name="a" value="abc"' in section
    assert '<div class="err" id="err-I-2-a">Số xã có chuyên mục: \'abc\' không phải là số hợp lệ</div>' in section
    assert entry(a, "I.2") is None


def test_refused_save_without_javascript_keeps_every_typed_field(world, login):
    """Comment, N/A checkbox and reason were typed too: none of it may be lost."""
    a = world["assessment"]
    response = save(
        login("reporter"),
        a,
        "II.1",
        {"ban_hanh": "có lẽ", "comment": "Thuyết minh dài đã gõ", "na_requested": "1", "na_reason": "Lý do đã gõ"},
        htmx=False,
    )
    assert response.status_code == 422
    section = _after(text(response), 'id="ind-II-1"').split("</section>")[0]
    assert "Thuyết minh dài đã gõ" in section
    assert 'value="Lý do đã gõ"' in section
    assert re.search(r'name="na_requested" value="1"\s+checked', section)
