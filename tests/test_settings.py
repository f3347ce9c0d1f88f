"""Settings come from the environment; production refuses to start half-configured."""

import ipaddress
import os
import runpy
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_rate
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
        (
            {"SECRET_KEY": STRONG_KEY, "CLAIMBOOK_MAX_SOURCE_CHARS": "20OO"},
            "CLAIMBOOK_MAX_SOURCE_CHARS must be a whole number of at least 1, got '20OO'.",
        ),
        (
            {"SECRET_KEY": STRONG_KEY, "CLAIMBOOK_PROXY_COUNT": "one"},
            "CLAIMBOOK_PROXY_COUNT must be a whole number of at least 0, got 'one'.",
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
        "typo-in-a-number",
        "proxy-count-in-words",
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


def run_gunicorn_config(**env: str) -> subprocess.CompletedProcess:
    base = {key: value for key, value in os.environ.items() if key not in {"BIND", "CLAIMBOOK_PROXY_COUNT",
                                                                            "FORWARDED_ALLOW_IPS"}}  # fmt: skip
    return subprocess.run(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "config/gunicorn.py", "--print-config", "config.wsgi"],
        cwd=ROOT, env={**base, **env}, capture_output=True, text=True,
    )  # fmt: skip


def gunicorn_config(**env: str) -> dict:
    result = run_gunicorn_config(**env)
    assert result.returncode == 0, result.stderr
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


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CLAIMBOOK_PROXY_COUNT": "one"}, "CLAIMBOOK_PROXY_COUNT must be a whole number of at least 0, got 'one'."),
        ({"WEB_CONCURRENCY": "0"}, "WEB_CONCURRENCY must be a whole number of at least 1, got '0'."),
    ],
)
def test_gunicorn_refuses_a_number_it_cannot_read_naming_the_variable(env, message):
    result = run_gunicorn_config(**env)
    assert result.returncode == 1
    assert last_line(result) == f"django.core.exceptions.ImproperlyConfigured: {message}"


def test_gunicorn_started_elsewhere_with_chdir_finds_its_settings(tmp_path):
    result = subprocess.run(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", str(ROOT / "config" / "gunicorn.py"), "--chdir",
         str(ROOT), "--print-config", "config.wsgi"],
        cwd=tmp_path, env={**os.environ, "WEB_CONCURRENCY": "2"}, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "workers                            = 2" in result.stdout.splitlines()


SCHEME_PROBE = (
    "from django.test import Client; "
    'print(*[(lambda r: f\'{r.status_code}:{r.get("Location", "-")}\')('
    "Client(REMOTE_ADDR=peer, HTTP_HOST='claimbook.example').get('/admin/', HTTP_X_FORWARDED_PROTO='https')) "
    "for peer in ['203.0.113.9', '10.0.0.2']])"
)


