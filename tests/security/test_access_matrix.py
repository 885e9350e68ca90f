"""Access-control matrix: every URL of ours × every role, generated from the URL configuration.

A rule per URL name says what each role gets. A URL added without a rule fails
`test_every_url_has_a_rule`, naming it. Outcomes:

    OK     200 for a GET; for a POST "not denied" (200, 400 form error, or a redirect that is
           not to the sign-in page)
    LOGIN  302 to the sign-in page (anonymous on a back-office URL)
    DENY   403 or 404 (a role that may not use the URL at all)
    HIDE   404 exactly (department B on department A's objects, monitor B on monitor A's
           report: ids must not leak)
    WDENY  Wagtail admin's own denial: 403, or a redirect to the sign-in page or the admin home
           with a "permission denied" message
    E405   405 (wrong method)
    MOVED  301 (an old URL, moved for good; tests/security/test_old_back_office_urls.py checks where to)

The netizen role is the anonymous visitor: the portal has no netizen accounts (ratings and
complaints are made without signing in; follow-up is by receipt code), so its column is the
anonymous one, requested as a separate client without a session.
"""

import re
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from portal.evaluation.unit_ratings import rating_ref

pytestmark = pytest.mark.django_db

OK, LOGIN, DENY, HIDE, E405, WDENY = "OK", "LOGIN", "DENY", "HIDE", "E405", "WDENY"
MOVED = "MOVED"
ROLES = [
    "anonymous",
    "netizen",
    "monitor",
    "monitor_b",
    "dept_a",
    "dept_b",
    "office",
    "editor",
    "leader",
]


@dataclass
class Rule:
    url: object  # callable(world) -> path
    expect: dict
    method: str = "GET"
    data: dict = field(default_factory=dict)


def _published_day(w):
    from portal.reporting.transparency import audit_head_publish

    return audit_head_publish().day.isoformat()


def public(url, method="GET", **over):
    return Rule(url, {r: over.get(r, OK) for r in ROLES}, method)


def everyone(outcome, url, method="GET"):
    return Rule(url, dict.fromkeys(ROLES, outcome), method)


def staff(url, method="GET", *, data=None, deny=DENY, **allowed):
    """Back office: anonymous must sign in; roles not named are denied (403 or 404)."""
    expect = dict.fromkeys(ROLES, deny)
    expect.update(anonymous=LOGIN, netizen=LOGIN)
    expect.update(allowed)
    return Rule(url, expect, method, data or {})


def case_of_a(url, method="GET", *, leader=OK, data=None):
    """Department A's case: A and the office act; B gets a 404; the leader only reads."""
    return staff(url, method, data=data, dept_a=OK, dept_b=HIDE, office=OK, leader=leader)


# objects the office's integration screens need (the shared world has none): made on first use
def _open311_client(w):
    if "open311_client" not in w:
        from complaints.open311.clients import open311_client_create

        w["open311_client"] = open311_client_create(name="矩阵测试客户端")[0]
    return w["open311_client"]


def _endpoint(w):
    if "endpoint" not in w:
        from complaints.services.exchange import endpoint_create

        w["endpoint"] = endpoint_create(
            actor=None, unit=w["unit_a"], url="http://127.0.0.1:9/none"
        )[0]
    return w["endpoint"]


def _delivery(w):
    if "delivery" not in w:
        import uuid

        from complaints.models import Delivery

        w["delivery"] = Delivery.objects.create(
            document=w["document"], endpoint=_endpoint(w), idempotency_key=uuid.uuid4()
        )
    return w["delivery"]


def _minutes(w):
    """A warning of department A's official with talk minutes, recorded by the office."""
    if "minutes" not in w:
        import io

        import pikepdf
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.utils import timezone

        from portal.evaluation.models import OfficialWarning
        from portal.evaluation.warnings import warning_action_record

        pdf = pikepdf.new()
        pdf.add_blank_page()
        out = io.BytesIO()
        pdf.save(out)
        warning = OfficialWarning.objects.create(
            official=w["official_a"],
            level="III",
            period_kind="month",
            period_start=timezone.localdate().replace(day=1),
            count=10,
            created_at=timezone.now(),
        )
        w["minutes"] = warning_action_record(
            warning=warning,
            actor=w["users"]["office"],
            kind="caution",
            minutes=SimpleUploadedFile("m.pdf", out.getvalue(), "application/pdf"),
        )
    return w["minutes"]


