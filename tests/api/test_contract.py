"""The API's permission matrix: every endpoint × every persona calling with their own token.

The same table style as the web's URL contract (tests/url_contract.py, which also walks the API's
addresses through the web session): for each endpoint, what each persona gets. A refusal is
checked by its status and its JSON, 403 with the reason `dti.core.permissions` gives the web page.
Every endpoint of the API must have an entry here (the OpenAPI document lists them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from dti.api.main import api
from tests.api.conftest import bearer
from tests.conftest import PERSONAS, World
from tests.results.conftest import appraised, approved, published
from tests.url_contract import VIEW_ASSESSMENT

# The fixtures the published world is built with, asked for by name.
__all__ = ["appraised", "approved", "published"]

EVERYONE = ["anonymous", *PERSONAS]
SEE_ASSESSMENT = {"reporter", "leader", "appraiser", "chair", "organiser", "admin", "viewer"}

OK, UNAUTHENTICATED = 200, 401
Answers = dict[str, int | tuple[int, str]]


def signed_in() -> Answers:
    """Every persona with a token let through; a call without one 401."""
    return {persona: OK for persona in PERSONAS} | {"anonymous": UNAUTHENTICATED}


def public() -> Answers:
    return dict.fromkeys(EVERYONE, OK)


def unit_door(allowed: set[str], message: str) -> Answers:
    return {p: OK if p in allowed else (403, message) for p in PERSONAS} | {"anonymous": UNAUTHENTICATED}


# path template (as in the OpenAPI document) → (the world's object for its parameter, answers)
TABLE: dict[str, tuple[str | None, Answers]] = {
    "/api/frameworks": (None, signed_in()),
    "/api/frameworks/{framework_id}": ("framework", signed_in()),
    "/api/frameworks/{framework_id}/source": ("framework", signed_in()),
    "/api/units": (None, signed_in()),
    "/api/campaigns": (None, signed_in()),
    "/api/campaigns/{campaign_id}": ("campaign", signed_in()),
    "/api/assessments": (None, signed_in()),
    "/api/assessments/{assessment_id}": ("assessment", unit_door(SEE_ASSESSMENT, VIEW_ASSESSMENT)),
    "/api/results": (None, public()),
    "/api/results/{campaign_id}": ("campaign", public()),
}


def objects(world: World) -> dict[str, Any]:
    return {"framework": world["group"].framework, "campaign": world["campaign"], "assessment": world["assessment"]}


def test_every_endpoint_has_an_entry() -> None:
    assert sorted(api.get_openapi_schema(path_prefix="/api/")["paths"]) == sorted(TABLE)


@pytest.mark.parametrize("template", sorted(TABLE))
def test_every_endpoint_answers_every_persona_as_the_table_says(
    template: str, published: World, token: Callable[[str], str]
) -> None:
    key, answers = TABLE[template]
    path = template
    if key is not None:
        path = template.split("{")[0] + str(objects(published)[key].pk) + template.split("}")[1]
    wrong = []
    for persona in EVERYONE:
        client = Client() if persona == "anonymous" else bearer(token(persona))
        response = client.get(path)
        expected = answers[persona]
        status, message = expected if isinstance(expected, tuple) else (expected, "")
        if response.status_code != status:
            wrong.append(f"{persona}: {response.status_code} instead of {status}")
        elif status >= 400 and not {"code", "title", "message", "field"} <= set(response.json()):
            wrong.append(f"{persona}: not the JSON refusal: {response.content!r}")
        elif message and response.json()["message"] != message:
            wrong.append(f"{persona}: {response.json()['message']!r} instead of {message!r}")
    assert not wrong, f"{path}\n" + "\n".join(wrong)
