"""Open311 clients as the office manages them: register (the api_key is shown once, only its
SHA-256 is kept), switch on and off. Each change is an audit event in the same transaction;
the office screen and the management command (actor None: the operator on the server) both
register through open311_client_create."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal.accounts.guards import Role, require_role
from portal.audit.services import audit_append

from ..models import Open311Client

ERR_NAME = _("请填写客户端名称（不超过100个字）")


def _audit(*, client, action, actor, before=None, after=None) -> None:
    # the api_key never enters the audit trail (nor its hash: nothing to guess against)
    audit_append(
        chain=f"open311-client:{client.pk}",
        action=action,
        obj=client,
        actor=actor,
        actor_label="" if actor is not None else "manage.py",
        before=before,
        after=after,
    )


def open311_client_create(*, name: str, actor=None) -> tuple[Open311Client, str]:
    """Register a client; returns (client, api_key). The key is not stored and cannot be
    shown again."""
    require_role(actor, Role.OFFICE, system_ok=True)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationError(ERR_NAME, code="name")
    with transaction.atomic():
        key = secrets.token_urlsafe(24)
        client = Open311Client.objects.create(
            name=name, key_hash=hashlib.sha256(key.encode()).hexdigest()
        )
        _audit(
            client=client,
            action="open311_client.register",
            actor=actor,
            after={"name": name, "active": True},
        )
    return client, key


def open311_client_active_set(*, client: Open311Client, active: bool, actor=None) -> Open311Client:
    """Switch a client on or off; a switched-off client's key is refused by the API."""
    require_role(actor, Role.OFFICE, system_ok=True)
    with transaction.atomic():
        client = Open311Client.objects.select_for_update().get(pk=client.pk)
        if client.active != bool(active):
            before = {"active": client.active}
            client.active = bool(active)
            client.save(update_fields=["active"])
            _audit(
                client=client,
                action="open311_client.active_set",
                actor=actor,
                before=before,
                after={"active": client.active},
            )
    return client
