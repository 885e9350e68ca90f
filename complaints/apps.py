from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "投诉与办理"

    def ready(self):
        # register the Celery tasks in every process: Celery's autodiscovery runs only when a
        # worker starts, and the outbox looks tasks up by name in the web process too (eager,
        # embedded mode), where an unimported tasks module means NotRegistered
        from . import tasks  # noqa: F401
