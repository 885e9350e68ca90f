"""One small form per case action of the back office (the services hold the rules: a form only
parses; a field left empty that the service needs comes back as the service's message on that
field). `cleaned_data` of each form is the keyword arguments of its service, less case and
actor."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.models import Unit

from ..choices import Finding, HandlingAction, HandlingTier
from ..forms import MultipleFileField
from ..handling_views import SupervisionForm  # noqa: F401  (the 督办 form, reused as is)
from ..models import Case

ERR_NO_SUCH_CASE = _("没有这个编号的投诉件")

_BLANK = [("", "-")]


class ReasonForm(forms.Form):
    """The actions that take nothing but a reason (the service says whether one is needed)."""

    reason = forms.CharField(
        label=_("理由 / 说明"), max_length=2000, required=False, widget=forms.Textarea({"rows": 2})
    )


class MergeForm(ReasonForm):
    merge_into = forms.CharField(label=_("并入投诉件编号"), max_length=40, required=False)

    def clean_merge_into(self):
        number = self.cleaned_data["merge_into"].strip()
        if not number:
            return None
        case = Case.objects.filter(number=number).first()
        if case is None:
            raise forms.ValidationError(ERR_NO_SUCH_CASE)
        return case


def _units():
    return Unit.objects.order_by("display_order", "id")


class AssignForm(ReasonForm):
    department = forms.ModelChoiceField(label=_("承办部门"), queryset=Unit.objects.none())
    deadline = forms.DateField(
        label=_("办理期限（留空按规定工作日）"),
        required=False,
        widget=forms.DateInput({"type": "date"}),
    )
    urgent = forms.BooleanField(label=_("紧急件（交办时立即通知）"), required=False)

    field_order = ["department", "deadline", "urgent", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _units()
        self.fields["department"].required = False

    def clean_urgent(self):
        # unticked keeps what the case says (an urgent complaint stays urgent)
        return True if self.cleaned_data["urgent"] else None


class TransferRequestForm(ReasonForm):
    to_unit = forms.ModelChoiceField(
        label=_("应由哪个单位办理"), queryset=Unit.objects.none(), required=False
    )
    field_order = ["to_unit", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = _units()


class AnswerForm(ReasonForm):
    answer = forms.CharField(
        label=_("答复内容"), max_length=10000, required=False, widget=forms.Textarea({"rows": 4})
    )
    finding = forms.ChoiceField(
        label=_("核查结论"), choices=_BLANK + Finding.choices, required=False
    )
    measures = forms.CharField(
        label=_("整改措施"), max_length=5000, required=False, widget=forms.Textarea({"rows": 2})
    )
    evidence = MultipleFileField(label=_("佐证材料（仅内部可见）"))
    field_order = ["answer", "finding", "measures", "evidence", "reason"]


class CloseForm(ReasonForm):
    solved = forms.TypedChoiceField(
        label=_("问题是否解决"),
        choices=_BLANK + [("1", _("已解决")), ("0", _("未解决"))],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
    )
    handling_tier = forms.ChoiceField(
        label=_("问题性质"), choices=_BLANK + HandlingTier.choices, required=False
    )
    handling_action = forms.ChoiceField(
        label=_("处理方式"), choices=_BLANK + HandlingAction.choices, required=False
    )
    rectify_by = forms.DateField(
        label=_("整改期限（预警告知函）"), required=False, widget=forms.DateInput({"type": "date"})
    )
    follow_up_on = forms.DateField(
        label=_("回头看日期"), required=False, widget=forms.DateInput({"type": "date"})
    )
    field_order = ["solved", "handling_tier", "handling_action", "rectify_by", "follow_up_on"]


class PublishForm(forms.Form):
    ready = forms.TypedChoiceField(
        label=_("是否公开"),
        choices=[("1", _("可公开")), ("0", _("不公开"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("不公开理由"), max_length=2000, required=False)


class ExtensionRequestForm(forms.Form):
    working_days = forms.IntegerField(label=_("延长工作日"), min_value=1, max_value=60)
    reason = forms.CharField(
        label=_("理由"), max_length=2000, required=False, widget=forms.Textarea({"rows": 2})
    )


class ExtensionDecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审批"),
        choices=[("1", _("批准")), ("0", _("不批准"))],
        coerce=lambda v: v == "1",
    )


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("给投诉人留言"), max_length=5000, widget=forms.Textarea({"rows": 2})
    )


class BatchAssignForm(forms.Form):
    title = forms.CharField(label=_("批次标题"), max_length=200, required=False)
