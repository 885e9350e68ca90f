"""The /metrics view: what the portal shows to Prometheus. Counting, access and the text
format are infrastructure (portal.core.metrics); this module adds what only the project knows:
its readiness checks, beat's heartbeat key and the tables worth counting."""

from .core import metrics
from .health import CHECKS
from .ops_tasks import HEARTBEAT_KEY

# the tables shown as portal_rows; a model missing from this installation is skipped
COUNTED_MODELS = (
    "cms.Unit",
    "cms.OfficialPage",
    "accounts.User",
    "audit.AuditEvent",
    "evaluation.Rating",
    "evaluation.CallBack",
    "evaluation.OfficialWarning",
    "complaints.Case",
    "complaints.Attachment",
    "publication.PublishedOutcome",
)


def metrics_view(request):
    if not metrics.metrics_allowed(request):
        return metrics.forbidden_response()
    return metrics.exposition_response(
        [
            *metrics.request_lines(),
            *metrics.dependency_lines(CHECKS),
            *metrics.cache_lines(),
            *metrics.queue_lines(),
            *metrics.heartbeat_lines(HEARTBEAT_KEY),
            *metrics.row_lines(COUNTED_MODELS),
        ]
    )
