from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "dti.appraisal"
    verbose_name = "Thẩm định"

    def ready(self) -> None:
        """Tell the permission rules (in core, below this app) who is assigned which unit."""
        from dti.appraisal.selectors import appraiser_in_scope
        from dti.core.permissions import set_appraisal_scope

        set_appraisal_scope(appraiser_in_scope)
