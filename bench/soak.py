"""The soak test behind `make soak` and the soak section of docs/reliability.md.

Serves Claimbook with gunicorn on PostgreSQL (127.0.0.1 only) and drives it from 16 client
threads with a mix of reads and writes for a bounded time:

1. a clean phase (default 300 s): every answer must be a 2xx or a clean refusal (409, 412);
2. a fault phase (default 60 s): every 15 s all of Claimbook's PostgreSQL connections are
   terminated, as a database restart would; requests in flight may get a JSON 503.

Every write Claimbook accepted is logged and checked against the database afterwards: each
accepted change moved its claim on by exactly one version, every accepted note and evidence
item is there, nothing was written twice and nothing was lost. The RSS of the gunicorn
workers is sampled every 10 s. The figures replace the soak section of docs/reliability.md.
"""

import argparse
import collections
import datetime
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import PY, ROOT, fresh_database, replace_block, sh, start_gunicorn, stop

DB_NAME = "claimbook_soak"
HOST, PORT = "127.0.0.1", 8812
READS = [
    ("list", "/api/claims/"),
    ("filtered", "/api/claims/?unit=km&value_min=100&value_max=1000"),
    ("search", "/api/claims/?q=defense%20budget"),
    ("sync", "/api/claims/?ordering=updated_at,id&updated_after=2020-01-01T00:00:00Z"),
]


class Client:
    """One keep-alive HTTP connection, reopened when the server closes it."""

    def __init__(self, token: str | None = None):
        self.token, self.conn = token, None

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        headers = {"Accept": "application/json", **(headers or {})}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
                self.conn.request(method, path, payload, headers)
                response = self.conn.getresponse()
                data = response.read()
                return response.status, dict(response.getheaders()), data
            except (ConnectionError, http.client.HTTPException, TimeoutError):
                self.conn = None
                if attempt:
                    return 0, {}, b""
        return 0, {}, b""


class Soak:
    def __init__(self, token: str, write_ids: list[int], read_ids: list[int]):
        self.token, self.write_ids, self.read_ids = token, write_ids, read_ids
        self.lock = threading.Lock()
        self.codes = collections.Counter()  # (phase, code)
        self.log: list[dict] = []  # accepted writes
        self.bad: list[tuple] = []  # 5xx and other unexpected answers, with their body
        self.unknown: list[dict] = []  # writes answered "may have been kept"
        self.latencies = collections.defaultdict(list)
        self.phase = "clean"
        self.stop = threading.Event()

    def record(self, kind: str, code: int, body: bytes, started: float, claim: int | None = None) -> None:
        with self.lock:
            if code == 503 and b"outcome_unknown" in body:  # the commit was cut off: maybe kept
                self.unknown.append({"kind": kind, "claim": claim})
            self.codes[(self.phase, code)] += 1
            self.latencies[self.phase].append(time.perf_counter() - started)
            if code >= 500 or code == 0 or code in {400, 401, 403, 404}:
                self.bad.append((self.phase, kind, code, body[:300]))

    def worker(self, seed: int) -> None:
        rng = random.Random(seed)
        reader, editor = Client(), Client(self.token)
        while not self.stop.is_set():
            roll, claim = rng.random(), None
            started = time.perf_counter()
            if roll < 0.55:
                kind, path = rng.choice(READS)
                code, _, body = reader.request("GET", path)
            elif roll < 0.70:
                kind = "detail"
                code, _, body = reader.request("GET", f"/api/claims/{rng.choice(self.read_ids)}/")
            elif roll < 0.85:
                kind = "patch"
                claim = rng.choice(self.write_ids)
                code, headers, body = editor.request("GET", f"/api/claims/{claim}/")
                if code == 200:
                    version = json.loads(body)["version"]
                    change = ({"subject": f"s{seed}-{rng.random():.6f}"} if rng.random() < 0.7 else
                              {"status": rng.choice(["in_review", "verified", "disputed", "unverifiable"]),
                               "note": f"soak {seed}"})  # fmt: skip
                    started = time.perf_counter()
                    code, _, body = editor.request(
                        "PATCH", f"/api/claims/{claim}/", change, {"If-Match": headers.get("ETag", "")}
                    )
                    if code == 200:
                        with self.lock:
                            self.log.append(
                                {
                                    "kind": "patch",
                                    "claim": claim,
                                    "expected": version,
                                    "version": json.loads(body)["version"],
                                    "note": "note" in change,
                                }
                            )
            elif roll < 0.93:
                kind = "note"
                claim = rng.choice(self.write_ids)
                code, _, body = editor.request("POST", f"/api/claims/{claim}/notes/", {"body": f"soak note {seed}"})
                if code == 201:
                    with self.lock:
                        self.log.append({"kind": "note", "claim": claim, "id": json.loads(body)["id"]})
            else:
                kind = "evidence"
                claim = rng.choice(self.write_ids)
                code, _, body = editor.request(
                    "POST", f"/api/claims/{claim}/evidence/",
                    {"url": f"https://example.org/soak/{seed}/{rng.random()}", "title": "Soak", "stance": "context",
                     "retrieved_on": "2026-01-01"},
                )  # fmt: skip
                if code == 201:
                    with self.lock:
                        self.log.append({"kind": "evidence", "claim": claim, "id": json.loads(body)["id"]})
            self.record(kind, code, body, started, claim)


