"""Reads that are more than a one-line queryset."""

from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from . import spans, workflow
from .models import Claim, Evidence, Source
from .params import column_value


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


class SelectionRefused(ValueError):
    """A browser selection that cannot become a span; ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def selection_span(source_id: str, utf16_start: str, utf16_end: str) -> tuple[Source, int, int]:
    """The source and the code-point span of a selection the browser gave in UTF-16 offsets
    (the annotated article's "add a claim"); SelectionRefused when there is no such source or
    the offsets do not fall on its characters."""
    try:
        source = Source.objects.filter(pk=column_value(Source._meta.pk, source_id)).first()
    except ValidationError:
        source = None
    if source is None:
        raise SelectionRefused(f"there is no source {source_id[:40]!r}.")
    try:
        span_start = spans.utf16_to_codepoint(source.text, int(utf16_start), field="span_start")
        span_end = spans.utf16_to_codepoint(source.text, int(utf16_end), field="span_end")
    except (ValueError, spans.SpanError) as exc:
        raise SelectionRefused(getattr(exc, "message", str(exc))) from None
    return source, span_start, span_end


def with_evidence_flag(queryset):
    """Annotate claims with ``has_evidence`` as one subquery, not a query per row."""
    return queryset.annotate(has_evidence=Exists(Evidence.objects.filter(claim=OuterRef("pk"))))
