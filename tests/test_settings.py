"""Settings come from the environment; production refuses to start half-configured."""

import ipaddress
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

STRONG_KEY = "k" * 20 + "9f3Qz1-_aP0wLx7Rt2mVbN4cYe6Hu8JsGd5"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "SECRET_KEY",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "DJANGO_SETTINGS_MODULE",
            "CLAIMBOOK_ENV",
            "CLAIMBOOK_PROXY_COUNT",
            "FORWARDED_ALLOW_IPS",
            "BIND",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


def last_line(result: subprocess.CompletedProcess) -> str:
    return result.stderr.strip().splitlines()[-1]


SHOW_DEBUG_AND_KEY = (
    "from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE'], s.DEBUG, s.SECRET_KEY == s.LOCAL_ONLY_SECRET_KEY)"
)
HOW_TO_SET_KEY = "export SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
NEEDS_A_KEY = (
    f"SECRET_KEY must be set to a random value when DEBUG is off ({HOW_TO_SET_KEY}); "
    "the committed local-only key serves only local development with DEBUG=1."
)


def test_local_development_asks_for_debug_and_gets_sqlite_and_the_local_only_key():
    result = run_manage("shell", "-c", SHOW_DEBUG_AND_KEY, DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["django.db.backends.sqlite3", "True", "True"]


def test_with_nothing_set_claimbook_refuses_to_start_and_says_how_to_set_a_secret_key():
    result = run_manage("check")
    assert result.returncode == 1
    assert last_line(result) == f"django.core.exceptions.ImproperlyConfigured: {NEEDS_A_KEY}"


@pytest.mark.parametrize(
    ("env", "debug"),
    [
        ({}, "False"),
        ({"DEBUG": ""}, "False"),
        ({"DEBUG": "0"}, "False"),
        ({"DEBUG": "off"}, "False"),
        ({"DEBUG": "1"}, "True"),
        ({"DEBUG": "true"}, "True"),
        ({"DEBUG": "YES"}, "True"),
        ({"DEBUG": "on"}, "True"),
        ({"CLAIMBOOK_ENV": "local"}, "False"),
        ({"CLAIMBOOK_ENV": "production", "ALLOWED_HOSTS": "x.example"}, "False"),
    ],
)
def test_debug_is_off_unless_asked_for_whatever_the_environment(env, debug):
    result = run_manage("shell", "-c", "from django.conf import settings as s; print(s.DEBUG)", SECRET_KEY=STRONG_KEY,
                        **env)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == debug


def test_with_debug_off_a_secret_key_from_the_environment_is_used():
    show = "from django.conf import settings as s; print(s.DEBUG, s.SECRET_KEY)"
    result = run_manage("shell", "-c", show, SECRET_KEY=STRONG_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["False", STRONG_KEY]


def test_database_url_switches_to_postgresql():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['ENGINE'], d['NAME'], d['HOST'], d['PORT'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])",
        DATABASE_URL="postgres://claimbook:secret@db.example:5433/claims",
        SECRET_KEY=STRONG_KEY,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-6:] == ["django.db.backends.postgresql", "claims", "db.example", "5433", "60", "True"]


def test_redis_url_gives_the_workers_one_shared_cache():
    show = "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
    local = run_manage("shell", "-c", show, SECRET_KEY=STRONG_KEY)
    assert local.returncode == 0, local.stderr
    assert local.stdout.split()[-1] == "django.core.cache.backends.locmem.LocMemCache"
    result = run_manage("shell", "-c", show, REDIS_URL="redis://127.0.0.1:6379/15", SECRET_KEY=STRONG_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "django.core.cache.backends.redis.RedisCache", result.stderr


def redis_or_skip(host: str = "127.0.0.1", port: int = 6379) -> None:
    """Redis is optional on a workstation, so the test is skipped there; CI provides it, so there
    an unreachable Redis is a failure, never a skip."""
    import socket

    try:
        socket.create_connection((host, port), timeout=1).close()
    except OSError as exc:
        reason = f"Redis is not reachable on {host}:{port} ({exc})"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"{reason}; CI={os.environ['CI']} promises a Redis for this test.")
        pytest.skip(f"{reason}; it is optional outside CI (set CI=true to make this a failure).")


