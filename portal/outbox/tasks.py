from celery import shared_task


@shared_task(name="portal.outbox.tasks.outbox_relay_task")
def outbox_relay_task():
    from .services import outbox_relay

    return outbox_relay()


@shared_task(name="portal.outbox.tasks.outbox_prune_task")
def outbox_prune_task():
    from .services import outbox_prune

    return outbox_prune()
