"""The appraisal pages: home, campaign overview, the unit workspace and its unit-level actions."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from dti.appraisal.models import Assignment, Review
from dti.assessments.models import Assessment

S = Assessment.Status


def test_workspace_smoke(appraising: dict[str, Any], login: Any) -> None:
    client = login("appraiser")
    one = appraising["assessment"]
    response = client.get(reverse("appraisal:unit", args=[one.pk]))
    assert response.status_code == 200, response.content.decode()[:3000]
    response = client.get(reverse("appraisal:home"))
    assert response.status_code == 200
    response = login("organiser").get(reverse("appraisal:campaign", args=[appraising["campaign"].pk]))
    assert response.status_code == 200
