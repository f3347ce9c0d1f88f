"""How fast matching is on PostgreSQL with 100,000 facts.

- ranking the known facts for one new claim (selectors.fact_suggestions), p50/p99 over the
  labelled matching set's claims and claims restating facts drawn from the database;
- "Propose claims" on a 20,000-character article, matching included;
- the query plans of the candidate queries (each must use its index).

Uses the benchmark's database (bench/run.py makes it: 100,000 claims, hence 100,000 facts) or
``--database``. Writes nothing that stays: every proposal is rolled back.

.venv/bin/python bench/matching_speed.py [--database claimbook_bench] [--explain]
"""

import argparse
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import PG, ROOT


def setup(database: str) -> None:
    os.environ["DATABASE_URL"] = f"{PG}/{database}"
    os.environ.setdefault("DEBUG", "1")  # settings refuse DEBUG off without a SECRET_KEY; no request is served
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def restatements(count: int, rng: random.Random) -> list:
    """Claims as a second article would state facts of the database: the same words, the value
    rounded, no subject given half the time."""
    from claims import matching, selectors
    from claims.models import Fact

    ids = list(Fact.objects.filter(kind="quantitative").values_list("pk", flat=True)[:50_000])
    items = []
    for fact in Fact.objects.filter(pk__in=rng.sample(ids, min(count, len(ids)))):
        item = selectors.checkable_of(fact)
        value = item.value * Decimal("1.004") if item.value else item.value
        items.append(
            matching.Checkable(
                **{**item.__dict__, "value": value, "subject": item.subject if rng.random() < 0.5 else ""}
            )
        )
    return items


def time_ranking(items: list) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from claims import selectors

    for item in items[:20]:  # warm the caches
        selectors.fact_suggestions(item)
    timings, queries = [], set()
    for item in items:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            selectors.fact_suggestions(item)
            timings.append((time.perf_counter() - started) * 1000)
        queries.add(len(captured))
    return {
        "n": len(timings),
        "p50": statistics.median(timings),
        "p99": percentile(timings, 0.99),
        "max": max(timings),
        "queries": sorted(queries),
    }


def article(chars: int = 20_000) -> str:
    """The seed article and its follow-ups, cut at a paragraph to about ``chars`` characters."""
    names = ("korea-the-staredown.txt", "demo-followup-1.txt", "demo-followup-2.txt", "demo-followup-3.txt")
    texts = [(ROOT / "seeds" / name).read_text(encoding="utf-8") for name in names]
    paragraphs = [p for text in texts for p in text.split("\n\n") if p.strip()]
    out: list[str] = []
    for paragraph in paragraphs:
        if sum(len(p) + 2 for p in out) + len(paragraph) > chars:
            break
        out.append(paragraph)
    return "\n\n".join(out) + "\n"


def time_proposing(runs: int) -> dict:
    from django.db import transaction

    from claims import services

    text = article()
    timings, created, suggested = [], 0, 0
    for run in range(runs):
        with transaction.atomic():
            source = services.source_import(text=text, title=f"Matching benchmark {run}").source
            started = time.perf_counter()
            report = services.source_propose_claims(source=source)
            timings.append(time.perf_counter() - started)
            created, suggested = len(report.created), len({m.claim_id for m in report.suggested})
            transaction.set_rollback(True)
    return {"chars": len(text), "runs": runs, "median": statistics.median(timings), "max": max(timings),
            "claims": created, "with_suggestions": suggested}  # fmt: skip


def explain(item) -> list[str]:
    """The plans of the candidate queries for ``item`` (EXPLAIN ANALYZE)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from claims import selectors

    with CaptureQueriesContext(connection) as captured:
        selectors.fact_suggestions(item)
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN ANALYZE " + query["sql"])
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="claimbook_bench")
    parser.add_argument("--explain", action="store_true", help="print the candidate queries' plans")
    args = parser.parse_args()
    setup(args.database)
    from claims.models import Fact
    from tests.matching_metrics import SPLITS, checkable, labelled

    rng = random.Random(14)
    facts = Fact.objects.count()
    items = [checkable(claim) for split in SPLITS for claim in labelled(split)] + restatements(200, rng)
    print(f"{facts:,} facts in {args.database}")
    ranking = time_ranking(items)
    print(f"ranking one claim: {ranking['n']} claims, p50 {ranking['p50']:.1f} ms, p99 {ranking['p99']:.1f} ms, "
          f"max {ranking['max']:.1f} ms, queries per claim {ranking['queries']}")  # fmt: skip
    proposing = time_proposing(5)
    print(f"propose claims on {proposing['chars']:,} characters: median {proposing['median']:.2f} s, "
          f"max {proposing['max']:.2f} s over {proposing['runs']} runs ({proposing['claims']} claims, "
          f"{proposing['with_suggestions']} with suggestions)")  # fmt: skip
    if args.explain:
        for plan in explain(items[0]):
            print(plan, end="\n\n")


if __name__ == "__main__":
    main()
