"""Error pages in Vietnamese that say what happened and what to do."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: the reason from PermissionDenied, or a general one."""
    message = str(exception) if exception and str(exception) else "Bạn không có quyền truy cập trang này."
    return render(request, "core/error.html", {"title": "Không có quyền truy cập", "message": message}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404 without echoing internals."""
    return render(
        request,
        "core/error.html",
        {"title": "Không tìm thấy trang", "message": "Trang hoặc dữ liệu bạn tìm không tồn tại hoặc đã bị xóa."},
        status=404,
    )
