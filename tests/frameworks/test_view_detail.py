"""The framework pages: list, the detail tree in plain words, and the YAML download."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from dti.frameworks.models import Framework
from tests.conftest import PERSONAS, SMALL_FRAMEWORK

ROOT = Path(__file__).resolve().parents[2]

RICH = """
format: dti/1
code: day-du-2024-huyen
name: Bộ chỉ số đầy đủ
decision: {number: 811/QĐ-UBND, date: 2023-07-24, issuer: Chủ tịch UBND tỉnh Hà Nam}
level: huyen
year: 2024
ranking: {basis: percent, decimals: 1, ties: dense}
classification:
  basis: percent
  bands:
    - {name: Xuất sắc, min: 90}
    - {name: Khá, min: "62,5"}
    - {name: Kém, min: 0}
unit_types: {huyen: Huyện, thi_xa: Thị xã}
general_info:
  - {code: dan_so, label: Dân số trưởng thành, type: count, unit: người}
indices:
  - code: "VI"
    name: Chính quyền số
    max: 20
    groups:
      - code: VI.1
        name: Cổng thông tin
        indicators:
          - code: VI.1.1
            name: Người dân có điện thoại thông minh
            max: 10
            applies_to: [thi_xa]
            allow_na: false
            self_score: false
            evidence: {required: true, description: Báo cáo của doanh nghiệp viễn thông}
            inputs:
              - {name: a, label: Số người có điện thoại, type: count, unit: người}
              - {name: b, from: dan_so}
            scoring: {method: ratio_target, numerator: a, denominator: b, target: "80%"}
    indicators:
      - code: VI.2
        name: Hội nghị
        max: 10
        inputs: [{name: n, label: Số hội nghị, type: count}]
        scoring:
          method: tiers
          value: n
          tiers:
            - {min: 2, points: max_points}
            - {min: 1, points: max_points / 2}
  - code: "VII"
    name: Đô thị thông minh
    reference_only: true
adjustments:
  - code: T.1
    name: Sáng kiến được công nhận
    kind: bonus
    max: 10
    inputs: [{name: k, label: Số sáng kiến, type: count}]
    scoring: {method: per_item, count: k, points_each: 5}
"""


@pytest.fixture
def rich(world) -> Framework:
    return Framework.objects.create(
        code="day-du-2024-huyen", name="Bộ chỉ số đầy đủ", level="huyen", year=2024, source=RICH
    )


def test_list_shows_frozen_and_free_frameworks(login, rich):
    body = login("viewer").get("/bo-chi-so/").content.decode()
    assert "Đã dùng trong kỳ đánh giá (cố định)" in body and "Có thể sửa" in body
    assert "Tải lên bộ chỉ số" not in body
    assert "Tải lên bộ chỉ số" in login("organiser").get("/bo-chi-so/").content.decode()


def test_list_names_each_level_instead_of_its_code(login, rich, small_framework):
    """Regression: the list showed the level's code ("huyen", "so") where people read a name."""
    from dti.frameworks.models import Framework

    Framework.objects.create(code="so-2024", name="Bộ chỉ số cấp sở", level="so", year=2024, source=RICH)
    body = login("viewer").get("/bo-chi-so/").content.decode()
    assert "<td>Cấp huyện</td>" in body and "<td>Cấp sở, ban, ngành</td>" in body
    assert "<td>huyen</td>" not in body and "<td>so</td>" not in body


