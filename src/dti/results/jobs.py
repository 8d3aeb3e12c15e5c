"""The campaign's publication and its amendments as background jobs: at national size (3,300 units)
scoring every unit for the sealed snapshot takes longer than a page may wait."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from dti.assessments.models import Assessment
from dti.campaigns.models import Campaign
from dti.jobs.models import Job
from dti.jobs.services import Outcome, Progress, job_function
from dti.results.services import amend as amend_results
from dti.results.services import publish_campaign


def title(campaign: Campaign) -> str:
    return _("Công bố kết quả %(campaign)s") % {"campaign": campaign}


def published_message(version: int, content_hash: str) -> str:
    """What the person who published is told (on the job's page, or at once with inline jobs)."""
    return _("Đã công bố kết quả (phiên bản %(version)d, mã băm %(hash)s).") % {
        "version": version,
        "hash": content_hash[:12],
    }


@job_function(atomic=True)
def publish(job: Job, progress: Progress, *, campaign: int) -> Outcome:
    """`services.publish_campaign` for the job's owner (its checks, audit entries and notices, all or nothing)."""
    publication = publish_campaign(campaign=Campaign.objects.get(pk=campaign), by=job.owner, progress=progress)
    return Outcome(
        message=published_message(publication.version, publication.content_hash),
        next_url=reverse("public:campaign", args=[campaign]),
    )


def amend_title(campaign: Campaign) -> str:
    return _("Đính chính kết quả %(campaign)s") % {"campaign": campaign}


def amended_message(version: int) -> str:
    return _("Đã lập bản đính chính (phiên bản %(version)d).") % {"version": version}


@job_function(atomic=True)
def amend(job: Job, progress: Progress, *, campaign: int, reason: str, changes: list[list[Any]]) -> Outcome:
    """`services.amend` for the job's owner: `changes` are [assessment id, indicator code, new score as typed]
    (the whole campaign is ranked again for the new version)."""
    found = Campaign.objects.get(pk=campaign)
    assessments = Assessment.objects.select_related(
        "participation__unit", "participation__group__framework", "participation__campaign"
    ).in_bulk([pk for pk, _code, _score in changes])
    publication = amend_results(
        campaign=found,
        by=job.owner,
        reason=reason,
        changes=[(assessments[pk], code, score) for pk, code, score in changes],
        progress=progress,
    )
    return Outcome(message=amended_message(publication.version), next_url=reverse("results:amend", args=[campaign]))
