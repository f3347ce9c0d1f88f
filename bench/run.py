"""The performance benchmark behind `make bench` and docs/performance.md.

Loads 100,000 claims over 2,000 sources into PostgreSQL, serves Claimbook with gunicorn
on 127.0.0.1, serves the same claims with Datasette (SQLite), drives both with wrk from
a separate process at fixed concurrency for a bounded time, and writes the table.
"""

import argparse
import base64
import datetime
import decimal
import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import (
    PG,
    PY,
    ROOT,
    database_exists,
    fresh_database,
    replace_block,
    sh,
    start_gunicorn,
    stop,
    wait_for,
)

DB_NAME = "claimbook_bench"
APP, PEER = "127.0.0.1:8810", "127.0.0.1:8811"


def wrk(url: str, *, seconds: int, connections: int, headers: list[str] = (), script: str | None = None) -> dict:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        args += ["-H", header]
    if script:
        args += ["-s", script]  # a Lua script choosing each request (a rotation of searches)
    args.append(url)
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def percentile(p):
        value, unit = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": percentile(50), "p99": percentile(99), "errors": int(non_2xx.group(1)) if non_2xx else 0}


def _sqlite_value(value):
    if value is None or isinstance(value, int | float | str):
        return value
    return float(value) if isinstance(value, decimal.Decimal) else str(value)


def export_to_sqlite(database_url: str, path: Path) -> None:
    """The same claims for Datasette: the claims table with the columns the API lists, the
    sources and the evidence, and a view that joins them into what one API claim carries."""
    import psycopg

    path.unlink(missing_ok=True)
    tables = {
        "claims": ("claims_claim", "id, source_id, span_start, span_end, quote, prefix, suffix, statement, kind, "
                   "subject, value, unit, qualifier, as_of, as_of_precision, status, anchor_state, origin, "
                   "confidence, reviewed_at, created_at, updated_at, version"),
        "sources": ("claims_source", "id, url, title"),
        "evidence": ("claims_evidence", "id, claim_id, url, title, publisher, stance, value_found, retrieved_on, "
                     "note, created_at"),
    }  # fmt: skip
    with psycopg.connect(database_url) as pg, sqlite3.connect(path) as lite:
        for table, (source_table, columns) in tables.items():
            names = [c.strip() for c in columns.split(",")]
            types = {
                "id": " INTEGER PRIMARY KEY",
                "value": " REAL",
                "value_found": " REAL",
                "confidence": " REAL",
                **dict.fromkeys(["source_id", "claim_id", "span_start", "span_end", "version"], " INTEGER"),
            }
            lite.execute(f"CREATE TABLE {table} ({', '.join(n + types.get(n, '') for n in names)})")
            rows = pg.execute(f"SELECT {columns} FROM {source_table} ORDER BY id").fetchall()
            convert = [tuple(_sqlite_value(v) for v in row) for row in rows]
            lite.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(names))})", convert)
        lite.execute("CREATE INDEX claims_status ON claims (status, id)")
        lite.execute("CREATE INDEX claims_unit_value ON claims (unit, value)")
        lite.execute("CREATE INDEX evidence_claim ON evidence (claim_id, created_at, id)")


