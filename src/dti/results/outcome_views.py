"""The unit's own result page, under its assessment: /danh-gia/<pk>/ket-qua/.

The unit's people and the appraisal side may open it (as the explanation round's page); what it
shows depends on how far the assessment is (dti.results.outcome).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from dti.appraisal.selectors import ASSESSMENT_RELATED
from dti.assessments.models import Assessment
from dti.assessments.selectors import banner, follows_appraisal
from dti.results.outcome import unit_outcome

if TYPE_CHECKING:
    from dti.accounts.http import AuthenticatedHttpRequest


@login_required
def outcome(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Claimed, appraised and published scores per indicator, index and in total; rank, class, decision."""
    assessment = get_object_or_404(Assessment.objects.select_related(*ASSESSMENT_RELATED), pk=pk)
    if not follows_appraisal(request.user, assessment):
        raise PermissionDenied(_("Bạn không có quyền xem kết quả đánh giá của đơn vị này."))
    context = {"outcome": unit_outcome(assessment), "banner": banner(assessment, request.user)}
    return render(request, "results/outcome.html", context)
