"""Forms of the account pages: they read what a person typed; the services decide (dti.accounts.services)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from dti.accounts import services
from dti.accounts.models import User, unit_model
from dti.accounts.selectors import AccountFilters
from dti.core.permissions import Action, can
from dti.core.roles import Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from dti.units.models import Unit

DELIVERY_CHOICES = [
    ("password", _("Tạo mật khẩu ban đầu để in ra (người dùng phải đổi ở lần đăng nhập đầu tiên)")),
    ("invite", _("Gửi thư mời qua e-mail để người dùng tự đặt mật khẩu")),
]


class AccountForm(forms.Form):
    """An account's full name, e-mail, role and unit; on creation also its username and how its owner gets in."""

    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        required=False,
        help_text=_("Chữ thường không dấu, chữ số và . _ -; để trống thì tạo từ họ tên (Nguyễn Văn An → annv)."),
    )
    full_name = forms.CharField(
        label=_("Họ và tên"), max_length=200, error_messages={"required": _("Cần nhập họ và tên.")}
    )
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False, widget=forms.EmailInput)
    role = forms.ChoiceField(
        label=_("Vai trò"),
        error_messages={"required": _("Cần chọn vai trò."), "invalid_choice": _("Vai trò không hợp lệ.")},
    )
    unit = forms.ModelChoiceField(
        label=_("Đơn vị"),
        queryset=unit_model().objects.order_by("name"),
        required=False,
        empty_label=_("— Không thuộc đơn vị nào —"),
        error_messages={"invalid_choice": _("Đơn vị không có trong danh sách.")},
        help_text=_("Bắt buộc với cán bộ nhập liệu và lãnh đạo đơn vị."),
    )
    delivery = forms.ChoiceField(
        label=_("Người dùng nhận tài khoản bằng cách"),
        choices=DELIVERY_CHOICES,
        initial="password",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, by: User, account: User | None = None, **kwargs: Any) -> None:
        """`by` is the person filling the form (only administrators see that role); `account` the one edited."""
        if account is not None:
            kwargs.setdefault(
                "initial",
                {"full_name": account.full_name, "email": account.email, "role": account.role, "unit": account.unit},
            )
        super().__init__(*args, **kwargs)
        roles = [(value, label) for value, label in Role.choices if value != Role.ADMIN]
        if can(by, Action.MANAGE_ADMIN_ACCOUNTS) or (account is not None and account.role == Role.ADMIN):
            roles = Role.choices
        cast(forms.ChoiceField, self.fields["role"]).choices = roles
        if account is not None:
            del self.fields["username"], self.fields["delivery"]

    def values(self) -> services.AccountValues:
        """The cleaned values (call after is_valid())."""
        data = self.cleaned_data
        unit: Unit | None = data["unit"]
        return services.AccountValues(data.get("username", ""), data["full_name"], data["email"], data["role"], unit)


class AccountFilterForm(forms.Form):
    """The list's search box and filters (a value that does not fit is ignored)."""

    q = forms.CharField(label=_("Tìm"), required=False, max_length=100)
    unit = forms.ModelChoiceField(
        label=_("Đơn vị"), queryset=unit_model().objects.order_by("name"), required=False, empty_label=_("Mọi đơn vị")
    )
    role = forms.ChoiceField(label=_("Vai trò"), required=False, choices=[("", _("Mọi vai trò")), *Role.choices])
    active = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Mọi trạng thái")), ("1", _("Đang hoạt động")), ("0", _("Đã khóa"))],
    )

    def filters(self) -> AccountFilters:
        """The filters understood (call after is_valid(); invalid ones are left out)."""
        data = self.cleaned_data
        unit = data.get("unit")
        active = {"1": True, "0": False}.get(data.get("active") or "")
        return AccountFilters(data.get("q", "").strip(), unit.pk if unit else None, data.get("role") or "", active)


class ResetForm(forms.Form):
    """How the owner gets a new password: generated and shown once, or a link by e-mail."""

    how = forms.ChoiceField(
        label=_("Cách đặt lại"),
        initial="password",
        widget=forms.RadioSelect,
        choices=[
            ("password", _("Tạo mật khẩu mới để đưa cho người dùng (người dùng phải đổi ở lần đăng nhập tới)")),
            ("link", _("Gửi đường dẫn đặt mật khẩu tới e-mail của tài khoản")),
        ],
    )


def _password_help() -> str:
    minimum = next(
        (
            getattr(validator, "min_length", 0)
            for validator in password_validation.get_default_password_validators()
            if isinstance(validator, password_validation.MinimumLengthValidator)
        ),
        0,
    )
    return str(
        _("Ít nhất %(count)s ký tự; không toàn chữ số, không quá phổ biến, không giống tên đăng nhập hay họ tên.")
        % {"count": minimum}
    )


_MISMATCH = _("Hai lần nhập mật khẩu mới không giống nhau.")


def _label_new_password(form: forms.Form) -> None:
    """Vietnamese labels and help for typing a new password twice."""
    form.fields["new_password1"].label = _("Mật khẩu mới")
    form.fields["new_password1"].help_text = _password_help()
    form.fields["new_password2"].label = _("Nhập lại mật khẩu mới")
    form.fields["new_password2"].help_text = ""


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Change one's own password: the current one, then the new one twice."""

    error_messages: dict[str, StrOrPromise] = {
        "password_mismatch": _MISMATCH,
        "password_incorrect": _("Mật khẩu hiện tại không đúng."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Mật khẩu hiện tại")
        _label_new_password(self)

    def save(self, commit: bool = True) -> User:
        """Set the new password through the service (audited; a generated password's flag is cleared)."""
        user: User = self.user
        services.password_set(user=user, password=self.cleaned_data["new_password1"], by=user)
        return user


if TYPE_CHECKING:  # SetPasswordForm is generic only in django-stubs, not at run time
    _SetPasswordFormBase = auth_forms.SetPasswordForm[User]
else:
    _SetPasswordFormBase = auth_forms.SetPasswordForm


class SetPasswordForm(_SetPasswordFormBase):
    """Set a password from the link in an e-mail (an invitation or a reset)."""

    error_messages: dict[str, StrOrPromise] = {"password_mismatch": _MISMATCH}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _label_new_password(self)

    def save(self, commit: bool = True) -> User:
        """Set the password through the service (audited)."""
        services.password_set(user=self.user, password=self.cleaned_data["new_password1"], by=self.user, via_link=True)
        return self.user


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Ask for a set-password link by e-mail ("Quên mật khẩu")."""

    email = forms.EmailField(
        label=_("E-mail của tài khoản"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        error_messages={"required": _("Cần nhập e-mail."), "invalid": _("Địa chỉ e-mail không hợp lệ.")},
    )

    def get_users(self, email: str) -> Iterable[User]:
        """Active accounts with this address, including invited people who have not set a password yet.

        Django leaves out accounts without a usable password (they might sign in another way); here
        every account signs in with a password, and an invited person who lost the invitation needs
        a new link.
        """
        return User._default_manager.filter(email__iexact=email, is_active=True)
