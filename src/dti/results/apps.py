from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "dti.results"
    verbose_name = "Phê duyệt và công bố kết quả"

    def ready(self) -> None:
        """Index each new publication for the public pages as it is written."""
        from dti.results.selectors import connect

        connect()
