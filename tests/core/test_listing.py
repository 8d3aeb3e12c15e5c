"""Search and filters of long lists (dti.core.listing and core/_filters.html)."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from dti.core.listing import Filter, ListQuery, Option, fold

STATUS = Filter("trang-thai", "Trạng thái", (Option("da-gui", "Đã gửi"), Option("nhap", "Đang nhập liệu")))
YEAR = Filter("nam", "Năm", (Option("2023", "2023"), Option("2024", "2024")))


@pytest.mark.parametrize(
    ("text", "folded"),
    [("UBND huyện Đông Anh", "ubnd huyen dong anh"), ("ĐỒNG THÁP", "dong thap"), ("Quảng Ngãi", "quang ngai")],
)
def test_fold_drops_case_and_vietnamese_accents(text, folded):
    assert fold(text) == folded


def test_every_searched_word_must_be_found_in_any_order_without_accents():
    query = ListQuery.read({"tim": "  anh  DONG "}, [])
    assert query.text == "anh  DONG" and query.active
    assert query.keeps("UBND huyện Đông Anh")
    assert not query.keeps("UBND huyện Đông Triều")


def test_a_filter_keeps_rows_with_the_chosen_value_or_one_of_their_values():
    query = ListQuery.read({"trang-thai": "da-gui", "nam": "2024"}, [STATUS, YEAR])
    assert query.chosen("trang-thai") == "da-gui" and query.chosen("nam") == "2024"
    assert query.keeps("x", {"trang-thai": "da-gui", "nam": "2024"})
    assert query.keeps("x", {"trang-thai": "da-gui", "nam": {"2023", "2024"}})
    assert not query.keeps("x", {"trang-thai": "nhap", "nam": "2024"})
    assert not query.keeps("x", {"trang-thai": "da-gui"})  # a row without the value is not kept


def test_unknown_values_are_ignored_and_nothing_chosen_keeps_everything():
    query = ListQuery.read({"trang-thai": "<script>", "nam": ""}, [STATUS, YEAR])
    assert not query.active
    assert query.chosen("trang-thai") == "" and query.keeps("bất kỳ")


def test_the_search_text_is_bounded():
    assert len(ListQuery.read({"tim": "a" * 5000}, []).text) == 200


def test_carried_parameters_stay_in_the_form_and_in_the_reset_link():
    query = ListQuery.read({"phien-ban": "2", "tim": "Kim", "khac": "x"}, [STATUS], carry=("phien-ban",))
    assert query.carried == (("phien-ban", "2"),)
    assert query.reset == "?phien-ban=2"
    assert ListQuery.read({}, [STATUS]).reset == "?"


def test_the_form_shows_the_search_the_filters_and_the_count():
    query = ListQuery.read({"tim": "Đông", "nam": "2024", "phien-ban": "3"}, [STATUS, YEAR], carry=("phien-ban",))
    html = render_to_string(
        "core/_filters.html",
        {"query": query, "shown": 2, "total": 40, "placeholder": "Tên đơn vị"},
        request=RequestFactory().get("/"),
    )
    assert '<form class="filters" method="get" role="search">' in html
    assert '<input type="hidden" name="phien-ban" value="3">' in html
    assert 'name="tim" value="Đông" placeholder="Tên đơn vị"' in html
    assert '<option value="2024" selected>2024</option>' in html
    assert '<option value="">Tất cả</option>' in html
    assert 'href="?phien-ban=3">Bỏ lọc</a>' in html
    assert "Đang hiện 2 trên 40." in html


def test_without_a_search_the_form_has_no_reset_link_and_no_count():
    html = render_to_string("core/_filters.html", {"query": ListQuery.read({}, [YEAR]), "shown": 5, "total": 5})
    assert "Bỏ lọc" not in html and "Đang hiện" not in html


def test_select_all_names_its_checkboxes():
    html = render_to_string("core/_select_all.html", {"name": "units"})
    assert '<input type="checkbox" data-select-all="units"> Chọn tất cả' in html
