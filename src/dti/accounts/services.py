"""Changes to people's accounts: create one or many (from Excel/CSV), edit, lock, reset, set a password.

Organisers and administrators manage accounts (Action.MANAGE_ACCOUNTS); only administrators
create or change an administrator's account (MANAGE_ADMIN_ACCOUNTS); nobody changes their own
role, locks themselves out or resets their own password here. A password the platform
generates is shown once and kept nowhere in clear (only its hash, dti.accounts.hashers); its
owner must replace it at the next sign-in. An invitation or a reset by e-mail sends a link to
set a password instead (dti.accounts.emails). Every change is audited in its transaction.

The import checks the whole file first and lists every problem by row and column; nothing
is written unless every row is valid. The checked rows travel, signed, from the preview to the
confirmation, which checks them again and creates every account in one transaction.
"""

from __future__ import annotations

import datetime
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dti.accounts.emails import send_set_password_link
from dti.accounts.hashers import GeneratedPasswordHasher
from dti.accounts.models import PasswordResetRequest, User, unit_model
from dti.audit.services import record
from dti.core.errors import ServiceError
from dti.core.imports import ImportInvalid, ImportProblem, cell_place, display_name, find_columns, read_upload
from dti.core.permissions import MESSAGES, Action, can, require
from dti.core.roles import UNIT_ROLES, Role
from dti.engine import Row

if TYPE_CHECKING:
    from dti.units.models import Unit

# Generated passwords: 3 groups of 4 from letters and digits that cannot be misread on paper
# (no i, l, o, 0, 1): about 59 bits, e.g. "k7mq-p3xr-t9wd".
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
USERNAME_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,148}[a-z0-9])?")
MAX_IMPORT_ROWS = 1000
PREVIEW_SECONDS = 60 * 60  # how long a checked file may wait for its confirmation
_PREVIEW_SALT = "dti.accounts.import"
_RESET_SALT = "dti.accounts.password_reset"

# The import file's columns: the header names accepted for each (compared in lower case after
# the engine's aliases, which turn "Đơn vị" into "unit"). The headers are the file format: they
# stay Vietnamese in messages shown in English too.
COLUMNS = {
    "full_name": ("họ và tên", "họ tên", "full name", "full_name"),
    "role": ("vai trò", "role"),
    "unit": ("unit", "đơn vị công tác", "cơ quan"),
    "email": ("e-mail", "email", "thư điện tử", "địa chỉ e-mail", "địa chỉ email"),
    "username": ("tên đăng nhập", "tài khoản", "username"),
}
REQUIRED_COLUMNS = ("full_name", "role", "unit")
LABELS = {
    "username": "Tên đăng nhập",
    "full_name": "Họ và tên",
    "role": "Vai trò",
    "unit": "Đơn vị",
    "email": "E-mail",
}
TEMPLATE_HEADERS = [LABELS[column] for column in COLUMNS]
FIELDS = ("username", "full_name", "role", "unit", "email")  # the order problems are listed in

# The names a file may give a role (besides its code); the first is the one the template shows.
ROLE_NAMES: dict[Role, tuple[str, ...]] = {
    Role.REPORTER: ("Cán bộ nhập liệu", "Nhập liệu", "Cán bộ nhập liệu của đơn vị"),
    Role.LEADER: ("Lãnh đạo đơn vị", "Lãnh đạo", "Lãnh đạo đơn vị (duyệt và gửi)"),
    Role.APPRAISER: ("Thành viên tổ thẩm định", "Thẩm định", "Tổ thẩm định"),
    Role.CHAIR: ("Chủ tịch Hội đồng đánh giá", "Chủ tịch Hội đồng", "Chủ tịch"),
    Role.ORGANISER: ("Cơ quan tổ chức đánh giá", "Cơ quan tổ chức", "Tổ chức"),
    Role.VIEWER: ("Người xem", "Xem"),
    Role.ADMIN: ("Quản trị hệ thống", "Quản trị"),
}


def _key(text: str) -> str:
    """Text compared as people mean it: NFC, case-folded, runs of spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


_ROLE_BY_NAME = {_key(name): role for role, names in ROLE_NAMES.items() for name in (role.value, *names)}


class AccountInvalid(ServiceError):
    """The account cannot be saved as asked; `errors` maps each field to its Vietnamese message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()), field=next(iter(errors), ""))
        self.errors = errors


