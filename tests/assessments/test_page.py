"""The self-assessment page: progress, missing evidence, and scores equal to the engine's.

The expected figures come from `score_unit` on inputs built here by hand from the same
values (not from the stored rows), so the page, the form parsing and the storage are all
checked against the engine.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

import pytest

from dti.assessments.models import Entry
from dti.engine import UnitInputs, fmt, parse_framework, score_unit
from tests.assessments.test_save_entry import RICH_FRAMEWORK
from tests.conftest import SMALL_FRAMEWORK

HTMX = {"HTTP_HX_REQUEST": "true"}


def save(client: Any, assessment: Any, code: str, data: dict[str, str]) -> None:
    entry = Entry.objects.filter(assessment=assessment, code=code).first()
    payload = {"version": str(entry.version if entry else 0), **data}
    response = client.post(f"/danh-gia/{assessment.pk}/chi-so/{code}/", payload, **HTMX)
    assert response.status_code == 200, response.content.decode()[:500]


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def figures(body: str) -> dict[str, str]:
    """Index scores, total, claimed total and progress as the page shows them."""
    shown = {
        code: value.strip()
        for code, value in re.findall(r'<span class="score" id="index-([a-z0-9-]+)">(.*?)</span>', body)
    }
    shown["total"] = re.search(r'data-testid="total">(.*?)</div>', body).group(1).strip()
    claimed = re.search(r'Tổng điểm tự chấm</div><div class="big">(.*?)</div>', body)
    shown["claimed"] = claimed.group(1).strip() if claimed else ""
    shown["progress"] = re.search(r"Hoàn thành (\d+/\d+) chỉ số", body).group(1)
    for code, score in re.findall(r'data-testid="score-([^"]+)">(.*?) <span', body):
        shown[code] = score.strip()
    return shown


def expected(source: str, unit: UnitInputs) -> dict[str, str]:
    framework = parse_framework(source, file="thu-nghiem.yaml")
    result = score_unit(framework, unit)
    out = {}
    for index in framework.indices:
        line = f"{fmt(result.indices[index.code], 2)} / {fmt(result.index_max[index.code])} điểm"
        if index.code in result.claimed_indices:
            line += f" · tự chấm {fmt(result.claimed_indices[index.code], 2)}"
        out[index.code.lower()] = line
    out["total"] = f"{fmt(result.total, 2)} / {fmt(result.max)}"
    out["claimed"] = fmt(result.claimed_total, 2) if result.claimed_total is not None else ""
    for code, item in result.items.items():
        out[code] = "—" if item.score is None else fmt(item.score, 2)
    return out


SCENARIOS = {
    "nothing entered": ({}, UnitInputs(unit="x", type="huyen", general={"so_xa": Decimal(20)})),
    "everything entered": (
        {
            "I.1": {"truong_ban": "pho", "self_score": "10"},
            "I.2": {"a": "15", "self_score": "7,5"},
            "II.1": {"ban_hanh": "yes"},
            "II.2": {"score": "7,5"},
        },
        UnitInputs(
            unit="x",
            type="huyen",
            general={"so_xa": Decimal(20)},
            values={
                "I.1": {"truong_ban": "pho"},
                "I.2": {"a": Decimal(15)},
                "II.1": {"ban_hanh": True},
                "II.2": {"score": Decimal("7.5")},
            },
            claimed={"I.1": Decimal(10), "I.2": Decimal("7.5")},
        ),
    ),
    "partly entered with N/A": (
        {"I.2": {"a": "7"}, "II.1": {"na_requested": "1", "na_reason": "Không có kế hoạch riêng"}},
        UnitInputs(
            unit="x",
            type="huyen",
            general={"so_xa": Decimal(20)},
            values={"I.2": {"a": Decimal(7)}},
            na={"II.1": "Không có kế hoạch riêng"},
        ),
    ),
    "awkward ratio": (
        {"I.2": {"a": "1"}, "II.1": {"ban_hanh": "no"}, "II.2": {"score": "0,125"}},
        UnitInputs(
            unit="x",
            type="huyen",
            general={"so_xa": Decimal(20)},
            values={"I.2": {"a": Decimal(1)}, "II.1": {"ban_hanh": False}, "II.2": {"score": Decimal("0.125")}},
        ),
    ),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_index_and_total_scores_equal_the_engines(world, login, name):
    forms, unit = SCENARIOS[name]
    a = world["assessment"]
    client = login("reporter")
    for code, data in forms.items():
        save(client, a, code, data)
    shown = figures(text(client.get(f"/danh-gia/{a.pk}/")))
    want = expected(SMALL_FRAMEWORK, unit)
    for key, value in want.items():
        assert shown[key] == value, (key, shown[key], value)


def test_known_figures_by_hand(world, login):
    """Chủ tịch 10 + 15/20 of 10 = 7,5 + yes 10 + manual 7,5 = 35 of 40."""
    a = world["assessment"]
    client = login("reporter")
    save(client, a, "I.1", {"truong_ban": "chu_tich"})
    save(client, a, "I.2", {"a": "15"})
    save(client, a, "II.1", {"ban_hanh": "có"})
    save(client, a, "II.2", {"score": "7,5"})
    shown = figures(text(client.get(f"/danh-gia/{a.pk}/")))
    assert shown["i"] == "17,50 / 20 điểm"
    assert shown["ii"] == "17,50 / 20 điểm"
    assert shown["total"] == "35,00 / 40"
    assert shown["progress"] == "4/4"


def test_rich_framework_scores_equal_the_engines(world, login, small_framework):
    small_framework.source = RICH_FRAMEWORK
    small_framework.save()
    a = world["assessment"]
    client = login("reporter")
    save(client, a, "I.1", {"truong_ban": "khac", "self_score": "2"})
    save(client, a, "III.1", {"a": "130.075", "b": "200.000"})
    save(client, a, "III.2", {"tl": "65,5"})
    save(client, a, "III.3", {"co_cong": "yes", "dia_chi": "https://cong.gov.vn"})
    unit = UnitInputs(
        unit="x",
        type="huyen",
        general={"so_xa": Decimal(20)},
        values={
            "I.1": {"truong_ban": "khac"},
            "III.1": {"a": Decimal(130075), "b": Decimal(200000)},
            "III.2": {"tl": Decimal("0.655")},
            "III.3": {"co_cong": True, "dia_chi": "https://cong.gov.vn"},
        },
        claimed={"I.1": Decimal(2)},
    )
    shown = figures(text(client.get(f"/danh-gia/{a.pk}/")))
    for key, value in expected(RICH_FRAMEWORK, unit).items():
        assert shown[key] == value, (key, shown[key], value)
    assert shown["total"].endswith("/ 70")


def test_the_page_updates_after_general_info_changes(world, login):
    a = world["assessment"]
    client = login("reporter")
    save(client, a, "I.2", {"a": "15"})
    client.post(f"/danh-gia/{a.pk}/thong-tin-chung/", {"version": "0", "so_xa": "30"})
    shown = figures(text(client.get(f"/danh-gia/{a.pk}/")))
    assert shown["I.2"] == "5,00"


def test_another_units_data_does_not_change_the_page(world, login):
    a = world["assessment"]
    save(login("reporter"), a, "I.2", {"a": "15"})
    before = figures(text(login("reporter").get(f"/danh-gia/{a.pk}/")))
    save(login("other_reporter"), world["other_assessment"], "I.2", {"a": "10"})
    assert figures(text(login("reporter").get(f"/danh-gia/{a.pk}/"))) == before


# ---------------------------------------------------------------------------------------------
# Progress and missing evidence


def test_progress_counts_complete_indicators(world, login):
    a = world["assessment"]
    client = login("reporter")
    body = text(client.get(f"/danh-gia/{a.pk}/"))
    assert "Hoàn thành 0/4 chỉ số" in body and '<progress class="progress" max="100" value="0">' in body
    save(client, a, "I.2", {"a": "15"})
    save(client, a, "II.1", {"na_requested": "1", "na_reason": "Không áp dụng cho huyện"})  # N/A counts as done
    save(client, a, "I.1", {"self_score": "5"})  # a self score alone is not data
    body = text(client.get(f"/danh-gia/{a.pk}/"))
    assert "Hoàn thành 2/4 chỉ số" in body and '<progress class="progress" max="100" value="50">' in body


def test_missing_data_is_named(world, login):
    body = text(login("reporter").get(f"/danh-gia/{world['assessment'].pk}/"))
    status = body[body.index('id="status-I-2"') :]
    assert "Thiếu số liệu" in status
    assert "Còn thiếu: Số xã có chuyên mục" in status
    manual = body[body.index('id="status-II-2"') :]
    assert "Còn thiếu: điểm chấm trực tiếp" in manual


def test_missing_evidence_is_highlighted_and_counted(world, login):
    body = text(login("reporter").get(f"/danh-gia/{world['assessment'].pk}/"))
    i1 = body[body.index('id="ind-I-1"') : body.index('id="ind-I-2"')]
    i2 = body[body.index('id="ind-I-2"') : body.index('id="ind-II-1"')]
    assert "Chưa có tài liệu kiểm chứng bắt buộc." in i1
    assert "Quyết định thành lập" in i1  # what evidence is expected
    assert "Chưa có tài liệu kiểm chứng bắt buộc." not in i2  # not required there
    assert "1 chỉ số thiếu tài liệu kiểm chứng" in body


def test_an_na_indicator_needs_no_evidence(world, login):
    a = world["assessment"]
    client = login("reporter")
    save(client, a, "I.1", {"na_requested": "1", "na_reason": "Chưa thành lập Ban chỉ đạo"})
    body = text(client.get(f"/danh-gia/{a.pk}/"))
    assert "Chưa có tài liệu kiểm chứng bắt buộc." not in body
    assert "Đủ tài liệu kiểm chứng" in body


# ---------------------------------------------------------------------------------------------
# What each person sees


def test_the_page_is_in_vietnamese(world, login):
    body = text(login("reporter").get(f"/danh-gia/{world['assessment'].pk}/"))
    assert '<html lang="vi">' in body
    assert "UBND huyện Một" in body and "Kỳ đánh giá thử nghiệm 2023" in body
    assert "Thông tin chung" in body and "Tài liệu kiểm chứng" in body and "Cách tính điểm" in body


def test_a_count_field_suggests_a_small_whole_number(world, login):
    """Regression: every count field suggested "ví dụ 130.075", a population-sized figure with a
    thousands dot, even where a handful is expected (communes, meetings)."""
    page = login("reporter").get(f"/danh-gia/{world['assessment'].pk}/").content.decode()
    field = re.search(r'<input[^>]*id="f-I-2-a"[^>]*>', page)
    assert field is not None
    assert 'placeholder="ví dụ 12"' in field.group(0)
    assert "130.075" not in page


def test_the_reporter_gets_forms(world, login):
    a = world["assessment"]
    body = text(login("reporter").get(f"/danh-gia/{a.pk}/"))
    for slug in ("I-1", "I-2", "II-1", "II-2"):
        assert f'<form id="form-{slug}"' in body
    assert f'action="/danh-gia/{a.pk}/thong-tin-chung/"' in body
    assert "Thêm tài liệu" in body


@pytest.mark.parametrize("persona", ["appraiser", "chair", "viewer", "organiser", "admin"])
def test_others_read_without_forms(world, login, persona):
    a = world["assessment"]
    client = login("reporter")
    save(client, a, "I.1", {"truong_ban": "pho"})
    save(client, a, "II.1", {"ban_hanh": "yes", "comment": "Kế hoạch 185/KH-UBND"})
    body = text(login(persona).get(f"/danh-gia/{a.pk}/"))
    assert "Bạn đang xem ở chế độ chỉ đọc." in body
    assert '<form id="form-' not in body and "Thêm tài liệu" not in body
    assert f'action="/danh-gia/{a.pk}/thong-tin-chung/"' not in body
    assert "<th>Trưởng ban là</th><td>Phó chủ tịch" in body
    assert "<th>Đã ban hành</th><td>Có" in body
    assert "Kế hoạch 185/KH-UBND" in body
    assert "<th>Số xã</th><td>20 xã</td>" in body


def test_the_self_score_and_formula_score_are_both_shown(world, login):
    """Kim Bảng claims 5/5 where the formula gives less: the platform shows both."""
    a = world["assessment"]
    client = login("reporter")
    save(client, a, "I.2", {"a": "5", "self_score": "10"})
    body = text(client.get(f"/danh-gia/{a.pk}/"))
    status = body[body.index('id="status-I-2"') :]
    assert 'data-testid="score-I.2">2,50' in status
    assert "Tự chấm: <strong>10,00</strong>" in status
    assert "chênh 7,50" in status
    assert "Tổng điểm tự chấm" in body


def test_templates_read_errors_without_undefined_markers():
    """Regression: with DEBUG on, Jinja2 printed "no such element" for `ind.errors.score` when
    the indicator had no error; errors are read with `.get(name, "")`."""
    import re
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "src" / "dti" / "assessments" / "jinja2"
    for template in folder.rglob("*.html"):
        assert not re.search(r"ind\.errors\.(?!get\()[a-z_]+", template.read_text(encoding="utf-8")), template


def test_a_large_framework_opens_one_index_and_loads_the_others(world, login, monkeypatch):
    """Over LAZY_AFTER indicators the page renders one main index (first, or ?chi-so-chinh=);
    the others are loaded by their own URL, which renders the same indicator forms."""
    from dti.assessments import selectors

    monkeypatch.setattr(selectors, "LAZY_AFTER", 2)  # the test framework has 4 indicators
    a = world["assessment"]
    client = login("reporter")
    first = client.get(f"/danh-gia/{a.pk}/").content.decode()
    assert 'id="f-I-2-a"' in first and 'id="f-II-1-ban_hanh"' not in first
    assert f'hx-get="/danh-gia/{a.pk}/chi-so-chinh/II/"' in first
    second = client.get(f"/danh-gia/{a.pk}/?chi-so-chinh=II").content.decode()
    assert 'id="f-II-1-ban_hanh"' in second and 'id="f-I-2-a"' not in second
    part = client.get(f"/danh-gia/{a.pk}/chi-so-chinh/II/").content.decode()
    assert 'id="f-II-1-ban_hanh"' in part and "<html" not in part
    assert client.get(f"/danh-gia/{a.pk}/chi-so-chinh/IX/").status_code == 404
    # Without JavaScript, a save comes back to the indicator with its index open.
    response = client.post(f"/danh-gia/{a.pk}/chi-so/II.1/", {"version": "0", "ban_hanh": "yes"})
    assert response["Location"] == f"/danh-gia/{a.pk}/?chi-so-chinh=II#ind-II-1"
