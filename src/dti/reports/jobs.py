"""Every unit's analysis report of a campaign in one zip, built as a background job (one report
takes a fraction of a second; a campaign of 3,300 communes takes many minutes)."""

from __future__ import annotations

import io
import zipfile

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dti.campaigns.models import Campaign
from dti.core.errors import ServiceError
from dti.jobs.models import Job
from dti.jobs.services import Outcome, Progress, job_function
from dti.reports.exports import unit_report_named, written
from dti.reports.selectors import file_name, source, unit_analysis
from dti.results.selectors import group_views


def title(campaign: Campaign, kind: str) -> str:
    return _("Báo cáo phân tích của tất cả các đơn vị (%(kind)s) – %(campaign)s") % {
        "kind": kind.upper(),
        "campaign": campaign.name,
    }


@job_function(atomic=False)  # it only reads: a long read must not hold SQLite's write lock
def unit_reports(job: Job, progress: Progress, *, campaign: int, kind: str) -> Outcome:
    """A zip of the report (DOCX or PDF) of every unit with results in what the owner may see:
    the newest published version, or the draft for those who may see drafts."""
    found = Campaign.objects.get(pk=campaign)
    shown = source(found, job.owner)
    shared = (shown, group_views(shown.snapshot))  # read once, not once a unit
    participations = list(
        found.participations.select_related("campaign", "unit", "group__framework").order_by("unit__name", "pk")
    )
    buffer = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for n, participation in enumerate(participations, start=1):
            analysis = unit_analysis(participation, job.owner, shared)
            if analysis.found is not None and analysis.card is not None:
                document, name = unit_report_named(analysis, kind)
                package.writestr(name, written(document, kind))
                count += 1
            progress(n, len(participations), participation.unit.name)
    if not count:
        raise ServiceError(_("Chưa đơn vị nào có kết quả nên chưa có báo cáo phân tích nào."))
    message = ngettext(
        "Đã tạo báo cáo phân tích của %(count)d đơn vị.", "Đã tạo báo cáo phân tích của %(count)d đơn vị.", count
    ) % {"count": count}
    name = file_name(found, shown, "bao-cao-cac-don-vi", "zip")
    return Outcome(
        message=message,
        file_name=name,
        content=buffer.getvalue(),
        next_url=reverse("reports:campaign", args=[found.pk]),
    )
