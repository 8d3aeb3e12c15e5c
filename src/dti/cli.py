"""The `dti` command: the engine's offline verbs on framework, inputs and results files.

Exit status: 0 done; 1 problems found (`validate`, `check`); 2 a file or argument that
cannot be used, always with one Vietnamese line naming the file and the place.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from dti.engine import (
    STATUS_LABELS,
    Appendix,
    DtiError,
    Framework,
    FrameworkError,
    InputType,
    RankBasis,
    Status,
    UnitResult,
    check_appendix,
    column_ranks,
    display_key,
    figures,
    fmt,
    load_framework,
    match_codes,
    os_error_text,
    rank_results,
    read_appendix,
    read_inputs,
    row_result,
    score_campaign,
    shown_decimals,
    template_rows,
)
from dti.output import Cell, emit, text_table, write_xlsx
from dti.results.snapshot import Snapshot, snapshot_of_results
from dti.workbooks.layout import FIELD_COLUMNS

_ARGPARSE_VI = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số",
    "options": "tùy chọn",
    "show this help message and exit": "hiện hướng dẫn này rồi thoát",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "unrecognized arguments: %s": "tham số không hiểu được: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "lựa chọn không hợp lệ: %(value)r (chọn một trong: %(choices)s)"
    ),
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "expected one argument": "cần một giá trị",
}
argparse._ = lambda text: _ARGPARSE_VI.get(text, text)  # type: ignore[attr-defined]


LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")  # `dti serve --host` values reachable from this machine only


class UsageError(DtiError):
    """A wrong combination of options."""


def _formats(*names: str) -> dict[str, object]:
    return {"choices": names, "default": None, "help": "định dạng kết quả: " + ", ".join(names)}


def _date(text: str) -> datetime.date:
    """A date typed as dd/mm/yyyy (an argument type: a wrong one is argparse's Vietnamese error)."""
    try:
        return datetime.datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{text}' không phải là ngày dạng dd/mm/yyyy (ví dụ 15/03/2024)") from exc


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with every help text in Vietnamese."""
    parser = argparse.ArgumentParser(
        prog="dti",
        description=(
            "Chấm điểm, xếp hạng và kiểm tra Bộ chỉ số đánh giá chuyển đổi số (DTI) trên tệp, không cần máy chủ."
        ),
        epilog="Mã thoát: 0 xong; 1 có lỗi được phát hiện (validate, check); 2 tệp hoặc tham số không dùng được.",
    )
    sub = parser.add_subparsers(dest="verb", metavar="LỆNH", title="các lệnh")
    p = sub.add_parser(
        "validate",
        help="kiểm tra tệp bộ chỉ số, liệt kê mọi lỗi",
        description="Kiểm tra tệp bộ chỉ số: liệt kê mọi lỗi, hoặc in một dòng tóm tắt nếu hợp lệ.",
    )
    p.add_argument("framework", metavar="BỘ_CHỈ_SỐ", help="tệp bộ chỉ số (.yaml)")
    p = sub.add_parser(
        "template",
        help="tạo mẫu nhập liệu cho đơn vị",
        description=(
            "Tạo mẫu nhập liệu (.xlsx hoặc .csv): mọi thông tin chung và số liệu "
            "mà đơn vị cần cung cấp cho từng chỉ số."
        ),
    )
    p.add_argument("framework", metavar="BỘ_CHỈ_SỐ", help="tệp bộ chỉ số (.yaml)")
    p.add_argument("-o", "--output", metavar="TỆP", required=True, help="tệp mẫu cần tạo: .xlsx hoặc .csv")
    p = sub.add_parser(
        "score",
        help="chấm điểm từ số liệu của đơn vị",
        description=(
            "Tính điểm chỉ số thành phần, chỉ số chính và tổng điểm của từng đơn vị từ số liệu; "
            "so sánh với điểm tự chấm nếu có."
        ),
    )
    p.add_argument("framework", metavar="BỘ_CHỈ_SỐ", help="tệp bộ chỉ số (.yaml)")
    p.add_argument("inputs", metavar="SỐ_LIỆU", help="tệp số liệu (.yaml, .json, .csv, .xlsx)")
    p.add_argument("--explain", action="store_true", help="in cách tính từng điểm")
    p.add_argument("--format", **_formats("table", "csv", "json", "xlsx"))  # type: ignore[arg-type]
    p.add_argument("-o", "--output", metavar="TỆP", help="ghi kết quả vào tệp (bắt buộc với xlsx)")
    p = sub.add_parser(
        "rank",
        help="xếp hạng từ bảng điểm",
        description=(
            "Xếp hạng các đơn vị trong từng nhóm theo quy tắc của bộ chỉ số, từ bảng điểm (.csv, .xlsx): "
            "một dòng một đơn vị, cột theo mã chỉ số."
        ),
    )
    p.add_argument("framework", metavar="BỘ_CHỈ_SỐ", help="tệp bộ chỉ số (.yaml)")
    p.add_argument(
        "results", metavar="BẢNG_ĐIỂM", help="bảng điểm (.csv, .xlsx; phụ lục nhiều trang: đọc các bảng tổng hợp)"
    )
    _more_frameworks(p)
    p.add_argument("--format", **_formats("table", "csv", "json", "xlsx"))  # type: ignore[arg-type]
    p.add_argument("-o", "--output", metavar="TỆP", help="ghi kết quả vào tệp (bắt buộc với xlsx)")
    p = sub.add_parser(
        "demo",
        help="chuẩn bị cơ sở dữ liệu với dữ liệu mẫu và in tài khoản mẫu",
        description=(
            "Tạo/cập nhật cơ sở dữ liệu (mặc định SQLite trong var/), nạp các bộ chỉ số và dữ liệu mẫu "
            "(chạy lại không thay đổi gì), rồi in một tài khoản mẫu cho mỗi vai trò."
        ),
    )
    p = sub.add_parser(
        "serve",
        help="chạy nền tảng web (gunicorn)",
        description="Chạy nền tảng web bằng gunicorn; tệp tĩnh do ứng dụng phục vụ. Cấu hình qua biến môi trường.",
    )
    p.add_argument(
        "--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1; địa chỉ khác cần SECRET_KEY riêng)"
    )
    p.add_argument("--port", type=int, default=8000, help="cổng (mặc định 8000)")
    p.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1) + 1,
        help="số tiến trình trả lời trang (mặc định 2 × số lõi + 1: trong khi một tiến trình chờ cơ sở dữ liệu, "
        "tiến trình khác dùng lõi)",
    )
    p.add_argument(
        "--timeout",
        type=int,
        default=60,
        help="giây tối đa cho một yêu cầu trước khi tiến trình bị khởi động lại (mặc định 60; việc dài chạy nền)",
    )
    p.add_argument(
        "--job-workers",
        type=int,
        default=1,
        help="số tiến trình chạy việc nền khởi động cùng máy chủ (mặc định 1; 0 khi chúng chạy thành dịch vụ riêng)",
    )
    p = sub.add_parser(
        "worker",
        help="chạy các việc nền (công bố, tệp nén báo cáo, nhập tệp lớn) từ hàng đợi trong cơ sở dữ liệu",
        description=(
            "Chạy các việc nền từ hàng đợi trong cơ sở dữ liệu, mỗi lần một việc; chạy lại hoặc đánh dấu "
            "không thành công các việc của tiến trình đã dừng đột ngột. Chạy nhiều tiến trình tùy số lõi "
            "(docs/jobs.md)."
        ),
    )
    p = sub.add_parser(
        "remind",
        help="gửi lời nhắc trước các hạn (chạy hằng ngày)",
        description=(
            "Gửi thông báo (trên trang và qua thư điện tử) trước mỗi hạn: gửi báo cáo, giải trình, thẩm định, "
            "phúc tra. Mỗi hạn của mỗi đơn vị chỉ nhắc một lần: chạy lại không gửi trùng. Chạy hằng ngày "
            "bằng cron hoặc systemd timer (docs/deploy.md)."
        ),
    )
    p.add_argument("--days", type=int, help="nhắc khi hạn còn không quá số ngày này (mặc định 3)")
    p = sub.add_parser(
        "manage",
        help="lệnh quản trị Django (migrate, createsuperuser, …)",
        description="Chuyển tiếp tới lệnh quản trị của Django, ví dụ: dti manage migrate",
        add_help=False,
    )
    p.add_argument("args", nargs=argparse.REMAINDER)
    p = sub.add_parser(
        "check",
        help="tìm sai sót trong bảng kết quả đã công bố",
        description=(
            "Tìm mọi sai sót trong bảng kết quả: tổng không bằng cộng các thành phần, điểm vượt tối đa "
            "hoặc âm, tỷ lệ sai, chỉ số DTI/trụ cột/giá trị 0–1 không khớp với điểm, xếp hạng mâu thuẫn, "
            "xếp loại sai, mã lạ, đơn vị trùng. Phụ lục Excel nhiều trang: kiểm tra từng bảng và đối chiếu "
            "bảng từng chỉ số với bảng tổng hợp. Mã thoát 1 nếu có sai sót."
        ),
    )
    p.add_argument("framework", metavar="BỘ_CHỈ_SỐ", help="tệp bộ chỉ số (.yaml)")
    p.add_argument("results", metavar="BẢNG_ĐIỂM", help="bảng kết quả (.csv, .xlsx) hoặc phụ lục Excel nhiều trang")
    _more_frameworks(p)
    p.add_argument(
        "--partial",
        action="store_true",
        help="bảng chỉ gồm một phần các đơn vị được xếp hạng (vd. 11 tỉnh của một vùng): kiểm tra hạng theo thứ tự",
    )
    p.add_argument("--format", **_formats("table", "json"))  # type: ignore[arg-type]
    p = sub.add_parser(
        "report",
        help="tạo văn bản từ bảng kết quả: phụ lục kết quả (.xlsx, .docx, .pdf), báo cáo đơn vị (.docx, .pdf)",
        description="Tạo văn bản theo thể thức hành chính (Nghị định 30/2020) từ bảng kết quả.",
    )
    documents = p.add_subparsers(dest="document", metavar="VĂN_BẢN", title="các văn bản", required=True)
    p = documents.add_parser(
        "unit",
        help="báo cáo phân tích kết quả của một đơn vị",
        description=(
            "Báo cáo phân tích kết quả của một đơn vị (.docx hoặc .pdf): tổng điểm và thứ hạng, từng chỉ số "
            "chính, mức đạt của các chỉ số thành phần, so sánh với các đơn vị trong nhóm và với năm trước, "
            "biểu đồ, các mục nguyên nhân, trách nhiệm, giải pháp để điền."
        ),
    )
    p.add_argument("framework", metavar="BỘ_CHỈ_SỐ", help="tệp bộ chỉ số (.yaml)")
    p.add_argument("results", metavar="BẢNG_ĐIỂM", help="bảng kết quả (.csv, .xlsx)")
    p.add_argument("--unit", required=True, metavar="TÊN", help="tên đơn vị (như trong bảng kết quả)")
    p.add_argument("--previous", metavar="BẢNG_ĐIỂM", help="bảng kết quả năm trước, để so sánh")
    p.add_argument(
        "--previous-framework",
        metavar="BỘ_CHỈ_SỐ",
        help="bộ chỉ số năm trước nếu khác (chỉ số ghép theo tên, rồi theo mã)",
    )
    p.add_argument("-o", "--output", metavar="TỆP", required=True, help="tệp báo cáo: .docx hoặc .pdf")
    p.add_argument("--issuer", default="", metavar="CƠ_QUAN", help="cơ quan ban hành báo cáo (trống: để chỗ điền)")
    p.add_argument("--parent", default="", metavar="CƠ_QUAN", help="cơ quan chủ quản in phía trên cơ quan ban hành")
    p.add_argument("--place", default="", metavar="ĐỊA_DANH", help="địa danh ghi trước ngày tháng")
    p.add_argument("--date", type=_date, metavar="NGÀY", help="ngày của báo cáo, dạng dd/mm/yyyy (trống: để chỗ điền)")
    _appendix_parser(documents)
    return parser


def _more_frameworks(p: argparse.ArgumentParser) -> None:
    """`--framework FW` (repeatable): the frameworks of a workbook's other tables."""
    p.add_argument(
        "--framework",
        dest="frameworks",
        action="append",
        default=[],
        metavar="BỘ_CHỈ_SỐ",
        help="bộ chỉ số của các bảng khác trong phụ lục (nhóm Sở và nhóm huyện lập theo hai bộ); lặp lại được",
    )


def _appendix_parser(documents: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`dti report appendix`: the appendix of results attached to the council's decision."""
    p = documents.add_parser(
        "appendix",
        help="phụ lục kết quả đánh giá, xếp hạng kèm theo quyết định (.xlsx, .docx, .pdf)",
        description=(
            "Phụ lục kết quả đánh giá, xếp hạng kèm theo quyết định công bố, theo thể thức Nghị định 30/2020: "
            "bảng tổng hợp và bảng từng chỉ số chính của mỗi nhóm xếp hạng. Tệp .xlsx có mỗi bảng một trang, "
            "đọc lại được bằng 'dti check' và 'dti rank'. Thiếu số hoặc ngày quyết định thì để trống chỗ điền."
        ),
    )
    p.add_argument("framework", metavar="BỘ_CHỈ_SỐ", help="tệp bộ chỉ số (.yaml)")
    p.add_argument("results", metavar="BẢNG_ĐIỂM", help="bảng kết quả (.csv, .xlsx)")
    p.add_argument("-o", "--output", metavar="TỆP", required=True, help="tệp phụ lục: .xlsx, .docx hoặc .pdf")
    p.add_argument(
        "--decision", default="", metavar="SỐ", help='số quyết định, ví dụ "125/QĐ-UBND" (trống: để chỗ điền)'
    )
    p.add_argument("--date", type=_date, metavar="NGÀY", help="ngày quyết định, dạng dd/mm/yyyy (trống: để chỗ điền)")
    p.add_argument(
        "--issuer",
        metavar="CƠ_QUAN",
        help='cơ quan ban hành, ví dụ "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH" (mặc định: cơ quan ban hành bộ chỉ số)',
    )
    p.add_argument("--parent", default="", metavar="CƠ_QUAN", help="cơ quan chủ quản in phía trên cơ quan ban hành")
    p.add_argument("--place", default="", metavar="ĐỊA_DANH", help="địa danh ghi trước ngày tháng")
    p.add_argument("--title", metavar="TIÊU_ĐỀ", help="tên phụ lục (mặc định: kết quả đánh giá, xếp hạng năm …)")
    p.add_argument("--draft", action="store_true", help='bản dự thảo: in "DỰ THẢO" trên mọi trang')


def _output(args: argparse.Namespace) -> tuple[str, Path | None]:
    out = Path(args.output) if getattr(args, "output", None) else None
    chosen = args.format or (
        out.suffix.lower().lstrip(".") if out and out.suffix.lower() in (".csv", ".json", ".xlsx") else "table"
    )
    if chosen == "xlsx" and out is None:
        raise UsageError("định dạng xlsx cần tệp kết quả: thêm -o TỆP.xlsx")
    return chosen, out


def _load(path: str) -> Framework:
    try:
        return load_framework(path)
    except FrameworkError as exc:
        raise DtiError(f"{path}: bộ chỉ số có {len(exc.problems)} lỗi, chạy 'dti validate {path}' để xem") from exc


def cmd_validate(args: argparse.Namespace, out: IO[str]) -> int:
    try:
        fw = load_framework(args.framework)
    except FrameworkError as exc:
        out.write(f"{args.framework}: {len(exc.problems)} lỗi\n")
        for problem in exc.problems:
            out.write(f"  {problem}\n")
        return 1
    indicators = [i for i in fw.indicators if not i.reference_only]
    total = fmt(fw.max) if fw.max is not None else "chưa rõ"
    reference = len(fw.indices) - len(fw.scored_indices)
    indices = f"{len(fw.indices)} chỉ số chính" + (f" ({reference} chỉ để tham khảo)" if reference else "")
    out.write(
        f"{fw.code}: hợp lệ — {fw.name}; {indices}, {len(indicators)} chỉ số thành phần, tổng điểm tối đa {total}\n"
    )
    return 0


def cmd_template(args: argparse.Namespace, out: IO[str]) -> int:
    fw = _load(args.framework)
    path = Path(args.output)
    headers = ["Đơn vị", "Nhóm", *FIELD_COLUMNS]  # the unit workbook's columns, with who and which group
    keys = ["unit", "group", "code", "indicator", "field", "label", "type", "unit_of_measure", "max", "method", "value"]
    records = template_rows(fw)
    rows: list[list[Cell]] = [[r.get(k) for k in keys] for r in records]  # type: ignore[misc]
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        validations: dict[int, list[str]] = {}
        for n, r in enumerate(records):
            item = fw.item(str(r["code"])) if r["code"] not in ("general", "framework") else None
            field = (
                item.input(str(r["field"]))
                if item
                else next((f for f in fw.general_info if f.name == r["field"]), None)
            )
            if field is not None and field.type is InputType.YES_NO:
                validations[n] = ["Có", "Không"]
            elif field is not None and field.type is InputType.CHOICE:
                validations[n] = list(field.options)
        write_xlsx(path, headers, rows, title="Nhập liệu", validations=validations, value_column=len(headers) - 1)
    elif suffix == ".csv":
        emit("csv", headers, rows, output=path, stdout=out)
    else:
        raise UsageError(f"{path}: mẫu nhập liệu cần đuôi .xlsx hoặc .csv")
    out.write(f"Đã tạo mẫu {path} ({len(rows)} dòng) cho bộ chỉ số {fw.code}\n")
    return 0


def _score_rows(fw: Framework, results: Sequence[UnitResult], explain: bool) -> tuple[list[str], list[list[Cell]]]:
    headers = ["unit", "group", "level", "code", "name", "max", "score", "claimed", "status", "note"]
    if explain:
        headers.append("trace")
    rows: list[list[Cell]] = []
    for r in results:
        for index in fw.indices:
            for item in index.indicators:
                s = r.items[item.code]
                note = "; ".join(
                    filter(None, [s.note, *s.warnings, ("thiếu: " + ", ".join(s.missing)) if s.missing else ""])
                )
                row: list[Cell] = [
                    r.unit,
                    r.group,
                    "indicator",
                    item.code,
                    item.name,
                    item.max,
                    s.score,
                    s.claimed,
                    s.status.value,
                    note,
                ]
                if explain:
                    row.append(s.trace)
                rows.append(row)
            row = [
                r.unit,
                r.group,
                "index",
                index.code,
                index.name,
                r.index_max.get(index.code),
                r.indices.get(index.code),
                r.claimed_indices.get(index.code),
                "",
                "",
            ]
            rows.append(row + ([""] if explain else []))
        for adj in fw.adjustments:
            s = r.items[adj.code]
            row = [r.unit, r.group, adj.kind.value, adj.code, adj.name, adj.max, s.score, s.claimed, s.status.value, ""]
            rows.append(row + ([s.trace] if explain else []))
        row = [
            r.unit,
            r.group,
            "total",
            "total",
            "Tổng điểm",
            r.max,
            r.total,
            r.claimed_total,
            "",
            f"hạng {r.rank}" if r.rank else "",
        ]
        rows.append(row + ([""] if explain else []))
    return headers, rows


def cmd_score(args: argparse.Namespace, out: IO[str]) -> int:
    fw = _load(args.framework)
    chosen, path = _output(args)
    units = read_inputs(fw, args.inputs)
    results = score_campaign(fw, units, explain=args.explain)
    if chosen != "table":
        headers, rows = _score_rows(fw, results, args.explain)
        emit(chosen, headers, rows, output=path, stdout=out, title="Kết quả chấm điểm")
        return 0
    text = "\n\n".join(_score_text(fw, r, args.explain) for r in results) + "\n"
    if path is None:
        out.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    return 0


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _score_text(fw: Framework, r: UnitResult, explain: bool) -> str:
    p = fw.precision
    claims = bool(r.claimed_indices)
    headers = ["Mã", "Chỉ số", "Tối đa", "Điểm", *(["Tự chấm", "Chênh"] if claims else []), "Ghi chú"]
    rows: list[list[Cell] | str] = []
    for index in fw.indices:
        for item in index.indicators:
            s = r.items[item.code]
            notes = [STATUS_LABELS[s.status]] if s.status is not Status.OK else []
            if s.missing:
                notes.append("thiếu " + ", ".join(s.missing))
            notes += [x for x in (s.note, *s.warnings) if x]
            diff: Cell = None
            if s.claimed is not None and s.score is not None and s.claimed != s.score:
                diff = s.claimed - s.score
                if s.status is Status.OK:
                    notes.insert(0, "tự chấm cao hơn công thức" if diff > 0 else "tự chấm thấp hơn công thức")
            row: list[Cell] = [item.code, _short(item.name), item.max, s.score]
            if claims:
                row += [s.claimed, diff]
            rows.append(row + ["; ".join(notes)])
            if explain and s.trace:
                rows.append(f"        {s.trace}")
        claimed = r.claimed_indices.get(index.code)
        score = r.indices.get(index.code)
        row = [index.code, index.name.upper(), r.index_max.get(index.code), score]
        if claims:
            row += [
                claimed,
                (claimed - score) if claimed is not None and score is not None and claimed != score else None,
            ]
        rows.append(row + ["chỉ tham khảo" if index.reference_only else ""])
    for adj in fw.adjustments:
        s = r.items[adj.code]
        rows.append(
            [
                adj.code,
                adj.name,
                adj.max,
                s.score,
                *([s.claimed, None] if claims else []),
                "điểm thưởng" if adj.kind.value == "bonus" else "điểm trừ",
            ]
        )
    total_row: list[Cell] = ["", "TỔNG ĐIỂM", r.max, r.total]
    if claims:
        total_row += [
            r.claimed_total,
            (r.claimed_total - r.total)
            if r.claimed_total is not None and r.total is not None and r.claimed_total != r.total
            else None,
        ]
    extra = []
    if r.percent is not None:
        extra.append(f"{fmt(r.percent, shown_decimals(fw.precision, fw.ranking, RankBasis.PERCENT))} %")
    if r.rank is not None:
        extra.append(f"hạng {r.rank}")
    if r.classification:
        extra.append(r.classification)
    rows.append(total_row + ["; ".join(extra)])
    title = f"{r.unit}" + (f" (nhóm {r.group})" if r.group else "") + f" — {fw.name}"
    places: list[int | None] = [None, None, None, p, *([None, p] if claims else []), None]
    return title + "\n" + text_table(headers, rows, places=places)


def _rank_table(fw: Framework, results: list[UnitResult]) -> tuple[list[str], list[list[Cell]]]:
    index_codes = [i.code for i in fw.indices]
    derived = [d.code for d in fw.derived]
    headers = ["unit", "group", *index_codes, "total", "max", "percent", "rank", "class", *derived]
    rows: list[list[Cell]] = []
    for r in sorted(results, key=lambda r: (r.group, display_key(fw, r))):
        shown = figures(fw, r)
        rows.append(
            [
                r.unit,
                r.group,
                *(shown.indices.get(c) for c in index_codes),
                shown.total,
                shown.max,
                shown.percent,
                r.rank,
                r.classification,
                *(r.derived.get(c) for c in derived),
            ]
        )
    return headers, rows


def _published_ranks(fw: Framework, results: list[UnitResult]) -> tuple[list[str], list[list[Cell]]]:
    """The file's published rank columns (ranks of a larger set, maybe), each `rank:<code>` beside
    the rank within the file: headers, and one row of cells per result in the order given."""
    columns = [c for c in dict.fromkeys(k for r in results for k in r.published) if c.split(":")[0] == "rank"]
    headers: list[str] = []
    cells: list[list[Cell]] = [[] for _ in results]
    for column in columns:
        if column != "rank":  # the overall rank within the file is the `rank` column already
            headers.append(column)
            for row, rank in zip(cells, column_ranks(fw, results, column), strict=True):
                row.append(rank)
        headers.append(f"{column} (công bố)")
        for row, r in zip(cells, results, strict=True):
            row.append(int(r.published[column]) if column in r.published else None)
    return headers, cells


def _ranked(fw: Framework, path: str, appendix: Appendix | None = None) -> list[UnitResult]:
    """The units of a results file (or of `appendix`, its tables read whole: those made by `fw`),
    checked and ranked by `fw`: an unknown code, a unit twice, a missing index score or a missing
    max for a percent ranking is refused."""
    table = (appendix or read_appendix(fw, path)).results(fw)
    if table.unknown:
        code, place = table.unknown[0]
        raise DtiError(f"{path}, {place}: mã '{code}' không có trong bộ chỉ số {fw.code}")
    if table.duplicates:
        unit, place = table.duplicates[0]
        raise DtiError(f"{path}, {place}: đơn vị '{unit}' xuất hiện hai lần")
    results = [row_result(fw, row) for row in table.rows]
    for r, row in zip(results, table.rows, strict=True):
        missing = [i.code for i in fw.scored_indices if r.indices.get(i.code) is None]
        if missing:
            raise DtiError(f"{path}, dòng {row.number}: thiếu điểm chỉ số {', '.join(missing)} của '{r.unit}'")
    if fw.ranking.basis is RankBasis.PERCENT and any(r.percent is None for r in results):
        raise DtiError(f"{path}: xếp hạng theo tỷ lệ cần điểm tối đa của mọi chỉ số chính")
    rank_results(fw, results)
    return results


def cmd_rank(args: argparse.Namespace, out: IO[str]) -> int:
    """Rank a results file; an appendix whose tables use several frameworks (`--framework`) is
    ranked table by table with each one's framework, in one output (columns of all)."""
    fw = _load(args.framework)
    others = [_load(other) for other in args.frameworks]
    chosen, path = _output(args)
    appendix = read_appendix(fw, args.results, others=others)
    headers: list[str] = []
    parts: list[list[dict[str, Cell]]] = []
    for made_by in dict.fromkeys([fw, *others]):
        if made_by is not fw and not appendix.results(made_by).rows:
            continue
        results = _ranked(made_by, args.results, appendix)
        order = sorted(results, key=lambda r: (r.group, display_key(made_by, r)))
        own, rows = _rank_table(made_by, order)
        published, cells = _published_ranks(made_by, order)
        own += published
        headers += [header for header in own if header not in headers]
        parts.append([dict(zip(own, row + extra, strict=True)) for row, extra in zip(rows, cells, strict=True)])
    rows = [[record.get(header) for header in headers] for part in parts for record in part]
    emit(chosen, headers, rows, output=path, stdout=out, title="Xếp hạng")
    return 0


def cmd_check(args: argparse.Namespace, out: IO[str]) -> int:
    """Check every table of a results file by its own framework (the first, or one given with
    `--framework`); a table made by a framework not given is named and left out (not in JSON)."""
    fw = _load(args.framework)
    appendix = read_appendix(fw, args.results, others=[_load(other) for other in args.frameworks], skip=True)
    findings = check_appendix(fw, appendix, partial=args.partial)
    if args.format != "json":
        for sheet, code in appendix.skipped:
            out.write(f"{args.results}: bỏ qua trang '{sheet}': lập theo bộ chỉ số '{code}', chưa được cung cấp\n")
    if args.format == "json":
        keys = ("unit", "code", "kind", "published", "expected", "place", "note", "message")
        emit(
            "json",
            list(keys),
            [],
            output=None,
            stdout=out,
            records=[{k: getattr(f, k) for k in keys} for f in findings],
        )
    elif findings:
        out.write(f"{args.results}: {len(findings)} sai sót\n")
        for f in findings:
            out.write(f"  {f.message}\n")
    else:
        tables = f", {len(appendix.sheets)} bảng" if len(appendix.sheets) > 1 else ""
        out.write(f"{args.results}: không thấy sai sót ({len(appendix.results().rows)} đơn vị{tables})\n")
    return 1 if findings else 0


def _django() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dti.settings")
    django.setup()


def cmd_demo(args: argparse.Namespace, out: IO[str]) -> int:
    _django()
    from django.conf import settings
    from django.core.management import call_command

    from dti.demo import load_demo, print_accounts

    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if not load_demo(out):
        out.write("Dữ liệu mẫu đã có sẵn, không thay đổi gì.\n")
    print_accounts(out)
    return 0


def _dies_with_parent() -> None:
    """In a child process (Linux): receive SIGTERM when `dti serve` itself dies, even by SIGKILL."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def cmd_serve(args: argparse.Namespace, out: IO[str]) -> int:
    import subprocess

    _django()
    from django.conf import settings
    from django.core.management import call_command

    if settings.PUBLIC_SECRET_KEY_IN_USE and not settings.DEBUG and args.host not in LOOPBACK:
        # ALLOWED_HOSTS alone would let anyone on the network in with "Host: localhost".
        raise UsageError(
            f"chưa đặt SECRET_KEY riêng nên chỉ chạy được trên chính máy này (--host 127.0.0.1), "
            f"không phải {args.host}: tạo khóa bằng `python3 -c 'import secrets; print(secrets.token_urlsafe(50))'` "
            "và đặt biến môi trường SECRET_KEY (docs/deploy.md mục 4)"
        )
    if args.job_workers < 0:
        raise UsageError("--job-workers cần một số không âm")
    call_command("collectstatic", interactive=False, verbosity=0)
    out.write(f"Nền tảng DTI đang chạy tại http://{args.host}:{args.port}/ (Ctrl+C để dừng)\n")
    out.flush()
    # Background jobs (docs/jobs.md): worker processes of the database queue, stopped with the server.
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "django", "jobs_worker", "--verbosity", "0"], preexec_fn=_dies_with_parent
        )
        for _ in range(args.job_workers)
    ]
    # A page answers in well under a second; a request still running after --timeout seconds is
    # stuck (long work runs as a background job), so gunicorn restarts that worker process.
    command = [
        sys.executable, "-m", "gunicorn", "dti.wsgi",
        "--bind", f"{args.host}:{args.port}",
        "--workers", str(args.workers),
        "--timeout", str(args.timeout),
        "--graceful-timeout", "30",
        "--access-logfile", "-",
        # gunicorn's control socket sits at one path per user (~/.gunicorn): two servers of one
        # user on a machine would share it, and nothing of ours uses it.
        "--no-control-socket",
    ]  # fmt: skip
    server = subprocess.Popen(command, preexec_fn=_dies_with_parent)

    def stop(signum: int, frame: object) -> None:
        for process in (server, *workers):
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        return server.wait()
    finally:
        for worker in workers:  # a worker finishes its job (a second signal would stop it: the job then runs again)
            if worker.poll() is None:
                worker.terminate()
        for worker in workers:
            worker.wait()


def cmd_worker(args: argparse.Namespace, out: IO[str]) -> int:
    _django()
    from django.core.management import call_command

    call_command("jobs_worker", verbosity=1)
    return 0


def cmd_remind(args: argparse.Namespace, out: IO[str]) -> int:
    if args.days is not None and args.days < 0:
        raise UsageError("--days cần một số ngày không âm")
    _django()
    from dti.core.templatetags.vn import ngay
    from dti.home.models import Reminder
    from dti.home.reminders import DAYS_BEFORE, send_reminders

    sent = send_reminders(days=DAYS_BEFORE if args.days is None else args.days)
    out.write(f"Đã gửi {len(sent)} lời nhắc.\n")
    for due in sent:
        label = Reminder.Kind(due.kind).label
        out.write(f"  {label} {ngay(due.deadline)}: {due.participation.unit} ({len(due.people)} người nhận)\n")
    return 0


def cmd_manage(args: argparse.Namespace, out: IO[str]) -> int:
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["dti manage", *args.args])
    return 0


def _snapshot(fw: Framework, path: str, year: int) -> Snapshot:
    """A results file as the snapshot a report reads (ranked by `fw`, named by its file)."""
    return snapshot_of_results(fw, _ranked(fw, path), name=Path(path).name, year=year, source=Path(path).name)


def cmd_report_unit(args: argparse.Namespace, out: IO[str]) -> int:
    from dti.documents.content import Heading
    from dti.documents.docx import write_docx
    from dti.documents.pdf import write_pdf
    from dti.documents.report import Previous, TrendPoint, build_unit_report, find_unit, number

    path = Path(args.output)
    writers = {".docx": write_docx, ".pdf": write_pdf}
    if path.suffix.lower() not in writers:
        raise UsageError(f"{path}: báo cáo cần đuôi .docx hoặc .pdf")
    if args.previous_framework and not args.previous:
        raise UsageError("--previous-framework cần đi kèm --previous BẢNG_ĐIỂM")
    fw = _load(args.framework)
    snapshot = _snapshot(fw, args.results, fw.year)
    _, own = find_unit(snapshot, args.unit)
    previous, trend = None, [TrendPoint(fw.year, number(own["total"]), own["rank"])]
    if args.previous:
        before = _load(args.previous_framework) if args.previous_framework else fw
        past = _snapshot(before, args.previous, fw.year - 1)
        codes = (
            match_codes([(i.code, i.name) for i in fw.indices], [(i.code, i.name) for i in before.indices])
            if args.previous_framework
            else {i.code: i.code for i in fw.indices}
        )
        previous = Previous(past, own["unit"], codes)
        then = next((u for g in past["groups"] for u in g["units"] if u["unit"] == own["unit"]), None)
        if then is not None:
            trend.insert(0, TrendPoint(fw.year - 1, number(then["total"]), then["rank"]))
    heading = Heading(issuer=args.issuer, parent=args.parent, place=args.place, date=args.date, number_suffix="/BC")
    document = build_unit_report(snapshot, own["unit"], heading=heading, previous=previous, trend=trend)
    writers[path.suffix.lower()](document, path)
    out.write(f"Đã tạo báo cáo {path} cho {own['unit']}\n")
    return 0


def cmd_report_appendix(args: argparse.Namespace, out: IO[str]) -> int:
    from dti.documents.appendix import build_appendix, decision_number
    from dti.documents.content import DECISION_SUFFIX, Heading
    from dti.documents.docx import write_docx
    from dti.documents.pdf import write_pdf
    from dti.documents.xlsx import write_xlsx as write_appendix_xlsx

    path = Path(args.output)
    writers = {".xlsx": write_appendix_xlsx, ".docx": write_docx, ".pdf": write_pdf}
    if path.suffix.lower() not in writers:
        raise UsageError(f"{path}: phụ lục cần đuôi .xlsx, .docx hoặc .pdf")
    fw = _load(args.framework)
    snapshot = _snapshot(fw, args.results, fw.year)
    issuer = args.issuer if args.issuer is not None else fw.decision.issuer if fw.decision else ""
    number, suffix = decision_number(args.decision, DECISION_SUFFIX)  # "/QĐ-UBND": blanks, then the symbol
    heading = Heading(issuer, args.parent, number, suffix, place=args.place, date=args.date)
    document = build_appendix(snapshot, heading=heading, title=args.title, draft=args.draft)
    writers[path.suffix.lower()](document, path)
    units = sum(len(group["units"]) for group in snapshot["groups"])
    out.write(f"Đã tạo phụ lục {path}: {len(document.tables())} bảng, {units} đơn vị\n")
    return 0


REPORTS = {"unit": cmd_report_unit, "appendix": cmd_report_appendix}


def cmd_report(args: argparse.Namespace, out: IO[str]) -> int:
    return REPORTS[args.document](args, out)


COMMANDS = {
    "validate": cmd_validate,
    "template": cmd_template,
    "score": cmd_score,
    "rank": cmd_rank,
    "check": cmd_check,
    "report": cmd_report,
    "demo": cmd_demo,
    "serve": cmd_serve,
    "worker": cmd_worker,
    "remind": cmd_remind,
    "manage": cmd_manage,
}


def main(argv: Sequence[str] | None = None, *, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """Run the command; returns the exit status instead of raising."""
    out, err = stdout or sys.stdout, stderr or sys.stderr
    parser = build_parser()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if not args.verb:
        parser.print_help(out)
        return 2
    try:
        return COMMANDS[args.verb](args, out)
    except DtiError as exc:
        err.write(f"dti: {exc}\n")
        return 2
    except OSError as exc:
        err.write(f"dti: {exc.filename or ''}: {os_error_text(exc)}\n")
        return 2
