"""The published, masked snapshot of a closed case (办理结果公开).

Why a snapshot of its own: the public pages, the feed and the search index read only this
table, never the raw case, so nothing the office has not seen masked in the preview can leak.
Rows are written only by complaints.publication.services.
"""

from django.conf import settings
from django.db import models


class OutcomeQuerySet(models.QuerySet):
    def published(self):
        """Public: published, and the case not held back by the office since (a later
        "不公开" decision on the case wins at once, before anyone unpublishes)."""
        from complaints.choices import PublicationStatus

        return self.filter(is_published=True).exclude(case__publication=PublicationStatus.HELD)


class PublishedOutcome(models.Model):
    case = models.OneToOneField(
        "complaints.Case",
        on_delete=models.PROTECT,
        related_name="published_outcome",
        verbose_name="投诉件",
    )
    number = models.CharField("受理编号", max_length=20)
    title = models.CharField("标题", max_length=200)
    summary = models.TextField("问题摘要")
    answer = models.TextField("答复内容", blank=True)
    measures = models.TextField("整改措施", blank=True)
    accountability = models.TextField("问责处理", blank=True)

    # what the facets and the detail page show (snapshots of names at publication time)
    department = models.ForeignKey(
        "cms.Unit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="承办部门",
    )
    department_name = models.CharField("承办部门名称", max_length=100, blank=True)
    category_code = models.CharField("类别代码", max_length=40, blank=True)
    category_name = models.CharField("类别", max_length=50, blank=True)
    official = models.ForeignKey(
        "cms.OfficialPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="被投诉人员",
    )
    official_name = models.CharField("被投诉人员姓名", max_length=100, blank=True)
    finding = models.CharField("核查结论", max_length=10, blank=True)
    handling_tier = models.CharField("问题性质", max_length=12, blank=True)
    handling_action = models.CharField("处理方式", max_length=20, blank=True)
    solved = models.BooleanField("问题是否解决", null=True, blank=True)
    # 预警告知函: the rectification deadline the department was given
    rectify_by = models.DateField("整改期限", null=True, blank=True)

    submitted_at = models.DateTimeField("投诉时间")
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间")
    working_days = models.PositiveIntegerField("办理用时(工作日)", null=True, blank=True)
    year = models.PositiveSmallIntegerField("年度", db_index=True)

    is_published = models.BooleanField("已公开", default=False, db_index=True)
    first_published_at = models.DateTimeField("首次公开时间", null=True, blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_reason = models.CharField("撤回理由", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        verbose_name = "公开的办理结果"
        verbose_name_plural = "公开的办理结果"
        ordering = ["-closed_at", "-id"]
        indexes = [models.Index(fields=["is_published", "closed_at"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("publication:detail", args=[self.pk])
