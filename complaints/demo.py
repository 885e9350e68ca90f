"""Demo complaints in every state, made through the real services (idempotent, quick)."""

import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.models import OfficialPage, Unit
from portal.core.dates import month_start

from .choices import HandlingTier
from .models import Case, Category

DEMO_TITLE = "演示"
TEXTS = [
    "到不动产登记窗口办证，工作人员让我来回跑了三趟，每次要求补交的材料都不一样。",
    "营业执照变更申请提交十个工作日仍无回复，电话一直无人接听。",
    "窗口工作人员上班时间玩手机，排队群众催促时态度生硬。",
    "企业办理消防验收，经办人暗示需要请客吃饭才能尽快安排。",
    "医保报销窗口中午提前半小时停止办理，群众白等一上午。",
    "社区工作人员推诿扯皮，说这事归街道管，街道又说归社区管。",
]
# (final state, actions to get there)
PATHS = [
    ("submitted", []),
    ("rejected", ["reject"]),
    ("accepted", ["accept"]),
    ("assigned", ["accept", "assign"]),
    ("signed", ["accept", "assign", "sign"]),
    ("in_progress", ["accept", "assign", "sign", "start"]),
    ("transfer_requested", ["accept", "assign", "transfer_request"]),
    ("answered", ["accept", "assign", "sign", "answer"]),
    ("callback", ["accept", "assign", "sign", "answer", "approve"]),
    ("closed", ["accept", "assign", "sign", "answer", "approve", "close"]),
]


def _default_categories():
    """The migration's default categories, again, for a database that was emptied."""
    import importlib

    defaults = importlib.import_module("complaints.migrations.0002_default_categories")
    return [
        Category.objects.get_or_create(
            code=code, defaults={"name": name, "description": text, "display_order": order}
        )[0]
        for order, (name, code, text) in enumerate(defaults.DEFAULT_CATEGORIES, start=1)
    ]


def _step(case, action, *, office, handler, dept, units, solved):
    """One action of a demo path, through its own workflow service."""
    from .services import workflow

    if action == "accept":
        return workflow.case_accept(case=case, actor=office)
    if action == "reject":
        return workflow.case_reject(
            case=case, actor=office, reason="不属于效能投诉受理范围，已告知向有关部门反映。"
        )
    if action == "assign":
        return workflow.case_assign(case=case, actor=office, department=dept)
    if action == "sign":
        return workflow.case_sign(case=case, actor=handler)
    if action == "start":
        return workflow.case_start(case=case, actor=handler)
    if action == "transfer_request":
        return workflow.case_transfer_request(
            case=case,
            actor=handler,
            to_unit=next(u for u in units if u.pk != dept.pk),
            reason="该事项属于其他单位职责。",
        )
    if action == "answer":
        return workflow.case_answer(
            case=case,
            actor=handler,
            answer="经核查，情况基本属实，已对经办人进行批评教育并整改。",
            finding="partly",
            measures="窗口实行一次性告知制度",
        )
    if action == "approve":
        return workflow.case_approve(case=case, actor=office)
    return workflow.case_close(
        case=case,
        actor=office,
        solved=solved,
        handling_tier=HandlingTier.GENERAL,
        handling_action="supervision_notice",
    )


def seed(progress=None, per_state: int = 3):
    from .services.intake import case_submit, monitor_report_submit

    User = get_user_model()
    office = User.objects.filter(username="office").first()
    units = list(Unit.objects.order_by("display_order", "id")[:6])
    if office is None or len(units) < 2:
        return {"cases": 0}
    if Case.objects.filter(title__startswith=DEMO_TITLE).exists():
        return {"cases": 0}
    handlers = {u.pk: User.objects.filter(unit=u).first() for u in units}
    officials = list(OfficialPage.objects.live().filter(unit__in=units)[:20])
    categories = list(Category.objects.filter(active=True)) or _default_categories()
    rng = random.Random(2026)
    total = len(PATHS) * per_state
    bar = progress(total=total, desc="投诉件", unit="件") if progress else None
    made = 0
    for _state, steps in PATHS:
        for i in range(per_state):
            unit = units[(made + i) % len(units)]
            official = rng.choice(officials) if officials and i % 2 == 0 else None
            case, _ = case_submit(
                category=rng.choice(categories),
                text=rng.choice(TEXTS),
                title=f"{DEMO_TITLE}{made + 1:03d}",
                official=official,
                unit=None if official else unit,
                anonymous=i % 3 != 0,
                contact_name="" if i % 3 else "演示投诉人",
                contact_phone="" if i % 3 else "13800000000",
                with_receipt=False,  # a slow hash per code; demo cases are opened by staff
            )
            dept = official.unit if official else unit
            handler = handlers.get(dept.pk) or User.objects.filter(unit=dept).first()
            for action in steps:
                if action in ("sign", "start", "answer", "transfer_request") and handler is None:
                    break
                case = _step(
                    case,
                    action,
                    office=office,
                    handler=handler,
                    dept=dept,
                    units=units,
                    solved=i % 2 == 0,
                )
            made += 1
            if bar:
                bar.update(1)
    monitors = list(User.objects.filter(username__startswith="monitor").order_by("username")[:5])
    month = month_start(timezone.localdate())
    for n, monitor in enumerate(monitors):
        monitor_report_submit(
            monitor=monitor,
            month=month,
            category=categories[n % len(categories)],
            unit=units[n % len(units)],
            title=f"{DEMO_TITLE}监测{n + 1}",
            text="本月走访企业，反映审批材料要求不一致、办理时限不透明。",
        )
    if bar:
        bar.close()
    return {"cases": made}
