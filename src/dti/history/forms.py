"""Forms of the history pages: they read what a person typed (dd/mm/yyyy); the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dti.campaigns.forms import DATE_FORMATS
from dti.engine import KIND_LABELS, RULE_LABELS
from dti.frameworks.models import Framework
from dti.units.models import Unit, UnitType

DATE_ERROR = _("Ngày không hợp lệ: cần dạng dd/mm/yyyy, ví dụ 01/07/2025.")


def _date(label: Any, *, required: bool) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": DATE_ERROR, "required": _("Cần nhập ngày hiệu lực.")},
    )


class LineageForm(forms.Form):
    """A change of units: its kind, date, the units before and after, and how to compare."""

    kind = forms.ChoiceField(label=_("Loại thay đổi"), choices=[(k.value, v) for k, v in KIND_LABELS.items()])
    effective = _date(_("Ngày hiệu lực"), required=True)
    predecessors = forms.ModelMultipleChoiceField(
        label=_("Đơn vị trước thay đổi"),
        queryset=Unit.objects.order_by("name"),
        error_messages={"required": _("Cần chọn đơn vị trước thay đổi.")},
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    successors = forms.ModelMultipleChoiceField(
        label=_("Đơn vị sau thay đổi"),
        queryset=Unit.objects.order_by("name"),
        error_messages={"required": _("Cần chọn đơn vị sau thay đổi.")},
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    rule = forms.ChoiceField(
        label=_("So sánh với năm trước (khi hợp nhất)"), choices=[(r.value, v) for r, v in RULE_LABELS.items()]
    )
    note = forms.CharField(label=_("Ghi chú (căn cứ)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PastImportForm(forms.Form):
    """The past year's results table and its framework (a stored one, or its file)."""

    file = forms.FileField(
        label=_("Bảng kết quả đã công bố (.xlsx hoặc .csv)"),
        error_messages={
            "required": _("Hãy chọn tệp kết quả (.xlsx hoặc .csv)."),
            "empty": _("Tệp rỗng, không có nội dung."),
        },
    )
    framework = forms.ModelChoiceField(
        label=_("Bộ chỉ số của năm đó"),
        queryset=Framework.objects.defer("source").order_by("-year", "code"),
        required=False,
        empty_label=_("— tải tệp bộ chỉ số lên —"),
    )
    framework_file = forms.FileField(label=_("hoặc tệp bộ chỉ số (.yaml)"), required=False)


class PastConfirmForm(forms.Form):
    """What the past campaign is called and who issued it, confirmed after the preview."""

    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.defer("source"), required=False, widget=forms.HiddenInput
    )
    name = forms.CharField(
        label=_("Tên kỳ đánh giá"), max_length=300, error_messages={"required": _("Cần nhập tên kỳ đánh giá.")}
    )
    year = forms.IntegerField(
        label=_("Năm đánh giá"),
        error_messages={"required": _("Cần nhập năm."), "invalid": _("Năm cần là một số, ví dụ 2023.")},
    )
    group_name = forms.CharField(label=_("Tên nhóm xếp hạng"), max_length=200, required=False)
    organiser = forms.ModelChoiceField(
        label=_("Cơ quan tổ chức"), queryset=Unit.objects.order_by("name"), required=False
    )
    unit_type = forms.ModelChoiceField(
        label=_("Loại của các đơn vị chưa có trong danh sách"),
        queryset=UnitType.objects.order_by("name"),
        error_messages={"required": _("Cần chọn loại đơn vị.")},
    )
    decision_number = forms.CharField(label=_("Số quyết định công bố"), max_length=120, required=False)
    decision_date = forms.DateField(
        label=_("Ngày quyết định"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": DATE_ERROR},
    )
    signer = forms.CharField(label=_("Người ký"), max_length=200, required=False)
