"""Reading CSV and XLSX within fixed limits (engine/tables.py): each hostile file is built here,
tiny on disk, and refused quickly with a Vietnamese message naming the limit; the time and
memory of reading are measured in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from dti.engine import InputError, read_table, tables
from dti.engine.tables import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, read_sheets
from tests.files import MAIN_NS, PACKAGE_PARTS, hand_xlsx, hostile_xlsx, sheet_xml, write_csv, write_xlsx, write_zip

MEASURE = """
import re, sys, time
from dti.engine import InputError, read_table
start = time.process_time()
try:
    outcome = f"{len(read_table(sys.argv[1]).rows)} dòng"
except InputError as exc:
    outcome = exc.message
print(outcome)
print(time.process_time() - start)
print(int(re.search(r"VmHWM:\\s*(\\d+)", open("/proc/self/status").read())[1]) // 1024)
"""


def measured(path: Path) -> tuple[str, float, int]:
    """What reading `path` in a fresh process gives (rows read or the refusal), its CPU seconds
    and the process's peak resident memory in MB (VmHWM, imports included; a child's ru_maxrss
    would count the forked test process)."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, timeout=120, check=True
    )
    outcome, seconds, megabytes = done.stdout.splitlines()[-3:]
    return outcome, float(seconds), int(megabytes)


def refused(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        read_table(path)
    assert info.value.file == str(path)
    return info.value


def text_cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER = f'<row r="1">{text_cell("A1", "unit")}{text_cell("B1", "value")}</row>'


# --- XLSX: the hostile files of issue 10 ------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("cell", "tệp giải nén ra hơn 100 MB (thành phần 'xl/sharedStrings.xml')"),
        ("sheet", "tệp giải nén ra hơn 100 MB (thành phần 'xl/worksheets/sheet1.xml')"),
        ("bomb", "của thành phần 'xl/worksheets/sheet1.xml' vượt giới hạn 100:1"),
        ("long-cell", "ô B2 dài hơn 32.767 ký tự"),
    ],
)
def test_a_hostile_xlsx_is_refused_quickly_and_small(tmp_path: Path, kind: str, message: str) -> None:
    path = hostile_xlsx(tmp_path / f"{kind}.xlsx", kind)
    assert path.stat().st_size < 100_000
    outcome, seconds, megabytes = measured(path)
    assert message in outcome
    assert seconds < 2 and megabytes < 200, (seconds, megabytes)


def test_the_long_cell_is_named_by_its_place(tmp_path: Path) -> None:
    error = refused(hostile_xlsx(tmp_path / "a.xlsx", "long-cell"))
    assert error.place == "trang 'Dữ liệu', dòng 2, cột B"


def test_the_ratio_names_the_member_and_the_limit(tmp_path: Path) -> None:
    error = refused(hostile_xlsx(tmp_path / "a.xlsx", "bomb"))
    assert error.message.startswith("tỷ lệ nén ") and error.message.endswith("(tệp nén bất thường)")


def test_zipfile_never_reads_a_member_past_its_declared_size(tmp_path: Path) -> None:
    """The premise of checking declared sizes first: a member that inflates to more than it
    declares gives at most its declared size, then fails its CRC check."""
    rows = (HEADER + f"<row>{text_cell('A2', 'x' * 100)}</row>" * 50_000).encode()
    path = hand_xlsx(tmp_path / "a.xlsx", sheet_xml(rows.decode()), declared={"xl/worksheets/sheet1.xml": 2_000})
    got = 0
    with (
        zipfile.ZipFile(path) as archive,
        archive.open("xl/worksheets/sheet1.xml") as member,
        pytest.raises(zipfile.BadZipFile, match="CRC"),
    ):
        while chunk := member.read(256):
            got += len(chunk)
    assert got <= 2_000
    outcome, seconds, megabytes = measured(path)
    assert "không mở được tệp Excel" in outcome
    assert seconds < 2 and megabytes < 200


