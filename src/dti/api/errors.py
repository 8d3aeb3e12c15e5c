"""Every refusal of the API as one JSON shape: `{"code", "title", "message", "field"}` (docs/api.md).

`message` is the Vietnamese sentence the web shows for the same refusal (PermissionDenied's
reason from `dti.core.permissions`, a ServiceError's message), `title` the heading of the web's
error page for that status, `code` a fixed machine word, `field` the parameter or field at fault
(empty when none). A stale write (`Conflict`, 409) also carries `current`, the version saved
by someone else; invalid values (`InvalidData`, 422) carry `errors`, every field's message,
`field` and `message` being the first of them; a file with problems (`ImportInvalid`, 422) carries
`problems`, each with its place (row, column), `field` being the first place. One handler per
exception, installed on the API by `install`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from dti.assessments.services import InvalidData
from dti.core.errors import Conflict, ServiceError
from dti.core.imports import ImportInvalid

logger = logging.getLogger("django.request")


class ProblemOut(Schema):
    """One problem of an uploaded file: where (row and column) and what is wrong."""

    place: str
    message: str


class ApiError(Schema):
    """A refusal: machine code, the web page's title, the Vietnamese message, the field at fault."""

    code: str
    title: str
    message: str
    field: str = ""
    current: Any = None
    errors: dict[str, str] | None = None
    problems: list[ProblemOut] | None = None


class RateLimited(Exception):
    """More than `rate` calls with one token this minute; `retry_after` seconds until the next minute."""

    def __init__(self, rate: int, retry_after: int) -> None:
        super().__init__(rate, retry_after)
        self.rate = rate
        self.retry_after = retry_after


def _titles() -> dict[int, str]:
    return {
        400: _("Yêu cầu không hợp lệ"),
        401: _("Chưa xác thực"),
        403: _("Không có quyền truy cập"),
        404: _("Không tìm thấy trang"),
        405: _("Phương thức không được hỗ trợ"),
        409: _("Dữ liệu đã thay đổi"),
        422: _("Dữ liệu không hợp lệ"),
        429: _("Quá nhiều yêu cầu"),
        500: _("Lỗi máy chủ"),
    }


def error_body(
    status: int,
    code: str,
    message: str,
    field: str = "",
    current: Any = None,
    errors: dict[str, str] | None = None,
    problems: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The JSON of a refusal with `status`."""
    body: dict[str, Any] = {"code": code, "title": _titles()[status], "message": message, "field": field}
    if current is not None:
        body["current"] = current
    if errors:
        body["errors"] = errors
    if problems:
        body["problems"] = problems
    return body


def not_allowed_body() -> dict[str, Any]:
    """The 405 answer (the method is not one this address takes)."""
    return error_body(405, "method_not_allowed", _("Địa chỉ này không nhận phương thức HTTP đã dùng."))


def not_found_body() -> dict[str, Any]:
    """The 404 answer, in the words of the web's 404 page."""
    return error_body(404, "not_found", _("Trang hoặc dữ liệu bạn tìm không tồn tại hoặc đã bị xóa."))


def service_refusal(exc: ServiceError) -> tuple[int, dict[str, Any]]:
    """A service's refusal: 409 with `current` for a stale write, 422 with the field(s) at fault otherwise."""
    if isinstance(exc, Conflict):
        current = exc.current if isinstance(exc.current, dict | list | str | int) else str(exc.current)
        return 409, error_body(409, "conflict", exc.message, exc.field, current)
    if isinstance(exc, InvalidData) and exc.errors:
        field, message = next(iter(exc.errors.items()))
        return 422, error_body(422, "invalid", message, field, errors=exc.errors)
    if isinstance(exc, ImportInvalid):
        problems = [{"place": p.place, "message": p.message} for p in exc.problems]
        return 422, error_body(
            422, "invalid_file", exc.message, problems[0]["place"] if problems else "", problems=problems
        )
    return 422, error_body(422, "refused", exc.message, exc.field)


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers with the platform's JSON refusals."""

    def answer(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, body, status=status)

    def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        status, body = service_refusal(exc)
        return answer(request, status, body)

    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or _("Bạn không có quyền thực hiện thao tác này.")
        return answer(request, 403, error_body(403, "forbidden", message))

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return answer(request, 404, not_found_body())

    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        location = [str(part) for part in first.get("loc", ())]
        field = ".".join(location[1:]) or ".".join(location)
        if field:
            message = _("Giá trị của “%(field)s” không hợp lệ.") % {"field": field}
        else:
            message = _("Dữ liệu gửi lên không hợp lệ.")
        return answer(request, 422, error_body(422, "invalid", message, field))

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, ValidationError):  # the body parser's refusal (a NUL), wrapped by ninja
            return invalid(request, exc.__cause__)
        if isinstance(exc, AuthenticationError) or exc.status_code == 401:
            message = _("Cần một khóa API còn hiệu lực (Authorization: Bearer dti_…) hoặc đăng nhập.")
            return answer(request, 401, error_body(401, "unauthenticated", message))
        if exc.status_code == 403:  # ninja's only 403: the session's CSRF check on a change
            message = _("Yêu cầu thay đổi dữ liệu bằng phiên đăng nhập cần mã CSRF (tiêu đề X-CSRFToken).")
            return answer(request, 403, error_body(403, "csrf", message))
        status = exc.status_code if exc.status_code in _titles() else 400
        return answer(request, status, error_body(status, "error", _titles()[status]))

    def not_json(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
        # a form (multipart) sent to an endpoint that reads a JSON body: the form was read first
        message = _("Địa chỉ này nhận dữ liệu JSON (Content-Type: application/json), không nhận biểu mẫu.")
        return answer(request, 422, error_body(422, "invalid", message))

    def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        message = _("Khóa API này đã gọi quá %(rate)s lần trong một phút; hãy thử lại sau %(seconds)s giây.") % {
            "rate": exc.rate,
            "seconds": exc.retry_after,
        }
        response = answer(request, 429, error_body(429, "rate_limited", message))
        response["Retry-After"] = str(exc.retry_after)
        return response

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("API: lỗi máy chủ tại %s", request.path, exc_info=exc)
        message = _("Máy chủ gặp lỗi khi xử lý yêu cầu này. Lỗi đã được ghi lại để quản trị hệ thống xem xét.")
        return answer(request, 500, error_body(500, "server_error", message))

    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (ServiceError, service_error),
        (PermissionDenied, permission_denied),
        (Http404, not_found),
        (ValidationError, invalid),
        (HttpError, http_error),
        (RawPostDataException, not_json),
        (RateLimited, rate_limited),
        (Exception, server_error),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
