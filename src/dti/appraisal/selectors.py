"""Reading appraisal data: the unit's claim and the appraised truth, both scored by the engine.

The claim ("tự đánh giá") is the unit's data with its self scores in place of the formula's
where it gave one; the appraised result is the unit's data with the appraisers' corrections
(inputs, scores, N/A decisions) applied. Both go through the same engine, so every figure
on the workspace, the chair's page and the published snapshot is reproducible.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dti.appraisal.models import Assignment, OfficialFigure, Question, Review
from dti.appraisal.standing import APPRAISED_STATUSES as APPRAISED_STATUSES
from dti.appraisal.standing import ReviewRow, group_bounds, scored_members
from dti.appraisal.standing import appraised_inputs as appraised_inputs
from dti.appraisal.standing import claimed_inputs as claimed_inputs
from dti.assessments.models import Assessment
from dti.campaigns.models import CampaignGroup
from dti.engine import Framework, Indicator, UnitInputs, UnitResult, rank_results, score_unit

if TYPE_CHECKING:
    from dti.accounts.models import User

# What a page about one assessment reads with it: the unit and its type, the campaign, the framework.
ASSESSMENT_RELATED = ("participation__unit__unit_type", "participation__campaign", "participation__group__framework")


def index_of(framework: Framework) -> dict[str, str]:
    """Each indicator's main index code (bonus/penalty items have none)."""
    return {i.code: index.code for index in framework.indices for i in index.indicators}


def reviewable(framework: Framework, unit_type: str | None) -> list[Indicator]:
    """The items an appraiser must give a verdict on for a unit of this type."""
    return [i for i in framework.walk() if not i.reference_only and i.applies(unit_type)]


@dataclass(frozen=True)
class Scored:
    """One unit's claim and its appraised result."""

    assessment: Assessment
    claimed: UnitResult
    appraised: UnitResult


@dataclass(frozen=True)
class UnitScores(Scored):
    """One unit scored alone (`unit_scores`), with its verdicts; `appraised_inputs` is what the
    appraised result was computed from (kept to explain it)."""

    reviews: dict[str, Review] = field(default_factory=dict)
    appraised_inputs: UnitInputs | None = None


@dataclass(frozen=True)
class GroupScores(Scored):
    """One unit of a ranking group scored with the others (`group_scores`), ranked in the group;
    its verdicts as read for scoring."""

    reviews: dict[str, ReviewRow] = field(default_factory=dict)


def group_scores(group: CampaignGroup, statuses: Sequence[str] = APPRAISED_STATUSES) -> list[GroupScores]:
    """Every unit of a group in `statuses` scored twice (claim, appraised), ranked on the appraised result.

    Min–max (relative) items compare the units of the group, as the published ranking does.
    The units share the group in hand (its framework's text is read once, not with every unit),
    and their entries and verdicts are read as plain rows, a few hundred units at a time
    (`standing.scored_members`): at national size ~500,000 rows no model instance is made for.
    """
    framework = group.framework.engine()
    scores = [
        GroupScores(
            assessment=assessment,
            claimed=claimed,
            appraised=appraised,
            reviews={review.code: review for review in verdicts},
        )
        for assessment, claimed, appraised, verdicts in scored_members(group, framework, statuses)
    ]
    rank_results(framework, [unit.claimed for unit in scores])
    rank_results(framework, [unit.appraised for unit in scores])
    return scores


def unit_scores(assessment: Assessment) -> UnitScores:
    """One submitted unit's claim and appraised result (with its traces), min–max items bounded by
    its group's stored bounds (`standing.group_bounds`): a fixed number of queries whatever the
    group's size, the same figures as `group_scores` (unranked: no page about one unit shows a
    rank before publication). LookupError when the unit has not submitted."""
    if assessment.status not in APPRAISED_STATUSES:
        raise LookupError(assessment.pk)
    framework = assessment.framework()
    bounds = group_bounds(assessment.participation.group)
    entries = list(assessment.entries.all())
    reviews = list(assessment.reviews.all())
    appraised = appraised_inputs(assessment, entries, reviews)
    return UnitScores(
        assessment=assessment,
        claimed=score_unit(framework, claimed_inputs(assessment, entries), relative=bounds.claimed),
        appraised=score_unit(framework, appraised, explain=True, relative=bounds.appraised),
        reviews={review.code: review for review in reviews},
        appraised_inputs=appraised,
    )


def draft_counts(assessment_ids: Collection[int]) -> dict[int, int]:
    """How many drafted questions (not yet sent to the unit) each unit has, in one query (0: none)."""
    counted = (
        Question.objects.filter(assessment_id__in=assessment_ids, request__isnull=True)
        .order_by()
        .values_list("assessment_id")
        .annotate(n=Count("pk"))
    )
    return dict.fromkeys(assessment_ids, 0) | dict(counted)


def unfinished(assessment: Assessment, drafts: int | None = None) -> list[str]:
    """What still stands between this unit's appraisal and its end (empty: it may be closed);
    `drafts` its drafted questions when a caller of many units counted them (`draft_counts`)."""
    problems: list[str] = []
    if drafts is None:
        drafts = draft_counts([assessment.pk])[assessment.pk]
    if drafts:
        problems.append(
            ngettext(
                "còn %(n)d câu hỏi giải trình chưa gửi đơn vị",
                "còn %(n)d câu hỏi giải trình chưa gửi đơn vị",
                drafts,
            )
            % {"n": drafts}
        )
    framework = assessment.framework()
    reviews = {r.code: r for r in assessment.reviews.all()}
    missing = [
        i.code for i in reviewable(framework, assessment.participation.unit.unit_type.code) if i.code not in reviews
    ]
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        problems.append(_("%(n)d chỉ số chưa được thẩm định (%(codes)s)") % {"n": len(missing), "codes": shown})
    request = assessment.explanation_requests.first()
    if request is not None and request.answered_at is not None:
        stale = sorted(
            {
                q.code
                for q in request.questions.all()
                if q.code not in reviews or reviews[q.code].updated_at < request.answered_at
            }
        )
        if stale:
            problems.append(_("chưa thẩm định lại sau giải trình: %(codes)s") % {"codes": ", ".join(stale)})
    return problems


