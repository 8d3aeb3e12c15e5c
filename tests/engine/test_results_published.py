"""Results files that carry what was published: ranks of a larger set, derived figures, 0–1 values."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dti.engine import (
    Framework,
    InputError,
    column_ranks,
    load_framework,
    rank_results,
    ranked_value,
    read_results,
    row_result,
)
from dti.results.snapshot import unit_part
from tests.engine.conftest import FRAMEWORKS, D
from tests.files import write_csv

# Eleven provinces of one region out of the 63 ranked nationally (figures shaped as the national
# tables print them: indices on the 0–1 scale with 4 decimals, DTI and pillars, national ranks).
REGION = """\
unit,type,value:1,value:2,value:3,value:4,value:5,value:7,value:8,value:9,DTI,CQS,KTS,XHS,rank,rank:CQS
Thái Nguyên,tinh,0.7623,0.3488,0.8070,0.4687,0.7066,0.7355,0.6502,0.5573,0.6376,0.6521,0.6260,0.6045,3,2
Bắc Kạn,tinh,0.4014,0.4828,0.8166,0.8139,0.7775,0.3506,0.7727,0.7796,0.6322,0.5705,0.6848,0.6864,9,30
Bắc Giang,tinh,0.3670,0.7705,0.5459,0.7302,0.7055,0.5813,0.6676,0.5358,0.6087,0.6117,0.6339,0.6035,14,12
Yên Bái,tinh,0.7764,0.7679,0.8233,0.4539,0.6050,0.3798,0.7487,0.3514,0.5836,0.5980,0.6999,0.6082,20,25
Phú Thọ,tinh,0.6814,0.7796,0.6712,0.5962,0.5455,0.5035,0.4472,0.4999,0.5702,0.6116,0.6069,0.6190,27,19
Tuyên Quang,tinh,0.4181,0.7429,0.3964,0.7676,0.5527,0.7589,0.4480,0.3844,0.5644,0.6279,0.5461,0.5314,31,7
Lào Cai,tinh,0.6425,0.3572,0.4971,0.3743,0.7514,0.6477,0.3484,0.7632,0.5585,0.5597,0.4839,0.5796,38,36
Hòa Bình,tinh,0.7988,0.3599,0.3967,0.7193,0.6425,0.4351,0.5802,0.4245,0.5294,0.5411,0.5827,0.5468,44,41
Hà Giang,tinh,0.5652,0.4235,0.6234,0.8332,0.3395,0.3593,0.7389,0.3771,0.5177,0.5005,0.5989,0.5155,50,55
Lạng Sơn,tinh,0.6249,0.3406,0.4811,0.3381,0.7560,0.4090,0.5372,0.6433,0.5129,0.4798,0.5148,0.5393,57,60
Cao Bằng,tinh,0.5995,0.7774,0.3475,0.7156,0.4758,0.3307,0.3704,0.6552,0.5116,0.5110,0.5341,0.5998,61,49
"""


@pytest.fixture(scope="module")
def national() -> Framework:
    return load_framework(FRAMEWORKS / "quoc-gia-2022-tinh.yaml")


def test_published_columns_are_kept_as_the_file_names_them(national: Framework, tmp_path: Path) -> None:
    table = read_results(national, write_csv(tmp_path / "vung.csv", REGION))
    assert table.unknown == [] and table.duplicates == []
    first = table.rows[0]
    assert first.unit == "Thái Nguyên"
    assert first.published["rank"] == 3
    assert first.published["rank:CQS"] == 2
    assert (first.published["DTI"], first.published["CQS"]) == (D("0.6376"), D("0.6521"))
    assert first.published["value:3"] == D("0.8070")
    assert first.decimals["value:3"] == 4  # the printed decimals: the tolerance `check` allows
    assert first.places["rank:CQS"] == "dòng 2, cột P (rank:CQS)"
    assert first.scores == {}


def test_an_index_given_on_the_0_1_scale_is_value_times_max(national: Framework, tmp_path: Path) -> None:
    table = read_results(national, write_csv(tmp_path / "vung.csv", REGION))
    result = row_result(national, table.rows[0])
    assert result.indices["1"] == D("76.2300")  # 0,7623 × 100
    assert result.indices["7"] == D("147.1000")  # 0,7355 × 200
    assert result.indices["8"] == D("97.5300")  # 0,6502 × 150
    assert result.indices["6"] is None  # reference only: nothing given
    assert result.total == sum((result.indices[c] or D(0) for c in "12345789"), D(0))
    assert result.published == table.rows[0].published


def test_value_of_an_index_uses_the_units_lowered_max(national: Framework, tmp_path: Path) -> None:
    table = read_results(national, write_csv(tmp_path / "kq.csv", 'unit,value:7,max:7\nA,"0,5",180\n'))
    assert row_result(national, table.rows[0]).indices["7"] == D("90.0")


def test_a_given_index_score_wins_over_its_value(national: Framework, tmp_path: Path) -> None:
    table = read_results(national, write_csv(tmp_path / "kq.csv", 'unit,1,value:1\nA,"70,5","0,7050"\n'))
    assert row_result(national, table.rows[0]).indices["1"] == D("70.5")


@pytest.mark.parametrize("column", ["rank:X", "value:CQS", "percent:DTI", "rank:", "DTI2"])
def test_published_columns_of_unknown_codes_are_unknown(national: Framework, tmp_path: Path, column: str) -> None:
    table = read_results(national, write_csv(tmp_path / "kq.csv", f"unit,1,{column}\nA,50,1\n"))
    assert table.unknown == [(column, "dòng 1, cột C")]


def test_rank_percent_and_value_columns_of_an_index(national: Framework, tmp_path: Path) -> None:
    text = 'unit,1,percent:1,rank:1,Rank:2,value:2\nA,50,50,3,4,"0,6"\n'
    table = read_results(national, write_csv(tmp_path / "kq.csv", text))
    assert table.rows[0].published == {"percent:1": 50, "rank:1": 3, "rank:2": 4, "value:2": D("0.6")}


def test_a_published_figure_cannot_be_na_or_text(national: Framework, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"dòng 2, cột B \(DTI\)"):
        read_results(national, write_csv(tmp_path / "kq.csv", "unit,DTI\nA,N/A\n"))
    with pytest.raises(InputError, match=r"dòng 2, cột B \(rank:CQS\).*'ba'"):
        read_results(national, write_csv(tmp_path / "kq.csv", "unit,rank:CQS\nA,ba\n"))


def test_class_column_is_read_as_published_text(tmp_path: Path) -> None:
    fw = load_framework(FRAMEWORKS / "bac-ninh-2023-huyen.yaml")
    table = read_results(fw, write_csv(tmp_path / "kq.csv", "Đơn vị,Xếp loại\nA,Tốt\n"))
    assert table.unknown == []
    assert table.rows[0].classification == "Tốt"


def test_ranked_value_of_each_rank_column(national: Framework, tmp_path: Path) -> None:
    table = read_results(national, write_csv(tmp_path / "vung.csv", REGION))
    result = row_result(national, table.rows[0])
    assert ranked_value(national, result, "rank") == D("63.76")  # percent of 1000, at 2 decimals
    assert ranked_value(national, result, "rank:CQS") == D("0.6521")  # the published pillar
    assert ranked_value(national, result, "rank:1") == D("76.23")  # the index's percent (ranking by percent)
    del result.published["CQS"]
    assert ranked_value(national, result, "rank:CQS") == D("0.6521")  # computed from the indices


def test_ranked_value_by_points_when_the_framework_ranks_by_total(tmp_path: Path) -> None:
    fw = load_framework(FRAMEWORKS / "ninh-binh-2023-huyen.yaml")
    table = read_results(fw, write_csv(tmp_path / "kq.csv", "unit,1,2\nA,50.1250,30\n"))
    result = row_result(fw, table.rows[0])
    assert ranked_value(fw, result, "rank:1") == D("50.13")  # half-up at the precision
    assert ranked_value(fw, result, "rank") is None  # the total is not known: indices missing


def test_ranks_within_the_file_beside_the_published_ones(national: Framework, tmp_path: Path) -> None:
    table = read_results(national, write_csv(tmp_path / "vung.csv", REGION))
    results = [row_result(national, row) for row in table.rows]
    rank_results(national, results)
    assert [r.rank for r in results] == list(range(1, 12))
    by_cqs = column_ranks(national, results, "rank:CQS")
    published = [int(r.published["rank:CQS"]) for r in results]
    assert sorted(by_cqs, key=lambda rank: rank or 0) == list(range(1, 12))
    assert [sorted(published).index(p) + 1 for p in published] == by_cqs


def test_snapshot_unit_carries_what_was_published(national: Framework, tmp_path: Path) -> None:
    table = read_results(national, write_csv(tmp_path / "vung.csv", REGION))
    result = row_result(national, table.rows[0])
    rank_results(national, [result])
    part = unit_part(national, result, None, "tinh")
    assert part["published"]["rank"] == "3"
    assert part["published"]["rank:CQS"] == "2"
    assert part["published"]["DTI"] == "0.6376"
    assert part["published"]["value:3"] == "0.8070"
    assert part["derived"]["DTI"] == "0.6376"  # as computed, beside


def test_snapshot_unit_without_published_figures_has_no_key(tmp_path: Path) -> None:
    fw = load_framework(FRAMEWORKS / "ninh-binh-2023-huyen.yaml")
    table = read_results(fw, write_csv(tmp_path / "kq.csv", "unit,1\nA,50\n"))
    assert "published" not in unit_part(fw, row_result(fw, table.rows[0]), None, None)


def test_decimal_strings_keep_their_value(national: Framework, tmp_path: Path) -> None:
    table = read_results(national, write_csv(tmp_path / "kq.csv", 'unit,DTI\nA,"0,60"\n'))
    result = row_result(national, table.rows[0])
    assert Decimal(unit_part(national, result, None, None)["published"]["DTI"]) == D("0.6")


@pytest.mark.parametrize(("column", "value"), [("rank", "0"), ("rank", '"2,5"'), ("rank:CQS", "-1")])
def test_a_published_rank_is_a_positive_whole_number(
    national: Framework, tmp_path: Path, column: str, value: str
) -> None:
    with pytest.raises(InputError, match=rf"dòng 2, cột B \({column}\): xếp hạng '.*' phải là số nguyên dương"):
        read_results(national, write_csv(tmp_path / "kq.csv", f"unit,{column}\nA,{value}\n"))
