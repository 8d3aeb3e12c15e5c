"""How far a unit's data has got: the indicators that apply to it and those with data enough to score.

One rule for every page that shows it (the unit's own page and the campaign's list of units),
so that both count the same indicators the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from dti.engine.model import Framework, Indicator
from dti.engine.scoring import ItemScore, Status, UnitResult


def is_complete(score: ItemScore) -> bool:
    """An indicator with data enough to score, or not applicable."""
    return score.status in (Status.OK, Status.NA)


def applicable(framework: Framework, result: UnitResult) -> list[Indicator]:
    """The indicators that count toward a unit's progress: those of the main indices that are
    scored and apply to its type (one the unit asked to set aside as N/A still counts, as
    done); reference-only items and bonus or penalty points never count."""
    return [
        item
        for index in framework.indices
        for item in index.indicators
        if not item.reference_only and (result.items[item.code].status is not Status.NA or item.applies(result.type))
    ]


@dataclass(frozen=True, slots=True)
class Completion:
    """Of the indicators that apply to a unit (`total`), how many have data enough to score."""

    complete: int
    total: int

    @property
    def percent(self) -> int:
        """The share done, a whole percentage for a progress bar (100 when nothing applies)."""
        return round(self.complete * 100 / self.total) if self.total else 100


def completion(framework: Framework, result: UnitResult) -> Completion:
    """How many of the indicators that apply to the unit have data enough to score."""
    items = applicable(framework, result)
    return Completion(sum(is_complete(result.items[item.code]) for item in items), len(items))
