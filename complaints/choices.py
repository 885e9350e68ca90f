"""Choices of the complaints app and the case state machine's allowed transitions.

`TRANSITIONS` is the only description of which action moves a case from which state to which;
`complaints.services.workflow.state.case_state_change` is the only code that applies it
(each action has its own service in complaints.services.workflow).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseSource(models.TextChoices):
    WEB = "web", _("网上投诉")
    MONITOR = "monitor", _("监测员报告")
    OPEN311 = "open311", "Open311接口"


class SubjectKind(models.TextChoices):
    OFFICIAL = "official", _("具体人员")
    UNIT = "unit", _("单位")
    GENERAL = "general", _("一般问题")


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", _("待受理")
    REJECTED = "rejected", _("不予受理")
    ACCEPTED = "accepted", _("已受理")
    ASSIGNED = "assigned", _("已交办")
    SIGNED = "signed", _("已签收")
    IN_PROGRESS = "in_progress", _("办理中")
    TRANSFER_REQUESTED = "transfer_requested", _("申请改派")
    ANSWERED = "answered", _("已答复")
    CALLBACK = "callback", _("待回访")
    CLOSED = "closed", _("办结")
    MERGED = "merged", _("已并单")


class CaseAction(models.TextChoices):
    ACCEPT = "accept", _("受理")
    REJECT = "reject", _("不予受理")
    MERGE = "merge", _("并单")
    ASSIGN = "assign", _("交办")
    SIGN = "sign", _("签收")
    START = "start", _("开始办理")
    TRANSFER_REQUEST = "transfer_request", _("申请改派")
    TRANSFER_REFUSE = "transfer_refuse", _("驳回改派")
    ANSWER = "answer", _("答复")
    RETURN = "return", _("退回重办")
    APPROVE = "approve", _("审核通过")
    REOPEN = "reopen", _("重新办理")
    CLOSE = "close", _("办结")
    RELAPSE_REOPEN = "relapse_reopen", _("回头看反弹重办")


class ActorKind(models.TextChoices):
    OFFICE = "office", _("效能办")
    DEPARTMENT = "department", _("承办部门")
    COMPLAINANT = "complainant", _("投诉人")
    SYSTEM = "system", _("系统")


S, A, K = CaseState, CaseAction, ActorKind

# action -> (states it may start from, state it leads to, who may take it)
TRANSITIONS: dict[str, tuple[frozenset, str, frozenset]] = {
    A.ACCEPT: (frozenset({S.SUBMITTED}), S.ACCEPTED, frozenset({K.OFFICE, K.SYSTEM})),
    A.REJECT: (frozenset({S.SUBMITTED}), S.REJECTED, frozenset({K.OFFICE})),
    A.MERGE: (frozenset({S.SUBMITTED, S.ACCEPTED}), S.MERGED, frozenset({K.OFFICE})),
    # office assigns an accepted case, or reassigns after a department named the right unit
    A.ASSIGN: (frozenset({S.ACCEPTED, S.TRANSFER_REQUESTED}), S.ASSIGNED, frozenset({K.OFFICE})),
    A.SIGN: (frozenset({S.ASSIGNED}), S.SIGNED, frozenset({K.DEPARTMENT})),
    A.START: (frozenset({S.SIGNED}), S.IN_PROGRESS, frozenset({K.DEPARTMENT})),
    A.TRANSFER_REQUEST: (
        frozenset({S.ASSIGNED, S.SIGNED}),
        S.TRANSFER_REQUESTED,
        frozenset({K.DEPARTMENT}),
    ),
    # a refused transfer goes back to the state before the request (see RESTORES below)
    A.TRANSFER_REFUSE: (frozenset({S.TRANSFER_REQUESTED}), S.ASSIGNED, frozenset({K.OFFICE})),
    # the office answers itself the cases it keeps (e.g. retaliation reports), from ACCEPTED
    A.ANSWER: (
        frozenset({S.ACCEPTED, S.SIGNED, S.IN_PROGRESS}),
        S.ANSWERED,
        frozenset({K.DEPARTMENT, K.OFFICE}),
    ),
    A.RETURN: (frozenset({S.ANSWERED}), S.IN_PROGRESS, frozenset({K.OFFICE})),
    A.APPROVE: (frozenset({S.ANSWERED}), S.CALLBACK, frozenset({K.OFFICE})),
    # not satisfied at the call-back may reopen once; the case goes back to the department
    A.REOPEN: (frozenset({S.CALLBACK}), S.IN_PROGRESS, frozenset({K.OFFICE, K.COMPLAINANT})),
    A.CLOSE: (frozenset({S.CALLBACK}), S.CLOSED, frozenset({K.OFFICE})),
    # a 回头看 that finds the problem back reopens a closed case to its department; only the
    # follow-up service takes it (services.workflow.followup), so no page offers it as a button
    A.RELAPSE_REOPEN: (frozenset({S.CLOSED}), S.IN_PROGRESS, frozenset({K.SYSTEM})),
}

# actions whose service may lead, instead of the map's target, back to one of these states
# (the one the case was in before: a refused transfer of a signed case stays signed)
RESTORES: dict[str, frozenset] = {
    A.TRANSFER_REFUSE: TRANSITIONS[A.TRANSFER_REQUEST][0],
}

# states in which the case is with a department and its deadline runs
DEPARTMENT_STATES = frozenset({S.ASSIGNED, S.SIGNED, S.IN_PROGRESS, S.TRANSFER_REQUESTED})
FINAL_STATES = frozenset({S.REJECTED, S.CLOSED, S.MERGED})


# the actions on a case that do not move its state: in which states each may be taken and by
# whom (their services check the same sets); with TRANSITIONS, what a case page offers now
SIDE_ACTIONS: dict[str, tuple[frozenset, frozenset]] = {
    "supervise": (DEPARTMENT_STATES, frozenset({K.OFFICE})),
    "publish": (frozenset({S.CLOSED}), frozenset({K.OFFICE})),
    "extension_request": (DEPARTMENT_STATES, frozenset({K.DEPARTMENT})),
}


def allowed_actions(state: str) -> list[str]:
    return [action for action, (sources, _, _) in TRANSITIONS.items() if state in sources]


def action_actors(action: str) -> frozenset:
    """Who may ever take `action` (in some state)."""
    if action in TRANSITIONS:
        return TRANSITIONS[action][2]
    return SIDE_ACTIONS[action][1]


def actions_for(*, state: str, kind: str | None) -> list[str]:
    """Every action (state change or not) an actor of `kind` may take on a case in `state`:
    the one answer to "which buttons does this case page show now"."""
    if kind is None:
        return []
    moves = [a for a, (sources, _, who) in TRANSITIONS.items() if state in sources and kind in who]
    side = [a for a, (states, who) in SIDE_ACTIONS.items() if state in states and kind in who]
    return moves + side


def open311_status(state: str) -> str:
    """Open311 knows only open/closed; 'closed' here never means 'fixed' (see Case.solved)."""
    return "closed" if state in FINAL_STATES else "open"


class CallbackResult(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    NOT_SATISFIED = "not_satisfied", _("不满意")


class Finding(models.TextChoices):
    TRUE = "true", _("属实")
    PARTLY = "partly", _("部分属实")
    FALSE = "false", _("不属实")


class HandlingTier(models.TextChoices):
    GENERAL = "general", _("一般性问题")
    EARLY_SIGN = "early_sign", _("苗头性问题")
    VIOLATION = "violation", _("违纪违规问题")


class HandlingAction(models.TextChoices):
    NONE = "none", _("无需处理")
    SUPERVISION_NOTICE = "supervision_notice", _("督办通知")
    WARNING_LETTER = "warning_letter", _("预警告知函")
    ADMONISH = "admonish", _("告诫")
    TALK = "talk", _("约谈")
    CAUTION_TALK = "caution_talk", _("诫勉谈话")
    CASE_OPENED = "case_opened", _("立案调查")
    SANCTION = "sanction", _("处分")
    ACCOUNTABILITY = "accountability", _("问责")
    PUBLIC_NAMING = "public_naming", _("通报曝光")


# the actions (HandlingMeasure.kind) that are measures taken, i.e. every action but "none"
MEASURE_KINDS = [(v, label) for v, label in HandlingAction.choices if v != HandlingAction.NONE]


class FollowUpFinding(models.TextChoices):
    HELD = "held", _("整改到位")
    RELAPSED = "relapsed", _("问题反弹")


class SupervisionLevel(models.IntegerChoices):
    OPEN = 0, _("督办中")
    UNIT_HEAD = 1, _("已升级至单位主要负责人")
    LEADER = 2, _("已升级至效能办领导")


class PublicationStatus(models.TextChoices):
    PENDING = "pending", _("待定")
    READY = "ready", _("可公开")
    HELD = "held", _("不公开")


# who may write in a case's thread: the people in the case (every actor but the system), with
# ActorKind's values and labels, so that a message's author and an audit actor always agree
MessageAuthor = models.TextChoices(
    "MessageAuthor",
    [
        (kind.name, (kind.value, kind.label))
        for kind in (ActorKind.COMPLAINANT, ActorKind.OFFICE, ActorKind.DEPARTMENT)
    ],
    module=__name__,
)


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("不批准")


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class ReminderOutcome(models.TextChoices):
    """A monitor's monthly reminder: sent counts only when at least one channel delivered it."""

    SENT = "sent", _("已发送")
    NO_CONTACT = "no_contact", _("无联系方式")
    FAILED = "failed", _("发送失败")
