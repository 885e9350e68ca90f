"""Reads of Open311's public read side (GET requests.json and requests/<id>.json).

Owns: which requests are listed (those filed through Open311, and closed cases the office has
marked 可公开) and what of a request anyone may read. Why: tracking numbers are sequential,
so whatever a request shows, everyone can read for every request by walking the numbers.
So the public row holds only:
- structure: number, status open/closed, category, responsible unit, dates;
- text (description = the snapshot's 问题摘要, status_notes = its 答复内容) only from the
  office-reviewed, masked publication snapshot, with the results pages' own definition of
  public (complaints.publication.selectors.outcome_public_by_case) — before publication,
  after a withdrawal or a 不公开 decision there is no text at all;
- no location: the snapshot keeps none, so lat/long/address/address_id are always null
  (GeoReport v2 makes them optional in responses; the unit's own address would put the
  problem on a map at the office, which a client would take for the place).
Internal reasons (screening, rejection, withdrawal, 不公开) are never read here. Clients are
not authenticated on GET, so a client that posted a request sees the same public row as
everyone: it keeps its own copy of what it sent.
"""

from datetime import datetime, time

from django.db.models import Q
from django.utils import timezone

from ..choices import CaseSource, CaseState, PublicationStatus, open311_status
from ..models import Case
from ..publication.selectors import outcome_public_by_case


def open311_request_list_public():
    """The requests Open311 lists and answers by id (others are a 404)."""
    return Case.objects.filter(
        Q(source=CaseSource.OPEN311)
        | Q(state=CaseState.CLOSED, publication=PublicationStatus.READY)
    ).select_related("category", "department")


def open311_request_rows_public(cases) -> list[dict]:
    """The public GeoReport v2 rows of these requests (datetimes as aware datetimes)."""
    cases = list(cases)
    outcomes = outcome_public_by_case(case_ids=[c.pk for c in cases])
    return [_row(case, outcomes.get(case.pk)) for case in cases]


def _row(case: Case, outcome) -> dict:
    deadline = case.deadline
    expected = (
        timezone.make_aware(datetime.combine(deadline, time(23, 59, 59))) if deadline else None
    )
    if outcome is not None:
        agency = outcome.department_name
    else:
        agency = case.department.name if case.department else ""
    return {
        "service_request_id": case.number,
        "status": open311_status(case.state),
        "status_notes": (outcome.answer or None) if outcome is not None else None,
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": outcome.summary if outcome is not None else None,
        "agency_responsible": agency,
        "service_notice": "",
        "requested_datetime": case.submitted_at,
        "updated_datetime": case.updated_at,
        "expected_datetime": expected,
        "address": None,
        "address_id": None,
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }
