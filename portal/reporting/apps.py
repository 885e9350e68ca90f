from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """The cross-domain read side: /stats/, /transparency/ and their exports."""

    name = "portal.reporting"
    label = "reporting"
    verbose_name = "统计与公开"

    def ready(self):
        from . import signals

        signals.connect()