# The API's page as one Datasette canned query: the claims with their source's url and title
# and their evidence as JSON (in the index's order: created_at, id), 50 at a time after a given
# id (keyset, as the API's cursor).
FULL_PAGE_SQL = (
    "SELECT claims.*, (SELECT url FROM sources WHERE sources.id = claims.source_id) AS source_url, "
    "(SELECT title FROM sources WHERE sources.id = claims.source_id) AS source_title, "
    "(SELECT json_group_array(json_object('id', e.id, 'url', e.url, 'title', e.title, 'publisher', e.publisher, "
    "'stance', e.stance, 'value_found', e.value_found, 'retrieved_on', e.retrieved_on, 'note', e.note, "
    "'created_at', e.created_at)) FROM evidence e WHERE e.claim_id = claims.id) "
    "AS evidence FROM claims WHERE claims.status = 'verified' AND claims.id > :after ORDER BY claims.id LIMIT 50"
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per endpoint")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--reuse", action="store_true", help="keep an existing benchmark database")
    options = parser.parse_args()
    database_url = f"{PG}/{DB_NAME}"
    env = {"DATABASE_URL": database_url, "DEBUG": "0", "CLAIMBOOK_ANON_THROTTLE_RATE": "",
           "CLAIMBOOK_ROOT_URLCONF": "bench.urls"}  # fmt: skip
    import psycopg

    if not (options.reuse and database_exists(DB_NAME)):
        fresh_database(DB_NAME)
        sh(PY, "manage.py", "migrate", "-v0", env=env)
        started = time.perf_counter()
        sh(PY, "manage.py", "generate_claims", "--sources", "2000", "--claims", "100000", env=env)
        print(f"generate_claims: {time.perf_counter() - started:.1f} s")
    sh(PY, "manage.py", "shell", "-c",
       "from django.contrib.auth.models import User; u, _ = User.objects.get_or_create(username='bench.admin');"
       "u.is_staff = u.is_superuser = True; u.set_password('bench-password'); u.save()", env=env)  # fmt: skip
    # Settle the tables before timing: without this, autovacuum starts on the fresh bulk load in
    # the middle of the first measurement.
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) claims_claim, claims_evidence, claims_reviewnote, claims_source")
    lite = ROOT / "var" / "bench-claims.db"
    lite.parent.mkdir(exist_ok=True)
    export_to_sqlite(database_url, lite)
    metadata = lite.with_suffix(".json")
    metadata.write_text(json.dumps({"databases": {"bench-claims": {"queries": {"verified_page": FULL_PAGE_SQL}}}}))

    app = start_gunicorn(APP, env)
    peer = subprocess.Popen(
        [str(ROOT / ".venv/bin/datasette"), "serve", str(lite), "--host", "127.0.0.1", "--port", PEER.split(":")[1],
         "--setting", "default_page_size", "50", "--metadata", str(metadata)], cwd=ROOT, start_new_session=True,
         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(f"http://{PEER}/-/versions.json")
        return measure(options, env)
    finally:
        for process in (app, peer):
            stop(process)


def session_cookie() -> str:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    page = opener.open(f"http://{APP}/admin/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "bench.admin",
                                   "password": "bench-password", "next": "/admin/"}).encode()  # fmt: skip
    opener.open(urllib.request.Request(f"http://{APP}/admin/login/", data, headers={"Referer": f"http://{APP}/"}))
    jar = next(handler.cookiejar for handler in opener.handlers if hasattr(handler, "cookiejar"))
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def measure(options, env) -> int:
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as pg:
        verified_max = pg.execute("SELECT max(id) FROM claims_claim WHERE status = 'verified'").fetchone()[0]
        deep = urllib.parse.quote(base64.b64encode(f"p={verified_max - 2000}".encode()).decode())
        claim = pg.execute("SELECT id FROM claims_claim WHERE status = 'verified' ORDER BY id DESC LIMIT 1").fetchone()[
            0
        ]
    cookie = session_cookie()
    cases = [
        ("List of verified claims (page of 50)", f"http://{APP}/api/claims/",
         f"http://{PEER}/bench-claims/claims.json?status=verified&_sort=id&_size=50&_nocount=1&_nofacet=1"),
        ("The same page; Datasette's canned query joins source and evidence", f"http://{APP}/api/claims/",
         f"http://{PEER}/bench-claims/verified_page.json?after=0&_shape=objects"),
        ("Filtered by unit and value range", f"http://{APP}/api/claims/?unit=km&value_min=100&value_max=1000",
         f"http://{PEER}/bench-claims/claims.json?status=verified&unit=km&value__gte=100&value__lte=1000&_sort=id&_size=50&_nocount=1&_nofacet=1"),
        ("Full-text q", f"http://{APP}/api/claims/?q=defense%20budget", None),
        ("Deep cursor page", f"http://{APP}/api/claims/?cursor={deep}", None),
        ("Claim detail", f"http://{APP}/api/claims/{claim}/", f"http://{PEER}/bench-claims/claims/{claim}.json"),
        ("ClaimReview", f"http://{APP}/api/claims/{claim}/claimreview/", None),
        ("Bare .values() + orjson view (baseline)", f"http://{APP}/bench/bare/claims/", None),
    ]  # fmt: skip
    rows = []
    for name, url, peer_url in cases:
        # Each server warms up on the request it is about to be timed on (workers, connections, caches).
        wrk(url, seconds=2, connections=options.connections)
        ours = wrk(url, seconds=options.seconds, connections=options.connections)
        theirs = None
        if peer_url:
            wrk(peer_url, seconds=2, connections=options.connections)
            theirs = wrk(peer_url, seconds=options.seconds, connections=options.connections)
        rows.append((name, ours, theirs))
        print(name, ours, theirs, flush=True)
    wrk(f"http://{APP}/admin/claims/claim/", seconds=2, connections=options.connections, headers=[f"Cookie: {cookie}"])
    admin = wrk(f"http://{APP}/admin/claims/claim/", seconds=options.seconds, connections=options.connections,
                headers=[f"Cookie: {cookie}"])  # fmt: skip
    rows.append(("Admin claim list (logged in)", admin, None))
    print("admin", admin, flush=True)
    write_report(rows, options)
    return 0


def gunicorn_workers() -> int:
    namespace: dict = {"__file__": str(ROOT / "config" / "gunicorn.py")}
    exec((ROOT / "config" / "gunicorn.py").read_text(), namespace)
    return namespace["workers"]


def write_report(rows, options) -> None:
    bare = next(ours for name, ours, _ in rows if name.startswith("Bare"))
    lines = [
        f"Measured {datetime.date.today().isoformat()} on {os.cpu_count()} cores "
        f"({platform.processor() or platform.machine()}), PostgreSQL, 100,000 claims over 2,000 sources, gunicorn "
        f"({gunicorn_workers()} sync workers, the default of config/gunicorn.py), "
        f"wrk -t2 -c{options.connections} -d{options.seconds}s from a separate process on 127.0.0.1. "
        "Datasette serves the same claims from SQLite: its table with `_nocount=1&_nofacet=1` (claims only), and a "
        "canned query that also joins each claim's source and evidence as the API does. Reproduce with `make bench`.",
        "",
        "| endpoint | Claimbook req/s | p50 ms | p99 ms | non-2xx | Datasette req/s | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, ours, theirs in rows:
        peer = f"{theirs['rps']:.0f}" if theirs else "—"
        ratio = f"{ours['rps'] / theirs['rps']:.2f}x" if theirs else "—"
        figures = f"{ours['rps']:.0f} | {ours['p50']:.1f} | {ours['p99']:.1f} | {ours['errors']}"
        lines.append(f"| {name} | {figures} | {peer} | {ratio} |")
    first = rows[0][1]
    lines += [
        "",
        f"List of verified claims as a share of the bare `.values()` view: {first['rps'] / bare['rps']:.0%}.",
    ]
    print(replace_block(ROOT / "docs" / "performance.md", "bench", lines, "Performance"))


if __name__ == "__main__":
    sys.exit(main())
