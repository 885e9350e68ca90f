"""Admin forms of cms models (no imports of cms modules: models.py names them)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm


class PortalSettingsForm(WagtailAdminModelForm):
    """The rule settings' edit form: a change is saved only with its reason, which goes into
    the audit event with the values before and after (cms.services.portal_rules_change)."""

    change_reason = forms.CharField(
        label=_("修改理由"),
        help_text=_("必填：说明修改规则的依据（如会议纪要、文件编号），记入审计日志。"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_change_reason(self):
        reason = (self.cleaned_data.get("change_reason") or "").strip()
        if not reason:
            raise forms.ValidationError(_("请填写修改理由"), code="reason")
        return reason
