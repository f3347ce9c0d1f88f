"""Server time of the annotated article (the admin view) for a source with 5,000 claims,
overlapping and nested ones included, statuses mixed: median and p95 over repeated
requests through Django's test client, and the time of ``spans.segments`` alone.

    .venv/bin/python bench/annotated_article.py [--claims 5000] [--requests 30] [--profile]

Runs on SQLite (in memory), then on PostgreSQL when DATABASE_URL points at it, in a
database of its own (``<name>_bench_annotated``, created and dropped). ``--profile``
prints the cProfile of one request, heaviest functions first.
"""

import argparse
import cProfile
import os
import pstats
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

TARGET_MS = 300


def build_source(claims: int):
    """A source of the seed article repeated, with ``claims`` claims on word boundaries:
    phrases, whole sentences, words nested inside them and spans across sentences."""
    import regex

    from claims import spans, workflow
    from claims.models import Claim, Source, facts_for

    seed = (ROOT / "seeds" / "korea-the-staredown.txt").read_text(encoding="utf-8")
    text = "\n\n".join([seed] * max(1, claims // 600))
    source = Source.objects.create(title="Bench: annotated article", publisher="Bench", text=text)
    words = [(m.start(), m.end()) for m in regex.finditer(r"\w+", text)]
    rng = random.Random(9)
    statuses = list(workflow.Status)
    chosen: set[tuple[int, int]] = set()
    while len(chosen) < claims:
        first = rng.randrange(len(words))
        last = min(len(words) - 1, first + rng.choice([0, 0, 1, 2, 4, 8, 16, 40]))
        chosen.add((words[first][0], words[last][1]))
    rows = []
    for number, (start, end) in enumerate(sorted(chosen)):
        prefix, suffix = spans.context(text, start, end)
        rows.append(
            Claim(
                source=source,
                span_start=start,
                span_end=end,
                quote=text[start:end],
                prefix=prefix,
                suffix=suffix,
                statement=f"Bench claim {number}: {text[start:end][:80]}",
                kind=Claim.Kind.FACTUAL,
                status=rng.choice(statuses),
                anchor_state=Claim.AnchorState.ORPHANED if number % 100 == 0 else Claim.AnchorState.EXACT,
                anchored_sha256=source.sha256,
            )
        )
    Claim.objects.bulk_create(facts_for(rows), batch_size=500)
    return source


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(claims: int, requests: int, profile: bool) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from claims import spans
    from claims.models import Claim
    from tests.factories import UserFactory

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    if connection.vendor != "sqlite":
        connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_bench_annotated"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        source = build_source(claims)
        client = Client()
        client.force_login(UserFactory(username="bench", is_staff=True, is_superuser=True))
        url = reverse("admin:claims_source_annotated", args=[source.pk])
        assert client.get(url).status_code == 200  # warm: templates, URL resolvers, connection
        times = []
        for _ in range(requests):
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200
        placed = [
            (c.span_start, c.span_end, c)
            for c in Claim.objects.filter(source=source).exclude(anchor_state=Claim.AnchorState.ORPHANED)
        ]
        segment_times = []
        for _ in range(max(5, requests // 3)):
            began = time.perf_counter()
            spans.segments(len(source.text), placed)
            segment_times.append((time.perf_counter() - began) * 1000)
        median, p95 = statistics.median(times), percentile(times, 0.95)
        print(
            f"{connection.vendor:<10} {claims} claims, {len(source.text)} characters, {requests} requests: "
            f"median {median:.0f} ms, p95 {p95:.0f} ms ({'within' if p95 < TARGET_MS else 'over'} "
            f"{TARGET_MS} ms); segments alone median {statistics.median(segment_times):.1f} ms"
        )
        if profile:
            profiler = cProfile.Profile()
            profiler.runcall(client.get, url)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--here", action="store_true", help="measure on this process's DATABASE_URL only")
    args = parser.parse_args()
    if args.here:
        measure(args.claims, args.requests, args.profile)
        return
    databases = [""]
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        databases.append(os.environ["DATABASE_URL"])
    for url in databases:
        command = [sys.executable, __file__, "--here", f"--claims={args.claims}", f"--requests={args.requests}"]
        command += ["--profile"] if args.profile else []
        subprocess.run(command, env={**os.environ, "DATABASE_URL": url}, check=True)


if __name__ == "__main__":
    main()
