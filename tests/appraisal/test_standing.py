"""Stored results (issue 13 §1): a page about one unit reads its group's stored bounds and scores
only that unit; a campaign page reads stored figures. Every write that can move a figure makes
what depends on it stale, so the pages always show what a full scoring of the group gives.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dti.appraisal import services as appraisal_services
from dti.appraisal import standing
from dti.appraisal.models import GroupBounds, OfficialFigure, Review, UnitStanding
from dti.appraisal.pages import workspace
from dti.appraisal.selectors import UnitScores, appraised_inputs, claimed_inputs, group_scores, unit_scores
from dti.assessments import services as assessment_services
from dti.assessments import workflow
from dti.assessments.models import Assessment, Entry
from dti.assessments.selectors import assessment_page
from dti.assessments.signals import scores_changed
from dti.campaigns.models import Campaign, CampaignGroup, Participation
from dti.engine import UnitResult, score_campaign
from dti.frameworks.models import Framework
from dti.results.outcome import unit_outcome
from dti.units.models import Unit, UnitType
from tests.conftest import World

# Two min–max items (one read from the general info) and a manual one: the bounds of the
# claim and of the appraisal both move with any member's data.
STORED = """format: dti/1
code: luu-ket-qua-2024-huyen
name: Bộ chỉ số lưu kết quả
level: huyen
year: 2024
precision: 2
general_info:
  - {code: dan_so, label: Dân số, type: number}
indices:
  - code: "I"
    name: Một
    max: 20
    indicators:
      - code: I.1
        name: Tài khoản trên 100.000 dân
        max: 10
        inputs: [{name: x, label: Số tài khoản, type: number}]
        scoring: {method: relative, value: x}
      - code: I.2
        name: Dân số
        max: 10
        inputs: [{name: d, label: Dân số, from: dan_so, type: number}]
        scoring: {method: relative, value: d}
  - code: "II"
    name: Hai
    max: 10
    indicators:
      - code: II.1
        name: Đánh giá khác
        max: 10
        scoring: {method: manual}
