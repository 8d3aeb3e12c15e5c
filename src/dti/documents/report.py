"""One unit's analysis report as a `Document`: where it stands, where it lost points, how it
compares with last year and with its group, what people wrote about causes and measures, and
its targets.

Every figure comes from a published snapshot (`dti.results.snapshot`: decimal strings at the
framework's precision) and every rule (changes, ranks in words, bands, targets, means) from
the engine (`dti.engine.analysis`); nothing here is typed by hand. A comparison that cannot be
made (no counterpart last year, no max to place an indicator in a band) is said, never
invented. The renderers (`dti.documents.docx`, `dti.documents.pdf`) print it.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from dti.documents import charts
from dti.documents.appendix import group_name
from dti.documents.content import Block, Column, Document, Heading, Image, Paragraph, Row, Style, Table
from dti.documents.layout import LOOKS, text_width_mm
from dti.engine import (
    REACH_LABELS,
    WEAK,
    Bands,
    DtiError,
    Progress,
    Reach,
    Scored,
    TargetStatus,
    count_bands,
    fmt,
    index_ranks,
    mean,
    out_of,
    parse_rank_range,
    percent,
    position,
    rank_change,
    ranks,
    signed,
    target_progress,
    unmatched,
    value_change,
)
from dti.results.snapshot import (
    Figure,
    Snapshot,
    SnapshotDerived,
    SnapshotFramework,
    SnapshotGroup,
    SnapshotIndex,
    SnapshotUnit,
    ranking_policy,
)

CHART_MM = 160.0
COMPARISON_ROWS = 40
"""A larger group's comparison table shows the first units and those ranked near the unit."""
LEADERS = 5
PORTRAIT_INDICES = 6
"""With more indices the comparison table's numbers no longer fit a portrait page: landscape."""
ELLIPSIS_EM = 1.0  # "…" is one em wide in Times New Roman and in DejaVu Serif


def dotted(landscape: bool) -> str:
    """A line of "…" to fill by hand, across the body's line (after its first-line indent) on a
    page of the report's orientation, a little short so that it never wraps: 28 of them filled
    half a landscape line."""
    look = LOOKS[Style.BODY]
    room = text_width_mm(landscape) - look.first_indent_mm
    return "…" * int(0.96 * room / (ELLIPSIS_EM * look.size * 25.4 / 72))


NOT_COMPARABLE = "không so sánh được"


@dataclass(frozen=True, slots=True)
class Previous:
    """Last year's results to compare with: its snapshot, the unit's name in it, which index of
    last year each index compares with (current code → previous code), and how last year's
    figures were made when that needs saying ("so với bình quân của các đơn vị hợp nhất")."""

    snapshot: Snapshot
    unit: str
    codes: Mapping[str, str]
    note: str = ""
    figures: SnapshotUnit | None = None
    """Last year's figures when they are no single unit of the snapshot (a merged unit: the mean
    of its predecessors, which has no rank); `unit` then names one of them, whose group gives
    the framework and the ranks of the others."""


@dataclass(frozen=True, slots=True)
class Sections:
    """The texts people write and keep with the report (re-used next year); paragraphs are
    separated by line breaks; an empty one prints dotted lines to fill by hand."""

    causes: str = ""
    agencies: str = ""
    measures: str = ""


@dataclass(frozen=True, slots=True)
class Target:
    """A target rank range ("10–15", "≤ 10", "≥ 5") of an index (its code, or "total", or a
    derived figure such as "DTI") for a year."""

    index: str
    year: int
    ranks: str


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """The unit's total and rank in one year."""

    year: int
    total: Decimal | None
    rank: int | None


def number(figure: Figure) -> Decimal | None:
    """A snapshot figure (decimal string or null) as a Decimal."""
    return None if figure is None else Decimal(figure)


def published(unit: SnapshotUnit) -> Mapping[str, str]:
    """The published facts a results file gave for the unit (`rank`, `rank:<code>`, derived
    values by code), or nothing."""
    return unit.get("published", {})


