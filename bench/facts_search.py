""" "Has this been checked?" under load: GET /api/facts/?q=... at fixed concurrency on PostgreSQL.

Serves Claimbook with gunicorn on 127.0.0.1 over the benchmark's database (bench/run.py makes
it: 100,000 claims, so 100,000 facts; or ``--database``), and drives it with wrk for a bounded
time, each request asking the next of 60 searches: the labelled matching set's statements cut
to their first words, as a reader would type them, anonymous (the public facts).

.venv/bin/python bench/facts_search.py [--database claimbook_bench] [--seconds 20] [--connections 8]
    [--cache-seconds 30]
"""

import argparse
import json
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import PG, start_gunicorn, stop
from bench.run import wrk

APP = "127.0.0.1:8812"


def searches(count: int = 60) -> list[str]:
    from tests.matching_metrics import SPLITS, labelled

    statements = [claim["statement"] for split in SPLITS for claim in labelled(split)]
    return [" ".join(statement.rstrip(".").split()[:7]) for statement in statements[:count]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="claimbook_bench")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--cache-seconds",
        default="0",
        help="CLAIMBOOK_SEARCH_CACHE_SECONDS for the server (default 0: every search computed)",
    )
    args = parser.parse_args()
    env = {"DATABASE_URL": f"{PG}/{args.database}", "DEBUG": "0", "CLAIMBOOK_ANON_THROTTLE_RATE": "",
           "CLAIMBOOK_SEARCH_CACHE_SECONDS": args.cache_seconds}  # fmt: skip
    paths = [f"/api/facts/?q={urllib.parse.quote(q)}" for q in searches()]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("paths = " + json.dumps(paths).replace("[", "{").replace("]", "}") + "\n")
        script.write("i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n")
    app = start_gunicorn(APP, env)
    try:
        found = 0
        for path in paths:
            with urllib.request.urlopen(f"http://{APP}{path}") as response:
                found += bool(json.load(response)["results"])
        wrk(f"http://{APP}/", seconds=3, connections=args.connections, headers=[], script=script.name)  # warm up
        result = wrk(f"http://{APP}/", seconds=args.seconds, connections=args.connections, script=script.name)
    finally:
        stop(app)
    print(
        f"/api/facts/?q= ({len(paths)} searches, {found} with results, cache {args.cache_seconds} s), "
        f"{args.connections} connections, "
        f"{args.seconds} s: {result['rps']:.0f} requests/s, p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms, "
        f"{result['errors']} errors"
    )


if __name__ == "__main__":
    main()
