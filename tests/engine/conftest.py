"""Small builders for engine tests: frameworks from YAML text, units, and one-line scoring."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

from dti.engine.loader import parse_framework
from dti.engine.model import Framework
from dti.engine.scoring import ItemScore, UnitInputs, score_item

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORKS = ROOT / "frameworks"

HEADER = """\
format: dti/1
code: thu-nghiem
name: Bộ chỉ số thử nghiệm
level: huyen
year: 2023
"""


def D(text: str | int) -> Decimal:
    """A Decimal from text or int (never from a float)."""
    return Decimal(str(text))


def framework(body: str, *, precision: int | None = None, header: str = HEADER) -> Framework:
    """A framework from the header plus `body` (YAML text, dedented)."""
    text = header
    if precision is not None:
        text += f"precision: {precision}\n"
    return parse_framework(text + textwrap.dedent(body))


def single(
    scoring: str,
    inputs: str = "[]",
    *,
    max: object = 10,
    precision: int | None = None,
    general: str = "[]",
    extra: str = "",
) -> Framework:
    """A framework with one index `I` holding one indicator `I.1`.

    `scoring` and `inputs` are YAML flow text; `extra` adds more keys to the indicator
    (each line `key: value`).
    """
    extra_lines = "".join(f"        {line.strip()}\n" for line in extra.strip().splitlines())
    body = (
        f"general_info: {general}\n"
        "indices:\n"
        '  - code: "I"\n'
        "    name: Chỉ số thử\n"
        "    indicators:\n"
        "      - code: I.1\n"
        "        name: Chỉ số thành phần thử\n"
        f"        max: {max}\n"
        f"        inputs: {inputs}\n"
        f"        scoring: {scoring}\n"
        f"{extra_lines}"
    )
    text = HEADER + (f"precision: {precision}\n" if precision is not None else "") + body
    return parse_framework(text)


def unit(name: str = "Đơn vị A", **values: object) -> UnitInputs:
    """A unit whose indicator `I.1` has these input values."""
    return UnitInputs(name, values={"I.1": dict(values)} if values else {})


def score(fw: Framework, code: str = "I.1", *, general: dict[str, object] | None = None, **values: object) -> ItemScore:
    """Score one item of `fw` for a unit giving `values` to that item, with a trace."""
    inputs = UnitInputs("Đơn vị A", general=dict(general or {}), values={code: dict(values)})
    item = fw.item(code)
    assert item is not None, code
    return score_item(fw, item, inputs, explain=True)


RATIO_INPUTS = "[{name: a, label: Tử số, type: count}, {name: b, label: Mẫu số, type: count}]"
