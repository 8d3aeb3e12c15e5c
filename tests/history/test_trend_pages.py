"""The public trend pages: a unit over the years (through a rename and a merge) and a campaign series."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dti.results.selectors import unit_slug
from tests.history.conftest import HEADER, publish


def table(html: str, element_id: str) -> list[list[str]]:
    """The text of each row of the table with this id (cells stripped of tags)."""
    body = html[html.index(f'id="{element_id}"') :]
    body = body[: body.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)
    return [
        [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r, flags=re.S)]
        for r in rows
    ]


def get(path: str) -> Any:
    response = Client().get(path)
    assert response.status_code == 200
    return response


def test_a_merged_unit_over_the_years_shows_the_mean_of_its_predecessors(history: dict[str, Any]) -> None:
    html = get(f"/lich-su/don-vi/{unit_slug('UBND huyện Một')}/").content.decode()
    rows = table(html, "qua-cac-nam")
    assert [r[0] for r in rows[1:]] == ["2022", "2023", "2024"]
    assert [(r[3], r[4]) for r in rows[1:]] == [("20,00", "—"), ("29,37", "—"), ("40,00 / 40", "1/4")]
    assert "Bình quân của UBND huyện Ba, UBND huyện Một" in rows[1][5]
    indices = table(html, "chi-so-qua-cac-nam")
    # the 2024 framework's indices; III ("Thể chế số") was II before: its values come through the mapping
    assert indices[1] == ["I. Nhận thức số", "10,00", "16,37", "20,00"]
    assert indices[2] == ["III. Thể chế số", "10,00", "13,00", "20,00"]
    main = html.split("<main")[1]
    assert main.count("<svg") == 2 and "<script" not in main
    assert '<title id="tong-diem-title">Tổng điểm của UBND huyện Một qua các năm</title>' in main
    assert "2022: 20,00; 2023: 29,37; 2024: 40,00" in main  # the chart's description: decimal comma, years


def test_a_renamed_unit_keeps_its_old_years_and_ranks(history: dict[str, Any]) -> None:
    html = get(f"/lich-su/don-vi/{unit_slug('UBND thị xã Hai')}/").content.decode()
    rows = table(html, "qua-cac-nam")
    assert [(r[0], r[3], r[4]) for r in rows[1:]] == [
        ("2022", "20,00 / 40", "2/3"),
        ("2023", "19,00 / 40", "3/4"),
        ("2024", "25,00 / 40", "2/4"),
    ]
    # the figures are the snapshots'
    snapshot = history["campaigns"][2023].publications.get().snapshot
    published = next(u for u in snapshot["groups"][0]["units"] if u["unit"] == "UBND huyện Hai")
    assert (published["total"], published["rank"]) == ("19.00", 3)
    assert "UBND huyện Hai (đổi tên từ ngày 01/01/2024)" in rows[1][5]


def test_a_split_unit_says_it_cannot_be_compared(history: dict[str, Any]) -> None:
    html = get(f"/lich-su/don-vi/{unit_slug('Xã Năm')}/").content.decode()
    assert [r[0] for r in table(html, "qua-cac-nam")[1:]] == ["2024"]
    gaps = html[html.index('id="khong-so-sanh"') :]
    assert "2022: Xã Năm hình thành do chia tách UBND huyện Bốn từ ngày 01/01/2024" in gaps and "2023:" in gaps


def test_an_unknown_unit_is_404(history: dict[str, Any]) -> None:
    assert Client().get("/lich-su/don-vi/khong-co-don-vi-nay/").status_code == 404
    assert Client().get("/lich-su/ky/99999/").status_code == 404


def test_the_campaign_series_shows_group_means_through_the_mapping(history: dict[str, Any]) -> None:
    html = get(f"/lich-su/ky/{history['campaigns'][2024].pk}/").content.decode()
    rows = table(html, "nhom-1")
    assert rows[0][3:] == ["I. Nhận thức số", "III. Thể chế số"]
    # (30 + 20 + 10) / 3; (33,5 + 25,23 + 19 + 0) / 4 = 19,4325 → 19,43; (40 + 25 + 10 + 0) / 4
    assert rows[1:] == [
        ["2022", "3", "20,00", "10,00", "10,00"],
        ["2023", "4", "19,43", "11,93", "7,50"],
        ["2024", "4", "18,75", "8,75", "10,00"],
    ]


def test_the_trend_pages_run_the_same_queries_with_more_years(history: dict[str, Any]) -> None:
    pages = [f"/lich-su/don-vi/{unit_slug('UBND huyện Một')}/", f"/lich-su/ky/{history['campaigns'][2024].pk}/"]
    counts = []
    for path in pages:
        with CaptureQueriesContext(connection) as captured:
            get(path)
        counts.append(len(captured))
    old = history["old"]
    for year in (2019, 2020, 2021):
        publish(
            history["world"],
            HEADER + "UBND huyện Một,10,5,15,10,5,15,30,1\nUBND huyện Ba,5,0,5,5,0,5,10,2\n",
            year=year,
            framework=old,
        )
    for path, count in zip(pages, counts, strict=True):
        with CaptureQueriesContext(connection) as captured:
            html = get(path).content.decode()
        assert len(captured) == count and "2019" in html


def test_the_public_pages_link_to_the_trends(history: dict[str, Any], login: Any) -> None:
    pk = history["campaigns"][2024].pk
    campaign = get(f"/ket-qua/{pk}/").content.decode()
    assert f'href="/lich-su/ky/{pk}/"' in campaign
    unit = get(f"/ket-qua/{pk}/don-vi/ubnd-thi-xa-hai/").content.decode()
    assert 'href="/lich-su/don-vi/ubnd-thi-xa-hai/"' in unit
    units = login("organiser").get("/don-vi/").content.decode()
    assert 'href="/lich-su/thay-doi-don-vi/"' in units
    assert 'href="/lich-su/thay-doi-don-vi/"' not in login("viewer").get("/don-vi/").content.decode()


def test_an_index_without_counterpart_is_named_not_dropped(history: dict[str, Any], login: Any) -> None:
    url = f"/lich-su/doi-chieu-ma/?cu={history['old'].pk}&moi={history['new'].pk}"
    login("organiser").post(url, {"ma-I": "I", "ma-III": "", "ma-I.1": "I.1", "ma-I.2": "I.2"})
    html = get(f"/lich-su/don-vi/{unit_slug('UBND huyện Một')}/").content.decode()
    assert table(html, "chi-so-qua-cac-nam")[2] == ["III. Thể chế số", "—", "—", "20,00"]
    assert "Năm 2022: II. Thể chế số không có chỉ số tương ứng." in html
    assert "Năm 2023: II. Thể chế số không có chỉ số tương ứng." in html
    series = get(f"/lich-su/ky/{history['campaigns'][2024].pk}/").content.decode()
    assert table(series, "nhom-1")[1] == ["2022", "3", "20,00", "10,00", "—"]
    assert "Năm 2023: II. Thể chế số không có chỉ số tương ứng." in series


def test_a_unit_merged_into_another_says_so_after_its_last_year(history: dict[str, Any]) -> None:
    html = get(f"/lich-su/don-vi/{unit_slug('UBND huyện Ba')}/").content.decode()
    assert [r[0] for r in table(html, "qua-cac-nam")[1:]] == ["2022", "2023"]
    gaps = html[html.index('id="khong-so-sanh"') :]
    assert "2024: UBND huyện Ba hợp nhất vào UBND huyện Một từ ngày 01/01/2024: không có kết quả năm 2024." in gaps