def _naming(w):
    """A published public-naming notice (通报曝光) on the published closed case."""
    if "naming" not in w:
        from complaints.services.workflow import measure_add, measure_notice_publish

        office = w["users"]["office"]
        measure = measure_add(
            case=w["closed"],
            actor=office,
            kind="public_naming",
            notice_title="矩阵测试通报",
            notice_body="矩阵测试通报内容。",
        )
        w["naming"] = measure_notice_publish(measure=measure, actor=office)
    return w["naming"]


def _followup(w):
    if "followup" not in w:
        from django.utils import timezone

        from complaints.services.workflow import followup_schedule

        office = w["users"]["office"]
        w["followup"] = followup_schedule(
            case=w["closed"], actor=office, due_on=timezone.localdate(), checker=office
        )
    return w["followup"]


def _notice_a(w):
    from complaints.models import DepartmentNotice

    return DepartmentNotice.objects.filter(
        unit=w["unit_a"]
    ).first() or DepartmentNotice.objects.create(
        unit=w["unit_a"], case=w["case"], event="state:assigned", text="新交办投诉件"
    )


def _action_rule(action):
    """POST one case action on department A's (signed) case: who may ever take it is "not
    denied" (a state that does not allow it sends back to the case with a message)."""
    from complaints.choices import action_actors

    who = action_actors(action)
    return staff(
        lambda w: f"/admin/cases/{w['case'].pk}/{action}/",
        "POST",
        deny=WDENY,
        dept_b=HIDE,
        office=OK if "office" in who else WDENY,
        dept_a=OK if "department" in who else WDENY,
    )


def _case_workbench_rules():
    from complaints.admin.actions import ACTIONS

    office_reads = {"office": OK, "leader": OK}
    return {
        "cases:index": staff(lambda w: "/admin/cases/", deny=WDENY, **office_reads),
        "cases:index_results": staff(
            lambda w: "/admin/cases/results/?state=signed", deny=WDENY, **office_reads
        ),
        "cases:inbox": staff(lambda w: "/admin/cases/inbox/", deny=WDENY, dept_a=OK, dept_b=OK),
        "cases:inbox_results": staff(
            lambda w: "/admin/cases/inbox/results/", deny=WDENY, dept_a=OK, dept_b=OK
        ),
        "cases:case": staff(
            lambda w: f"/admin/cases/{w['case'].pk}/",
            deny=WDENY,
            dept_a=OK,
            dept_b=HIDE,
            office=OK,
            leader=OK,
        ),
        "cases:message": staff(
            lambda w: f"/admin/cases/{w['case'].pk}/message/",
            "POST",
            deny=WDENY,
            data={"text": "请尽快办理"},
            dept_a=OK,
            dept_b=HIDE,
            office=OK,
        ),
        "cases:extension_decide": staff(
            lambda w: f"/admin/cases/extensions/{w['extension'].pk}/",
            "POST",
            deny=WDENY,
            data={"approve": "0"},
            office=OK,
        ),
        # 回头看 and measures: the office only (issue 20)
        "cases:followup_schedule": staff(
            lambda w: f"/admin/cases/{w['closed'].pk}/followups/", "POST", deny=WDENY, office=OK
        ),
        "cases:followup_record": staff(
            lambda w: f"/admin/cases/followups/{_followup(w).pk}/record/",
            "POST",
            deny=WDENY,
            office=OK,
        ),
        "cases:measure_add": staff(
            lambda w: f"/admin/cases/{w['closed'].pk}/measures/", "POST", deny=WDENY, office=OK
        ),
        "cases:measure_rectified": staff(
            lambda w: f"/admin/cases/measures/{_naming(w).pk}/rectified/",
            "POST",
            deny=WDENY,
            office=OK,
        ),
        "cases:measure_publish": staff(
            lambda w: f"/admin/cases/measures/{_naming(w).pk}/publish/",
            "POST",
            deny=WDENY,
            office=OK,
        ),
        **{f"cases:{action}": _action_rule(action) for action in ACTIONS},
    }


CASE_WORKBENCH = _case_workbench_rules()