def test_with_redis_a_value_one_process_caches_another_reads():
    redis_or_skip()
    url = {"REDIS_URL": "redis://127.0.0.1:6379/15", "SECRET_KEY": STRONG_KEY}
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
            {"DATABASE_URL": "mysql://root@127.0.0.1/claims", "SECRET_KEY": STRONG_KEY},
            "DATABASE_URL must point at PostgreSQL (postgres://...) or SQLite (sqlite:///...).",
        ),
        ({"CLAIMBOOK_ENV": "local"}, NEEDS_A_KEY),
        ({"DEBUG": "0"}, NEEDS_A_KEY),
        ({"SECRET_KEY": "claimbook-local-only-insecure-key-do-not-deploy-4b1f0c9e7d2a"}, NEEDS_A_KEY),
        (
            {"SECRET_KEY": STRONG_KEY, "FORWARDED_ALLOW_IPS": "10.0.0.2"},
            "FORWARDED_ALLOW_IPS is set ('10.0.0.2') but CLAIMBOOK_PROXY_COUNT is 0: set CLAIMBOOK_PROXY_COUNT to the "
            "number of reverse proxies in front of Claimbook, or unset FORWARDED_ALLOW_IPS.",
        ),
        (
            {"SECRET_KEY": STRONG_KEY, "CLAIMBOOK_PROXY_COUNT": "1", "FORWARDED_ALLOW_IPS": "*"},
            "FORWARDED_ALLOW_IPS='*' would let every client say it came over HTTPS: list the proxies' addresses or "
            "networks instead, e.g. 10.0.0.2 or 172.16.0.0/12.",
        ),
        (
            {"SECRET_KEY": STRONG_KEY, "CLAIMBOOK_PROXY_COUNT": "1", "FORWARDED_ALLOW_IPS": "10.0.0.2,proxy.lan"},
            "FORWARDED_ALLOW_IPS must list IP addresses or networks (e.g. 127.0.0.1,10.0.0.0/8), got 'proxy.lan'.",
        ),
    ],
    ids=[
        "no-key",
        "short-key",
        "local-key",
        "no-hosts",
        "debug-on",
        "unknown-env",
        "bad-bool",
        "mysql",
        "local-no-key",
        "debug-off-no-key",
        "committed-key-without-debug",
        "proxy-ips-without-proxies",
        "every-ip-a-proxy",
        "proxy-by-name",
    ],
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


# -- gunicorn: this host only unless told; forwarded headers only from the proxies configured ---


def gunicorn_config(**env: str) -> dict:
    base = {key: value for key, value in os.environ.items() if key not in {"BIND", "CLAIMBOOK_PROXY_COUNT",
                                                                            "FORWARDED_ALLOW_IPS"}}  # fmt: skip
    result = subprocess.run(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "config/gunicorn.py", "--print-config", "config.wsgi"],
        cwd=ROOT, env={**base, **env}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    pairs = (line.split(" = ", 1) for line in result.stdout.splitlines() if " = " in line)
    return {name.strip(): value.strip() for name, value in pairs}


def test_gunicorn_binds_this_host_only_unless_bind_says_otherwise():
    assert gunicorn_config()["bind"] == "['127.0.0.1:8000']"
    assert gunicorn_config(BIND="0.0.0.0:8000")["bind"] == "['0.0.0.0:8000']"