def _key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def find_unit(snapshot: Snapshot, name: str) -> tuple[SnapshotGroup, SnapshotUnit]:
    """The unit called `name` (case and spacing aside) and its group; an unknown name is refused
    with a Vietnamese message listing the names that come close."""
    wanted = _key(name)
    names: list[str] = []
    for group in snapshot["groups"]:
        for unit in group["units"]:
            if _key(unit["unit"]) == wanted:
                return group, unit
            names.append(unit["unit"])
    near = [n for n in names if wanted and wanted in _key(n)]
    near += [n for n in difflib.get_close_matches(name, names, n=5, cutoff=0.6) if n not in near]
    hint = f"; có phải: {', '.join(near[:5])}?" if near else f"; các đơn vị có: {', '.join(names[:8])}"
    raise DtiError(f"không có đơn vị '{name}' trong kết quả{hint}")


@dataclass(frozen=True, slots=True)
class _Group:
    """One ranking group as the report reads it: its framework, units, and the ranks of each
    index and derived figure within it (the framework's tie rule)."""

    framework: SnapshotFramework
    units: list[SnapshotUnit]
    precision: int
    indices: list[SnapshotIndex]  # counted indices (reference-only ones are shown apart)
    index_ranks: dict[str, dict[str, int | None]]
    derived_ranks: dict[str, dict[str, int | None]]

    @property
    def ranked(self) -> int:
        """How many units of the group have a rank."""
        return sum(1 for unit in self.units if unit["rank"] is not None)

    def unit(self, name: str) -> SnapshotUnit | None:
        return next((unit for unit in self.units if unit["unit"] == name), None)

    def index_percent(self, unit: SnapshotUnit, code: str) -> Decimal | None:
        """The unit's score of index `code` as a percent of its max for that index."""
        return percent(number(unit["indices"].get(code)), number(unit["index_max"].get(code)))


def derived_value(unit: SnapshotUnit, code: str) -> Decimal | None:
    """A derived figure (DTI, a pillar) of the unit: as published when the file gave it (an
    earlier year's facts), else as computed."""
    given = published(unit).get(code)
    return Decimal(given) if given else number(unit.get("derived", {}).get(code))


def _read(group: SnapshotGroup) -> _Group:
    framework = group["framework"]
    units = group["units"]
    policy = ranking_policy(framework)
    counted = [index for index in framework["indices"] if not index.get("reference", False)]
    by_index = {
        index["code"]: _by_unit(
            units,
            index_ranks(
                [number(u["indices"].get(index["code"])) for u in units],
                [number(u["index_max"].get(index["code"])) for u in units],
                policy,
            ),
        )
        for index in counted
    }
    derived_ranks = {
        derived["code"]: _by_unit(units, ranks([derived_value(u, derived["code"]) for u in units], policy.ties))
        for derived in framework.get("derived", [])
    }
    return _Group(framework, units, framework["precision"], counted, by_index, derived_ranks)


def _by_unit(units: Sequence[SnapshotUnit], places: Sequence[int | None]) -> dict[str, int | None]:
    return {unit["unit"]: rank for unit, rank in zip(units, places, strict=True)}


@dataclass(frozen=True, slots=True)
class _Past:
    """Last year's group and the unit's figures in it (None when it is not there); `ranked`:
    the figures are a unit of the group (a merged unit's mean has no rank)."""

    group: _Group | None
    unit: SnapshotUnit | None
    year: int
    codes: Mapping[str, str]
    note: str
    ranked: bool = True

    def rank(self, ranks: Mapping[str, Mapping[str, int | None]], code: str) -> int | None:
        """The unit's rank last year for index or derived figure `code` (`ranks` of its group)."""
        if self.unit is None or not self.ranked:
            return None
        return ranks.get(code, {}).get(self.unit["unit"])