"""


@pytest.fixture
def stored(world: World) -> World:
    """Một (in appraisal), Hai (appraised: its outcome is shown) and Ba (in appraisal), on STORED."""
    framework = Framework.objects.create(code="luu-ket-qua-2024-huyen", name="", level="", year=0, source=STORED)
    world["group"].framework = framework
    world["group"].save()
    Campaign.objects.filter(pk=world["campaign"].pk).update(state=Campaign.State.APPRAISAL)
    third = Unit.objects.create(name="UBND huyện Ba", unit_type=world["unit"].unit_type)
    ba = Assessment.objects.create(
        participation=Participation.objects.create(campaign=world["campaign"], group=world["group"], unit=third),
        general={"dan_so": "300"},
    )
    data = {world["assessment"]: ("10", "6"), world["other_assessment"]: ("20", "4"), ba: ("40", "7")}
    general = {world["assessment"]: "100", world["other_assessment"]: "200"}
    for assessment, (x, score) in data.items():
        Entry.objects.create(assessment=assessment, code="I.1", values={"x": x}, version=1)
        Entry.objects.create(assessment=assessment, code="II.1", score=Decimal(score), version=1)
        if assessment in general:
            assessment.general = {"dan_so": general[assessment]}
        assessment.status = Assessment.Status.IN_APPRAISAL
        assessment.save()
    hai = world["other_assessment"]
    hai.status = Assessment.Status.APPRAISED
    hai.save()
    world["ba"] = ba  # type: ignore[typeddict-unknown-key]
    return world


def _figures(result: UnitResult) -> tuple[object, ...]:
    return (result.total, result.max, result.percent, result.indices, result.index_max, result.bonus, result.penalty)


def _items(result: UnitResult) -> dict[str, object]:
    return {code: score.score for code, score in result.items.items()}


def _same(shown: UnitScores | None, full: UnitScores) -> None:
    assert shown is not None
    for side in ("claimed", "appraised"):
        assert _figures(getattr(shown, side)) == _figures(getattr(full, side)), side
        assert _items(getattr(shown, side)) == _items(getattr(full, side)), side


def assert_fresh(world: World) -> None:
    """Every page about a unit of the group, and the group's stored figures, show what scoring the
    whole group now gives."""
    group = CampaignGroup.objects.get(pk=world["group"].pk)
    full = {scores.assessment.pk: scores for scores in group_scores(group)}
    appraiser = world["users"]["appraiser"]
    for assessment in Assessment.objects.filter(participation__campaign=world["campaign"]):
        if assessment.pk in full:
            _same(unit_scores(assessment), full[assessment.pk])
            _same(workspace(assessment, appraiser).scores, full[assessment.pk])
            if assessment.status == Assessment.Status.APPRAISED:
                _same(unit_outcome(assessment).scores, full[assessment.pk])
            own = assessment_page(assessment).result
            assert _items(own)["I.1"] == full[assessment.pk].claimed.items["I.1"].score
            assert _items(own)["I.2"] == full[assessment.pk].claimed.items["I.2"].score
    listed = {scores.assessment_id: scores for scores in standing.group_standings(group)}
    assert set(listed) == set(full)
    for pk, scores in full.items():
        for side in ("claimed", "appraised"):
            mine, theirs = getattr(listed[pk], side), getattr(scores, side)
            assert _figures(mine) == _figures(theirs)
            assert (mine.rank, mine.classification, mine.derived) == (
                theirs.rank,
                theirs.classification,
                theirs.derived,
            )
            assert (mine.claimed_total, mine.claimed_indices) == (theirs.claimed_total, theirs.claimed_indices)
        assert listed[pk].reviewed == frozenset(scores.reviews)


def test_the_stored_figures_are_the_full_scoring(stored: World) -> None:
    assert_fresh(stored)
    assert UnitStanding.objects.count() == 3
    assert GroupBounds.objects.get().claimed == {"I.1": ["10", "40"], "I.2": ["100", "300"]}


def test_a_page_about_another_unit_follows_every_write(stored: World) -> None:
    assert_fresh(stored)  # everything stored, then changed through each write path
    mot, hai, ba = stored["assessment"], stored["other_assessment"], stored["ba"]  # type: ignore[typeddict-item]
    users = stored["users"]
    appraiser = users["appraiser"]
    leader = users["leader"]

    entry = Entry.objects.get(assessment=ba, code="I.1")  # a model save (the admin, a script)
    entry.values = {"x": "80"}
    entry.save()
    assert_fresh(stored)

    Entry.objects.filter(assessment=ba, code="II.1").update(score=Decimal("9"))  # a bulk write
    scores_changed.send(sender=Entry, assessment_ids=[ba.pk])
    assert_fresh(stored)

    Entry.objects.get(assessment=ba, code="I.1").delete()
    assert_fresh(stored)

    from dti.appraisal.models import Assignment

    Assignment.objects.create(participation=mot.participation, appraiser=appraiser)
    mot.refresh_from_db()
    appraisal_services.review_save(
        assessment=mot, code="I.1", data={"x": "5", "reason": "Theo số liệu Sở"}, version=0, by=appraiser
    )
    assert_fresh(stored)  # the appraised bounds move: Hai's appraised I.1 changes
    appraisal_services.review_save(
        assessment=mot, code="II.1", data={"score": "2", "reason": "Thiếu tài liệu"}, version=0, by=appraiser
    )
    assert_fresh(stored)

    Entry.objects.filter(assessment=mot, code="I.2").update(na_requested=True, na_reason="Không có")
    Entry.objects.create(assessment=mot, code="I.2", na_requested=True, na_reason="Không có", version=1)
    assert_fresh(stored)  # an N/A request leaves the claim's bounds
    appraisal_services.review_save(
        assessment=mot,
        code="I.2",
        data={"na_decision": Review.NaDecision.REFUSED, "reason": "Có áp dụng"},
        version=0,
        by=appraiser,
    )
    assert_fresh(stored)  # refused: the appraised data count it again

    workflow.return_to_unit(assessment=mot, by=appraiser, comment="Bổ sung số liệu")
    assert_fresh(stored)  # out of the scored set: its values leave the bounds
    mot.refresh_from_db()
    assessment_services.general_save(assessment=mot, data={"dan_so": "1000"}, version=mot.general_version, by=leader)
    assert_fresh(stored)  # a draft moves nothing but its own page
    mot.refresh_from_db()
    workflow.submit(assessment=mot, by=users["leader"])
    assert_fresh(stored)  # back in: its new general info widens the bounds

    review = Review.objects.get(assessment=mot, code="II.1")
    review.delete()
    assert_fresh(stored)

    source = STORED.replace("{method: relative, value: x}", "{method: relative, value: x, direction: lower}")
    Framework.objects.filter(pk=stored["group"].framework_id).update(source=source)  # a correction
    assert_fresh(stored)

    OfficialFigure.objects.create(participation=hai.participation, code="I.1", field="x", value=Decimal("3"))
    assert_fresh(stored)  # shown beside the claim, never a scoring input


def test_a_verdict_changed_again_is_seen(stored: World) -> None:
    from dti.appraisal.models import Assignment

    mot, appraiser = stored["assessment"], stored["users"]["appraiser"]
    Assignment.objects.create(participation=mot.participation, appraiser=appraiser)
    for version, x in enumerate(("5", "50")):
        appraisal_services.review_save(
            assessment=mot, code="I.1", data={"x": x, "reason": "Theo số liệu Sở"}, version=version, by=appraiser
        )
        assert_fresh(stored)  # the appraised bounds move: Hai's appraised I.1 changes


def test_a_write_while_figures_are_computed_leaves_them_stale(stored: World, monkeypatch: pytest.MonkeyPatch) -> None:
    # A write that commits after a read took the data, before it stores its figures: the figures
    # are stored under the token read first, which the write has changed, so they are not used.
    ba = stored["ba"]  # type: ignore[typeddict-item]
    read = standing._data

    def read_then_written(*args: object, **kwargs: object) -> object:
        data = read(*args, **kwargs)  # type: ignore[arg-type]
        entry = Entry.objects.get(assessment=ba, code="II.1")
        entry.score = Decimal("1")
        entry.save()
        return data

    monkeypatch.setattr(standing, "_data", read_then_written)
    standing.group_standings(stored["group"])
    monkeypatch.setattr(standing, "_data", read)
    assert_fresh(stored)


def test_a_unit_moving_to_another_group_leaves_its_bounds(stored: World) -> None:
    assert_fresh(stored)
    ba = stored["ba"]  # type: ignore[typeddict-item]
    other = CampaignGroup.objects.create(
        campaign=stored["campaign"], name="Nhóm khác", framework=stored["group"].framework
    )
    participation = ba.participation
    participation.group = other
    participation.save()
    assert_fresh(stored)
    assert standing.group_bounds(other).claimed == {
        "I.1": (Decimal(40), Decimal(40)),
        "I.2": (Decimal(300), Decimal(300)),
    }


def test_a_unit_leaving_the_campaign_leaves_its_bounds(stored: World) -> None:
    assert_fresh(stored)
    stored["ba"].participation.delete()  # type: ignore[typeddict-item]
    assert_fresh(stored)
    assert standing.group_bounds(stored["group"]).claimed["I.1"] == (Decimal(10), Decimal(20))


def test_a_unit_type_decides_what_applies(stored: World) -> None:
    assert_fresh(stored)
    so = UnitType.objects.create(code="so", name="Sở")
    unit = stored["ba"].participation.unit  # type: ignore[typeddict-item]
    unit.unit_type = so
    unit.save()
    assert_fresh(stored)


def test_rebuild_computes_a_group_again(stored: World) -> None:
    assert_fresh(stored)
    Entry.objects.filter(assessment=stored["ba"], code="I.1").update(values={"x": "1"})  # type: ignore[typeddict-item]
    assert standing.rebuild(stored["group"]) == 3
    assert_fresh(stored)
    with CaptureQueriesContext(connection) as captured:
        standing.group_standings(stored["group"])
    assert len(captured) == 2  # the bounds and the figures, both stored


# ---------------------------------------------------------------- cost


def grow(world: World, count: int) -> None:
    """`count` more submitted units in the group, made in bulk (no signal: read first, then stored)."""
    unit_type = world["unit"].unit_type
    first = Unit.objects.count()
    units = Unit.objects.bulk_create(
        Unit(name=f"UBND huyện Số {first + n:04d}", unit_type=unit_type) for n in range(count)
    )
    participations = Participation.objects.bulk_create(
        Participation(campaign=world["campaign"], group=world["group"], unit=unit) for unit in units
    )
    assessments = Assessment.objects.bulk_create(
        Assessment(participation=p, status=Assessment.Status.IN_APPRAISAL, general={"dan_so": str(100 + n)})
        for n, p in enumerate(participations)
    )
    Entry.objects.bulk_create(
        entry
        for n, a in enumerate(assessments)
        for entry in (
            Entry(assessment=a, code="I.1", values={"x": str(n % 37)}, version=1),
            Entry(assessment=a, code="II.1", score=Decimal(n % 10), version=1),
        )
    )
    scores_changed.send(sender=Assessment, assessment_ids=[a.pk for a in assessments])


def _get(client: object, url: str) -> tuple[int, float]:
    get: Callable[[str], object] = client.get  # type: ignore[attr-defined]
    assert getattr(get(url), "status_code", None) == 200  # warm
    started = time.process_time()
    with CaptureQueriesContext(connection) as captured:
        response = get(url)
    spent = time.process_time() - started
    assert getattr(response, "status_code", None) == 200
    return len(captured), spent


def test_a_unit_page_costs_the_same_at_10_and_100_units(stored: World, login: Callable[[str], object]) -> None:
    mot, hai = stored["assessment"], stored["other_assessment"]
    from dti.appraisal.models import Assignment

    Assignment.objects.create(participation=mot.participation, appraiser=stored["users"]["appraiser"])
    workspace_url = f"/tham-dinh/{mot.pk}/"
    outcome_url = f"/danh-gia/{hai.pk}/ket-qua/"
    own_url = f"/danh-gia/{mot.pk}/"  # the self-assessment page, bounded by the group's claims
    appraiser, leader, other_leader = login("appraiser"), login("leader"), login("other_leader")
    grow(stored, 7)
    small = (_get(appraiser, workspace_url), _get(other_leader, outcome_url), _get(leader, own_url))
    grow(stored, 90)
    large = (_get(appraiser, workspace_url), _get(other_leader, outcome_url), _get(leader, own_url))
    assert [queries for queries, _ in small] == [queries for queries, _ in large]
    for (_, before), (_, after) in zip(small, large, strict=True):
        assert after <= 1.5 * before + 0.02  # CPU time, with room for the noise of one request


def test_an_amended_score_is_seen(stored: World) -> None:
    # An amendment after publication changes a verdict's score with an update (no post_save).
    from dti.results import services as results_services
    from dti.results.models import Publication

    hai, organiser = stored["other_assessment"], stored["users"]["organiser"]
    Review.objects.create(assessment=hai, code="II.1", decision=Review.Decision.ACCEPTED, by=organiser)
    Assessment.objects.filter(pk=hai.pk).update(status=Assessment.Status.PUBLISHED)
    Campaign.objects.filter(pk=stored["campaign"].pk).update(state=Campaign.State.PUBLISHED)
    campaign = Campaign.objects.get(pk=stored["campaign"].pk)
    snapshot = results_services.build_snapshot(campaign, [Assessment.Status.PUBLISHED])
    Publication.objects.create(campaign=campaign, version=1, snapshot=snapshot)
    assert_fresh(stored)
    hai = Assessment.objects.get(pk=hai.pk)
    results_services.amend(
        campaign=campaign, by=organiser, reason="Đính chính theo kiến nghị", changes=[(hai, "II.1", "9")]
    )
    assert_fresh(stored)


@pytest.mark.parametrize("statuses", [standing.APPRAISED_STATUSES, (Assessment.Status.APPRAISED,)])
def test_a_group_scored_in_parts_is_scored_as_one_campaign(
    stored: World, monkeypatch: pytest.MonkeyPatch, statuses: tuple[str, ...]
) -> None:
    """group_scores reads its units' data a few units at a time, as plain rows (here 2 at a time):
    the same figures, item scores and ranks as the engine's score_campaign on every unit read whole,
    min–max items bounded over the units in `statuses` only."""
    monkeypatch.setattr(standing, "_CHUNK", 2)
    Review.objects.create(
        assessment=stored["assessment"], code="I.1", decision=Review.Decision.ADJUSTED, values={"x": "90"}
    )
    Review.objects.create(assessment=stored["other_assessment"], code="II.1", decision=Review.Decision.ACCEPTED)
    group = CampaignGroup.objects.get(pk=stored["group"].pk)
    framework = group.framework.engine()
    members = list(
        Assessment.objects.filter(participation__group=group, status__in=statuses).order_by("participation__unit__name")
    )
    claimed = score_campaign(framework, [claimed_inputs(a) for a in members])
    appraised = score_campaign(framework, [appraised_inputs(a) for a in members])
    scores = group_scores(group, statuses)
    assert [s.assessment.pk for s in scores] == [a.pk for a in members]
    for shown, claim, result, assessment in zip(scores, claimed, appraised, members, strict=True):
        for mine, theirs in ((shown.claimed, claim), (shown.appraised, result)):
            assert _figures(mine) == _figures(theirs)
            assert _items(mine) == _items(theirs)
            assert (mine.rank, mine.classification) == (theirs.rank, theirs.classification)
        assert set(shown.reviews) == set(assessment.reviews.values_list("code", flat=True))


def test_a_release_whose_engine_differs_makes_every_stored_figure_stale(
    stored: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A corrected rule changes the engine's source, so its fingerprint, not the framework's text.
    group = CampaignGroup.objects.select_related("framework").get(pk=stored["group"].pk)
    standing.group_standings(group)
    before = dict(UnitStanding.objects.values_list("assessment_id", "stamp"))
    bounds_key = GroupBounds.objects.get(group=group).framework
    monkeypatch.setattr(standing, "ENGINE_FINGERPRINT", "0" * 64)
    standing.group_standings(group)
    after = dict(UnitStanding.objects.values_list("assessment_id", "stamp"))
    assert before.keys() == after.keys() and all(before[pk] != after[pk] for pk in before)
    assert GroupBounds.objects.get(group=group).framework != bounds_key


def test_the_rebuild_command_computes_what_a_hand_edit_left_stale(stored: World) -> None:
    from io import StringIO

    from django.core.management import call_command

    assert_fresh(stored)
    Entry.objects.filter(assessment=stored["ba"], code="I.1").update(values={"x": "1"})  # type: ignore[typeddict-item]
    out = StringIO()
    call_command("rebuild_results", "--campaign", str(stored["campaign"].pk), stdout=out)
    assert f"{stored['group'].name}: 3 đơn vị" in out.getvalue()
    assert_fresh(stored)