# the ratings back office inside the admin (issues 17, 19): the office's desks, the leader's
# page, the rated unit's own ratings (by day batch), QR codes and poster
EVALUATION_ADMIN = {
    "evaluation_leader:landing": staff(
        lambda w: "/admin/evaluation/leader/", deny=WDENY, office=OK, leader=OK
    ),
    "evaluation_unit:ratings": staff(
        lambda w: "/admin/evaluation/unit/ratings/", deny=WDENY, dept_a=OK, dept_b=OK
    ),
    # the world's rating is today's: not shown individually, not even to its own unit
    "evaluation_unit:rating": staff(
        lambda w: f"/admin/evaluation/unit/ratings/{rating_ref(w['rating'].pk)}/",
        deny=HIDE,
    ),
    # warnings, scores and month-end reports: the office and the leaders read, the office acts
    "evaluation_reports:warnings": staff(
        lambda w: "/admin/evaluation/warnings/", deny=WDENY, office=OK, leader=OK
    ),
    "evaluation_reports:warning_action": staff(
        lambda w: "/admin/evaluation/warnings/999999/action/", "POST", deny=WDENY, office=HIDE
    ),
    "evaluation_reports:scores": staff(
        lambda w: "/admin/evaluation/scores/", deny=WDENY, office=OK, leader=OK
    ),
    "evaluation_reports:reports": staff(
        lambda w: "/admin/evaluation/reports/", deny=WDENY, office=OK, leader=OK
    ),
    "evaluation_reports:report": staff(
        lambda w: f"/admin/evaluation/reports/{w['report_month']:%Y-%-m}/",
        deny=WDENY,
        office=OK,
        leader=OK,
    ),
    # window tickets (the office and each unit's own account), the staff-phone import
    "evaluation_desk:tickets": staff(
        lambda w: "/admin/evaluation/tickets/", deny=WDENY, office=OK, dept_a=OK, dept_b=OK
    ),
    "evaluation_desk:staff_phones": staff(
        lambda w: "/admin/evaluation/staff-phones/", deny=WDENY, office=OK
    ),
    "evaluation_desk:poster": staff(
        lambda w: f"/admin/evaluation/poster/{w['unit_a'].pk}/",
        deny=WDENY,
        office=OK,
        dept_a=OK,
        dept_b=HIDE,
    ),
    # the office's ratings desk: call-backs, appeals to decide, bad ratings, warnings
    "evaluation_office:dashboard": staff(
        lambda w: "/admin/evaluation/office/", deny=WDENY, office=OK
    ),
    "evaluation_office:appeal_decide": staff(
        lambda w: f"/admin/evaluation/office/appeals/{w['appeal'].pk}/decide/",
        "POST",
        deny=WDENY,
        office=OK,
    ),
    # one rating by sequential id, with channel and time: the office only, a 404 to the unit
    "evaluation_rating:rating": staff(
        lambda w: f"/admin/evaluation/ratings/{w['rating'].pk}/",
        deny=WDENY,
        office=OK,
        dept_a=HIDE,
        dept_b=HIDE,
    ),
    "evaluation_rating:revoke": staff(
        lambda w: f"/admin/evaluation/ratings/{w['rating'].pk}/revoke/",
        "POST",
        deny=WDENY,
        office=OK,
        dept_a=HIDE,
        dept_b=HIDE,
    ),
    "evaluation_rating:appeal": staff(
        lambda w: f"/admin/evaluation/ratings/{w['rating'].pk}/appeal/",
        "POST",
        deny=WDENY,
        office=OK,
        dept_a=HIDE,
        dept_b=HIDE,
    ),
    "evaluation_unit:codes": staff(
        lambda w: "/admin/evaluation/unit/codes/", deny=WDENY, dept_a=OK, dept_b=OK
    ),
    "evaluation_callbacks:queue": staff(
        lambda w: "/admin/evaluation/callbacks/", deny=WDENY, office=OK
    ),
    "evaluation_callbacks:callback": staff(
        lambda w: f"/admin/evaluation/callbacks/{w['callback'].pk}/", deny=WDENY, office=OK
    ),
    "evaluation_suspicious:list": staff(
        lambda w: "/admin/evaluation/suspicious/", deny=WDENY, office=OK
    ),
    "evaluation_suspicious:flag": staff(
        lambda w: "/admin/evaluation/suspicious/no-such-flag/", deny=WDENY, office=HIDE
    ),
    "evaluation_kiosks:devices": staff(
        lambda w: "/admin/evaluation/kiosks/", deny=WDENY, office=OK
    ),
    "evaluation_kiosks:withdraw": staff(
        lambda w: "/admin/evaluation/kiosks/999999/withdraw/", "POST", deny=WDENY, office=HIDE
    ),
    "evaluation_kiosks:open": staff(
        lambda w: "/admin/evaluation/kiosks/open/", deny=WDENY, dept_a=OK, dept_b=OK
    ),
    "evaluation_sampling:import": staff(
        lambda w: "/admin/evaluation/sampling/", deny=WDENY, office=OK
    ),
}

