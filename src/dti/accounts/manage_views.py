"""The organiser's account pages: the list, one account (create, edit, lock, reset) and the import from Excel/CSV.

A page that shows generated passwords answers the request that made them, is never cached and
is never shown again: the passwords are not stored anywhere in clear (dti.accounts.services).
"""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dti.accounts import services
from dti.accounts.forms import AccountFilterForm, AccountForm, ResetForm
from dti.accounts.http import AuthenticatedHttpRequest
from dti.accounts.models import User, unit_model
from dti.accounts.selectors import account_page
from dti.core.errors import ServiceError
from dti.core.imports import MAX_IMPORT_BYTES
from dti.core.permissions import Action, can, require
from dti.core.roles import Role
from dti.engine import spreadsheet_text

PAGE_PARAMETER = "trang"


@login_required
def account_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every account, searched and filtered (unit, role, active), a page at a time."""
    require(request.user, Action.MANAGE_ACCOUNTS)
    form = AccountFilterForm(request.GET)
    form.is_valid()  # a filter that does not fit is left out
    kept = request.GET.copy()
    kept.pop(PAGE_PARAMETER, None)
    context = {
        "form": form,
        "page": account_page(form.filters(), request.GET.get(PAGE_PARAMETER)),
        "kept": kept.urlencode(),
        "can_manage_admins": can(request.user, Action.MANAGE_ADMIN_ACCOUNTS),
    }
    return render(request, "accounts/manage/list.html", context)


def _add_errors(form: AccountForm, exc: ServiceError) -> None:
    errors = exc.errors if isinstance(exc, services.AccountInvalid) else {exc.field: exc.message}
    for name, message in errors.items():
        form.add_error(name if name in form.fields else None, message)


def _issued_page(request: AuthenticatedHttpRequest, issued: list[services.Issued], heading: str) -> HttpResponse:
    """The accounts just created or reset: the generated passwords to print (this once) and the invitations sent."""
    context = {
        "heading": heading,
        "printed": [i for i in issued if i.password],
        "invited": [i for i in issued if i.invited],
        "login_url": f"{settings.SITE_URL.rstrip('/')}{reverse('login')}",
        "issued_at": timezone.now(),
    }
    response = render(request, "accounts/manage/issued.html", context)
    add_never_cache_headers(response)
    return response


@login_required
def account_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One new account; its password is shown once, or an invitation is e-mailed."""
    require(request.user, Action.MANAGE_ACCOUNTS)
    form = AccountForm(request.POST or None, by=request.user)
    if request.method == "POST" and form.is_valid():
        invite = form.cleaned_data["delivery"] == "invite"
        try:
            issued = services.account_create(values=form.values(), invite=invite, by=request.user)
        except ServiceError as exc:
            _add_errors(form, exc)
        else:
            return _issued_page(
                request, [issued], _("Đã tạo tài khoản %(username)s") % {"username": issued.user.username}
            )
    status = 422 if request.method == "POST" else 200
    return render(request, "accounts/manage/create.html", {"form": form}, status=status)


def _account(pk: int) -> User:
    return get_object_or_404(User.objects.select_related("unit"), pk=pk)


def _edit_page(
    request: AuthenticatedHttpRequest,
    account: User,
    *,
    form: AccountForm | None = None,
    reset_form: ResetForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "account": account,
        "form": form or AccountForm(by=request.user, account=account),
        "reset_form": reset_form or ResetForm(),
        "error": error,
        "is_self": account.pk == request.user.pk,
    }
    return render(request, "accounts/manage/edit.html", context, status=status)


@login_required
def account_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One account: its name, e-mail, role and unit; locking it and resetting its password."""
    account = _account(pk)
    services.require_may_manage(request.user, account)
    if request.method != "POST":
        return _edit_page(request, account)
    form = AccountForm(request.POST, by=request.user, account=account)
    if form.is_valid():
        try:
            services.account_update(user=account, values=form.values(), by=request.user)
        except ServiceError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu tài khoản %(username)s.") % {"username": account.username})
            return redirect("accounts:edit", pk=account.pk)
    return _edit_page(request, account, form=form, status=422)


def _set_active(request: AuthenticatedHttpRequest, pk: int, *, active: bool) -> HttpResponse:
    account = _account(pk)
    try:
        services.account_set_active(user=account, active=active, by=request.user)
    except ServiceError as exc:
        return _edit_page(request, account, error=exc.message, status=422)
    if active:
        messages.success(request, _("Đã mở lại tài khoản %(username)s.") % {"username": account.username})
    else:
        messages.success(
            request,
            _("Đã khóa tài khoản %(username)s: người này không đăng nhập được nữa.") % {"username": account.username},
        )
    return redirect("accounts:edit", pk=account.pk)


@login_required
@require_POST
def account_deactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Lock an account: its owner is signed out and cannot sign in (the account and its history stay)."""
    return _set_active(request, pk, active=False)


