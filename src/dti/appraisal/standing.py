"""Stored results: what a page needs of a ranking group without scoring the whole group (issue 13 §1).

Two things are kept, both computed by the engine and both stamped:

- `GroupBounds`: the group's min–max bounds (`relative_bounds`), claimed and appraised, read
  only from the relative items' data of its submitted units. A page about one unit scores that
  unit alone with them (`dti.appraisal.selectors.unit_scores`), so its cost does not grow with
  the group.
- `UnitStanding`: each submitted unit's figures (totals, indices, maxima, bonus, penalty), so a
  campaign page reads a group in one query (`group_standings`); ranks, classes and derived
  figures are set on reading by the engine's own `rank_results`.

Staleness cannot show: every write to a unit's scoring data (entries, general info, verdicts,
status, ranking group, unit type) changes the `token` of the unit's row and of its group's
bounds, inside the writer's transaction (the receivers below, and `scores_changed` for bulk
writes). A row is fresh only while the token it was computed under (`computed_token`, read
before the data) is still the current one, and its `stamp` is that of the current bounds, which
names the framework's content hash and the bounds' values. A framework correction changes the
hash: everything is computed again on the next read, or at once by `rebuild`.

What both are computed from, the unit's claim and its appraised data (`claimed_inputs`,
`appraised_inputs`), is built here too; `dti.appraisal.selectors` re-exports it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple, Protocol, TypeVar

from django.db.models import Model, QuerySet
from django.db.models.signals import post_delete, post_save

from dti.appraisal.models import GroupBounds, Review, UnitStanding
from dti.assessments.models import Assessment, Entry, EntryData, from_json
from dti.assessments.signals import scores_changed
from dti.campaigns.models import CampaignGroup, Participation
from dti.engine import (
    ENGINE_FINGERPRINT,
    Framework,
    UnitInputs,
    UnitResult,
    rank_results,
    relative_bounds,
    score_unit,
)
from dti.frameworks.models import Framework as StoredFramework
from dti.frameworks.models import source_hash
from dti.units.models import Unit

Bounds = dict[str, tuple[Decimal, Decimal]]

# Statuses whose data the appraisal results cover (submitted and later).
APPRAISED_STATUSES = (
    Assessment.Status.SUBMITTED,
    Assessment.Status.IN_APPRAISAL,
    Assessment.Status.EXPLANATION_REQUESTED,
    Assessment.Status.EXPLAINED,
    Assessment.Status.APPRAISED,
    Assessment.Status.APPROVED,
    Assessment.Status.PUBLISHED,
    Assessment.Status.REOPENED,
)


class EntryRow(NamedTuple):
    """What scoring reads of an entry (`Assessment.unit_inputs`), read as a plain row: a whole
    group's entries cost no model instance each."""

    assessment_id: int
    code: str
    values: Any
    score: Decimal | None
    self_score: Decimal | None
    na_requested: bool
    na_reason: str


class ReviewData(Protocol):
    """What scoring reads of a verdict: a `Review`, or a `ReviewRow`."""

    @property
    def code(self) -> str: ...
    @property
    def values(self) -> Any: ...
    @property
    def score(self) -> Decimal | None: ...
    @property
    def na_decision(self) -> str: ...


class ReviewRow(NamedTuple):
    """What scoring reads of a verdict (`appraised_inputs`), read as a plain row."""

    assessment_id: int
    code: str
    values: Any
    score: Decimal | None
    na_decision: str

    @property
    def changes(self) -> bool:
        """Whether the verdict changes anything the unit claimed (`Review.changes`)."""
        return Review.adjusts(self.values, self.score, self.na_decision)


_Row = TypeVar("_Row", EntryRow, ReviewRow)
# A unit's scoring data read for many units at once, by assessment id.
_Data = tuple[dict[int, list[EntryRow]], dict[int, list[ReviewRow]]]


@dataclass(frozen=True)
class GroupFigures:
    """A ranking group's min–max bounds as the engine computed them, and the stamp naming them."""

    claimed: Bounds
    appraised: Bounds
    stamp: str