class AccountImportInvalid(ImportInvalid):
    """The account file cannot be imported; `problems` lists every problem found, nothing was written."""

    def summary(self, count: int) -> str:
        """The headline shown above the problems."""
        return ngettext(
            "Tệp có %(count)s lỗi; chưa có tài khoản nào được tạo. Hãy sửa tệp rồi nhập lại.",
            "Tệp có %(count)s lỗi; chưa có tài khoản nào được tạo. Hãy sửa tệp rồi nhập lại.",
            count,
        ) % {"count": count}


@dataclass(frozen=True, slots=True)
class AccountValues:
    """What an account is asked to be (an empty username: make one from the full name)."""

    username: str
    full_name: str
    email: str
    role: str
    unit: Unit | None


@dataclass(frozen=True, slots=True)
class Issued:
    """An account just created or reset, and how its owner gets in.

    `password` (generated) is shown once, on the page that answers the request, and kept
    nowhere; `invited` says a link to set a password was e-mailed instead.
    """

    user: User
    password: str = ""
    invited: bool = False


@dataclass(frozen=True, slots=True)
class PlannedAccount:
    """One checked row of an import file: the account it will create."""

    row: int
    values: AccountValues
    generated: bool  # the username was made from the full name

    @property
    def role_label(self) -> str:
        """The role as people read it."""
        return str(Role(self.values.role).label)


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """A checked import file: the accounts it will create, and the signed token that confirms them."""

    file: str
    accounts: list[PlannedAccount]
    token: str


def generate_password() -> str:
    """A random password that reads unambiguously on paper (e.g. "k7mq-p3xr-t9wd")."""
    return "-".join("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3))


def require_may_manage(by: User, user: User) -> None:
    """Raise PermissionDenied unless `by` may change `user`'s account (administrators' accounts: administrators)."""
    require(by, Action.MANAGE_ACCOUNTS)
    if user.admin_protected:
        require(by, Action.MANAGE_ADMIN_ACCOUNTS)


def may_manage(by: User, user: User) -> bool:
    """Whether `by` may change `user`'s account (for links on the pages)."""
    try:
        require_may_manage(by, user)
    except PermissionDenied:
        return False
    return True


def _snapshot(user: User) -> dict[str, object]:
    """An account as the audit log keeps it (never a password or its hash)."""
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "role": user.role,
        "unit": user.unit.name if user.unit else None,
        "is_active": user.is_active,
    }


# -- checking values --------------------------------------------------------------------------


@dataclass
class _Taken:
    """Usernames and e-mail addresses in use: by stored accounts (row None) and by earlier rows of a file."""

    usernames: dict[str, int | None]
    emails: dict[str, tuple[int | None, str]]  # address → (row, username)

    @classmethod
    def stored(cls, *, exclude: User | None = None) -> _Taken:
        """Those of every stored account but `exclude` (one query)."""
        accounts = User.objects.all() if exclude is None else User.objects.exclude(pk=exclude.pk)
        usernames: dict[str, int | None] = {}
        emails: dict[str, tuple[int | None, str]] = {}
        for username, email in accounts.values_list("username", "email"):
            usernames[_key(username)] = None
            if email:
                emails.setdefault(_key(email), (None, username))
        return cls(usernames, emails)

    def add(self, values: AccountValues, row: int) -> None:
        """Count a row's username and address as taken (the first row that has them keeps them)."""
        if values.username:
            self.usernames.setdefault(_key(values.username), row)
        if values.email:
            self.emails.setdefault(_key(values.email), (row, values.username))


