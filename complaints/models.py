"""Clues and cases: netizen complaints, monitors' monthly reports and Open311 requests.

Models only declare; every write goes through complaints.services, reads through selectors.
Contact fields hold Fernet tokens (portal.core.crypto), never plain text.
"""

from django.conf import settings
from django.db import models

from portal.core.storage import private_storage

from .choices import (
    CallbackResult,
    CaseSource,
    CaseState,
    ExtensionStatus,
    Finding,
    HandlingAction,
    HandlingTier,
    HolidayKind,
    MessageAuthor,
    PublicationStatus,
    ReminderOutcome,
    SubjectKind,
)
from .models_category import Category


class HolidayQuerySet(models.QuerySet):
    def working_day_map(self) -> dict:
        """{date: is a working day} of these entries (complaints.workdays reads it)."""
        return {d: kind == HolidayKind.WORKDAY for d, kind in self.values_list("date", "kind")}


class Holiday(models.Model):
    """One day of the office's holiday calendar: a day off or a 调休 make-up working day, from
    the State Council's notice; it overrides the chinesecalendar package (complaints.workdays)."""

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=HolidayKind.choices)
    name = models.CharField("节日名称", max_length=50)
    notice = models.CharField("依据通知", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = HolidayQuerySet.as_manager()

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date.isoformat()} {self.name}（{self.get_kind_display()}）"


class Counter(models.Model):
    """A named sequence (tracking numbers per day "TS20261122", documents per year "JB2026");
    the row is locked (SELECT … FOR UPDATE) to take the next number."""

    key = models.CharField(max_length=20, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.key}:{self.last}"


