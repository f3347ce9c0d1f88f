"""What the benchmark (run.py) and the soak (soak.py) share: the paths, a fresh PostgreSQL
database, Claimbook under gunicorn on 127.0.0.1, and the generated block of a document
(what lies between <!-- NAME:start --> and <!-- NAME:end --> is replaced, the hand-written
text around it is kept)."""

import os
import re
import secrets
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PG = os.environ.get("PG_URL_BASE", "postgres://postgres@127.0.0.1:5432")
# The benchmark runs with DEBUG off, where Claimbook needs a SECRET_KEY: one per run.
BASE_ENV = {**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)}


def sh(*args, env=None, **kwargs):
    return subprocess.run(args, cwd=ROOT, env={**BASE_ENV, **(env or {})}, check=True, **kwargs)


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def fresh_database(name: str) -> str:
    """Drop and create database ``name``; its URL."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return f"{PG}/{name}"


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {timeout} s")


def start_gunicorn(bind: str, env: dict) -> subprocess.Popen:
    """Claimbook under gunicorn with config/gunicorn.py, answering /healthz when this returns."""
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "config/gunicorn.py", "--bind", bind, "--access-logfile",
         "/dev/null", "config.wsgi"],
        cwd=ROOT, env={**BASE_ENV, **env}, start_new_session=True, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    wait_for(f"http://{bind}/healthz")
    return process


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)


def replace_block(path: Path, name: str, lines: list[str], title: str) -> str:
    """Put ``lines`` between the markers ``name`` in ``path`` (a new file gets ``title``)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = "\n".join([start, *lines, end])
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if start not in text:
        text = f"# {title}\n\n{start}\n{end}\n"
    path.write_text(re.sub(f"{re.escape(start)}.*{re.escape(end)}", lambda _: block, text, flags=re.S), "utf-8")
    return block
