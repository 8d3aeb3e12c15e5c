"""Reading the unit list for its page: the tree of units, searched and filtered, in two queries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from dti.core.listing import Filter, ListQuery, Option
from dti.engine import name_key
from dti.units.models import Unit, UnitType

ACTIVE, INACTIVE = "dang-hoat-dong", "ngung-hoat-dong"


@dataclass(frozen=True, slots=True)
class Node:
    """One line of the tree: a unit, how deep it is and how many units are directly under it.

    `context`: the unit does not match the search, it is shown as the parent of one that does.
    """

    unit: Unit
    depth: int
    children: int
    context: bool = False

    @property
    def indent(self) -> int:
        """The indentation step for the page (dti.css has steps 0–5)."""
        return min(self.depth, 5)


@dataclass(frozen=True, slots=True)
class UnitList:
    """The unit page: the tree lines shown, the search and filters, how many units match of all."""

    nodes: list[Node]
    query: ListQuery
    shown: int
    total: int


def tree(units: list[Unit]) -> list[Node]:
    """Units in tree order (province → department/district → commune), siblings in Vietnamese
    alphabetical order ("Đông Anh" before "Gia Lâm", not after "Yên Mỹ")."""
    units = sorted(units, key=lambda u: name_key(u.name))
    children: dict[int | None, list[Unit]] = {}
    ids = {u.pk for u in units}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in ids else None
        children.setdefault(parent, []).append(unit)
    nodes: list[Node] = []
    done: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for unit in children.get(parent, []):
            if unit.pk in done:  # a loop in stored data: show each unit once
                continue
            done.add(unit.pk)
            nodes.append(Node(unit, depth, len(children.get(unit.pk, []))))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    for unit in units:  # units only reachable through a loop
        if unit.pk not in done:
            done.add(unit.pk)
            nodes.append(Node(unit, 0, len(children.get(unit.pk, []))))
    return nodes


def _roots(units: list[Unit]) -> dict[int, Unit]:
    """Each unit's top-level unit (its province), by unit id, from the loaded units only."""
    by_id = {u.pk: u for u in units}
    roots: dict[int, Unit] = {}
    for unit in units:
        node, seen = unit, {unit.pk}
        while node.parent_id in by_id and node.parent_id not in seen:
            node = by_id[node.parent_id]
            seen.add(node.pk)
        roots[unit.pk] = node
    return roots


def _filters(units: list[Unit], roots: Mapping[int, Unit], types: list[UnitType]) -> list[Filter]:
    """Province (a top-level unit with units under it), unit type, active or not."""
    provinces = sorted({roots[u.pk] for u in units if u.parent_id in roots}, key=lambda u: name_key(u.name))
    return [
        Filter("tinh", _("Tỉnh"), tuple(Option(str(p.pk), p.name) for p in provinces)),
        Filter("loai", _("Loại đơn vị"), tuple(Option(t.code, t.name) for t in types)),
        Filter(
            "trang-thai",
            _("Trạng thái"),
            (Option(ACTIVE, _("Đang hoạt động")), Option(INACTIVE, _("Ngừng hoạt động"))),
        ),
    ]


def unit_list(params: Mapping[str, str]) -> UnitList:
    """The tree with the search (`tim`: name) and filters (`tinh`, `loai`, `trang-thai`) of `params`.

    A unit that matches is shown with the units above it (marked as context), so the tree
    still reads province → district → commune.
    """
    units = list(Unit.objects.select_related("unit_type"))
    types = sorted(UnitType.objects.all(), key=lambda t: name_key(t.name))
    roots = _roots(units)
    query = ListQuery.read(params, _filters(units, roots, types))
    nodes = tree(units)
    if not query.active:
        return UnitList(nodes, query, len(nodes), len(nodes))
    matched = {
        node.unit.pk
        for node in nodes
        if query.keeps(
            node.unit.name,
            {
                "tinh": str(roots[node.unit.pk].pk),
                "loai": node.unit.unit_type.code,
                "trang-thai": ACTIVE if node.unit.is_active else INACTIVE,
            },
        )
    }
    by_id = {u.pk: u for u in units}
    shown = set(matched)
    for pk in matched:
        parent = by_id[pk].parent_id
        while parent in by_id and parent not in shown:
            shown.add(parent)
            parent = by_id[parent].parent_id
    kept = [Node(n.unit, n.depth, n.children, n.unit.pk not in matched) for n in nodes if n.unit.pk in shown]
    return UnitList(kept, query, len(matched), len(nodes))
