"""Forms of the campaign pages: they read what a person typed (dd/mm/yyyy); the services decide."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from dti.campaigns.models import Campaign
from dti.frameworks.models import Framework
from dti.units.models import Unit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_FORMATS = ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _date(label: StrOrPromise, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": _("Ngày không hợp lệ: cần dạng dd/mm/yyyy, ví dụ 30/09/2023.")},
    )


def _datetime(label: StrOrPromise, *, required: bool) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(format="%d/%m/%Y %H:%M", attrs={"placeholder": "dd/mm/yyyy hh:mm"}),
        error_messages={
            "invalid": _("Cần ngày và giờ dạng dd/mm/yyyy hh:mm, ví dụ 10/10/2023 17:00."),
            "required": _("Cần nhập ngày và giờ."),
        },
    )


class CampaignForm(forms.Form):
    """Name, year, organiser, data period and deadlines of a campaign (its state moves by the workflow's buttons)."""

    name = forms.CharField(label=_("Tên kỳ đánh giá"), max_length=300, error_messages={"required": _("Cần nhập tên.")})
    year = forms.IntegerField(
        label=_("Năm đánh giá"),
        error_messages={"required": _("Cần nhập năm."), "invalid": _("Năm cần là một số, ví dụ 2023.")},
    )
    organiser = forms.ModelChoiceField(
        label=_("Cơ quan tổ chức"),
        queryset=Unit.objects.filter(is_active=True).order_by("name"),
        required=False,
        empty_label=_("— Chưa chọn —"),
    )
    period_start = _date(_("Số liệu tính từ ngày"))
    period_end = _date(_("Số liệu tính đến ngày"))
    submission_deadline = _datetime(_("Hạn gửi báo cáo (ngày và giờ)"), required=True)
    appraisal_deadline = _date(_("Hạn thẩm định"))
    explanation_deadline = _date(_("Hạn giải trình"))
    reappraisal_deadline = _date(_("Hạn phúc tra"))
    publication_date = _date(_("Ngày công bố dự kiến"))

    @classmethod
    def for_campaign(cls, campaign: Campaign) -> CampaignForm:
        """The form filled with a stored campaign."""
        return cls(initial={name: getattr(campaign, name) for name in cls.base_fields})


class GroupForm(forms.Form):
    """A new ranking group and its framework."""

    name = forms.CharField(label=_("Tên nhóm"), max_length=200, required=False)
    framework = forms.ModelChoiceField(
        label=_("Bộ chỉ số"), queryset=Framework.objects.order_by("-year", "code"), required=False
    )


class ReopenForm(forms.Form):
    """Until when, and why, one unit may submit after the deadline."""

    until = _datetime(_("Mở đến (ngày và giờ)"), required=False)
    reason = forms.CharField(label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
