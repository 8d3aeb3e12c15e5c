"""The DTI scoring engine: framework files in, scores, ranks and checks out.

Pure Python: no Django, no database, no pandas. The command line (`dti score`, `dti check`…)
and the Django apps both use it, and so does `benchmarks/engine.py`. Every figure is a
`Decimal`; every message meant for a person is Vietnamese.

The modules, from the bottom up:

- `errors`: the errors the engine reports to people (`Problem`, `DtiError`, `FrameworkError`,
  `InputError`).
- `numbers`: Decimal numbers the Vietnamese way: parsing, half-up rounding, display (`fmt`).
- `bounded`: reading YAML and JSON from outside within fixed limits (size, nesting, aliases,
  values), used by `loader` and `inputs`; `MAX_SOURCE_BYTES` is the size limit.
- `model`: the immutable framework model (`Framework`, `Index`, `Indicator`, `Field`…).
- `expression`: safe arithmetic formulas (the `expression` method, points like "max_points / 2").
- `methods`: the scoring methods (`YesNo`, `Ratio`, `Tiers`…): how one indicator's inputs
  become points.
- `method_builder`: building a scoring method from an item's `scoring:` mapping, with every
  parameter checked.
- `loader`: reading and validating a framework file into the model.
- `tables`: reading CSV/XLSX files within fixed limits (zip sizes and ratio, rows, columns, cells,
  cell length; docs/files.md "Giới hạn khi đọc tệp") into rows that remember where each cell was, and the one rule
  every CSV/XLSX writer applies to text cells (`spreadsheet_text`, no formula injection) with its
  inverse for reading our files back (`spreadsheet_value`).
- `inputs`: a unit's raw data: parsing one value by its field type, reading inputs files.
- `scoring`: a unit's inputs → indicator, index and total scores (`score_unit`,
  `score_campaign`).
- `progress`: how far a unit's data has got (`completion`: indicators complete of those that
  apply), the one count the unit's page and the campaign's page show.
- `ranking`: ranks inside ranking groups and within one index (`index_ranks`), classification
  bands, derived 0–1 figures, and how every output shows a unit: its figures rounded once
  (`figures`) and its place in a ranked list (`display_key`, `order_key`: rank, exact value,
  Vietnamese name order).
- `results`: published or collected results files, one row per unit, with what they published
  (ranks of a larger set, DTI, 0–1 values) and the figure each rank column orders by.
- `checks`: consistency checks of a published results table (sums, derived figures, percents,
  ranks by number or, for part of a ranked set, by order).
- `workbook`: appendix workbooks (an overall table and one table per index), read whole
  (`read_appendix`) and checked across their sheets (`check_appendix`); `TABLE_RANK` is the
  code of the rank within a table printed beside published ranks of a larger set.
- `lineage`: year over year across reorganised units and changed frameworks: a unit's past
  figures through renames, merges (the mean of its predecessors) and splits (`trace`), the
  checks of a recorded change (`link_problems`), codes left without a counterpart (`unmatched`),
  what became of a unit (`fate`).
- `analysis`: the rules of a unit's analysis report: changes with signs, rank changes in
  words, indicators by band of percent of max, target rank ranges, group means, code matching.
- `whatif`: what-if for a unit (points to each rank above, points still available, neighbours)
  and the robustness of a ranking (margins up and down, ranks one rounding step would change).

`__all__` below is the engine's public surface: what the CLI, the apps and the benchmarks may
import, always from `dti.engine` itself, never from its modules (tests/engine/test_public_surface.py
keeps it so). Inside the engine, modules import each other directly.
"""

from __future__ import annotations

