"""Load and validate a framework file (`dti/1` YAML, see docs/framework-format.md).

This module owns reading the file and checking the document (indices, groups, indicators,
inputs, ranking, classification, derived figures) into the immutable `dti.engine.model`
objects. Each item's `scoring:` mapping is handed to `dti.engine.method_builder`.

Validation never stops at the first problem: every problem is collected with the file, the
path inside the document and what is wrong, and raised together as a FrameworkError.
"""

from __future__ import annotations

import datetime
import itertools
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from dti.engine.bounded import load_yaml, read_text
from dti.engine.errors import DtiError, FrameworkError, Problem, os_error_text
from dti.engine.method_builder import build_scoring
from dti.engine.methods import DESCRIPTIONS, RATIO_FIELD, Reference, Scoring, Split, ratio_inputs
from dti.engine.model import (
    Band,
    Classification,
    Decision,
    Derived,
    Evidence,
    Field,
    Framework,
    Group,
    Index,
    Indicator,
    InputType,
    ItemKind,
    Level,
    RankBasis,
    RankingPolicy,
    Ties,
)
from dti.engine.numbers import NumberError, round_half_up, to_decimal

FORMAT = "dti/1"
_TOP_KEYS = {
    "format", "code", "name", "decision", "level", "year", "precision", "max", "ranking",
    "classification", "unit_types", "general_info", "indices", "adjustments", "derived",
    "source", "notes",
}  # fmt: skip
_INDEX_KEYS = {"code", "name", "max", "reference_only", "groups", "indicators", "notes"}
_GROUP_KEYS = {"code", "name", "indicators", "notes"}
_ITEM_KEYS = {
    "code", "number", "name", "max", "applies_to", "allow_na", "self_score", "evidence",
    "inputs", "scoring", "notes", "kind",
}  # fmt: skip
_FIELD_KEYS = {"name", "code", "label", "type", "unit", "options", "from", "required", "number"}


def load_framework(path: str | Path) -> Framework:
    """Read and validate a framework file; raise FrameworkError listing every problem.

    A file over the reading limits (`dti.engine.bounded`) is an InputError naming the limit.
    """
    file = str(path)
    try:
        text = read_text(Path(path))
    except FileNotFoundError as exc:
        raise DtiError(f"{file}: không tìm thấy tệp bộ chỉ số") from exc
    except UnicodeDecodeError as exc:
        raise DtiError(f"{file}: tệp bộ chỉ số không phải văn bản UTF-8") from exc
    except OSError as exc:
        raise DtiError(f"{file}: không đọc được tệp bộ chỉ số: {os_error_text(exc)}") from exc
    return parse_framework(text, file=file)


def parse_framework(text: str, *, file: str = "<bộ chỉ số>") -> Framework:
    """Validate framework YAML text; raise FrameworkError listing every problem (InputError over a limit)."""
    try:
        data = load_yaml(text, file=file)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
        raise FrameworkError([Problem(file, where, "YAML sai cú pháp")]) from exc
    return _Loader(file).load(_nfc_normalized(data))


def _nfc_normalized(data: Any) -> Any:
    """The document with every text in Unicode NFC form, so that "ộ" typed either way compares equal."""
    if isinstance(data, str):
        return unicodedata.normalize("NFC", data)
    if isinstance(data, list):
        return [_nfc_normalized(element) for element in data]
    if isinstance(data, dict):
        return {_nfc_normalized(key): _nfc_normalized(value) for key, value in data.items()}
    return data


