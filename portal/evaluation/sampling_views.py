"""The SMS sampling channel's machine endpoints: the SMS provider's inbound webhook and the
window systems' service-record feed. Signed (HMAC-SHA256 of the body), JSON in and out."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import sampling

SMS_SIGNATURE_HEADER = "X-SMS-Signature"
WINDOW_SIGNATURE_HEADER = "X-Signature"


def _answer(call):
    try:
        return JsonResponse(call())
    except PermissionDenied:
        return JsonResponse({"error": "signature not accepted"}, status=403)
    except ValidationError as exc:
        return JsonResponse({"error": "; ".join(str(m) for m in exc.messages)}, status=400)


@csrf_exempt
@require_POST
def sms_inbound(request):
    """A citizen's reply, delivered (maybe twice) by the SMS provider. Switched off (404)
    while SMS_INBOUND_SECRET is empty: no key, no webhook (deploy/env.example)."""
    if not settings.SMS_INBOUND_SECRET:
        raise Http404
    return _answer(
        lambda: sampling.sms_reply_receive(
            signature_header=request.headers.get(SMS_SIGNATURE_HEADER, ""), body=request.body
        )
    )


@csrf_exempt
@require_POST
def window_records(request):
    """A unit's window system posts its finished service records (办件)."""
    return _answer(
        lambda: sampling.window_records_receive(
            unit_id=request.headers.get("X-Unit", ""),
            signature_header=request.headers.get(WINDOW_SIGNATURE_HEADER, ""),
            body=request.body,
        )
    )