def test_a_declared_dimension_pads_nothing(tmp_path: Path) -> None:
    """A 1.6 KB file declaring <dimension ref="A1:XFD1048576"/> reads as the cells it holds."""
    rows = HEADER + f'<row r="2">{text_cell("A2", "UBND huyện Một")}<c r="B2"><v>7</v></c></row>'
    path = hand_xlsx(tmp_path / "a.xlsx", sheet_xml(rows, dimension="A1:XFD1048576"))
    assert path.stat().st_size < 2_000
    table = read_table(path)
    assert [(row.number, row.text("unit"), row.cells["value"].value) for row in table.rows] == [
        (2, "UBND huyện Một", 7)
    ]
    outcome, seconds, megabytes = measured(path)
    assert outcome == "1 dòng" and seconds < 2 and megabytes < 200


def test_a_cell_past_the_columns_is_refused(tmp_path: Path) -> None:
    rows = HEADER + f'<row r="2">{text_cell("A2", "A")}<c r="XFD2"><v>1</v></c></row>'
    error = refused(hand_xlsx(tmp_path / "a.xlsx", sheet_xml(rows)))
    assert error.place == "trang 'Dữ liệu', dòng 2"
    assert error.message == "dòng có ô ở cột thứ 16.384, quá 2.000 cột"
    assert MAX_COLUMNS == 2_000


def test_a_row_past_the_rows_is_refused(tmp_path: Path) -> None:
    rows = HEADER + f'<row r="1048576">{text_cell("A1048576", "A")}</row>'
    error = refused(hand_xlsx(tmp_path / "a.xlsx", sheet_xml(rows)))
    assert (error.place, error.message) == ("trang 'Dữ liệu', dòng 1.048.576", "có hơn 150.000 dòng")
    assert MAX_ROWS == 150_000


def test_a_shared_string_too_long_is_refused_where_a_cell_uses_it(tmp_path: Path) -> None:
    strings = f'<sst xmlns="{MAIN_NS}"><si><t>unit</t></si><si><r><t>{"ư" * 40_000}</t></r></si></sst>'.encode()
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="B2" t="s"><v>1</v></c></row>'
    error = refused(hand_xlsx(tmp_path / "a.xlsx", sheet_xml(rows), strings=strings))
    assert (error.place, error.message) == ("trang 'Dữ liệu', dòng 2, cột B", "ô B2 dài hơn 32.767 ký tự")


def test_more_cells_than_the_limit_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At a lower limit, to stay quick: the same count as at 600.000 (the CSV test below uses the real one)."""
    monkeypatch.setattr(tables, "MAX_CELLS", 1_000)
    line = "".join(f"<c><v>{n}</v></c>" for n in range(100))
    error = refused(hand_xlsx(tmp_path / "a.xlsx", sheet_xml("".join(f"<row>{line}</row>" for _ in range(11)))))
    assert (error.place, error.message) == ("trang 'Dữ liệu', dòng 11", "tệp có hơn 1.000 ô")


def test_too_many_members_are_refused_before_the_directory_is_read(tmp_path: Path) -> None:
    members = {f"xl/media/{n}.bin": b"" for n in range(1_001)}
    error = refused(write_zip(tmp_path / "a.xlsx", members))
    assert error.message == "tệp Excel có hơn 1.000 thành phần nén"


def test_the_total_uncompressed_size_is_limited(tmp_path: Path) -> None:
    members = {f"xl/media/{n}.bin": os.urandom(1_000_000) for n in range(3)}  # 90:1 each, under the ratio
    path = write_zip(tmp_path / "a.xlsx", members, declared={name: 90 * 1024 * 1024 for name in members})
    assert refused(path).message == "tệp giải nén ra hơn 200 MB"


@pytest.mark.parametrize(
    ("sheet", "message"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            + sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row>'),
            "không mở được tệp Excel (tệp hỏng hoặc không phải .xlsx)",
        ),
        (sheet_xml("<x>" * 100 + "</x>" * 100), "XML lồng sâu hơn 64 mức"),
        (sheet_xml(f'<row r="1" x="{os.urandom(700_000).hex()}"/>'), "một thẻ XML dài hơn 1 MB"),
        (sheet_xml(HEADER + '<row r="2"><c r="B2"><v>12abc</v></c></row>'), "ô B2 có giá trị không đọc được"),
        (sheet_xml('<row r="5"/><row r="3"/>'), "các dòng không theo thứ tự"),
        (sheet_xml("not xml <"), "không mở được tệp Excel"),
    ],
    ids=["doctype-entities", "depth", "long-tag", "bad-number", "row-order", "broken-xml"],
)
def test_xml_a_sheet_cannot_hold(tmp_path: Path, sheet: bytes, message: str) -> None:
    assert message in refused(hand_xlsx(tmp_path / "a.xlsx", sheet)).message


def test_too_many_xml_elements_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At a lower limit, to stay quick: reaching 2.500.000 elements takes a few seconds."""
    monkeypatch.setattr(tables, "MAX_XML_ELEMENTS", 1_000)
    error = refused(hand_xlsx(tmp_path / "a.xlsx", sheet_xml("<e/>" * 1_000)))
    assert error.message == "tệp Excel có hơn 1.000 phần tử XML"