def _past(previous: Previous | None) -> _Past | None:
    if previous is None:
        return None
    year = previous.snapshot["campaign"]["year"]
    for group in previous.snapshot["groups"]:
        if any(unit["unit"] == previous.unit for unit in group["units"]):
            past = _read(group)
            figures = previous.figures or past.unit(previous.unit)
            return _Past(past, figures, year, previous.codes, previous.note, ranked=previous.figures is None)
    return _Past(None, None, year, previous.codes, previous.note)


def build_unit_report(
    snapshot: Snapshot,
    unit: str,
    *,
    heading: Heading,
    previous: Previous | None = None,
    sections: Sections | None = None,
    targets: Sequence[Target] = (),
    bands: Bands | None = None,
    trend: Sequence[TrendPoint] = (),
) -> Document:
    """The analysis report of `unit` in `snapshot`'s campaign (domain.md, "What the analysis
    report contains"), compared with `previous` when given. Raises DtiError (Vietnamese) for an
    unknown unit or a target that cannot be read."""
    group_data, own = find_unit(snapshot, unit)
    group = _read(group_data)
    year = snapshot["campaign"]["year"]
    past = _past(previous)
    title = f"Phân tích kết quả Chỉ số chuyển đổi số năm {year} của {own['unit']}"
    blocks: list[Block] = [Paragraph("BÁO CÁO", Style.TITLE), Paragraph(title, Style.SUBTITLE)]
    blocks += _overview(snapshot, group_data, group, own, past, trend)
    blocks += _indices(group, own, past)
    blocks += _bands(group, own, bands or Bands())
    blocks += _comparison(group, own)
    landscape = len(group.indices) > PORTRAIT_INDICES
    blocks += _sections(sections or Sections(), dotted(landscape))
    blocks += _targets(group, own, year, targets, dotted(landscape))
    framework = group.framework
    return Document(
        heading=heading,
        blocks=tuple(blocks),
        landscape=landscape,
        title=f"Báo cáo phân tích kết quả Chỉ số chuyển đổi số năm {year} — {own['unit']}",
        framework=f"{framework['name']} ({framework['code']})",
        meta={"unit": own["unit"], "year": str(year), "campaign": snapshot["campaign"]["name"]},
    )


# --- I. Overall result ----------------------------------------------------------------------


def _overview(
    snapshot: Snapshot,
    group_data: SnapshotGroup,
    group: _Group,
    own: SnapshotUnit,
    past: _Past | None,
    trend: Sequence[TrendPoint],
) -> list[Block]:
    precision = group.precision
    framework = group.framework
    total, maximum = number(own["total"]), number(own["max"])
    text = f"Năm {snapshot['campaign']['year']}, {own['unit']} đạt {fmt(total, precision)} điểm"
    if maximum is not None:
        text += f" trên tổng số {fmt(maximum, precision)} điểm tối đa"
    share = number(own["percent"])
    if share is not None:
        text += f" ({fmt(share, framework['decimals'])} %)"
    if own["rank"] is not None:
        text += f", xếp hạng {position(own['rank'], group.ranked)} trong {_where(snapshot, group_data)}"
    if own["class"]:
        text += f", xếp loại {own['class']}"
    blocks: list[Block] = [Paragraph("I. KẾT QUẢ CHUNG", Style.HEADING), Paragraph(text + ".")]
    facts = _published_ranks(group, own)
    if facts:
        blocks.append(Paragraph("Thứ hạng đã công bố (trong tập đơn vị rộng hơn): " + "; ".join(facts) + "."))
    if past is not None:
        blocks.append(Paragraph(_total_change(group, own, past)))
    if framework.get("derived"):
        blocks.append(_derived_table(group, own, past))
    points = [point for point in sorted(trend, key=lambda p: p.year) if point.total is not None]
    if len(points) >= 2:
        png = charts.trend_png(
            [p.year for p in points], [p.total for p in points if p.total is not None], [p.rank for p in points]
        )
        blocks.append(Image(png, CHART_MM, f"Tổng điểm và thứ hạng của {own['unit']} qua các năm"))
    return blocks


