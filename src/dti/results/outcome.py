"""What a unit sees of its own result: claim, appraised scores, adjustments and the explanation
exchanged, and once published, the published figures with its rank and class.

Nothing is computed here. The claim and the appraised scores are the appraisal side's own
(`dti.appraisal.selectors.unit_scores`: the engine on the unit's data, with the verdicts applied
and min–max items bounded by the group); the published figures, rank and class are read from
the latest snapshot. Before the appraisal is finished (`OUTCOME_SHOWN`) no figure is shown:
the verdicts are provisional until the appraisers close the unit (docs/appraisal.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from dti.appraisal.models import Question, Review
from dti.appraisal.selectors import UnitScores, unit_scores
from dti.assessments.models import Assessment, Entry
from dti.assessments.selectors import OUTCOME_SHOWN, InputView, shown_value
from dti.results.models import Approval, Publication, PublishedUnit
from dti.results.public import Decision
from dti.results.selectors import Row, dec, indexed

if TYPE_CHECKING:
    from dti.engine import Field, Index, Indicator, ItemScore


@dataclass(frozen=True)
class Correction:
    """An input the appraisers corrected: the unit's value and theirs, as people read them."""

    label: str
    claimed: str
    appraised: str
    unit: str


@dataclass(frozen=True)
class IndicatorOutcome:
    """One indicator: the unit's claim, the appraised score, the verdict and the questions about it."""

    item: Indicator
    claimed: ItemScore | None
    appraised: ItemScore | None
    published: Decimal | None
    review: Review | None
    corrections: list[Correction]
    questions: list[Question]  # sent to the unit, with its answers

    @property
    def difference(self) -> Decimal | None:
        """Appraised minus claimed, when both exist and differ."""
        claimed = self.claimed.score if self.claimed else None
        appraised = self.appraised.score if self.appraised else None
        if claimed is None or appraised is None or claimed == appraised:
            return None
        return appraised - claimed

    @property
    def adjusted(self) -> bool:
        """The appraisers changed what the unit claimed (inputs, score or N/A), with a reason."""
        return self.review is not None and self.review.changes

    @property
    def na_refused(self) -> bool:
        """The unit asked for N/A and the appraisers refused it."""
        return self.review is not None and self.review.na_decision == Review.NaDecision.REFUSED


@dataclass(frozen=True)
class IndexOutcome:
    """One main index (or the bonus and penalty points, `index` None) with its indicators."""

    index: Index | None
    max: Decimal | None
    claimed: Decimal | None
    appraised: Decimal | None
    published: Decimal | None
    indicators: list[IndicatorOutcome]


@dataclass(frozen=True)
class PublishedOutcome:
    """The unit's line in the latest published version: rank, class, figures, its public page."""

    publication: Publication
    row: Row
    group_size: int
    url: str

    @property
    def total(self) -> Decimal | None:
        """The published total."""
        return dec(self.row.data["total"])


@dataclass(frozen=True)
class Outcome:
    """The unit's outcome page; `shown` False: the appraisal is not finished, no figure is shown."""

    assessment: Assessment
    shown: bool
    scores: UnitScores | None = None
    indices: list[IndexOutcome] = field(default_factory=list)
    decision: Decision | None = None  # the council's approval
    published: PublishedOutcome | None = None

    @property
    def adjusted(self) -> int:
        """How many indicators the appraisers adjusted."""
        return sum(1 for index in self.indices for item in index.indicators if item.adjusted)

    @property
    def asked(self) -> int:
        """How many indicators the unit was asked to explain."""
        return sum(1 for index in self.indices for item in index.indicators if item.questions)


def unit_outcome(assessment: Assessment) -> Outcome:
    """The unit's outcome: nothing before its appraisal is finished; then its claim beside the
    appraised scores; once approved the decision; once published the published figures.

    A fixed number of queries whatever the size of the campaign: the unit's data with its group's
    stored bounds (`unit_scores`), the questions sent, the approval, the latest publication's
    index and the unit's record in it.
    """
    if assessment.status not in OUTCOME_SHOWN:
        return Outcome(assessment, shown=False)
    scores = unit_scores(assessment)
    published = _published(assessment)
    row = published.row.data if published else None
    entries = {entry.code: entry for entry in scores.assessment.entries.all()}
    questions: dict[str, list[Question]] = {}
    for question in assessment.questions.filter(request__isnull=False).select_related("answered_by", "request"):
        questions.setdefault(question.code, []).append(question)

    def indicator(item: Indicator) -> IndicatorOutcome:
        review = scores.reviews.get(item.code)
        return IndicatorOutcome(
            item=item,
            claimed=scores.claimed.items.get(item.code),
            appraised=scores.appraised.items.get(item.code),
            published=dec(row["items"].get(item.code)) if row else None,
            review=review,
            corrections=_corrections(item, review, entries.get(item.code), assessment.general),
            questions=questions.get(item.code, []),
        )

    framework = assessment.framework()
    indices = [
        IndexOutcome(
            index,
            scores.appraised.index_max.get(index.code, index.max),
            scores.claimed.indices.get(index.code),
            scores.appraised.indices.get(index.code),
            dec(row["indices"].get(index.code)) if row else None,
            [indicator(item) for item in index.indicators if not item.reference_only],
        )
        for index in framework.scored_indices
    ]
    extra = [indicator(item) for item in framework.adjustments if not item.reference_only]
    if extra:
        indices.append(IndexOutcome(None, None, None, None, None, extra))
    approval = Approval.objects.filter(campaign_id=assessment.participation.campaign_id).first()
    return Outcome(assessment, True, scores, indices, decision_of(approval) if approval else None, published)


def decision_of(approval: Approval) -> Decision:
    """The council's decision as the results pages show it (`results/_decision.html`)."""
    return {
        "number": approval.decision_number,
        "date": approval.decision_date,
        "date_text": approval.decision_date_text,
        "signer": approval.signer,
    }


def _corrections(
    item: Indicator, review: Review | None, entry: Entry | None, general: dict[str, object]
) -> list[Correction]:
    """The inputs the appraisers corrected, beside what the unit had (its own value or its general info)."""
    if review is None or not review.values:
        return []
    own = entry.values if entry else {}
    out = []
    for input_field in item.inputs:
        if input_field.name not in review.values:
            continue
        claimed = own.get(input_field.name)
        if claimed is None and input_field.source:
            claimed = general.get(input_field.source)
        out.append(
            Correction(
                input_field.label,
                _readable(input_field, claimed),
                _readable(input_field, review.values[input_field.name]),
                input_field.unit,
            )
        )
    return out


def _readable(input_field: Field, stored: object) -> str:
    return InputView(input_field, shown_value(input_field, stored)).shown or _("chưa có")


def _published(assessment: Assessment) -> PublishedOutcome | None:
    """The unit's line in its campaign's latest published version (None: not published), read from
    the publication's index: the unit's own record, not the whole snapshot."""
    if assessment.status != Assessment.Status.PUBLISHED:
        return None
    campaign_id = assessment.participation.campaign_id
    publication = Publication.objects.filter(campaign_id=campaign_id).defer("snapshot").order_by("-version").first()
    if publication is None:
        return None
    index = indexed(publication)
    unit = PublishedUnit.objects.filter(publication_id=index.pk, name=assessment.participation.unit.name).first()
    if unit is None:
        return None
    url = reverse("public:unit", args=[campaign_id, unit.key])
    return PublishedOutcome(publication, Row(unit.key, unit.data), index.head["groups"][unit.group - 1]["size"], url)
