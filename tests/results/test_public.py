"""The public site: no login, only published snapshots, Vietnamese numbers, a well-formed radar chart."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone

from dti.results.charts import radar_svg
from dti.results.models import Publication

SVG = "{http://www.w3.org/2000/svg}"


def public_pages(client: Client, pk: int) -> list[str]:
    """Every public page of a campaign: the list, the campaign, each unit, each version."""
    pages = [client.get("/ket-qua/").content.decode()]
    campaign = client.get(f"/ket-qua/{pk}/").content.decode()
    pages.append(campaign)
    for link in sorted(set(re.findall(r'href="(/ket-qua/[^"]+)"', campaign))):
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
        pages.append(response.content.decode())
    return pages


def secret_campaign(world: dict[str, Any]) -> Any:
    """Another campaign, being appraised, with a unit whose name appears nowhere else."""
    from dti.assessments import workflow
    from dti.assessments.models import Assessment, Entry
    from dti.campaigns.models import Campaign, CampaignGroup, Participation
    from dti.units.models import Unit

    unit = Unit.objects.create(name="UBND huyện Bí Mật", unit_type=world["unit"].unit_type)
    campaign = Campaign.objects.create(
        name="Kỳ chưa công bố 2024",
        year=2024,
        state=Campaign.State.OPEN,
        submission_deadline=timezone.now() + datetime.timedelta(days=1),
    )
    group = CampaignGroup.objects.create(campaign=campaign, name="Nhóm kín", framework=world["group"].framework)
    participation = Participation.objects.create(campaign=campaign, group=group, unit=unit)
    assessment = Assessment.objects.create(participation=participation, general={"so_xa": "20"})
    Entry.objects.create(assessment=assessment, code="II.2", version=1, score="9.87")
    from dti.accounts.models import User
    from dti.core.roles import Role

    leader = User.objects.create_user("bi_mat", password="x-very-long-1234", role=Role.LEADER, unit=unit)
    workflow.submit(assessment=assessment, by=leader)
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.APPRAISAL)
    return campaign


def test_nothing_public_before_publication(appraising: dict[str, Any], client: Client) -> None:
    pk = appraising["campaign"].pk
    index = client.get("/ket-qua/")
    assert index.status_code == 200
    html = index.content.decode()
    assert "UBND huyện Một" not in html and appraising["campaign"].name not in html
    assert client.get(f"/ket-qua/{pk}/").status_code == 404
    assert client.get(f"/ket-qua/{pk}/don-vi/ubnd-huyen-mot/").status_code == 404
    assert client.get("/ket-qua/999999/").status_code == 404


def test_approved_but_unpublished_is_not_public(approved: dict[str, Any], client: Client) -> None:
    pk = approved["campaign"].pk
    assert client.get(f"/ket-qua/{pk}/").status_code == 404
    assert "15/QĐ-UBND" not in client.get("/ket-qua/").content.decode()


def test_unpublished_campaign_never_appears(published: dict[str, Any], client: Client) -> None:
    secret = secret_campaign(published)
    for html in public_pages(client, published["campaign"].pk):
        assert "Bí Mật" not in html and "Kỳ chưa công bố" not in html and "9,87" not in html
    assert client.get(f"/ket-qua/{secret.pk}/").status_code == 404
    assert client.get(f"/ket-qua/{secret.pk}/don-vi/ubnd-huyen-bi-mat/").status_code == 404


def test_anonymous_without_session(published: dict[str, Any]) -> None:
    client = Client()  # no login, no cookies
    pk = published["campaign"].pk
    for path in ("/ket-qua/", f"/ket-qua/{pk}/", f"/ket-qua/{pk}/don-vi/ubnd-huyen-mot/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "sessionid" not in response.cookies
    assert client.get(f"/ket-qua/{pk}/don-vi/khong-co/").status_code == 404


def test_campaign_page(published: dict[str, Any], client: Client) -> None:
    html = client.get(f"/ket-qua/{published['campaign'].pk}/").content.decode()
    assert "Quyết định số 15/QĐ-UBND ngày 01/07/2024" in html
    assert "80,00 %" in html and "80.00" not in html  # I: 16 of 20, decimal comma
    assert published["publication"].content_hash in html
    assert html.index("UBND huyện Một") < html.index("UBND huyện Hai")  # ranked
    assert "Nhận thức số" in html and "Thể chế số" in html  # one table per index


def test_unit_scorecard(published: dict[str, Any], client: Client) -> None:
    html = client.get(f"/ket-qua/{published['campaign'].pk}/don-vi/ubnd-huyen-hai/").content.decode()
    assert "<h1>UBND huyện Hai</h1>" in html and "2/2" in html
    assert "75,00 %" in html and "20,00 %" in html  # I 15/20, II 4/20
    svg = ET.fromstring(re.search(r"<svg.*?</svg>", html, re.S).group(0))
    assert svg.find(f"{SVG}title") is not None
    assert len(svg.findall(f"{SVG}circle")) == 2  # one point per main index
    strongest = html[html.index('id="manh-nhat"') : html.index('id="yeu-nhat"')]
    weakest = html[html.index('id="yeu-nhat"') :]
    assert "I.2" in strongest and "II.1" in weakest


def test_radar_is_well_formed_with_one_point_per_index() -> None:
    axes = [("A & B", Decimal("80")), ("C<D", Decimal("12.5")), ("E", None), ("F", Decimal("100")), ("G", Decimal(0))]
    svg = ET.fromstring(str(radar_svg(axes, "Biểu đồ <thử>")))
    assert svg.tag == f"{SVG}svg"
    assert svg.find(f"{SVG}title").text == "Biểu đồ <thử>"
    assert len(svg.findall(f"{SVG}circle")) == 5
    values = svg.find(f"{SVG}polygon[@class='value']")
    assert len(values.get("points").split()) == 5
    assert "12,5 %" in svg.find(f"{SVG}desc").text


def test_imported_table_without_items(world: dict[str, Any], client: Client) -> None:
    """An earlier year's printed table: date as printed, notes shown, extremes by index."""
    snapshot = {
        "format": 1,
        "imported": "ket-qua-2022.xlsx",
        "campaign": {"name": "DTI 2022", "year": 2022, "organiser": ""},
        "decision": {"number": "99/QĐ-UBND", "date": None, "date_text": "tháng 6 năm 2023", "signer": ""},
        "groups": [
            {
                "name": "Cấp huyện",
                "framework": {
                    "code": "x",
                    "name": "DTI huyện 2022",
                    "content_hash": "",
                    "precision": 2,
                    "basis": "percent",
                    "decimals": 2,
                    "indices": [
                        {"code": "I", "name": "Một", "max": "400.00"},
                        {"code": "II", "name": "Hai", "max": "600.00"},
                    ],
                    "indicators": [],
                },
                "units": [
                    {
                        "unit": "Huyện A",
                        "type": None,
                        "rank": 1,
                        "class": "Tốt",
                        "total": "605.21",
                        "max": "1000.00",
                        "percent": "60.52",
                        "indices": {"I": "300.00", "II": "305.21"},
                        "index_max": {},
                        "items": {},
                    },
                ],
                "excluded": [],
            }
        ],
        "notes": ["Huyện A: tổng in trong bảng công bố gốc là 605,2, cộng lại được 605,21"],
    }
    publication = Publication.objects.create(campaign=world["campaign"], version=1, snapshot=snapshot)
    html = client.get(f"/ket-qua/{world['campaign'].pk}/").content.decode()
    assert "605,21" in html and "60,52 %" in html and "605.21" not in html
    assert "tháng 6 năm 2023" in html and "bảng công bố gốc" in html
    assert publication.content_hash in html
    card = client.get(f"/ket-qua/{world['campaign'].pk}/don-vi/huyen-a/").content.decode()
    assert "Chỉ số chính mạnh nhất" in card and "không có điểm từng chỉ số thành phần" in card
    assert "75,00 %" in card  # I: 300 of 400


def test_without_maxima_the_scorecard_compares_with_the_best_of_the_group(db):
    """Ninh Bình's framework states no maxima: the radar and extremes use the group's highest scores."""
    import io

    from dti.demo import load_demo

    load_demo(io.StringIO())
    publication = Publication.objects.get(campaign__name__contains="Ninh Bình")
    campaign_page = Client().get(f"/ket-qua/{publication.campaign_id}/").content.decode()
    assert "Quyết định số /QĐ-UBND ngày /7/2024" in campaign_page
    from dti.results.selectors import find_unit

    card = find_unit(publication.snapshot, "ubnd-huyen-kim-son")
    assert card is not None and card.relative
    first = next(i for i in card.indices if i["code"] == "1")
    assert (first["score"], first["reference"]) == ("58.33", Decimal("60.00"))  # the group's best index 1
    assert card.strongest and card.weakest
    body = Client().get(f"/ket-qua/{publication.campaign_id}/don-vi/ubnd-huyen-kim-son/").content.decode()
    assert "so với điểm cao nhất trong nhóm xếp hạng" in body
    assert "<polygon" in body