def _ascii(text: str) -> str:
    """Vietnamese text without its marks, in lower case ("Đỗ Thị Ánh" → "do thi anh")."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def suggested_username(full_name: str, taken: _Taken) -> str:
    """The usual Vietnamese username: the given name then the initials ("Nguyễn Văn An" → "annv").

    A name already taken gets a number ("annv2"); "" when the full name has no letters.
    """
    words: list[str] = re.findall(r"[a-z0-9]+", _ascii(full_name))
    if not words:
        return ""
    base = (words[-1] + "".join(word[0] for word in words[:-1]))[:140]
    candidate, number = base, 1
    while _key(candidate) in taken.usernames:
        number += 1
        candidate = f"{base}{number}"
    return candidate


def _username_problem(username: str, taken: _Taken) -> str:
    if not username:
        return _("Thiếu tên đăng nhập (và không tạo được từ họ tên).")
    if not USERNAME_PATTERN.fullmatch(username):
        return _(
            "Tên đăng nhập “%(username)s” không hợp lệ: chỉ dùng chữ thường không dấu, chữ số và các dấu . _ -, "
            "tối đa 150 ký tự, không bắt đầu hay kết thúc bằng dấu (ví dụ kimbang.nhaplieu)."
        ) % {"username": username}
    if _key(username) in taken.usernames:
        row = taken.usernames[_key(username)]
        if row is None:
            return _("Tên đăng nhập “%(username)s” đã có người dùng.") % {"username": username}
        return _("Tên đăng nhập “%(username)s” trùng với dòng %(row)s.") % {"username": username, "row": row}
    return ""


def _full_name_problem(full_name: str) -> str:
    if not full_name:
        return _("Thiếu họ và tên.")
    if len(full_name) > 200:
        return _("Họ và tên dài %(length)s ký tự, tối đa 200.") % {"length": len(full_name)}
    return ""


def _email_problem(email: str, taken: _Taken) -> str:
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        return _("Địa chỉ e-mail “%(email)s” không hợp lệ.") % {"email": email}
    if _key(email) in taken.emails:
        row, username = taken.emails[_key(email)]
        if row is None:
            return _("E-mail “%(email)s” đã dùng cho tài khoản “%(username)s”.") % {
                "email": email,
                "username": username,
            }
        return _("E-mail “%(email)s” trùng với dòng %(row)s.") % {"email": email, "row": row}
    return ""


def _role_problem(role: str, by: User) -> str:
    if role not in Role.values:
        return _("Không có vai trò “%(role)s”.") % {"role": role}
    if role == Role.ADMIN and not can(by, Action.MANAGE_ADMIN_ACCOUNTS):
        return str(MESSAGES[Action.MANAGE_ADMIN_ACCOUNTS])
    return ""


def _unit_problem(values: AccountValues, current: User | None) -> str:
    unit = values.unit
    if unit is None:
        if values.role in UNIT_ROLES:
            return _("Cần chọn đơn vị: cán bộ nhập liệu và lãnh đạo đơn vị phải thuộc một đơn vị.")
        return ""
    if not unit.is_active and (current is None or current.unit_id != unit.pk):
        return _("Đơn vị “%(unit)s” đã ngừng hoạt động.") % {"unit": unit.name}
    return ""


def _problems(values: AccountValues, taken: _Taken, by: User, *, current: User | None = None) -> dict[str, str]:
    """Each field's problem (none: an empty dict); `current` is the account being edited (its username stays)."""
    found = {
        "username": "" if current else _username_problem(values.username, taken),
        "full_name": _full_name_problem(values.full_name),
        "role": _role_problem(values.role, by),
        "unit": _unit_problem(values, current),
        "email": _email_problem(values.email, taken),
    }
    return {name: message for name, message in found.items() if message}


def _clean(values: AccountValues) -> AccountValues:
    """Values as stored: trimmed, NFC, a lower-case username and address."""
    return replace(
        values,
        username=values.username.strip().lower(),
        full_name=" ".join(unicodedata.normalize("NFC", values.full_name).split()),
        email=values.email.strip().lower(),
    )


# -- one account ------------------------------------------------------------------------------


def _issue(user: User, *, invite: bool) -> Issued:
    """Give a saved-to-be account its way in: a generated password (to show once) or an unusable one and a link."""
    if invite:
        user.set_unusable_password()
        user.must_change_password = False
        return Issued(user, invited=True)
    password = generate_password()
    user.password = make_password(password, hasher=GeneratedPasswordHasher())
    user.must_change_password = True
    return Issued(user, password=password)


