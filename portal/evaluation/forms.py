"""Forms parse input only; the rules live in services."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cms.models import Unit
from portal.core.captcha import OneQueryCaptchaField

from . import rules
from .choices import ViolationKind, WarningActionKind
from .services import RatingData

SCORE_CHOICES = [
    ("", "—"),
    (5, _("5 很好")),
    (4, _("4 好")),
    (3, _("3 一般")),
    (2, _("2 较差")),
    (1, _("1 差")),
]


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("总体评价"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择总体评价")},
    )
    attitude = forms.TypedChoiceField(label=_("服务态度"), coerce=int, choices=SCORE_CHOICES)
    efficiency = forms.TypedChoiceField(label=_("办事效率"), coerce=int, choices=SCORE_CHOICES)
    style = forms.TypedChoiceField(label=_("工作作风"), coerce=int, choices=SCORE_CHOICES)
    reason = forms.CharField(
        label=_("评价理由"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    mode = forms.ChoiceField(
        label=_("评价方式"),
        initial="anonymous",
        widget=forms.RadioSelect,
        choices=[("anonymous", _("匿名评价")), ("named", _("实名评价"))],
    )
    name = forms.CharField(label=_("姓名"), required=False, max_length=50)
    phone = forms.CharField(
        label=_("手机号"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    phone_code = forms.CharField(
        label=_("短信验证码"),
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    captcha = OneQueryCaptchaField(
        label=_("验证码"),
        error_messages={
            "invalid": _("验证码错误"),
            "required": _("请填写验证码"),
        },
    )

    def __init__(self, *args, with_captcha=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = rules.levels_for(settings.RATING_SCALE)
        if not with_captcha:
            del self.fields["captcha"]
        if not settings.PHONE_VERIFICATION:
            del self.fields["phone_code"]
        for name in ("attitude", "efficiency", "style"):
            self.fields[name].error_messages["required"] = _("请为三项评分")

    def rating_data(self) -> RatingData:
        d = self.cleaned_data
        return RatingData(
            level=d["level"],
            attitude=d.get("attitude"),
            efficiency=d.get("efficiency"),
            style=d.get("style"),
            reason=d.get("reason", ""),
            anonymous=d.get("mode") != "named",
            name=d.get("name", ""),
            phone=d.get("phone", ""),
        )


class KioskForm(forms.Form):
    level = forms.TypedChoiceField(label=_("总体评价"), coerce=int, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("理由"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = rules.levels_for(settings.RATING_SCALE)

    def rating_data(self) -> RatingData:
        return RatingData(level=self.cleaned_data["level"], reason=self.cleaned_data["reason"])


class RevokeForm(forms.Form):
    reason = forms.CharField(label="撤销理由", max_length=1000, widget=forms.Textarea)


class AppealForm(forms.Form):
    grounds = forms.CharField(label="申诉理由", max_length=2000, widget=forms.Textarea)


class AppealDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="复核结论", choices=[("uphold", "维持评价"), ("revoke", "撤销评价")]
    )
    reason = forms.CharField(label="复核意见", max_length=1000, widget=forms.Textarea)


class CallBackForm(forms.Form):
    YES_NO = [("", "—"), ("1", "是"), ("0", "否")]
    # no default answer: "联系上" must be chosen (a pre-selected 是 was recorded unread)
    reached = forms.ChoiceField(label="联系上", choices=[("", "—请选择—"), *YES_NO[1:]])
    verified_true = forms.ChoiceField(label="情况属实", choices=YES_NO, required=False)
    resolved = forms.ChoiceField(label="问题已解决", choices=YES_NO, required=False)
    note = forms.CharField(label="回访记录", required=False, widget=forms.Textarea)

    @staticmethod
    def as_bool(value):
        return None if value in ("", None) else value == "1"


class StaffPhonesForm(forms.Form):
    unit = forms.TypedChoiceField(label="单位", coerce=int)
    phones = forms.CharField(label="工作人员手机号（每行一个）", widget=forms.Textarea)


class WarningActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("处置"), choices=WarningActionKind.choices)
    done_at = forms.DateTimeField(
        label=_("时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    minutes = forms.FileField(label=_("谈话记录"), required=False)
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ViolationForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.order_by("display_order"))
    kind = forms.ChoiceField(label=_("违纪情形"), choices=ViolationKind.choices)
    occurred_on = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("说明"), required=False)