# --- CSV --------------------------------------------------------------------------------


def test_a_csv_over_the_file_size_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    with path.open("wb") as handle:
        handle.truncate(51 * 1024 * 1024)  # sparse: nothing written
    assert refused(path).message == "tệp lớn hơn 50 MB"


@pytest.mark.parametrize(
    ("content", "place", "message"),
    [
        ("unit,value\nA," + "x" * 40_000 + "\n", "dòng 2, cột B", "ô B2 dài hơn 32.767 ký tự"),
        ("unit,value\n" + "," * 1_100_000 + "\n", "dòng 2", "dòng dài hơn 1.000.000 ký tự"),
        ("unit,value\n" + "A" + ",1" * 2_000 + "\n", "dòng 2", "dòng có ô ở cột thứ 2.001, quá 2.000 cột"),
        ("unit\n" + "\n" * 3_000_000, "dòng 150.001", "có hơn 150.000 dòng"),
        ("\n" * 3_000_000 + "unit\nA\n", "dòng 150.001", "có hơn 150.000 dòng"),
        ('unit,value\nA,"\n' + ('",' + "," * 50_000 + '"\n') * 30 + '"\n', "dòng 2", "dòng dài hơn 1.000.000 ký tự"),
        ("unit\n" + "".join(f"{n:06d}{'ư' * 30_000}\n" for n in range(300)), "dòng 268", "hơn 8.000.000 ký tự văn bản"),
    ],
    ids=["long-cell", "long-line", "columns", "rows", "blank-rows-first", "quoted-record", "distinct-text"],
)
def test_a_hostile_csv_is_refused(tmp_path: Path, content: str, place: str, message: str) -> None:
    error = refused(write_csv(tmp_path / "a.csv", content))
    assert (error.place, message in error.message) == (place, True), error


def test_more_csv_cells_than_the_limit_are_refused(tmp_path: Path) -> None:
    rows = MAX_CELLS // 300 + 1
    path = write_csv(tmp_path / "a.csv", "\n".join([",".join(["1"] * 300)] * rows) + "\n")
    outcome, seconds, megabytes = measured(path)
    assert outcome == "tệp có hơn 600.000 ô"
    assert seconds < 2 and megabytes < 200


def test_a_csv_of_millions_of_rows_is_refused_quickly(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", "unit,value\n" + "A,1\n" * 2_000_000)
    outcome, seconds, megabytes = measured(path)
    assert outcome == "có hơn 150.000 dòng"
    assert seconds < 2 and megabytes < 200


def test_a_repeated_text_is_kept_once(tmp_path: Path) -> None:
    table = read_table(write_csv(tmp_path / "a.csv", "unit,value\n" + "UBND huyện Một,1\n" * 3))
    first, *others = [row.cells["unit"].value for row in table.rows]
    assert all(other is first for other in others)


# --- Legitimate files still read --------------------------------------------------------


def test_a_national_results_table_reads(tmp_path: Path) -> None:
    """3,500 units × 8 indicators (openpyxl's own file, shared strings): read, with places."""
    header = ["Đơn vị", *(f"I.{n}" for n in range(1, 9))]
    path = write_xlsx(tmp_path / "kq.xlsx", header, [[f"UBND xã {u}", *range(8)] for u in range(3_500)], "KQ")
    table = read_table(path)
    assert len(table.rows) == 3_500
    assert table.rows[-1].cells["I.8"].place == "trang 'KQ', dòng 3501, cột I (I.8)"
    outcome, seconds, megabytes = measured(path)
    assert outcome == "3500 dòng" and seconds < 5 and megabytes < 200


def test_a_zip64_file_is_held_to_the_counts_of_its_zip64_end_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """zipfile takes a zip64 file's member count and directory size from its zip64 end record:
    the limits are checked there too."""
    with monkeypatch.context() as patch:
        patch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 1)  # zipfile writes zip64 end records past it
        path = write_xlsx(tmp_path / "a.xlsx", ["unit"], [["UBND huyện Một"]], "S")
    data = bytearray(path.read_bytes())
    assert data.find(b"PK\x06\x06") > 0
    assert [row.text("unit") for row in read_table(path).rows] == ["UBND huyện Một"]
    data[data.find(b"PK\x06\x06") + 32 : data.find(b"PK\x06\x06") + 40] = (1_000_000).to_bytes(8, "little")
    path.write_bytes(bytes(data))
    assert refused(path).message == "tệp Excel có hơn 1.000 thành phần nén"