class Open311Client(models.Model):
    """A registered Open311 client; only a SHA-256 of its api_key is stored."""

    name = models.CharField("名称", max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Open311客户端"
        verbose_name_plural = "Open311客户端"

    def __str__(self):
        return self.name


class CaseQuerySet(models.QuerySet):
    def open(self):
        from .choices import FINAL_STATES

        return self.exclude(state__in=FINAL_STATES)

    def for_department(self, unit_id):
        return self.filter(department_id=unit_id)


class Case(models.Model):
    """One clue and its handling (投诉件). `state` changes only through services.workflow.state.case_state_change."""

    number = models.CharField("受理编号", max_length=20, unique=True)
    source = models.CharField("来源", max_length=10, choices=CaseSource.choices)
    state = models.CharField(
        "状态",
        max_length=20,
        choices=CaseState.choices,
        default=CaseState.SUBMITTED,
        db_index=True,
    )
    submitted_at = models.DateTimeField("提交时间", db_index=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    # what it is about
    subject_kind = models.CharField(
        "投诉对象类型", max_length=10, choices=SubjectKind.choices, default=SubjectKind.GENERAL
    )
    official = models.ForeignKey(
        "cms.OfficialPage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name="被投诉人员",
    )
    unit = models.ForeignKey(
        "cms.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_about",
        verbose_name="被投诉单位",
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="cases", verbose_name="类别"
    )
    title = models.CharField("标题", max_length=100, blank=True)
    text = models.TextField("内容")
    text_sha256 = models.CharField(max_length=64)

    # the complainant (anonymous: every contact field stays empty; nothing identifying stored)
    anonymous = models.BooleanField("匿名", default=True)
    receipt_hash = models.CharField(max_length=128)
    contact_name_enc = models.TextField(blank=True)
    contact_phone_enc = models.TextField(blank=True)
    contact_email_enc = models.TextField(blank=True)
    # anonymous opt-in: an e-mail used only for "there is an update" notices
    notify_email_enc = models.TextField(blank=True)
    # the complainant's page language at intake: notices to them are written in it
    language = models.CharField("语言", max_length=10, default=settings.LANGUAGE_CODE)

    # monitors' reports
    monitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="monitor_reports",
        verbose_name="监测员",
    )
    report_month = models.DateField("报告月份", null=True, blank=True)

    # Open311
    open311_client = models.ForeignKey(
        Open311Client, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    open311_token = models.CharField(max_length=40, blank=True, db_index=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    address_string = models.CharField("地址", max_length=255, blank=True)
    address_id = models.CharField(max_length=100, blank=True)

    # handling (issue 6)
    department = models.ForeignKey(
        "cms.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_assigned",
        verbose_name="承办部门",
    )
    deadline = models.DateField("办理期限", null=True, blank=True)
    urgent = models.BooleanField("紧急", default=False)
    # a named complainant's report of retaliation: handled by the office itself, never by the
    # department complained about (see services.retaliation_report)
    retaliation = models.BooleanField("打击报复线索", default=False)
    state_reason = models.TextField("最近一次状态说明", blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_cases"
    )
    related_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="related_cases",
        verbose_name="关联投诉件",
    )
    proposed_department = models.ForeignKey(
        "cms.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="建议改派单位",
    )
    supervised_at = models.DateTimeField("督办时间", null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    answer_text = models.TextField("答复内容", blank=True)
    finding = models.CharField("核查结论", max_length=10, choices=Finding.choices, blank=True)
    measures = models.TextField("整改措施", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    callback_result = models.CharField(
        "回访结果", max_length=15, choices=CallbackResult.choices, blank=True
    )
    callback_at = models.DateTimeField(null=True, blank=True)
    solved = models.BooleanField("问题是否解决", null=True, blank=True)
    handling_tier = models.CharField(
        "问题性质", max_length=12, choices=HandlingTier.choices, blank=True
    )
    handling_action = models.CharField(
        "处理方式", max_length=20, choices=HandlingAction.choices, blank=True
    )
    follow_up_on = models.DateField("回头看日期", null=True, blank=True)
    follow_up_reminded = models.BooleanField(default=False)
    # 预警告知函: the rectification deadline given with a warning notice letter
    rectify_by = models.DateField("整改期限", null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    publication = models.CharField(
        "公开",
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.PENDING,
    )
    publication_reason = models.CharField("不公开理由", max_length=200, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "投诉件"
        verbose_name_plural = "投诉件"
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["department", "state"]),
            models.Index(fields=["state", "deadline"]),
            models.Index(fields=["monitor", "report_month"]),
        ]

    def __str__(self):
        return self.number

    @property
    def audit_chain(self) -> str:
        return f"case:{self.pk}"


class Attachment(models.Model):
    """A file with a case or a message; type decided by content, images re-encoded (no EXIF)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    # the original file name is not kept: it can identify the sender (IMG_张三.jpg)
    file = models.FileField(storage=private_storage, upload_to="complaints/%Y/%m/")
    # evidence attached by the department with its answer: staff only, not shown to the public
    evidence = models.BooleanField(default=False)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.case_id}/{self.pk}"


class Message(models.Model):
    """The two-way thread between the complainant (by receipt code) and the office/department."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=12, choices=MessageAuthor.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.case_id}/{self.pk}"


class AssignmentBatch(models.Model):
    """A weekly batch of typical problems assigned together (Henan's cadence)."""

    number = models.CharField("批次编号", max_length=30, unique=True)
    title = models.CharField("批次标题", max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.number


class AssignmentDocument(models.Model):
    """交办单: the formal assignment of a case to a department."""

    number = models.CharField("交办单编号", max_length=30, unique=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    department = models.ForeignKey("cms.Unit", on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField("办理期限")
    body = models.TextField("交办内容")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()
    batch = models.ForeignKey(
        AssignmentBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )

    class Meta:
        ordering = ["issued_at", "id"]

    def __str__(self):
        return self.number


class ExtensionRequest(models.Model):
    """延期: a department asks for more working days; the office approves or refuses."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    working_days = models.PositiveSmallIntegerField("延长工作日")
    reason = models.TextField("理由")
    status = models.CharField(
        max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.case_id}+{self.working_days}"


class MonitorReminder(models.Model):
    """One reminder per monitor and month (keeps the daily beat task idempotent)."""

    monitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(max_length=12, choices=ReminderOutcome.choices, default="sent")
    channels = models.CharField(max_length=20, blank=True)  # delivered by: "sms,email"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["monitor", "month"], name="monitor_reminder_once")
        ]

    def __str__(self):
        return f"{self.monitor_id}:{self.month}"


class DepartmentEndpoint(models.Model):
    """A department's document-exchange system (电子公文交换). The shared HMAC secret is stored
    encrypted (portal.core.crypto); departments without an endpoint use the back office."""

    unit = models.OneToOneField(
        "cms.Unit", on_delete=models.CASCADE, related_name="exchange_endpoint"
    )
    url = models.URLField("接收地址")
    secret_enc = models.TextField(editable=False)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "公文交换接口"
        verbose_name_plural = "公文交换接口"

    def __str__(self):
        return f"{self.unit_id}:{self.url}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待投递"
    DELIVERED = "delivered", "已送达"


class Delivery(models.Model):
    """One assignment document sent to one department endpoint; the log of attempts."""

    document = models.ForeignKey(
        AssignmentDocument, on_delete=models.PROTECT, related_name="deliveries"
    )
    endpoint = models.ForeignKey(DepartmentEndpoint, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.UUIDField(unique=True)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return str(self.idempotency_key)


class InboundMessage(models.Model):
    """A reply received from a department system; the key makes replays harmless. Keys belong
    to their endpoint: two departments' systems may well pick the same one."""

    idempotency_key = models.CharField(max_length=64)
    endpoint = models.ForeignKey(DepartmentEndpoint, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20)
    result = models.CharField(max_length=20)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "idempotency_key"], name="inbound_key_per_endpoint"
            )
        ]

    def __str__(self):
        return self.idempotency_key


class DepartmentNotice(models.Model):
    """An in-app notice to a department (新交办, 紧急, 督办, 明天到期, 退回重办), made by the same
    notify code that sends e-mail and SMS. Read state is per unit: one handler reading it marks
    it read for the unit (they share one inbox)."""

    unit = models.ForeignKey("cms.Unit", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="department_notices")
    event = models.CharField(max_length=30)
    text = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "部门通知"
        verbose_name_plural = "部门通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "read_at"])]

    def __str__(self):
        return f"{self.unit_id}:{self.case_id}:{self.event}"


from .models_handling import FollowUp, HandlingMeasure, Supervision  # noqa: E402, F401
