from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "内容管理"

    def ready(self):
        from . import search_documents, signals

        search_documents.register()
        signals.connect()
