from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "portal.evaluation"
    label = "evaluation"
    verbose_name = "网上测评"

    def ready(self):
        from portal.audit.registry import register

        from . import verify, voters  # noqa: F401  (voters registers its settings check)

        register("ratings")(verify.verify_rating_chains)