from dti.engine.analysis import (
    MINUS,
    REACH_LABELS,
    WEAK,
    BandCount,
    Bands,
    Progress,
    RankRange,
    Reach,
    Scored,
    TargetStatus,
    count_bands,
    match_codes,
    mean,
    out_of,
    parse_rank_range,
    position,
    rank_change,
    signed,
    target_progress,
    value_change,
)
from dti.engine.bounded import MAX_BYTES as MAX_SOURCE_BYTES
from dti.engine.checks import KINDS, Finding, check_table
from dti.engine.errors import DtiError, FrameworkError, InputError, Problem, os_error_text
from dti.engine.fingerprint import ENGINE_FINGERPRINT
from dti.engine.inputs import parse_score, parse_value, read_inputs, template_rows
from dti.engine.lineage import (
    KIND_LABELS,
    RULE_LABELS,
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
from dti.engine.loader import describe, load_framework, parse_framework
from dti.engine.methods import (
    DESCRIPTIONS,
    AllOrNothing,
    Choice,
    Deduction,
    Expression,
    GatedRatio,
    Measure,
    Measured,
    PerItem,
    Points,
    RatioTarget,
    Relative,
    Scoring,
    Split,
    Tiers,
    YesNo,
    ratio_conflicts,
)
from dti.engine.model import Field, Framework, Index, Indicator, InputType, RankBasis, RankingPolicy, Ties
from dti.engine.numbers import (
    HUNDRED,
    NumberError,
    fmt,
    fmt_percent,
    parse_number,
    percent,
    plain,
    round_half_up,
    to_decimal,
)
from dti.engine.progress import Completion, applicable, completion, is_complete
from dti.engine.ranking import (
    Figures,
    basis_value,
    display_key,
    figures,
    index_basis,
    index_ranks,
    name_key,
    order_key,
    rank_results,
    ranks,
    shown_decimals,
)
from dti.engine.results import (
    PublishedRow,
    PublishedTable,
    column_ranks,
    ranked_value,
    read_results,
    results_of_table,
    row_result,
)
from dti.engine.scoring import (
    STATUS_LABELS,
    ItemScore,
    Status,
    UnitInputs,
    UnitResult,
    relative_bounds,
    score_campaign,
    score_unit,
)
from dti.engine.tables import Row, Table, read_table, spreadsheet_text, spreadsheet_value
from dti.engine.whatif import (
    ItemRoom,
    Margin,
    Neighbour,
    Standing,
    Step,
    WhatIf,
    points_to_fall,
    points_to_reach,
    robustness,
    shown_value,
    what_if,
)
from dti.engine.workbook import TABLE_RANK, Appendix, AppendixSheet, check_appendix, read_appendix

__all__ = [
    "DESCRIPTIONS",
    "ENGINE_FINGERPRINT",
    "HUNDRED",
    "KINDS",
    "KIND_LABELS",
    "MAX_SOURCE_BYTES",
    "MINUS",
    "REACH_LABELS",
    "RULE_LABELS",
    "STATUS_LABELS",
    "TABLE_RANK",
    "WEAK",
    "AllOrNothing",
    "Appendix",
    "AppendixSheet",
    "BandCount",
    "Bands",
    "Choice",
    "Completion",
    "Deduction",
    "DtiError",
    "Expression",
    "Field",
    "Figures",
    "Finding",
    "Framework",
    "FrameworkError",
    "GatedRatio",
    "Incomparable",
    "Index",
    "Indicator",
    "InputError",
    "InputType",
    "ItemRoom",
    "ItemScore",
    "LineageKind",
    "Link",
    "Margin",
    "Measure",
    "Measured",
    "Neighbour",
    "NumberError",
    "PastRule",
    "PastScores",
    "PerItem",
    "Points",
    "Problem",
    "Progress",
    "PublishedRow",
    "PublishedTable",
    "RankBasis",
    "RankRange",
    "RankingPolicy",
    "RatioTarget",
    "Reach",
    "Relative",
    "Row",
    "Scored",
    "Scoring",
    "Split",
    "Standing",
    "Status",
    "Step",
    "Table",
    "TargetStatus",
    "Tiers",
    "Ties",
    "UnitInputs",
    "UnitResult",
    "WhatIf",
    "YesNo",
    "applicable",
    "basis_value",
    "check_appendix",
    "check_table",
    "column_ranks",
    "completion",
    "count_bands",
    "describe",
    "display_key",
    "fate",
    "figures",
    "find_cycle",
    "fmt",
    "fmt_percent",
    "index_basis",
    "index_ranks",
    "is_complete",
    "link_problems",
    "load_framework",
    "match_codes",
    "mean",
    "mean_scores",
    "name_key",
    "order_key",
    "os_error_text",
    "out_of",
    "parse_framework",
    "parse_number",
    "parse_rank_range",
    "parse_score",
    "parse_value",
    "percent",
    "plain",
    "points_to_fall",
    "points_to_reach",
    "position",
    "rank_change",
    "rank_results",
    "ranked_value",
    "ranks",
    "ratio_conflicts",
    "read_appendix",
    "read_inputs",
    "read_results",
    "read_table",
    "relative_bounds",
    "results_of_table",
    "robustness",
    "round_half_up",
    "row_result",
    "score_campaign",
    "score_unit",
    "shown_decimals",
    "shown_value",
    "signed",
    "spreadsheet_text",
    "spreadsheet_value",
    "target_progress",
    "template_rows",
    "to_decimal",
    "trace",
    "unmatched",
    "value_change",
    "what_if",
]