def worker_rss(master: int) -> dict[int, int]:
    """RSS in KiB of each gunicorn worker (the master's children)."""
    out = subprocess.run(["ps", "--ppid", str(master), "-o", "pid=,rss="], capture_output=True, text=True).stdout
    return {int(pid): int(rss) for pid, rss in (line.split() for line in out.splitlines())}


def terminate_backends(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        return conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]


def prepare(database_url: str, env: dict) -> tuple[str, list[int], list[int], dict]:
    import psycopg

    sh(PY, "manage.py", "migrate", "-v0", env=env)
    sh(PY, "manage.py", "loaddata", "demo", "-v0", env=env)
    sh(PY, "manage.py", "generate_claims", "--sources", "200", "--claims", "10000", env=env)
    script = (
        "from django.contrib.auth.models import Group, User; from rest_framework.authtoken.models import Token;"
        "u = User.objects.create_user('soak.editor', is_staff=True); u.groups.add(Group.objects.get(name='Editors'));"
        "print(Token.objects.create(user=u).key)"
    )
    token = sh(PY, "manage.py", "shell", "-c", script, env=env, capture_output=True, text=True).stdout.split()[-1]
    with psycopg.connect(database_url) as conn:
        conn.execute(
            "UPDATE claims_claim SET status = 'in_review', reviewed_at = NULL, reviewed_by_id = NULL "
            "WHERE id IN (SELECT claim_id FROM claims_evidence GROUP BY claim_id ORDER BY claim_id LIMIT 40)"
        )
        write_ids = [r[0] for r in conn.execute(
            "SELECT id FROM claims_claim WHERE status = 'in_review' AND id IN (SELECT claim_id FROM claims_evidence) "
            "ORDER BY id LIMIT 40")]  # fmt: skip
        read_ids = [r[0] for r in conn.execute("SELECT id FROM claims_claim WHERE status = 'verified' LIMIT 500")]
        start = {
            "versions": dict(conn.execute("SELECT id, version FROM claims_claim WHERE id = ANY(%s)", [write_ids])),
            "notes": conn.execute("SELECT count(*) FROM claims_reviewnote").fetchone()[0],
            "evidence": conn.execute("SELECT count(*) FROM claims_evidence").fetchone()[0],
        }
    return token, write_ids, read_ids, start


