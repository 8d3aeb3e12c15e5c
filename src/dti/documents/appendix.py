"""The official appendix of a campaign's results (Phụ lục of the council's decision), as a `Document`.

For each ranking group of a published snapshot: the overall table (each main index, total,
percent and the unit's applicable maximum where the policy needs them, rank, class, derived
figures) and one table per main index (its indicators, the index total, the unit's maximum for
it when N/A lowered some unit's, the percent of that maximum, the rank within the index),
units in the order of the ranked column (rank, the exact value within a tie, then the
Vietnamese name), as seed 000 and Bình Định's
tables print them. Every figure comes from the snapshot; ranks within an index come from the
engine's `ranks` under the group's tie rule. Renderers (`docx`, `pdf`, `xlsx`) lay it out;
the workbook layout is the one `dti check` reads back (docs/files.md, "Appendix workbook").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from dti.documents.content import Block, Cell, Column, Document, Heading, Paragraph, Row, Style, Table
from dti.engine import (
    TABLE_RANK,
    RankBasis,
    RankingPolicy,
    Ties,
    fmt,
    index_ranks,
    order_key,
    percent,
    round_half_up,
    shown_decimals,
)
from dti.results.snapshot import (
    Figure,
    Snapshot,
    SnapshotFramework,
    SnapshotGroup,
    SnapshotIndex,
    SnapshotUnit,
    ranking_policy,
)

OVERALL = "Tổng hợp"
"""The sheet key of a group's overall table."""
SHEET_NAME_MAX = 31  # Excel's limit on a sheet name
RESERVED_SHEET = "_dti"  # the workbook's hidden list of its tables (documents/xlsx.py)
WIDE = 8  # a table with more number columns than this is printed landscape
BLANK_NUMBER = "      "  # the blanks of an unsigned decision's number ("Số:      /QĐ-UBND")
BLANK_DATE = "      /      /      "
NA = "N/A"
_CODE = re.compile(r"[a-z0-9_.\-]*")
_SHEET_FORBIDDEN = str.maketrans({c: "-" for c in "[]:*?/\\"})
_BODIES = {
    "ỦY BAN NHÂN DÂN": "Ủy ban nhân dân",
    "UỶ BAN NHÂN DÂN": "Ủy ban nhân dân",
    "HỘI ĐỒNG NHÂN DÂN": "Hội đồng nhân dân",
    "UBND": "UBND",
    "HĐND": "HĐND",
    "BỘ CHỈ HUY": "Bộ Chỉ huy",
    "BỆNH VIỆN": "Bệnh viện",
    "BỘ": "Bộ",
    "SỞ": "Sở",
    "BAN": "Ban",
    "VĂN PHÒNG": "Văn phòng",
    "THANH TRA": "Thanh tra",
    "TỔNG CỤC": "Tổng cục",
    "CHI CỤC": "Chi cục",
    "CỤC": "Cục",
    "TRUNG TÂM": "Trung tâm",
    "PHÒNG": "Phòng",
    "VIỆN": "Viện",
    "ĐÀI": "Đài",
    "TRƯỜNG": "Trường",
    "CÔNG AN": "Công an",
}
"""Types of body in capitals and how a sentence writes them (a specific name follows)."""
_PLACES = ("THÀNH PHỐ", "THỊ XÃ", "THỊ TRẤN", "ĐẶC KHU", "TỈNH", "HUYỆN", "QUẬN", "PHƯỜNG", "XÃ")
"""Words of a place: the proper name after them keeps its capitals ("tỉnh Ninh Bình")."""
_NOT_PLACES = ("XÃ HỘI",)  # "Lao động - Thương binh và Xã hội": not a commune
_PROPER = {"QUỐC HỘI": "Quốc hội", "CHÍNH PHỦ": "Chính phủ", "VIỆT NAM": "Việt Nam", "CÔNG THƯƠNG": "Công Thương"}
"""Names written with their own capitals wherever they stand."""
_JOINS = ("VÀ", "-", "–")  # a word after these (or after a comma) starts a new part of a name


def group_name(name: str) -> str:
    """A ranking group's name for a title, "" when the group has none or only a bare code (a
    results file's "huyen", "nhom_2": lower-case ASCII letters, digits, "_", "-" and ".")."""
    return "" if _CODE.fullmatch(name) else name


def default_title(year: int) -> str:
    """The appendix title when none is given (the group's name follows when there is one group)."""
    return f"KẾT QUẢ ĐÁNH GIÁ, XẾP HẠNG CHỈ SỐ CHUYỂN ĐỔI SỐ NĂM {year}"


