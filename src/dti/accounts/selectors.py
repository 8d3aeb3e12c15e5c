"""Reading accounts for the account pages: one page of the list, filtered, in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Q

from dti.accounts.models import User, unit_model

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class AccountFilters:
    """What the list is narrowed to: text in the username, name or e-mail; a unit; a role; active or locked."""

    query: str = ""
    unit_id: int | None = None
    role: str = ""
    active: bool | None = None


@dataclass(frozen=True, slots=True)
class AccountRow:
    """One account as the list shows it."""

    pk: int
    username: str
    full_name: str
    email: str
    role_label: str
    unit_name: str
    is_active: bool
    must_change_password: bool
    invited: bool  # no password yet: the owner has a link to set one
    last_login: datetime.datetime | None
    protected: bool  # an administrator's account (only administrators change it)


@dataclass(frozen=True, slots=True)
class AccountPage:
    """One page of the filtered list, and where it is among the pages."""

    rows: list[AccountRow]
    total: int
    number: int
    pages: int

    @property
    def previous(self) -> int | None:
        """The previous page's number, if any."""
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        """The next page's number, if any."""
        return self.number + 1 if self.number < self.pages else None


def account_page(filters: AccountFilters, page: str | int | None) -> AccountPage:
    """The accounts matching `filters`, by username, PAGE_SIZE a page (a page number out of range: the last).

    Two queries whatever the number of accounts: the count and the page (units joined).
    """
    accounts = User.objects.select_related("unit").order_by("username")
    if filters.query:
        text = filters.query
        accounts = accounts.filter(
            Q(username__icontains=text) | Q(full_name__icontains=text) | Q(email__icontains=text)
        )
    if filters.unit_id is not None:
        accounts = accounts.filter(unit_id=filters.unit_id)
    if filters.role:
        accounts = accounts.filter(role=filters.role)
    if filters.active is not None:
        accounts = accounts.filter(is_active=filters.active)
    current = Paginator(accounts, PAGE_SIZE).get_page(page)
    rows = [_row(user) for user in current.object_list]
    return AccountPage(rows, current.paginator.count, current.number, current.paginator.num_pages)


def _row(user: User) -> AccountRow:
    return AccountRow(
        pk=user.pk,
        username=user.username,
        full_name=user.full_name,
        email=user.email,
        role_label=user.get_role_display(),
        unit_name=user.unit.name if user.unit else "",
        is_active=user.is_active,
        must_change_password=user.must_change_password,
        invited=not user.has_usable_password(),
        last_login=user.last_login,
        protected=user.admin_protected,
    )


def unit_choices() -> list[tuple[int, str]]:
    """Every unit (id, name) by name, for the list's filter and the account forms; one query."""
    return [(pk, name) for pk, name in unit_model().objects.order_by("name").values_list("pk", "name")]
