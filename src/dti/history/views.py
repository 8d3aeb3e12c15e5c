"""History pages: the organisers' (past-year import, changes of units, code mappings) and the public
trend pages (a unit over the years, a campaign series), which read published snapshots only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dti.core.errors import ServiceError
from dti.core.imports import MAX_IMPORT_BYTES
from dti.core.permissions import Action, require
from dti.frameworks.models import Framework
from dti.history import services
from dti.history.charts import Line, line_svg
from dti.history.forms import LineageForm, PastConfirmForm, PastImportForm
from dti.history.models import CodeMapping, Lineage
from dti.history.selectors import campaign_series, code_pairs, coded, unit_names, unit_trend
from dti.results.models import Publication
from dti.results.snapshot import framework_part
from dti.units.models import Unit

if TYPE_CHECKING:
    from django import forms

    from dti.accounts.http import AuthenticatedHttpRequest


def _add_error(form: forms.Form, exc: ServiceError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# ---------------------------------------------------------------- importing a past year


@login_required
def past_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a past year's published table and its framework; the preview shows every finding of
    the checks and the units to be added, and nothing is stored until the person confirms."""
    require(request.user, Action.MANAGE_CAMPAIGNS)
    form = PastImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form, "max_mb": MAX_IMPORT_BYTES // (1024 * 1024)}
    if request.method == "POST" and form.is_valid():
        framework = form.cleaned_data["framework"]
        try:
            token, preview = services.past_import_stage(
                by=request.user,
                upload=form.cleaned_data["file"],
                framework=framework,
                framework_upload=form.cleaned_data["framework_file"],
            )
        except ServiceError as exc:
            _add_error(form, exc)
            problems = getattr(exc, "problems", [])
            return render(request, "history/import.html", {**context, "problems": problems}, status=422)
        confirm = PastConfirmForm(
            initial={
                "token": token,
                "framework": framework,
                "organiser": request.user.unit,
                "year": framework.year if framework else None,
            }
        )
        return render(request, "history/import_preview.html", {"preview": preview, "form": confirm})
    return render(request, "history/import.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def past_import_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Store the previewed past year as a published campaign (or go back to the preview with the reason)."""
    require(request.user, Action.MANAGE_CAMPAIGNS)
    form = PastConfirmForm(request.POST)
    if not form.is_valid():
        token = request.POST.get("token", "")
        try:
            framework = form.cleaned_data.get("framework")
            preview = services.past_import_preview(by=request.user, token=token, framework=framework)
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("history:import")
        return render(request, "history/import_preview.html", {"preview": preview, "form": form}, status=422)
    data = form.cleaned_data
    if "bo-lai" in request.POST:
        services.discard(data["token"], by=request.user)
        messages.info(request, _("Đã hủy, không nhập gì."))
        return redirect("history:import")
    try:
        campaign = services.past_import_confirm(
            by=request.user,
            token=data["token"],
            framework=data["framework"],
            name=data["name"],
            year=data["year"],
            group_name=data["group_name"],
            organiser=data["organiser"],
            unit_type=data["unit_type"],
            decision_number=data["decision_number"],
            decision_date=data["decision_date"],
            signer=data["signer"],
        )
    except ServiceError as exc:
        _add_error(form, exc)
        try:
            preview = services.past_import_preview(by=request.user, token=data["token"], framework=data["framework"])
        except ServiceError as again:
            messages.error(request, again.message)
            return redirect("history:import")
        return render(request, "history/import_preview.html", {"preview": preview, "form": form}, status=422)
    messages.success(request, _("Đã nhập và công bố kết quả %(name)s.") % {"name": campaign.name})
    return redirect("public:campaign", campaign.pk)


# ---------------------------------------------------------------- changes of units


@login_required
def lineage_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every recorded change of units, newest first (a constant number of queries)."""
    require(request.user, Action.MANAGE_UNITS)
    lineages = Lineage.objects.select_related("by").prefetch_related(
        Prefetch("predecessors", queryset=Unit.objects.only("name")),
        Prefetch("successors", queryset=Unit.objects.only("name")),
    )
    return render(request, "history/lineage_list.html", {"lineages": lineages})


def _lineage_form(request: AuthenticatedHttpRequest, lineage: Lineage | None) -> HttpResponse:
    initial = {}
    if lineage is not None:
        initial = {
            "kind": lineage.kind,
            "effective": lineage.effective,
            "rule": lineage.rule,
            "note": lineage.note,
            "predecessors": list(lineage.predecessors.all()),
            "successors": list(lineage.successors.all()),
        }
    form = LineageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.lineage_save(by=request.user, lineage=lineage, **form.cleaned_data)
        except ServiceError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi đơn vị."))
            return redirect("history:lineages")
    status = 422 if form.errors else 200
    return render(request, "history/lineage_form.html", {"form": form, "lineage": lineage}, status=status)


@login_required
def lineage_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record a rename, merge or split."""
    require(request.user, Action.MANAGE_UNITS)
    return _lineage_form(request, None)


@login_required
def lineage_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Edit a recorded change."""
    require(request.user, Action.MANAGE_UNITS)
    return _lineage_form(request, get_object_or_404(Lineage, pk=pk))


@login_required
@require_POST
def lineage_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Remove a recorded change."""
    require(request.user, Action.MANAGE_UNITS)
    services.lineage_delete(by=request.user, lineage=get_object_or_404(Lineage, pk=pk))
    messages.success(request, _("Đã xoá thay đổi đơn vị."))
    return redirect("history:lineages")


# ---------------------------------------------------------------- code mappings


def _coded(framework: Framework) -> list[tuple[str, str]]:
    """The (code, name) pairs of a stored framework that a mapping pairs, as its snapshot records them."""
    return coded(framework_part(framework.engine(), framework.code, framework.content_hash))


@login_required
def mapping(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose two framework versions (?cu=, ?moi=) and edit how the newer one's codes pair with the
    older one's; the pre-fill pairs equal codes and equal names; codes without a counterpart are named."""
    require(request.user, Action.MANAGE_FRAMEWORKS)
    frameworks = list(Framework.objects.defer("source").order_by("-year", "code"))
    by_pk = {str(f.pk): f for f in frameworks}
    old, new = by_pk.get(request.GET.get("cu", "")), by_pk.get(request.GET.get("moi", ""))
    context: dict[str, object] = {"frameworks": frameworks, "old": old, "new": new}
    if old is None or new is None:
        return render(request, "history/mapping.html", context)
    old = Framework.objects.get(pk=old.pk)
    new = Framework.objects.get(pk=new.pk)
    old_codes, new_codes = _coded(old), _coded(new)
    status = 200
    if request.method == "POST":
        chosen = {code: request.POST.get(f"ma-{code}", "").strip() for code, _name in new_codes}
        try:
            services.mapping_save(
                by=request.user, old=old, new=new, pairs=chosen, codes=[code for code, _name in new_codes]
            )
        except ServiceError as exc:
            context["error"] = exc.message
            status = 422
        else:
            messages.success(request, _("Đã lưu bảng đối chiếu mã."))
            return redirect(f"{request.path}?cu={old.pk}&moi={new.pk}")
    stored = CodeMapping.objects.filter(from_framework=old, to_framework=new)
    pairs = code_pairs(old_codes, new_codes, stored)
    names = dict(old_codes)
    context.update(
        old=old,
        new=new,
        rows=[(code, name, pairs.mapping.get(code, "")) for code, name in new_codes],
        old_codes=old_codes,
        pairs=pairs,
        old_only=[(code, names[code]) for code in pairs.old_only],
        new_only=[(code, dict(new_codes)[code]) for code in pairs.new_only],
    )
    return render(request, "history/mapping.html", context, status=status)


# ---------------------------------------------------------------- public trend pages


def unit_trend_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A unit's published values and ranks over the years, through renames and merges (public)."""
    name = unit_names().get(slug)
    if name is None:
        raise Http404
    trend = unit_trend(name)
    years = [p.year for p in trend.points]
    places = max((p.framework["precision"] for p in trend.points), default=2)
    charts = []
    if trend.points:
        charts.append(
            line_svg(
                years,
                [Line(_("Tổng điểm"), [p.scores.total for p in trend.points])],
                _("Tổng điểm của %(unit)s qua các năm") % {"unit": name},
                places=places,
                element_id="tong-diem",
            )
        )
        charts.append(
            line_svg(
                years,
                [Line(_("Xếp hạng"), [p.scores.rank for p in trend.points])],
                _("Xếp hạng của %(unit)s qua các năm (hạng 1 ở trên cùng)") % {"unit": name},
                places=0,
                invert=True,
                element_id="xep-hang",
            )
        )
    rows = [(line, [p.indices[k] for p in trend.points]) for k, line in enumerate(trend.indices)]
    context = {"trend": trend, "charts": charts, "rows": rows, "places": places}
    return render(request, "history/unit_trend.html", context)


def campaign_trend_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The group means of a campaign series over the years: the published campaigns of the same
    organiser, groups matched by name (public, published snapshots only)."""
    publication = Publication.objects.filter(campaign_id=pk).order_by("-version").first()
    if publication is None:
        raise Http404
    series = campaign_series(publication)
    charts = []
    for number, group in enumerate(series.groups, start=1):
        lines = [Line(_("Điểm trung bình"), [y.total for y in group.years])]
        charts.append(
            line_svg(
                [y.year for y in group.years],
                lines,
                _("Điểm trung bình của nhóm %(group)s qua các năm") % {"group": group.name},
                places=group.precision,
                element_id=f"nhom-{number}",
            )
        )
    context = {"series": series, "groups": list(zip(series.groups, charts, strict=True)), "pk": pk}
    return render(request, "history/campaign_trend.html", context)
