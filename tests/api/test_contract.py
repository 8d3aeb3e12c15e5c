"""The API's permission matrix: every endpoint × method × persona calling with their own token.

The same table style as the web's URL contract (tests/url_contract.py, which also walks the API's
addresses through the web session): for each endpoint, what each persona gets. A refusal is
checked by its status and its JSON, 403 with the reason `dti.core.permissions` gives the web page.
Every endpoint and method of the API must have an entry here (the OpenAPI document lists them).
A change is called in a world where the unit may still enter its data, each persona's call
rolled back so that the next finds the same data.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from dti.api.main import api
from dti.appraisal.models import Question
from dti.assessments.models import Evidence
from tests.api.conftest import bearer
from tests.conftest import PERSONAS, World
from tests.results.conftest import appraised, approved, published
from tests.url_contract import APPRAISE, EDIT_ASSESSMENT, MANAGE_APPRAISAL, SUBMIT, VIEW_APPRAISAL, VIEW_ASSESSMENT

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


@dataclass(frozen=True)
class Call:
    """An endpoint's entry: its answers, the world's stage it is called in, the JSON body or form sent."""

    answers: Answers
    stage: str = "published"  # "published" (the reads) or "world" (an assessment still being entered)
    body: dict[str, Any] | None = None
    form: bool = False


def unit_write(allowed: set[str], message: str = EDIT_ASSESSMENT, status: int = OK) -> Answers:
    """A change to the unit's data: the unit's people with `allowed`, those who see it 403 with `message`."""
    answers: Answers = {p: status if p in allowed else (403, message) for p in PERSONAS}
    other = dict.fromkeys(["other_reporter", "other_leader"], (403, VIEW_ASSESSMENT))
    return answers | other | {"anonymous": UNAUTHENTICATED}


def appraisal_door(allowed: set[str], message: str = "", status: int = OK) -> Answers:
    """The appraisal side: the units and the viewer refused at its door (VIEW_APPRAISAL), the rest
    of the side not `allowed` with `message` (what their role lacks)."""
    answers: Answers = {
        p: status if p in allowed else (403, message if p in APPRAISAL_SIDE else VIEW_APPRAISAL) for p in PERSONAS
    }
    return answers | {"anonymous": UNAUTHENTICATED}


UNIT = {"reporter", "leader"}
APPRAISAL_SIDE = {"appraiser", "chair", "organiser", "admin"}
# (method, path template as in the OpenAPI document) → what each persona gets
TABLE: dict[tuple[str, str], Call] = {
    ("GET", "/api/frameworks"): Call(signed_in()),
    ("GET", "/api/frameworks/{framework_id}"): Call(signed_in()),
    ("GET", "/api/frameworks/{framework_id}/source"): Call(signed_in()),
    ("GET", "/api/units"): Call(signed_in()),
    ("GET", "/api/campaigns"): Call(signed_in()),
    ("GET", "/api/campaigns/{campaign_id}"): Call(signed_in()),
    ("GET", "/api/assessments"): Call(signed_in()),
    ("GET", "/api/assessments/{assessment_id}"): Call(unit_door(SEE_ASSESSMENT, VIEW_ASSESSMENT)),
    ("PUT", "/api/assessments/{assessment_id}/general"): Call(
        unit_write(UNIT), "world", {"version": 0, "values": {"so_xa": 25}}
    ),
    ("PATCH", "/api/assessments/{assessment_id}/general"): Call(
        unit_write(UNIT), "world", {"version": 0, "values": {"so_xa": 25}}
    ),
    ("PUT", "/api/assessments/{assessment_id}/indicators/{code}"): Call(
        unit_write(UNIT), "world", {"version": 0, "values": {"a": 5}}
    ),
    ("POST", "/api/assessments/{assessment_id}/evidence"): Call(
        unit_write(UNIT, status=201), "world", {"code": "I.1", "doc_number": "12/QĐ-UBND"}, form=True
    ),
    ("DELETE", "/api/assessments/{assessment_id}/evidence/{evidence_id}"): Call(unit_write(UNIT, status=204), "world"),
    ("POST", "/api/assessments/{assessment_id}/transitions/{name}"): Call(
        unit_write({"leader"}, SUBMIT), "world", {"comment": "Đã rà soát"}
    ),
    ("GET", "/api/assessments/{assessment_id}/appraisal"): Call(appraisal_door(APPRAISAL_SIDE)),
    ("PUT", "/api/assessments/{assessment_id}/appraisal/{code}"): Call(
        appraisal_door({"appraiser"}, APPRAISE), "appraising", {"version": 0, "accept": True}
    ),
    ("POST", "/api/assessments/{assessment_id}/appraisal/{code}/questions"): Call(
        appraisal_door({"appraiser"}, APPRAISE, status=201), "appraising", {"text": "Đề nghị gửi danh sách xã."}
    ),
    ("DELETE", "/api/assessments/{assessment_id}/appraisal/questions/{question_id}"): Call(
        appraisal_door({"appraiser"}, APPRAISE, status=204), "appraising"
    ),
    ("POST", "/api/assessments/{assessment_id}/appraisal/accept-remaining"): Call(
        appraisal_door({"appraiser"}, APPRAISE), "appraising"
    ),
    ("POST", "/api/assessments/{assessment_id}/appraisal/transitions/{move}"): Call(
        appraisal_door({"appraiser", "organiser", "admin"}, APPRAISE), "appraising", {"comment": "Bắt đầu"}
    ),
    ("GET", "/api/campaigns/{campaign_id}/official-figures"): Call(appraisal_door(APPRAISAL_SIDE), "appraising"),
    ("POST", "/api/campaigns/{campaign_id}/official-figures"): Call(
        appraisal_door({"organiser", "admin"}, MANAGE_APPRAISAL),
        "world",
        {"file": "Đơn vị,Mã chỉ số,Số liệu,Giá trị\nUBND huyện Một,I.2,a,12\n".encode()},
        form=True,
    ),
    ("GET", "/api/campaigns/{campaign_id}/appendix/{kind}"): Call(public()),
    ("GET", "/api/campaigns/{campaign_id}/units/{unit_id}/report/{kind}"): Call(
        unit_door(SEE_ASSESSMENT, "Bạn không có quyền xem báo cáo phân tích của đơn vị này.")
    ),
    ("GET", "/api/results"): Call(public()),
    ("GET", "/api/results/{campaign_id}"): Call(public()),
}


def parameters(world: World) -> dict[str, Any]:
    """The world's object for each path parameter (an evidence item and a question made for the DELETEs)."""
    assessment = world["assessment"]
    evidence = Evidence.objects.create(
        assessment=assessment, code="I.1", kind=Evidence.Kind.REFERENCE, doc_number="1/QĐ-UBND"
    )
    question = Question.objects.create(
        assessment=assessment, code="I.2", text="Đề nghị gửi danh sách xã.", asked_by=world["users"]["appraiser"]
    )
    return {
        "question_id": question.pk,
        "framework_id": world["group"].framework.pk,
        "campaign_id": world["campaign"].pk,
        "unit_id": world["unit"].pk,
        "kind": "docx",
        "assessment_id": assessment.pk,
        "code": "I.2",
        "evidence_id": evidence.pk,
        "name": "submit",
        "move": "start_appraisal",
    }


