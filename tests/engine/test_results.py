"""Results files (one row per unit) and the UnitResult a row stands for."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from dti.engine.errors import InputError
from dti.engine.loader import parse_framework
from dti.engine.model import Framework
from dti.engine.results import NA_VALUE, read_results, row_result
from dti.engine.scoring import Status

FRAMEWORK = """
format: dti/1
code: thu-ket-qua
name: Bộ chỉ số thử (kết quả)
level: huyen
year: 2023
max: 40
indices:
  - code: "1"
    name: Một
    max: 20
    indicators:
      - {code: "1.1", name: A, max: 10, scoring: {method: manual}}
      - {code: "1.2", name: B, max: 10, scoring: {method: manual}}
  - code: "2"
    name: Hai
    max: 20
    groups:
      - code: "2.1"
        name: Nhóm
        indicators:
          - {code: "2.1.1", name: C, max: 10, scoring: {method: manual}}
          - {code: "2.1.2", name: D, max: 10, scoring: {method: manual}}
"""


@pytest.fixture(scope="module")
def fw() -> Framework:
    return parse_framework(FRAMEWORK, file="thu.yaml")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def D(text: str) -> Decimal:
    return Decimal(text)


def test_read_results_columns(fw: Framework, tmp_path: Path) -> None:
    text = (
        "Đơn vị,Nhóm,1.1,1.2,1,2.1.1,2.1.2,2.1,2,Tổng điểm,Tỷ lệ (%),Xếp hạng\n"
        'UBND huyện A,huyen,10,"9,5","19,5",8,7,15,15,"34,5","86,25",1\n'
    )
    table = read_results(fw, write(tmp_path / "kq.csv", text))
    assert table.unknown == [] and table.duplicates == []
    (row,) = table.rows
    assert (row.unit, row.group, row.number) == ("UBND huyện A", "huyen", 2)
    assert row.scores == {
        "1.1": D("10"),
        "1.2": D("9.5"),
        "1": D("19.5"),
        "2.1.1": D("8"),
        "2.1.2": D("7"),
        "2.1": D("15"),
        "2": D("15"),
    }
    assert row.published == {"total": D("34.5"), "percent": D("86.25"), "rank": D("1")}
    assert row.places["1.2"] == "dòng 2, cột D (1.2)"
    assert row.places["total"] == "dòng 2, cột J (total)"
    assert row.decimals["1.2"] == 1 and row.decimals["percent"] == 2 and row.decimals["1.1"] == 0


def test_unknown_code_columns_are_listed_with_their_place(fw: Framework, tmp_path: Path) -> None:
    table = read_results(fw, write(tmp_path / "kq.csv", "unit,1,2,9.9,ghi chú\nA,20,10,1,x\n"))
    assert table.unknown == [("9.9", "dòng 1, cột D"), ("ghi chú", "dòng 1, cột E")]
    assert table.rows[0].scores == {"1": D("20"), "2": D("10")}


def test_reserved_columns_are_not_codes(fw: Framework, tmp_path: Path) -> None:
    table = read_results(fw, write(tmp_path / "kq.csv", "STT,unit,type,1,2\n1,A,huyen,20,10\n"))
    assert table.unknown == []


def test_duplicate_unit_is_kept_once_and_reported(fw: Framework, tmp_path: Path) -> None:
    table = read_results(fw, write(tmp_path / "kq.csv", "unit,1,2\nA,20,10\nB,5,5\n A ,1,1\n"))
    assert [r.unit for r in table.rows] == ["A", "B"]
    assert table.rows[0].scores["1"] == D("20")
    assert table.duplicates == [("A", "dòng 4")]


@pytest.mark.parametrize("mark", ["N/A", "n/a", "KAD", "-", "NA", "Không áp dụng"])
def test_na_cells(fw: Framework, tmp_path: Path, mark: str) -> None:
    table = read_results(fw, write(tmp_path / "kq.csv", f"unit,1.1,1.2\nA,10,{mark}\n"))
    assert table.rows[0].scores == {"1.1": D("10"), "1.2": NA_VALUE}


def test_empty_cell_is_not_published(fw: Framework, tmp_path: Path) -> None:
    table = read_results(fw, write(tmp_path / "kq.csv", "unit,1.1,1.2,total\nA,10,,\n"))
    assert table.rows[0].scores == {"1.1": D("10")}
    assert table.rows[0].published == {}


def test_max_columns(fw: Framework, tmp_path: Path) -> None:
    table = read_results(fw, write(tmp_path / "kq.csv", "unit,1.1,1.2,2,max:1,max:total\nA,10,N/A,10,10,30\n"))
    row = table.rows[0]
    assert row.maxima == {"1": D("10"), "total": D("30")}
    assert "max:1" not in row.scores
    assert table.unknown == []


def test_max_column_of_unknown_code(fw: Framework, tmp_path: Path) -> None:
    table = read_results(fw, write(tmp_path / "kq.csv", "unit,1,max:9\nA,10,10\n"))
    assert table.unknown == [("max:9", "dòng 1, cột C")]


def test_max_cell_cannot_be_na(fw: Framework, tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_results(fw, write(tmp_path / "kq.csv", "unit,1,max:1\nA,10,N/A\n"))
    assert info.value.place == "dòng 2, cột C (max:1)"


def test_published_total_cannot_be_na(fw: Framework, tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_results(fw, write(tmp_path / "kq.csv", "unit,1,2,total\nA,10,10,N/A\n"))
    assert info.value.place == "dòng 2, cột D (total)"


def test_text_in_a_score_cell_names_the_place(fw: Framework, tmp_path: Path) -> None:
    path = write(tmp_path / "kq.csv", "unit,1,2\nA,20,10\nB,mười,10\n")
    with pytest.raises(InputError) as info:
        read_results(fw, path)
    assert info.value.place == "dòng 3, cột B (1)"
    assert str(info.value).startswith(f"{path}, dòng 3, cột B (1): ")


def test_ambiguous_number_is_refused(fw: Framework, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="hai cách"):
        read_results(fw, write(tmp_path / "kq.csv", 'unit,1,total\nA,10,"605,210"\n'))


def test_missing_unit_column(fw: Framework, tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_results(fw, write(tmp_path / "kq.csv", "name,1,2\nA,20,10\n"))
    assert info.value.place == "dòng tiêu đề"
    assert "'unit'" in info.value.message


def test_missing_unit_name(fw: Framework, tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_results(fw, write(tmp_path / "kq.csv", "unit,1,2\nA,20,10\n,5,5\n"))
    assert info.value.place == "dòng 3"


def test_read_results_xlsx_typed(fw: Framework, tmp_path: Path) -> None:
    path = tmp_path / "kq.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    ws.append(["Tên đơn vị", "1", "2", "Tổng điểm", "Xếp hạng"])
    ws.append(["UBND huyện A", 19.5, 15, 34.5, 1])
    ws.append(["UBND huyện B", 10, "N/A", 10, 2])
    wb.save(path)
    table = read_results(fw, path)
    a, b = table.rows
    assert a.scores == {"1": D("19.5"), "2": D("15")}
    assert a.published == {"total": D("34.5"), "rank": D("1")}
    assert a.decimals["1"] == 1
    assert b.scores["2"] == NA_VALUE
    assert a.places["1"] == "trang 'Tổng hợp', dòng 2, cột B (1)"


# --- row_result ----------------------------------------------------------------------------


def _row(fw: Framework, tmp_path: Path, header: str, line: str):
    return read_results(fw, write(tmp_path / "kq.csv", f"unit,{header}\nA,{line}\n")).rows[0]


def test_levels_not_given_are_summed_from_below(fw: Framework, tmp_path: Path) -> None:
    row = _row(fw, tmp_path, "1.1,1.2,2.1.1,2.1.2", '10,"9,5",8,7')
    result = row_result(fw, row)
    assert result.indices == {"1": D("19.5"), "2": D("15")}
    assert result.total == D("34.5")
    assert result.max == D("40")
    assert result.percent == D("86.25")
    assert result.items["1.2"].status is Status.GIVEN
    assert result.items["1.2"].score == D("9.5")


def test_given_group_is_used_for_its_index(fw: Framework, tmp_path: Path) -> None:
    result = row_result(fw, _row(fw, tmp_path, "1,2.1", "20,12"))
    assert result.indices == {"1": D("20"), "2": D("12")}
    assert result.total == D("32")


def test_given_index_wins_over_its_parts(fw: Framework, tmp_path: Path) -> None:
    # A published index is taken as published (check_table compares it with its parts).
    result = row_result(fw, _row(fw, tmp_path, "1.1,1.2,1,2", "10,9,20,10"))
    assert result.indices["1"] == D("20")
    assert result.total == D("30")


def test_index_without_any_value_is_unknown(fw: Framework, tmp_path: Path) -> None:
    result = row_result(fw, _row(fw, tmp_path, "1", "20"))
    assert result.indices["1"] == D("20")
    assert result.indices["2"] is None


def test_na_lowers_the_applicable_max(fw: Framework, tmp_path: Path) -> None:
    result = row_result(fw, _row(fw, tmp_path, "1.1,1.2,2.1.1,2.1.2", "10,N/A,10,KAD"))
    assert result.items["1.2"].status is Status.NA
    assert result.indices == {"1": D("10"), "2": D("10")}
    assert result.index_max == {"1": D("10"), "2": D("10")}
    assert result.max == D("20")
    assert result.percent == D("100")


def test_na_with_published_index_still_lowers_the_max(fw: Framework, tmp_path: Path) -> None:
    result = row_result(fw, _row(fw, tmp_path, "1.1,1.2,1,2", "8,N/A,8,20"))
    assert result.index_max["1"] == D("10")
    assert result.max == D("30")


def test_max_columns_override(fw: Framework, tmp_path: Path) -> None:
    result = row_result(fw, _row(fw, tmp_path, "1,2,max:1,max:total", "10,10,15,35"))
    assert result.index_max["1"] == D("15")
    assert result.index_max["2"] == D("20")
    assert result.max == D("35")
    assert result.total == D("20")
    assert result.percent is not None
    assert round(result.percent, 2) == D("57.14")
