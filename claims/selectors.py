"""Reads that are more than a one-line queryset."""

import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL

from . import extraction, matching, spans, workflow
from .claimreview import first_appearance_order
from .models import FACT_FIELDS, ChangeEvent, Claim, Evidence, Fact, FactMatch, Source
from .numbers import plain_decimal
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
    suggestion: str = ""  # a FactMatch.Relation when matching suggests a known fact (conflicts first)


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

    Orphaned claims have no place in the current text and are listed apart. Each claim says
    whether matching suggests a known fact it repeats or contradicts, counted in ``suggested``.
    One query for all the claims, whatever their number.
    """
    suggested = FactMatch.objects.filter(claim=OuterRef("pk"), state=FactMatch.State.SUGGESTED)
    rows = (
        Claim.objects.filter(source_id=source.pk)
        .order_by("span_start", "span_end", "id")
        .annotate(
            conflicting=Exists(suggested.filter(relation=FactMatch.Relation.CONFLICTS)),
            matching=Exists(suggested.filter(relation=FactMatch.Relation.SAME)),
        )
        .values_list("id", "span_start", "span_end", "status", "statement", "anchor_state", "conflicting", "matching")
    )
    claims = [
        MarkedClaim(pk, start, end, status, statement, anchor,
                    FactMatch.Relation.CONFLICTS if conflicting else FactMatch.Relation.SAME if same else "")
        for pk, start, end, status, statement, anchor, conflicting, same in rows
    ]  # fmt: skip
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
        "suggested": Counter(c.suggestion for c in claims if c.suggestion),
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
FACT_COLUMNS = ("id", *FACT_FIELDS)


def checkable(row: dict) -> matching.Checkable:
    """What matching reads of a claim or a fact (a model instance or a values() row)."""
    return matching.Checkable(
        statement=row["statement"] or "",
        subject=row["subject"] or "",
        kind=row["kind"] or "",
        value=row["value"],
        unit=row["unit"] or "",
        qualifier=row["qualifier"] or "",
        as_of=row["as_of"],
        as_of_precision=row["as_of_precision"] or "",
    )


def checkable_of(instance: Claim | Fact) -> matching.Checkable:
    return checkable({name: getattr(instance, name) for name in FACT_FIELDS})


def fact_candidates(
    item: matching.Checkable,
    *,
    exclude: Iterable[int] = (),
    facts: QuerySet[Fact] | None = None,
    by_value: bool = True,
) -> list[tuple[int, matching.Checkable]]:
    """The known facts worth scoring for ``item``; ``facts`` narrows where they are looked for
    (a search: the facts its caller may see and its filters keep); without ``by_value``, only
    facts sharing its words (a search scores no fact that holds none of them).

    On PostgreSQL: for a figure, the facts whose values lie nearest in each comparable unit (the
    (unit, value) index) and, among the facts within matching's window of its value, those sharing
    its words best (that index and the full-text GIN index together); for a statement without a
    figure, the facts sharing its words best. On SQLite, every fact: what a small database holds.
    """
    pool = (Fact.objects.all() if facts is None else facts).exclude(pk__in=set(exclude)).order_by()
    if connection.vendor != "postgresql":
        rows = list(pool.values(*FACT_COLUMNS))
    elif item.quantitative and by_value:
        rows = _facts_near(item, pool) + _facts_alike(item, pool.filter(_window(item)))
    elif item.quantitative:
        # Within a figure's window one shared word is enough: the window is what narrows them.
        rows = _facts_alike(item, pool.filter(_window(item)), pairs=False, spellings=True)
    else:
        rows = _facts_alike(item, pool, spellings=not by_value)
    found: dict[int, dict] = {}
    for row in rows:
        found.setdefault(row["id"], row)
    return [(pk, checkable(row)) for pk, row in found.items()]


def _window(item: matching.Checkable) -> Q:
    """The facts measuring in a unit comparable with ``item``'s, within matching's window of its value."""
    near = Q()
    for unit, low, high in matching.value_windows(item):
        near |= Q(unit=unit, value__gte=low, value__lte=high)
    return near


def _facts_near(item: matching.Checkable, facts: QuerySet[Fact]) -> list[dict]:
    """The facts whose values lie nearest ``item``'s, above and below, in each comparable unit and
    within matching's window: two walks of the (unit, value) index per unit, in one query."""
    windows = matching.value_windows(item)
    assert item.value is not None
    each = max(1, CANDIDATES_BY_QUANTITY // (2 * len(windows)))
    walks = []
    for unit, low, high in windows:
        center = min(max(item.value * Decimal(str(matching.scale(item.unit)[1] / matching.scale(unit)[1])), low), high)
        in_unit = facts.filter(unit=unit)
        walks.append(in_unit.filter(value__gte=center, value__lte=high).order_by("value").values(*FACT_COLUMNS)[:each])
        walks.append(in_unit.filter(value__lt=center, value__gte=low).order_by("-value").values(*FACT_COLUMNS)[:each])
    return list(walks[0].union(*walks[1:], all=True))


def _facts_alike(
    item: matching.Checkable, facts: QuerySet[Fact], *, pairs: bool = True, spellings: bool = False
) -> list[dict]:
    """The facts of ``facts`` sharing two of ``item``'s words (or its one word), best ranked first.
    Ranking reads every row it ranks, so it ranks the first WORDS_SCANNED facts holding the words:
    on a large database the words of a common measure are in thousands of facts."""
    query = search_query(item.statement, pairs=pairs, spellings=spellings)
    if not query:
        return []
    holding = facts.filter(RawSQL("claims_fact.search_vector @@ to_tsquery('english', %s)", [query], BooleanField()))
    # One query: the facts holding the words, WORDS_SCANNED of them at most, joined back and ranked.
    ids = holding.values_list("pk")
    if len(ids.query.alias_map) > 1:
        ids = ids.distinct()  # a filter through appearances (a search's publisher) repeats facts
    inner, params = ids[:WORDS_SCANNED].query.sql_with_params()
    columns = ", ".join(f'claims_fact."{name}"' for name in FACT_COLUMNS)
    sql = (
        f"SELECT {columns} FROM claims_fact JOIN ({inner}) AS holding (id) ON holding.id = claims_fact.id "
        "ORDER BY ts_rank(claims_fact.search_vector, to_tsquery('english', %s)) DESC, claims_fact.id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, query, CANDIDATES_BY_WORDS])
        return [dict(zip(FACT_COLUMNS, row, strict=True)) for row in cursor.fetchall()]


WORDS_SCANNED = 500
# Words of a statement the full-text query asks for, at most: the longest, which say most (six
# words, fifteen pairs, took a p99 of 50 ms per claim on 100,000 facts; four take 43 ms).
SEARCH_TERMS = 4


def search_query(text: str, *, pairs: bool = True, spellings: bool = False) -> str:
    """A tsquery for facts sharing at least two of ``text``'s content words (``pairs``), or one of
    them: "(defense & budget) | (defense & record) | ...". Names of subjects are left out: "North
    Korea" is in half the facts, and the subject is compared apart."""
    terms: set[str] = set()
    for word in matching.words(text) - matching.parties(text):
        terms.update(
            part for part in re.split(r"[^a-z0-9]+", word) if len(part) >= 3 and part not in matching.STOPWORDS
        )
    chosen = sorted(terms, key=lambda term: (-len(term), term))[:SEARCH_TERMS]
    # A fact's tsvector holds its own words, not matching's canonical ones: a search (``spellings``)
    # asks for "defense" as any word matching reads as it ("military", "defence"). Matching a claim
    # does not (the longer query took its p99 from 43 to 63 ms); its figure's walks find those facts.
    groups = [_spellings(term) if spellings else term for term in sorted(chosen)]
    if len(groups) < 2 or not pairs:
        return " | ".join(groups)
    return " | ".join(f"({a} & {b})" for a, b in itertools.combinations(groups, 2))


def _spellings(term: str) -> str:
    words = {term} | {word for word, canonical in matching.SYNONYMS.items() if canonical == term}
    words = {re.sub(r"[^a-z0-9]", "", word) for word in words} - {""}
    return words.pop() if len(words) == 1 else "(" + " | ".join(sorted(words)) + ")"


def fact_suggestions(
    item: matching.Checkable, *, exclude: Iterable[int] = (), facts: QuerySet[Fact] | None = None
) -> list[tuple[int, matching.Match]]:
    """The facts of ``facts`` (all by default) matching suggests for ``item``, best first."""
    return matching.rank(item, fact_candidates(item, exclude=exclude, facts=facts))


# -- facts in the admin: what an editor decides on ------------------------------------------


def open_conflicts():
    """Conflicts matching suggested that no editor has resolved: each flags its claim and every
    appearance of its fact."""
    return FactMatch.objects.filter(relation=FactMatch.Relation.CONFLICTS, state=FactMatch.State.SUGGESTED)


def claims_in_conflict(queryset, *, flagged: bool = True):
    """The claims of ``queryset`` with an open conflict (``flagged``) or without one: as the
    conflict's claim, or as an appearance of its fact. Subqueries, not a query per claim."""
    conflict = Exists(open_conflicts().filter(claim=OuterRef("pk"))) | Exists(
        open_conflicts().filter(fact=OuterRef("fact_id"))
    )
    return queryset.filter(conflict if flagged else ~conflict)


def facts_in_conflict(queryset, *, flagged: bool = True):
    """The facts of ``queryset`` with an open conflict, or without one: one suggested against
    the fact, or raised by one of its appearances."""
    conflict = Exists(open_conflicts().filter(fact=OuterRef("pk"))) | Exists(
        open_conflicts().filter(claim__fact=OuterRef("pk"))
    )
    return queryset.filter(conflict if flagged else ~conflict)


def _appearances_of(fact_ids: Iterable[int]) -> dict[int, list[Claim]]:
    """Each fact's appearances with their sources (not the sources' texts), oldest first."""
    found: dict[int, list[Claim]] = {pk: [] for pk in fact_ids}
    rows = (
        Claim.objects.filter(fact_id__in=found)
        .select_related("source")
        .only("id", "fact_id", "status", "statement", "quote", "source__id", "source__title", "source__url")
        .order_by("fact_id", "id")
    )
    for claim in rows:
        found[claim.fact_id].append(claim)
    return found


@dataclass
class Suggestion:
    """A suggested match as the claim page shows it: the match, its fact, the fact's appearances."""

    match: FactMatch
    appearances: list[Claim]

    @property
    def fact(self) -> Fact:
        return self.match.fact

    @property
    def quantity(self) -> str:
        fact = self.match.fact
        return "" if fact.value is None else f"{plain_decimal(fact.value)} {fact.unit}"


@dataclass
class ClaimFacts:
    """What the claim page shows of facts: the claim's own fact and its other appearances, the
    known facts matching suggests (best first), and the open conflicts flagging the claim."""

    fact: Fact
    others: list[Claim]
    suggestions: list[Suggestion]
    conflicts: list[FactMatch]  # this claim contradicts their facts
    conflicts_of_fact: list[FactMatch]  # other claims contradict this claim's fact


def claim_facts(claim: Claim) -> ClaimFacts:
    """The claim page's facts panel, in four queries whatever the number of matches."""
    fact = Fact.objects.select_related("reviewed_by").get(pk=claim.fact_id)
    matches = list(
        FactMatch.objects.filter(claim_id=claim.pk, state=FactMatch.State.SUGGESTED)
        .select_related("fact", "fact__reviewed_by")
        .order_by("-score", "fact_id")
    )
    against = list(
        open_conflicts()
        .filter(fact_id=claim.fact_id)
        .exclude(claim_id=claim.pk)
        .select_related("claim__source")
        .defer("claim__source__text")
        .order_by("claim_id")
    )
    appearances = _appearances_of({claim.fact_id, *(match.fact_id for match in matches)})
    return ClaimFacts(
        fact=fact,
        others=[other for other in appearances[claim.fact_id] if other.pk != claim.pk],
        suggestions=[Suggestion(match, appearances[match.fact_id]) for match in matches],
        conflicts=[match for match in matches if match.relation == FactMatch.Relation.CONFLICTS],
        conflicts_of_fact=against,
    )


@dataclass
class FactRecord:
    """What the fact page shows: its appearances, and the open matches naming it or its appearances."""

    appearances: list[Claim]
    suggested: list[FactMatch]  # claims matching suggests as repeating or contradicting this fact
    raised: list[FactMatch]  # open conflicts one of its appearances raises against another fact


def fact_record(fact: Fact) -> FactRecord:
    base = FactMatch.objects.filter(state=FactMatch.State.SUGGESTED).select_related("claim__source", "fact")
    base = base.defer("claim__source__text")
    return FactRecord(
        appearances=_appearances_of([fact.pk])[fact.pk],
        suggested=list(base.filter(fact_id=fact.pk).order_by("-score", "claim_id")),
        raised=list(
            base.filter(claim__fact_id=fact.pk, relation=FactMatch.Relation.CONFLICTS).order_by("claim_id", "fact_id")
        ),
    )


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
    for pk, fact in fact_candidates(item, facts=facts, by_value=False):
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


# -- the public pages: fact checks, the articles they come from, and the ClaimReview feed -------


def public_claims() -> QuerySet[Claim]:
    """Claims with a verdict (found unverifiable included): the only ones the public pages show."""
    return Claim.objects.filter(status__in=workflow.PUBLIC)


def fact_checks(*, q: str = "", verdict: str = "", source: int | None = None, publisher: str = "") -> QuerySet[Claim]:
    """Public claims, newest verdict first, with their articles: those whose statement, quote or
    subject holds ``q`` (case-insensitive), with ``verdict``, from ``source`` or ``publisher``."""
    claims = public_claims().select_related("source").defer("source__text")
    if q:
        claims = claims.filter(Q(statement__icontains=q) | Q(quote__icontains=q) | Q(subject__icontains=q))
    if verdict:
        claims = claims.filter(status=verdict)
    if source is not None:
        claims = claims.filter(source_id=source)
    if publisher:
        claims = claims.filter(source__publisher=publisher)
    return claims.order_by(F("reviewed_at").desc(nulls_last=True), "-id")


def with_a_public_claim(sources: QuerySet[Source]) -> QuerySet[Source]:
    """``sources`` narrowed to the articles with at least one public claim: what the public may see
    of sources, in the API and on the public pages."""
    return sources.filter(Exists(public_claims().filter(source_id=OuterRef("pk"))))


def public_sources() -> list[Source]:
    """Articles with at least one public claim, by title."""
    return list(with_a_public_claim(Source.objects.only("id", "title", "publisher")).order_by("title", "id"))


def public_appearances(fact_ids: Iterable[int]) -> dict[int, list[Claim]]:
    """The public appearances of each fact, first appearance first, in one query."""
    found: dict[int, list[Claim]] = {}
    for claim in appearances(public_claims().filter(fact_id__in=list(fact_ids))):
        found.setdefault(claim.fact_id, []).append(claim)
    return found


@dataclass(frozen=True, slots=True)
class FactCheck:
    """What a fact-check page shows: the claim (with its article and evidence) and every public
    appearance of its fact, this one included, first appearance first."""

    claim: Claim
    evidence: list[Evidence]
    appearances: list[Claim]

    @property
    def others(self) -> list[Claim]:
        return [c for c in self.appearances if c.pk != self.claim.pk]


def fact_check(pk: int) -> FactCheck | None:
    """The public claim ``pk`` as its fact-check page shows it, or None when there is no such public
    claim. Three queries: the claim and its article, its evidence, its fact's appearances."""
    claim = public_claims().select_related("source").filter(pk=pk).first()
    if claim is None:
        return None
    evidence = list(claim.evidence.order_by("created_at", "id"))
    return FactCheck(claim, evidence, public_appearances([claim.fact_id]).get(claim.fact_id, [claim]))


@dataclass(frozen=True, slots=True)
class PublicArticle:
    """An article with its public claims cut into pieces (see annotated_article) and how many claims
    each verdict has."""

    source: Source
    pieces: list[Piece]
    counts: dict[str, int]


def public_article(pk: int) -> PublicArticle | None:
    """The article ``pk`` with its public claims, or None when it has none (then it is not public).
    Two queries: the article, its public claims."""
    source = Source.objects.filter(pk=pk).first()
    if source is None:
        return None
    claims = list(
        public_claims()
        .filter(source_id=source.pk)
        .exclude(anchor_state=Claim.AnchorState.ORPHANED)
        .order_by("span_start", "span_end", "id")
        .only("id", "span_start", "span_end", "status", "statement")
    )
    if not claims:
        return None
    text = source.text
    pieces = [
        Piece(text[start:end], covering)
        for start, end, covering in spans.segments(len(text), [(c.span_start, c.span_end, c) for c in claims])
    ]
    return PublicArticle(source, pieces, dict(Counter(c.status for c in claims)))


# What a ClaimReview shows of a claim and its article.
FEED_COLUMNS = (
    "id", "fact_id", "statement", "status", "reviewed_at", "rationale", "quote", "created_at", "updated_at",
    "source__id", "source__url", "source__title", "source__publisher", "source__published_on",
)  # fmt: skip


def claim_review_feed() -> list[Claim]:
    """Every public claim with its article and ``appearances`` (its fact's public appearances,
    first first), newest verdict first: the DataFeed of ClaimReviews, in one query."""
    claims = list(
        public_claims()
        .select_related("source")
        .only(*FEED_COLUMNS)
        .order_by(F("reviewed_at").desc(nulls_last=True), "-id")
    )
    by_fact: dict[int, list[Claim]] = {}
    for claim in claims:
        by_fact.setdefault(claim.fact_id, []).append(claim)
    for group in by_fact.values():
        group.sort(key=first_appearance_order)
    for claim in claims:
        claim.appearances = by_fact[claim.fact_id]  # type: ignore[attr-defined]
    return claims


def last_public_change():
    """When the public set last changed (the newest change event), or None before any."""
    return ChangeEvent.objects.order_by("-seq").values_list("at", flat=True).first()
