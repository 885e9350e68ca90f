"""Demo: publish the demo's closed stories (complaints.demo_stories) so /results/ reads like a
real county's (seed_demo). The workflow demo's "演示…" cases stay unpublished: placeholders
are for staff screens. Idempotent: cases that already have an outcome are left alone."""

from django.contrib.auth import get_user_model

from complaints.choices import CaseState, PublicationStatus
from complaints.demo import DEMO_TITLE
from complaints.models import Case

from . import selectors, services


def seed(progress=None):
    office = get_user_model().objects.filter(username="office").first()
    if office is None:
        return {"outcomes": 0}
    cases = list(
        Case.objects.filter(state=CaseState.CLOSED, published_outcome__isnull=True)
        .exclude(publication=PublicationStatus.HELD)
        .exclude(title__startswith=DEMO_TITLE)
        .select_related("category", "department", "official")
        .order_by("closed_at", "pk")
    )
    bar = progress(total=len(cases), desc="公开办理结果", unit="件") if progress else None
    made = 0
    for case in cases:
        text, _ = selectors.outcome_preview_for_office(user=office, case=case)
        services.outcome_publish(
            case=case,
            actor=office,
            text=text,
            private_names=selectors.complainant_names(user=office, case=case),
        )
        made += 1
        if bar:
            bar.update(1)
    if bar:
        bar.close()
    return {"outcomes": made}