@pytest.mark.parametrize(
    ("env", "trusted"),
    [
        ({}, []),
        ({"CLAIMBOOK_PROXY_COUNT": "0"}, []),
        ({"CLAIMBOOK_PROXY_COUNT": "1"}, ["127.0.0.1", "::1"]),
        (
            {"CLAIMBOOK_PROXY_COUNT": "2", "FORWARDED_ALLOW_IPS": "10.0.0.2, 172.16.0.0/12"},
            ["10.0.0.2", "172.16.0.0/12"],
        ),
    ],
)
def test_gunicorn_and_django_trust_the_same_proxies(env, trusted):
    from config.proxies import trusted_networks

    gunicorn = gunicorn_config(**env)["forwarded_allow_ips"]
    assert gunicorn == repr(trusted)
    django = trusted_networks(env.get("FORWARDED_ALLOW_IPS"), proxy_count=int(env.get("CLAIMBOOK_PROXY_COUNT", "0")))
    assert [str(network) for network in django] == [
        item if "/" in item else str(ipaddress.ip_network(item)) for item in trusted
    ]


SCHEME_PROBE = (
    "from django.test import Client; "
    'print(*[(lambda r: f\'{r.status_code}:{r.get("Location", "-")}\')('
    "Client(REMOTE_ADDR=peer, HTTP_HOST='claimbook.example').get('/healthz', HTTP_X_FORWARDED_PROTO='https')) "
    "for peer in ['203.0.113.9', '10.0.0.2']])"
)


@pytest.mark.parametrize(
    ("proxies", "answers"),
    [
        ({}, ["301:https://claimbook.example/healthz", "301:https://claimbook.example/healthz"]),
        ({"CLAIMBOOK_PROXY_COUNT": "1", "FORWARDED_ALLOW_IPS": "10.0.0.2"}, ["301:https://claimbook.example/healthz",
                                                                           "200:-"]),
    ],
    ids=["no-proxy", "one-proxy-at-10.0.0.2"],
)  # fmt: skip
def test_in_production_x_forwarded_proto_counts_only_from_a_configured_proxy(proxies, answers):
    """A client that says X-Forwarded-Proto: https is still redirected to HTTPS; the proxy is believed."""
    result = run_manage("shell", "-c", SCHEME_PROBE, CLAIMBOOK_ENV="production", SECRET_KEY=STRONG_KEY,
                        ALLOWED_HOSTS="claimbook.example", STATIC_ROOT=str(ROOT), **proxies)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == answers


@pytest.mark.parametrize(
    ("peer", "header", "secure"),
    [
        ("203.0.113.9", "https", False),
        ("10.0.0.2", "https", True),
        ("10.0.0.2", "http", False),
        ("10.0.0.3", "https", False),
        ("127.0.0.1", "https", False),
        ("10.0.0.2", None, False),
    ],
)
def test_request_is_secure_only_when_a_trusted_proxy_says_https(settings, peer, header, secure):
    from django.test import RequestFactory

    from config.proxies import TrustedProxyMiddleware, trusted_networks

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.CLAIMBOOK = {**settings.CLAIMBOOK, "TRUSTED_PROXIES": trusted_networks("10.0.0.2", proxy_count=1)}
    extra = {"HTTP_X_FORWARDED_PROTO": header} if header else {}
    request = RequestFactory().get("/", REMOTE_ADDR=peer, **extra)
    assert TrustedProxyMiddleware(lambda request: request.is_secure())(request) is secure


def test_with_ssl_redirect_a_forged_header_is_still_redirected_and_the_proxy_is_not(settings, client, db):
    from django.test import Client

    from config.proxies import trusted_networks

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.CLAIMBOOK = {**settings.CLAIMBOOK, "TRUSTED_PROXIES": trusted_networks("10.0.0.2", proxy_count=1)}
    forged = Client(REMOTE_ADDR="203.0.113.9").get("/healthz", HTTP_X_FORWARDED_PROTO="https")
    assert (forged.status_code, forged["Location"]) == (301, "https://testserver/healthz")
    proxied = Client(REMOTE_ADDR="10.0.0.2").get("/healthz", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200
