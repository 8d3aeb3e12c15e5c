"""Framework pages: the list, upload, a readable tree of one framework, copy, replace, download."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dti.core.errors import ServiceError
from dti.core.permissions import Action, can, require
from dti.engine import MAX_SOURCE_BYTES
from dti.frameworks import services
from dti.frameworks.models import Framework
from dti.frameworks.selectors import framework_tree

if TYPE_CHECKING:
    from dti.accounts.http import AuthenticatedHttpRequest


@login_required
def framework_list(request: HttpRequest) -> HttpResponse:
    """Every stored framework, with whether a campaign uses it."""
    require(request.user, Action.VIEW_FRAMEWORKS)
    frameworks = Framework.objects.annotate(used_by=Count("campaign_groups")).select_related("copied_from")
    return render(
        request,
        "frameworks/list.html",
        {"frameworks": frameworks, "can_manage": can(request.user, Action.MANAGE_FRAMEWORKS)},
    )


def _source_from(request: HttpRequest) -> tuple[str, str]:
    """The uploaded file's text and name, or ServiceError with the reason."""
    upload = request.FILES.get("file")
    if upload is None:
        raise ServiceError(_("Hãy chọn tệp bộ chỉ số (.yaml) để tải lên."))
    name = upload.name or "bo-chi-so.yaml"
    return services.read_upload(upload, name=name, size=upload.size), name


@login_required
def framework_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a framework file; every problem is listed with its place in the document."""
    require(request.user, Action.MANAGE_FRAMEWORKS)
    context: dict[str, object] = {"max_mb": MAX_SOURCE_BYTES // (1024 * 1024)}
    if request.method == "POST":
        try:
            text, name = _source_from(request)
            framework = services.framework_upload(source_text=text, file_name=name, by=request.user)
        except ServiceError as exc:  # FrameworkInvalid also lists every problem of the file
            context.update(error=exc.message, problems=getattr(exc, "problems", []))
            return render(request, "frameworks/upload.html", context, status=422)
        messages.success(
            request, _("Đã tải lên bộ chỉ số “%(name)s” (%(code)s).") % {"name": framework.name, "code": framework.code}
        )
        return redirect("frameworks:detail", pk=framework.pk)
    return render(request, "frameworks/upload.html", context)


def _next_code(framework: Framework) -> str:
    year = str(framework.year)
    if year in framework.code:
        return framework.code.replace(year, str(framework.year + 1))
    return f"{framework.code}-{framework.year + 1}"


def _detail(request: HttpRequest, framework: Framework, status: int = 200, **extra: object) -> HttpResponse:
    context: dict[str, object] = {
        "framework": framework,
        "tree": framework_tree(framework.engine()),
        "frozen": framework.is_frozen,
        "campaign_groups": framework.campaign_groups.select_related("campaign"),
        "can_manage": can(request.user, Action.MANAGE_FRAMEWORKS),
        "copy_code": _next_code(framework),
        "copy_year": framework.year + 1,
        **extra,
    }
    return render(request, "frameworks/detail.html", context, status=status)


@login_required
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One framework as a tree: index, group, indicator, max, method in plain words, inputs, evidence."""
    require(request.user, Action.VIEW_FRAMEWORKS)
    framework = get_object_or_404(Framework.objects.select_related("copied_from", "uploaded_by"), pk=pk)
    return _detail(request, framework)


@login_required
def framework_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The framework's YAML file as stored."""
    require(request.user, Action.VIEW_FRAMEWORKS)
    framework = get_object_or_404(Framework, pk=pk)
    response = HttpResponse(framework.source.encode("utf-8"), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{framework.code}.yaml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def framework_copy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Make next year's version: the same content with a new code and year."""
    require(request.user, Action.MANAGE_FRAMEWORKS)
    framework = get_object_or_404(Framework, pk=pk)
    code = request.POST.get("code", "")
    raw_year = request.POST.get("year", "").strip()
    try:
        if not raw_year.isdigit():
            raise ServiceError(
                _("Năm “%(year)s” không hợp lệ: cần một năm, ví dụ %(example)s.")
                % {"year": raw_year, "example": framework.year + 1}
            )
        copy = services.framework_copy(framework=framework, code=code, year=int(raw_year), by=request.user)
    except ServiceError as exc:
        problems = exc.problems if isinstance(exc, services.FrameworkInvalid) else []
        return _detail(
            request,
            framework,
            status=422,
            copy_error=exc.message,
            copy_problems=problems,
            copy_code=code,
            copy_year=raw_year,
        )
    messages.success(
        request,
        _("Đã tạo phiên bản mới “%(code)s” (năm %(year)s) từ “%(source)s”.")
        % {"code": copy.code, "year": copy.year, "source": framework.code},
    )
    return redirect("frameworks:detail", pk=copy.pk)


@login_required
def framework_replace(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload a new content for a framework no campaign uses yet."""
    require(request.user, Action.MANAGE_FRAMEWORKS)
    framework = get_object_or_404(Framework, pk=pk)
    context: dict[str, object] = {
        "framework": framework,
        "frozen": framework.is_frozen,
        "max_mb": MAX_SOURCE_BYTES // (1024 * 1024),
    }
    if request.method == "POST":
        try:
            text, _name = _source_from(request)
            services.framework_replace(framework=framework, source_text=text, by=request.user)
        except ServiceError as exc:  # FrameworkInvalid also lists every problem of the file
            context.update(error=exc.message, problems=getattr(exc, "problems", []))
            return render(request, "frameworks/upload.html", context, status=422)
        messages.success(request, _("Đã thay nội dung bộ chỉ số “%(code)s”.") % {"code": framework.code})
        return redirect("frameworks:detail", pk=framework.pk)
    return render(request, "frameworks/upload.html", context)
