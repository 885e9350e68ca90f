"""Demo: publish the demo's closed cases so /results/ is not empty (seed_demo). Idempotent:
cases that already have an outcome (published or withdrawn) are left alone."""

from django.contrib.auth import get_user_model

from complaints.choices import CaseState, PublicationStatus
from complaints.models import Case

from . import selectors, services


def seed(progress=None):
    office = get_user_model().objects.filter(username="office").first()
    if office is None:
        return {"outcomes": 0}
    cases = list(
        Case.objects.filter(state=CaseState.CLOSED, published_outcome__isnull=True)
        .exclude(publication=PublicationStatus.HELD)
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
