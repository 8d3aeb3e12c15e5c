"""Past figures through renames, merges and splits; the checks of a recorded change."""

from __future__ import annotations

import datetime
from decimal import Decimal

from dti.engine import (
    Incomparable,
    LineageKind,
    Link,
    PastRule,
    PastScores,
    fate,
    find_cycle,
    link_problems,
    mean_scores,
    trace,
    unmatched,
)

D = Decimal
JULY_2025 = datetime.date(2025, 7, 1)
END_2024 = datetime.date(2024, 12, 31)


def past(name: str, total: str | None, indices: dict[str, str | None], rank: int | None = 1) -> PastScores:
    return PastScores(
        units=(name,),
        total=None if total is None else D(total),
        indices={c: None if v is None else D(v) for c, v in indices.items()},
        items={},
        rank=rank,
    )


FOUND = {
    "Tỉnh Ninh Bình": past("Tỉnh Ninh Bình", "0.5123", {"CQS": "0.4444", "KTS": "0.3001"}, 12),
    "Tỉnh Hà Nam": past("Tỉnh Hà Nam", "0.4877", {"CQS": "0.5555", "KTS": "0.3002"}, 20),
    "Tỉnh Nam Định": past("Tỉnh Nam Định", "0.4000", {"CQS": "0.3334", "KTS": None}, 30),
    "Huyện Cũ": past("Huyện Cũ", "700", {"I": "70"}, 3),
}


def test_a_merged_unit_has_the_mean_of_its_predecessors_rounded_half_up_and_no_rank() -> None:
    merge = Link(LineageKind.MERGE, JULY_2025, ("Tỉnh Ninh Bình", "Tỉnh Hà Nam", "Tỉnh Nam Định"), ("Tỉnh Ninh Bình",))
    got = trace("Tỉnh Ninh Bình", [merge], FOUND, since=END_2024, precision=4, year=2024)
    assert isinstance(got, PastScores)
    # (0.5123 + 0.4877 + 0.4000) / 3 = 0.46666… → 0.4667; (0.4444 + 0.5555 + 0.3334) / 3 = 0.4444333… → 0.4444
    assert got.total == D("0.4667")
    assert got.indices["CQS"] == D("0.4444")
    assert got.indices["KTS"] is None  # Nam Định has no KTS: no mean is invented
    assert got.rank is None and got.mean
    assert got.units == ("Tỉnh Ninh Bình", "Tỉnh Hà Nam", "Tỉnh Nam Định")
    assert "Bình quân của Tỉnh Ninh Bình, Tỉnh Hà Nam, Tỉnh Nam Định" in got.note and "01/07/2025" in got.note


def test_the_mean_rounds_half_up_not_to_even() -> None:
    parts = [past("A", "1.00", {}), past("B", "1.05", {})]  # 1.025 → 1.03 (banker's rounding would give 1.02)
    assert mean_scores(parts, 2).total == D("1.03")


def test_a_merge_set_to_no_comparison_says_so() -> None:
    merge = Link(LineageKind.MERGE, JULY_2025, ("Tỉnh Hà Nam", "Tỉnh Nam Định"), ("Tỉnh Mới",), PastRule.NONE)
    got = trace("Tỉnh Mới", [merge], FOUND, since=END_2024, precision=4, year=2024)
    assert isinstance(got, Incomparable) and "không so sánh" in got.reason


def test_a_renamed_unit_keeps_its_old_figures_and_rank() -> None:
    rename = Link(LineageKind.RENAME, datetime.date(2025, 1, 1), ("Huyện Cũ",), ("Thị xã Mới",))
    got = trace("Thị xã Mới", [rename], FOUND, since=END_2024, precision=2, year=2024)
    assert isinstance(got, PastScores)
    assert (got.total, got.rank, got.mean) == (D("700"), 3, False)
    assert "Huyện Cũ" in got.note and "01/01/2025" in got.note


def test_a_change_before_that_year_ended_is_not_followed() -> None:
    rename = Link(LineageKind.RENAME, datetime.date(2024, 3, 1), ("Huyện Cũ",), ("Thị xã Mới",))
    got = trace("Thị xã Mới", [rename], FOUND, since=END_2024, precision=2, year=2024)
    assert got == Incomparable("Thị xã Mới không có kết quả năm 2024.", absent=True)


def test_a_split_cannot_be_compared() -> None:
    split = Link(LineageKind.SPLIT, JULY_2025, ("Huyện Cũ",), ("Xã A", "Xã B"))
    got = trace("Xã A", [split], FOUND, since=END_2024, precision=2, year=2024)
    assert isinstance(got, Incomparable)
    assert "chia tách Huyện Cũ" in got.reason and "không so sánh được" in got.reason and not got.absent