@dataclass(frozen=True)
class StoredScores:
    """One submitted unit of a group as stored: its claim and appraised figures (item scores are
    not kept), ranked in the group by the engine on reading; `reviewed` the codes with a verdict,
    `adjusted` how many verdicts change the claim."""

    assessment_id: int
    unit: str
    claimed: UnitResult
    appraised: UnitResult
    reviewed: frozenset[str]
    adjusted: int


# ---------------------------------------------------------------- reading


def claimed_inputs(assessment: Assessment, entries: Iterable[EntryData] | None = None) -> UnitInputs:
    """The unit's claim: its data, with its self scores in place of the formula's where given."""
    inputs = assessment.unit_inputs(list(entries) if entries is not None else None)
    inputs.overrides = dict(inputs.claimed)
    return inputs


def appraised_inputs(
    assessment: Assessment,
    entries: Iterable[EntryData] | None = None,
    reviews: Iterable[ReviewData] | None = None,
) -> UnitInputs:
    """The unit's data with every appraiser correction applied (what the appraised score is computed from)."""
    framework = assessment.framework()
    inputs = assessment.unit_inputs(list(entries) if entries is not None else None)
    for review in reviews if reviews is not None else assessment.reviews.all():
        item = framework.item(review.code)
        if item is None:
            continue
        fields = {f.name: f for f in item.inputs}
        values = dict(inputs.values.get(review.code, {}))
        for name, raw in review.values.items():
            if name in fields:
                values[name] = from_json(fields[name], raw)
        if values:
            inputs.values[review.code] = values
        if review.score is not None:
            inputs.overrides[review.code] = review.score
        if review.na_decision == Review.NaDecision.REFUSED:
            inputs.na.pop(review.code, None)
    return inputs


def claim_bounds(assessment: Assessment, inputs: UnitInputs) -> Bounds | None:
    """The bounds of the unit's own self-assessment page: its group's claimed bounds widened by
    `inputs` (a unit not yet submitted joins the group as if it were ranked); None when the
    framework has no min–max item. Installed in `dti.assessments.selectors` by the app's ready()."""
    framework = assessment.framework()
    if not _relative_codes(framework):
        return None
    widened = dict(group_bounds(assessment.participation.group).claimed)
    for code, (low, high) in relative_bounds(framework, [inputs]).items():
        known = widened.get(code)
        widened[code] = (low, high) if known is None else (min(known[0], low), max(known[1], high))
    return widened


def group_bounds(group: CampaignGroup) -> GroupFigures:
    """The group's min–max bounds, claimed and appraised: stored, or computed (and stored) when a
    member's data changed since. No query at all when the framework has no min–max item."""
    stored = group.framework
    key = _framework_key(stored)
    framework = stored.engine()
    codes = _relative_codes(framework)
    if not codes:
        return GroupFigures({}, {}, _stamp(key, {}, {}))
    row = _bounds_row(group)
    if row.computed_token == row.token and row.framework == key:
        return GroupFigures(_bounds_of(row.claimed), _bounds_of(row.appraised), row.stamp)
    claimed, appraised = _compute_bounds(group, framework, codes)
    figures = GroupFigures(claimed, appraised, _stamp(key, claimed, appraised))
    GroupBounds.objects.filter(pk=row.pk).update(
        computed_token=row.token,
        framework=key,
        claimed=_bounds_json(claimed),
        appraised=_bounds_json(appraised),
        stamp=figures.stamp,
    )
    return figures


