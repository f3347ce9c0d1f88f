"""What a 304 costs next to a 200: server time of the claim list, a claim, the fact search and the
change feed, answered in full and answered "not modified", on PostgreSQL.

Runs Django in this process and times the whole request through its WSGI handler (middleware,
authentication, throttling, the view, rendering), with no network in between: the server's share
of a request. Anonymous callers, the search cache off (every 200 computes its search).

.venv/bin/python bench/http_caching.py [--database claimbook_http_bench] [--claims 0] [--requests 300]

A fresh database with the demo; ``--claims N`` adds N generated claims over N/50 articles, then
writes their change events (so the public state is that of a real feed).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import BASE_ENV, fresh_database

URLS = {
    "claim list": "/api/claims/?page_size=50",
    "one claim": "/api/claims/{claim}/",
    "fact search": "/api/facts/?q=Japan+defense+budget+2020",
    "change feed": "/api/changes/?after=0&limit=100",
}


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(client, url: str, requests: int, **headers) -> tuple[list[float], int]:
    samples = []
    code = 0
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url, **headers)
        samples.append((time.perf_counter() - started) * 1000)
        code = response.status_code
    return samples, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="claimbook_http_bench")
    parser.add_argument("--claims", type=int, default=0, help="generated claims on top of the demo")
    parser.add_argument("--requests", type=int, default=300, help="requests per measurement")
    args = parser.parse_args()

    os.environ.update(BASE_ENV)
    os.environ.update(
        DATABASE_URL=fresh_database(args.database), DEBUG="0", CLAIMBOOK_ANON_THROTTLE_RATE="",
        CLAIMBOOK_SEARCH_CACHE_SECONDS="0", DJANGO_SETTINGS_MODULE="config.settings",
    )  # fmt: skip
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from claims import publishing, synthetic
    from claims.models import ChangeEvent, Claim

    call_command("migrate", verbosity=0)
    call_command("loaddata", "demo", verbosity=0)
    if args.claims:
        synthetic.generate(sources=max(1, args.claims // 50), claims=args.claims, seed=1, log=lambda _: None)
        publishing.publish_all()
    claim = Claim.objects.filter(status="verified").order_by("pk").first()
    public = Claim.objects.filter(status__in=["verified", "disputed", "false", "unverifiable"]).count()
    print(f"{Claim.objects.count()} claims ({public} public), {ChangeEvent.objects.count()} change events")

    client = Client()
    print(f"{'':<12} {'200 p50':>8} {'200 p99':>8} {'304 p50':>8} {'304 p99':>8} {'p50 ratio':>10}  (ms)")
    for name, template in URLS.items():
        url = template.format(claim=claim.pk)
        first = client.get(url)
        assert first.status_code == 200, (url, first.status_code)
        tag = first["ETag"]
        timed(client, url, 20)  # warm
        full, code = timed(client, url, args.requests)
        assert code == 200
        timed(client, url, 20, HTTP_IF_NONE_MATCH=tag)
        cheap, code = timed(client, url, args.requests, HTTP_IF_NONE_MATCH=tag)
        assert code == 304
        p50_full, p50_cheap = statistics.median(full), statistics.median(cheap)
        print(
            f"{name:<12} {p50_full:8.2f} {percentile(full, 0.99):8.2f} {p50_cheap:8.2f} "
            f"{percentile(cheap, 0.99):8.2f} {p50_cheap / p50_full:10.2f}"
        )


if __name__ == "__main__":
    main()