def _where(snapshot: Snapshot, group: SnapshotGroup) -> str:
    """Where the unit is ranked: its group's name in quotes ("nhóm xếp hạng “Nhóm 2: Huyện, thị xã,
    thành phố”"); the results table when it is the only group and has no name but a bare code."""
    if group_name(group["name"]) or (group["name"] and len(snapshot["groups"]) > 1):
        return f"nhóm xếp hạng “{group['name']}”"
    return "bảng kết quả"


def _published_ranks(group: _Group, own: SnapshotUnit) -> list[str]:
    """The unit's published ranks when they are those of a larger set than the group (a
    region's provinces ranked among all 63: some rank beyond the group's size); else none,
    since the ranks within the group say the same."""
    beyond = any(
        int(Decimal(value)) > len(group.units)
        for unit in group.units
        for key, value in published(unit).items()
        if key.split(":")[0] == "rank" and value
    )
    if not beyond:
        return []
    facts = published(own)
    names = {d["code"]: d["name"] for d in group.framework.get("derived", [])}
    names |= {i["code"]: i["name"] for i in group.framework["indices"]}
    shown = [f"tổng thể hạng {facts['rank']}"] if facts.get("rank") else []
    for key, value in facts.items():
        if key.startswith("rank:") and value:
            code = key.split(":", 1)[1]
            shown.append(f"{names.get(code, code)} hạng {value}")
    return shown


def _total_change(group: _Group, own: SnapshotUnit, past: _Past) -> str:
    if past.unit is None:
        return f"Kết quả năm {past.year} không có {own['unit']}: {NOT_COMPARABLE} với năm trước."
    before = number(past.unit["total"])
    change = value_change(number(own["total"]), before, group.precision)
    text = f"So với năm {past.year} ({fmt(before, group.precision)} điểm"
    text += f", hạng {past.unit['rank']})" if past.unit["rank"] is not None else ")"
    text += ": tổng điểm " + (signed(change, group.precision) if change is not None else NOT_COMPARABLE)
    moved = rank_change(own["rank"], past.unit["rank"])
    text += f", thứ hạng {moved}" if moved else ""
    return text + "." + (f" {past.note}" if past.note else "")


def _derived_table(group: _Group, own: SnapshotUnit, past: _Past | None) -> Table:
    columns = [
        Column("code", "Mã", width=0.6),
        Column("name", "Chỉ số", width=2.6),
        Column("value", "Giá trị", 4),
        Column("rank", "Hạng trong nhóm", 0, width=0.8),
        Column("published", "Hạng công bố", width=0.8),
    ]
    compare = past is not None and past.unit is not None
    if compare:
        columns += [Column("before", "Năm trước", 4), Column("change", "Thay đổi"), Column("moved", "Thay đổi hạng")]
    rows = []
    facts = published(own)
    for derived in group.framework.get("derived", []):
        code = derived["code"]
        value = derived_value(own, code)
        rank = group.derived_ranks[code].get(own["unit"])
        cells: list[Decimal | int | str | None] = [
            code,
            derived["name"],
            value,
            rank,
            _published_rank(group, facts, derived),
        ]
        if compare and past is not None and past.unit is not None and past.group is not None:
            before = derived_value(past.unit, code)
            change = value_change(value, before, derived["decimals"])
            before_rank = past.rank(past.group.derived_ranks, code)
            cells += [
                before,
                signed(change, derived["decimals"]) if change is not None else NOT_COMPARABLE,
                rank_change(rank, before_rank) or NOT_COMPARABLE,
            ]
        rows.append(Row(tuple(cells)))
    return Table("tong-hop", "Chỉ số tổng hợp và các trụ cột", tuple(columns), tuple(rows))


