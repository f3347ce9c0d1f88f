"""Settings come from the environment; production refuses to start half-configured."""

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

STRONG_KEY = "k" * 20 + "9f3Qz1-_aP0wLx7Rt2mVbN4cYe6Hu8JsGd5"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


def last_line(result: subprocess.CompletedProcess) -> str:
    return result.stderr.strip().splitlines()[-1]


def test_local_defaults_use_sqlite_and_debug():
    result = run_manage(
        "shell", "-c", "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.DEBUG)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["django.db.backends.sqlite3", "True"]


def test_database_url_switches_to_postgresql():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['ENGINE'], d['NAME'], d['HOST'], d['PORT'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])",
        DATABASE_URL="postgres://claimbook:secret@db.example:5433/claims",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-6:] == ["django.db.backends.postgresql", "claims", "db.example", "5433", "60", "True"]


def test_redis_url_gives_the_workers_one_shared_cache():
    show = "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
    assert run_manage("shell", "-c", show).stdout.split()[-1] == "django.core.cache.backends.locmem.LocMemCache"
    result = run_manage("shell", "-c", show, REDIS_URL="redis://127.0.0.1:6379/15")
    assert result.stdout.split()[-1] == "django.core.cache.backends.redis.RedisCache", result.stderr


def test_with_redis_a_value_one_process_caches_another_reads():
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("Redis is not running on 127.0.0.1:6379 (it is optional: REDIS_URL)")
    url = {"REDIS_URL": "redis://127.0.0.1:6379/15"}
    write = "from django.core.cache import cache; cache.set('claimbook-test', 'shared', 30); print('ok')"
    assert run_manage("shell", "-c", write, **url).stdout.split()[-1] == "ok"
    read = "from django.core.cache import cache; print(cache.get('claimbook-test')); cache.delete('claimbook-test')"
    assert run_manage("shell", "-c", read, **url).stdout.split()[-1] == "shared"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"CLAIMBOOK_ENV": "production"},
            "SECRET_KEY must be set to a random value of at least 50 characters when CLAIMBOOK_ENV=production.",
        ),
        (
            {"CLAIMBOOK_ENV": "production", "SECRET_KEY": "short"},
            "SECRET_KEY must be set to a random value of at least 50 characters when CLAIMBOOK_ENV=production.",
        ),
        (
            {
                "CLAIMBOOK_ENV": "production",
                "SECRET_KEY": "claimbook-local-only-insecure-key-do-not-deploy-4b1f0c9e7d2a",
            },
            "SECRET_KEY must be set to a random value of at least 50 characters when CLAIMBOOK_ENV=production.",
        ),
        (
            {"CLAIMBOOK_ENV": "production", "SECRET_KEY": STRONG_KEY},
            "ALLOWED_HOSTS must list the host names Claimbook serves when CLAIMBOOK_ENV=production.",
        ),
        (
            {"CLAIMBOOK_ENV": "production", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "x.example", "DEBUG": "1"},
            "DEBUG must be off when CLAIMBOOK_ENV=production.",
        ),
        ({"CLAIMBOOK_ENV": "staging"}, "CLAIMBOOK_ENV must be 'local' or 'production', got 'staging'."),
        ({"DEBUG": "maybe"}, "DEBUG must be a boolean (1/0, true/false, yes/no, on/off), got 'maybe'."),
        (
            {"DATABASE_URL": "mysql://root@127.0.0.1/claims"},
            "DATABASE_URL must point at PostgreSQL (postgres://...) or SQLite (sqlite:///...).",
        ),
    ],
    ids=["no-key", "short-key", "local-key", "no-hosts", "debug-on", "unknown-env", "bad-bool", "mysql"],
)
def test_misconfiguration_fails_at_start_naming_the_setting(env, message):
    result = run_manage("check", **env)
    assert result.returncode == 1
    assert last_line(result) == f"django.core.exceptions.ImproperlyConfigured: {message}"


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        CLAIMBOOK_ENV="production",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="claimbook.example",
        DATABASE_URL="postgres://claimbook@127.0.0.1:5432/claimbook",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