def test_every_endpoint_and_method_has_an_entry() -> None:
    paths = api.get_openapi_schema(path_prefix="/api/")["paths"]
    assert sorted((method.upper(), path) for path in paths for method in paths[path]) == sorted(TABLE)


def call(client: Client, method: str, path: str, entry: Call) -> Any:
    if entry.form:  # bytes sent as a file, made again for each call (a file is read once)
        form = {
            k: SimpleUploadedFile(f"{k}.csv", v) if isinstance(v, bytes) else v for k, v in (entry.body or {}).items()
        }
        return client.post(path, form)
    body = json.dumps(entry.body) if entry.body is not None else ""
    return client.generic(method, path, body, content_type="application/json")


@pytest.mark.parametrize(("method", "template"), sorted(TABLE))
def test_every_endpoint_answers_every_persona_as_the_table_says(
    method: str, template: str, request: pytest.FixtureRequest, token: Callable[[str], str]
) -> None:
    entry = TABLE[(method, template)]
    path = template.format(**parameters(request.getfixturevalue(entry.stage)))
    wrong = []
    for persona in EVERYONE:
        client = Client() if persona == "anonymous" else bearer(token(persona))
        with transaction.atomic():  # each persona's change undone: the next one finds the same data
            response = call(client, method, path, entry)
            transaction.set_rollback(True)
        expected = entry.answers[persona]
        status, message = expected if isinstance(expected, tuple) else (expected, "")
        if response.status_code != status:
            wrong.append(f"{persona}: {response.status_code} instead of {status}: {response.content[:300]!r}")
        elif status >= 400 and not {"code", "title", "message", "field"} <= set(response.json()):
            wrong.append(f"{persona}: not the JSON refusal: {response.content!r}")
        elif message and response.json()["message"] != message:
            wrong.append(f"{persona}: {response.json()['message']!r} instead of {message!r}")
    assert not wrong, f"{method} {path}\n" + "\n".join(wrong)
