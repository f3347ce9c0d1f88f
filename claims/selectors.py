"""Reads that are more than a one-line queryset."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from . import spans, workflow
from .models import Claim, Evidence, Source


@dataclass(frozen=True, slots=True)
class MarkedClaim:
    """What the annotated article shows of a claim: read as a plain row, not a model instance."""

    pk: int
    span_start: int
    span_end: int
    status: str
    statement: str
    anchor_state: str


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of article text and the claims that cover it (innermost first)."""

    text: str
    claims: list

    @property
    def claim(self):
        return self.claims[0] if self.claims else None


def annotated_article(source: Source) -> dict:
    """The article cut into pieces at claim boundaries, with a legend of counts per status.

    Orphaned claims have no place in the current text and are listed apart. One query for
    all the claims, whatever their number.
    """
    rows = (
        Claim.objects.filter(source_id=source.pk)
        .order_by("span_start", "span_end", "id")
        .values_list("id", "span_start", "span_end", "status", "statement", "anchor_state")
    )
    claims = [MarkedClaim(*row) for row in rows]
    placed = [c for c in claims if c.anchor_state != Claim.AnchorState.ORPHANED]
    text = source.text
    pieces = [
        Piece(text[start:end], covering)
        for start, end, covering in spans.segments(len(text), [(c.span_start, c.span_end, c) for c in placed])
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
