"""The public site: no login, only published snapshots, Vietnamese numbers, a well-formed radar chart."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest
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
        pages.append(response.getvalue().decode())  # a page, or the ranking file (streamed)
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
    svg = ET.fromstring(re.search(r"<svg[^>]*class=\"radar\".*?</svg>", html, re.S).group(0))
    assert svg.find(f"{SVG}title") is not None
    assert len(svg.findall(f"{SVG}circle")) == 2  # one point per main index
    strongest = html[html.index('id="manh-nhat"') : html.index('id="yeu-nhat"')]
    weakest = html[html.index('id="yeu-nhat"') :]
    assert "I.2" in strongest and "II.1" in weakest


def test_radar_is_well_formed_with_one_point_per_index() -> None:
    axes = [("A & B", Decimal("80")), ("C<D", Decimal("12.5")), ("E", None), ("F", Decimal("100")), ("G", Decimal(0))]
    svg = ET.fromstring(str(radar_svg(axes, "Biểu đồ <thử>", places=1)))
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
    publication = Publication.objects.get(campaign__name__contains="Ninh Bình năm 2023")
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


# ---------------------------------------------------------------------------------------------
# Full names, maxima only where stated, search and filters (issue 9 §5)


def snapshot_of(
    name: str,
    *,
    year: int = 2023,
    organiser: str = "UBND tỉnh Thử Nghiệm",
    groups: dict[str, list[str]] | None = None,
    maxima: tuple[str | None, str | None] = ("20.00", "20.00"),
) -> dict[str, Any]:
    """A published snapshot: groups of units (scores falling by rank), two indices with these maxima."""
    groups = groups or {"Cấp huyện": ["UBND huyện Đông Anh", "UBND huyện Gia Lâm"]}
    total_max = None if None in maxima else "40.00"
    indices = [
        {"code": "I", "name": "Nhận thức số", "max": maxima[0]},
        {"code": "II", "name": "An toàn thông tin mạng", "max": maxima[1]},
    ]
    indicators = [
        {"code": "I.1", "name": "Ban chỉ đạo", "max": maxima[0], "index": "I"},
        {"code": "II.1", "name": "Giám sát an toàn", "max": maxima[1], "index": "II"},
    ]
    framework = {
        "code": "x",
        "name": "Bộ chỉ số thử",
        "content_hash": "",
        "precision": 2,
        "basis": "total",
        "decimals": 2,
        "indices": indices,
        "indicators": indicators,
    }

    def unit(name: str, rank: int) -> dict[str, Any]:
        one, two = Decimal(20 - rank), Decimal(10 - rank)
        return {
            "unit": name,
            "type": None,
            "rank": rank,
            "class": "",
            "total": str(one + two),
            "max": total_max,
            "percent": None,
            "indices": {"I": str(one), "II": str(two)},
            "index_max": {},
            "items": {"I.1": str(one), "II.1": str(two)},
        }

    return {
        "format": 1,
        "campaign": {"name": name, "year": year, "organiser": organiser},
        "decision": {"number": "1/QĐ-UBND", "date": "2024-07-01", "date_text": "", "signer": ""},
        "groups": [
            {
                "name": group,
                "framework": framework,
                "units": [unit(u, rank) for rank, u in enumerate(units, start=1)],
                "excluded": [],
            }
            for group, units in groups.items()
        ],
        "notes": [],
    }


def publish(snapshot: dict[str, Any]) -> Publication:
    """Store a snapshot as version 1 of a new campaign."""
    from dti.campaigns.models import Campaign

    campaign = Campaign.objects.create(
        name=snapshot["campaign"]["name"],
        year=snapshot["campaign"]["year"],
        submission_deadline=timezone.now(),
    )
    return Publication.objects.create(campaign=campaign, version=1, snapshot=snapshot)


def squeeze(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def test_ranking_headers_and_radar_axes_name_the_indices(db: None, client: Client) -> None:
    """Regression: the ranking's headers and the radar's axes showed only the codes (I, II)."""
    publication = publish(snapshot_of("Kỳ có tên chỉ số"))
    page = client.get(f"/ket-qua/{publication.campaign_id}/").content.decode()
    assert '<th class="num index-name">I. Nhận thức số</th>' in page
    assert '<th class="num index-name">II. An toàn thông tin mạng</th>' in page
    card = client.get(f"/ket-qua/{publication.campaign_id}/don-vi/ubnd-huyen-gia-lam/").content.decode()
    svg = ET.fromstring(re.search(r"<svg[^>]*class=\"radar\".*?</svg>", card, re.S).group(0))
    labels = [" ".join(s.text for s in text.findall(f"{SVG}tspan")) for text in svg.findall(f"{SVG}text")]
    assert labels == ["I. Nhận thức số", "II. An toàn thông tin mạng"]


def test_long_axis_labels_are_wrapped_at_spaces() -> None:
    from dti.results.charts import label_lines

    assert label_lines("I. Nhận thức số") == ["I. Nhận thức số"]
    assert label_lines("6. Hoạt động chính quyền số") == ["6. Hoạt động", "chính quyền số"]
    svg = ET.fromstring(str(radar_svg([("6. Hoạt động chính quyền số", Decimal(50))] * 3, "x", places=2)))
    assert [len(text.findall(f"{SVG}tspan")) for text in svg.findall(f"{SVG}text")] == [2, 2, 2]


def test_stated_maxima_are_shown_and_percentages_are_of_them(db: None, client: Client) -> None:
    publication = publish(snapshot_of("Kỳ có điểm tối đa"))
    page = squeeze(client.get(f"/ket-qua/{publication.campaign_id}/").content.decode())
    assert 'I. Nhận thức số <span class="muted">(tối đa 20)</span>' in page
    assert '<th class="num">% điểm tối đa</th>' in page and "% điểm cao nhất" not in page
    assert '<th class="num">Tối đa</th>' in page  # the ranking's total maximum
    card = squeeze(client.get(f"/ket-qua/{publication.campaign_id}/don-vi/ubnd-huyen-gia-lam/").content.decode())
    assert '<span class="big">26</span> / 40</div>' in card
    assert '<th class="num">Tối đa</th>' in card and '<th class="num">% điểm tối đa</th>' in card
    assert "I.1. Ban chỉ đạo — 18/20 (90,00 %)" in card


def test_without_stated_maxima_no_dash_maximum_and_shares_of_the_groups_best(db: None, client: Client) -> None:
    """Regression (Ninh Bình): "(tối đa —)", "Tối đa —" and "/ —" were shown, and shares of the
    group's best score were headed "% điểm tối đa"."""
    publication = publish(snapshot_of("Kỳ không nêu điểm tối đa", maxima=(None, None)))
    page = squeeze(client.get(f"/ket-qua/{publication.campaign_id}/").content.decode())
    assert "(tối đa" not in page and "% điểm tối đa" not in page
    assert page.count('<th class="num">% điểm cao nhất trong nhóm</th>') == 2
    assert ">Tối đa<" not in page and ">Xếp loại<" not in page  # no column of dashes
    assert "94,74 %" in page  # Gia Lâm's 18 on index I, of Đông Anh's 19 (the group's best)
    card = squeeze(client.get(f"/ket-qua/{publication.campaign_id}/don-vi/ubnd-huyen-gia-lam/").content.decode())
    assert '<span class="big">26</span></div>' in card and "/ —" not in card
    assert ">Tối đa<" not in card and "% điểm tối đa" not in card and ">Xếp loại<" not in card
    assert '<th class="num">% điểm cao nhất trong nhóm</th>' in card
    assert "I.1. Ban chỉ đạo — 18 điểm (94,74 % điểm cao nhất trong nhóm)" in card


