"""How a case is handled beyond its state (issue 20): supervision (督办), the follow-up check
(回头看) and the measures taken (处理方式, several per case).

Declared here, beside complaints.models (which re-exports them, so the app label stays
"complaints"), to keep each module short. Models only declare; the writes are in
complaints.services.workflow (supervision, followup, measures).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .choices import MEASURE_KINDS, FollowUpFinding, SupervisionLevel


class Supervision(models.Model):
    """督办: the office (by hand, with a reason) or the system (urgent case, at assignment)
    gives the department a supervised deadline; past it, the sweep escalates once to the
    unit's head, then to the office's leaders."""

    case = models.ForeignKey(
        "complaints.Case", on_delete=models.CASCADE, related_name="supervisions"
    )
    reason = models.TextField("督办事由")
    deadline = models.DateField("督办期限")
    automatic = models.BooleanField("紧急件自动督办", default=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField("督办时间", default=timezone.now)
    level = models.PositiveSmallIntegerField(
        "升级情况", choices=SupervisionLevel.choices, default=SupervisionLevel.OPEN
    )
    escalated_on = models.DateField("最近升级日期", null=True, blank=True)

    class Meta:
        verbose_name = "督办"
        verbose_name_plural = "督办"
        ordering = ["-opened_at", "-id"]

    def __str__(self):
        return f"{self.case_id}:{self.deadline.isoformat()}"


class FollowUp(models.Model):
    """回头看: a check after closing, on a date, by a named office member; its finding says
    whether the rectification held. A relapse reopens the case to its department."""

    case = models.ForeignKey("complaints.Case", on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField("回头看日期")
    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="核查人",
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    scheduled_at = models.DateTimeField(default=timezone.now)
    finding = models.CharField(
        "回头看结论", max_length=10, choices=FollowUpFinding.choices, blank=True
    )
    note = models.TextField("核查情况", blank=True)
    # stored as the case's staff-only evidence attachment (never shown to the public)
    evidence = models.ForeignKey(
        "complaints.Attachment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="佐证材料",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "回头看"
        verbose_name_plural = "回头看"
        ordering = ["due_on", "id"]

    def __str__(self):
        return f"{self.case_id}:{self.due_on.isoformat()}"


class HandlingMeasure(models.Model):
    """One measure taken on a case (督办通知, 预警告知函 with a rectification deadline the
    sweep chases, 约谈, 立案调查, 问责, 通报曝光 with its own public notice page, ...).
    Case.handling_action keeps the main one chosen at closing."""

    case = models.ForeignKey(
        "complaints.Case", on_delete=models.CASCADE, related_name="handling_measures"
    )
    kind = models.CharField("处理方式", max_length=20, choices=MEASURE_KINDS)
    note = models.TextField("说明", blank=True)
    # 预警告知函: the rectification deadline, when it was met, and the last chase
    rectify_by = models.DateField("整改期限", null=True, blank=True)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)
    chased_on = models.DateField("最近催办日期", null=True, blank=True)
    # 通报曝光: the notice the office publishes at /results/notices/<id>/
    notice_title = models.CharField("通报标题", max_length=200, blank=True)
    notice_body = models.TextField("通报内容", blank=True)
    published_at = models.DateTimeField("通报公开时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        verbose_name = "处理措施"
        verbose_name_plural = "处理措施"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["kind", "rectify_by"])]

    def __str__(self):
        return f"{self.case_id}:{self.kind}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("publication:notice", args=[self.pk])