@pytest.mark.parametrize(
    ("proxies", "answers"),
    [
        ({}, ["301:https://claimbook.example/admin/", "301:https://claimbook.example/admin/"]),
        ({"CLAIMBOOK_PROXY_COUNT": "1", "FORWARDED_ALLOW_IPS": "10.0.0.2"}, ["301:https://claimbook.example/admin/",
                                                                           "302:/admin/login/?next=/admin/"]),
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
    forged = Client(REMOTE_ADDR="203.0.113.9").get("/admin/login/", HTTP_X_FORWARDED_PROTO="https")
    assert (forged.status_code, forged["Location"]) == (301, "https://testserver/admin/login/")
    proxied = Client(REMOTE_ADDR="10.0.0.2").get("/admin/login/", HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code == 200


def test_the_health_check_answers_over_plain_http_under_any_host_name(settings, db):
    from django.db import connection
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["claimbook.example"]
    response = Client(HTTP_HOST="10.1.2.3:8000").get("/healthz")
    assert response.json() == {"status": "ok", "database": connection.vendor}
    assert Client(HTTP_HOST="10.1.2.3:8000").get("/admin/login/").status_code == 400  # the site itself is guarded


# -- every environment variable that needs parsing: a typo stops start-up, naming it -----------

PRODUCTION = {"CLAIMBOOK_ENV": "production", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "claimbook.example"}
WITH_POSTGRES = {"DATABASE_URL": "postgres://claimbook@db.example:5432/claims"}

# variable, the least value it takes, the environment it is read in, and where its value ends up
NUMBERS: list[tuple[str, int, dict[str, str], Callable[[dict[str, Any]], Any]]] = [
    ("CLAIMBOOK_PROXY_COUNT", 0, {}, lambda s: s["REST_FRAMEWORK"]["NUM_PROXIES"]),
    ("CLAIMBOOK_LOGIN_FAILURE_LIMIT", 1, {}, lambda s: s["AXES_FAILURE_LIMIT"]),
    ("CLAIMBOOK_LOGIN_COOLOFF_MINUTES", 1, {}, lambda s: s["AXES_COOLOFF_TIME"] / timedelta(minutes=1)),
    ("CLAIMBOOK_MAX_FORM_BYTES", 1, {}, lambda s: s["DATA_UPLOAD_MAX_MEMORY_SIZE"]),
    ("CONN_MAX_AGE", 0, WITH_POSTGRES, lambda s: s["DATABASES"]["default"]["CONN_MAX_AGE"]),
    ("SECURE_HSTS_SECONDS", 0, PRODUCTION, lambda s: s["SECURE_HSTS_SECONDS"]),
    ("CLAIMBOOK_MAX_SOURCE_CHARS", 1, {}, lambda s: s["CLAIMBOOK"]["MAX_SOURCE_CHARS"]),
    ("CLAIMBOOK_MAX_CANDIDATES_PER_SOURCE", 1, {}, lambda s: s["CLAIMBOOK"]["MAX_CANDIDATES_PER_SOURCE"]),
    ("CLAIMBOOK_MAX_API_BODY_BYTES", 1, {}, lambda s: s["CLAIMBOOK"]["MAX_API_BODY_BYTES"]),
]
NUMBER_DEFAULTS = {
    "CLAIMBOOK_PROXY_COUNT": 0,
    "CLAIMBOOK_LOGIN_FAILURE_LIMIT": 5,
    "CLAIMBOOK_LOGIN_COOLOFF_MINUTES": 15,
    "CLAIMBOOK_MAX_FORM_BYTES": 10 * 1024 * 1024,
    "CONN_MAX_AGE": 60,
    "SECURE_HSTS_SECONDS": 31536000,
    "CLAIMBOOK_MAX_SOURCE_CHARS": 2_000_000,
    "CLAIMBOOK_MAX_CANDIDATES_PER_SOURCE": 5_000,
    "CLAIMBOOK_MAX_API_BODY_BYTES": 1024 * 1024,
}
BOOLEANS: list[tuple[str, dict[str, str], str]] = [
    ("DEBUG", {}, "DEBUG"),
    ("SECURE_SSL_REDIRECT", PRODUCTION, "SECURE_SSL_REDIRECT"),
    ("SECURE_HSTS_PRELOAD", PRODUCTION, "SECURE_HSTS_PRELOAD"),
]
READ_BY_SETTINGS = {
    "CLAIMBOOK_ENV", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL", "REDIS_URL",
    "FORWARDED_ALLOW_IPS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_PRELOAD", "CLAIMBOOK_ANON_THROTTLE_RATE",
    "CLAIMBOOK_ORGANIZATION_NAME", "CLAIMBOOK_ORGANIZATION_URL", *NUMBER_DEFAULTS,
}  # fmt: skip


def load_settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    """config/settings.py run afresh, with ``env`` and nothing else of what it reads set (a
    SECRET_KEY aside); the settings the tests run with are left alone."""
    for name in READ_BY_SETTINGS - {"SECRET_KEY"}:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "settings.py"))


def refusal(monkeypatch: pytest.MonkeyPatch, **env: str) -> str:
    with pytest.raises(ImproperlyConfigured) as refused:
        load_settings(monkeypatch, **env)
    return str(refused.value)


@pytest.mark.parametrize("value", ["20OO", "2.5", "1e6", "1_000", "5,000", "ten", "-1"])
@pytest.mark.parametrize(("name", "minimum", "context", "read"), NUMBERS, ids=[row[0] for row in NUMBERS])
def test_a_number_that_is_not_a_whole_number_in_range_is_refused_naming_the_variable(
    monkeypatch, name, minimum, context, read, value
):
    assert refusal(monkeypatch, **context, **{name: value}) == (
        f"{name} must be a whole number of at least {minimum}, got {value!r}."
    )


@pytest.mark.parametrize(("name", "minimum", "context", "read"), NUMBERS, ids=[row[0] for row in NUMBERS])
def test_a_number_below_its_minimum_is_refused(monkeypatch, name, minimum, context, read):
    too_small = str(minimum - 1)
    assert refusal(monkeypatch, **context, **{name: too_small}) == (
        f"{name} must be a whole number of at least {minimum}, got {too_small!r}."
    )


@pytest.mark.parametrize(("name", "minimum", "context", "read"), NUMBERS, ids=[row[0] for row in NUMBERS])
def test_a_number_is_read_into_its_setting_blanks_around_it_ignored(monkeypatch, name, minimum, context, read):
    assert read(load_settings(monkeypatch, **context, **{name: " 42 "})) == 42
    assert read(load_settings(monkeypatch, **context, **{name: str(minimum)})) == minimum


@pytest.mark.parametrize("value", [None, "", "  "], ids=["unset", "empty", "blank"])
@pytest.mark.parametrize(("name", "minimum", "context", "read"), NUMBERS, ids=[row[0] for row in NUMBERS])
def test_a_number_unset_or_empty_is_its_default(monkeypatch, name, minimum, context, read, value):
    env = {} if value is None else {name: value}
    assert read(load_settings(monkeypatch, **context, **env)) == NUMBER_DEFAULTS[name]


@pytest.mark.parametrize("value", ["maybe", "2", "enabled", "y"])
@pytest.mark.parametrize(("name", "context", "setting"), BOOLEANS, ids=[row[0] for row in BOOLEANS])
def test_a_boolean_that_is_not_one_is_refused_naming_the_variable(monkeypatch, name, context, setting, value):
    assert refusal(monkeypatch, **context, **{name: value}) == (
        f"{name} must be a boolean (1/0, true/false, yes/no, on/off), got {value!r}."
    )


@pytest.mark.parametrize(("name", "context", "setting"), BOOLEANS[1:], ids=[row[0] for row in BOOLEANS[1:]])
@pytest.mark.parametrize(
    ("value", "expected"), [(None, True), ("", True), ("Off", False), (" no ", False), ("1", True)]
)
def test_a_production_switch_is_on_unless_turned_off(monkeypatch, name, context, setting, value, expected):
    env = {} if value is None else {name: value}
    assert load_settings(monkeypatch, **context, **env)[setting] is expected


@pytest.mark.parametrize("value", ["600 per minute", "600/", "/minute", "six/minute", "600/week", "600"])
def test_a_throttle_rate_drf_cannot_read_is_refused_at_start_not_on_every_request(monkeypatch, value):
    assert refusal(monkeypatch, CLAIMBOOK_ANON_THROTTLE_RATE=value) == (
        "CLAIMBOOK_ANON_THROTTLE_RATE must be a number of requests per second, minute, hour or day "
        f"(e.g. 600/minute), or empty for no limit, got {value!r}."
    )


@pytest.mark.parametrize(
    ("env", "rate"),
    [
        ({}, "600/minute"),
        ({"CLAIMBOOK_ANON_THROTTLE_RATE": ""}, None),
        ({"CLAIMBOOK_ANON_THROTTLE_RATE": " 5/s "}, "5/s"),
        ({"CLAIMBOOK_ANON_THROTTLE_RATE": "100/hour"}, "100/hour"),
    ],
    ids=["unset", "empty-turns-it-off", "short-period", "per-hour"],
)
def test_the_throttle_rate_is_read_as_drf_reads_it(monkeypatch, env, rate):
    from rest_framework.throttling import SimpleRateThrottle

    read = load_settings(monkeypatch, **env)["CLAIMBOOK"]["ANON_THROTTLE_RATE"]
    assert read == rate
    if rate is not None:
        assert SimpleRateThrottle.parse_rate(None, read)[0] == int(rate.strip().split("/")[0])


def test_lists_are_comma_separated_with_blanks_and_empty_items_dropped(monkeypatch):
    loaded = load_settings(
        monkeypatch, ALLOWED_HOSTS=" a.example, ,b.example ,", CSRF_TRUSTED_ORIGINS="https://a.example"
    )
    assert (loaded["ALLOWED_HOSTS"], loaded["CSRF_TRUSTED_ORIGINS"]) == (
        ["a.example", "b.example"],
        ["https://a.example"],
    )


# -- the helpers themselves ------------------------------------------------------------------


def test_env_int_without_a_minimum_takes_negative_numbers_and_says_so_when_refusing(monkeypatch):
    monkeypatch.setenv("CLAIMBOOK_TEST_NUMBER", "-3")
    assert env_int("CLAIMBOOK_TEST_NUMBER", 7) == -3
    monkeypatch.setenv("CLAIMBOOK_TEST_NUMBER", "three")
    with pytest.raises(ImproperlyConfigured) as refused:
        env_int("CLAIMBOOK_TEST_NUMBER", 7)
    assert str(refused.value) == "CLAIMBOOK_TEST_NUMBER must be a whole number, got 'three'."


def test_the_helpers_give_the_default_for_an_unset_variable(monkeypatch):
    monkeypatch.delenv("CLAIMBOOK_TEST_UNSET", raising=False)
    assert env_int("CLAIMBOOK_TEST_UNSET", 7, minimum=1) == 7
    assert env_bool("CLAIMBOOK_TEST_UNSET", True) is True
    assert env_list("CLAIMBOOK_TEST_UNSET", ["a"]) == ["a"]
    assert env_rate("CLAIMBOOK_TEST_UNSET", "1/day") == "1/day"