RULES = {
    # health and monitoring (no roles; /metrics is guarded by address or token, tested below)
    "healthz": public(lambda w: "/healthz"),
    "readyz": public(lambda w: "/readyz"),
    "metrics": public(lambda w: "/metrics"),
    # staff two-factor pages (signed-in accounts only)
    "twofactor_verify": staff(lambda w: "/admin/2fa/", **{r: OK for r in ROLES[2:]}),
    "twofactor_setup": staff(lambda w: "/admin/2fa/setup/", **{r: OK for r in ROLES[2:]}),
    # Wagtail documents and private-page helpers: nothing exists, so 404 for everybody
    "wagtaildocs_serve": everyone(HIDE, lambda w: "/documents/999999/none.pdf"),
    "wagtaildocs_authenticate_with_password": everyone(
        HIDE, lambda w: "/documents/authenticate_with_password/999999/"
    ),
    "wagtailcore_authenticate_with_password": everyone(
        HIDE, lambda w: "/_util/authenticate_with_password/999999/999999/"
    ),
    "wagtailcore_login": public(lambda w: "/_util/login/"),
    # ratings: public
    "evaluation:rate": everyone(E405, lambda w: f"/rate/{w['official_a'].pk}/"),
    "evaluation:qr": public(lambda w: f"/qr/{w['qr_token']}/"),
    # the rating receipt after a POST: without its encrypted cookie it sends everyone home
    "evaluation:rating_receipt": public(lambda w: "/ratings/receipt/"),
    "evaluation:qr_official": public(lambda w: f"/qr/{w['qr_token']}/{w['official_a'].pk}/"),
    "evaluation:ticket": public(lambda w: f"/ticket/{w['ticket'].code}/"),
    "evaluation:kiosk": public(lambda w: f"/kiosk/{w['kiosk_token']}/"),
    # ratings: back office
    "evaluation:office_dashboard": everyone(MOVED, lambda w: "/office/evaluation/"),
    # by sequential id, with channel and time: the office only; the rated unit reads day
    # batches by opaque reference instead (issue 14), so its own rating is a 404 here too
    "evaluation:office_rating": everyone(
        MOVED, lambda w: f"/office/evaluation/ratings/{w['rating'].pk}/"
    ),
    # the unit's own ratings moved into the admin (issue 19): the old URLs 301
    "evaluation:unit_ratings": everyone(MOVED, lambda w: "/office/evaluation/unit/ratings/"),
    "evaluation:unit_rating": everyone(
        MOVED, lambda w: f"/office/evaluation/unit/ratings/{rating_ref(w['rating'].pk)}/"
    ),
    **EVALUATION_ADMIN,
    "evaluation:qr_unit_image": staff(
        lambda w: f"/office/evaluation/qr/unit/{w['unit_a'].pk}.svg",
        office=OK,
        dept_a=OK,
        dept_b=HIDE,
    ),
    "evaluation:qr_official_image": staff(
        lambda w: f"/office/evaluation/qr/official/{w['official_a'].pk}.png",
        office=OK,
        dept_a=OK,
        dept_b=HIDE,
    ),
    "evaluation:poster": everyone(MOVED, lambda w: f"/office/evaluation/poster/{w['unit_a'].pk}/"),
    "evaluation:office_tickets": everyone(MOVED, lambda w: "/office/evaluation/tickets/"),
    "evaluation:office_staff_phones": everyone(MOVED, lambda w: "/office/evaluation/staff-phones/"),
    # warnings, scores, rankings, month-end reports: the office acts, the leader reads
    "evaluation:ranking": public(lambda w: "/rankings/"),
    # signed machine endpoints of the SMS sampling channel: unsigned is refused for everyone
    "evaluation:sms_inbound": everyone(DENY, lambda w: "/sms/inbound/", "POST"),
    "evaluation:window_records": everyone(DENY, lambda w: "/sampling/records/", "POST"),
    "evaluation:office_warnings": everyone(MOVED, lambda w: "/office/evaluation/warnings/"),
    "evaluation:office_warning_minutes": staff(
        lambda w: f"/office/evaluation/warnings/actions/{_minutes(w).pk}/minutes/",
        office=OK,
        leader=OK,
    ),
    "evaluation:office_scores": everyone(MOVED, lambda w: "/office/evaluation/scores/"),
    "evaluation:office_reports": everyone(MOVED, lambda w: "/office/evaluation/reports/"),
    "evaluation:office_report": everyone(
        MOVED, lambda w: f"/office/evaluation/reports/{w['report_month']:%Y-%-m}/"
    ),
    "evaluation:office_report_file": staff(
        lambda w: f"/office/evaluation/reports/{w['report_month']:%Y-%-m}.xlsx",
        office=OK,
        leader=OK,
    ),
    # complaints: public desk (the receipt/track token is the capability, not a role)
    "complaints:new": public(lambda w: "/complaints/new/"),
    # the receipt after a POST: without its encrypted cookie it sends everyone to the form
    "complaints:receipt": public(lambda w: "/complaints/receipt/"),
    "complaints:official_search": public(lambda w: "/complaints/officials.json?q=李"),
    "complaints:track": public(lambda w: "/complaints/track/"),
    "complaints:track_case": public(lambda w: f"/complaints/track/{w['track_token']}/"),
    # the token-free follow-up pages (the token is in a cookie these requests do not carry:
    # the page sends them to the form, an action or a file is a 404 for everyone)
    "complaints:track_current": public(lambda w: "/complaints/track/case/"),
    "complaints:track_current_message": everyone(
        HIDE, lambda w: "/complaints/track/case/message/", "POST"
    ),
    "complaints:track_current_callback": everyone(
        HIDE, lambda w: "/complaints/track/case/callback/", "POST"
    ),
    "complaints:track_current_retaliation": everyone(
        HIDE, lambda w: "/complaints/track/case/retaliation/", "POST"
    ),
    # without the tracking cookie there is no case: a 404 for every role
    "transparency_proof": everyone(HIDE, lambda w: "/complaints/track/case/proof.json"),
    # a rating's proof by receipt code: a code whose tag is not the rating's is a 404 for all
    "transparency_rating_proof": everyone(HIDE, lambda w: "/ratings/proof/1-aaaaaaaaaaaaaaaa.json"),
    "complaints:track_current_attachment": everyone(
        HIDE, lambda w: f"/complaints/track/case/files/{w['attachment'].pk}/"
    ),
    "complaints:recover": public(lambda w: "/complaints/recover/"),
    "complaints:recover_open": public(lambda w: f"/complaints/recover/{w['recover_token']}/"),
    "complaints:verify": public(lambda w: "/complaints/verify/"),
    # monitors: their pages moved into the admin (issue 19); the old URLs 301
    "complaints:monitor_reports": everyone(MOVED, lambda w: "/complaints/monitor/"),
    "complaints:monitor_report": everyone(
        MOVED, lambda w: f"/complaints/monitor/{w['monitor_report'].pk}/"
    ),
    "monitor_reports:index": staff(
        lambda w: "/admin/monitor-reports/", deny=WDENY, monitor=OK, monitor_b=OK
    ),
    "monitor_reports:report": staff(
        lambda w: f"/admin/monitor-reports/{w['monitor_report'].pk}/",
        deny=WDENY,
        monitor=OK,
        monitor_b=HIDE,
    ),
    # Open311: public API
    "complaints:open311_discovery": public(lambda w: "/open311/v2/discovery.json"),
    "complaints:open311_services": public(lambda w: "/open311/v2/services.xml"),
    "complaints:open311_service_definition": everyone(
        HIDE, lambda w: "/open311/v2/services/no-such-service.json"
    ),
    "complaints:open311_requests": public(lambda w: "/open311/v2/requests.json"),
    "complaints:open311_request": public(
        lambda w: f"/open311/v2/requests/{w['open311_case'].number}.json"
    ),
    "complaints:open311_token": public(
        lambda w: f"/open311/v2/tokens/{w['open311_case'].open311_token}.json"
    ),
    "complaints:open311_index": public(lambda w: "/open311/v2/"),
    # complaints: the old back-office pages moved into the admin (issue 19): a permanent
    # redirect for everyone (the new page then asks who is signing in)
    "complaints:office_dashboard": everyone(MOVED, lambda w: "/office/"),
    "complaints:office_case": everyone(MOVED, lambda w: f"/office/cases/{w['case'].pk}/"),
    "complaints:dept_inbox": everyone(MOVED, lambda w: "/dept/?state=assigned"),
    "complaints:dept_case": everyone(MOVED, lambda w: f"/dept/cases/{w['case'].pk}/"),
    "complaints:document_pdf": case_of_a(lambda w: f"/office/documents/{w['document'].pk}.pdf"),
    "complaints:staff_attachment": case_of_a(lambda w: f"/office/files/{w['attachment'].pk}/"),
    **CASE_WORKBENCH,
    # the document-exchange receiver: no session role, a signed request from a department system
    "complaints:exchange_inbound": everyone(DENY, lambda w: "/dept/exchange/inbound/", "POST"),
    # the office's integration screens (Wagtail admin menu): office only
    "complaints:admin_open311_clients": staff(lambda w: "/office/open311-clients/", office=OK),
    "complaints:admin_secret_once": staff(lambda w: "/office/secret/", office=OK),
    "complaints:admin_open311_client_new": staff(
        lambda w: "/office/open311-clients/new/", "POST", office=OK, data={"name": "矩阵"}
    ),
    "complaints:admin_open311_client_active": staff(
        lambda w: f"/office/open311-clients/{_open311_client(w).pk}/active/",
        "POST",
        office=OK,
        data={"active": "0"},
    ),
    "complaints:admin_endpoints": staff(lambda w: "/office/exchange/endpoints/", office=OK),
    "complaints:admin_endpoint_new": staff(
        lambda w: "/office/exchange/endpoints/new/",
        "POST",
        office=OK,
        data={"url": "https://dept.example.com/in"},
    ),
    "complaints:admin_endpoint_url": staff(
        lambda w: f"/office/exchange/endpoints/{_endpoint(w).pk}/url/",
        "POST",
        office=OK,
        data={"url": "https://dept.example.com/in"},
    ),
    "complaints:admin_endpoint_rotate": staff(
        lambda w: f"/office/exchange/endpoints/{_endpoint(w).pk}/rotate/", "POST", office=OK
    ),
    "complaints:admin_endpoint_active": staff(
        lambda w: f"/office/exchange/endpoints/{_endpoint(w).pk}/active/",
        "POST",
        office=OK,
        data={"active": "0"},
    ),
    "complaints:admin_deliveries": staff(lambda w: "/office/exchange/deliveries/", office=OK),
    "complaints:admin_delivery_retry": staff(
        lambda w: f"/office/exchange/deliveries/{_delivery(w).pk}/retry/", "POST", office=OK
    ),
    "complaints:admin_staff_mobiles": staff(lambda w: "/office/staff-mobiles/", office=OK),
    "complaints:office_monitor_reports": staff(lambda w: "/office/monitors/", office=OK),
    "complaints:admin_staff_mobile": staff(
        lambda w: f"/office/staff-mobiles/{w['users']['dept_a'].pk}/",
        "POST",
        office=OK,
        data={"mobile": "13912345678"},
    ),
    # department notices: each unit its own; another unit's notice is a 404
    "complaints:dept_notices": staff(lambda w: "/dept/notices/", dept_a=OK, dept_b=OK),
    "complaints:dept_notice_read": staff(
        lambda w: f"/dept/notices/{_notice_a(w).pk}/read/", "POST", dept_a=OK, dept_b=HIDE
    ),
    "complaints:dept_notices_read_all": staff(
        lambda w: "/dept/notices/read/", "POST", dept_a=OK, dept_b=OK
    ),
    # search, transparency, published results, statistics: public
    "site_search": public(lambda w: "/search/?q=窗口"),
    "transparency": public(lambda w: "/transparency/"),
    "transparency_feed": public(lambda w: "/transparency/feed/"),
    "transparency_rss": public(lambda w: "/transparency/rss/"),
    "transparency_verifier": public(lambda w: "/transparency/verify_transparency.py"),
    "transparency_day_json": public(lambda w: f"/transparency/{_published_day(w)}.json"),
    "transparency_day": public(lambda w: f"/transparency/{_published_day(w)}/"),
    "publication:list": public(lambda w: "/results/?q=窗口"),
    "publication:feed_rss": public(lambda w: "/results/feed/"),
    "publication:feed_atom": public(lambda w: "/results/feed/atom/"),
    "publication:detail": public(lambda w: f"/results/{w['closed'].published_outcome.pk}/"),
    "publication:notice": public(lambda w: f"/results/notices/{_naming(w).pk}/"),
    "publication:office_list": staff(lambda w: "/office/results/", office=OK),
    "publication:office_preview": staff(lambda w: f"/office/results/{w['closed'].pk}/", office=OK),
    "publication:office_unpublish": staff(
        lambda w: f"/office/results/{w['closed'].pk}/unpublish/", "POST", office=OK
    ),
    "stats:page": public(lambda w: "/stats/"),
    "stats:export_csv": public(lambda w: "/stats/export.csv"),
    "stats:export_xlsx": public(lambda w: "/stats/export.xlsx"),
}