class _Loader:
    """One validation pass over a parsed document."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.codes: dict[str, str] = {}  # code -> path where first seen
        self.general: dict[str, Field] = {}
        self.unit_types: dict[str, str] = {}
        self.precision = 2

    # -- helpers ------------------------------------------------------------------------

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, path, message))

    def keys(self, data: Mapping[str, Any], allowed: set[str], path: str) -> None:
        for key in data:
            if key not in allowed:
                self.problem(f"{path}.{key}" if path else str(key), "khóa không được hỗ trợ")

    def text(self, data: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(f"{path}.{key}" if path else key, "thiếu giá trị bắt buộc")
            return ""
        if isinstance(value, Mapping | list):
            self.problem(f"{path}.{key}" if path else key, "cần một chuỗi")
            return ""
        return str(value).strip()

    def code(self, data: Mapping[str, Any], path: str) -> str:
        raw = data.get("code")
        if isinstance(raw, float):
            self.problem(f"{path}.code", f'mã {raw} phải viết trong dấu nháy (ví dụ "{raw}") để không bị hiểu là số')
            return ""
        code = self.text(data, "code", path)
        if code and code in self.codes:
            self.problem(f"{path}.code", f"mã '{code}' trùng với {self.codes[code]}")
        elif code:
            self.codes[code] = path
        return code

    def number(self, data: Mapping[str, Any], key: str, path: str) -> Decimal | None:
        raw = data.get(key)
        if raw is None:
            return None
        try:
            value = to_decimal(raw)
        except NumberError as exc:
            self.problem(f"{path}.{key}", str(exc))
            return None
        if value < 0:
            self.problem(f"{path}.{key}", "không được âm")
            return None
        return value

    def boolean(self, data: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
        raw = data.get(key, default)
        if not isinstance(raw, bool):
            self.problem(f"{path}.{key}", "cần true hoặc false")
            return default
        return raw

    def mapping(self, value: Any, path: str) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.problem(path, "cần một bảng (mapping)")
            return None
        return value

    def listing(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, "cần một danh sách")
            return []
        return value

    def enum_member(self, enum: Any, raw: Any, path: str, default: Any) -> Any:
        if raw is None:
            return default
        try:
            return enum(str(raw))
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            self.problem(path, f"'{raw}' không hợp lệ (có: {allowed})")
            return default

    # -- document -----------------------------------------------------------------------

    def load(self, data: Any) -> Framework:
        if not isinstance(data, Mapping):
            raise FrameworkError([Problem(self.file, "", "tệp rỗng hoặc không phải một bảng YAML")])
        self.keys(data, _TOP_KEYS, "")
        if data.get("format") != FORMAT:
            self.problem("format", f"cần 'format: {FORMAT}'")
        code = self.text(data, "code", "")
        name = self.text(data, "name", "")
        level = self.enum_member(Level, data.get("level"), "level", Level.HUYEN)
        if data.get("level") is None:
            self.problem("level", "thiếu cấp đánh giá (so, huyen, xa, tinh, bo)")
        year = data.get("year")
        if not isinstance(year, int) or not 2000 <= year <= 2100:
            self.problem("year", "cần năm, ví dụ 2023")
            year = 0
        precision = data.get("precision", 2)
        if not isinstance(precision, int) or isinstance(precision, bool) or not 0 <= precision <= 6:
            self.problem("precision", "cần số chữ số thập phân từ 0 đến 6")
            precision = 2
        self.precision = precision
        self.unit_types = self.load_unit_types(data.get("unit_types"))
        general = tuple(self.load_general(data.get("general_info")))
        self.general = {field.name: field for field in general}
        indices = tuple(
            self.load_index(raw, position) for position, raw in enumerate(self.listing(data.get("indices"), "indices"))
        )
        if not indices:
            self.problem("indices", "bộ chỉ số cần ít nhất một chỉ số chính")
        adjustments = tuple(
            item
            for position, raw in enumerate(self.listing(data.get("adjustments"), "adjustments"))
            if (item := self.load_item(raw, f"adjustments[{position}]", index="", group="", adjustment=True))
        )
        declared_max = self.number(data, "max", "")
        framework = Framework(
            code=code,
            name=name,
            level=level,
            year=year,
            decision=self.load_decision(data.get("decision")),
            precision=precision,
            declared_max=declared_max,
            ranking=self.load_ranking(data.get("ranking")),
            classification=self.load_classification(data.get("classification")),
            unit_types=self.unit_types,
            general_info=general,
            indices=indices,
            adjustments=adjustments,
            derived=tuple(self.load_derived(data.get("derived"), indices)),
            source=self.text(data, "source", "", required=False),
            notes=self.text(data, "notes", "", required=False),
            file=self.file,
        )
        computed = framework.max
        if declared_max is not None and computed is not None and computed != declared_max:
            self.problem("max", f"tổng điểm tối đa khai báo {declared_max} khác tổng các chỉ số chính {computed}")
        if framework.ranking.basis is RankBasis.PERCENT and computed is None:
            self.problem("ranking.basis", "xếp hạng theo tỷ lệ cần biết điểm tối đa của mọi chỉ số chính")
        if self.problems:
            raise FrameworkError(self.problems)
        return framework

    def load_unit_types(self, raw: Any) -> dict[str, str]:
        if raw is None:
            return {}
        data = self.mapping(raw, "unit_types")
        return {str(code): str(name) for code, name in data.items()} if data else {}

    def load_decision(self, raw: Any) -> Decision | None:
        if raw is None:
            return None
        data = self.mapping(raw, "decision")
        if data is None:
            return None
        self.keys(data, {"number", "date", "issuer"}, "decision")
        date = data.get("date")
        if isinstance(date, str):
            try:
                date = datetime.datetime.strptime(date.strip(), "%d/%m/%Y").date()
            except ValueError:
                self.problem("decision.date", f"ngày '{date}' không hợp lệ (cần 2023-10-06 hoặc 06/10/2023)")
                date = None
        elif date is not None and not isinstance(date, datetime.date):
            self.problem("decision.date", "cần một ngày")
            date = None
        return Decision(
            self.text(data, "number", "decision"), date, self.text(data, "issuer", "decision", required=False)
        )

    def load_ranking(self, raw: Any) -> RankingPolicy:
        if raw is None:
            return RankingPolicy()
        data = self.mapping(raw, "ranking")
        if data is None:
            return RankingPolicy()
        self.keys(data, {"basis", "decimals", "ties"}, "ranking")
        decimals = data.get("decimals", 2)
        if not isinstance(decimals, int) or not 0 <= decimals <= 6:
            self.problem("ranking.decimals", "cần số chữ số thập phân từ 0 đến 6")
            decimals = 2
        return RankingPolicy(
            basis=self.enum_member(RankBasis, data.get("basis"), "ranking.basis", RankBasis.TOTAL),
            decimals=decimals,
            ties=self.enum_member(Ties, data.get("ties"), "ranking.ties", Ties.COMPETITION),
        )

    def load_classification(self, raw: Any) -> Classification | None:
        if raw is None:
            return None
        data = self.mapping(raw, "classification")
        if data is None:
            return None
        self.keys(data, {"basis", "bands"}, "classification")
        bands: list[Band] = []
        for position, band in enumerate(self.listing(data.get("bands"), "classification.bands")):
            path = f"classification.bands[{position}]"
            if not isinstance(band, Mapping):
                self.problem(path, "cần {name, min}")
                continue
            self.keys(band, {"name", "min"}, path)
            minimum = self.number(band, "min", path)
            if minimum is None:
                self.problem(f"{path}.min", "thiếu ngưỡng")
                continue
            bands.append(Band(self.text(band, "name", path), minimum))
        if not bands:
            self.problem("classification.bands", "cần ít nhất một mức xếp loại")
        if any(higher.min <= lower.min for higher, lower in itertools.pairwise(bands)):
            self.problem("classification.bands", "các mức phải xếp từ cao xuống thấp")
        basis = self.enum_member(RankBasis, data.get("basis"), "classification.basis", RankBasis.PERCENT)
        return Classification(basis, tuple(bands))

    def load_field(self, raw: Any, path: str, *, key: str) -> Field | None:
        data = self.mapping(raw, path)
        if data is None:
            return None
        self.keys(data, _FIELD_KEYS, path)
        name = self.text(data, key, path)
        source = data.get("from")
        declared_type = data.get("type")
        if source is not None:
            general = self.general.get(str(source))
            if general is None:
                self.problem(f"{path}.from", f"không có trường thông tin chung '{source}'")
            elif declared_type is None:
                declared_type = general.type.value
        field_type = self.enum_member(InputType, declared_type, f"{path}.type", InputType.NUMBER)
        if declared_type is None:
            self.problem(f"{path}.type", "thiếu kiểu (number, count, percent, yes_no, choice, text)")
        options: dict[str, str] = {}
        if field_type is InputType.CHOICE:
            raw_options = data.get("options")
            if not isinstance(raw_options, Mapping) or not raw_options:
                self.problem(f"{path}.options", "trường lựa chọn cần options: {mã: nhãn}")
            else:
                options = {str(code): str(label) for code, label in raw_options.items()}
        elif "options" in data:
            self.problem(f"{path}.options", "chỉ trường kiểu choice mới có options")
        label = self.text(data, "label", path, required=source is None)
        if not label and source is not None and source in self.general:
            label = self.general[source].label
        return Field(
            name=name,
            label=label,
            type=field_type,
            unit=self.text(data, "unit", path, required=False),
            options=options,
            source=str(source) if source is not None else None,
            required=self.boolean(data, "required", path, True),
            number=self.text(data, "number", path, required=False),
        )

    def load_general(self, raw: Any) -> list[Field]:
        fields: list[Field] = []
        seen: set[str] = set()
        for position, item in enumerate(self.listing(raw, "general_info")):
            path = f"general_info[{position}]"
            if isinstance(item, Mapping) and "from" in item:
                self.problem(f"{path}.from", "thông tin chung không lấy từ trường khác")
            field = self.load_field(item, path, key="code")
            if field is None:
                continue
            if field.name in seen:
                self.problem(f"{path}.code", f"mã '{field.name}' trùng")
            seen.add(field.name)
            fields.append(field)
        return fields

    def load_index(self, raw: Any, position: int) -> Index:
        path = f"indices[{position}]"
        data = self.mapping(raw, path) or {}
        self.keys(data, _INDEX_KEYS, path)
        code = self.code(data, path)
        path = f"indices[{code or position}]"
        reference = self.boolean(data, "reference_only", path, False)
        raw_direct = self.listing(data.get("indicators"), f"{path}.indicators")
        direct = tuple(
            item
            for position, raw_item in enumerate(raw_direct)
            if (
                item := self.load_item(
                    raw_item, f"{path}.indicators[{position}]", index=code, group="", reference=reference
                )
            )
        )
        dropped = len(direct) != len(raw_direct)
        groups: list[Group] = []
        for group_position, raw_group in enumerate(self.listing(data.get("groups"), f"{path}.groups")):
            group_path = f"{path}.groups[{group_position}]"
            group_data = self.mapping(raw_group, group_path) or {}
            self.keys(group_data, _GROUP_KEYS, group_path)
            group_code = self.code(group_data, group_path)
            group_path = f"{path}.groups[{group_code or group_position}]"
            raw_items = self.listing(group_data.get("indicators"), f"{group_path}.indicators")
            items = tuple(
                item
                for position, raw_item in enumerate(raw_items)
                if (
                    item := self.load_item(
                        raw_item,
                        f"{group_path}.indicators[{position}]",
                        index=code,
                        group=group_code,
                        reference=reference,
                    )
                )
            )
            dropped = dropped or len(items) != len(raw_items)
            if not raw_items:
                self.problem(f"{group_path}.indicators", "nhóm cần ít nhất một chỉ số thành phần")
            groups.append(Group(group_code, self.text(group_data, "name", group_path), items))
        declared = self.number(data, "max", path)
        indicators = direct + tuple(item for group in groups for item in group.indicators)
        maxima = [item.max for item in indicators if not item.reference_only]
        known_maxima = (maximum for maximum in maxima if maximum is not None)
        computed = sum(known_maxima, Decimal(0)) if maxima and None not in maxima else None
        if reference:
            if declared is not None:
                self.problem(f"{path}.max", "chỉ số chỉ để tham khảo không có điểm tối đa")
            declared = None
        elif declared is not None and computed is not None and declared != computed and not dropped:
            listing = " + ".join(f"{item.code}: {item.max}" for item in indicators if not item.reference_only)
            self.problem(
                f"{path}.max",
                f"điểm tối đa {declared} khác tổng điểm tối đa các chỉ số thành phần {computed} ({listing})",
            )
        return Index(
            code=code,
            name=self.text(data, "name", path),
            max=declared if declared is not None else computed,
            reference_only=reference,
            groups=tuple(groups),
            direct=direct,
            indicators=tuple(sorted(indicators, key=lambda item: code_order(item.code))),
        )

    def load_item(
        self,
        raw: Any,
        path: str,
        *,
        index: str,
        group: str,
        reference: bool = False,
        adjustment: bool = False,
    ) -> Indicator | None:
        data = self.mapping(raw, path)
        if data is None:
            return None
        self.keys(data, _ITEM_KEYS, path)
        code = self.code(data, path)
        path = f"{path.rsplit('[', 1)[0]}[{code}]" if code else path
        max_points = self.item_max(data, path)
        kind = self.item_kind(data, path, max_points, adjustment=adjustment)
        inputs = self.item_inputs(data, path)
        scoring: Scoring | None
        if data.get("scoring") is None and reference:
            scoring = Reference()
        else:
            scoring = build_scoring(
                data.get("scoring"),
                file=self.file,
                path=f"{path}.scoring",
                inputs={field.name: field for field in inputs},
                problems=self.problems,
            )
        if scoring is None:
            return None
        self.check_scoring_max(scoring, max_points, path)
        if ratio_inputs(scoring):
            inputs.append(
                Field(
                    RATIO_FIELD,
                    "Tỷ lệ, khi chỉ có tỷ lệ mà không có tử số và mẫu số",
                    InputType.PERCENT,
                    "%",
                    required=False,
                )
            )
        applies_to = self.load_applies(data.get("applies_to"), f"{path}.applies_to")
        return Indicator(
            code=code,
            name=self.text(data, "name", path),
            max=max_points,
            scoring=scoring,
            inputs=tuple(inputs),
            index=index,
            group=group,
            kind=kind,
            applies_to=applies_to,
            allow_na=self.boolean(data, "allow_na", path, True),
            self_score=self.boolean(data, "self_score", path, True),
            evidence=self.load_evidence(data.get("evidence"), f"{path}.evidence"),
        )

    def item_max(self, data: Mapping[str, Any], path: str) -> Decimal | None:
        """An item's maximum, which the framework's precision must be able to write."""
        max_points = self.number(data, "max", path)
        if max_points is not None and max_points != round_half_up(max_points, self.precision):
            self.problem(
                f"{path}.max", f"điểm tối đa {max_points} có nhiều chữ số thập phân hơn độ chính xác ({self.precision})"
            )
        return max_points

    def item_kind(
        self, data: Mapping[str, Any], path: str, max_points: Decimal | None, *, adjustment: bool
    ) -> ItemKind:
        """An indicator, or for an adjustment its `kind:` (bonus or penalty, with a maximum)."""
        if not adjustment:
            if "kind" in data:
                self.problem(f"{path}.kind", "chỉ dùng cho điểm thưởng/điểm trừ (adjustments)")
            return ItemKind.INDICATOR
        kind: ItemKind = self.enum_member(ItemKind, data.get("kind"), f"{path}.kind", ItemKind.BONUS)
        if kind is ItemKind.INDICATOR or data.get("kind") is None:
            self.problem(f"{path}.kind", "cần 'bonus' (điểm thưởng) hoặc 'penalty' (điểm trừ)")
        if max_points is None:
            self.problem(f"{path}.max", "điểm thưởng/điểm trừ cần điểm tối đa")
        return kind

    def item_inputs(self, data: Mapping[str, Any], path: str) -> list[Field]:
        """An item's input fields, each name used once (and never the reserved `ratio`)."""
        inputs: list[Field] = []
        for position, raw_field in enumerate(self.listing(data.get("inputs"), f"{path}.inputs")):
            field = self.load_field(raw_field, f"{path}.inputs[{position}]", key="name")
            if field is None:
                continue
            if any(other.name == field.name for other in inputs) or field.name == RATIO_FIELD:
                self.problem(f"{path}.inputs[{position}].name", f"tên trường '{field.name}' trùng hoặc dành riêng")
            inputs.append(field)
        return inputs

    def check_scoring_max(self, scoring: Scoring, max_points: Decimal | None, path: str) -> None:
        """The item's maximum agrees with its method: needed or not, and a split's parts adding up to it."""
        if scoring.needs_max and max_points is None:
            self.problem(f"{path}.max", f"phương pháp '{scoring.method}' cần điểm tối đa")
        if isinstance(scoring, Split):
            for position, part in enumerate(scoring.parts):
                if part.max != round_half_up(part.max, self.precision):
                    self.problem(
                        f"{path}.scoring.parts[{position}].max",
                        f"điểm tối đa {part.max} có nhiều chữ số thập phân hơn độ chính xác ({self.precision})",
                    )
        if isinstance(scoring, Split) and max_points is not None:
            total = sum((part.max for part in scoring.parts), Decimal(0))
            if total != max_points:
                self.problem(f"{path}.scoring.parts", f"tổng điểm các phần {total} khác điểm tối đa {max_points}")
        if isinstance(scoring, Reference) and max_points is not None:
            self.problem(f"{path}.max", "chỉ số chỉ để tham khảo không có điểm tối đa")

    def load_applies(self, raw: Any, path: str) -> frozenset[str] | None:
        if raw is None:
            return None
        unit_types = [str(unit_type) for unit_type in self.listing(raw, path)]
        for unit_type in unit_types:
            if self.unit_types and unit_type not in self.unit_types:
                self.problem(path, f"loại đơn vị '{unit_type}' không có trong unit_types")
        return frozenset(unit_types)

    def load_evidence(self, raw: Any, path: str) -> Evidence | None:
        if raw is None:
            return None
        if isinstance(raw, str):
            return Evidence(True, raw)
        data = self.mapping(raw, path)
        if data is None:
            return None
        self.keys(data, {"required", "description"}, path)
        return Evidence(
            self.boolean(data, "required", path, True), self.text(data, "description", path, required=False)
        )

    def load_derived(self, raw: Any, indices: tuple[Index, ...]) -> list[Derived]:
        known = {index.code for index in indices}
        scored = tuple(index.code for index in indices if not index.reference_only)
        result: list[Derived] = []
        for position, item in enumerate(self.listing(raw, "derived")):
            path = f"derived[{position}]"
            data = self.mapping(item, path)
            if data is None:
                continue
            self.keys(data, {"code", "name", "indices", "decimals"}, path)
            code = self.code(data, path)
            names = data.get("indices")
            if names == "all":
                codes = scored
            elif isinstance(names, list) and names:
                codes = tuple(str(name) for name in names)
                for index_code in codes:
                    if index_code not in known:
                        self.problem(f"{path}.indices", f"không có chỉ số chính '{index_code}'")
            else:
                self.problem(f"{path}.indices", "cần danh sách mã chỉ số chính hoặc 'all'")
                continue
            decimals = data.get("decimals", 4)
            if not isinstance(decimals, int) or not 0 <= decimals <= 8:
                self.problem(f"{path}.decimals", "cần số chữ số thập phân từ 0 đến 8")
                decimals = 4
            result.append(Derived(code, self.text(data, "name", path), codes, decimals))
        return result


def code_order(code: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key of a code in document numbering: "I.2.1" after "I.1" and before "I.3"."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in code.split("."))


def describe(item: Indicator) -> str:
    """The scoring method of an item in plain Vietnamese words (for templates and the UI)."""
    return DESCRIPTIONS.get(item.scoring.method, item.scoring.method)