def group_standings(group: CampaignGroup) -> list[StoredScores]:
    """Every submitted unit of the group with its stored figures, ranked by the engine (claim and
    appraised result each ranked in the group, as `group_scores` ranks them), in unit name order.

    One query when nothing changed; otherwise only the units whose data changed are scored again
    (all of them once when the group's bounds moved or the framework changed)."""
    framework = group.framework.engine()
    bounds = group_bounds(group)
    members: list[dict[str, Any]] = [
        dict(member)
        for member in Assessment.objects.filter(participation__group=group, status__in=APPRAISED_STATUSES)
        .order_by("participation__unit__name", "pk")
        .values(
            "pk",
            "participation__unit__name",
            "participation__unit__unit_type__code",
            "standing__token",
            "standing__computed_token",
            "standing__stamp",
            "standing__claimed",
            "standing__appraised",
            "standing__reviewed",
            "standing__adjusted",
        )
    ]
    stale = [
        member["pk"]
        for member in members
        if member["standing__token"] is None
        or member["standing__computed_token"] != member["standing__token"]
        or member["standing__stamp"] != bounds.stamp
    ]
    if stale:
        fresh = _refresh(group, framework, bounds, stale)
        for member in members:
            member.update(fresh.get(member["pk"], {}))
        # A unit that left the submitted ones since the first read is not a member any more.
        members = [member for member in members if member["pk"] in fresh or member["pk"] not in stale]
    out = []
    for member in members:
        name, unit_type = member["participation__unit__name"], member["participation__unit__unit_type__code"]
        out.append(
            StoredScores(
                assessment_id=member["pk"],
                unit=name,
                claimed=_result(member["standing__claimed"], name, group.name, unit_type),
                appraised=_result(member["standing__appraised"], name, group.name, unit_type),
                reviewed=frozenset(member["standing__reviewed"]),
                adjusted=member["standing__adjusted"],
            )
        )
    rank_results(framework, [scores.claimed for scores in out])
    rank_results(framework, [scores.appraised for scores in out])
    return out


def rebuild(group: CampaignGroup) -> int:
    """Compute the group's bounds and every unit's stored figures again now, whatever their tokens
    (`dti manage rebuild_results`: after a change made around the platform); the number of units scored."""
    UnitStanding.objects.filter(assessment__participation__group=group).update(token=_new_token())
    _stale_groups([group.pk])
    return len(group_standings(group))


# ---------------------------------------------------------------- computing


def _framework_key(stored: StoredFramework) -> str:
    """The rules figures are computed under: the content hash of the framework in hand (the stored
    one when its source was not loaded, as `Framework.engine()` keys its parse) with the engine's
    fingerprint, so that a release whose engine scores differently makes every stored figure stale."""
    content = stored.content_hash if "source" in stored.get_deferred_fields() else source_hash(stored.source)
    return hashlib.sha256(f"{ENGINE_FINGERPRINT}:{content}".encode()).hexdigest()


def _relative_codes(framework: Framework) -> list[str]:
    return [item.code for item in framework.walk() if item.scoring.relative]