# A few representative Wagtail admin and page URLs (the admin's own internals are Wagtail's).
ADMIN_ACCESS = ("dept_a", "dept_b", "office", "editor")
REPRESENTATIVE = {
    # the leader reads a read-only dashboard; a monitor is sent on to "my monthly reports"
    # (portal.accounts.landing): a redirect that is no denial
    "admin home": staff(
        lambda w: "/admin/",
        deny=WDENY,
        **dict.fromkeys((*ADMIN_ACCESS, "leader", "monitor", "monitor_b"), OK),
    ),
    # the case listings' bulk actions (Wagtail's /admin/bulk/...): another unit's case is a 404
    "admin bulk assign": staff(
        lambda w: f"/admin/bulk/complaints/case/assign/?id={w['case'].pk}",
        deny=WDENY,
        dept_b=HIDE,
        office=OK,
    ),
    "admin bulk sign": staff(
        lambda w: f"/admin/bulk/complaints/case/sign/?id={w['case'].pk}",
        deny=WDENY,
        dept_a=OK,
        dept_b=HIDE,
    ),
    "admin pages": staff(lambda w: "/admin/pages/", deny=WDENY, editor=OK),
    # the office sets a unit's location (where QR ratings count), the editors the rest
    "admin unit snippets": staff(
        lambda w: "/admin/snippets/cms/unit/", deny=WDENY, editor=OK, office=OK
    ),
    "admin users": staff(lambda w: "/admin/users/", deny=WDENY),
    "home page": public(lambda w: "/"),
    "roster": public(lambda w: "/officials/"),
    "official profile": public(lambda w: w["official_a"].url),
}