def issuer_in_text(issuer: str) -> str:
    """The issuer as written inside a sentence: a name in capitals in sentence form, as Vietnamese
    writes a body: its type, then the first word of each part of its specific name capitalised,
    then its place with the place's proper name ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH NINH BÌNH" →
    "Sở Thông tin và Truyền thông tỉnh Ninh Bình"). A name not in capitals is kept as given."""
    text = " ".join(issuer.split())
    if not text.isupper():
        return text
    words = text.split()
    body = next((b for b in _BODIES if _starts(words, b)), None)
    start = len(body.split()) if body else 1
    head = _BODIES[body] if body else _capital(words[0])
    at = next((n for n in range(start, len(words)) if _place_at(words, n)), len(words))
    place = next((p for p in _PLACES if _starts(words[at:], p)), "")
    proper = [_capital(word) for word in words[at + len(place.split()) :]]
    name = _name_words(words[start:at], first=body is not None)  # an unknown body: one name, in sentence form
    return " ".join([head, *name, *place.lower().split(), *proper])


def _starts(words: list[str], phrase: str) -> bool:
    return words[: len(phrase.split())] == phrase.split()


def _place_at(words: list[str], n: int) -> bool:
    """Whether a place ("TỈNH NINH BÌNH") starts at word `n`."""
    rest = words[n:]
    return any(_starts(rest, p) for p in _PLACES) and not any(_starts(rest, p) for p in _NOT_PLACES)


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def _name_words(words: list[str], *, first: bool) -> list[str]:
    """A specific name in sentence form: each part's first word capitalised ("KHOA HỌC VÀ CÔNG
    NGHỆ" → "Khoa học và Công nghệ"), the names of `_PROPER` as they are written."""
    written: list[str] = []
    n = 0
    while n < len(words):
        proper = next((p for p in _PROPER if _starts(words[n:], p)), None)
        if proper:
            written += _PROPER[proper].split()
            n, first = n + len(proper.split()), False
            continue
        word = words[n]
        written.append(_capital(word) if first else word.lower())
        first = word in _JOINS or word.endswith(",")
        n += 1
    return written


def decision_number(number: str, suffix: str) -> tuple[str, str]:
    """A decision's number and the symbol printed after its blanks: a number published without
    its figure ("/QĐ-UBND", as Ninh Bình's 2023 appendix names its decision) is blanks before
    that symbol, not a number ("125/QĐ-UBND" → ("125/QĐ-UBND", suffix))."""
    number = number.strip()
    return ("", number) if number.startswith("/") else (number, suffix)


def attached_line(heading: Heading) -> str:
    """ "(Kèm theo Quyết định số … ngày … của …)", with blanks where the decision has no number or
    date yet; a date published only in part ("/7/2024") as it was printed."""
    number = heading.number or BLANK_NUMBER + heading.number_suffix
    date = heading.date.strftime("%d/%m/%Y") if heading.date else heading.date_text.strip() or BLANK_DATE
    issuer = issuer_in_text(heading.issuer)
    return f"(Kèm theo Quyết định số {number} ngày {date}" + (f" của {issuer})" if issuer else ")")