def review_progress(
    framework: Framework,
    unit_type: str | None,
    reviewed: Collection[str],
    index_codes: Sequence[str] | None = None,
) -> tuple[int, int]:
    """(reviewed, to review) for a unit of this type whose `reviewed` indicator codes have a verdict,
    over the whole framework or only the main indices `index_codes`."""
    items = reviewable(framework, unit_type)
    if index_codes:
        owner = index_of(framework)
        items = [i for i in items if owner.get(i.code) in index_codes]
    return sum(1 for i in items if i.code in reviewed), len(items)


def progress(assessment: Assessment, index_codes: Sequence[str] | None = None) -> tuple[int, int]:
    """(reviewed, to review) for the unit, or only for the main indices `index_codes`."""
    reviewed = set(assessment.reviews.values_list("code", flat=True))
    return review_progress(assessment.framework(), assessment.participation.unit.unit_type.code, reviewed, index_codes)


def appraiser_in_scope(user: User, assessment: Assessment, index_code: str | None) -> bool:
    """Whether `user` is assigned this unit (and, given `index_code`, that main index): the APPRAISE rule's scope."""
    assignment = Assignment.objects.filter(participation_id=assessment.participation_id, appraiser_id=user.pk).first()
    return assignment is not None and assignment.covers(index_code)


def in_scope_codes(user: User, assessment: Assessment) -> set[str] | None:
    """The main indices this appraiser covers on the unit (None: all of them)."""
    return _scopes(user, [assessment])[assessment.pk]


def _scopes(user: User, assessments: Sequence[Assessment]) -> dict[int, set[str] | None]:
    """`in_scope_codes` of each unit, by assessment, in one query."""
    assignments = {
        a.participation_id: a
        for a in Assignment.objects.filter(
            participation_id__in=[x.participation_id for x in assessments], appraiser_id=user.pk
        )
    }
    scopes: dict[int, set[str] | None] = {}
    for assessment in assessments:
        assignment = assignments.get(assessment.participation_id)
        scopes[assessment.pk] = set() if assignment is None else set(assignment.indices) or None
    return scopes


def unreviewed(assessment: Assessment, user: User) -> list[str]:
    """The indicators in the person's scope with neither a verdict nor a question: what "accept the
    remaining indicators" accepts (a question's answer must be read and judged one by one)."""
    return unreviewed_many([assessment], user)[assessment.pk]


def unreviewed_many(assessments: Sequence[Assessment], user: User) -> dict[int, list[str]]:
    """`unreviewed` of each unit, by assessment, in three queries whatever their number (the units
    read with their unit type and group framework)."""
    ids = [assessment.pk for assessment in assessments]
    scopes = _scopes(user, assessments)
    done: dict[int, set[str]] = {pk: set() for pk in ids}
    for model in (Review, Question):
        for pk, code in (
            model._default_manager.filter(assessment_id__in=ids).order_by().values_list("assessment_id", "code")
        ):
            done[pk].add(code)
    remaining: dict[int, list[str]] = {}
    for assessment in assessments:
        framework = assessment.framework()
        owner, scope = index_of(framework), scopes[assessment.pk]
        remaining[assessment.pk] = [
            i.code
            for i in reviewable(framework, assessment.participation.unit.unit_type.code)
            if i.code not in done[assessment.pk] and (scope is None or owner.get(i.code) in scope)
        ]
    return remaining


@dataclass(frozen=True)
class OfficialCheck:
    """An official figure beside the unit's own value of the same input."""

    code: str
    field: str
    label: str
    official: Decimal
    claimed: object
    source: str
    differs: bool  # beyond the tolerance, or the unit gave no value


def official_checks(
    assessment: Assessment, figures: list[OfficialFigure] | None = None
) -> dict[str, list[OfficialCheck]]:
    """Per indicator code, the official figures held for this unit compared with its claim.

    A difference counts when |claimed − official| > tolerance × |official| (an exact match
    is required when the official figure is 0). A page listing many units passes each unit's
    `figures` it has already read (and prefetches the assessments' entries), so that it runs no
    query per unit.
    """
    if figures is None:
        figures = list(OfficialFigure.objects.filter(participation_id=assessment.participation_id))
    if not figures:
        return {}
    framework = assessment.framework()
    inputs = assessment.unit_inputs()
    checks: dict[str, list[OfficialCheck]] = {}
    for figure in figures:
        item = framework.item(figure.code)
        input_field = item.input(figure.field) if item else None
        claimed = inputs.values.get(figure.code, {}).get(figure.field)
        if claimed is None and input_field is not None and input_field.source:
            claimed = inputs.general.get(input_field.source)
        if isinstance(claimed, Decimal):
            differs = abs(claimed - figure.value) > figure.tolerance * abs(figure.value)
        else:
            differs = True
        label = input_field.label if input_field else figure.field
        checks.setdefault(figure.code, []).append(
            OfficialCheck(figure.code, figure.field, label, figure.value, claimed, figure.source, differs)
        )
    return checks


def appraisable_item_or_404(assessment: Assessment, code: str) -> None:
    """404 unless `code` is an indicator of the assessment's framework that is appraised (not reference only)."""
    item = assessment.framework().item(code)
    if item is None or item.reference_only:
        raise Http404
