"""Official figures through the API: the web page's import, its door and its problems by cell, as JSON."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dti.appraisal.models import OfficialFigure
from dti.audit.models import AuditEntry
from dti.core.imports import MAX_IMPORT_BYTES, too_big
from tests.conftest import World
from tests.url_contract import MANAGE_APPRAISAL, VIEW_APPRAISAL

Api = Callable[[str], Client]
CSV = "Đơn vị;Mã chỉ số;Số liệu;Giá trị;Nguồn\nUBND huyện Một;I.2;a;12;Cổng DVC\nUBND huyện Hai;I.2;ratio;37,5;\n"


def upload(text: str | bytes, name: str = "so-lieu.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8") if isinstance(text, str) else text)


def state() -> tuple[Any, ...]:
    return list(OfficialFigure.objects.values().order_by("pk")), AuditEntry.objects.filter(
        action="official.import"
    ).count()


def test_the_organiser_uploads_a_file_and_the_figures_are_stored_and_audited(world: World, api_as: Api) -> None:
    path = f"/api/campaigns/{world['campaign'].pk}/official-figures"
    form = {"file": upload(CSV), "source": "Sở TT&TT", "tolerance": "2.5"}
    response = api_as("organiser").post(path, form)
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 2, "updated": 0, "total": 2}
    ratio = OfficialFigure.objects.get(field="ratio")
    assert (ratio.value, ratio.source, ratio.tolerance) == (Decimal("0.375"), "Sở TT&TT", Decimal("0.025"))
    assert AuditEntry.objects.get(action="official.import").actor == world["users"]["organiser"]
    again = api_as("admin").post(path, {"file": upload(CSV)})
    assert again.json() == {"created": 0, "updated": 2, "total": 2}


def test_a_file_with_problems_is_answered_with_each_by_its_cell_and_nothing_stored(world: World, api_as: Api) -> None:
    before = state()
    text = "Đơn vị,Mã chỉ số,Số liệu,Giá trị\nUBND huyện Ba,I.2,a,1\nUBND huyện Một,I.2,a,mười hai\n"
    response = api_as("organiser").post(
        f"/api/campaigns/{world['campaign'].pk}/official-figures", {"file": upload(text)}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_file"
    assert body["message"] == "Tệp có 2 lỗi; chưa có số liệu nào được ghi. Hãy sửa tệp rồi nhập lại."
    assert [p["place"] for p in body["problems"]] == ["dòng 2, cột A (Đơn vị)", "dòng 3, cột D (Giá trị)"]
    assert body["problems"][0]["message"] == "Đơn vị “UBND huyện Ba” không tham gia kỳ đánh giá này."
    assert body["field"] == "dòng 2, cột A (Đơn vị)"
    assert state() == before


def test_refusals_as_the_page_decides_and_nothing_stored(world: World, api_as: Api, monkeypatch: Any) -> None:
    path = f"/api/campaigns/{world['campaign'].pk}/official-figures"
    before = state()
    appraiser = api_as("appraiser").post(path, {"file": upload(CSV)})
    assert (appraiser.status_code, appraiser.json()["message"]) == (403, MANAGE_APPRAISAL)
    viewer = api_as("viewer").post(path, {"file": upload(CSV)})
    assert (viewer.status_code, viewer.json()["message"]) == (403, VIEW_APPRAISAL)
    assert api_as("organiser").post("/api/campaigns/999999/official-figures", {"file": upload(CSV)}).status_code == 404
    empty = api_as("organiser").post(path, {"source": "Sở"})
    assert (empty.status_code, empty.json()["message"]) == (422, "Hãy chọn tệp Excel (.xlsx) hoặc CSV để nhập.")
    tolerance = api_as("organiser").post(path, {"file": upload(CSV), "tolerance": "150"})
    assert (tolerance.status_code, tolerance.json()["field"]) == (422, "tolerance")
    big = CSV.encode("utf-8") + b"#" * MAX_IMPORT_BYTES
    over = api_as("organiser").post(path, {"file": upload(big)})
    assert (over.status_code, over.json()["message"]) == (
        422,
        "Tệp có 1 lỗi; chưa có số liệu nào được ghi. Hãy sửa tệp rồi nhập lại.",
    )
    assert over.json()["problems"][0]["message"] == too_big(len(big))
    assert state() == before


def test_the_figures_are_listed_a_page_at_a_time_behind_the_pages_door(world: World, api_as: Api) -> None:
    path = f"/api/campaigns/{world['campaign'].pk}/official-figures"
    assert api_as("organiser").post(path, {"file": upload(CSV), "source": "Sở TT&TT"}).status_code == 200
    body = api_as("appraiser").get(path).json()
    assert body["count"] == 2
    assert [(f["unit"], f["code"], f["field"], f["value"], f["source"]) for f in body["items"]] == [
        ("UBND huyện Hai", "I.2", "ratio", "0.375000", "Sở TT&TT"),
        ("UBND huyện Một", "I.2", "a", "12.000000", "Cổng DVC"),
    ]
    first = body["items"][1]
    assert (first["unit_id"], first["tolerance"], first["imported_by"]) == (world["unit"].pk, "0.0500", "Organiser")
    paged = api_as("chair").get(f"{path}?limit=1&offset=1").json()
    assert (paged["count"], [f["unit"] for f in paged["items"]]) == (2, ["UBND huyện Một"])
    filtered = api_as("admin").get(f"{path}?unit_id={world['other_unit'].pk}&code=I.2").json()
    assert [f["field"] for f in filtered["items"]] == ["ratio"]
    for persona in ("viewer", "reporter"):
        refused = api_as(persona).get(path)
        assert (refused.status_code, refused.json()["message"]) == (403, VIEW_APPRAISAL)
    assert api_as("appraiser").get("/api/campaigns/999999/official-figures").status_code == 404
