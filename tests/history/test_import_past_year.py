"""Importing a past year's published table: preview with every finding, nothing stored until confirmed."""

from __future__ import annotations

from decimal import Decimal
from html import unescape
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client

from dti.audit.models import AuditEntry
from dti.campaigns.models import Campaign
from dti.documents.appendix import build_appendix
from dti.documents.content import Heading
from dti.documents.xlsx import write_xlsx as write_appendix
from dti.engine import load_framework, rank_results, read_results, row_result
from dti.frameworks.models import Framework
from dti.history.services import staging_folder
from dti.results.models import Publication
from dti.results.snapshot import snapshot_of_results, unit_part
from dti.units.models import Unit, UnitType
from tests.conftest import ROOT, SMALL_FRAMEWORK, World
from tests.files import write_xlsx
from tests.history.conftest import TABLE_2023, upload

URL = "/lich-su/nhap-ket-qua/"
CONFIRM = "/lich-su/nhap-ket-qua/xac-nhan/"
# UBND huyện Một's I is printed 18 (its parts sum to 17,5), its total 33,5 (its printed indices sum to 34).
WRONG = TABLE_2023.replace("UBND huyện Một,10,7.5,17.5,10,6,16,33.5,1", "UBND huyện Một,10,7.5,18,10,6,16,33.5,1")


def preview(client: Client, file: Any, framework: Framework | None = None, **extra: Any) -> Any:
    data = {"file": file, **extra}
    if framework is not None:
        data["framework"] = framework.pk
    return client.post(URL, data)


def confirm_data(response: Any, **values: Any) -> dict[str, Any]:
    form = response.context["form"]
    return {
        "token": form.initial["token"],
        "framework": form.initial["framework"].pk if form.initial["framework"] else "",
        "name": "Đánh giá cấp huyện năm 2023 (đã công bố)",
        "year": "2023",
        "group_name": "Cấp huyện",
        "organiser": form.initial["organiser"].pk,
        "unit_type": UnitType.objects.get(code="huyen").pk,
        "decision_number": "123/QĐ-UBND",
        "decision_date": "15/07/2024",
        "signer": "Chủ tịch UBND tỉnh",
        **values,
    }


def stored() -> tuple[int, int, int]:
    return Campaign.objects.count(), Publication.objects.count(), Unit.objects.count()


def test_the_preview_shows_every_finding_and_stores_nothing(world: World, login: Any, small_framework: Any) -> None:
    before = stored()
    response = preview(login("organiser"), upload(WRONG), small_framework)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 điểm không khớp trong bảng" in html
    assert "UBND huyện Một · I: tổng không bằng cộng các thành phần (công bố 18, tính lại 17,5)" in html
    assert "UBND huyện Một · total" in html and "tính lại 34" in html
    assert "UBND huyện Ba" in html and "UBND huyện Bốn" in html  # units to be added, named
    assert stored() == before and not AuditEntry.objects.filter(action__startswith="history").exists()


def test_confirming_a_csv_publishes_the_past_campaign(world: World, login: Any, small_framework: Any) -> None:
    client = login("organiser")
    response = preview(client, upload(TABLE_2023, "ket-qua-2023.csv"), small_framework)
    done = client.post(CONFIRM, confirm_data(response))
    campaign = Campaign.objects.get(name="Đánh giá cấp huyện năm 2023 (đã công bố)")
    assert done.status_code == 302 and done.url == f"/ket-qua/{campaign.pk}/"
    assert (campaign.state, campaign.imported_results, campaign.year) == (Campaign.State.PUBLISHED, True, 2023)
    snapshot = campaign.publications.get().snapshot
    assert snapshot["imported"] == "ket-qua-2023.csv" and snapshot["decision"]["number"] == "123/QĐ-UBND"
    # every figure is the engine's for the same table
    framework = small_framework.engine()
    results = [row_result(framework, row) for row in read_results(framework, _written(TABLE_2023)).rows]
    rank_results(framework, results)
    expected = {r.unit: unit_part(framework, r, None, "huyen") for r in results}
    for published in snapshot["groups"][0]["units"]:
        assert published == expected[published["unit"]]
    # the units the list lacked were added, no longer active
    assert not Unit.objects.get(name="UBND huyện Ba").is_active and Unit.objects.get(name="UBND huyện Một").is_active
    # readable by anyone on the public site, and on the trend page
    public = Client().get(f"/ket-qua/{campaign.pk}/")
    assert public.status_code == 200 and "33,5" in public.content.decode()
    entry = AuditEntry.objects.get(action="history.import")
    assert entry.new["file"] == "ket-qua-2023.csv" and sorted(entry.new["new_units"]) == [
        "UBND huyện Ba",
        "UBND huyện Bốn",
    ]
    assert AuditEntry.objects.filter(action="publication.import", campaign=campaign).exists()
    assert not any(staging_folder().glob(f"{world['users']['organiser'].pk}-*"))


