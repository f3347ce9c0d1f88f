"""Synthetic newsroom data for benchmarks: articles assembled from real sentences, claims
anchored by the extractor (so every span holds), bulk-inserted."""

import random
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from . import extraction, spans, workflow
from .models import FACT_FIELDS, Claim, Evidence, Fact, ReviewNote, Source

_TEXTS = [
    "seeds/korea-the-staredown.txt",
    *[f"tests/data/{name}.txt" for name in ("economics", "sports", "science", "defense")],
]
_STATUS_WEIGHTS = {
    workflow.Status.VERIFIED: 40, workflow.Status.UNREVIEWED: 20, workflow.Status.IN_REVIEW: 12,
    workflow.Status.DISPUTED: 12, workflow.Status.FALSE: 4, workflow.Status.UNVERIFIABLE: 8,
    workflow.Status.DISMISSED: 4,
}  # fmt: skip
_BATCH = 5000


def _sentences() -> list[str]:
    base = Path(settings.BASE_DIR)
    pool = []
    for name in _TEXTS:
        text = (base / name).read_text(encoding="utf-8")
        pool += [text[s:e] for s, e in extraction.sentences(text) if 40 < e - s < 400]
    return pool


_BODIES = 50  # distinct article bodies; each source adds its own closing line


def _body(rng: random.Random, pool: list[str], number: int) -> str:
    paragraphs = [" ".join(rng.sample(pool, rng.randint(3, 5))) for _ in range(rng.randint(18, 24))]
    day = date(2018, 1, 1) + timedelta(days=number * 37 % 2000)
    return f"Synthetic report\n\n{day:%B} {day.day}, {day.year}: " + "\n\n".join(paragraphs) + "\n"


@contextmanager
def _keeping_timestamps():
    """Let bulk_create store the created_at/updated_at we give instead of "now"."""
    fields = [Claim._meta.get_field("created_at"), Claim._meta.get_field("updated_at")]
    saved = [(field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def generate(*, sources: int, claims: int, seed: int = 1, log=print) -> dict:
    rng = random.Random(seed)
    pool = _sentences()
    reviewers = [
        get_user_model().objects.get_or_create(username=name, defaults={"is_staff": True})[0]
        for name in ("bench.reviewer1", "bench.reviewer2", "bench.reviewer3")
    ]
    statuses, weights = zip(*_STATUS_WEIGHTS.items(), strict=True)
    now = timezone.now()
    made = {"sources": 0, "claims": 0, "evidence": 0, "notes": 0}
    bodies = [_body(rng, pool, number) for number in range(_BODIES)]
    found = {index: extraction.candidates(body) for index, body in enumerate(bodies)}
    with transaction.atomic(), _keeping_timestamps():
        pending_sources = []
        for number in range(sources):
            index = number % _BODIES
            text = bodies[index] + f"\nReport number {number}.\n"  # its own text, same claim offsets
            pending_sources.append(
                Source(
                    title=f"Synthetic report {number}",
                    publisher="Claimbook bench",
                    url=f"https://bench.claimbook.example/{seed}/{number}",
                    published_on=date(2018, 1, 1) + timedelta(days=number % 2000),
                    text=text,
                    sha256=spans.sha256_of(text),
                )
            )
        created_sources = Source.objects.bulk_create(pending_sources, batch_size=500)
        made["sources"] = len(created_sources)
        log(f"{len(created_sources)} sources")
        pending, remaining = [], claims
        for number, source in enumerate(created_sources):
            if remaining <= 0:
                break
            candidates = list(found[number % _BODIES])
            rng.shuffle(candidates)
            share = -(-remaining // (sources - number))  # spread what is left over the sources left
            for candidate in candidates[:share]:
                status = rng.choices(statuses, weights)[0]
                reviewed = status in workflow.REVIEWED
                prefix, suffix = spans.context(source.text, candidate.span_start, candidate.span_end)
                updated = now - timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
                pending.append(
                    Claim(
                        source=source, span_start=candidate.span_start, span_end=candidate.span_end,
                        quote=candidate.quote, prefix=prefix, suffix=suffix, statement=candidate.statement,
                        kind=candidate.kind, subject=candidate.subject, value=candidate.value, unit=candidate.unit,
                        qualifier=candidate.qualifier, as_of=candidate.as_of,
                        as_of_precision=candidate.as_of_precision, status=status,
                        origin=rng.choice([Claim.Origin.EDITOR, Claim.Origin.EXTRACTOR]),
                        confidence=candidate.confidence, extractor_version=candidate.extractor_version,
                        anchored_sha256=source.sha256, reviewed_by=rng.choice(reviewers) if reviewed else None,
                        reviewed_at=updated if reviewed else None, created_at=updated, updated_at=updated,
                    )
                )  # fmt: skip
                remaining -= 1
            if len(pending) >= _BATCH:
                made["claims"] += _flush(pending, rng, made)
                log(f"{made['claims']} claims")
        made["claims"] += _flush(pending, rng, made)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics, or the planner guesses after a bulk load
            for table in ("claims_source", "claims_fact", "claims_claim", "claims_evidence", "claims_reviewnote"):
                cursor.execute(f"ANALYZE {table}")
    return made


def _flush(pending: list, rng: random.Random, made: dict) -> int:
    """Insert a batch of claims with evidence and notes on the reviewed ones."""
    facts = Fact.objects.bulk_create([_own_fact(claim) for claim in pending], batch_size=_BATCH)
    for claim, fact in zip(pending, facts, strict=True):
        claim.fact = fact
    created = Claim.objects.bulk_create(pending, batch_size=_BATCH)
    evidence, notes = [], []
    for claim in created:
        if claim.status not in workflow.REVIEWED:
            continue
        evidence.append(
            Evidence(
                claim=claim, url=f"https://evidence.example/{claim.pk}", title=f"Source document for claim {claim.pk}",
                publisher="Bench Wire", stance=rng.choice(list(Evidence.Stance)),
                value_found=claim.value if claim.value is not None and rng.random() < 0.7 else None,
                retrieved_on=claim.reviewed_at.date(), added_by=claim.reviewed_by,  # type: ignore[union-attr]  # a reviewed claim has reviewed_at
            )
        )  # fmt: skip
        notes.append(
            ReviewNote(claim=claim, author=claim.reviewed_by, body=f"Checked claim {claim.pk} ({claim.unit}).")
        )
    Evidence.objects.bulk_create(evidence, batch_size=_BATCH)
    ReviewNote.objects.bulk_create(notes, batch_size=_BATCH)
    made["evidence"] += len(evidence)
    made["notes"] += len(notes)
    count = len(created)
    pending.clear()
    return count


def _own_fact(claim: Claim) -> Fact:
    """Every claim is an appearance of a fact: a generated claim starts its own, with its verdict."""
    reviewed = claim.status in workflow.REVIEWED
    return Fact(
        **{name: getattr(claim, name) for name in FACT_FIELDS},
        status=Claim.Status.UNREVIEWED if claim.status == Claim.Status.DISMISSED else claim.status,
        reviewed_by=claim.reviewed_by if reviewed else None, reviewed_at=claim.reviewed_at if reviewed else None,
    )  # fmt: skip