def test_some_maxima_stated_percentages_are_marked(db: None, client: Client) -> None:
    publication = publish(snapshot_of("Kỳ nêu một phần điểm tối đa", maxima=("20.00", None)))
    card = squeeze(client.get(f"/ket-qua/{publication.campaign_id}/don-vi/ubnd-huyen-gia-lam/").content.decode())
    assert '<th class="num">Tỷ lệ %</th>' in card
    assert "90,00 %</td>" in card and "88,89 %*</td>" in card  # I: 18 of 20; II: 8 of the best 9
    assert "* so với điểm cao nhất trong nhóm" in card


def campaign_rows(html: str) -> list[str]:
    """The campaign names listed on the public index."""
    return re.findall(r'<td class="fixed"><a href="/ket-qua/\d+/">([^<]+)</a>', html)


@pytest.fixture
def three_published(db: None) -> list[Publication]:
    return [
        publish(snapshot_of("DTI Hà Nội 2023", organiser="UBND thành phố Hà Nội")),
        publish(snapshot_of("DTI Hà Nội 2024", year=2024, organiser="UBND thành phố Hà Nội")),
        publish(
            snapshot_of(
                "DTI Ninh Bình 2023",
                organiser="UBND tỉnh Ninh Bình",
                groups={"Cấp huyện": ["UBND huyện Kim Sơn", "UBND huyện Yên Mô"], "Cấp sở": ["Sở Y tế"]},
            )
        ),
    ]


