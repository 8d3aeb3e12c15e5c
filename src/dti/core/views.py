"""Error pages in the person's language that say what happened and what to do."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: the reason from PermissionDenied, or a general one."""
    message = str(exception) if exception and str(exception) else _("Bạn không có quyền truy cập trang này.")
    return render(request, "core/error.html", {"title": _("Không có quyền truy cập"), "message": message}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 without echoing internals."""
    return render(
        request,
        "core/error.html",
        {
            "title": _("Không tìm thấy trang"),
            "message": _("Trang hoặc dữ liệu bạn tìm không tồn tại hoặc đã bị xóa."),
        },
        status=404,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its security token (an old tab, cookies blocked)."""
    message = _(
        "Biểu mẫu không gửi được vì thiếu mã bảo mật (trang đã mở quá lâu hoặc trình duyệt chặn cookie). "
        "Hãy tải lại trang rồi thử lại; dữ liệu chưa được lưu."
    )
    return render(request, "core/error.html", {"title": _("Không gửi được biểu mẫu"), "message": message}, status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: what happened and, truthfully, that nothing was half-saved; without the database.

    A page (GET) writes nothing, and a change (POST) ran in one transaction that the server
    error rolled back (core.middleware.AtomicChangesMiddleware). Django has logged the error
    with its traceback. The page extends nothing and is rendered without the request: the
    header of base.html reads the database, which may be what failed. An htmx request
    (autosave) gets the message as text.
    """
    if request.method in ("GET", "HEAD", "OPTIONS"):
        kept = _("Không có dữ liệu nào bị mất.")
    else:
        kept = _("Thay đổi vừa gửi chưa được lưu; dữ liệu đã lưu trước đó vẫn còn nguyên.")
    message = _("Máy chủ gặp lỗi khi xử lý yêu cầu này. Lỗi đã được ghi lại để quản trị hệ thống xem xét.")
    if request.headers.get("HX-Request"):
        return HttpResponse(f"{message} {kept}", status=500, content_type="text/plain; charset=utf-8")
    context = {"title": _("Lỗi máy chủ"), "message": message, "kept": kept}
    return HttpResponse(render_to_string("core/500.html", context), status=500)
