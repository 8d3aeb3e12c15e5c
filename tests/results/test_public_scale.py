"""The public pages at scale: one group at a time, a page of a large group, the whole table as a
file, a unit's scorecard from its own record; none reads a whole snapshot (issue 13 §2)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from dti.results.models import Publication, PublishedGroup, PublishedIndex, PublishedUnit
from dti.results.selectors import group_views, index_publication, indexed, scorecard, unit_card
from tests.results.test_public import publish, snapshot_of


def big(count: int, name: str = "Kỳ lớn", **groups: list[str]) -> Publication:
    """A campaign whose "Cấp xã" group ranks `count` communes, II ranked the other way round from I."""
    communes = [f"UBND xã Số {n:03}" for n in range(1, count + 1)]
    snapshot = snapshot_of(name, groups={"Cấp xã": communes, **groups})
    for unit in snapshot["groups"][0]["units"]:
        unit["indices"]["II"] = str(Decimal(unit["rank"]) / 10)  # the last in the ranking is first in II
    return publish(snapshot)


def rows(html: str) -> list[str]:
    """The units of the ranking table, in order."""
    table = html[html.index('<table class="ranking') : html.index("</table>")]
    return re.findall(r'<td class="fixed"><a href="[^"]+">([^<]+)</a>', table)


def test_one_group_at_a_time_with_a_chooser(db: None, client: Client) -> None:
    publication = big(3, **{"Cấp sở": ["Sở Nội vụ", "Sở Tài chính"]})
    pk = publication.campaign_id
    first = client.get(f"/ket-qua/{pk}/").content.decode()
    assert rows(first) == ["UBND xã Số 001", "UBND xã Số 002", "UBND xã Số 003"] and "Sở Nội vụ" not in first
    assert re.findall(r'<option value="(\d)"[^>]*>([^<]+)</option>', first) == [("1", "Cấp xã"), ("2", "Cấp sở")]
    second = client.get(f"/ket-qua/{pk}/", {"nhom": "2"}).content.decode()
    assert rows(second) == ["Sở Nội vụ", "Sở Tài chính"] and "UBND xã" not in second
    assert '<option value="2" selected>Cấp sở</option>' in second


def test_a_search_shows_the_group_where_the_unit_is_and_names_the_others(db: None, client: Client) -> None:
    publication = big(3, **{"Cấp sở": ["Sở Nội vụ", "Sở Số hoá"]})
    pk = publication.campaign_id
    html = client.get(f"/ket-qua/{pk}/", {"tim": "noi vu"}).content.decode()
    assert rows(html) == ["Sở Nội vụ"]
    html = client.get(f"/ket-qua/{pk}/", {"tim": "so"}).content.decode()  # "Số", "Sở" in both groups
    assert rows(html) == ["UBND xã Số 001", "UBND xã Số 002", "UBND xã Số 003"]
    elsewhere = html[html.index('id="tim-thay-o-nhom-khac"') :]
    assert "tim=so&amp;nhom=2" in elsewhere and "Cấp sở</a> (2)" in elsewhere
    nothing = client.get(f"/ket-qua/{pk}/", {"tim": "khong co"}).content.decode()
    assert 'id="khong-khop"' in nothing and 'class="ranking' not in nothing and "Đang hiện 0 trên 5." in nothing


def test_a_large_group_is_paged_and_shows_one_table_at_a_time(db: None, client: Client) -> None:
    pk = big(130).campaign_id
    first = client.get(f"/ket-qua/{pk}/").content.decode()
    assert rows(first)[:2] == ["UBND xã Số 001", "UBND xã Số 002"] and len(rows(first)) == 100
    assert "Trang 1/2" in first and 'href="?trang=2"' in first
    assert 'class="index-table"' not in first  # the index tables are a click away, not below
    second = client.get(f"/ket-qua/{pk}/", {"trang": "2"}).content.decode()
    assert rows(second)[-1] == "UBND xã Số 130" and len(rows(second)) == 30
    by_two = client.get(f"/ket-qua/{pk}/", {"xem": "II"}).content.decode()
    table = by_two[by_two.index('class="index-table"') :]
    units = re.findall(r'<td class="num">(\d+)</td><td class="fixed"><a href="[^"]+">([^<]+)</a>', table)
    assert units[:2] == [("1", "UBND xã Số 130"), ("2", "UBND xã Số 129")] and len(units) == 100
    assert 'class="ranking' not in by_two
    assert "<strong>II. An toàn thông tin mạng</strong>" in by_two


def test_the_whole_table_is_a_file_that_reads_back(db: None, client: Client) -> None:
    publication = big(130, **{"Cấp sở": ["=HYPERLINK(1)"]})
    html = client.get(f"/ket-qua/{publication.campaign_id}/").content.decode()
    section = html[html.index('id="bang-day-du"') :]
    link = re.search(r'href="([^"]+)" download>CSV', section).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="xep-hang-ky-lon-v1.csv"' in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    header, *lines = list(csv.reader(io.StringIO(text[1:])))
    assert header == [
        "Nhóm xếp hạng",
        "Hạng",
        "Đơn vị",
        "I. Nhận thức số",
        "II. An toàn thông tin mạng",
        "Tổng điểm",
        "Tối đa",
        "Tỷ lệ %",
        "Xếp loại",
        "Hạng I",
        "Hạng II",
    ]
    assert len(lines) == 131  # every unit of every group, not a page
    units = publication.snapshot["groups"][0]["units"]
    for line, unit in zip(lines, units, strict=False):
        assert line[:9] == ["Cấp xã", str(unit["rank"]), unit["unit"], unit["indices"]["I"], unit["indices"]["II"]] + [
            unit["total"] or "",
            unit["max"] or "",
            "",
            "",
        ]
    assert lines[0][9:] == ["1", "130"] and lines[129][9:] == ["130", "1"]  # ranked by I, by II the other way
    assert lines[130][:3] == ["Cấp sở", "1", "'=HYPERLINK(1)"]  # no formula in a spreadsheet


def test_the_appendix_is_linked_and_reads_back(db: None, client: Client) -> None:
    pk = big(130).campaign_id
    html = client.get(f"/ket-qua/{pk}/").content.decode()
    section = html[html.index('id="bang-day-du"') :]
    link = re.search(r'href="([^"]+)" download>XLSX', section).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    cells = {str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c}
    assert {"UBND xã Số 001", "UBND xã Số 130"} <= cells  # the whole group, not the page


@pytest.mark.parametrize("maxima", [("20.00", "20.00"), (None, None)])
def test_the_scorecard_from_the_index_equals_the_snapshots(db: None, maxima: Any) -> None:
    snapshot = snapshot_of("Kỳ thẻ điểm", groups={"Cấp xã": [f"UBND xã {n}" for n in range(7)]}, maxima=maxima)
    publication = publish(snapshot)
    found = indexed(publication)
    for view in group_views(snapshot):
        for row in view.rows:
            whole = scorecard(view, row)
            card = unit_card(found, row.key)
            assert card is not None
            assert card.row.data == whole.row.data and card.group.size == len(view.rows)
            assert (card.indices, card.strongest, card.weakest) == (whole.indices, whole.strongest, whole.weakest)
            assert card.relative == whole.relative and card.index_basis == whole.index_basis


def test_the_scorecard_shows_the_snapshots_figures(db: None, client: Client) -> None:
    publication = big(130)
    html = client.get(f"/ket-qua/{publication.campaign_id}/don-vi/ubnd-xa-so-125/").content.decode()
    unit = next(u for u in publication.snapshot["groups"][0]["units"] if u["unit"] == "UBND xã Số 125")
    assert "<h1>UBND xã Số 125</h1>" in html and "125/130" in html
    assert (unit["total"], unit["indices"]["II"]) == ("-220", "12.5")
    assert (
        '<span class="big">-220</span>' in html
        and '<td>II. An toàn thông tin mạng</td><td class="num">12,5</td>' in html
    )


def test_no_public_page_reads_a_snapshot_once_indexed(db: None, client: Client) -> None:
    """The pages read the index: the snapshot column is in no query after the first read."""
    pk = big(130).campaign_id
    pages = ["/ket-qua/", "/ket-qua/?tim=xa", f"/ket-qua/{pk}/", f"/ket-qua/{pk}/?xem=I&trang=2&tim=so"]
    pages.append(f"/ket-qua/{pk}/bang-xep-hang.csv")
    pages.append(f"/ket-qua/{pk}/don-vi/ubnd-xa-so-007/")
    for page in pages:
        client.get(page)
    for page in pages:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page)
            assert response.status_code == 200 and response.getvalue()
        assert not [q["sql"] for q in captured if '"snapshot"' in q["sql"]], page


@pytest.mark.parametrize("page", ["", "?xem=II&trang=2", "?tim=so"])
def test_a_large_group_runs_the_same_queries_at_any_size(db: None, client: Client, page: str) -> None:
    counts = []
    for count in (120, 400):
        pk = big(count, name=f"Kỳ {count}").campaign_id
        client.get(f"/ket-qua/{pk}/{page}")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/ket-qua/{pk}/{page}").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 5


def test_the_index_is_written_with_the_publication_and_again_when_it_is_not_its(db: None) -> None:
    publication = big(5, **{"Cấp sở": ["Sở Nội vụ"]})
    assert PublishedIndex.objects.filter(publication=publication).exists()  # written with it: no page writes
    found = indexed(publication)
    assert found.content_hash == publication.content_hash and found.head["groups"] == [
        {"name": "Cấp xã", "size": 5},
        {"name": "Cấp sở", "size": 1},
    ]
    units = PublishedUnit.objects.filter(publication=publication).order_by("group", "position")
    assert [u.data for u in units] == [u for g in publication.snapshot["groups"] for u in g["units"]]
    assert PublishedGroup.objects.get(publication=publication, number=1).part["orders"]["II"] == [5, 4, 3, 2, 1]
    PublishedIndex.objects.filter(pk=found.pk).update(content_hash="0" * 64)  # the database edited
    PublishedUnit.objects.filter(publication=publication, key="so-noi-vu").update(name="Sở Giả")
    again = indexed(publication)
    assert again.content_hash == publication.content_hash
    assert PublishedUnit.objects.get(publication=publication, key="so-noi-vu").name == "Sở Nội vụ"
    assert index_publication(publication).head == found.head  # written again, the same


def test_the_list_reads_only_the_newest_version(db: None, client: Client) -> None:
    publication = big(3)
    snapshot = dict(publication.snapshot, campaign={**publication.snapshot["campaign"], "name": "Kỳ lớn (đính chính)"})
    Publication.objects.create(campaign=publication.campaign, version=2, snapshot=snapshot, reason="Sửa tên")
    PublishedIndex.objects.filter(publication=publication).delete()  # were it read, it would be written again
    html = client.get("/ket-qua/").content.decode()
    assert "Kỳ lớn (đính chính)" in html and "Kỳ lớn<" not in html
    assert not PublishedIndex.objects.filter(publication=publication).exists()  # the old version: never read
    found = client.get("/ket-qua/", {"tim": "xa so"}).content.decode()
    assert found.count("/don-vi/ubnd-xa-so-") == 3


def test_the_list_names_the_first_units_found_and_links_the_rest(db: None, client: Client) -> None:
    big(25)
    html = client.get("/ket-qua/", {"tim": "xa so"}).content.decode()
    assert html.count("/don-vi/ubnd-xa-so-") == 20 and "và 5 đơn vị khác" in html
