"""Writes of the complaints app: intake.py (filing clues), receipts.py and recovery.py (coming
back with a receipt code), thread.py (messages, call-back, retaliation), workflow/ (the state
machine, one module per group of actions), exchange.py, delivery.py and inbound.py (document
exchange), notify.py and notices.py (notices).

The public names are repeated here for callers outside the app; code inside the app imports
from the submodule. Nothing under services/ imports this package, so it closes no cycle."""

from .counters import counter_next  # noqa: F401
from .intake import case_submit, monitor_report_submit  # noqa: F401
from .notify import case_notify, monitor_reminder_send, office_digest_send  # noqa: F401
from .receipts import (  # noqa: F401
    Receipt,
    TrackFailed,
    case_track_open,
    receipt_recover_request,
    receipt_reissue,
    receipt_sign,
    receipt_verify,
    track_token_make,
    track_token_open,
)
from .recovery import recover_token_make  # noqa: F401
from .thread import callback_answer, message_post, retaliation_report  # noqa: F401
from .workflow import (  # noqa: F401
    InvalidTransition,
    actor_kind_for,
    batch_assign,
    case_accept,
    case_answer,
    case_approve,
    case_assign,
    case_close,
    case_deadline_sweep,
    case_merge,
    case_publication_set,
    case_reject,
    case_reopen,
    case_return,
    case_sign,
    case_start,
    case_supervise,
    case_transfer_refuse,
    case_transfer_request,
    extension_decide,
    extension_request,
    route_department,
)
