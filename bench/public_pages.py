"""Server time of the public pages over the demo: the home page (plain, searched, filtered), every
public claim's fact-check page, every article page, the 404 of a non-public claim and the ClaimReview
DataFeed; p50 and p99 per page type through Django's test client (wall time, and the CPU time of
this process, which a busy machine does not inflate), with the queries each one made.

    .venv/bin/python bench/public_pages.py [--rounds 20]

Runs on SQLite (in memory), then on PostgreSQL when DATABASE_URL points at it, in a database of its
own (``<name>_bench_public``, created and dropped). DEBUG is off, as in production.
"""

import argparse
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

TARGET_MS = 50


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def page_types() -> dict[str, list[tuple[str, int]]]:
    """The URLs of each page type over the demo, with the status each answers."""
    from claims import workflow
    from claims.models import Claim

    public = list(Claim.objects.filter(status__in=workflow.PUBLIC).values_list("pk", flat=True))
    hidden = Claim.objects.exclude(status__in=workflow.PUBLIC).values_list("pk", flat=True).first()
    return {
        "home": [("/", 200), ("/?page=3", 200)],
        "home searched": [("/?q=missile", 200), ("/?q=defense+budget&verdict=disputed", 200)],
        "home filtered": [("/?verdict=false", 200), ("/?publisher=StrategyPage&page=2", 200)],
        "fact check": [(f"/claims/{pk}/", 200) for pk in public],
        "article": [(f"/sources/{pk}/", 200) for pk in (1, 2, 3, 4)],
        "not public (404)": [(f"/claims/{hidden}/", 404)],
        "DataFeed": [("/api/claimreview/feed.json", 200)],
    }


def measure(rounds: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # No setup_test_environment(): its instrumented template rendering (a context copy per template,
    # for assertTemplateUsed) is test machinery, not server time.
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.DEBUG = False
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 404 page type is measured, not logged
    if connection.vendor != "sqlite":
        connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_bench_public"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("loaddata", "demo", verbosity=0)
        client = Client()
        print(
            f"{connection.vendor}: {rounds} rounds over the demo (p50 / p99 server ms, this process's CPU time, "
            "queries per request)"
        )
        for name, urls in page_types().items():
            for url, status in urls:  # warm: templates, URL resolvers, the connection
                assert client.get(url).status_code == status, url
            times, cpu, queries = [], [], set()
            for _ in range(rounds):
                for url, status in urls:
                    with CaptureQueriesContext(connection) as captured:
                        began, began_cpu = time.perf_counter(), time.process_time()
                        response = client.get(url)
                        times.append((time.perf_counter() - began) * 1000)
                        cpu.append((time.process_time() - began_cpu) * 1000)
                    assert response.status_code == status, url
                    queries.add(len(captured))
            p50, p99 = statistics.median(times), percentile(times, 0.99)
            verdict = "within" if p99 < TARGET_MS else "OVER"
            print(
                f"  {name:<18} {len(urls):>4} URLs x {rounds}: p50 {p50:5.1f} ms  p99 {p99:5.1f} ms  "
                f"({verdict} {TARGET_MS} ms)  CPU p50 {statistics.median(cpu):4.1f} ms  "
                f"queries {'/'.join(map(str, sorted(queries)))}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--here", action="store_true", help="measure on this process's DATABASE_URL only")
    args = parser.parse_args()
    if args.here:
        measure(args.rounds)
        return
    databases = [""]
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        databases.append(os.environ["DATABASE_URL"])
    for url in databases:
        command = [sys.executable, __file__, "--here", f"--rounds={args.rounds}"]
        subprocess.run(command, env={**os.environ, "DATABASE_URL": url}, check=True)


if __name__ == "__main__":
    main()
