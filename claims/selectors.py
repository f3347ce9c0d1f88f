"""Reads that are more than a one-line queryset."""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramSimilarity
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from . import extraction, matching, spans, workflow
from .models import FACT_FIELDS, Claim, Evidence, Fact, FactMatch, Source
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


# -- facts: the candidates matching scores --------------------------------------------------

# How many facts each way of finding candidates brings, at most: by quantity (unit and value near
# the claim's) and by words (full-text and trigrams on PostgreSQL). Matching scores them all.
CANDIDATES_BY_QUANTITY = 60
CANDIDATES_BY_WORDS = 40
# The expression of the GIN index migration 0011 made (fact_search_gin_idx), so searches use it.
FACT_SEARCH_VECTOR = SearchVector("statement", "subject", config="english")
FACT_COLUMNS = ("id", *FACT_FIELDS)


def checkable(row: dict) -> matching.Checkable:
    """What matching reads of a claim or a fact (a model instance or a values() row)."""
    return matching.Checkable(**{name: row[name] or ("" if name not in ("value", "as_of") else None)
                                 for name in FACT_FIELDS})  # fmt: skip


def checkable_of(instance: Claim | Fact) -> matching.Checkable:
    return checkable({name: getattr(instance, name) for name in FACT_FIELDS})


def fact_candidates(
    item: matching.Checkable, *, exclude: Iterable[int] = (), facts: QuerySet[Fact] | None = None
) -> list[tuple[int, matching.Checkable]]:
    """The known facts worth scoring for ``item``: those measuring in a comparable unit with a value
    near its own (the (unit, value) index), and those whose words are alike (PostgreSQL's GIN
    indexes; on SQLite, every fact, which is what a small database holds). ``facts`` narrows
    where they are looked for (a search: the facts its caller may see and its filters keep)."""
    pool = Fact.objects.all() if facts is None else facts
    excluded = set(exclude)
    found: dict[int, dict] = {}
    windows = matching.value_windows(item)
    if windows:
        near = Q()
        for unit, low, high in windows:
            near |= Q(unit=unit, value__gte=low, value__lte=high)
        by_value = pool.filter(near).exclude(pk__in=excluded)
        for row in by_value.values(*FACT_COLUMNS)[:CANDIDATES_BY_QUANTITY]:
            found[row["id"]] = row
    for row in _facts_alike(item.statement, excluded, pool):
        found.setdefault(row["id"], row)
    return [(pk, checkable(row)) for pk, row in found.items()]


def _facts_alike(text: str, excluded: set[int], pool: QuerySet[Fact]) -> list[dict]:
    """Facts of ``pool`` whose statements share words with ``text``."""
    terms = sorted(matching.words(text))
    if not terms:
        return []
    facts = pool.exclude(pk__in=excluded)
    if connection.vendor != "postgresql":
        return list(facts.values(*FACT_COLUMNS))
    query = SearchQuery(" | ".join(re.sub(r"[^a-z0-9]", "", term) for term in terms if re.sub(r"[^a-z0-9]", "", term)),
                        search_type="raw", config="english")  # fmt: skip
    by_words = (
        facts.annotate(search=FACT_SEARCH_VECTOR)
        .filter(search=query)
        .annotate(rank=SearchRank(FACT_SEARCH_VECTOR, query))
        .order_by("-rank", "id")
        .values(*FACT_COLUMNS)[:CANDIDATES_BY_WORDS]
    )
    by_trigrams = (
        facts.filter(statement__trigram_similar=text)
        .annotate(similarity=TrigramSimilarity("statement", text))
        .order_by("-similarity", "id")
        .values(*FACT_COLUMNS)[:CANDIDATES_BY_WORDS]
    )
    return [*by_words, *by_trigrams]


def fact_suggestions(item: matching.Checkable, *, exclude: Iterable[int] = ()) -> list[tuple[int, matching.Match]]:
    """The facts matching suggests for ``item``, best first."""
    return matching.rank(item, fact_candidates(item, exclude=exclude))


# -- facts: what the API shows of them, and the search for them ----------------------------


# What an appearance shows of its claim and its article.
APPEARANCE_COLUMNS = (
    "id", "fact_id", "span_start", "span_end", "quote", "status", "created_at", "source__id", "source__url",
    "source__title", "source__publisher", "source__published_on",
)  # fmt: skip


def appearances(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """``claims`` as appearances of their facts, with their sources, the first appearance first:
    by its source's publication date (undated sources last), then by when the claim was made."""
    return (
        claims.select_related("source")
        .only(*APPEARANCE_COLUMNS)
        .order_by(F("source__published_on").asc(nulls_last=True), "created_at", "id")
    )


def with_appearances(facts: QuerySet[Fact], claims: QuerySet[Claim]) -> QuerySet[Fact]:
    """``facts``, each with ``appearances``: those of ``claims`` that are its appearances, first
    first. One query for the facts and one for all their appearances, whatever their number."""
    return facts.prefetch_related(Prefetch("claims", queryset=appearances(claims), to_attr="appearances"))


# A search result shows from this score on: below it the fact holds too few of the search's words.
SEARCH_FROM = 0.3


def search_checkable(q: str) -> matching.Checkable:
    """A search as matching reads it: its words, and the figure, unit and date the extractor finds
    in it ("Japan defense budget $50 billion 2020": USD 50000000000 as of 2020)."""
    found = extraction.extract(q, limit=8).candidates
    figure = next((c for c in found if c.unit != "year"), None)  # a bare year says when, not what
    dated = next((c for c in found if c.as_of is not None), None)
    as_of, precision = (dated.as_of, dated.as_of_precision) if dated else (None, "")
    subject = next((c.subject for c in found if c.subject), "")
    if figure is None:
        return matching.Checkable(statement=q, subject=subject, kind="factual", as_of=as_of, as_of_precision=precision)
    return matching.Checkable(
        statement=q, subject=subject, kind="quantitative", value=figure.value, unit=figure.unit,
        qualifier=figure.qualifier, as_of=as_of, as_of_precision=precision,
    )  # fmt: skip


def fact_search(q: str, *, facts: QuerySet[Fact], limit: int) -> list[tuple[int, float]]:
    """ "Has this been checked?": the facts of ``facts`` that answer the search ``q``, as (id,
    score), best first (ties by id), at most ``limit``. Candidates come from the indexes matching
    uses (``fact_candidates``); every score from ``matching.search_score``."""
    item = search_checkable(q)
    scored = []
    for pk, fact in fact_candidates(item, facts=facts):
        score = matching.search_score(item, fact)
        if score is not None and score >= SEARCH_FROM:
            scored.append((pk, score))
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored[:limit]


def claim_matches(claim: Claim) -> list[FactMatch]:
    """The facts suggested for ``claim`` and not yet decided, best first (its own fact left out),
    each fact with ``appearances`` (its claims, by id). Two queries, whatever their number."""
    return list(
        FactMatch.objects.filter(claim=claim, state=FactMatch.State.SUGGESTED)
        .exclude(fact_id=claim.fact_id)
        .select_related("fact")
        .prefetch_related(
            Prefetch("fact__claims", queryset=Claim.objects.only("id", "fact_id").order_by("id"), to_attr="appearances")
        )
        .order_by("-score", "fact_id")
    )
