from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "complaints.publication"
    label = "publication"
    verbose_name = "办理结果公开"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import search_documents, signals

        search_documents.register_documents()
        signals.connect()
