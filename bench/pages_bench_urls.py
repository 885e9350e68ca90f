"""The site's URLs plus two bare views for bench/pages_bench.py (pages_bench_settings only):
GET /bench/bare/ answers a few bytes, POST /bench/bare-insert/ runs one INSERT; both pass
through the same middleware as the real pages."""

from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from portal.urls import urlpatterns as site_urlpatterns


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
def bare_insert(request):
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO bench_bare (official_id, level, created_at) VALUES (%s, %s, now())",
            [int(request.POST.get("official", 0)), int(request.POST.get("level", 0))],
        )
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/bare-insert/", bare_insert),
    *site_urlpatterns,
]
