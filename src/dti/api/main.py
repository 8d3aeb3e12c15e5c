"""The API itself: one NinjaAPI with the platform's authentication, JSON refusals and resources.

`/api/openapi.json` is the OpenAPI 3.1 document ninja writes from the endpoints; `/api/docs`
is Swagger UI from ninja's own files (`ninja/static`, collected with the platform's static
files: no CDN), its page loading only scripts and styles of this site, as our CSP requires.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI, Swagger
from ninja.errors import ValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from dti.api import appraisal, assessments, catalog, changes, documents, errors, official, published
from dti.api.auth import CALLERS


class Utf8JSON(JSONRenderer):
    """JSON with Vietnamese written as such (not as \\u escapes)."""

    encoder_class: type[json.JSONEncoder] = NinjaJSONEncoder
    json_dumps_params: dict[str, Any] = {"ensure_ascii": False}

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return json.dumps(data, cls=self.encoder_class, **self.json_dumps_params)


class NoNulParser(Parser):
    """JSON bodies, forms and queries without NUL characters, refused with 422 at their field.

    PostgreSQL text cannot hold NUL (a DataError, a 500); the web's forms refuse it too (Django's
    ProhibitNullCharactersValidator). Schemathesis found it in a question's text.
    """

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        _refuse_nul(data, ["body"])
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        _refuse_nul(parsed, ["query"])
        return parsed


def _refuse_nul(value: object, place: list[str]) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValidationError([{"loc": place, "msg": "NUL"}])
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key, place)
            _refuse_nul(item, [*place, str(key)])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nul(item, [*place, str(index)])


api = NinjaAPI(
    title="API của nền tảng DTI",
    version="1",
    description=(
        "Dữ liệu của nền tảng đánh giá chỉ số chuyển đổi số cho các hệ thống khác, theo đúng các quy tắc "
        "của trang web. Xác thực bằng khóa API cá nhân (`Authorization: Bearer dti_…`, tạo ở trang "
        "“Khóa API” của tài khoản) hoặc phiên đăng nhập. Hướng dẫn: docs/api.md."
    ),
    auth=CALLERS,
    renderer=Utf8JSON(),
    parser=NoNulParser(),
    # validatorUrl: Swagger UI would otherwise ask a validator on the internet for a badge.
    docs=Swagger(settings={"validatorUrl": None}),
    urls_namespace="api",
)
errors.install(api)
api.add_router("", catalog.router)
api.add_router("", assessments.router)
api.add_router("", changes.router)
api.add_router("", appraisal.router)
api.add_router("", official.router)
api.add_router("", documents.router)
api.add_router("", published.router)
