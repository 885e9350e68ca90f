"""Downloads of inclusion proofs (issue 22).

A case's: the receipt is the capability, the same signed cookie as the tracking page
(complaints.views), so the proof URL carries no token and another case is a 404.
A rating's: the rating receipt code in the URL (portal.evaluation.receipts); a wrong tag, an
unknown id and a deleted rating are the same 404, and the route is rate-limited per client
(RATING_PROOF_RATE_LIMIT) as a bound on guessing."""

import json

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from complaints.services import receipts
from complaints.views import TRACK_COOKIE
from portal.core.ratelimit import client_key
from portal.evaluation.models import Rating
from portal.evaluation.receipts import rating_code_open

from .proofs import ProofUnavailable, case_proof, rating_proof


def _json(data, *, status=200, filename=None):
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1),
        status=status,
        content_type="application/json; charset=utf-8",
    )
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@require_GET
def track_proof(request):
    case = receipts.track_token_open(token=request.COOKIES.get(TRACK_COOKIE, ""))
    if case is None:
        raise Http404
    try:
        proof = case_proof(case=case)
    except ProofUnavailable as exc:
        body = json.dumps({"error": str(exc.message)}, ensure_ascii=False)
        return HttpResponse(body, status=404, content_type="application/json; charset=utf-8")
    response = HttpResponse(
        json.dumps(proof, ensure_ascii=False, sort_keys=True, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="proof-{case.number}.json"'
    return response


def _proof_rate(group, request):
    return settings.RATING_PROOF_RATE_LIMIT  # read per request: tunable, and by tests


@never_cache
@ratelimit(key=client_key, rate=_proof_rate, group="rating-proof", block=False)
@require_GET
def rating_proof_download(request, code):
    """GET /ratings/proof/<code>.json: the proof of the rating the receipt code stands for."""
    if getattr(request, "limited", False):
        return _json({"error": _("请求过于频繁，请稍后再试")}, status=429)
    rating_id = rating_code_open(code)
    rating = Rating.objects.filter(pk=rating_id).first() if rating_id else None
    if rating is None:
        raise Http404
    try:
        proof = rating_proof(rating=rating, with_seals=False)
    except ProofUnavailable as exc:
        return _json({"error": str(exc.message)}, status=404)
    return _json(proof, filename=f"proof-rating-{rating.pk}.json")