def _create(values: AccountValues, *, invite: bool, by: User, comment: str = "") -> Issued:
    user = User(
        username=values.username,
        full_name=values.full_name,
        email=values.email,
        role=values.role,
        unit=values.unit,
    )
    issued = _issue(user, invite=invite)
    user.save()
    delivery = "invitation" if invite else "password"
    record(
        actor=by,
        action="account.create",
        obj=user,
        unit=user.unit,
        new={**_snapshot(user), "delivery": delivery},
        comment=comment,
    )
    if invite:
        send_set_password_link(user, invitation=True)
    return issued


def account_create(*, values: AccountValues, invite: bool, by: User) -> Issued:
    """Create one account: a generated password to show once, or (`invite`) a link e-mailed to set one.

    An empty username is made from the full name. Raises AccountInvalid with each field's problem.
    """
    require(by, Action.MANAGE_ACCOUNTS)
    taken = _Taken.stored()
    values = _clean(values)
    if not values.username:
        values = replace(values, username=suggested_username(values.full_name, taken))
    errors = _problems(values, taken, by)
    if invite and not values.email:
        errors.setdefault("email", _("Cần địa chỉ e-mail để gửi thư mời."))
    if errors:
        raise AccountInvalid(errors)
    try:
        with transaction.atomic():
            return _create(values, invite=invite, by=by)
    except IntegrityError as exc:
        message = _("Tên đăng nhập “%(username)s” vừa được người khác tạo.") % {"username": values.username}
        raise AccountInvalid({"username": message}) from exc


def account_update(*, user: User, values: AccountValues, by: User) -> User:
    """Change an account's full name, e-mail, role and unit (the username stays).

    Nobody changes their own role. Raises AccountInvalid with each field's problem.
    """
    require_may_manage(by, user)
    values = _clean(replace(values, username=user.username))
    errors = _problems(values, _Taken.stored(exclude=user), by, current=user)
    if user.pk == by.pk and values.role != user.role:
        errors["role"] = _("Bạn không thể tự đổi vai trò của mình; hãy nhờ một người quản lý tài khoản khác.")
    if errors:
        raise AccountInvalid(errors)
    with transaction.atomic():
        before = _snapshot(user)
        user.full_name, user.email, user.role, user.unit = values.full_name, values.email, values.role, values.unit
        after = _snapshot(user)
        if after != before:
            user.save(update_fields=["full_name", "email", "role", "unit"])
            record(actor=by, action="account.update", obj=user, unit=user.unit, old=before, new=after)
    return user


def account_set_active(*, user: User, active: bool, by: User) -> User:
    """Lock an account (its owner is signed out and cannot sign in) or open it again; nobody locks themselves."""
    require_may_manage(by, user)
    if not active and user.pk == by.pk:
        raise ServiceError(_("Bạn không thể tự khóa tài khoản của mình."))
    if user.is_active == active:
        return user
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        action = "account.reactivate" if active else "account.deactivate"
        record(
            actor=by, action=action, obj=user, unit=user.unit, old={"is_active": not active}, new={"is_active": active}
        )
    return user


def account_reset_password(*, user: User, send_link: bool, by: User) -> Issued:
    """Replace an account's password: a generated one shown once, or (`send_link`) a link e-mailed to set one.

    The old password stops working at once and the owner's open sessions end.
    """
    require_may_manage(by, user)
    if user.pk == by.pk:
        raise ServiceError(_("Để đổi mật khẩu của chính bạn, hãy dùng trang “Đổi mật khẩu”."))
    if not user.is_active:
        raise ServiceError(_("Tài khoản đang bị khóa; hãy mở lại trước khi đặt lại mật khẩu."))
    if send_link and not user.email:
        raise ServiceError(_("Tài khoản này chưa có e-mail; hãy chọn tạo mật khẩu mới để in ra."), field="send_link")
    with transaction.atomic():
        issued = _issue(user, invite=send_link)
        user.save(update_fields=["password", "must_change_password"])
        delivery = "link" if send_link else "password"
        record(actor=by, action="account.password_reset", obj=user, unit=user.unit, new={"delivery": delivery})
        if send_link:
            send_set_password_link(user, invitation=False)
    return issued