# Not ours or not a URL of the application: framework plumbing.
SKIP_NAMES = {
    "set_language",
    "captcha-image",
    "captcha-image-2x",
    "captcha-audio",
    "captcha-refresh",
    "wagtail_serve",
}
SKIP_PREFIXES = ("admin/", "static/", "^static/", "^media/")
# ours inside the admin: the two-factor pages, the case workbench, the ratings back office,
# the monitors' reports (issue 19)
OURS_IN_ADMIN = ("admin/2fa/", "admin/cases/", "admin/evaluation/", "admin/monitor-reports/")

# Known contradictions between the spec and the code: (rule, role) -> reason. Each is a
# strict xfail below, so the bug stays visible and fixing it turns the test red until removed.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


def _walk(patterns, prefix="", ns=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = ":".join(x for x in (ns, p.namespace or "") if x)
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            name = f"{ns}:{p.name}" if ns and p.name else p.name
            yield prefix + str(p.pattern), name


def our_urls():
    found = []
    for pattern, name in _walk(get_resolver().url_patterns):
        if pattern.startswith(SKIP_PREFIXES) and not pattern.startswith(OURS_IN_ADMIN):
            continue
        if name in SKIP_NAMES:
            continue
        found.append((pattern, name))
    return found


def test_every_url_has_a_rule():
    missing = [
        f"{name or '(unnamed)'} -> {pattern}" for pattern, name in our_urls() if name not in RULES
    ]
    assert not missing, (
        "URL(s) without an access rule in tests/security/test_access_matrix.py: "
        + "; ".join(missing)
    )
    stale = set(RULES) - {name for _, name in our_urls()}
    assert not stale, f"rules for URLs that no longer exist: {sorted(stale)}"


def _client(world, role):
    c = Client()
    if role in world["users"]:
        c.force_login(world["users"][role])
    return c


def _outcome(response) -> str:
    code = response.status_code
    if code == 302 and response["Location"].startswith(settings.LOGIN_URL):
        return LOGIN
    if code == 405:
        return E405
    if code == 301:
        return MOVED
    if code == 404:
        return HIDE
    if code == 403:
        return DENY
    if code == 200:
        return OK
    return f"HTTP {code}"


def _matches(expected, actual, method, response) -> bool:
    if expected == WDENY:
        return actual in (DENY, HIDE, LOGIN) or (
            response.status_code == 302 and response["Location"] == "/admin/"
        )
    if expected == DENY:
        return actual in (DENY, HIDE)
    if expected == OK and method == "POST":
        return response.status_code in (200, 400) or (
            response.status_code in (301, 302) and actual != LOGIN
        )
    if expected == OK and method == "GET" and response.status_code in (301, 302):
        # a signed-in account on a sign-in-ish page is sent on; not a denial
        return actual != LOGIN
    return expected == actual


def _request(client, rule, world):
    url = rule.url(world)
    if rule.method == "POST":
        return client.post(url, rule.data, REMOTE_ADDR="127.0.0.1")
    return client.get(url, REMOTE_ADDR="127.0.0.1")


def _check(rule, world, roles):
    wrong = []
    for role in roles:
        response = _request(_client(world, role), rule, world)
        assert response.status_code < 500, (role, rule.url(world), response.status_code)
        actual = _outcome(response)
        if not _matches(rule.expect[role], actual, rule.method, response):
            wrong.append(
                f"{role}: expected {rule.expect[role]}, got {actual} "
                f"({response.status_code} {response.get('Location', '')})"
            )
    return wrong


ALL_RULES = {**RULES, **REPRESENTATIVE}


@pytest.mark.parametrize("name", sorted(ALL_RULES))
def test_url_gives_each_role_what_the_spec_says(name, world):
    rule = ALL_RULES[name]
    roles = [r for r in ROLES if (name, r) not in KNOWN_BUGS]
    wrong = _check(rule, world, roles)
    assert not wrong, f"{name} {rule.method} {rule.url(world)}: " + "; ".join(wrong)


@pytest.mark.parametrize(
    "name,role",
    [
        pytest.param(n, r, marks=pytest.mark.xfail(strict=True, reason=why))
        for (n, r), why in sorted(KNOWN_BUGS.items())
    ],
)
def test_known_access_bug(name, role, world):
    rule = ALL_RULES[name]
    assert not _check(rule, world, [role])


def test_metrics_refuse_an_address_outside_the_allow_list(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert response.status_code in (403, 404)


def test_the_matrix_covers_every_role_for_every_rule():
    for name, rule in ALL_RULES.items():
        assert set(rule.expect) == set(ROLES), name
        assert re.match(r"^(GET|POST)$", rule.method), name


def test_department_b_cannot_issue_a_ticket_for_department_a_official(world):
    """The ticket page is every unit's, but the official posted is checked against the unit:
    another unit's official is a 404 and no ticket is made."""
    from portal.evaluation.models import RatingTicket

    url, official = "/admin/evaluation/tickets/", world["official_a"].pk
    before = RatingTicket.objects.count()
    page = _client(world, "dept_b").get(url, REMOTE_ADDR="127.0.0.1")
    assert page.status_code == 200 and world["official_a"].title not in page.content.decode()
    response = _client(world, "dept_b").post(url, {"official": official}, REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 404
    assert RatingTicket.objects.count() == before
    response = _client(world, "dept_a").post(url, {"official": official}, REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200 and RatingTicket.objects.count() == before + 1
