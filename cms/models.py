"""Wagtail content: pages only declare; reads go through cms.selectors."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from .forms import PortalSettingsForm
from .pinyin import name_initials, name_pinyin

ERR_THRESHOLD_ORDER = _("预警阈值须满足：一级 ≥ 二级 ≥ 三级")

# Wagtail hooks that fill the pages' context: `fn(*, request, page) -> dict`, merged in
# registration order. cms' own readers register in cms/wagtail_hooks.py (so models never
# import selectors, which import models); apps above cms add theirs in their wagtail_hooks.py.
HOME_PAGE_CONTEXT = "cms_home_page_context"
ROSTER_PAGE_CONTEXT = "cms_roster_page_context"
OFFICIAL_PROFILE_CONTEXT = "official_profile_context"


def _hooked_context(hook_name: str, context: dict, *, request, page) -> dict:
    for fn in hooks.get_hooks(hook_name):
        context.update(fn(request=request, page=page))
    return context


class UnitKind(models.TextChoices):
    ENFORCEMENT = "enforcement", _("执法类")
    MANAGEMENT = "management", _("综合管理类")
    WINDOW = "window", _("窗口单位")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class OfficialRank(models.TextChoices):
    HEAD = "head", _("一把手")
    DEPUTY = "deputy", _("班子成员")
    SECTION = "section", _("内设机构负责人")


@register_snippet
class Unit(index.Indexed, models.Model):
    """A county unit: the thing rated (unit score) and the department that answers cases."""

    name = models.CharField("单位名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("类别", max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, verbose_name="上级单位"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    head = models.CharField("主要负责人", max_length=50, blank=True)
    phone = models.CharField("办公电话", max_length=30, blank=True)
    display_order = models.PositiveIntegerField("排序", default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("short_name"),
        FieldPanel("kind"),
        FieldPanel("parent"),
        FieldPanel("address"),
        # where on-site QR ratings count: the office's, like the rules (cms.services.unit_save)
        FieldPanel("latitude", permission="cms.change_portalsettings"),
        FieldPanel("longitude", permission="cms.change_portalsettings"),
        FieldPanel("head"),
        FieldPanel("phone"),
        FieldPanel("display_order"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["display_order", "id"]

    def __str__(self):
        return self.name


class HomePage(Page):
    intro = RichTextField("导语", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["cms.OfficialIndexPage", "cms.NewsIndexPage", "cms.PolicyIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = "首页"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        return _hooked_context(HOME_PAGE_CONTEXT, context, request=request, page=self)


class OfficialIndexPage(Page):
    """The roster (/officials/): every official grouped by unit, filter by unit, name search."""

    intro = RichTextField("说明", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.OfficialPage"]
    max_count = 1

    class Meta:
        verbose_name = "测评对象名册"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        return _hooked_context(ROSTER_PAGE_CONTEXT, context, request=request, page=self)

    def serve(self, request, *args, **kwargs):
        """A page past the last redirects to the last (the context says where)."""
        request.is_preview = False
        context = self.get_context(request, *args, **kwargs)
        if context.get("redirect_url"):
            return HttpResponseRedirect(context["redirect_url"])
        return TemplateResponse(request, self.get_template(request, *args, **kwargs), context)


class OfficialPage(Page):
    """A person under evaluation (测评对象). Name, gender, post and work in charge are public."""

    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="照片",
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="officials", verbose_name="单位"
    )
    post = models.CharField("职务", max_length=100)
    rank = models.CharField(
        "类别", max_length=20, choices=OfficialRank.choices, default=OfficialRank.SECTION
    )
    work_in_charge = models.TextField("分管工作", blank=True)
    term_start = models.DateField("任职起始", null=True, blank=True)
    term_end = models.DateField("任职截止", null=True, blank=True)
    display_order = models.PositiveIntegerField("排序", default=0)
    roster_code = models.CharField(
        "名册编号", max_length=40, blank=True, db_index=True, help_text="导入名册时用于识别同一人"
    )
    # derived from the name, for roster search by pinyin initials (zwl finds 张伟丽)
    name_initials = models.CharField(max_length=20, blank=True, editable=False, db_index=True)
    name_pinyin = models.CharField(max_length=100, blank=True, editable=False)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("gender"),
                FieldPanel("photo"),
                FieldPanel("unit"),
                FieldPanel("post"),
                FieldPanel("rank"),
                FieldPanel("work_in_charge"),
                FieldPanel("term_start"),
                FieldPanel("term_end"),
                FieldPanel("display_order"),
                FieldPanel("roster_code"),
            ],
            heading="基本信息",
        )
    ]
    search_fields = Page.search_fields + [
        index.SearchField("post"),
        index.SearchField("work_in_charge"),
        index.FilterField("unit"),
    ]
    parent_page_types = ["cms.OfficialIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "测评对象"
        verbose_name_plural = "测评对象"
        indexes = [models.Index(fields=["unit", "display_order"])]

    def full_clean(self, *args, **kwargs):
        self.name_initials = name_initials(self.title)
        self.name_pinyin = name_pinyin(self.title)
        super().full_clean(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # evaluation adds the rating form and aggregates through this hook (its
        # wagtail_hooks.py), so cms does not import the domain apps above it.
        return _hooked_context(OFFICIAL_PROFILE_CONTEXT, context, request=request, page=self)


class DatedIndexPage(Page):
    """A section that lists its newest live child pages (one dated page type) by date."""

    parent_page_types = ["cms.HomePage"]
    listed = 50

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        child = self.allowed_subpage_models()[0]
        context["items"] = child.objects.child_of(self).live().order_by("-date")[: self.listed]
        return context


class NewsIndexPage(DatedIndexPage):
    subpage_types = ["cms.NewsPage"]

    class Meta:
        verbose_name = "动态公告栏目"


class DatedPage(Page):
    """A dated text page of a section (news, policy), searchable by its body."""

    date = models.DateField("日期")
    body = RichTextField("正文")

    search_fields = Page.search_fields + [index.SearchField("body")]
    subpage_types = []

    class Meta:
        abstract = True


class NewsPage(DatedPage):
    summary = models.CharField("摘要", max_length=300, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    parent_page_types = ["cms.NewsIndexPage"]

    class Meta:
        verbose_name = "动态公告"


class PolicyIndexPage(DatedIndexPage):
    subpage_types = ["cms.PolicyPage"]

    class Meta:
        verbose_name = "政策宣传栏目"


class PolicyPage(DatedPage):
    issuer = models.CharField("发布机关", max_length=100, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("issuer"),
        FieldPanel("body"),
    ]
    parent_page_types = ["cms.PolicyIndexPage"]

    class Meta:
        verbose_name = "政策宣传"


# the sane range of each rule (cms.PortalSettings): a setting outside it is refused
RULE_RANGES = {
    "warning": (1, 1000),  # 不满意 counts for the monthly and yearly warning thresholds
    "case_deadline_working_days": (1, 60),
    "callback_hours": (1, 720),  # 30 days
    "qr_radius_meters": (50, 5000),
    "ranking_min_ratings": (1, 10000),
}


def _ranged(default, key, help_text):
    low, high = RULE_RANGES[key]
    return dict(
        default=default,
        validators=[MinValueValidator(low), MaxValueValidator(high)],
        help_text=help_text,
    )


_THRESHOLD_HELP = (
    _("本月不满意数达到此值即触发；范围 1–1000；一级 ≥ 二级 ≥ 三级。"),
    _("本年不满意数达到此值即触发；范围 1–1000；一级 ≥ 二级 ≥ 三级。"),
)


def _threshold(level, index):
    return _ranged(settings.WARNING_THRESHOLDS[level][index], "warning", _THRESHOLD_HELP[index])


@register_setting(icon="cog")
class PortalSettings(BaseSiteSetting):
    """Rules the office (not the editors) tunes at run time; defaults come from Django settings
    (rules.py). Each change goes through cms.services.portal_rules_change: ranges checked, a
    reason required, an audit event with before and after (sealed: verify_audit notices a
    change made in the database). Changes count from the next computation: issued warnings
    are never rewritten."""

    base_form_class = PortalSettingsForm

    warning_iii_month = models.PositiveIntegerField(
        "三级预警（效能告诫）月阈值", **_threshold("III", 0)
    )
    warning_iii_year = models.PositiveIntegerField("三级预警年阈值", **_threshold("III", 1))
    warning_ii_month = models.PositiveIntegerField(
        "二级预警（效能谈话）月阈值", **_threshold("II", 0)
    )
    warning_ii_year = models.PositiveIntegerField("二级预警年阈值", **_threshold("II", 1))
    warning_i_month = models.PositiveIntegerField(
        "一级预警（诫勉谈话）月阈值", **_threshold("I", 0)
    )
    warning_i_year = models.PositiveIntegerField("一级预警年阈值", **_threshold("I", 1))
    case_deadline_working_days = models.PositiveIntegerField(
        "办理时限（工作日）",
        **_ranged(
            settings.CASE_DEADLINE_WORKING_DAYS,
            "case_deadline_working_days",
            _("投诉办理时限，范围 1–60 个工作日。"),
        ),
    )
    callback_hours = models.PositiveIntegerField(
        "不满意回访时限（小时）",
        **_ranged(settings.CALLBACK_HOURS, "callback_hours", _("范围 1–720 小时（30天）。")),
    )
    qr_radius_meters = models.PositiveIntegerField(
        "扫码评价有效距离（米）",
        **_ranged(settings.QR_RADIUS_METERS, "qr_radius_meters", _("范围 50–5000 米。")),
    )
    ranking_min_ratings = models.PositiveIntegerField(
        "公开排名最少评价数",
        **_ranged(settings.RANKING_MIN_RATINGS, "ranking_min_ratings", _("范围 1–10000 条。")),
    )
    ranking_public = models.BooleanField("公开单位排名", default=settings.RANKING_PUBLIC)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("warning_iii_month"),
                FieldPanel("warning_iii_year"),
                FieldPanel("warning_ii_month"),
                FieldPanel("warning_ii_year"),
                FieldPanel("warning_i_month"),
                FieldPanel("warning_i_year"),
            ],
            heading=_("四级预警阈值"),
        ),
        FieldPanel("case_deadline_working_days"),
        FieldPanel("callback_hours"),
        FieldPanel("qr_radius_meters"),
        FieldPanel("ranking_min_ratings"),
        FieldPanel("ranking_public"),
        FieldPanel("change_reason"),
    ]

    RULE_FIELDS = (
        "warning_iii_month",
        "warning_iii_year",
        "warning_ii_month",
        "warning_ii_year",
        "warning_i_month",
        "warning_i_year",
        "case_deadline_working_days",
        "callback_hours",
        "qr_radius_meters",
        "ranking_min_ratings",
        "ranking_public",
    )

    def clean(self):
        super().clean()
        for period in ("month", "year"):
            iii, ii, i = (getattr(self, f"warning_{lv}_{period}") for lv in ("iii", "ii", "i"))
            if None not in (iii, ii, i) and not iii <= ii <= i:
                raise ValidationError(
                    {f"warning_ii_{period}": ERR_THRESHOLD_ORDER}, code="threshold-order"
                )

    def rule_values(self) -> dict:
        return {name: getattr(self, name) for name in self.RULE_FIELDS}

    @classmethod
    def rule_defaults(cls) -> dict:
        return {name: cls._meta.get_field(name).get_default() for name in cls.RULE_FIELDS}

    class Meta:
        verbose_name = "平台规则设置"