def password_set(*, user: User, password: str, by: User, via_link: bool = False) -> None:
    """Set one's own password (already validated by the form); a generated password no longer has to be changed."""
    if by.pk != user.pk:
        raise PermissionDenied(_("Chỉ chủ tài khoản mới tự đặt được mật khẩu của mình."))
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        comment = "Đặt mật khẩu qua đường dẫn gửi bằng e-mail" if via_link else ""
        record(actor=user, action="account.password_change", obj=user, unit=user.unit, comment=comment)


def password_reset_request(*, email: str) -> bool:
    """Count one "Quên mật khẩu" request for `email`; False once it asked too often (then nothing is sent).

    The limit follows the sign-in lockout (django-axes): AXES_FAILURE_LIMIT requests for one
    address within AXES_COOLOFF_TIME hours, whether or not an account has that address (so the
    answer reveals nothing). Only a keyed hash of the address is kept, and only that long.
    """
    window = datetime.timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    digest = salted_hmac(_RESET_SALT, _key(email), algorithm="sha256").hexdigest()
    with transaction.atomic():
        PasswordResetRequest.objects.filter(created_at__lt=timezone.now() - window).delete()
        if PasswordResetRequest.objects.filter(address_hash=digest).count() >= int(settings.AXES_FAILURE_LIMIT):
            return False
        PasswordResetRequest.objects.create(address_hash=digest)
    return True


# -- importing many ---------------------------------------------------------------------------

Place = Callable[[str], str]  # field → where it is in the file ("dòng 5, cột B (Vai trò)")


@dataclass
class _Draft:
    """One row as read, before the checks every account gets; `errors` are those found reading it."""

    row: int
    values: AccountValues
    place: Place
    errors: dict[str, str] = field(default_factory=dict)


def _role_from(text: str) -> tuple[str, str]:
    """The role a cell names (by code or name), and the problem ("" when it names one)."""
    if not text:
        return "", _("Thiếu vai trò.")
    role = _ROLE_BY_NAME.get(_key(text))
    if role is not None:
        return role.value, ""
    known = "; ".join(f"{role.value} ({names[0]})" for role, names in ROLE_NAMES.items())
    return "", _("Không có vai trò “%(role)s”. Các vai trò (mã hoặc tên): %(roles)s.") % {"role": text, "roles": known}


def _unit_from(text: str, units: dict[str, Unit]) -> tuple[Unit | None, str]:
    """The unit a cell names, and the problem ("" when it names one, or is empty)."""
    if not text:
        return None, ""
    unit = units.get(_key(text))
    if unit is None:
        return None, _("Không có đơn vị “%(unit)s” trong danh sách đơn vị (trang Đơn vị).") % {"unit": text}
    return unit, ""


def _draft(row: Row, columns: dict[str, str], units: dict[str, Unit]) -> _Draft:
    """A file row as values, with the problems of its role and unit cells."""

    def text(column: str) -> str:
        key = columns.get(column)
        return row.text(key) if key else ""

    role, role_problem = _role_from(text("role"))
    unit, unit_problem = _unit_from(text("unit"), units)
    values = _clean(AccountValues(text("username"), text("full_name"), text("email"), role, unit))
    errors = {name: message for name, message in (("role", role_problem), ("unit", unit_problem)) if message}
    return _Draft(row.number, values, partial(_cell, row, columns), errors)


def _cell(row: Row, columns: dict[str, str], column: str) -> str:
    return cell_place(row, columns.get(column), LABELS[column])


def _row_place(row: int, column: str) -> str:
    return _("dòng %(row)s (%(column)s)") % {"row": row, "column": LABELS[column]}


def _check_all(drafts: Iterable[_Draft], by: User) -> tuple[list[PlannedAccount], list[ImportProblem]]:
    """Every draft checked like one account, and against the rows above it; usernames made where empty."""
    taken = _Taken.stored()
    planned: list[PlannedAccount] = []
    problems: list[ImportProblem] = []
    for draft in drafts:
        values, generated = draft.values, not draft.values.username
        if generated:
            values = replace(values, username=suggested_username(values.full_name, taken))
        errors = {**_problems(values, taken, by), **draft.errors}
        taken.add(values, draft.row)
        problems += [ImportProblem(draft.place(name), errors[name]) for name in FIELDS if name in errors]
        if not errors:
            planned.append(PlannedAccount(draft.row, values, generated))
    return planned, problems


