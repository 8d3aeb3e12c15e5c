"""Unit pages: the tree of units, the import from Excel/CSV and its template."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dti.core.imports import MAX_IMPORT_BYTES
from dti.core.permissions import Action, can, require
from dti.engine import spreadsheet_text
from dti.units import selectors, services
from dti.units.models import UnitType

if TYPE_CHECKING:
    from dti.accounts.http import AuthenticatedHttpRequest


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    """The unit tree with each unit's type, searched and filtered by province, type and status."""
    require(request.user, Action.VIEW_UNITS)
    listing = selectors.unit_list(request.GET)
    return render(
        request, "units/list.html", {"listing": listing, "can_manage": can(request.user, Action.MANAGE_UNITS)}
    )


@login_required
def unit_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a unit list; every problem is shown with its row and column, or the units are saved."""
    require(request.user, Action.MANAGE_UNITS)
    context: dict[str, object] = {
        "types": UnitType.objects.order_by("code"),
        "max_mb": MAX_IMPORT_BYTES // (1024 * 1024),
    }
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = _("Hãy chọn tệp Excel (.xlsx) hoặc CSV để nhập.")
            return render(request, "units/import.html", context, status=422)
        try:
            result = services.units_import(path_or_file=upload, by=request.user)
        except services.UnitImportInvalid as exc:
            context.update(error=exc.message, problems=exc.problems, file_name=upload.name)
            return render(request, "units/import.html", context, status=422)
        messages.success(
            request,
            ngettext(
                "Đã nhập %(total)s đơn vị từ tệp %(file)s: %(created)s thêm mới, %(updated)s cập nhật, "
                "%(unchanged)s không thay đổi.",
                "Đã nhập %(total)s đơn vị từ tệp %(file)s: %(created)s thêm mới, %(updated)s cập nhật, "
                "%(unchanged)s không thay đổi.",
                result.total,
            )
            % {
                "total": result.total,
                "file": upload.name,
                "created": len(result.created),
                "updated": len(result.updated),
                "unchanged": len(result.unchanged),
            },
        )
        return redirect("units:list")
    return render(request, "units/import.html", context)


@login_required
def unit_template(request: HttpRequest) -> HttpResponse:
    """The import template (.xlsx): the three columns, an example, and the unit types on a second sheet."""
    require(request.user, Action.MANAGE_UNITS)
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Đơn vị"
    sheet.append(services.TEMPLATE_HEADERS)
    sheet.append(["UBND tỉnh Bắc Ninh", "tinh", ""])
    sheet.append(["Sở Thông tin và Truyền thông", "so", "UBND tỉnh Bắc Ninh"])
    sheet.append(["UBND huyện Gia Bình", "huyen", "UBND tỉnh Bắc Ninh"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABC", (45, 18, 45), strict=True):
        sheet.column_dimensions[column].width = width
    types = workbook.create_sheet("Loại đơn vị")
    types.append(["Mã", "Tên"])
    for cell in types[1]:
        cell.font = Font(bold=True)
    known = {t.code: t.name for t in UnitType.objects.order_by("code")} or services.STANDARD_UNIT_TYPES
    for code, name in known.items():
        types.append([spreadsheet_text(code), spreadsheet_text(name)])
    types.column_dimensions["B"].width = 35
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-don-vi.xlsx"'
    return response
