"""The case state machine and the back-office workflow: one service per action, grouped by
who acts when (screening, assignment, department, closing), plus deadlines. Only
state.case_state_change changes Case.state. Callers may import from the submodules; the names
are repeated here for convenience."""

from .assignment import (  # noqa: F401
    batch_assign,
    case_assign,
    case_transfer_refuse,
    case_transfer_request,
    route_department,
)
from .closing import (  # noqa: F401
    case_approve,
    case_close,
    case_publication_set,
    case_reopen,
    case_return,
)
from .deadlines import (  # noqa: F401
    case_deadline_sweep,
    case_supervise,
    deadline_from_today,
    deadline_working_days,
)
from .department import (  # noqa: F401
    case_answer,
    case_sign,
    case_start,
    extension_decide,
    extension_request,
)
from .followup import followup_record, followup_schedule  # noqa: F401
from .measures import (  # noqa: F401
    measure_add,
    measure_notice_publish,
    measure_rectified,
    warning_letter_chase,
)
from .screening import case_accept, case_merge, case_reject  # noqa: F401
from .state import InvalidTransition, actor_kind_for, case_state_change  # noqa: F401
from .supervision import supervision_open, supervision_sweep  # noqa: F401