def check(database_url: str, soak: Soak, start: dict) -> dict:
    """Compare the database with the log of accepted writes."""
    import psycopg

    patches = [e for e in soak.log if e["kind"] == "patch"]
    with psycopg.connect(database_url) as conn:
        versions = dict(conn.execute("SELECT id, version FROM claims_claim WHERE id = ANY(%s)",
                                     [list(start["versions"])]))  # fmt: skip
        notes = conn.execute("SELECT count(*) FROM claims_reviewnote").fetchone()[0]
        evidence = conn.execute("SELECT count(*) FROM claims_evidence").fetchone()[0]
        note_ids = {r[0] for r in conn.execute("SELECT id FROM claims_reviewnote")}
        evidence_ids = {r[0] for r in conn.execute("SELECT id FROM claims_evidence")}
        history = dict(conn.execute("SELECT id, count(*) FROM claims_historicalclaim WHERE id = ANY(%s) GROUP BY id",
                                    [list(start["versions"])]))  # fmt: skip
    problems = []
    for claim, first in start["versions"].items():
        accepted = [e for e in patches if e["claim"] == claim]
        maybe = sum(1 for e in soak.unknown if e["kind"] == "patch" and e["claim"] == claim)
        if not first + len(accepted) <= versions[claim] <= first + len(accepted) + maybe:
            problems.append(f"claim {claim}: version {versions[claim]}, expected {first} + {len(accepted)}")
        got = sorted(e["version"] for e in accepted)
        if len(got) != len(set(got)) or any(not first < v <= versions[claim] for v in got):
            problems.append(f"claim {claim}: two accepted writes made the same version")
        if history.get(claim, 0) != versions[claim] - first:
            problems.append(
                f"claim {claim}: {history.get(claim, 0)} history rows for {versions[claim] - first} versions"
            )
    note_posts = [e for e in soak.log if e["kind"] == "note"]
    evidence_posts = [e for e in soak.log if e["kind"] == "evidence"]
    maybe_notes = sum(1 for e in soak.unknown if e["kind"] in {"note", "patch"})
    expected_notes = start["notes"] + len(note_posts) + sum(1 for e in patches if e["note"])
    if not expected_notes <= notes <= expected_notes + maybe_notes:
        problems.append(f"{notes} notes, expected {expected_notes}")
    maybe_evidence = sum(1 for e in soak.unknown if e["kind"] == "evidence")
    if (
        not start["evidence"] + len(evidence_posts)
        <= evidence
        <= start["evidence"] + len(evidence_posts) + maybe_evidence
    ):
        problems.append(f"{evidence} evidence items, expected {start['evidence'] + len(evidence_posts)}")
    if not {e["id"] for e in note_posts} <= note_ids or not {e["id"] for e in evidence_posts} <= evidence_ids:
        problems.append("an accepted note or evidence item is missing")
    return {"patches": len(patches), "notes": len(note_posts), "evidence": len(evidence_posts),
            "unknown": len(soak.unknown), "problems": problems}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=300, help="length of the clean phase")
    parser.add_argument("--fault-seconds", type=int, default=60, help="length of the phase with database faults")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--report", default=str(ROOT / "docs" / "reliability.md"))
    options = parser.parse_args()
    database_url = fresh_database(DB_NAME)
    env = {"DATABASE_URL": database_url, "DEBUG": "0", "CLAIMBOOK_ANON_THROTTLE_RATE": "", "CONN_MAX_AGE": "600"}
    token, write_ids, read_ids, start = prepare(database_url, env)
    app = start_gunicorn(f"{HOST}:{PORT}", env)
    try:
        soak = Soak(token, write_ids, read_ids)
        threads = [threading.Thread(target=soak.worker, args=(i,), daemon=True) for i in range(options.concurrency)]
        for thread in threads:
            thread.start()
        rss: list[tuple[float, dict]] = []
        faults = []
        began = time.time()
        phase_ends = began + options.seconds
        end = phase_ends + options.fault_seconds
        next_fault, next_sample = phase_ends + 15, began
        while time.time() < end:
            time.sleep(0.5)
            now = time.time()
            if now >= next_sample:
                rss.append((now - began, worker_rss(app.pid)))
                next_sample += 10
            if now >= phase_ends and soak.phase == "clean":
                soak.phase = "faults"
            if soak.phase == "faults" and now >= next_fault:
                faults.append((round(now - began), terminate_backends(database_url)))
                next_fault += 15
        soak.stop.set()
        for thread in threads:
            thread.join(timeout=60)
        result = check(database_url, soak, start)
    finally:
        stop(app)
    report(options, soak, result, rss, faults)
    clean_5xx = sum(n for (phase, code), n in soak.codes.items() if phase == "clean" and (code >= 500 or code == 0))
    return 1 if clean_5xx or result["problems"] else 0


