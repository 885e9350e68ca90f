from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "平台"

    def ready(self):
        from portal.core import converters

        converters.register()  # `<id:pk>` in every URLconf (portal.core.converters)
