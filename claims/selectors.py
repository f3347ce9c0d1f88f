"""Reads that are more than a one-line queryset."""

from collections import Counter
from dataclasses import dataclass

import orjson
from django.db import connection
from django.db.models import Exists, OuterRef
from django.db.models.expressions import RawSQL

from . import spans, workflow
from .models import Claim, Evidence, ReviewNote, Source
from .numbers import plain_decimal


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


def claim_json(queryset, pk: int, *, editor: bool) -> tuple[object, int] | None:
    """One claim as the API's JSON and its version (for the ETag), or None when ``queryset``
    does not hold it: the list's single query, for the detail."""
    rows = list(claim_values(queryset.filter(pk=pk), editor=editor))
    return (claim_rows(rows, editor=editor)[0], rows[0]["version"]) if rows else None


def claim_values(queryset, *, editor: bool):
    """The claim list's rows as dicts, in one query.

    On PostgreSQL each row carries the claim's finished JSON (``doc``, built by the database,
    evidence and notes included) next to the columns the cursor pages on; elsewhere the row
    holds the columns, with the source's url and title joined in, for ``claim_rows``.
    """
    if connection.vendor == "postgresql":
        keys = dict.fromkeys(["id", "version", *(field.lstrip("-") for field in queryset.query.order_by)])
        return queryset.values(*keys, doc=RawSQL(_claim_json_sql(editor), []))
    columns = [*CLAIM_COLUMNS, "reviewed_by__username"] if editor else CLAIM_COLUMNS
    return queryset.values(*columns)


# -- PostgreSQL: the claim JSON written by the database ----------------------------------------
# Reading 50 claims, their evidence and notes into Python objects (above all psycopg's
# datetimes) cost more than the rest of a list request together; PostgreSQL writes the same
# JSON in a fraction of that. The formats are DRF's: decimals as plain strings without trailing
# zeros, datetimes in UTC with "Z" and microseconds only when there are some.
# tests/test_api_read.py compares every demo claim with ClaimSerializer on both databases.


def _iso(column: str) -> str:
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN mod(extract(microseconds FROM {column}), "
        f"1000000) = 0 THEN '' ELSE to_char({utc}, '.US') END || 'Z')"
    )


def _plain(column: str) -> str:
    return f"trim_scale({column})::text"


def _object(pairs: list[tuple[str, str]]) -> str:
    """json_build_object, which keeps the keys in order (jsonb would sort them)."""
    return "json_build_object(" + ", ".join(f"'{key}', {sql}" for key, sql in pairs) + ")"


def _claim_json_sql(editor: bool) -> str:
    claim = "claims_claim"
    evidence = _object(
        [("id", "e.id"), ("url", "e.url"), ("title", "e.title"), ("publisher", "e.publisher"), ("stance", "e.stance"),
         ("value_found", _plain("e.value_found")), ("retrieved_on", "e.retrieved_on"), ("note", "e.note"),
         ("created_at", _iso("e.created_at"))]
    )  # fmt: skip
    pairs = [
        ("id", f"{claim}.id"), ("source", f"{claim}.source_id"),
        ("source_url", f"(SELECT s.url FROM claims_source s WHERE s.id = {claim}.source_id)"),
        ("source_title", f"(SELECT s.title FROM claims_source s WHERE s.id = {claim}.source_id)"),
        *[(name, f"{claim}.{name}") for name in ("span_start", "span_end", "quote", "prefix", "suffix", "statement",
                                                 "kind", "subject")],
        ("value", _plain(f"{claim}.value")), ("unit", f"{claim}.unit"), ("qualifier", f"{claim}.qualifier"),
        ("as_of", f"{claim}.as_of"), ("as_of_precision", f"{claim}.as_of_precision"), ("status", f"{claim}.status"),
        ("anchor_state", f"{claim}.anchor_state"), ("origin", f"{claim}.origin"),
        ("confidence", f"{claim}.confidence"),
        ("evidence", f"COALESCE((SELECT json_agg({evidence} ORDER BY e.created_at, e.id) FROM claims_evidence e "
                     f"WHERE e.claim_id = {claim}.id), '[]'::json)"),
        ("reviewed_at", _iso(f"{claim}.reviewed_at")), ("created_at", _iso(f"{claim}.created_at")),
        ("updated_at", _iso(f"{claim}.updated_at")), ("version", f"{claim}.version"),
    ]  # fmt: skip
    if editor:
        note = _object(
            [("id", "n.id"), ("author", "u.username"), ("body", "n.body"), ("created_at", _iso("n.created_at"))]
        )
        pairs += [
            ("notes", f"COALESCE((SELECT json_agg({note} ORDER BY n.created_at, n.id) FROM claims_reviewnote n "
                      f"LEFT JOIN auth_user u ON u.id = n.author_id WHERE n.claim_id = {claim}.id), '[]'::json)"),
            ("reviewed_by", f"(SELECT u.username FROM auth_user u WHERE u.id = {claim}.reviewed_by_id)"),
        ]  # fmt: skip
    return f"{_object(pairs)}::text"


def claim_rows(rows: list[dict], *, editor: bool) -> list[dict] | list[orjson.Fragment]:
    """Shape claim rows (from claim_values) as the API's claim JSON, with evidence and, for
    editors, notes and reviewer: two more queries whatever the page size.

    Dates and datetimes stay as the database returned them (UTC); the API's renderer writes
    them as DRF's fields would (claims.api.renderers). Rows PostgreSQL already wrote as JSON are
    passed through as they are.
    """
    if rows and "doc" in rows[0]:
        return [orjson.Fragment(row["doc"]) for row in rows]
    ids = [row["id"] for row in rows]
    evidence: dict[int, list] = {claim_id: [] for claim_id in ids}
    for item in Evidence.objects.filter(claim_id__in=ids).order_by("created_at", "id").values(*EVIDENCE_COLUMNS):
        evidence[item["claim_id"]].append(
            {
                "id": item["id"], "url": item["url"], "title": item["title"], "publisher": item["publisher"],
                "stance": item["stance"], "value_found": plain_decimal(item["value_found"]),
                "retrieved_on": item["retrieved_on"], "note": item["note"],
                "created_at": item["created_at"],
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
                 "created_at": note["created_at"]}
            )  # fmt: skip
    result = []
    for row in rows:
        item = {
            "id": row["id"], "source": row["source_id"], "source_url": row["source__url"],
            "source_title": row["source__title"], "span_start": row["span_start"], "span_end": row["span_end"],
            "quote": row["quote"], "prefix": row["prefix"], "suffix": row["suffix"], "statement": row["statement"],
            "kind": row["kind"], "subject": row["subject"], "value": plain_decimal(row["value"]), "unit": row["unit"],
            "qualifier": row["qualifier"], "as_of": row["as_of"], "as_of_precision": row["as_of_precision"],
            "status": row["status"], "anchor_state": row["anchor_state"], "origin": row["origin"],
            "confidence": row["confidence"], "evidence": evidence[row["id"]],
            "reviewed_at": row["reviewed_at"], "created_at": row["created_at"],
            "updated_at": row["updated_at"], "version": row["version"],
        }  # fmt: skip
        if editor:
            item["notes"] = notes[row["id"]]
            item["reviewed_by"] = row["reviewed_by__username"]
        result.append(item)
    return result