def _written(text: str) -> Path:
    path = staging_folder() / "expected-2023.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_xlsx_table_with_an_uploaded_framework(world: World, login: Any, tmp_path: Path) -> None:
    rows = [line.split(",") for line in TABLE_2023.strip().splitlines()]
    numbers = [[r[0], *(Decimal(v) for v in r[1:])] for r in rows[1:]]
    path = write_xlsx(tmp_path / "ket-qua-2023.xlsx", rows[0], numbers, "Tổng hợp")
    yaml = SMALL_FRAMEWORK.replace("thu-nghiem-2023-huyen", "thu-nghiem-2023-cu")
    client = login("organiser")
    with path.open("rb") as table:
        framework_file = upload(yaml, "bo-chi-so-2023.yaml")
        response = client.post(URL, {"file": table, "framework_file": framework_file})
    assert response.status_code == 200 and not Framework.objects.filter(code="thu-nghiem-2023-cu").exists()
    assert "Không phát hiện điểm nào không khớp." in response.content.decode()
    client.post(CONFIRM, confirm_data(response))
    campaign = Campaign.objects.get(name="Đánh giá cấp huyện năm 2023 (đã công bố)")
    assert campaign.groups.get().framework.code == "thu-nghiem-2023-cu"
    units = {u["unit"]: u for u in campaign.publications.get().snapshot["groups"][0]["units"]}
    assert units["UBND huyện Ba"]["total"] == "25.23" and units["UBND huyện Ba"]["rank"] == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old", "tệp Excel cũ (.xls)"),
        (b"\xff\xfe\x00\x01garbage", "cần tệp Excel (.xlsx) hoặc CSV mã UTF-8"),
        (b"", "Tệp rỗng, không có nội dung."),
        (b"don vi,I\nA,1\n", "thiếu cột 'unit'"),
        ("unit,I.1\nUBND huyện Một,mười\n".encode(), "'mười' không phải là số"),
    ],
)
def test_a_broken_file_is_refused_in_vietnamese_and_nothing_is_stored(
    world: World, login: Any, small_framework: Any, content: bytes, message: str
) -> None:
    before = stored()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = preview(login("organiser"), SimpleUploadedFile("bang.csv", content), small_framework)
    assert response.status_code == 422
    assert message in unescape(response.content.decode())
    assert stored() == before


def test_no_framework_is_refused(world: World, login: Any) -> None:
    response = preview(login("organiser"), upload(TABLE_2023))
    assert response.status_code == 422
    assert "Hãy chọn bộ chỉ số của năm đó" in response.content.decode()


def test_a_bad_framework_file_lists_its_problems(world: World, login: Any) -> None:
    response = preview(login("organiser"), upload(TABLE_2023), framework_file=upload("format: dti/1\n", "x.yaml"))
    assert response.status_code == 422 and "lỗi" in response.content.decode()
    assert not any(staging_folder().glob(f"{world['users']['organiser'].pk}-*"))


