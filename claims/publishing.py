"""The public set and its change feed: which claims are published, and the events that keep
every consumer's copy of them exact (``/api/changes/``, webhooks).

Services write inside :func:`changes` and :func:`touch` every claim they change. Before the
outermost one commits, each touched claim's public JSON is compared with what its last event
published, and the events that bring a consumer's copy up to date are written in the same
transaction: ``published``, ``updated``, or ``withdrawn`` (followed by ``published`` when only
the verdict changed). Nothing else writes events, so the feed is exactly the history of the
public set.

Order: a sequence number taken before commit can become visible after a later one (transaction A
takes 7, B takes 8 and commits, a consumer reads 8 and moves its cursor past 7 before A commits).
On PostgreSQL every transaction that writes events first takes one transaction-level advisory
lock, held until it commits or rolls back: the next writer takes its sequence numbers only after
the previous one is visible, so sequence order is commit order and a consumer reading after its
cursor never skips an event. SQLite has one writer at a time already.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson
from django.db import connection, transaction
from django.db.models import Max
from django.dispatch import Signal
from django.utils import timezone

from . import workflow
from .models import ChangeEvent, Claim

# Sent inside the writing transaction with ``events`` (the ChangeEvent rows just written), so what
# a receiver writes (the webhook outbox) commits or rolls back with them.
events_written = Signal()

# The advisory lock key every event writer takes on PostgreSQL ("claimbook" as an integer).
EVENT_LOCK_KEY = int.from_bytes(b"claimboo", "big") >> 1

_state = threading.local()


def is_public(status: str) -> bool:
    return status in workflow.PUBLIC


@contextmanager
def changes() -> Iterator[None]:
    """A service's transaction: the claims touched inside it are published before it commits.

    Nested blocks (a service calling another) publish once, at the end of the outermost one.
    """
    depth = getattr(_state, "depth", 0)
    with transaction.atomic():
        if depth == 0:
            _state.touched = set()
        _state.depth = depth + 1
        try:
            yield
        finally:
            _state.depth = depth
        if depth == 0:
            touched, _state.touched = _state.touched, set()
            if touched:
                publish(touched)


def touch(claim_ids: Iterable[int]) -> None:
    """Mark claims as changed in the current :func:`changes` block (published at its end); outside
    one, publish them at once."""
    if getattr(_state, "depth", 0):
        _state.touched.update(claim_ids)
    else:
        with transaction.atomic():
            publish(claim_ids)


def public_json(claims: list[Claim]) -> dict[int, dict[str, Any]]:
    """The claims' JSON as an anonymous caller gets it, by id."""
    from .api.serializers import ClaimSerializer  # the API defines the shape; it imports services

    return {item["id"]: dict(item) for item in ClaimSerializer(claims, many=True).data}


def digest_of(payload: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()


def in_commit_order() -> None:
    """Wait (in the current transaction, until it ends) for every other writer of the public set:
    taken before writing events, and before saving a fact or a source that writes none, so their
    sequence numbers and updated_at times follow commit order (the API's ETags rely on both)."""
    _serialize_writers()


def _serialize_writers() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [EVENT_LOCK_KEY])


def last_events(claim_ids: list[int]) -> dict[int, ChangeEvent]:
    """The latest event of each claim that has one."""
    latest = (
        ChangeEvent.objects.filter(claim_id__in=claim_ids)
        .values("claim_id")
        .annotate(last=Max("seq"))
        .values_list("last", flat=True)
    )
    return {event.claim_id: event for event in ChangeEvent.objects.filter(seq__in=list(latest)).defer("payload")}


def publish(claim_ids: Iterable[int]) -> list[ChangeEvent]:
    """Write the events that bring the public set up to date for ``claim_ids`` (in a transaction)."""
    ids = sorted(set(claim_ids))
    if not ids:
        return []
    _serialize_writers()
    last = last_events(ids)
    rows = {
        claim.pk: claim
        for claim in Claim.objects.filter(pk__in=ids)
        .select_related("source")
        .prefetch_related("evidence")
        .order_by("pk")
    }
    payloads = public_json([claim for claim in rows.values() if is_public(claim.status)])
    now = timezone.now()
    events: list[ChangeEvent] = []

    def add(kind: str, pk: int, status: str, payload: dict[str, Any] | None = None, digest: str = "") -> None:
        events.append(ChangeEvent(kind=kind, claim_id=pk, status=status, at=now, payload=payload, digest=digest))

    for pk in ids:
        before = last.get(pk)
        was_public = before is not None and before.kind != ChangeEvent.Kind.WITHDRAWN
        claim = rows.get(pk)
        status = claim.status if claim is not None else ""
        if pk not in payloads:
            if was_public:
                add(ChangeEvent.Kind.WITHDRAWN, pk, status)
            continue
        payload = payloads[pk]
        digest = digest_of(payload)
        if not was_public:
            add(ChangeEvent.Kind.PUBLISHED, pk, status, payload, digest)
        elif before.status != status:  # type: ignore[union-attr]  # was_public: there is one
            add(ChangeEvent.Kind.WITHDRAWN, pk, status)
            add(ChangeEvent.Kind.PUBLISHED, pk, status, payload, digest)
        elif before.digest != digest:  # type: ignore[union-attr]  # was_public: there is one
            add(ChangeEvent.Kind.UPDATED, pk, status, payload, digest)
    if events:
        ChangeEvent.objects.bulk_create(events)
        events_written.send(sender=ChangeEvent, events=events)
    return events


def publish_all(batch: int = 500) -> int:
    """Bring the whole public set's events up to date (after a fixture or a bulk load wrote claims
    without a service); returns how many events were written."""
    written = 0
    ids = list(Claim.objects.order_by("pk").values_list("pk", flat=True))
    known = set(ids)
    ids += sorted(set(ChangeEvent.objects.values_list("claim_id", flat=True)) - known)
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            written += len(publish(ids[start : start + batch]))
    return written


def events_after(after: int, limit: int) -> list[ChangeEvent]:
    """The feed: events after sequence ``after``, in order, at most ``limit``."""
    return list(ChangeEvent.objects.filter(seq__gt=after).order_by("seq")[:limit])


def last_seq() -> int:
    """The sequence of the newest event (0 before any): where a new consumer's cursor starts."""
    return ChangeEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
