from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "portal.evaluation"
    label = "evaluation"
    verbose_name = "网上测评"

    def ready(self):
        from cms import hooks_registry
        from portal.audit.registry import register

        from . import verify
        from .views import profile_context

        if profile_context not in hooks_registry.official_context_providers:
            hooks_registry.official_context_providers.append(profile_context)
        register("ratings")(verify.verify_rating_chains)
