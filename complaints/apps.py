from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "投诉与办理"

    def ready(self):
        from django.core import checks

        from portal.core import crypto

        from . import signals  # noqa: F401  (the holiday calendar's cache invalidation)
        from .checks import check_holiday_calendar
        from .models import Case, DepartmentEndpoint

        # every Fernet column of this app, for key rotation (portal.core.crypto.rotate_all)
        crypto.register(
            Case, "contact_name_enc", "contact_phone_enc", "contact_email_enc", "notify_email_enc"
        )
        crypto.register(DepartmentEndpoint, "secret_enc")
        checks.register(check_holiday_calendar)
