"""Whether the unit may change its self-assessment now, and if not, why (status, deadline, reopening).

Shared by the services that change data, the workflow (submitting) and the pages that
show or hide the forms, so that the rule is written once.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dti.assessments.models import UNIT_EDITABLE, Assessment


def edit_block_reason(assessment: Assessment, now: datetime.datetime | None = None) -> str:
    """Why the unit cannot change its data now ("" when it can)."""
    if assessment.status not in UNIT_EDITABLE:
        return _("Bản tự đánh giá đã được gửi; đơn vị không thể sửa số liệu.")
    participation = assessment.participation
    campaign = participation.campaign
    if assessment.status == Assessment.Status.RETURNED and campaign.running():
        return ""  # returned for correction: the unit may edit and submit again, deadline or not
    if not participation.may_submit(now):
        campaign = participation.campaign
        if not campaign.running() or (campaign.state != campaign.State.OPEN and not participation.reopened_until):
            if campaign.state == campaign.State.DRAFT:
                message = _("Kỳ đánh giá đang ở trạng thái “%(state)s”, chưa nhận báo cáo.")
            else:
                message = _("Kỳ đánh giá đang ở trạng thái “%(state)s”, không còn nhận báo cáo.")
            return message % {"state": campaign.get_state_display()}
        deadline = date_format(timezone.localtime(campaign.submission_deadline), "d/m/Y H:i")
        return _("Đã quá hạn gửi báo cáo (%(deadline)s). Liên hệ cơ quan tổ chức để được mở lại.") % {
            "deadline": deadline
        }
    return ""
