from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "dti.appraisal"
    verbose_name = "Thẩm định"

    def ready(self) -> None:
        """Tell the permission rules (in core, below this app) who is assigned which unit; tell the
        self-assessment page (in assessments, below) its group's stored bounds; listen to every write
        that makes stored results stale, and warm them in the background after a large change."""
        from dti.appraisal import standing
        from dti.appraisal.selectors import appraiser_in_scope
        from dti.appraisal.tasks import warm_after_bulk
        from dti.assessments.selectors import set_claim_bounds
        from dti.assessments.signals import scores_changed
        from dti.core.permissions import set_appraisal_scope

        set_appraisal_scope(appraiser_in_scope)
        set_claim_bounds(standing.claim_bounds)
        standing.connect()
        scores_changed.connect(warm_after_bulk, dispatch_uid="standing-warm-after-bulk")
