"""The one place that names a case's audit events for people: event name -> label (zh-Hans
source, translated by gettext) for the office's and the department's case page and the
complainant's tracking page, and which of them the complainant's timeline shows.

An event without a label here is shown as a neutral "其他记录", never by its raw name
(`case.message`): the event names are data for the audit chain, not words for a reader."""

from django.utils.translation import gettext_lazy as _

from .choices import ActorKind

EVENT_LABELS = {
    "case.submit": _("提交投诉"),
    "case.accept": _("已受理"),
    "case.reject": _("不予受理"),
    "case.merge": _("已合并办理"),
    "case.assign": _("已交办承办部门"),
    "case.sign": _("承办部门已签收"),
    "case.start": _("承办部门办理中"),
    "case.transfer_request": _("承办部门申请改派"),
    "case.transfer_refuse": _("改派申请未获批准"),
    "case.answer": _("承办部门已答复"),
    "case.return": _("答复退回重办"),
    "case.approve": _("答复审核通过，待回访"),
    "case.callback": _("回访评价已提交"),
    "case.reopen": _("重新办理"),
    "case.close": _("办结"),
    "case.supervise": _("超期督办"),
    "case.supervision_open": _("督办"),
    "case.followup_record": _("回头看"),
    "case.relapse_reopen": _("回头看发现问题反弹，重新办理"),
    "case.extension_decide": _("办理期限调整"),
    # internal: the office's and the department's page only
    "case.message": _("留言"),
    "case.extension_request": _("申请延期"),
    "case.deadline_recompute": _("办理期限重算"),
    "case.publication": _("公开设置变更"),
    "case.receipt_reissue": _("重新发放查询码"),
    "case.followup_schedule": _("安排回头看"),
    "case.measure_add": _("处理措施"),
    "case.measure_chase": _("整改期限已过，已催办"),
    "case.measure_rectified": _("整改完成"),
    "case.measure_notice_publish": _("通报已公开"),
    "case.supervision_escalate": _("督办逾期，已上报"),
    "outcome.publish": _("办理结果已公开"),
    "outcome.republish": _("办理结果重新公开"),
    "outcome.unpublish": _("办理结果撤回公开"),
}

# the complainant's timeline shows these; the rest stays internal
PUBLIC_EVENTS = frozenset(
    {
        "case.submit",
        "case.accept",
        "case.reject",
        "case.merge",
        "case.assign",
        "case.sign",
        "case.start",
        "case.transfer_request",
        "case.transfer_refuse",
        "case.answer",
        "case.return",
        "case.approve",
        "case.callback",
        "case.reopen",
        "case.close",
        "case.supervise",
        "case.supervision_open",
        "case.followup_record",
        "case.relapse_reopen",
        "case.extension_decide",
    }
)

# a monitor's report (监测信息) is not a complaint: its own words where they differ
MONITOR_EVENT_LABELS = {"case.submit": _("报送监测信息")}

OTHER_EVENT = _("其他记录")

ACTOR_LABELS = {kind.value: kind.label for kind in ActorKind}


def event_label(action: str, *, monitor_report: bool = False):
    if monitor_report and action in MONITOR_EVENT_LABELS:
        return MONITOR_EVENT_LABELS[action]
    return EVENT_LABELS.get(action, OTHER_EVENT)


def actor_label(label: str):
    """A system actor kind ("complainant", "system") by its name for people; a staff
    account's name as recorded."""
    return ACTOR_LABELS.get(label, label)