def test_an_encrypted_member_is_refused(tmp_path: Path) -> None:
    data = bytearray(hand_xlsx(tmp_path / "a.xlsx", sheet_xml(HEADER)).read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        data[at + 8] |= 1  # "encrypted" in each directory entry's flags
        at = data.find(b"PK\x01\x02", at + 4)
    (tmp_path / "b.xlsx").write_bytes(bytes(data))
    assert refused(tmp_path / "b.xlsx").message == "không mở được tệp Excel (tệp hỏng hoặc không phải .xlsx)"


def test_the_rows_of_all_sheets_count_together(tmp_path: Path) -> None:
    """A workbook of many sheets, each with one row at 100.000, would otherwise hold millions of blank rows."""
    sheets = "".join(f'<sheet name="S{n}" sheetId="{n}" r:id="rId{n}"/>' for n in range(1, 4))
    relations = "".join(
        f'<Relationship Id="rId{n}" Target="worksheets/sheet{n}.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
        for n in range(1, 4)
    )
    members = {name: text.encode() for name, text in PACKAGE_PARTS.items()}
    members["xl/workbook.xml"] = (
        f'<workbook xmlns="{MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<sheets>{sheets}</sheets></workbook>"
    ).encode()
    members["xl/_rels/workbook.xml.rels"] = (
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{relations}</Relationships>'
    ).encode()
    for n in range(1, 4):
        members[f"xl/worksheets/sheet{n}.xml"] = sheet_xml(f'<row r="100000">{text_cell("A100000", "x")}</row>')
    path = write_zip(tmp_path / "a.xlsx", members)
    with pytest.raises(InputError) as info:
        read_sheets(path)
    assert (info.value.place, info.value.message) == (
        "trang 'S2', dòng 100.000",
        "có hơn 150.000 dòng (cùng các trang trước)",
    )


def test_a_part_kept_whole_is_limited_in_size(tmp_path: Path) -> None:
    members = {name: text.encode() for name, text in PACKAGE_PARTS.items()}
    members["xl/workbook.xml"] += f"<!-- {os.urandom(300_000).hex()} -->".encode()  # compresses 2:1, so under 100:1
    members["xl/worksheets/sheet1.xml"] = sheet_xml(HEADER)
    path = write_zip(tmp_path / "a.xlsx", members, declared={"xl/workbook.xml": 11 * 1024 * 1024})
    assert refused(path).message == "thành phần 'xl/workbook.xml' của tệp Excel lớn hơn 10 MB"


def test_more_sheets_than_members_are_refused(tmp_path: Path) -> None:
    members = {name: text.encode() for name, text in PACKAGE_PARTS.items()}
    sheets = "".join(f'<sheet name="S{n}" sheetId="{n}" r:id="rId1"/>' for n in range(1_001))
    members["xl/workbook.xml"] = members["xl/workbook.xml"].replace(
        '<sheet name="Dữ liệu" sheetId="1" r:id="rId1"/>'.encode(), sheets.encode()
    )
    members["xl/worksheets/sheet1.xml"] = sheet_xml(HEADER)
    assert refused(write_zip(tmp_path / "a.xlsx", members)).message == "tệp Excel có hơn 1.000 trang tính"
