"""Reads that are more than a one-line queryset."""

from collections import Counter
from dataclasses import dataclass
from datetime import UTC as _UTC

from django.db.models import Exists, OuterRef

from . import spans, workflow
from .models import Claim, Evidence, ReviewNote, Source


@dataclass(frozen=True)
class Piece:
    """A run of article text and the claims that cover it (innermost first)."""

    text: str
    claims: list

    @property
    def claim(self):
        return self.claims[0] if self.claims else None


def annotated_article(source: Source) -> dict:
    """The article cut into pieces at claim boundaries, with a legend of counts per status.

    Orphaned claims have no place in the current text and are listed apart.
    """
    claims = list(
        source.claims.only("id", "span_start", "span_end", "status", "statement", "anchor_state", "kind").order_by(
            "span_start", "span_end", "id"
        )
    )
    placed = [c for c in claims if c.anchor_state != Claim.AnchorState.ORPHANED]
    pieces = [
        Piece(source.text[start:end], covering)
        for start, end, covering in spans.segments(len(source.text), [(c.span_start, c.span_end, c) for c in placed])
    ]
    counts = Counter(c.status for c in claims)
    legend = [(status, status.label, counts.get(status.value, 0)) for status in workflow.Status]
    return {
        "pieces": pieces,
        "legend": legend,
        "total": len(claims),
        "orphaned": [c for c in claims if c.anchor_state == Claim.AnchorState.ORPHANED],
    }


def with_evidence_flag(queryset):
    """Annotate claims with ``has_evidence`` as one subquery, not a query per row."""
    return queryset.annotate(has_evidence=Exists(Evidence.objects.filter(claim=OuterRef("pk"))))


# -- the API's claim list, read without model instances --------------------------------------
# Building a model instance and running a ModelSerializer per row was most of a list
# request's time; the list reads plain rows and shapes them exactly as ClaimSerializer does
# (tests/test_api_read.py compares the two on every demo claim). Writes keep the serializer.

CLAIM_COLUMNS = [
    "id", "source_id", "source__url", "source__title", "span_start", "span_end", "quote", "prefix", "suffix",
    "statement", "kind", "subject", "value", "unit", "qualifier", "as_of", "as_of_precision", "status",
    "anchor_state", "origin", "confidence", "reviewed_at", "created_at", "updated_at", "version",
]  # fmt: skip
EVIDENCE_COLUMNS = [
    "id", "claim_id", "url", "title", "publisher", "stance", "value_found", "retrieved_on", "note", "created_at",
]  # fmt: skip


def claim_values(queryset, *, editor: bool):
    """The claim list's rows as dicts (one query, the source's url and title joined in)."""
    columns = [*CLAIM_COLUMNS, "reviewed_by__username"] if editor else CLAIM_COLUMNS
    return queryset.values(*columns)


def _decimal(value) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _datetime(value) -> str | None:
    if value is None:
        return None
    text = value.astimezone(_UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _date(value) -> str | None:
    return None if value is None else value.isoformat()


def claim_rows(rows: list[dict], *, editor: bool) -> list[dict]:
    """Shape claim rows (from claim_values) as the API's claim JSON, with evidence and, for
    editors, notes and reviewer: two more queries whatever the page size."""
    ids = [row["id"] for row in rows]
    evidence: dict[int, list] = {claim_id: [] for claim_id in ids}
    for item in Evidence.objects.filter(claim_id__in=ids).order_by("created_at", "id").values(*EVIDENCE_COLUMNS):
        evidence[item["claim_id"]].append(
            {
                "id": item["id"], "url": item["url"], "title": item["title"], "publisher": item["publisher"],
                "stance": item["stance"], "value_found": _decimal(item["value_found"]),
                "retrieved_on": _date(item["retrieved_on"]), "note": item["note"],
                "created_at": _datetime(item["created_at"]),
            }
        )  # fmt: skip
    notes: dict[int, list] = {claim_id: [] for claim_id in ids}
    if editor:
        for note in (
            ReviewNote.objects.filter(claim_id__in=ids)
            .order_by("created_at", "id")
            .values("id", "claim_id", "author__username", "body", "created_at")
        ):
            notes[note["claim_id"]].append(
                {"id": note["id"], "author": note["author__username"], "body": note["body"],
                 "created_at": _datetime(note["created_at"])}
            )  # fmt: skip
    result = []
    for row in rows:
        item = {
            "id": row["id"], "source": row["source_id"], "source_url": row["source__url"],
            "source_title": row["source__title"], "span_start": row["span_start"], "span_end": row["span_end"],
            "quote": row["quote"], "prefix": row["prefix"], "suffix": row["suffix"], "statement": row["statement"],
            "kind": row["kind"], "subject": row["subject"], "value": _decimal(row["value"]), "unit": row["unit"],
            "qualifier": row["qualifier"], "as_of": _date(row["as_of"]), "as_of_precision": row["as_of_precision"],
            "status": row["status"], "anchor_state": row["anchor_state"], "origin": row["origin"],
            "confidence": row["confidence"], "evidence": evidence[row["id"]],
            "reviewed_at": _datetime(row["reviewed_at"]), "created_at": _datetime(row["created_at"]),
            "updated_at": _datetime(row["updated_at"]), "version": row["version"],
        }  # fmt: skip
        if editor:
            item["notes"] = notes[row["id"]]
            item["reviewed_by"] = row["reviewed_by__username"]
        result.append(item)
    return result