def _published_rank(group: _Group, facts: Mapping[str, str], derived: SnapshotDerived) -> str:
    """The published rank of a derived figure: its own (`rank:CQS`); for one over all the counted
    indices (the DTI) the published overall rank, for one over a single index that index's
    (the table left the DTI's blank while the text above gave "tổng thể hạng 9")."""
    code, over = derived["code"], derived["indices"]
    if facts.get(f"rank:{code}"):
        return facts[f"rank:{code}"]
    counted = {index["code"] for index in group.framework["indices"] if not index.get("reference")}
    if set(over) == counted:
        return facts.get("rank", "")
    return facts.get(f"rank:{over[0]}", "") if len(over) == 1 else ""


# --- II. Each index -------------------------------------------------------------------------


def _indices(group: _Group, own: SnapshotUnit, past: _Past | None) -> list[Block]:
    framework, precision = group.framework, group.precision
    compare = past is not None and past.unit is not None and past.group is not None
    columns = [
        Column("code", "Mã", width=0.5),
        Column("name", "Chỉ số chính", width=2.2),
        Column("score", "Điểm", precision),
        Column("max", "Tối đa", precision),
        Column("percent", "Tỷ lệ (%)", framework["decimals"]),
        Column("rank", "Hạng", 0, width=0.8),
    ]
    if compare:
        columns += [
            Column("before", "Điểm năm trước", precision),
            Column("change", "Thay đổi điểm"),
            Column("before_rank", "Hạng năm trước", 0, width=0.8),
            Column("moved", "Thay đổi hạng", width=1.2),
        ]
    rows = [Row(tuple(_index_cells(group, own, index, past if compare else None))) for index in group.indices]
    total = [
        "",
        "Tổng điểm",
        number(own["total"]),
        number(own["max"]),
        number(own["percent"]),
        own["rank"],
    ]
    if compare and past is not None and past.unit is not None:
        change = value_change(number(own["total"]), number(past.unit["total"]), precision)
        total += [
            number(past.unit["total"]),
            signed(change, precision) if change is not None else NOT_COMPARABLE,
            past.unit["rank"],
            rank_change(own["rank"], past.unit["rank"]) or NOT_COMPARABLE,
        ]
    rows.append(Row(tuple(total), bold=True))
    table = _without_empty(
        Table("chi-so", "Điểm, thứ hạng của từng chỉ số chính", tuple(columns), tuple(rows)), ("max", "percent")
    )
    notes = tuple(_index_notes(group, past))
    blocks: list[Block] = [Paragraph("II. KẾT QUẢ TỪNG CHỈ SỐ CHÍNH", Style.HEADING), replace(table, notes=notes)]
    shares = [group.index_percent(own, index["code"]) for index in group.indices]
    if group.indices and all(share is not None for share in shares):
        means = [mean(group.index_percent(u, i["code"]) for u in group.units) for i in group.indices]
        png = charts.bars_png(
            [index["name"] for index in group.indices],
            [share for share in shares if share is not None],
            mean=[m for m in means if m is not None] if all(m is not None for m in means) else None,
        )
        blocks.append(Image(png, CHART_MM, f"Tỷ lệ điểm so với điểm tối đa của từng chỉ số chính — {own['unit']}"))
    return blocks


def _without_empty(table: Table, codes: Sequence[str]) -> Table:
    """`table` without those of the columns `codes` that are empty in every row (the max and the
    percent of a framework that states no max)."""
    keep = [
        n
        for n, column in enumerate(table.columns)
        if column.code not in codes or any(row.cells[n] is not None for row in table.rows)
    ]
    return replace(
        table,
        columns=tuple(table.columns[n] for n in keep),
        rows=tuple(replace(row, cells=tuple(row.cells[n] for n in keep)) for row in table.rows),
    )


