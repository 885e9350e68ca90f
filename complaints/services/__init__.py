"""Writes of the complaints app. See intake.py (clues, receipts, follow-up) and workflow.py
(state machine, documents, deadlines)."""

from .intake import (  # noqa: F401
    Receipt,
    TrackFailed,
    callback_answer,
    case_submit,
    case_track_open,
    contact_keys_rotate,
    counter_next,
    message_post,
    monitor_report_submit,
    open311_client_register,
    receipt_recover_request,
    receipt_reissue,
    receipt_sign,
    receipt_verify,
    recover_token_make,
    retaliation_report,
    track_token_make,
    track_token_open,
)
from .notify import case_notify, monitor_reminder_send, office_digest_send  # noqa: F401
from .workflow import (  # noqa: F401
    InvalidTransition,
    actor_kind_for,
    batch_assign,
    case_deadline_sweep,
    case_publication_set,
    case_supervise,
    case_transition,
    extension_decide,
    extension_request,
    route_department,
)