def report(options, soak: Soak, result: dict, rss: list, faults: list) -> None:
    def codes(phase):
        found = {code: n for (p, code), n in sorted(soak.codes.items()) if p == phase}
        return ", ".join(f"{code}: {n:,}" for code, n in found.items()) or "none"

    def percentile(phase, q):
        values = sorted(soak.latencies[phase])
        return values[int(q * (len(values) - 1))] * 1000 if values else 0

    totals = [sum(sample.values()) for _, sample in rss if sample]
    per_worker = [max(sample.values()) for _, sample in rss if sample]
    served = {phase: sum(n for (p, _), n in soak.codes.items() if p == phase) for phase in ("clean", "faults")}
    lines = [
        f"Run {datetime.date.today().isoformat()} with `make soak` on {os.cpu_count()} cores: gunicorn "
        f"(config/gunicorn.py defaults) on PostgreSQL with the demo plus 10,000 generated claims, "
        f"{options.concurrency} client threads on 127.0.0.1, 55% list/filter/search/sync reads, 15% claim "
        "detail, 15% If-Match PATCHes (subject or status), 8% notes, 7% evidence.",
        "",
        "| | clean phase | fault phase |",
        "|---|---|---|",
        f"| duration | {options.seconds} s | {options.fault_seconds} s |",
        f"| requests answered | {served['clean']:,} | {served['faults']:,} |",
        f"| answers by status code | {codes('clean')} | {codes('faults')} |",
        f"| p50 / p99 latency | {percentile('clean', 0.5):.0f} / {percentile('clean', 0.99):.0f} ms | "
        f"{percentile('faults', 0.5):.0f} / {percentile('faults', 0.99):.0f} ms |",
        f"| faults injected | none | {len(faults)} (all PostgreSQL connections terminated at "
        f"{', '.join(f'{t} s' for t, _ in faults) or '-'}; {sum(n for _, n in faults)} connections in all) |",
        "",
        f"Writes accepted and then checked in the database: {result['patches']:,} PATCHes (each moved its claim "
        f"on by exactly one version, with one history row), {result['notes']:,} notes, {result['evidence']:,} "
        f'evidence items; {result["unknown"]} writes were answered "may have been kept" (cut off while '
        f"committing) and were allowed either outcome. Problems found: {'; '.join(result['problems']) or 'none'}.",
        "",
        f"Worker memory (RSS, sampled every 10 s): total {totals[0] / 1024:.0f} MiB at the start, "
        f"{max(totals) / 1024:.0f} MiB at most, {totals[-1] / 1024:.0f} MiB at the end; the largest worker "
        f"{max(per_worker) / 1024:.0f} MiB. Total by minute: "
        + ", ".join(f"{sum(sample.values()) / 1024:.0f}" for t, sample in rss[::6] if sample)
        + " MiB."
        if totals
        else "Worker memory: not sampled.",
        "",
        "Unexpected answers (5xx, connection failures, 4xx other than 409/412): "
        + (", ".join(f"{phase} {kind} {code}" for phase, kind, code, _ in soak.bad[:20]) or "none")
        + ".",
    ]
    print(replace_block(Path(options.report), "soak", lines, "Reliability and security"))
    for phase, kind, code, body in soak.bad[:20]:
        print(phase, kind, code, body, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