def test_a_unit_without_predecessors_or_results_cannot_be_compared() -> None:
    got = trace("Phường Mới", [], FOUND, since=END_2024, precision=2, year=2024)
    assert got == Incomparable("Phường Mới không có kết quả năm 2024.", absent=True)


def test_a_merge_with_a_predecessor_missing_that_year_names_it() -> None:
    merge = Link(LineageKind.MERGE, JULY_2025, ("Tỉnh Hà Nam", "Tỉnh Vắng"), ("Tỉnh Mới",))
    got = trace("Tỉnh Mới", [merge], FOUND, since=END_2024, precision=4, year=2024)
    assert got == Incomparable("Tỉnh Vắng không có kết quả năm 2024.", absent=True)


def test_two_changes_are_followed_back() -> None:
    first = Link(LineageKind.RENAME, datetime.date(2025, 1, 1), ("Huyện Cũ",), ("Huyện Giữa",))
    second = Link(LineageKind.MERGE, JULY_2025, ("Huyện Giữa", "Tỉnh Hà Nam"), ("Vùng Mới",))
    got = trace("Vùng Mới", [first, second], FOUND, since=END_2024, precision=2, year=2024)
    assert isinstance(got, PastScores) and got.mean
    assert got.total == D("350.24")  # (700 + 0,4877) / 2 = 350,24385


def test_unmatched_names_both_sides() -> None:
    assert unmatched(["I", "II", "III"], ["I", "II", "IV"], {"I": "I", "II": "II"}) == (["IV"], ["III"])


def test_find_cycle() -> None:
    assert find_cycle({"A": ["B"], "B": ["C"]}) is None
    assert find_cycle({"A": ["B"], "B": ["C"], "C": ["A"]}) == ["A", "B", "C", "A"]


def test_link_problems_kinds_and_self() -> None:
    assert link_problems(Link(LineageKind.RENAME, JULY_2025, ("A",), ("A",)), []) == [
        "Đơn vị A không thể tự kế thừa chính mình."
    ]
    assert link_problems(Link(LineageKind.MERGE, JULY_2025, ("A",), ("B",)), []) == [
        "Hợp nhất: từ hai đơn vị trở lên thành một đơn vị."
    ]
    assert link_problems(Link(LineageKind.SPLIT, JULY_2025, ("A",), ("B",)), []) == [
        "Chia tách: một đơn vị thành hai đơn vị trở lên."
    ]
    assert link_problems(Link(LineageKind.RENAME, JULY_2025, (), ("B",)), []) == [
        "Cần chọn đơn vị trước và đơn vị sau khi thay đổi."
    ]
    # a merge keeping one predecessor's name is allowed
    assert link_problems(Link(LineageKind.MERGE, JULY_2025, ("A", "B"), ("A",)), []) == []


def test_link_problems_cycle_and_dates() -> None:
    earlier = Link(LineageKind.RENAME, datetime.date(2020, 1, 1), ("A",), ("B",))
    back = Link(LineageKind.RENAME, datetime.date(2021, 1, 1), ("B",), ("A",))
    assert link_problems(back, [earlier]) == ["Tạo thành vòng lặp kế thừa: A → B → A."]
    too_soon = Link(LineageKind.RENAME, datetime.date(2019, 1, 1), ("B",), ("C",))
    assert link_problems(too_soon, [earlier]) == ["B chỉ hình thành từ ngày 01/01/2020, sau ngày hiệu lực 01/01/2019."]
    assert link_problems(Link(LineageKind.RENAME, datetime.date(2019, 1, 1), ("Z",), ("A",)), [earlier]) == []
    too_late = Link(LineageKind.RENAME, datetime.date(2021, 1, 1), ("Z",), ("A",))
    assert link_problems(too_late, [earlier]) == [
        "A đã thay đổi tiếp từ ngày 01/01/2020, trước ngày hiệu lực 01/01/2021."
    ]
    fine = Link(LineageKind.RENAME, datetime.date(2022, 1, 1), ("B",), ("C",))
    assert link_problems(fine, [earlier]) == []


def test_fate_says_what_became_of_a_unit() -> None:
    merge = Link(LineageKind.MERGE, JULY_2025, ("Tỉnh Hà Nam", "Tỉnh Ninh Bình"), ("Tỉnh Ninh Bình",))
    assert fate("Tỉnh Hà Nam", [merge], until=datetime.date(2025, 12, 31)) == (
        "hợp nhất vào Tỉnh Ninh Bình từ ngày 01/07/2025"
    )
    assert fate("Tỉnh Hà Nam", [merge], until=END_2024) == ""  # not yet
    assert fate("Tỉnh Ninh Bình", [merge], until=datetime.date(2025, 12, 31)) == ""  # it continues