def test_the_public_list_is_searched_by_unit_and_filtered_by_year_and_organiser(
    three_published: list[Publication], client: Client
) -> None:
    everything = client.get("/ket-qua/").content.decode()
    assert campaign_rows(everything) == ["DTI Hà Nội 2024", "DTI Hà Nội 2023", "DTI Ninh Bình 2023"]
    found = client.get("/ket-qua/", {"tim": "kim son"}).content.decode()
    assert campaign_rows(found) == ["DTI Ninh Bình 2023"]
    pk = three_published[2].campaign_id
    assert f'<a href="/ket-qua/{pk}/don-vi/ubnd-huyen-kim-son/">UBND huyện Kim Sơn</a>' in found
    assert "Đang hiện 1 trên 3." in found
    assert campaign_rows(client.get("/ket-qua/", {"nam": "2023"}).content.decode()) == [
        "DTI Hà Nội 2023",
        "DTI Ninh Bình 2023",
    ]
    by_organiser = client.get("/ket-qua/", {"to-chuc": "ubnd-thanh-pho-ha-noi", "nam": "2024"}).content.decode()
    assert campaign_rows(by_organiser) == ["DTI Hà Nội 2024"]
    nothing = client.get("/ket-qua/", {"tim": "Đà Nẵng"}).content.decode()
    assert campaign_rows(nothing) == [] and "Không có kết quả nào khớp với điều kiện tìm." in nothing


def test_a_campaigns_ranking_is_searched_and_filtered_by_group_keeping_its_ranks(
    three_published: list[Publication], client: Client
) -> None:
    pk = three_published[2].campaign_id
    page = client.get(f"/ket-qua/{pk}/", {"tim": "yen mo"}).content.decode()
    ranking = page[page.index('class="ranking"') : page.index("</table>", page.index('class="ranking"'))]
    assert "UBND huyện Yên Mô" in ranking and "Kim Sơn" not in ranking and "Sở Y tế" not in page
    assert re.search(r'<td class="num">2</td>\s*<td class="fixed"><a [^>]*>UBND huyện Yên Mô', ranking)  # still 2nd
    assert "Đang hiện 1 trên 3." in page
    by_group = client.get(f"/ket-qua/{pk}/", {"nhom": "2"}).content.decode()
    assert "Sở Y tế" in by_group and "UBND huyện Kim Sơn" not in by_group
    single = client.get(f"/ket-qua/{three_published[0].campaign_id}/").content.decode()
    assert 'name="nhom"' not in single  # one group: nothing to choose
    nothing = client.get(f"/ket-qua/{pk}/", {"tim": "không có"}).content.decode()
    assert "Không có đơn vị nào khớp với điều kiện tìm." in nothing


def test_the_search_keeps_the_version_being_read(three_published: list[Publication], client: Client) -> None:
    first = three_published[2]
    Publication.objects.create(campaign=first.campaign, version=2, snapshot=first.snapshot, reason="Sửa")
    page = client.get(f"/ket-qua/{first.campaign_id}/", {"phien-ban": "1", "tim": "Kim"}).content.decode()
    assert '<input type="hidden" name="phien-ban" value="1">' in page
    assert 'href="?phien-ban=1">Bỏ lọc</a>' in page


@pytest.mark.parametrize("size", [2, 12])
def test_public_lists_run_the_same_queries_at_any_size(db: None, django_assert_num_queries, size: int) -> None:
    units = [f"UBND xã Số {n:02}" for n in range(size)]
    for n in range(size):
        publish(snapshot_of(f"Kỳ {n:02}", year=2020 + n % 3, groups={"Cấp xã": units}))
    client = Client()
    pk = Publication.objects.first().campaign_id
    with django_assert_num_queries(2):  # the newest publications with their index, the units found
        assert client.get("/ket-qua/", {"tim": "xa so 01"}).status_code == 200
    with django_assert_num_queries(5):  # the campaign's versions, its index, the units found, the group, its page
        assert client.get(f"/ket-qua/{pk}/", {"tim": "01"}).status_code == 200
    with django_assert_num_queries(4):  # the versions, the index, the unit, its group
        assert client.get(f"/ket-qua/{pk}/don-vi/ubnd-xa-so-01/").status_code == 200


def test_the_radar_shows_percentages_as_the_table_does() -> None:
    """Regression: the radar rounded every percentage to 2 decimals and dropped trailing zeros
    while the scorecard's table shows the group's own decimals ("81,2 %" beside "81,18 %")."""
    axes = [("I", Decimal("81.18")), ("II", Decimal("60")), ("III", Decimal("12.25"))]
    desc = ET.fromstring(str(radar_svg(axes, "x", places=1))).find(f"{SVG}desc").text
    assert desc == "I: 81,2 %; II: 60,0 %; III: 12,3 %"