@login_required
@require_POST
def account_reactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Open a locked account again."""
    return _set_active(request, pk, active=True)


@login_required
@require_POST
def account_reset(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A new password shown once, or a set-password link e-mailed to the account's address."""
    account = _account(pk)
    services.require_may_manage(request.user, account)
    form = ResetForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, account, reset_form=form, status=422)
    send_link = form.cleaned_data["how"] == "link"
    try:
        issued = services.account_reset_password(user=account, send_link=send_link, by=request.user)
    except ServiceError as exc:
        return _edit_page(request, account, reset_form=form, error=exc.message, status=422)
    if send_link:
        messages.success(
            request,
            _("Đã gửi đường dẫn đặt mật khẩu tới %(email)s; mật khẩu cũ không còn dùng được.")
            % {"email": account.email},
        )
        return redirect("accounts:edit", pk=account.pk)
    return _issued_page(request, [issued], _("Mật khẩu mới của %(username)s") % {"username": account.username})


def _role_names(by: User) -> list[tuple[str, str]]:
    """The roles `by` may give in a file: code and the name the template shows."""
    admins = can(by, Action.MANAGE_ADMIN_ACCOUNTS)
    return [(role.value, names[0]) for role, names in services.ROLE_NAMES.items() if admins or role != Role.ADMIN]


def _import_page(request: AuthenticatedHttpRequest, status: int = 200, **extra: object) -> HttpResponse:
    context = {
        "max_mb": MAX_IMPORT_BYTES // (1024 * 1024),
        "max_rows": services.MAX_IMPORT_ROWS,
        "role_names": _role_names(request.user),
        **extra,
    }
    return render(request, "accounts/manage/import.html", context, status=status)


@login_required
def account_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload an account file: every problem with its row and column, or a preview to confirm."""
    require(request.user, Action.MANAGE_ACCOUNTS)
    if request.method != "POST":
        return _import_page(request)
    upload = request.FILES.get("file")
    if upload is None:
        return _import_page(request, 422, error=_("Hãy chọn tệp Excel (.xlsx) hoặc CSV để nhập."))
    try:
        preview = services.accounts_import_check(path_or_file=upload, by=request.user)
    except services.AccountImportInvalid as exc:
        return _import_page(request, 422, error=exc.message, problems=exc.problems, file_name=upload.name)
    with_email = sum(1 for account in preview.accounts if account.values.email)
    return render(request, "accounts/manage/preview.html", {"preview": preview, "with_email": with_email})


@login_required
@require_POST
def account_import_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Create the previewed accounts, all or none; show the passwords to print."""
    require(request.user, Action.MANAGE_ACCOUNTS)
    invite = request.POST.get("invite") == "1"
    try:
        issued = services.accounts_import(token=request.POST.get("token", ""), invite=invite, by=request.user)
    except services.AccountImportInvalid as exc:
        return _import_page(request, 422, error=exc.message, problems=exc.problems)
    except ServiceError as exc:
        return _import_page(request, 422, error=exc.message)
    return _issued_page(request, issued, _("Đã tạo %(count)s tài khoản") % {"count": len(issued)})


@login_required
def account_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The import template (.xlsx): the columns with two examples; the roles and the units on their own sheets."""
    require(request.user, Action.MANAGE_ACCOUNTS)
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Tài khoản"
    sheet.append(services.TEMPLATE_HEADERS)
    sheet.append(["Nguyễn Văn An", "Cán bộ nhập liệu", "UBND huyện Gia Bình", "annv@giabinh.bacninh.gov.vn", ""])
    sheet.append(["Trần Thị Bình", "Lãnh đạo đơn vị", "UBND huyện Gia Bình", "", "giabinh.lanhdao2"])
    for column, width in zip("ABCDE", (30, 24, 40, 34, 22), strict=True):
        sheet.column_dimensions[column].width = width
    roles = workbook.create_sheet("Vai trò")
    roles.append(["Mã", "Tên (viết trong tệp)"])
    for code, name in _role_names(request.user):
        roles.append([spreadsheet_text(code), spreadsheet_text(name)])
    roles.column_dimensions["B"].width = 32
    units = workbook.create_sheet("Đơn vị")
    units.append(["Tên đơn vị"])
    for name in unit_model().objects.filter(is_active=True).order_by("name").values_list("name", flat=True):
        units.append([spreadsheet_text(name)])
    units.column_dimensions["A"].width = 50
    for header in (sheet[1], roles[1], units[1]):
        for cell in header:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-tai-khoan.xlsx"'
    return response
