"""Reads that are more than a one-line queryset."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from . import spans, workflow
from .models import Claim, Evidence, Source


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