def _index_cells(
    group: _Group, own: SnapshotUnit, index: SnapshotIndex, past: _Past | None
) -> list[Decimal | int | str | None]:
    code, precision = index["code"], group.precision
    score = number(own["indices"].get(code))
    rank = group.index_ranks[code].get(own["unit"])
    cells: list[Decimal | int | str | None] = [
        code,
        index["name"],
        score,
        number(own["index_max"].get(code)),
        group.index_percent(own, code),
        rank,
    ]
    if past is None or past.unit is None or past.group is None:
        return cells
    before_code = past.codes.get(code)
    if before_code is None or before_code not in past.group.index_ranks:
        return [*cells, None, NOT_COMPARABLE, None, NOT_COMPARABLE]
    before = number(past.unit["indices"].get(before_code))
    before_rank = past.rank(past.group.index_ranks, before_code)
    change = value_change(score, before, precision)
    return [
        *cells,
        before,
        signed(change, precision) if change is not None else NOT_COMPARABLE,
        before_rank,
        rank_change(rank, before_rank) or NOT_COMPARABLE,
    ]


def _index_notes(group: _Group, past: _Past | None) -> list[str]:
    notes = ["Hạng của từng chỉ số: thứ hạng theo điểm của chỉ số đó trong nhóm."]
    reference = [f"{i['code']}. {i['name']}" for i in group.framework["indices"] if i.get("reference", False)]
    if reference:
        notes.append("Chỉ số chỉ để tham khảo, không tính điểm: " + "; ".join(reference) + ".")
    if past is None:
        return notes
    if past.group is None or past.unit is None:
        return [*notes, f"Kết quả năm {past.year} không có đơn vị này: {NOT_COMPARABLE} với năm trước."]
    names_now = {index["code"]: index["name"] for index in group.indices}
    names_then = {index["code"]: index["name"] for index in past.group.indices}
    codes = {now: then for now, then in past.codes.items() if then in names_then}
    new, old = unmatched(names_then, names_now, codes)
    if new:
        listed = "; ".join(f"{code}. {names_now[code]}" for code in new)
        notes.append(f"Chỉ số không có chỉ số tương ứng năm {past.year} ({NOT_COMPARABLE}): {listed}.")
    if old:
        listed = "; ".join(f"{code}. {names_then[code]}" for code in old)
        notes.append(f"Chỉ số năm {past.year} không có chỉ số tương ứng năm nay: {listed}.")
    renamed = [f"{now} với {then}" for now, then in codes.items() if now != then]
    if renamed:
        notes.append(f"So sánh theo chỉ số tương ứng của năm {past.year}: " + "; ".join(renamed) + ".")
    if past.note:
        notes.append(past.note)
    return notes


# --- III. Indicators by band ----------------------------------------------------------------


def _bands(group: _Group, own: SnapshotUnit, bands: Bands) -> list[Block]:
    legend = "; ".join(f"{REACH_LABELS[reach]}: {text}" for reach, text in bands.describe())
    weak = ", ".join(REACH_LABELS[reach].lower() for reach in WEAK)
    blocks: list[Block] = [
        Paragraph("III. MỨC ĐẠT CỦA CÁC CHỈ SỐ THÀNH PHẦN", Style.HEADING),
        Paragraph(
            f"Mức đạt tính theo tỷ lệ điểm so với điểm tối đa của từng chỉ số thành phần: {legend}. "
            f"Chỉ số thành phần yếu là các chỉ số ở mức {weak}."
        ),
    ]
    if not own["items"]:
        return [*blocks, Paragraph("Kết quả không có điểm của các chỉ số thành phần: không xác định được mức đạt.")]
    if all(i["max"] is None for i in group.framework["indicators"]):
        text = "Bộ chỉ số không quy định điểm tối đa của các chỉ số thành phần: không xác định được mức đạt."
        return [*blocks, Paragraph(text)]
    columns = [Column("name", "Chỉ số chính", width=2.4)] + [
        Column(str(reach), REACH_LABELS[reach], 0, width=0.7) for reach in REACH_LABELS
    ]
    names = {i["code"]: i["name"] for i in group.framework["indicators"]}
    rows: list[Row] = []
    weak_lines: list[Block] = []
    notes: list[str] = []
    for index in group.indices:
        counted = count_bands(
            [
                Scored(i["code"], number(own["items"].get(i["code"])), number(i["max"]))
                for i in group.framework["indicators"]
                if i["index"] == index["code"]
            ],
            bands,
        )
        rows.append(Row((index["name"], *(counted.counts[reach] for reach in Reach))))
        if counted.weak:
            listed = "; ".join(
                f"{i.code} {names[i.code]} ({out_of(i.score, i.max)})" for i in counted.weak if i.score is not None
            )
            weak_lines.append(Paragraph(f"{index['code']}. {index['name']}: {listed}."))
        if counted.unbanded:
            notes.append(f"{index['name']}: chưa có điểm tối đa của {', '.join(counted.unbanded)}, không xếp mức.")
    blocks.append(
        Table("muc-dat", "Số chỉ số thành phần theo mức đạt", tuple(columns), tuple(rows), notes=tuple(notes))
    )
    if weak_lines:
        blocks.append(Paragraph("Các chỉ số thành phần yếu (điểm/điểm tối đa):"))
    return blocks + weak_lines


