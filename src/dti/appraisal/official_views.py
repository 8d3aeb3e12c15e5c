"""The official-figures page: import the province's own figures and compare them with the units' claims."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from dti.appraisal import official
from dti.appraisal.models import OfficialFigure
from dti.appraisal.selectors import OfficialCheck, official_checks
from dti.assessments.models import Assessment
from dti.campaigns.models import Campaign
from dti.core.errors import ServiceError
from dti.core.imports import MAX_IMPORT_BYTES
from dti.core.permissions import Action, can, require
from dti.engine import InputType, NumberError, fmt, fmt_percent, parse_number

if TYPE_CHECKING:
    from dti.accounts.http import AuthenticatedHttpRequest


@dataclass(frozen=True)
class FigureRow:
    """One line of the table: an official figure beside the unit's claim."""

    unit: str
    code: str
    field: str
    label: str
    official: str
    claimed: str
    differs: bool
    source: str
    tolerance: str
    assessment_pk: int | None


def _display_value(value: object, kind: InputType | None) -> str:
    """A figure as a person reads it: a percentage as 81,18 %, a number the Vietnamese way, "" if none."""
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        return fmt_percent(value) if kind is InputType.PERCENT else fmt(value)
    return str(value)


def _rows(campaign: Campaign) -> list[FigureRow]:
    """Every figure held for the campaign's units beside the unit's claim, by unit, indicator and input."""
    figures = list(
        OfficialFigure.objects.filter(participation__campaign=campaign).select_related(
            "participation__unit", "participation__group__framework"
        )
    )
    by_participation: dict[int, list[OfficialFigure]] = {}
    for figure in figures:
        by_participation.setdefault(figure.participation_id, []).append(figure)
    assessments = {
        a.participation_id: a
        for a in Assessment.objects.filter(participation_id__in=by_participation)
        .select_related("participation__unit__unit_type", "participation__group__framework", "participation__campaign")
        .prefetch_related("entries")
    }
    rows: list[FigureRow] = []
    for participation_id, held in by_participation.items():
        participation = held[0].participation
        framework = participation.group.framework.engine()
        assessment = assessments.get(participation_id)
        checks: dict[tuple[str, str], OfficialCheck] = {}
        if assessment is not None:
            checks = {
                (check.code, check.field): check
                for unit_checks in official_checks(assessment, held).values()
                for check in unit_checks
            }
        for figure in held:
            item = framework.item(figure.code)
            input_field = item.input(figure.field) if item else None
            kind = input_field.type if input_field else None
            check = checks.get((figure.code, figure.field))
            rows.append(
                FigureRow(
                    unit=participation.unit.name,
                    code=figure.code,
                    field=figure.field,
                    label=input_field.label if input_field else figure.field,
                    official=_display_value(figure.value, kind),
                    claimed=_display_value(check.claimed if check else None, kind),
                    differs=check.differs if check else True,
                    source=figure.source,
                    tolerance=fmt_percent(figure.tolerance),
                    assessment_pk=assessment.pk if assessment else None,
                )
            )
    rows.sort(key=lambda row: (row.unit, row.code, row.field))
    return rows


def _tolerance(raw: str) -> Decimal:
    """The tolerance typed as a percentage ("5", "2,5") as a fraction; ServiceError if wrong."""
    raw = (raw or "").strip().rstrip("%").strip()
    if not raw:
        return official.DEFAULT_TOLERANCE
    try:
        percent = parse_number(raw)
    except NumberError as exc:
        raise ServiceError(_("Sai lệch cho phép “%(value)s” không phải là số.") % {"value": raw}) from exc
    if percent < 0 or percent > 100:
        raise ServiceError(_("Sai lệch cho phép phải từ 0 đến 100 %."))
    return percent / 100


@login_required
def campaign_figures(request: AuthenticatedHttpRequest, campaign_pk: int) -> HttpResponse:
    """The figures held for the campaign's units, each beside the unit's claim; the organiser imports more."""
    campaign = get_object_or_404(Campaign, pk=campaign_pk)
    require(request.user, Action.VIEW_APPRAISAL)
    can_manage = can(request.user, Action.MANAGE_APPRAISAL)
    context: dict[str, object] = {
        "campaign": campaign,
        "can_manage": can_manage,
        "max_mb": MAX_IMPORT_BYTES // (1024 * 1024),
        "tolerance": request.POST.get("tolerance", "5"),
        "source": request.POST.get("source", ""),
    }
    status = 200
    if request.method == "POST":
        require(request.user, Action.MANAGE_APPRAISAL)
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ServiceError(_("Hãy chọn tệp Excel (.xlsx) hoặc CSV để nhập."))
            result = official.official_import(
                campaign=campaign,
                upload=upload,
                by=request.user,
                source=request.POST.get("source", ""),
                tolerance=_tolerance(request.POST.get("tolerance", "")),
            )
        except official.OfficialImportInvalid as exc:
            context.update(error=exc.message, problems=exc.problems, file_name=upload.name if upload else "")
            status = 422
        except ServiceError as exc:
            context.update(error=exc.message)
            status = 422
        else:
            messages.success(
                request,
                _("Đã nhập %(total)s số liệu chính thức: %(created)s thêm mới, %(updated)s thay thế.")
                % {"total": result.total, "created": result.created, "updated": result.updated},
            )
            return redirect("official:campaign", campaign_pk=campaign.pk)
    rows = _rows(campaign)
    context.update(rows=rows, differing=sum(1 for r in rows if r.differs))
    return render(request, "appraisal/official.html", context, status=status)


@login_required
def template(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    """The import template (CSV, UTF-8 with BOM for Excel): each unit × each numeric input of its framework."""
    campaign = get_object_or_404(Campaign, pk=campaign_pk)
    require(request.user, Action.VIEW_APPRAISAL)
    response = HttpResponse(official.template_csv(campaign), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="so-lieu-chinh-thuc-{campaign.pk}.csv"'
    return response
