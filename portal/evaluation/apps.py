from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "portal.evaluation"
    label = "evaluation"
    verbose_name = "网上测评"

    def ready(self):
        from portal.audit.registry import register
        from portal.core import crypto

        from . import verify, voters  # noqa: F401  (voters registers its settings check)
        from .models import RatingContact, ServiceRecord, WindowSystemEndpoint

        register("ratings")(verify.verify_rating_chains)
        register("sms sampling")(verify.verify_sms_sampling)
        verify.seals_register()
        # the append-only contacts are rewritten through their one narrow path
        crypto.register(RatingContact, "phone_encrypted", writer=RatingContact.tokens_rewrite)
        crypto.register(ServiceRecord, "phone_encrypted")
        crypto.register(WindowSystemEndpoint, "secret_enc")