# --- IV. Comparison with the group ----------------------------------------------------------


def _shown_units(group: _Group, own: SnapshotUnit) -> list[SnapshotUnit]:
    """The group's units for the comparison table: all of them, or for a large group the first
    `LEADERS` and those ranked around the unit."""
    units = group.units
    if len(units) <= COMPARISON_ROWS:
        return units
    place = units.index(own)
    half = (COMPARISON_ROWS - LEADERS) // 2
    start = max(LEADERS, min(place - half, len(units) - (COMPARISON_ROWS - LEADERS)))
    return units[:LEADERS] + units[start : start + COMPARISON_ROWS - LEADERS]


def _comparison(group: _Group, own: SnapshotUnit) -> list[Block]:
    precision = group.precision
    columns = [
        Column("rank", "Hạng", 0, width=0.8),
        Column("unit", "Đơn vị", width=2.6),
        *(Column(index["code"], index["code"], precision, width=1.1) for index in group.indices),
        Column("total", "Tổng điểm", precision, width=1.3),
    ]
    shown = _shown_units(group, own)
    rows = [
        Row(
            (
                unit["rank"],
                unit["unit"],
                *(number(unit["indices"].get(index["code"])) for index in group.indices),
                number(unit["total"]),
            ),
            bold=unit is own,
        )
        for unit in shown
    ]
    means = [mean(number(u["indices"].get(index["code"])) for u in group.units) for index in group.indices]
    rows.append(Row((None, "Bình quân của nhóm", *means, mean(number(u["total"]) for u in group.units))))
    notes = [
        "Chỉ số: " + "; ".join(f"{index['code']}. {index['name']}" for index in group.indices) + ".",
        f"Dòng in đậm: {own['unit']}. Bình quân tính trên {len(group.units)} đơn vị của nhóm.",
    ]
    if len(shown) < len(group.units):
        notes.append(
            f"Bảng nêu {len(shown)} trong số {len(group.units)} đơn vị của nhóm: "
            f"{LEADERS} đơn vị đứng đầu và các đơn vị xếp hạng gần {own['unit']}."
        )
    blocks: list[Block] = [
        Paragraph("IV. SO SÁNH VỚI CÁC ĐƠN VỊ TRONG NHÓM", Style.HEADING),
        Table("so-sanh", "Kết quả của các đơn vị trong nhóm", tuple(columns), tuple(rows), notes=tuple(notes)),
    ]
    shares = [group.index_percent(own, index["code"]) for index in group.indices]
    group_means = [mean(group.index_percent(u, i["code"]) for u in group.units) for i in group.indices]
    if len(group.indices) >= 3 and all(s is not None for s in shares) and all(m is not None for m in group_means):
        png = charts.radar_png(
            [index["name"] for index in group.indices],
            [s for s in shares if s is not None],
            [m for m in group_means if m is not None],
            unit=own["unit"],
        )
        blocks.append(Image(png, CHART_MM, "Tỷ lệ điểm so với điểm tối đa: đơn vị và bình quân của nhóm"))
    return blocks


