from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "dti.appraisal"
    verbose_name = "Thẩm định"

    def ready(self) -> None:
        """Tell the permission rules (in core, below this app) who is assigned which unit; tell the
        self-assessment page (in assessments, below) its group's stored bounds; listen to every write
        that makes stored results stale."""
        from dti.appraisal import standing
        from dti.appraisal.selectors import appraiser_in_scope
        from dti.assessments.selectors import set_claim_bounds
        from dti.core.permissions import set_appraisal_scope

        set_appraisal_scope(appraiser_in_scope)
        set_claim_bounds(standing.claim_bounds)
        standing.connect()
