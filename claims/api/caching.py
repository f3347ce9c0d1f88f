"""HTTP caching of the API's reads: strong ETags, 304s that cost one query, and Cache-Control.

What anyone without the right to see everything gets is a function of the public set, and every
change to the public set writes a ChangeEvent in commit order (claims/publishing.py). So a public
representation is fixed by:

- the URL as asked (scheme, host, path and query as sent: the body echoes them in its links, so
  two spellings of one query are two representations, and are not merged);
- the representation (the renderer content negotiation chose: JSON, CSV, JSON-LD, NDJSON);
- the newest event's seq (a claim published, updated or withdrawn; a source retitled or evidence
  added reaches the claim JSON, so it writes an event too);
- the newest ``updated_at`` of any fact and of any source: the fact and source JSON carry fields
  no claim JSON has (a fact reworded by ``fact_update``, a source's publisher), which write no event;
  any fact or source, not only public ones, so a fact that leaves the public set counts as well;
- Claimbook's settings (the organisation named in ClaimReview).

Those are read in one query (``PublicState.read``: the newest event by primary key, the newest
fact by its updated_at index, the newest of the sources, one row per article) before any queryset
is built; a request whose ``If-None-Match`` names the resulting ETag is answered 304 with no body.

Exceptions:
- Callers who see everything (editors, readers) get no public ETag and never a 304: their
  bodies hold non-public claims and notes, which write no event, and a claim's version (the
  ``"<pk>-<version>"`` ETag PATCH's If-Match takes) is not raised by a note, evidence or a retitled
  source, so it cannot vouch for their whole body. Their detail keeps that version ETag for If-Match.
- A time-relative query (facts' ``max_age_days``) changes as the clock moves, with no event: no ETag.
- The anonymous fact search cache is keyed by the ETag, so a cached answer is never sent under the
  ETag of a newer state.

Cache-Control: public (CDN) for successful reads by anonymous callers; ``private, no-store`` for
anyone logged in, for every error and every write. Every answer varies on Accept, Authorization
and Cookie.

Order: event seqs follow commit order (publishing's advisory lock on PostgreSQL, one writer at a
time on SQLite). A fact's or a source's ``updated_at`` is set when it is saved, so the services
that change a fact or a source without writing an event (``fact_update``, ``source_update``,
``source_import``) take the same lock before saving (``publishing.in_commit_order``): a newer
``updated_at`` is never committed before an older one, so no edit hides under an older ETag.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from rest_framework import status
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from claims.models import ChangeEvent, Fact, Source

from .permissions import can_see_everything

# Seconds a browser (max-age) and a shared cache (s-maxage) may reuse a public answer without
# asking, and may keep serving it while revalidating in the background or while the API fails.
# A withdrawal reaches a consumer reading through a CDN at most MAX_AGE + STALE seconds late.
MAX_AGE = 60
SHARED_MAX_AGE = 60
STALE_WHILE_REVALIDATE = 30
STALE_IF_ERROR = 300

PUBLIC_CACHE_CONTROL = (
    f"public, max-age={MAX_AGE}, s-maxage={SHARED_MAX_AGE}, "
    f"stale-while-revalidate={STALE_WHILE_REVALIDATE}, stale-if-error={STALE_IF_ERROR}"
)
PRIVATE_CACHE_CONTROL = "private, no-store"
VARY = ("Accept", "Authorization", "Cookie")

# Query parameters whose answer depends on the time of the request, not only on the data.
TIME_RELATIVE = frozenset({"max_age_days"})


@dataclass(frozen=True)
class PublicState:
    """What the public set's representations are a function of, read in one query."""

    seq: int
    event_at: datetime | None
    facts_at: datetime | None
    sources_at: datetime | None

    @classmethod
    def read(cls) -> PublicState:
        quote = connection.ops.quote_name
        events, facts, sources = (quote(m._meta.db_table) for m in (ChangeEvent, Fact, Source))
        # One step down an index each for the events (primary key) and the facts (updated_at);
        # the sources are one row per article.
        sql = (
            f"SELECT (SELECT {quote('seq')} FROM {events} ORDER BY {quote('seq')} DESC LIMIT 1), "
            f"(SELECT {quote('at')} FROM {events} ORDER BY {quote('seq')} DESC LIMIT 1), "
            f"(SELECT MAX({quote('updated_at')}) FROM {facts}), "
            f"(SELECT MAX({quote('updated_at')}) FROM {sources})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            seq, event_at, facts_at, sources_at = cursor.fetchone()
        event_at, facts_at, sources_at = (_as_datetime(v) for v in (event_at, facts_at, sources_at))
        return cls(seq=seq or 0, event_at=event_at, facts_at=facts_at, sources_at=sources_at)

    def last_modified(self) -> datetime | None:
        times = [t for t in (self.event_at, self.facts_at, self.sources_at) if t is not None]
        return max(times) if times else None

    def token(self) -> str:
        times = (t.isoformat() if t is not None else "" for t in (self.facts_at, self.sources_at))
        return "|".join([str(self.seq), *times])


def _as_datetime(value: Any) -> datetime | None:
    """A time as the database returned it, aware: SQLite gives a subquery's value as text or as a naive UTC time."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    return parsed


def _settings_digest() -> str:
    """Claimbook's settings as they stand (ClaimReview names the organisation they configure)."""
    return hashlib.sha256(orjson.dumps(getattr(settings, "CLAIMBOOK", {}) or {}, default=str)).hexdigest()


def public_etag(request: Any, state: PublicState) -> str:
    """The strong ETag of the public representation ``request`` asks for, at ``state``."""
    renderer = getattr(request, "accepted_renderer", None)
    media_type = getattr(request, "accepted_media_type", "") or getattr(renderer, "media_type", "")
    key = "\n".join(["public", request.build_absolute_uri(), str(media_type), state.token(), _settings_digest()])
    return '"p' + hashlib.sha256(key.encode()).hexdigest()[:40] + '"'


def matches(header: str, tag: str) -> bool:
    """Whether an If-None-Match header names ``tag`` (weak comparison, as RFC 9110 asks for GET)."""
    header = header.strip()
    if header == "*":
        return True
    return any(candidate.strip().removeprefix("W/") == tag for candidate in header.split(","))


def sees_public_set(request: Any) -> bool:
    return not can_see_everything(request.user)


def is_anonymous(request: Any) -> bool:
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


class NotModified(Exception):
    """Raised before the body is built: the caller's copy is current."""


class HttpCachingMixin:
    """Conditional GET and Cache-Control for an API view.

    ``conditional_actions``: the viewset actions answered with a public ETag (None: every GET of
    a view without actions). The check runs after authentication, permissions, throttling and
    content negotiation (``initial``), and before the handler builds any queryset.
    """

    conditional_actions: frozenset[str] | None = None

    def _is_conditional(self, request: Any) -> bool:
        if request.method not in ("GET", "HEAD"):
            return False
        action = getattr(self, "action", None)
        if self.conditional_actions is not None and action not in self.conditional_actions:
            return False
        if TIME_RELATIVE.intersection(request.query_params):
            return False
        return sees_public_set(request)

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        request.public_etag = None
        if not self._is_conditional(request):
            return
        state = PublicState.read()
        request.public_etag = public_etag(request, state)
        request.public_last_modified = state.last_modified()
        if matches(request.headers.get("If-None-Match", ""), request.public_etag):
            raise NotModified

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, NotModified):
            return Response(status=status.HTTP_304_NOT_MODIFIED)
        return super().handle_exception(exc)  # type: ignore[misc]

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        return cache_headers(request, response)


def cache_headers(request: Any, response: Any) -> Any:
    """ETag, Last-Modified, Cache-Control and Vary for ``response`` to ``request``."""
    ok = response.status_code in (status.HTTP_200_OK, status.HTTP_304_NOT_MODIFIED)
    read = request.method in SAFE_METHODS
    tag = getattr(request, "public_etag", None)
    if ok and read and tag:
        response["ETag"] = tag
        last_modified = getattr(request, "public_last_modified", None)
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified.timestamp())
    public = ok and read and is_anonymous(request)
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL if public else PRIVATE_CACHE_CONTROL
    if not public:
        response.headers.pop("Last-Modified", None)
    patch_vary_headers(response, VARY)
    return response