# --- V. Causes, responsibilities, measures --------------------------------------------------


def _sections(sections: Sections, line: str) -> list[Block]:
    blocks: list[Block] = [Paragraph("V. NGUYÊN NHÂN, TRÁCH NHIỆM VÀ GIẢI PHÁP", Style.HEADING)]
    for heading, text in (
        ("1. Nguyên nhân", sections.causes),
        ("2. Trách nhiệm của các cơ quan, đơn vị", sections.agencies),
        ("3. Giải pháp, nhiệm vụ trọng tâm", sections.measures),
    ):
        blocks.append(Paragraph(heading, Style.HEADING))
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        blocks += [Paragraph(line) for line in lines] or [Paragraph(line) for _ in range(3)]
    return blocks


# --- VI. Targets ----------------------------------------------------------------------------


def _targets(group: _Group, own: SnapshotUnit, year: int, targets: Sequence[Target], line: str) -> list[Block]:
    blocks: list[Block] = [Paragraph("VI. MỤC TIÊU VÀ TIẾN ĐỘ", Style.HEADING)]
    if not targets:
        return [*blocks, Paragraph("Chưa đặt mục tiêu thứ hạng cho các năm tới."), Paragraph(line)]
    names = {"total": "Tổng điểm"} | {i["code"]: i["name"] for i in group.framework["indices"]}
    names |= {d["code"]: d["name"] for d in group.framework.get("derived", [])}
    facts = published(own)
    rows: list[Row] = []
    for target in targets:
        if target.index not in names:
            raise DtiError(f"mục tiêu năm {target.year}: không có chỉ số '{target.index}' trong bộ chỉ số")
        wanted = parse_rank_range(target.ranks)
        rank = _current_rank(group, own, target.index, facts)
        state = _target_state(target.year, year, None if rank is None else target_progress(rank, wanted))
        rows.append(Row((names[target.index], str(target.year), str(wanted), rank, state)))
    columns = (
        Column("index", "Chỉ số", width=2.4),
        Column("year", "Năm", width=0.6),
        Column("target", "Mục tiêu (hạng)", width=0.9),
        Column("rank", f"Hạng năm {year}", 0, width=0.8),
        Column("progress", "Đánh giá", width=1.6),
    )
    notes = ("Hạng năm nay: hạng đã công bố khi bảng kết quả có, nếu không là hạng trong nhóm.",)
    return [*blocks, Table("muc-tieu", "Mục tiêu thứ hạng và tiến độ", columns, tuple(rows), notes=notes)]


def _target_state(target_year: int, year: int, progress: Progress | None) -> str:
    """A target judged by this year's rank: met or not only for this year's target; a later
    year's is not due yet, and where the unit stands now is information; an earlier year's
    was due before this year's results."""
    if target_year < year:
        return f"đã qua kỳ đánh giá (mục tiêu năm {target_year})"
    if progress is None:
        return "chưa có thứ hạng"
    if target_year == year:
        return str(progress)
    if progress.status is TargetStatus.MET:
        now = f"hạng năm {year} đã ở trong khoảng mục tiêu"
    elif progress.status is TargetStatus.AHEAD:
        now = f"hạng năm {year} đã vượt {progress.places} bậc"
    else:
        now = f"hạng năm {year} còn cách {progress.places} bậc"
    return f"chưa đến kỳ đánh giá ({now})"


def _current_rank(group: _Group, own: SnapshotUnit, code: str, facts: Mapping[str, str]) -> int | None:
    """This year's rank of `code` ("total", an index, a derived figure): as published when the
    file gave it (targets speak of the larger set), else within the group."""
    given = facts.get("rank" if code == "total" else f"rank:{code}")
    if given:
        return int(Decimal(given))
    if code == "total":
        return own["rank"]
    return (group.index_ranks.get(code) or group.derived_ranks.get(code) or {}).get(own["unit"])
