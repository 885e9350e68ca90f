"""Public results pages and the office's publication desk: parse, call one selector or
service, render."""

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints.choices import Finding, HandlingAction, HandlingTier
from portal.accounts.guards import Role, role_required
from portal.core.text import page_number
from search.api import has_words

from . import selectors, services
from .search_documents import FACETS


def _url(params: dict) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"?{query}" if query else "?"


def results_list(request):
    q = request.GET.get("q", "").strip()[:100]
    # "*", "！？。" or spaces alone: every result with guidance, not "“*”共 14 条结果"
    no_words = "q" in request.GET and not has_words(q)
    if no_words:
        q = ""
    filters = {f: request.GET.get(f, "").strip()[:40] for f in FACETS}
    data = selectors.outcome_search(
        q=q,
        filters=filters,
        page=page_number(request.GET.get("page")),
        per_page=getattr(settings, "RESULTS_PER_PAGE", 20),
    )
    base = {"q": q, **data["filters"]}
    for facet in data["facets"]:
        facet["clear_url"] = _url({k: v for k, v in base.items() if k != facet["field"]})
        for value in facet["values"]:
            value["url"] = _url({**base, facet["field"]: value["value"]})
            value["selected"] = value["value"] == facet["selected"]
    results = data["results"]
    if results.page > results.num_pages and not results.total_capped:  # past the last page
        last = results.num_pages if results.num_pages > 1 else ""
        return HttpResponseRedirect(request.path + _url({**base, "page": last}))
    context = {
        **data,
        "active_filters": [f for f in data["facets"] if f["selected"]],
        "previous_url": _url({**base, "page": results.previous_page}),
        "next_url": _url({**base, "page": results.next_page}),
        "clear_all_url": _url({"q": q}),
        "no_words": no_words,
    }
    return render(request, "results/list.html", context)


def outcome_detail(request, pk):
    outcome = selectors.outcome_get_public(pk=pk)
    return render(
        request,
        "results/detail.html",
        {
            "outcome": outcome,
            "finding_label": _choice_label(Finding, outcome.finding),
            "tier_label": _choice_label(HandlingTier, outcome.handling_tier),
            "action_label": _choice_label(HandlingAction, outcome.handling_action),
            **selectors.outcome_handling_public(outcome=outcome),
        },
    )


def naming_notice(request, pk):
    """A published public-naming notice (通报曝光), at its own public URL."""
    measure, title, body, outcome = selectors.naming_notice_get_public(pk=pk)
    return render(
        request,
        "results/notice.html",
        {"measure": measure, "title": title, "body": body, "outcome": outcome},
    )


def _choice_label(choices, value):
    return choices(value).label if value in choices.values else ""


# --- office -------------------------------------------------------------------------------


office_only = role_required(Role.OFFICE)


class OutcomeForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    summary = forms.CharField(label="问题摘要", widget=forms.Textarea(attrs={"rows": 6}))
    answer = forms.CharField(
        label="答复内容", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    measures = forms.CharField(
        label="整改措施", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    accountability = forms.CharField(label="问责处理", required=False, max_length=500)


class UnpublishForm(forms.Form):
    reason = forms.CharField(label="撤回理由", max_length=200)


@office_only
def office_list(request):
    status = request.GET.get("status", "")
    cases = selectors.closed_case_list_for_office(user=request.user, status=status)[:200]
    return render(request, "results/office_list.html", {"cases": cases, "status": status})


@office_only
def office_preview(request, pk):
    case = selectors.closed_case_get_for_office(user=request.user, pk=pk)
    text, outcome = selectors.outcome_preview_for_office(user=request.user, case=case)
    form = OutcomeForm(request.POST or None, initial=text.__dict__)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.outcome_publish(
                case=case,
                actor=request.user,
                text=services.OutcomeText(**form.cleaned_data),
                private_names=selectors.complainant_names(user=request.user, case=case),
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已公开"))
            return redirect("publication:office_preview", pk=case.pk)
    return render(
        request,
        "results/office_preview.html",
        {
            "case": case,
            "form": form,
            "outcome": outcome,
            "unpublish_form": UnpublishForm(),
            "masking": selectors.outcome_masking_for_office(user=request.user, case=case),
        },
    )


def _form_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@office_only
@require_POST
def office_unpublish(request, pk):
    case = selectors.closed_case_get_for_office(user=request.user, pk=pk)
    form = UnpublishForm(request.POST)
    outcome = case.published_outcome if hasattr(case, "published_outcome") else None
    if outcome is None:
        messages.error(request, _("该结果未公开"))
    elif not form.is_valid():
        messages.error(request, _("请填写撤回理由"))
    else:
        try:
            services.outcome_unpublish(
                outcome=outcome, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已撤回公开"))
    return redirect("publication:office_preview", pk=case.pk)
