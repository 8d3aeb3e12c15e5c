"""schemathesis against /api/openapi.json, in process on the WSGI application (issue 12 §4).

Hypothesis makes requests from the document (paths, ids, filters, paging) for every operation; each
answer must not be a server error and must conform to the document: status, content type, headers,
body. The reads with an organiser's token on the published world (so that results and documents
exist); the changes each with a token that may make them (the unit's reporter, the assigned
appraiser, the organiser); a few examples per operation keep it under a minute.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from pytest_django.fixtures import Settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from dti.appraisal.models import Question
from dti.assessments.models import Evidence
from tests.conftest import World
from tests.results.conftest import appraised, approved, published

# The fixtures the published world is built with, asked for by name.
__all__ = ["appraised", "approved", "published"]

EXAMPLES = 25


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """The test's database connection stays open across the WSGI calls (as Django's test client keeps
    it): closing it at the end of each request would end the test's transaction on PostgreSQL."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def check_generated(strategy: Any, headers: dict[str, str], excluded: list[Any] | None = None) -> None:
    """Hypothesis's requests of one operation: no server error, every answer as documented."""

    @given(case=strategy)
    # derandomize: the same examples on every run, so that CI answers the same for the same code;
    # DTI_SCHEMATHESIS_RANDOM=1 explores new ones (how the NUL-in-text 500 on PostgreSQL was found).
    @examples(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        derandomize=not os.environ.get("DTI_SCHEMATHESIS_RANDOM"),
    )
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    check()


def document(settings: Settings, token: Callable[[str], str], persona: str) -> tuple[Any, dict[str, str]]:
    """The OpenAPI document on the WSGI application, and the headers of `persona`'s token (its rate
    raised: the examples are many calls a minute)."""
    settings.API_RATE_PER_MINUTE = 100_000
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    return schema, {"Authorization": f"Bearer {token(persona)}"}


def test_every_read_answers_as_its_document_says(
    published: World, token: Callable[[str], str], settings: Settings, keep_connection: None
) -> None:
    schema, headers = document(settings, token, "organiser")
    operations = [result.ok() for result in schema.get_all_operations() if result.ok().method.upper() == "GET"]
    assert len(operations) == 14
    ids = {
        "unit_id": published["unit"].pk,
        "kind": "docx",
        "framework_id": published["group"].framework_id,
        "campaign_id": published["campaign"].pk,
        "assessment_id": published["assessment"].pk,
    }
    for operation in operations:
        # the world's own objects once (random ids mostly find nothing), then the generated requests
        known = {name: ids[name] for name in ids if "{" + name + "}" in operation.path}
        assert operation.Case(path_parameters=known).call_and_validate(headers=headers).status_code == 200
        check_generated(operation.as_strategy(), headers)


def test_every_change_answers_as_its_document_says(
    world: World, token: Callable[[str], str], settings: Settings, keep_connection: None, tmp_path: Path
) -> None:
    """The writes, by the unit's reporter on an assessment still being entered (so that writing is
    possible: the generated values meet the services' checks, not only the permissions)."""
    settings.MEDIA_ROOT = tmp_path
    schema, headers = document(settings, token, "reporter")
    operations = [
        op for op in _changes(schema) if op.path.startswith("/api/assessments") and "/appraisal" not in op.path
    ]
    assert len(operations) == 6
    evidence = Evidence.objects.create(
        assessment=world["assessment"], code="I.1", kind=Evidence.Kind.REFERENCE, doc_number="1/QĐ-UBND"
    )
    known = {"assessment_id": world["assessment"].pk, "code": "I.2", "evidence_id": evidence.pk, "name": "submit"}
    _check_changes(operations, known, headers)


def test_every_appraisal_change_answers_as_its_document_says(
    appraising: World, token: Callable[[str], str], settings: Settings, keep_connection: None
) -> None:
    """The verdicts, questions (drafted, withdrawn), the remaining indicators accepted, the appraisal
    started and finished, by the appraiser assigned the unit, on a unit submitted for appraisal."""
    schema, headers = document(settings, token, "appraiser")
    operations = [op for op in _changes(schema) if "/appraisal" in op.path]
    assert len(operations) == 5
    question = Question.objects.create(assessment=appraising["assessment"], code="I.2", text="Đề nghị gửi danh sách.")
    known = {
        "assessment_id": appraising["assessment"].pk,
        "code": "I.2",
        "question_id": question.pk,
        "move": "start_appraisal",
    }
    _check_changes(operations, known, headers)


def test_the_official_figures_upload_answers_as_its_document_says(
    world: World, token: Callable[[str], str], settings: Settings, keep_connection: None
) -> None:
    """The organiser's upload: generated files are mostly refused by cell (422), never a server error."""
    schema, headers = document(settings, token, "organiser")
    [operation] = [op for op in _changes(schema) if "/official-figures" in op.path]
    _check_changes([operation], {"campaign_id": world["campaign"].pk}, headers)


def _changes(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations() if result.ok().method.upper() != "GET"]


def _check_changes(operations: list[Any], known: dict[str, Any], headers: dict[str, str]) -> None:
    for operation in operations:
        # the world's objects (a generated id mostly finds nothing), then ids and codes generated too
        parameters = {name: known[name] for name in known if "{" + name + "}" in operation.path}
        pinned = operation.as_strategy().map(lambda case, p=parameters: _pinned(case, p))
        # a value the document allows may still break a rule of the services (422 with the field): not a fault
        check_generated(pinned, headers, [positive_data_acceptance])
        check_generated(operation.as_strategy(), headers, [positive_data_acceptance])


def _pinned(case: schemathesis.Case, parameters: dict[str, Any]) -> schemathesis.Case:
    case.path_parameters = {**(case.path_parameters or {}), **parameters}
    return case
