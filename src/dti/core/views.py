"""Error pages in the person's language that say what happened and what to do."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
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
