"""The API's index and its bulk formats: the claim list as CSV, the public set as NDJSON.

- ``GET /api/`` links every endpoint.
- ``GET /api/claims/?format=csv``: the page of the claim list as CSV, one row per claim, the
  columns of the claim JSON (evidence and notes, which are lists, left out); the next page is in
  the ``Link`` header. A text cell a spreadsheet would run as a formula gets a leading ``'``
  (claims.exports.escape_formula, the rule the admin's export follows); numbers stay numbers.
- ``GET /api/claims/export.ndjson``: every public claim, one public claim JSON per line (the
  rationale in, reviewer notes never), streamed from the database a chunk at a time, so memory
  stays flat however many claims there are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import islice
from typing import Any

import orjson
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from claims import publishing
from claims.exports import escape_formula
from claims.models import Claim

from . import claim_json
from .caching import HttpCachingMixin
from .permissions import public
from .renderers import ORJSONRenderer, dumps
from .serializers import ClaimSerializer

# Columns of the claim JSON that hold numbers: written as they are, never escaped ("-5" stays -5).
NUMERIC_COLUMNS = frozenset({"id", "source", "span_start", "span_end", "value", "confidence", "version", "fact"})
# Columns of the claim JSON that are lists (evidence; notes for editors): not cells.
CSV_COLUMNS = [name for name in ClaimSerializer.Meta.fields if name != "evidence"]

# Claims read from the database per round trip while streaming the export.
EXPORT_CHUNK = 500


def csv_cell(column: str, value: Any) -> Any:
    """A claim JSON value as a CSV cell: empty for null, text escaped unless the column is a number."""
    if value is None:
        return ""
    if column in NUMERIC_COLUMNS:
        return value
    return escape_formula(value if isinstance(value, str) else str(value))


class ClaimCSVRenderer(BaseRenderer):
    """A page of the claim list as CSV (UTF-8, header row, CRLF line ends as RFC 4180 has them)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        rows = orjson.loads(dumps(data.get("results", [])))  # the PostgreSQL page holds raw JSON fragments
        response = (renderer_context or {}).get("response")
        if response is not None and data.get("next"):
            response["Link"] = f'<{data["next"]}>; rel="next"'
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for row in rows:
            writer.writerow([csv_cell(column, row.get(column)) for column in CSV_COLUMNS])
        return out.getvalue().encode()


class CSVListMixin:
    """The list action also renders as CSV (``?format=csv`` or ``Accept: text/csv``); anything else,
    and every error, stays JSON."""

    def get_renderers(self):
        renderers = super().get_renderers()
        if getattr(self, "action", None) == "list":
            renderers.append(ClaimCSVRenderer())
        return renderers

    def finalize_response(self, request, response, *args, **kwargs):
        failed = response.status_code >= 300 and response.status_code != 304
        if failed and isinstance(getattr(request, "accepted_renderer", None), ClaimCSVRenderer):
            # An error says what was wrong in JSON, whatever was asked.
            request.accepted_renderer, request.accepted_media_type = ORJSONRenderer(), "application/json"
        return super().finalize_response(request, response, *args, **kwargs)


def public_claim_lines(chunk_size: int | None = None) -> Iterator[bytes]:
    """Every public claim's public JSON, one line each, by id: read ``chunk_size`` claims at a time."""
    chunk_size = chunk_size or EXPORT_CHUNK
    claims = claim_json.readable(public(Claim.objects.all()).order_by("id"), serializer_class=ClaimSerializer)
    rows = claims.iterator(chunk_size=chunk_size)
    while batch := list(islice(rows, chunk_size)):
        items = claim_json.as_json(batch, serializer_class=ClaimSerializer)
        lines = b"".join(dumps(item) + b"\n" for item in items)
        for claim in batch:
            # A claim and its prefetched evidence point at each other: a cycle only the collector's rare
            # full passes free, so chunk after chunk would pile up. Broken here, each chunk is freed at once.
            if not isinstance(claim, dict):
                claim.__dict__.pop("_prefetched_objects_cache", None)
        del batch, items
        yield lines


class PublicExportView(HttpCachingMixin, APIView):
    """The whole public set as NDJSON, streamed."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Every public claim, as NDJSON",
        description="One line per public claim (every verdict: verified, disputed, false, unverifiable), by id, each "
        "the claim JSON an anonymous caller gets (with the rationale; reviewer notes never), streamed. A snapshot to "
        "start a mirror from: then follow /api/changes/?after= the seq its X-Change-Seq header names.",
        parameters=[
            OpenApiParameter(
                "X-Change-Seq",
                int,
                OpenApiParameter.HEADER,
                response=[200],
                description="The newest change event's seq when the export began: apply the feed's events after it.",
            )
        ],
        responses={(200, "application/x-ndjson"): OpenApiResponse(OpenApiTypes.STR, description="NDJSON lines.")},
    )
    def get(self, request):
        # Read before the claims: replaying the events after it over the export gives the current set.
        seq = publishing.last_seq()
        response = StreamingHttpResponse(public_claim_lines(), content_type="application/x-ndjson")
        response["X-Change-Seq"] = str(seq)
        response["Content-Disposition"] = 'inline; filename="claims.ndjson"'
        return response


class ApiRootView(HttpCachingMixin, APIView):
    """Links to every endpoint of the API."""

    permission_classes = [AllowAny]
    conditional_actions = frozenset()  # the same links whatever the data: Cache-Control only

    @extend_schema(summary="Links to every endpoint", responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        def url(name: str) -> str:
            return reverse(f"api:{name}", request=request)

        return Response(
            {
                "claims": url("claim-list"),
                "claims_csv": url("claim-list") + "?format=csv",
                "claims_ndjson": url("claims-export"),
                "sources": url("source-list"),
                "facts": url("fact-list"),
                "changes": url("changes"),
                "claimreview_feed": url("claimreview-feed"),
                "schema": url("schema"),
                "docs": url("docs"),
            }
        )
