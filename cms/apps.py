from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "内容管理"

    def ready(self):
        from . import search_documents, signals

        search_documents.register()
        signals.connect()
        _rules_seal_register()


def _rules_seal_register():
    """Rule settings are sealed in their audit chain (portal.audit.seals); a row still holding
    the defaults (made by the settings page on first view) needs no seal: it changes nothing a
    missing row would not."""
    from portal.audit.seals import seal_register

    from .models import PortalSettings

    fields = ("site_id", *PortalSettings.RULE_FIELDS)
    defaults = PortalSettings.rule_defaults()
    seal_register(
        "rules",
        PortalSettings,
        fields=fields,
        unsealed_ok=lambda values: all(
            values[n] == defaults[n] for n in PortalSettings.RULE_FIELDS
        ),
    )
