from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "投诉与办理"

    def ready(self):
        from portal.core import crypto

        from .models import Case, DepartmentEndpoint

        # every Fernet column of this app, for key rotation (portal.core.crypto.rotate_all)
        crypto.register(
            Case, "contact_name_enc", "contact_phone_enc", "contact_email_enc", "notify_email_enc"
        )
        crypto.register(DepartmentEndpoint, "secret_enc")
