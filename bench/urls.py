"""Claimbook's URLs plus the bare baseline view the benchmark compares the API with.

Loaded only by the benchmark (CLAIMBOOK_ROOT_URLCONF=bench.urls), never in production.
"""

import orjson
from django.http import HttpResponse
from django.urls import path

from claims.models import Claim
from config.urls import handler404, handler500  # noqa: F401 (read from the root URLconf)
from config.urls import urlpatterns as claimbook_urlpatterns

FIELDS = [
    "id", "source_id", "span_start", "span_end", "quote", "prefix", "suffix", "statement", "kind", "subject", "value",
    "unit", "qualifier", "as_of", "as_of_precision", "status", "anchor_state", "origin", "confidence", "reviewed_at",
    "created_at", "updated_at", "version",
]  # fmt: skip


def bare_verified(request):
    """The first page of verified claims from .values(), serialised with orjson: the floor."""
    rows = list(Claim.objects.filter(status="verified").order_by("id").values(*FIELDS)[:50])
    for row in rows:
        row["value"] = None if row["value"] is None else format(row["value"].normalize(), "f")
    return HttpResponse(orjson.dumps({"results": rows}), content_type="application/json")


urlpatterns = [path("bench/bare/claims/", bare_verified), *claimbook_urlpatterns]
