"""Complaint categories (data editors manage, with an English name for English pages)."""

from django.db import models
from django.utils.translation import get_language
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet


@register_snippet
class Category(models.Model):
    """A complaint category editors manage; also the Open311 service list."""

    name = models.CharField("名称", max_length=50, unique=True)
    name_en = models.CharField(
        "英文名称", max_length=80, blank=True, help_text="英文页面显示；留空则显示中文名称"
    )
    code = models.SlugField("代码", max_length=40, unique=True, help_text="Open311 service_code")
    description = models.CharField("说明", max_length=200, blank=True)
    keywords = models.CharField("关键词", max_length=200, blank=True)
    deadline_working_days = models.PositiveIntegerField(
        "办理时限(工作日)", null=True, blank=True, help_text="留空则用全局设置"
    )
    display_order = models.PositiveIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("code"),
        FieldPanel("description"),
        FieldPanel("keywords"),
        FieldPanel("deadline_working_days"),
        FieldPanel("display_order"),
        FieldPanel("active"),
    ]

    class Meta:
        verbose_name = "投诉类别"
        verbose_name_plural = "投诉类别"
        ordering = ["display_order", "id"]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        """The name in the active language: the English name on English pages when filled."""
        return self.name_en if self.name_en and get_language() == "en" else self.name

    @property
    def display_lang(self) -> str:
        """The `lang` of display_name (zh-Hans when the Chinese name stands in)."""
        return "en" if self.name_en and get_language() == "en" else "zh-Hans"
