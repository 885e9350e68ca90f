"""Forms only parse and give clear messages; the rules are in services."""

from datetime import date

from captcha.fields import CaptchaTextInput
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from cms.models import Unit
from portal.core.captcha import OneQueryCaptchaField
from portal.core.dates import months_back
from portal.core.phone import is_mobile, mobile_or_none

from .choices import CallbackResult, SubjectKind
from .selectors import category_list, official_from_label
from .services.intake import ERR_MOBILE


class DataLangSelect(forms.Select):
    """Options that are data (unit names; a category without an English name) carry
    lang="zh-Hans" on English pages, so that screen readers read them as Chinese (WCAG 3.1.2)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["lang"] = getattr(instance, "display_lang", "zh-Hans")
        return option


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def _attachments_label():
    return _("附件（JPEG、PNG、PDF，最多 %(n)s 个）") % {"n": settings.COMPLAINT_MAX_ATTACHMENTS}


class LabelledCaptchaInput(CaptchaTextInput):
    # a <label for> pointing at the answer box instead of a <legend> that labels nothing
    use_fieldset = False


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [f for f in data if f]
        return [data] if data else []


class SubjectMixin(forms.Form):
    # marked * in the template: required whenever the script shows them (see clean())
    required_when_shown = ("official_label", "unit")
    msg_pick_official = _("请从列表中选择被投诉人员")
    msg_pick_unit = _("请选择被投诉单位")

    subject_kind = forms.ChoiceField(
        label=_("投诉对象"),
        choices=SubjectKind.choices,
        initial=SubjectKind.GENERAL,
        widget=forms.RadioSelect,
    )
    official_label = forms.CharField(
        label=_("被投诉人员（输入姓名或拼音首字母）"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "list": "official-options",
                "autocomplete": "off",
                "data-official-autocomplete": "/complaints/officials.json",
            }
        ),
    )
    unit = forms.ModelChoiceField(
        widget=DataLangSelect,
        label=_("被投诉单位"),
        queryset=Unit.objects.order_by("display_order", "id"),
        required=False,
        empty_label=_("请选择单位"),
        error_messages={"invalid_choice": _("请选择有效的单位")},
    )
    category = CategoryChoiceField(
        widget=DataLangSelect,
        label=_("投诉类别"),
        queryset=category_list(),
        empty_label=_("请选择类别"),
        error_messages={
            "required": _("请选择投诉类别"),
            "invalid_choice": _("请选择有效的投诉类别"),
        },
    )
    title = forms.CharField(label=_("标题（可选）"), required=False, max_length=100)
    text = forms.CharField(
        label=_("投诉内容"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=settings.COMPLAINT_TEXT_MAX_CHARS,
        error_messages={
            "required": _("请填写投诉内容"),
            "max_length": _("投诉内容过长"),
        },
    )
    attachments = MultipleFileField(
        label=lazy(_attachments_label, str)(),
    )

    def clean(self):
        data = super().clean()
        kind = data.get("subject_kind")
        data["official"] = None
        if kind == SubjectKind.OFFICIAL:
            official, found = official_from_label(data.get("official_label", ""))
            if official is None:
                self.add_error("official_label", self.msg_pick_official)
            data["official"] = official
        elif kind == SubjectKind.UNIT and not data.get("unit"):
            self.add_error("unit", self.msg_pick_unit)
        if kind == SubjectKind.GENERAL:
            data["unit"] = None
        return data


class ComplaintForm(SubjectMixin):
    required_when_shown = ("official_label", "unit", "contact_name")

    anonymous = forms.TypedChoiceField(
        label=_("投诉方式"),
        coerce=lambda v: v == "1",
        initial="1",
        choices=[("1", _("匿名投诉（不留姓名和联系方式）")), ("0", _("实名投诉"))],
        widget=forms.RadioSelect,
    )
    contact_name = forms.CharField(label=_("姓名"), required=False, max_length=50)
    contact_phone = forms.CharField(
        label=_("手机号"),
        required=False,
        max_length=20,
        widget=forms.TextInput(
            attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"}
        ),
    )
    contact_email = forms.EmailField(
        label=_("电子邮箱"),
        required=False,
        error_messages={"invalid": _("电子邮箱格式不正确")},
    )
    notify_email = forms.EmailField(
        label=_("接收进展提醒的邮箱（可选，仅用于提示“有新进展”，加密保存）"),
        required=False,
        error_messages={"invalid": _("电子邮箱格式不正确")},
    )
    captcha = OneQueryCaptchaField(
        label=_("验证码"),
        widget=LabelledCaptchaInput,
        error_messages={"invalid": _("验证码错误")},
    )

    field_order = [
        "anonymous",
        "subject_kind",
        "official_label",
        "unit",
        "category",
        "title",
        "text",
        "attachments",
        "contact_name",
        "contact_phone",
        "contact_email",
        "notify_email",
        "captcha",
    ]

    def clean_contact_phone(self):
        phone = self.cleaned_data.get("contact_phone", "")
        if phone and not is_mobile(phone):
            raise forms.ValidationError(ERR_MOBILE, code="invalid")
        return mobile_or_none(phone) or ""

    def clean(self):
        data = super().clean()
        if data.get("anonymous") is False:
            if not data.get("contact_name"):
                self.add_error("contact_name", _("实名投诉请填写姓名"))
            if not (data.get("contact_phone") or data.get("contact_email")):
                self.add_error("contact_phone", _("实名投诉请填写手机号或电子邮箱"))
        return data


class TrackForm(forms.Form):
    number = forms.CharField(
        label=_("受理编号"),
        max_length=30,
        widget=forms.TextInput(attrs={"placeholder": "TS20261122-0007", "autocomplete": "off"}),
        error_messages={"required": _("请填写受理编号")},
    )
    code = forms.CharField(
        label=_("查询码（16位数字）"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": _("请填写查询码")},
    )
    # asked for only when the number has had many attempts (receipts.case_track_open)
    captcha = OneQueryCaptchaField(
        label=_("验证码"),
        widget=LabelledCaptchaInput,
        required=False,
        error_messages={"invalid": _("验证码错误")},
    )

    def __init__(self, *args, with_captcha=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_captcha:
            del self.fields["captcha"]

    @property
    def captcha_passed(self) -> bool:
        """A non-empty answer was given and checked (an empty one is not checked)."""
        answer = (self.data.get("captcha_1") or "").strip()
        return "captcha" in self.fields and bool(answer) and "captcha" not in self.errors


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("补充说明或留言"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=settings.COMPLAINT_TEXT_MAX_CHARS,
        error_messages={"required": _("请填写留言内容")},
    )
    attachments = MultipleFileField(label=_("附件"))


class RetaliationForm(forms.Form):
    text = forms.CharField(
        label=_("投诉后遭到打击报复？请说明情况（效能办直接办理，不转被投诉单位）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=settings.COMPLAINT_TEXT_MAX_CHARS,
        error_messages={"required": _("请填写情况说明")},
    )


class CallbackForm(forms.Form):
    result = forms.ChoiceField(
        label=_("您对办理结果是否满意"),
        choices=CallbackResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意或不满意")},
    )
    comment = forms.CharField(
        label=_("意见（可选）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class RecoverForm(forms.Form):
    number = forms.CharField(label=_("受理编号"), max_length=30)
    contact = forms.CharField(label=_("投诉时留的手机号或电子邮箱"), max_length=100)
    captcha = OneQueryCaptchaField(
        label=_("验证码"),
        widget=LabelledCaptchaInput,
        error_messages={"invalid": _("验证码错误")},
    )


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("受理编号"), max_length=30)
    submitted_at = forms.CharField(label=_("提交时间"), max_length=40)
    text_sha256 = forms.CharField(label=_("内容摘要 (SHA-256)"), max_length=64)
    signature = forms.CharField(label=_("签名"), max_length=64)


def _month_choices():
    today = timezone.localdate()
    return [
        (f"{m.year:04d}-{m.month:02d}", f"{m.year}年{m.month}月")
        for m in reversed(months_back(today, 3))
    ]


class MonitorReportForm(SubjectMixin):
    """A monitor's monthly report: the complaint's subject fields, worded as 监测信息."""

    month = forms.ChoiceField(label=_("报告月份"), choices=_month_choices)
    msg_pick_official = _("请从列表中选择所监测的人员")
    msg_pick_unit = _("请选择所监测的单位")
    # field -> (label, {error code: message}): the monitor's words for the shared fields
    WORDING = {
        "subject_kind": (_("监测对象"), {}),
        "official_label": (_("所监测的人员（输入姓名或拼音首字母）"), {}),
        "unit": (_("所监测的单位"), {}),
        "category": (
            _("监测信息类别"),
            {"required": _("请选择监测信息类别"), "invalid_choice": _("请选择有效的类别")},
        ),
        "text": (
            _("监测信息内容"),
            {"required": _("请填写监测信息内容"), "max_length": _("监测信息内容过长")},
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, errors) in self.WORDING.items():
            self.fields[name].label = label
            self.fields[name].error_messages = {**self.fields[name].error_messages, **errors}

    field_order = [
        "month",
        "subject_kind",
        "official_label",
        "unit",
        "category",
        "title",
        "text",
        "attachments",
    ]

    def clean_month(self):
        value = self.cleaned_data["month"]
        year, month = value.split("-")
        return date(int(year), int(month), 1)


def subject_arguments(d) -> dict:
    """A SubjectMixin form's answers (what, about whom, files) as a service's keyword arguments:
    the same for a complaint and a monitor's report."""
    return {
        "category": d["category"],
        "text": d["text"],
        "official": d.get("official"),
        "unit": d.get("unit"),
        "title": d.get("title", ""),
        "files": d.get("attachments") or [],
    }


def service_errors_apply(form, exc) -> None:
    """A service's ValidationError onto the form: on its field where the form has one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
