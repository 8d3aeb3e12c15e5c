"""schemathesis against /api/openapi.json, in process on the WSGI application (issue 12 §4).

Hypothesis makes requests from the document (paths, ids, filters, paging) for every operation; each
answer must not be a server error and must conform to the document: status, content type, headers,
body. Called with an organiser's token (its rate raised: the examples are many calls a minute), on
the published world (so that results exist); a few examples per operation keep it under a minute.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from pytest_django.fixtures import Settings

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


def test_every_operation_answers_as_its_document_says(
    published: World, token: Callable[[str], str], settings: Settings, keep_connection: None
) -> None:
    settings.API_RATE_PER_MINUTE = 100_000
    headers = {"Authorization": f"Bearer {token('organiser')}"}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 10
    ids = {
        "framework_id": published["group"].framework_id,
        "campaign_id": published["campaign"].pk,
        "assessment_id": published["assessment"].pk,
    }
    for operation in operations:
        # the world's own objects once (random ids mostly find nothing), then the generated requests
        known = {name: ids[name] for name in ids if "{" + name + "}" in operation.path}
        assert operation.Case(path_parameters=known).call_and_validate(headers=headers).status_code == 200

        @given(case=operation.as_strategy())
        @examples(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers)

        check()