def test_confirm_refuses_a_bad_name_and_year_and_keeps_the_preview(
    world: World, login: Any, small_framework: Any
) -> None:
    client = login("organiser")
    response = preview(client, upload(TABLE_2023), small_framework)
    before = stored()
    again = client.post(CONFIRM, confirm_data(response, name=world["campaign"].name, year="1999"))
    assert again.status_code == 422
    html = again.content.decode()
    assert "Đã có kỳ đánh giá tên" in html and "Năm đánh giá phải từ 2000" in html
    assert stored() == before
    # the staged file is still there: correcting the form imports it
    assert client.post(CONFIRM, confirm_data(response)).status_code == 302


def test_cancel_and_a_stale_token(world: World, login: Any, small_framework: Any) -> None:
    client = login("organiser")
    response = preview(client, upload(TABLE_2023), small_framework)
    data = confirm_data(response)
    cancelled = client.post(CONFIRM, {**data, "bo-lai": "1"})
    assert cancelled.status_code == 302 and cancelled.url == URL
    stale = client.post(CONFIRM, data, follow=True)
    assert "Phiên nhập không hợp lệ hoặc đã hết hạn" in stale.content.decode()
    assert not Campaign.objects.filter(name=data["name"]).exists()


def test_another_persons_token_is_refused(world: World, login: Any, small_framework: Any) -> None:
    response = preview(login("organiser"), upload(TABLE_2023), small_framework)
    stolen = login("admin").post(CONFIRM, confirm_data(response), follow=True)
    assert "Phiên nhập không hợp lệ hoặc đã hết hạn" in stolen.content.decode()
    assert not Campaign.objects.filter(imported_results=True).exists()


def test_an_appendix_workbook_is_read_whole_and_checked_across_its_sheets(
    world: World, login: Any, tmp_path: Path
) -> None:
    """Seed 000 (Ninh Bình 2023) as an appendix workbook, with one planted disagreement between sheets."""
    framework = load_framework(ROOT / "frameworks" / "ninh-binh-2023-huyen.yaml")
    results = [
        row_result(framework, row)
        for row in read_results(framework, ROOT / "examples" / "ninh-binh-2023-ket-qua.csv").rows
    ]
    rank_results(framework, results)
    snapshot = snapshot_of_results(framework, results, name="Ninh Bình 2023", year=2023)
    path = tmp_path / "phu-luc-2023.xlsx"
    write_appendix(build_appendix(snapshot, heading=Heading(issuer="ỦY BAN NHÂN DÂN TỈNH NINH BÌNH")), path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["1"]
    assert (sheet["B10"].value, sheet["I10"].value) == ("UBND huyện Gia Viễn", 60)
    sheet["I10"] = 59  # the index table disagrees with its own indicators and with the overall table
    workbook.save(path)
    client = login("organiser")
    yaml = (ROOT / "frameworks" / "ninh-binh-2023-huyen.yaml").read_text(encoding="utf-8")
    with path.open("rb") as table:
        response = client.post(URL, {"file": table, "framework_file": upload(yaml, "ninh-binh-2023-huyen.yaml")})
    assert response.status_code == 200
    findings = response.context["preview"].findings
    # seed 000's three published mistakes, each on its own sheet, and the planted one on sheet '1' and across sheets
    assert sum("[trang '4'" in f or "[trang '5'" in f or "[trang '8'" in f for f in findings) == 3
    planted = [f for f in findings if "UBND huyện Gia Viễn" in f]
    assert any("[trang '1', dòng 10, cột I (1)]" in f for f in planted) and len(planted) >= 2
    client.post(CONFIRM, confirm_data(response, name="Ninh Bình 2023 (phụ lục)"))
    published = Campaign.objects.get(name="Ninh Bình 2023 (phụ lục)").publications.get().snapshot
    assert published["imported"] == "phu-luc-2023.xlsx" and published["notes"] == findings
    by_name = {u["unit"]: u for u in published["groups"][0]["units"]}
    for result in results:
        assert (
            by_name[result.unit]["total"]
            == snapshot["groups"][0]["units"][[u["unit"] for u in snapshot["groups"][0]["units"]].index(result.unit)][
                "total"
            ]
        )
