"""`previous_figures`: a unit's figures of the previous published year, through its changes and the code mapping."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dti.history.selectors import NoComparison, Previous, previous_figures
from tests.history.conftest import unit

D = Decimal


def test_a_merged_unit_compares_with_the_mean_of_its_predecessors(history: dict[str, Any]) -> None:
    got = previous_figures(history["campaigns"][2024], unit("UBND huyện Một"))
    assert isinstance(got, Previous)
    assert got.year == 2023 and got.unit is None and got.scores.mean and got.scores.rank is None
    # (33,5 + 25,23) / 2 = 29,365 → 29,37 half-up; I: (17,5 + 15,23) / 2 = 16,365 → 16,37; II: (16 + 10) / 2 = 13
    assert got.scores.total == D("29.37")
    assert got.scores.indices == {"I": D("16.37"), "II": D("13.00")}
    assert got.scores.units == ("UBND huyện Ba", "UBND huyện Một")  # predecessors in name order
    assert "Bình quân của UBND huyện Ba, UBND huyện Một" in got.note and "01/01/2024" in got.note
    # as a snapshot unit record for the report builders: the means as decimal strings, no rank
    assert got.source_unit == "UBND huyện Ba"
    assert got.figures["unit"] == got.note and got.figures["rank"] is None
    assert (got.figures["total"], got.figures["indices"]) == ("29.37", {"I": "16.37", "II": "13.00"})
    assert got.figures["items"]["I.2"] == "6.37"  # (7,5 + 5,23) / 2 = 6,365 → 6,37


def test_the_code_mapping_between_the_two_frameworks_names_what_has_no_counterpart(history: dict[str, Any]) -> None:
    got = previous_figures(history["campaigns"][2024], unit("UBND huyện Một"))
    assert isinstance(got, Previous)
    assert got.pairs.mapping == {"I": "I", "III": "II", "I.1": "I.1", "I.2": "I.2", "III.1": "II.1"}
    assert got.pairs.new_only == ["III.2"] and got.pairs.old_only == ["II.2"]
    assert not got.pairs.saved


def test_a_renamed_unit_compares_with_its_old_name_and_rank(history: dict[str, Any]) -> None:
    got = previous_figures(history["campaigns"][2024], unit("UBND thị xã Hai"))
    assert isinstance(got, Previous)
    assert got.unit == "UBND huyện Hai" and got.scores.rank == 3 and got.group_size == 4
    assert got.scores.total == D("19.00") and not got.scores.mean
    assert got.snapshot == got.publication.snapshot and got.publication.campaign == history["campaigns"][2023]
    assert got.figures["unit"] == "UBND huyện Hai" and got.figures["total"] == "19.00" and got.figures["rank"] == 3
    assert "UBND huyện Hai" in got.note


def test_a_split_unit_cannot_be_compared(history: dict[str, Any]) -> None:
    got = previous_figures(history["campaigns"][2024], unit("Xã Năm"))
    assert isinstance(got, NoComparison) and got.year == 2023
    assert "chia tách UBND huyện Bốn" in got.reason and "không so sánh được" in got.reason


def test_the_same_unit_under_the_same_name(history: dict[str, Any]) -> None:
    got = previous_figures(history["campaigns"][2023], unit("UBND huyện Hai"))
    assert isinstance(got, Previous) and got.year == 2022 and got.note == ""
    assert (got.unit, got.scores.total, got.scores.rank) == ("UBND huyện Hai", D("20.00"), 2)
    assert got.pairs.new_only == [] and got.pairs.old_only == []


def test_no_earlier_year(history: dict[str, Any]) -> None:
    got = previous_figures(history["campaigns"][2022], unit("UBND huyện Một"))
    assert got == NoComparison("Chưa có kết quả công bố nào trước năm 2022 để so sánh.")


def test_a_unit_absent_from_the_previous_year(history: dict[str, Any]) -> None:
    got = previous_figures(history["campaigns"][2023], unit("UBND huyện Bốn"))
    assert got == NoComparison("UBND huyện Bốn không có kết quả năm 2022.", 2022)


def test_constant_queries(history: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(10):
        previous_figures(history["campaigns"][2024], unit("UBND huyện Một"))
