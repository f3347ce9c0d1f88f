"""Claimbook's URLs plus the bare baseline view the benchmark compares the API with.

Loaded only by the benchmark (CLAIMBOOK_ROOT_URLCONF=bench.urls), never in production.
"""

import orjson
from django.http import HttpResponse
from django.urls import path

from claims.models import Claim, Evidence
from claims.numbers import plain_decimal
from claims.selectors import CLAIM_COLUMNS as CLAIM_FIELDS
from claims.selectors import EVIDENCE_COLUMNS as EVIDENCE_FIELDS
from config.urls import handler400, handler404, handler500  # noqa: F401 (read from the root URLconf)
from config.urls import urlpatterns as claimbook_urlpatterns


def bare_verified(request):
    """The API's first page of verified claims (the same JSON objects: claim, source title and
    url, evidence) from two .values() queries and orjson, with no framework in between: the floor."""
    rows = list(Claim.objects.filter(status="verified").order_by("id").values(*CLAIM_FIELDS)[:51])
    more, rows = len(rows) > 50, rows[:50]
    evidence = {row["id"]: [] for row in rows}
    for item in (
        Evidence.objects.filter(claim_id__in=list(evidence)).order_by("created_at", "id").values(*EVIDENCE_FIELDS)
    ):
        item["value_found"] = plain_decimal(item["value_found"])
        evidence[item.pop("claim_id")].append(item)
    for row in rows:
        row["source"] = row.pop("source_id")
        row["source_url"] = row.pop("source__url")
        row["source_title"] = row.pop("source__title")
        row["value"] = plain_decimal(row["value"])
        row["evidence"] = evidence[row["id"]]
    body = {"next": "more" if more else None, "previous": None, "results": rows}
    return HttpResponse(orjson.dumps(body, option=orjson.OPT_UTC_Z), content_type="application/json")


urlpatterns = [path("bench/bare/claims/", bare_verified), *claimbook_urlpatterns]