def test_every_signed_in_role_sees_frameworks(login, rich):
    for persona in PERSONAS:
        client = login(persona)
        for url in ("/bo-chi-so/", f"/bo-chi-so/{rich.pk}/", f"/bo-chi-so/{rich.pk}/tai-ve/"):
            assert client.get(url).status_code == 200, (persona, url)
    for url in ("/bo-chi-so/", f"/bo-chi-so/{rich.pk}/", f"/bo-chi-so/{rich.pk}/tai-ve/"):
        response = login("anonymous").get(url)
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_detail_is_a_readable_tree(login, rich):
    body = login("viewer").get(f"/bo-chi-so/{rich.pk}/").content.decode()
    expected = [
        "811/QĐ-UBND ngày 24/07/2023",
        "Chủ tịch UBND tỉnh Hà Nam",
        "Xếp hạng theo <strong>tỷ lệ % trên điểm tối đa áp dụng cho đơn vị</strong>, hiển thị 1 chữ số thập phân",
        "hạng sau liền kề (1, 2, 2, 3)",
        '<td>Khá</td><td class="num">62,5 %</td>',
        "Dân số trưởng thành",
        "VI. Chính quyền số",
        "<h3>VI.1. Cổng thông tin</h3>",
        "Người dân có điện thoại thông minh",
        "Đạt ngưỡng: điểm tối đa; chưa đạt: Tỷ lệ / ngưỡng × Điểm tối đa",
        "Tỷ lệ = “Số người có điện thoại” / “Dân số trưởng thành”",
        "Ngưỡng đạt điểm tối đa: 80 %",
        "lấy từ Thông tin chung: Dân số trưởng thành",
        'Số người có điện thoại <span class="muted">(Số đếm (số nguyên), người)</span>',
        "Áp dụng cho: Thị xã",
        "Không được đề nghị không áp dụng",
        "Đơn vị không tự chấm",
        "Bắt buộc</span> Báo cáo của doanh nghiệp viễn thông",
        "Từ 2: 10 điểm",
        "Từ 1: 5 điểm",
        "Đô thị thông minh",
        "chỉ tham khảo",
        "Điểm thưởng",
        "5 điểm cho mỗi “Số sáng kiến”, tối đa 10 điểm",
    ]
    for text in expected:
        assert text in body, text
    assert body.index("<strong>VI.2</strong>") < body.index("<strong>VI.1.1</strong>")  # direct ones, then groups
    assert "Sao chép thành phiên bản mới" not in body  # viewers see no copy form


def test_detail_for_managers_offers_copy_and_replace_unless_frozen(login, rich, small_framework):
    body = login("organiser").get(f"/bo-chi-so/{rich.pk}/").content.decode()
    assert "Sao chép thành phiên bản mới</button>" in body and 'value="day-du-2025-huyen"' in body
    assert f"/bo-chi-so/{rich.pk}/thay-noi-dung/" in body
    frozen = login("organiser").get(f"/bo-chi-so/{small_framework.pk}/").content.decode()
    assert "Đã dùng trong kỳ đánh giá (cố định)" in frozen and "Kỳ đánh giá thử nghiệm 2023" in frozen
    assert f"/bo-chi-so/{small_framework.pk}/thay-noi-dung/" not in frozen


def test_download_is_the_stored_yaml(login, small_framework):
    response = login("reporter").get(f"/bo-chi-so/{small_framework.pk}/tai-ve/")
    assert response["Content-Disposition"] == 'attachment; filename="thu-nghiem-2023-huyen.yaml"'
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert response.content.decode("utf-8") == SMALL_FRAMEWORK


def test_a_shipped_framework_renders(login, world):
    source = (ROOT / "frameworks" / "ha-nam-2023-huyen.yaml").read_text(encoding="utf-8")
    framework = Framework.objects.create(code="ha-nam-2023-huyen", name="x", level="huyen", year=2023, source=source)
    body = login("viewer").get(f"/bo-chi-so/{framework.pk}/").content.decode()
    assert "811/QĐ-UBND ngày 24/07/2023" in body
    assert "Bí thư/Chủ tịch cấp huyện" in body and "Cấp xã (tối đa 5 điểm)" in body


def test_a_formula_is_shown_with_the_labels_of_its_inputs(login, world):
    """Regression: the method's formula showed the inputs' internal names ("/ tong_so_xa")."""
    source = (ROOT / "frameworks" / "ha-nam-2023-huyen.yaml").read_text(encoding="utf-8")
    framework = Framework.objects.create(code="ha-nam-2023-huyen", name="x", level="huyen", year=2023, source=source)
    body = html.unescape(login("viewer").get(f"/bo-chi-so/{framework.pk}/").content.decode())
    assert "Công thức: (10 * “Số xã phát sóng chuyên mục riêng về chuyển đổi số từ 2 lần/tháng" in body
    assert "/ “Tổng số các xã”" in body and "“điểm tối đa” / 2" in body
    assert "tong_so_xa" not in body and "max_points" not in body