def accounts_import_check(*, path_or_file: str | Path | IO[bytes], by: User) -> ImportPreview:
    """Read and check an account file (Họ và tên, Vai trò, Đơn vị, E-mail, Tên đăng nhập); write nothing.

    Raises AccountImportInvalid listing every problem by row and column. The preview's token
    confirms exactly these accounts (accounts_import), for PREVIEW_SECONDS.
    """
    require(by, Action.MANAGE_ACCOUNTS)
    display = display_name(path_or_file)
    table = read_upload(path_or_file, display, AccountImportInvalid)
    columns, problems = find_columns(table, COLUMNS, REQUIRED_COLUMNS, LABELS, TEMPLATE_HEADERS, _header_label)
    if problems:
        raise AccountImportInvalid(problems)
    if len(table.rows) > MAX_IMPORT_ROWS:
        message = _("Tệp có %(count)s dòng tài khoản, mỗi lần nhập tối đa %(limit)s; hãy chia thành nhiều tệp.")
        raise AccountImportInvalid([ImportProblem("", message % {"count": len(table.rows), "limit": MAX_IMPORT_ROWS})])
    units = {_key(unit.name): unit for unit in unit_model().objects.all()}
    planned, problems = _check_all((_draft(row, columns, units) for row in table.rows), by)
    if problems:
        raise AccountImportInvalid(problems)
    return ImportPreview(display, planned, _sign(display, planned, by))


def _header_label(key: str) -> str:
    return {"unit": "Đơn vị"}.get(key, key)


def _sign(display: str, planned: list[PlannedAccount], by: User) -> str:
    rows = [
        [
            p.row,
            p.values.username,
            p.values.full_name,
            p.values.email,
            p.values.role,
            p.values.unit.pk if p.values.unit else None,
        ]
        for p in planned
    ]
    return signing.dumps({"by": by.pk, "file": display, "rows": rows}, salt=_PREVIEW_SALT, compress=True)


# A checked row as signed into the preview's token: row, username, full name, e-mail, role, unit id.
_SignedRow = tuple[int, str, str, str, str, "int | None"]


def _unsign(token: str, by: User) -> tuple[str, list[_SignedRow]]:
    try:
        payload = signing.loads(token, salt=_PREVIEW_SALT, max_age=PREVIEW_SECONDS)
    except signing.BadSignature as exc:  # SignatureExpired included
        raise ServiceError(_("Bản xem trước đã hết hạn hoặc không hợp lệ; hãy tải tệp lên lại.")) from exc
    if payload.get("by") != by.pk:
        raise ServiceError(_("Bản xem trước đã hết hạn hoặc không hợp lệ; hãy tải tệp lên lại."))
    rows: list[_SignedRow] = [(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), r[5]) for r in payload["rows"]]
    return str(payload["file"]), rows


def accounts_import(*, token: str, invite: bool, by: User) -> list[Issued]:
    """Create the accounts of a checked file (its preview's token), all or none, in one transaction.

    The rows are checked again (someone may have taken a username since). With `invite`, each
    account with an e-mail gets a link to set its password; the others get a generated password.
    """
    require(by, Action.MANAGE_ACCOUNTS)
    display, rows = _unsign(token, by)
    units = unit_model().objects.in_bulk([row[5] for row in rows if row[5] is not None])
    drafts = []
    for number, username, full_name, email, role, unit_id in rows:
        unit = units.get(unit_id) if unit_id is not None else None
        missing = {"unit": _("Đơn vị của dòng này vừa bị xóa.")} if unit_id is not None and unit is None else {}
        values = AccountValues(username, full_name, email, role, unit)
        drafts.append(_Draft(number, values, partial(_row_place, number), missing))
    planned, problems = _check_all(drafts, by)
    if problems:
        raise AccountImportInvalid(problems)
    comment = f"Nhập từ tệp {display}"
    try:
        with transaction.atomic():
            return [_create(p.values, invite=invite and bool(p.values.email), by=by, comment=comment) for p in planned]
    except IntegrityError as exc:
        raise ServiceError(_("Danh sách tài khoản vừa được người khác thay đổi; hãy nhập lại tệp.")) from exc
