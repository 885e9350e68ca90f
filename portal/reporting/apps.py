from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """The cross-domain read side: /stats/, /transparency/ and their exports."""

    name = "portal.reporting"
    label = "reporting"
    verbose_name = "统计与公开"

    def ready(self):
        from portal.evaluation.report_data import report_section_register

        from . import leader_cases, signals

        signals.connect()
        report_section_register(leader_cases.case_section)