def build_appendix(
    snapshot: Snapshot,
    *,
    heading: Heading,
    number: str = "I",
    title: str | None = None,
    attached: str | None = None,
    draft: bool = False,
) -> Document:
    """The appendix of `snapshot`'s results: title block, then per ranking group its overall
    table and one table per main index. `title` replaces the default title, `attached` the
    "(Kèm theo Quyết định …)" line; `draft` marks every page "DỰ THẢO"."""
    groups = snapshot["groups"]
    year = snapshot["campaign"]["year"]
    several = len(groups) > 1
    named = group_name(groups[0]["name"]) if len(groups) == 1 else ""  # a bare code is no title
    text = title or default_title(year) + (f" – {named}" if named else "")
    frameworks = {g["framework"]["code"]: g["framework"]["name"] for g in groups}
    blocks: list[Block] = [
        Paragraph(f"PHỤ LỤC {number}".strip(), Style.TITLE),
        Paragraph(_nfc(text).upper(), Style.SUBTITLE),
        Paragraph(_nfc(attached or attached_line(heading)), Style.ATTACHED),
    ]
    if len(frameworks) == 1:
        blocks.append(Paragraph(_nfc(f"Đánh giá theo: {next(iter(frameworks.values()))}"), Style.NOTE))
    used = {RESERVED_SHEET.casefold()}
    for position, group in enumerate(groups):
        if several:
            blocks.append(Paragraph(_nfc(f"{_letter(position)}. {group['name']}"), Style.HEADING))
            if len(frameworks) > 1:
                blocks.append(Paragraph(_nfc(f"Đánh giá theo: {group['framework']['name']}"), Style.NOTE))
        blocks += _group_blocks(group, several, used)
    tables = [block for block in blocks if isinstance(block, Table)]
    widest = max((sum(c.decimals is not None for c in t.columns) for t in tables), default=0)
    meta = {"kind": "appendix", "year": str(year)}
    if len(frameworks) == 1:
        meta["framework"] = next(iter(frameworks))
    meta |= {f"framework:{g['name']}": g["framework"]["code"] for g in groups}
    return Document(
        heading=heading,
        blocks=tuple(blocks),
        title=_nfc(f"Phụ lục {number}: {text}"),
        landscape=widest > WIDE,
        draft=draft,
        framework="; ".join(f"{name} ({code})" for code, name in frameworks.items()),
        meta=meta,
    )


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _letter(position: int) -> str:
    """A, B, C … for the ranking groups (AA, AB … past Z)."""
    head, tail = divmod(position, 26)
    return (_letter(head - 1) if head else "") + chr(ord("A") + tail)


def sheet_key(group: str, name: str, several: bool, used: set[str]) -> str:
    """A table's sheet name: `name`, or "<group> - <name>" with several groups, the group
    shortened so the whole fits Excel's 31 characters; characters Excel refuses become "-";
    a name already taken (Excel ignores case) gets " (2)", " (3)"…"""
    base = name.translate(_SHEET_FORBIDDEN)
    if several:
        room = SHEET_NAME_MAX - len(base) - 3
        base = f"{group.translate(_SHEET_FORBIDDEN)[: max(room, 0)].strip()} - {base}"
    base = base[:SHEET_NAME_MAX].strip().strip("'") or "Bảng"
    key, n = base, 1
    while key.casefold() in used:
        n += 1
        suffix = f" ({n})"
        key = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
    used.add(key.casefold())
    return key


@dataclass(frozen=True, slots=True)
class _Policy:
    """A group's ranking policy and decimals, read from its snapshot framework."""

    precision: int
    ranking: RankingPolicy

    @classmethod
    def of(cls, framework: SnapshotFramework) -> _Policy:
        return cls(framework["precision"], ranking_policy(framework))

    def decimals(self, basis: RankBasis) -> int:
        """Decimals of a total (TOTAL) or a percentage (PERCENT), as `figures` shows them."""
        return shown_decimals(self.precision, self.ranking, basis)


def _number(figure: Figure | None) -> Decimal | None:
    return None if figure is None else Decimal(figure)


def _max_label(name: str, maximum: Figure | None) -> str:
    value = _number(maximum)
    return f"{name} ({fmt(value)})" if value is not None else name


def _index_label(index: SnapshotIndex) -> str:
    """An index column's label: "1. Nhận thức số (100)", marked when it is for reference only."""
    label = _max_label(f"{index['code']}. {index['name']}", index["max"])
    return label + " (tham khảo)" if index.get("reference", False) else label


def _group_blocks(group: SnapshotGroup, several: bool, used: set[str]) -> list[Block]:
    """A group's overall table, then the heading of the detail tables and one table per index."""
    policy = _Policy.of(group["framework"])
    blocks: list[Block] = [_overall(group, policy, sheet_key(group["name"], OVERALL, several, used))]
    indices = group["framework"]["indices"]
    if indices:
        blocks.append(Paragraph("II. Kết quả đánh giá chi tiết theo chỉ số chính", Style.HEADING))
    for position, index in enumerate(indices, start=1):
        key = sheet_key(group["name"], index["code"], several, used)
        blocks.append(_index_table(group, policy, position, index["code"], key))
    return blocks


def _full_max(framework: SnapshotFramework) -> Decimal | None:
    """The framework's maximum: the counted indices' maxima summed (None when one is unknown)."""
    counted = [_number(i["max"]) for i in framework["indices"] if not i.get("reference", False)]
    known = [value for value in counted if value is not None]
    return sum(known, Decimal(0)) if counted and len(known) == len(counted) else None


def _marks(maxima: Sequence[Decimal | None], full: Decimal | None) -> dict[Decimal, str]:
    """A mark per applicable maximum that N/A lowered below `full`, highest first: (*), (**), (***)…"""
    lowered = {m for m in maxima if m is not None and full is not None and m < full}
    return {value: "(" + "*" * n + ")" for n, value in enumerate(sorted(lowered, reverse=True), start=1)}