def _stamp(key: str, claimed: Bounds, appraised: Bounds) -> str:
    """Names the framework and the bounds: stored figures computed under it are still right."""
    text = json.dumps([key, _bounds_json(claimed), _bounds_json(appraised)], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _bounds_json(bounds: Bounds) -> dict[str, list[str]]:
    return {code: [str(low), str(high)] for code, (low, high) in bounds.items()}


def _bounds_of(stored: Mapping[str, list[str]]) -> Bounds:
    return {code: (Decimal(low), Decimal(high)) for code, (low, high) in stored.items()}


def _bounds_row(group: CampaignGroup) -> GroupBounds:
    """The group's bounds row, created (stale) when missing: before any data is read, so that a
    write that commits meanwhile changes its token."""
    row = GroupBounds.objects.filter(group=group).first()
    if row is None:
        GroupBounds.objects.bulk_create([GroupBounds(group=group, token=_new_token())], ignore_conflicts=True)
        row = GroupBounds.objects.get(group=group)
    return row


def scored_members(
    group: CampaignGroup, framework: Framework, statuses: Collection[str] = APPRAISED_STATUSES
) -> Iterator[tuple[Assessment, UnitResult, UnitResult, list[ReviewRow]]]:
    """Each unit of the group in `statuses`, in unit name order, with its claim and appraised result
    (unranked: `rank_results` ranks them) and its verdicts: what `score_campaign` gives, min–max
    items bounded over those units, but the units' data read `_CHUNK` units at a time, so that a
    national group's ~500,000 rows and its units' inputs are never all in memory at once
    (`selectors.group_scores`, the publication)."""
    members = _members(group, statuses=statuses)
    codes = _relative_codes(framework)
    claimed, appraised = _compute_bounds(group, framework, codes, members, statuses) if codes else ({}, {})
    return _scored(group, framework, members, claimed, appraised, statuses)


# Units whose data are read together when a whole group is scored.
_CHUNK = 300


def _scored(
    group: CampaignGroup,
    framework: Framework,
    members: Sequence[Assessment],
    claimed: Bounds,
    appraised: Bounds,
    statuses: Collection[str] = APPRAISED_STATUSES,
) -> Iterator[tuple[Assessment, UnitResult, UnitResult, list[ReviewRow]]]:
    """Each of `members` scored with these bounds (claim, appraised result), with its verdicts."""
    for start in range(0, len(members), _CHUNK):
        chunk = members[start : start + _CHUNK]
        entries, reviews = _data(group, [assessment.pk for assessment in chunk], statuses=statuses)
        for assessment in chunk:
            own, verdicts = entries.get(assessment.pk, []), reviews.get(assessment.pk, [])
            yield (
                assessment,
                score_unit(framework, claimed_inputs(assessment, own), relative=claimed),
                score_unit(framework, appraised_inputs(assessment, own, verdicts), relative=appraised),
                verdicts,
            )


def _members(
    group: CampaignGroup, ids: Collection[int] | None = None, statuses: Collection[str] = APPRAISED_STATUSES
) -> list[Assessment]:
    """The group's assessments in `statuses` (or those of `ids`), in unit name order, sharing the
    group already read (its framework's text is not read once per unit)."""
    query = Assessment.objects.filter(participation__group=group, status__in=statuses)
    if ids is not None:
        query = query.filter(pk__in=ids)
    assessments = list(
        query.select_related("participation__unit__unit_type", "participation__campaign").order_by(
            "participation__unit__name"
        )
    )
    for assessment in assessments:
        assessment.participation.group = group
    return assessments


def _data(
    group: CampaignGroup,
    ids: Collection[int] | None,
    codes: Collection[str] | None = None,
    statuses: Collection[str] = APPRAISED_STATUSES,
) -> _Data:
    """The entries and verdicts of the group's units in `statuses` (or those of `ids`), only of the
    items `codes` when given, by assessment: plain rows of the columns scoring reads."""
    return (
        _rows(Entry, EntryRow, group, ids, codes, statuses),
        _rows(Review, ReviewRow, group, ids, codes, statuses),
    )


def _rows(
    model: type[Model],
    row: type[_Row],
    group: CampaignGroup,
    ids: Collection[int] | None,
    codes: Collection[str] | None,
    statuses: Collection[str],
) -> dict[int, list[_Row]]:
    query: QuerySet[Any] = model._default_manager.filter(
        assessment__participation__group=group, assessment__status__in=statuses
    )
    if ids is not None:
        query = query.filter(assessment_id__in=ids)
    if codes is not None:
        query = query.filter(code__in=codes)
    into: dict[int, list[_Row]] = {}
    for values in query.order_by().values_list(*row._fields):
        read = row(*values)
        into.setdefault(read.assessment_id, []).append(read)
    return into


def _compute_bounds(
    group: CampaignGroup,
    framework: Framework,
    codes: list[str],
    members: Sequence[Assessment] | None = None,
    statuses: Collection[str] = APPRAISED_STATUSES,
) -> tuple[Bounds, Bounds]:
    """The engine's bounds over the group's units in `statuses` (`members`, when already read),
    reading only the min–max items' data."""
    if members is None:
        members = _members(group, statuses=statuses)
    entries, reviews = _data(group, None, codes, statuses)
    claims = [claimed_inputs(a, entries.get(a.pk, [])) for a in members]
    appraised = [appraised_inputs(a, entries.get(a.pk, []), reviews.get(a.pk, [])) for a in members]
    return relative_bounds(framework, claims), relative_bounds(framework, appraised)


def _refresh(
    group: CampaignGroup, framework: Framework, bounds: GroupFigures, ids: list[int]
) -> dict[int, dict[str, Any]]:
    """Score the units `ids` again with the group's bounds and store their figures; returns them
    as `group_standings` reads them. Each row keeps the token read before the data: a write that
    commits meanwhile has changed the token, and the row stays stale."""
    wanted = set(ids)
    UnitStanding.objects.bulk_create(
        [UnitStanding(assessment_id=pk, token=_new_token()) for pk in ids], ignore_conflicts=True
    )
    rows = {row.assessment_id: row for row in UnitStanding.objects.filter(assessment_id__in=wanted)}
    tokens = {pk: row.token for pk, row in rows.items()}
    everyone = len(ids) > 500  # read the group's members once rather than a long list of ids
    members = [a for a in _members(group, None if everyone else wanted) if a.pk in wanted]
    fresh: dict[int, dict[str, Any]] = {}
    for assessment, claimed, appraised, verdicts in _scored(
        group, framework, members, bounds.claimed, bounds.appraised
    ):
        row = rows[assessment.pk]
        row.computed_token = tokens[assessment.pk]
        row.stamp = bounds.stamp
        row.claimed = _figures(claimed)
        row.appraised = _figures(appraised)
        row.reviewed = sorted(review.code for review in verdicts)
        row.adjusted = sum(1 for review in verdicts if review.changes)
        fresh[assessment.pk] = {
            "standing__claimed": row.claimed,
            "standing__appraised": row.appraised,
            "standing__reviewed": row.reviewed,
            "standing__adjusted": row.adjusted,
        }
    # An upsert on rows that exist: it leaves `token` as it is (a write may have changed it since),
    # and it is one statement, where bulk_update builds a CASE per field and row.
    UnitStanding.objects.bulk_create(
        [rows[pk] for pk in fresh],
        update_conflicts=True,
        unique_fields=["assessment"],
        update_fields=["computed_token", "stamp", "claimed", "appraised", "reviewed", "adjusted"],
        batch_size=500,
    )
    return fresh


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _number(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _figures(result: UnitResult) -> dict[str, Any]:
    """What is kept of an engine result: every sum, exactly (item scores are not kept)."""
    return {
        "total": _text(result.total),
        "max": _text(result.max),
        "percent": _text(result.percent),
        "bonus": str(result.bonus),
        "penalty": str(result.penalty),
        "indices": {code: _text(value) for code, value in result.indices.items()},
        "index_max": {code: _text(value) for code, value in result.index_max.items()},
        "claimed_indices": {code: str(value) for code, value in result.claimed_indices.items()},
        "claimed_total": _text(result.claimed_total),
    }


def _result(stored: Mapping[str, Any], unit: str, group: str, unit_type: str | None) -> UnitResult:
    """The engine result of stored figures (unranked, without item scores)."""
    return UnitResult(
        unit=unit,
        group=group,
        type=unit_type,
        total=_number(stored["total"]),
        max=_number(stored["max"]),
        percent=_number(stored["percent"]),
        bonus=Decimal(stored["bonus"]),
        penalty=Decimal(stored["penalty"]),
        indices={code: _number(value) for code, value in stored["indices"].items()},
        index_max={code: _number(value) for code, value in stored["index_max"].items()},
        claimed_indices={code: Decimal(value) for code, value in stored["claimed_indices"].items()},
        claimed_total=_number(stored["claimed_total"]),
    )


# ---------------------------------------------------------------- staleness


def _new_token() -> int:
    return secrets.randbits(62)


def _renew_tokens(model: type[Model], key: str, ids: Iterable[int | None]) -> None:
    """A new token on the rows of these ids, each created if missing, so that a read under way
    (which creates its rows before reading the data) cannot store figures of the data before this write."""
    wanted = {pk for pk in ids if pk is not None}
    if wanted:
        token = _new_token()
        model._default_manager.bulk_create(
            [model(**{f"{key}_id": pk, "token": token}) for pk in wanted],
            update_conflicts=True,
            unique_fields=[key],
            update_fields=["token"],
        )


def _stale_units(assessment_ids: Iterable[int | None]) -> None:
    """Make the units' stored figures stale."""
    _renew_tokens(UnitStanding, "assessment", assessment_ids)


def _stale_groups(group_ids: Iterable[int | None]) -> None:
    """Make the groups' stored bounds stale."""
    _renew_tokens(GroupBounds, "group", group_ids)


def _changed(assessment_ids: Collection[int | None]) -> None:
    """The units' data changed: their figures and their groups' bounds are stale."""
    _stale_units(assessment_ids)
    ids = [pk for pk in assessment_ids if pk is not None]
    if ids:
        groups = Participation.objects.filter(assessment__pk__in=ids).values_list("group_id", flat=True)
        _stale_groups(set(groups))


def _origin_model(origin: object) -> type[Model] | None:
    """The model whose deletion started a cascade (a queryset's model for a queryset's delete)."""
    if isinstance(origin, QuerySet):
        return origin.model
    return type(origin) if isinstance(origin, Model) else None


def _data_saved(sender: type[Model], instance: Entry | Review, **kwargs: Any) -> None:
    _changed([instance.assessment_id])


def _data_deleted(sender: type[Model], instance: Entry | Review, origin: object = None, **kwargs: Any) -> None:
    # Deleted with its assessment (a cascade), the unit is no longer a member: the assessment's
    # own receiver makes its group stale, once rather than once per row.
    if _origin_model(origin) in (Entry, Review):
        _changed([instance.assessment_id])


def _assessment_deleted(sender: type[Model], instance: Assessment, origin: object = None, **kwargs: Any) -> None:
    # Deleted with its campaign or group, nothing of the group is left to keep.
    if _origin_model(origin) in (Assessment, Participation):
        group = Participation.objects.filter(pk=instance.participation_id).values_list("group_id", flat=True)
        _stale_groups(group)


def _assessment_saved(sender: type[Model], instance: Assessment, **kwargs: Any) -> None:
    _changed([instance.pk])


def _participation_saved(sender: type[Model], instance: Participation, **kwargs: Any) -> None:
    # The unit may have moved between groups: its figures and every group of the campaign are stale.
    _stale_units(Assessment.objects.filter(participation=instance).values_list("pk", flat=True))
    _stale_groups(CampaignGroup.objects.filter(campaign_id=instance.campaign_id).values_list("pk", flat=True))


def _participation_deleted(sender: type[Model], instance: Participation, origin: object = None, **kwargs: Any) -> None:
    if _origin_model(origin) is Participation:
        _stale_groups([instance.group_id])


def _unit_saved(sender: type[Model], instance: Unit, **kwargs: Any) -> None:
    # Its type decides which items apply.
    _changed(list(Assessment.objects.filter(participation__unit=instance).values_list("pk", flat=True)))


def _bulk_changed(sender: object, assessment_ids: Collection[int], **kwargs: Any) -> None:
    _changed(list(assessment_ids))


def connect() -> None:
    """Listen to every write that can move stored figures (called once, from the app's ready())."""
    for model in (Entry, Review):
        post_save.connect(_data_saved, sender=model, dispatch_uid=f"standing-save-{model.__name__}")
        post_delete.connect(_data_deleted, sender=model, dispatch_uid=f"standing-delete-{model.__name__}")
    post_save.connect(_assessment_saved, sender=Assessment, dispatch_uid="standing-save-assessment")
    post_delete.connect(_assessment_deleted, sender=Assessment, dispatch_uid="standing-delete-assessment")
    post_save.connect(_participation_saved, sender=Participation, dispatch_uid="standing-save-participation")
    post_delete.connect(_participation_deleted, sender=Participation, dispatch_uid="standing-delete-participation")
    post_save.connect(_unit_saved, sender=Unit, dispatch_uid="standing-save-unit")
    scores_changed.connect(_bulk_changed, dispatch_uid="standing-scores-changed")
