"""The self-assessment pages: thin views over the services and the page selector."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dti.assessments import rules, services, workflow
from dti.assessments.models import Assessment, Entry, Evidence
from dti.assessments.selectors import (
    INDEX_PARAM,
    AssessmentPage,
    assessment_page,
    banner,
    general_conflict,
    history_rows,
    index_of,
    indicator_url,
    page_indices,
)
from dti.audit.services import history
from dti.campaigns.models import Participation
from dti.core.errors import Conflict, ServiceError
from dti.core.permissions import Action, can, require

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from dti.accounts.http import AuthenticatedHttpRequest

    class HtmxRequest(AuthenticatedHttpRequest):
        """A signed-in request through django-htmx's middleware, which sets `htmx`."""

        htmx: HtmxDetails


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.select_related(
            "participation__unit__unit_type", "participation__campaign", "participation__group__framework"
        ).defer("participation__group__framework__source"),
        pk=pk,
    )
    require(request.user, Action.VIEW_ASSESSMENT, assessment)
    return assessment


def _context(request: HttpRequest, page: AssessmentPage) -> dict[str, object]:
    assessment = page.assessment
    reason = rules.edit_block_reason(assessment)
    editable = can(request.user, Action.EDIT_ASSESSMENT, assessment) and not reason
    return {
        "page": page,
        "assessment": assessment,
        "campaign": assessment.participation.campaign,
        "editable": editable,
        "block_reason": reason,
        "can_submit": can(request.user, Action.SUBMIT_ASSESSMENT, assessment),
        # Rendered once per page rather than once per form (a page has hundreds of forms).
        "csrf_hidden": mark_safe(f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">'),
        "links": {name: reverse(f"assessments:{name}", args=[assessment.pk, CODE]) for name in _INDICATOR_URLS},
    }


CODE = "0CODE0"  # placeholder replaced by each indicator's code in the templates
_INDICATOR_URLS = ("entry", "evidence_add", "history", "index")


def _jinja(name: str, context: dict[str, object], request: HttpRequest) -> str:
    """A fragment rendered with Jinja2 (the heavy parts of the page: see dti.core.jinja)."""
    return mark_safe(render_to_string(name, context, request, using="jinja2"))


def _page(
    request: HttpRequest,
    template: str,
    page: AssessmentPage,
    status: int = 200,
    extra: Mapping[str, object] | None = None,
) -> HttpResponse:
    """A full page: Django's base layout around the Jinja2-rendered summary, general info and indices."""
    context = {**_context(request, page), "banner": banner(page.assessment, request.user), **(extra or {})}
    context["summary_html"] = _jinja("assessments/_summary.html", context, request)
    if template == "assessments/detail.html":
        context["indices_html"] = _jinja("assessments/_indices.html", context, request)
        context["general_html"] = mark_safe(
            "".join(
                render_to_string("assessments/_field.html", {"inp": inp, "slug": "general"}, request, using="jinja2")
                for inp in page.general
            )
        )
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def open_participation(request: HttpRequest, participation_pk: int) -> HttpResponse:
    """A unit's assessment in a campaign; a unit that has none yet starts it with a POST.

    Opening the link only reads (a read-only viewer, or an `<img>` on another site, must not
    create anything): it goes to the assessment, or says that the unit has not started and
    offers "Bắt đầu tự đánh giá" to those who may enter the unit's data now.
    """
    participation = get_object_or_404(Participation.objects.select_related("unit", "campaign"), pk=participation_pk)
    probe = Assessment(participation=participation)
    require(request.user, Action.VIEW_ASSESSMENT, probe)
    existing = Assessment.objects.filter(participation=participation).only("pk").first()
    if existing is not None:
        return redirect("assessments:detail", pk=existing.pk)
    reason = rules.edit_block_reason(probe)
    if request.method == "POST":
        require(request.user, Action.EDIT_ASSESSMENT, probe)
        if reason:
            raise PermissionDenied(reason)
        with transaction.atomic():
            assessment, _created = Assessment.objects.get_or_create(participation=participation)
        return redirect("assessments:detail", pk=assessment.pk)
    unit_person = can(request.user, Action.EDIT_ASSESSMENT, probe)
    context = {"participation": participation, "may_start": unit_person and not reason, "block_reason": reason}
    return render(request, "assessments/open.html", {**context, "unit_person": unit_person})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole self-assessment: general info, indices → indicators, live scores, evidence.

    A large framework renders one index (`?chi-so-chinh=` or the first); the others load when
    opened (`index_part`), so the page stays fast with a hundred indicators.
    """
    assessment = _assessment(request, pk)
    wanted = request.GET.get(INDEX_PARAM)
    page = assessment_page(assessment, open_indices=page_indices(assessment, wanted))
    return _page(request, "assessments/detail.html", page)


@login_required
def index_part(request: HttpRequest, pk: int, index_code: str) -> HttpResponse:
    """One index's indicators, loaded into the page when the person opens the index."""
    assessment = _assessment(request, pk)
    if assessment.framework().index(index_code) is None:
        raise Http404
    page = assessment_page(assessment, open_indices={index_code})
    context = {**_context(request, page), "index_code": index_code}
    return HttpResponse(_jinja("assessments/_index_body.html", context, request))


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", "0"))
    except ValueError:
        return -1


def _typed(request: HttpRequest) -> dict[str, str]:
    """What the person typed in the posted form (its last value per field), without the form's bookkeeping."""
    return {k: v for k, v in request.POST.dict().items() if k not in ("csrfmiddlewaretoken", "version")}


@login_required
@require_POST
def save_entry(request: HtmxRequest, pk: int, code: str) -> HttpResponse:
    """Save one indicator (autosave by htmx, or the form's Save button without JavaScript)."""
    assessment = _assessment(request, pk)
    status, error = 200, ""
    # An htmx autosave answers with one indicator, its index and the summary: build only that.
    only = code if request.htmx else None
    opened = None if only else page_indices(assessment, index_of(assessment, code))
    mine = {code: _typed(request)}
    try:
        services.entry_save(
            assessment=assessment, code=code, data=request.POST, version=_version(request), by=request.user
        )
    except services.InvalidData as exc:
        status, error = 422, _("Chưa lưu: có giá trị chưa hợp lệ (xem ghi chú đỏ bên cạnh ô nhập).")
        page = assessment_page(assessment, typed=mine, errors={code: exc.errors}, only=only, open_indices=opened)
    except Conflict as exc:
        status, error = 409, exc.message
        theirs = exc.current if isinstance(exc.current, Entry) else None  # entry_save's Conflict carries the Entry
        page = assessment_page(assessment, typed=mine, conflict=theirs, only=only, open_indices=opened)
    except ServiceError as exc:
        status, error = 403, exc.message
        page = assessment_page(assessment, typed=mine, only=only, open_indices=opened)
    else:
        page = assessment_page(assessment, only=only, open_indices=opened)
    view = page.indicator(code)
    if view is None:
        raise Http404
    if request.htmx:
        context = {**_context(request, page), "ind": view, "error": error, "saved": status == 200}
        return HttpResponse(_jinja("assessments/_saved.html", context, request), status=status)
    if status == 200:
        messages.success(request, _("Đã lưu chỉ số %(code)s.") % {"code": code})
        return redirect(indicator_url(assessment, code))
    messages.error(request, "; ".join(view.errors.values()) if status == 422 else error)
    return _page(request, "assessments/detail.html", page, status)


@login_required
@require_POST
def save_general(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Save the general-info form."""
    assessment = _assessment(request, pk)
    typed = _typed(request)
    try:
        services.general_save(assessment=assessment, data=request.POST, version=_version(request), by=request.user)
    except services.InvalidData as exc:
        messages.error(request, exc.message)
        page = assessment_page(assessment, typed={"general": typed}, errors={"general": exc.errors})
        return _page(request, "assessments/detail.html", page, 422)
    except ServiceError as exc:
        messages.error(request, exc.message)
        page = assessment_page(assessment, typed={"general": typed})
        extra = {"general_conflict": general_conflict(assessment)} if isinstance(exc, Conflict) else {}
        return _page(request, "assessments/detail.html", page, 409 if isinstance(exc, Conflict) else 403, extra)
    messages.success(request, _("Đã lưu thông tin chung."))
    return redirect(reverse("assessments:detail", args=[pk]) + "#thong-tin-chung")


@login_required
def indicator_history(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Every change to one indicator: who, when, old → new."""
    assessment = _assessment(request, pk)
    item = assessment.framework().item(code)
    if item is None and code != "general":
        raise Http404
    rows = history_rows(assessment, code, history(assessment, code=code))
    context = {"assessment": assessment, "item": item, "code": code, "rows": rows}
    return render(request, "assessments/history.html", context)


def attach_evidence(
    request: AuthenticatedHttpRequest,
    assessment: Assessment,
    code: str,
    *,
    add_file: Callable[..., Evidence] = services.evidence_add_file,
    add_reference: Callable[..., Evidence] = services.evidence_add_reference,
) -> None:
    """Attach the posted file or document reference to one indicator, reporting the outcome as a message.

    `add_file` and `add_reference` are the services that check who may add evidence now: the
    unit's editing by default, the explanation round's rule on its page.
    """
    try:
        upload = request.FILES.get("file")
        if upload is not None:
            evidence = add_file(assessment=assessment, code=code, upload=upload, by=request.user)
            messages.success(
                request,
                _("Đã đính kèm tệp %(name)s cho chỉ số %(code)s.") % {"name": evidence.original_name, "code": code},
            )
        else:
            date = None
            raw_date = (request.POST.get("doc_date") or "").strip()
            if raw_date:
                try:
                    date = _parse_date(raw_date)
                except ValueError as exc:
                    raise ServiceError(
                        _("Ngày ban hành '%(date)s' không hợp lệ (cần dd/mm/yyyy).") % {"date": raw_date}
                    ) from exc
            add_reference(
                assessment=assessment,
                code=code,
                number=request.POST.get("doc_number", ""),
                date=date,
                title=request.POST.get("title", ""),
                by=request.user,
            )
            messages.success(request, _("Đã ghi nhận văn bản cho chỉ số %(code)s.") % {"code": code})
    except ServiceError as exc:
        messages.error(request, exc.message)


@login_required
@require_POST
def add_evidence(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    """Attach a file or a document reference to one indicator."""
    assessment = _assessment(request, pk)
    anchor = indicator_url(assessment, code)
    attach_evidence(request, assessment, code)
    return redirect(anchor)


def _parse_date(text: str) -> datetime.date:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _evidence(request: HttpRequest, pk: int) -> Evidence:
    evidence = get_object_or_404(Evidence.objects.select_related("assessment__participation"), pk=pk)
    if not can(request.user, Action.VIEW_ASSESSMENT, evidence.assessment):
        raise PermissionDenied(_("Bạn không có quyền xem tài liệu của đơn vị này."))
    return evidence


@login_required
def download_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """Serve an evidence file after checking permission; never from a public directory."""
    evidence = _evidence(request, pk)
    if not evidence.file:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    inline = request.GET.get("xem") == "1" and evidence.content_type in ("application/pdf", "image/png", "image/jpeg")
    response = FileResponse(
        handle, as_attachment=not inline, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response


@login_required
@require_POST
def delete_evidence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Remove an evidence item (the audit log keeps what it was)."""
    evidence = _evidence(request, pk)  # the unit's data must be visible; the service checks editing
    assessment, code = evidence.assessment, evidence.code
    try:
        services.evidence_delete(evidence=evidence, by=request.user)
        messages.success(request, _("Đã xóa tài liệu kiểm chứng."))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(indicator_url(assessment, code))


@login_required
def submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The leader reviews the summary and submits."""
    assessment = _assessment(request, pk)
    require(request.user, Action.SUBMIT_ASSESSMENT, assessment)
    if request.method == "POST":
        try:
            workflow.submit(assessment=assessment, by=request.user, comment=request.POST.get("comment", ""))
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("assessments:submit", pk=pk)
        messages.success(request, _("Đã gửi bản tự đánh giá. Số liệu của đơn vị từ nay chỉ xem được, không sửa được."))
        return redirect("assessments:detail", pk=pk)
    # The summary needs every score but no indicator form: build no indicator views.
    return _page(request, "assessments/submit.html", assessment_page(assessment, open_indices=set()))