def _marked(n: int, maximum: Decimal | None, marks: dict[Decimal, str]) -> Cell:
    """The STT cell: the row number, followed by its maximum's mark when N/A lowered it ("3 (*)")."""
    mark = marks.get(maximum) if maximum is not None else None
    return f"{n} {mark}" if mark else n


def _mark_notes(marks: dict[Decimal, str]) -> list[str]:
    """The notes under a table that explain its marks."""
    return [
        f"{mark} Điểm tối đa áp dụng: {fmt(value)} (có chỉ số thành phần không áp dụng)"
        for value, mark in marks.items()
    ]


def _overall(group: SnapshotGroup, policy: _Policy, key: str) -> Table:
    """The overall table: units in the snapshot's order (rank, exact value, name)."""
    framework = group["framework"]
    units = group["units"]
    marks = _marks([_number(u["max"]) for u in units], _full_max(framework))
    by_percent = policy.ranking.basis is RankBasis.PERCENT or bool(marks)
    classified = any(u["class"] for u in units)
    derived = framework.get("derived", [])
    adjustments = [a for a in framework["indicators"] if not a["index"]]  # bonus and penalty points
    p = policy.precision
    columns = [
        Column("stt", "STT", 0, 0.5),
        Column("unit", "Đơn vị", None, 3.0),
        *(Column(i["code"], _index_label(i), p) for i in framework["indices"]),
        *(Column(a["code"], _max_label(f"{a['code']}. {a['name']}", a["max"]), p) for a in adjustments),
        Column("total", _max_label("Tổng điểm", _figure(_full_max(framework))), policy.decimals(RankBasis.TOTAL)),
    ]
    if by_percent:
        columns += [
            Column("max:total", "Điểm tối đa áp dụng", p),
            Column("percent", "Tỷ lệ (%)", policy.decimals(RankBasis.PERCENT)),
        ]
    published = _published_ranks(units, ["rank", *(f"rank:{d['code']}" for d in derived)])
    columns += _rank_columns("rank", "rank" in published)
    if classified:
        columns.append(Column("class", "Xếp loại", None, 1.2))
    for d in derived:
        columns.append(Column(d["code"], d["name"], d["decimals"]))
        if f"rank:{d['code']}" in published:
            columns.append(Column(f"rank:{d['code']}", f"Xếp hạng {d['code']} (công bố)", 0, 0.7))
    rows = []
    for n, u in enumerate(units, start=1):
        maximum = _number(u["max"])
        cells: list[Cell] = [_marked(n, maximum, marks), u["unit"]]
        cells += [_number(u["indices"].get(i["code"])) for i in framework["indices"]]
        cells += [_number(u["items"].get(a["code"])) for a in adjustments]
        cells.append(_number(u["total"]))
        if by_percent:
            cells += [maximum, _number(u["percent"])]
        facts = u.get("published", {})
        cells += _rank_cells(u, "rank", u["rank"], "rank" in published)
        if classified:
            cells.append(u["class"])
        for d in derived:
            cells.append(_number(u.get("derived", {}).get(d["code"])))
            if f"rank:{d['code']}" in published:
                cells.append(_rank(facts.get(f"rank:{d['code']}")))
        rows.append(Row(tuple(cells)))
    notes = _mark_notes(marks)
    if adjustments:
        codes = ", ".join(a["code"] for a in adjustments)
        notes.append(f"Tổng điểm: cộng điểm các chỉ số chính và điểm thưởng, trừ điểm trừ (cột {codes}).")
    notes += _ranking_notes(policy)
    if group["excluded"]:
        notes.append("Không xếp hạng (không gửi báo cáo): " + ", ".join(group["excluded"]) + ".")
    return Table(
        key=key,
        title="I. Kết quả đánh giá chung",
        columns=tuple(columns),
        rows=tuple(rows),
        kind="overall",
        group=group["name"],
        notes=tuple(notes),
    )


def _published_ranks(units: Sequence[SnapshotUnit], columns: list[str]) -> set[str]:
    """Which of the rank `columns` the results file published for a larger set than the table's
    units (a rank beyond their number: a region's provinces ranked nationally)."""
    return {
        column
        for u in units
        for column, rank in u.get("published", {}).items()
        if column in columns and Decimal(rank) > len(units)
    }


