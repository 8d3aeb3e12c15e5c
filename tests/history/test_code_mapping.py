"""The code mapping between two framework versions: pre-filled, edited, unmatched codes named, comparisons use it."""

from __future__ import annotations

from typing import Any

from dti.audit.models import AuditEntry
from dti.frameworks.models import Framework
from dti.history.models import CodeMapping
from dti.history.selectors import Previous, previous_figures
from tests.conftest import World
from tests.history.conftest import unit

URL = "/lich-su/doi-chieu-ma/"


def page(world: World, old: Framework, new: Framework) -> str:
    return f"{URL}?cu={old.pk}&moi={new.pk}"


def test_the_mapping_is_prefilled_by_equal_codes_and_names(history: dict[str, Any], login: Any) -> None:
    response = login("organiser").get(page(history["world"], history["old"], history["new"]))
    assert response.status_code == 200
    assert [(code, chosen) for code, _name, chosen in response.context["rows"]] == [
        ("I", "I"),
        ("III", "II"),
        ("I.1", "I.1"),
        ("I.2", "I.2"),
        ("III.1", "II.1"),
        ("III.2", ""),
    ]
    html = response.content.decode()
    assert "Chưa lưu: bảng đang điền sẵn" in html
    # what has no counterpart is named on both sides
    new_only = html[html.index('id="moi-khong-tuong-ung"') :]
    assert "III.2. Đánh giá mới" in new_only
    old_only = html[html.index('id="cu-khong-tuong-ung"') :]
    assert "II.2. Đánh giá khác" in old_only
    assert not CodeMapping.objects.exists()


def test_editing_the_mapping_drives_the_comparison(history: dict[str, Any], login: Any) -> None:
    client = login("organiser")
    url = page(history["world"], history["old"], history["new"])
    data = {"ma-I": "I", "ma-III": "II", "ma-I.1": "I.1", "ma-I.2": "I.2", "ma-III.1": "II.1", "ma-III.2": "II.2"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert CodeMapping.objects.get(to_code="III.2").from_code == "II.2"
    entry = AuditEntry.objects.get(action="code_mapping.save")
    assert entry.new["III.2"] == "II.2" and entry.old is None
    got = previous_figures(history["campaigns"][2024], unit("UBND huyện Một"))
    assert isinstance(got, Previous) and got.pairs.saved
    assert got.pairs.mapping["III.2"] == "II.2" and got.pairs.new_only == [] and got.pairs.old_only == []
    # no counterpart, saved: named again
    client.post(url, {**data, "ma-I.2": ""})
    got = previous_figures(history["campaigns"][2024], unit("UBND huyện Một"))
    assert isinstance(got, Previous) and got.pairs.new_only == ["I.2"] and got.pairs.old_only == ["I.2"]
    assert "Bảng đối chiếu đã được lưu." in client.get(url).content.decode()


def test_an_unknown_old_code_is_refused(history: dict[str, Any], login: Any) -> None:
    response = login("organiser").post(page(history["world"], history["old"], history["new"]), {"ma-I": "IX"})
    assert response.status_code == 422
    assert "Bộ chỉ số thu-nghiem-2023-huyen không có mã IX." in response.content.decode()
    assert not CodeMapping.objects.exists() and not AuditEntry.objects.filter(action="code_mapping.save").exists()


def test_the_same_framework_on_both_sides_is_refused(history: dict[str, Any], login: Any) -> None:
    old = history["old"]
    response = login("organiser").post(page(history["world"], old, old), {"ma-I": "I"})
    assert response.status_code == 422 and "Hãy chọn hai phiên bản bộ chỉ số khác nhau." in response.content.decode()


def test_the_page_without_a_choice_lists_the_frameworks(history: dict[str, Any], login: Any) -> None:
    html = login("organiser").get(URL).content.decode()
    assert "Bộ chỉ số thử nghiệm 2024" in html and 'id="doi-chieu"' not in html
