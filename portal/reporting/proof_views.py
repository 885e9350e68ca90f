"""The complainant's download of the inclusion proof of their case (tracking page link).

The receipt is the capability: the same signed cookie as the tracking page (complaints.views),
so the proof URL carries no token and another case is a 404."""

import json

from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from complaints.services import receipts
from complaints.views import TRACK_COOKIE

from .proofs import ProofUnavailable, case_proof


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