def _rank(figure: str | None) -> int | None:
    """A published rank ("12") as a whole number."""
    return None if figure is None else int(Decimal(figure))


def _rank_columns(code: str, published: bool) -> list[Column]:
    """A table's rank column; with ranks published for a larger set, those (under `code`) and the
    rank within this table beside them (`rank:table`)."""
    if not published:
        return [Column(code, "Xếp hạng", 0, 0.7)]
    return [Column(code, "Xếp hạng (công bố)", 0, 0.7), Column(TABLE_RANK, "Xếp hạng trong bảng", 0, 0.7)]


def _rank_cells(unit: SnapshotUnit, code: str, own: int | None, published: bool) -> list[Cell]:
    """The cells under `_rank_columns`: the unit's published rank `code` first when shown."""
    return [_rank(unit.get("published", {}).get(code)), own] if published else [own]


def _ranking_notes(policy: _Policy) -> list[str]:
    """What the ranking is on and how ties share a rank, when it is by percent."""
    if policy.ranking.basis is not RankBasis.PERCENT:
        return []
    ties = "hạng kế tiếp liền sau" if policy.ranking.ties is Ties.DENSE else "hạng kế tiếp bỏ qua số hạng trùng"
    decimals = policy.decimals(RankBasis.PERCENT)
    return [
        "Xếp hạng theo tỷ lệ điểm đạt được trên điểm tối đa áp dụng, làm tròn đến "
        f"{decimals} chữ số thập phân; các đơn vị có tỷ lệ bằng nhau cùng hạng, {ties}."
    ]


def _figure(value: Decimal | None) -> Figure:
    return None if value is None else format(value, "f")


def _index_table(group: SnapshotGroup, policy: _Policy, position: int, code: str, key: str) -> Table:
    """One main index's table: its indicators, its total, percent of the unit's max, rank within it."""
    framework = group["framework"]
    index = next(i for i in framework["indices"] if i["code"] == code)
    indicators = [i for i in framework["indicators"] if i["index"] == code]
    full = _number(index["max"])
    units = group["units"]
    scores = [_number(u["indices"].get(code)) for u in units]
    shares = [percent(s, _number(u["index_max"].get(code))) for s, u in zip(scores, units, strict=True)]
    pct = policy.decimals(RankBasis.PERCENT)
    exact = shares if policy.ranking.basis is RankBasis.PERCENT else scores
    places = index_ranks(scores, [_number(u["index_max"].get(code)) for u in units], policy.ranking)
    order = sorted(range(len(units)), key=lambda k: order_key(places[k], exact[k], units[k]["unit"]))
    with_percent = any(share is not None for share in shares)
    maxima = [_number(u["index_max"].get(code)) for u in units]
    marks = _marks(maxima, full)
    lowered = bool(marks)
    p = policy.precision
    columns = [
        Column("stt", "STT", 0, 0.5),
        Column("unit", "Đơn vị", None, 3.0),
        *(Column(i["code"], _max_label(f"{i['code']}. {i['name']}", i["max"]), p) for i in indicators),
        Column(code, _max_label("Tổng điểm", index["max"]), p),
    ]
    if lowered:  # the unit's applicable maximum, as the overall table's max:total
        columns.append(Column(f"max:{code}", "Điểm tối đa áp dụng", p))
    if with_percent:
        columns.append(Column(f"percent:{code}", "Tỷ lệ (%)", pct))
    published = bool(_published_ranks(units, [f"rank:{code}"]))
    columns += _rank_columns(f"rank:{code}", published)
    rows = []
    for n, k in enumerate(order, start=1):
        unit = units[k]
        items = unit["items"]
        own_max = maxima[k]
        short = full is not None and own_max is not None and own_max < full
        answered = any(i["code"] in items for i in indicators)
        cells: list[Cell] = [_marked(n, own_max, marks), unit["unit"]]
        cells += [
            _number(items[i["code"]]) if i["code"] in items else (NA if short and answered else None)
            for i in indicators
        ]
        cells.append(scores[k])
        if lowered:
            cells.append(own_max)
        if with_percent:
            share = shares[k]
            cells.append(None if share is None else round_half_up(share, pct))
        cells += _rank_cells(unit, f"rank:{code}", places[k], published)
        rows.append(Row(tuple(cells)))
    return Table(
        key=key,
        title=f"{position}. {index['name']}",
        columns=tuple(columns),
        rows=tuple(rows),
        kind="index",
        group=group["name"],
        index=code,
        notes=tuple(_mark_notes(marks)),
    )
