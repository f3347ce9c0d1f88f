"""docker-compose.yml is parsed (no Docker engine here) and what its services run is checked
against the repository: the commands and files they name exist, the settings start under their
environment and reach the other services, and every health check asks something real."""

import os
import re
import runpy
import shlex
import subprocess
import sys
from urllib.parse import urlsplit

import dj_database_url
import pytest
import yaml
from django.core.management import get_commands
from django.urls import resolve

from tests.conftest import ROOT

STRONG_KEY = "k" * 20 + "9f3Qz1-_aP0wLx7Rt2mVbN4cYe6Hu8JsGd5"  # stands in for the operator's ${SECRET_KEY}
SUBSTITUTION = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:-|:\?)(?P<word>[^}]*))?\}")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def web(compose):
    return compose["services"]["web"]


def substitute(value: str, given: dict[str, str]) -> str:
    """Compose's ${NAME:-default} and ${NAME:?error}, as docker compose reads them."""

    def one(match: re.Match) -> str:
        name, op, word = match["name"], match["op"], match["word"]
        if given.get(name):
            return given[name]
        if op == ":-":
            return word
        raise LookupError(f"docker compose refuses to start without {name}: {word}")

    return SUBSTITUTION.sub(one, str(value))


def web_environment(web, **given: str) -> dict[str, str]:
    return {name: substitute(value, given) for name, value in web["environment"].items()}


def web_steps(web) -> list[list[str]]:
    """The web service's shell script, one argv per `&&` step."""
    assert web["command"][:2] == ["sh", "-c"], web["command"]
    return [shlex.split(step) for step in web["command"][2].split("&&")]


def mounted_path(web, path: str) -> str:
    """A path the container reads, relative to the repository when it lies under the mounted checkout."""
    (checkout,) = [v.split(":")[1] for v in web["volumes"] if v.split(":")[0] == "."]
    assert web["working_dir"] == checkout  # relative paths in the command are relative to the checkout
    return path.removeprefix(checkout + "/")


def run_settings(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "VIRTUAL_ENV"}}
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT, env={**keep, **env}, capture_output=True, text=True,
    )  # fmt: skip


# -- what the web service runs ---------------------------------------------------------------


def test_every_manage_py_step_of_the_web_command_is_a_real_management_command(web):
    steps = [argv for argv in web_steps(web) if "manage.py" in argv]
    assert steps, web["command"]
    known = get_commands()
    for argv in steps:
        assert (ROOT / mounted_path(web, argv[argv.index("manage.py")])).is_file()
        name = argv[argv.index("manage.py") + 1]
        assert name in known, f"manage.py {name} is not a command of this project"


def test_the_web_command_migrates_before_it_serves_and_serves_last_with_exec(web):
    steps = web_steps(web)
    commands = [argv[argv.index("manage.py") + 1] if "manage.py" in argv else argv[0] for argv in steps]
    assert commands.index("migrate") < len(commands) - 1
    assert steps[-1][0] == "exec"  # gunicorn replaces the shell and receives compose's stop signal
    assert steps[-1][1].endswith("/gunicorn")


def test_every_file_the_web_command_installs_from_or_loads_exists_in_the_repository(web):
    named = []
    for argv in web_steps(web):
        named += [argv[i + 1] for i, arg in enumerate(argv) if arg in {"-r", "-c"} and argv[0] != "sh"]
    assert named, web["command"]
    for path in named:
        assert (ROOT / mounted_path(web, path)).is_file(), f"{path} is named by docker-compose.yml but missing"


def test_the_gunicorn_step_serves_this_projects_wsgi_application_with_its_config(web):
    argv = web_steps(web)[-1][1:]
    config = argv[argv.index("-c") + 1]
    module = argv[-1]
    wsgi = __import__(module, fromlist=["application"])
    assert callable(wsgi.application)
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8").split()
    assert any(line.startswith("gunicorn==") for line in requirements)
    assert (ROOT / mounted_path(web, config)).is_file()


def test_gunicorn_under_the_compose_environment_binds_the_published_port_on_every_interface(web, monkeypatch):
    env = web_environment(web, SECRET_KEY=STRONG_KEY)
    monkeypatch.setenv("BIND", env["BIND"])
    config = web_steps(web)[-1][web_steps(web)[-1].index("-c") + 1]
    bind = runpy.run_path(str(ROOT / mounted_path(web, config)))["bind"]
    host, port = bind.rsplit(":", 1)
    assert host == "0.0.0.0"  # inside the container 127.0.0.1 would be unreachable from the published port
    assert [mapping.split(":")[1] for mapping in web["ports"]] == [port]


def test_the_venv_the_command_builds_lives_in_a_named_volume(compose, web):
    venv_steps = [argv for argv in web_steps(web) if argv[:3] == ["python", "-m", "venv"]]
    (venv,) = [argv[3] for argv in venv_steps]
    volumes = {v.split(":")[1]: v.split(":")[0] for v in web["volumes"]}
    assert volumes[venv] in compose["volumes"]
    assert all(argv[0].startswith(venv + "/") for argv in web_steps(web) if argv[0].startswith("/"))
    assert web_environment(web, SECRET_KEY=STRONG_KEY)["STATIC_ROOT"].startswith(venv + "/")  # writable there


# -- the environment the app needs -----------------------------------------------------------


def test_compose_refuses_to_start_the_web_app_without_a_secret_key(web):
    with pytest.raises(LookupError, match="without SECRET_KEY"):
        web_environment(web)


def test_the_settings_start_in_production_under_the_compose_environment_and_reach_its_services(compose, web):
    env = web_environment(web, SECRET_KEY=STRONG_KEY)
    show = (
        "from django.conf import settings as s; import json; d = s.DATABASES['default']; "
        "print(json.dumps([s.DEBUG, s.PRODUCTION, d['ENGINE'], d['HOST'], d['PORT'], d['NAME'], d['USER'], "
        "s.CACHES['default']['BACKEND'], s.CACHES['default'].get('LOCATION'), s.STATIC_ROOT, s.ALLOWED_HOSTS]))"
    )
    result = run_settings(env, show)
    assert result.returncode == 0, result.stderr
    db_env = {name: substitute(value, {}) for name, value in compose["services"]["db"]["environment"].items()}
    database = dj_database_url.parse(env["DATABASE_URL"])
    cache = urlsplit(env["REDIS_URL"])
    assert yaml.safe_load(result.stdout.strip().splitlines()[-1]) == [
        False,
        True,
        "django.db.backends.postgresql",
        database["HOST"],
        database["PORT"],
        db_env["POSTGRES_DB"],
        db_env["POSTGRES_USER"],
        "django.core.cache.backends.redis.RedisCache",
        env["REDIS_URL"],
        env["STATIC_ROOT"],
        env["ALLOWED_HOSTS"].split(","),
    ]
    assert database["HOST"] in compose["services"]
    assert database["PORT"] == 5432
    assert cache.hostname in compose["services"]
    assert cache.port == 6379
    assert database["PASSWORD"] == db_env["POSTGRES_PASSWORD"]  # one default for both services


def test_the_settings_pass_the_deployment_checks_under_the_compose_environment(web):
    env = web_environment(web, SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="claimbook.example", SECURE_SSL_REDIRECT="true")
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "VIRTUAL_ENV"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={**keep, **env}, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_every_variable_compose_sets_is_read_by_the_settings_or_gunicorn(web):
    sources = {path: (ROOT / path).read_text(encoding="utf-8") for path in ("config/settings.py", "config/gunicorn.py")}
    for name in web["environment"]:
        if name == "PYTHONDONTWRITEBYTECODE":  # read by Python itself
            continue
        readers = [path for path, text in sources.items() if re.search(rf"""["']{name}["']""", text)]
        assert readers, f"{name} is set in docker-compose.yml but read by neither settings nor gunicorn"


# -- health checks ---------------------------------------------------------------------------


def test_the_web_service_starts_only_once_the_services_it_uses_are_healthy(compose, web):
    env = web_environment(web, SECRET_KEY=STRONG_KEY)
    used = {dj_database_url.parse(env["DATABASE_URL"])["HOST"], urlsplit(env["REDIS_URL"]).hostname}
    assert web["depends_on"] == {name: {"condition": "service_healthy"} for name in used}
    for name in used:
        assert compose["services"][name]["healthcheck"]["test"], name


def test_the_postgresql_health_check_asks_for_the_database_and_user_the_app_connects_as(compose):
    db = compose["services"]["db"]
    assert db["image"].startswith("postgres:")
    kind, script = db["healthcheck"]["test"]
    argv = shlex.split(script)
    assert (kind, argv[0]) == ("CMD-SHELL", "pg_isready")
    asked = {argv[i]: argv[i + 1] for i in range(1, len(argv) - 1, 2)}
    assert asked == {"-U": db["environment"]["POSTGRES_USER"], "-d": db["environment"]["POSTGRES_DB"]}
    (data,) = [v for v in db["volumes"] if v.endswith(":/var/lib/postgresql/data")]
    assert data.split(":")[0] in compose["volumes"]  # the data outlives the container


def test_the_redis_health_check_pings_the_redis_the_app_uses(compose):
    redis = compose["services"]["redis"]
    assert redis["image"].startswith("redis:")
    assert redis["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def health_check_answer(web, tmp_path, **operator: str) -> str:
    """What the web health check gets from the app under the compose environment (the database
    swapped for SQLite, there being no `db` host here): status and Location."""
    test = web["healthcheck"]["test"]
    assert test[:3] == ["CMD", "python", "-c"]
    (url,) = re.findall(r"urlopen\('([^']+)'\)", test[3])
    parts = urlsplit(url)
    env = web_environment(web, SECRET_KEY=STRONG_KEY, **operator)
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'health.sqlite3'}"
    ask = (
        "from django.test import Client; "
        f"r = Client(HTTP_HOST={parts.netloc!r}).get({parts.path!r}); print(r.status_code, r.get('Location'))"
    )
    result = run_settings(env, ask)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_the_web_health_check_asks_a_url_the_app_answers_on_the_port_gunicorn_binds(web, tmp_path):
    (url,) = re.findall(r"urlopen\('([^']+)'\)", web["healthcheck"]["test"][3])
    parts = urlsplit(url)
    bind_port = web_environment(web, SECRET_KEY=STRONG_KEY)["BIND"].rsplit(":", 1)[1]
    assert (parts.hostname, str(parts.port)) == ("127.0.0.1", bind_port)  # from inside the container
    assert resolve(parts.path).func.__name__ == "healthz"
    assert health_check_answer(web, tmp_path) == "200 None"


@pytest.mark.parametrize(
    "operator",
    [{"ALLOWED_HOSTS": "claimbook.example"}, {"SECURE_SSL_REDIRECT": "true"}],
    ids=["real host name", "https redirect"],
)
def test_the_web_health_check_still_passes_once_the_operator_configures_production(web, tmp_path, operator):
    assert health_check_answer(web, tmp_path, **operator) == "200 None"


# -- the webhook worker ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def worker(compose):
    return compose["services"]["worker"]


def test_the_worker_runs_this_projects_task_consumer_from_the_venv_web_builds(compose, web, worker):
    (step,) = web_steps(worker)
    assert step[0] == "exec"  # the consumer receives compose's stop signal and finishes its tasks
    venv = next(argv[3] for argv in web_steps(web) if argv[:3] == ["python", "-m", "venv"])
    assert step[1:] == [f"{venv}/bin/python", "manage.py", "run_huey"]
    assert "run_huey" in get_commands()
    assert (ROOT / mounted_path(worker, "/app/manage.py")).is_file()
    assert (worker["image"], worker["working_dir"], worker["volumes"]) == (
        web["image"],
        web["working_dir"],
        web["volumes"],
    )


def test_the_worker_starts_once_web_has_built_the_venv_and_migrated_and_its_services_are_healthy(worker):
    assert worker["depends_on"] == {name: {"condition": "service_healthy"} for name in ("db", "redis", "web")}
    assert worker["restart"] == "unless-stopped"


def test_the_worker_reads_the_same_database_and_redis_as_the_web_app(web, worker):
    web_env = web_environment(web, SECRET_KEY=STRONG_KEY)
    worker_env = web_environment(worker, SECRET_KEY=STRONG_KEY)
    for name in ("CLAIMBOOK_ENV", "DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        assert worker_env[name] == web_env[name], name
    with pytest.raises(LookupError, match="without SECRET_KEY"):
        web_environment(worker)


@pytest.mark.parametrize("service", ["web", "worker"])
def test_under_the_compose_environment_the_task_queue_is_the_redis_service(compose, service):
    env = web_environment(compose["services"][service], SECRET_KEY=STRONG_KEY)
    show = (
        "from django.conf import settings as s; from huey.contrib.djhuey import HUEY; import json; "
        "print(json.dumps([s.HUEY['huey_class'], s.HUEY['url'], s.HUEY['immediate'], type(HUEY.storage).__name__, "
        "HUEY.name]))"
    )
    result = run_settings(env, show)
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(result.stdout.strip().splitlines()[-1]) == [
        "huey.RedisHuey", env["REDIS_URL"], False, "RedisStorage", "claimbook"
    ]  # fmt: skip
    redis = urlsplit(env["REDIS_URL"])
    assert redis.hostname in compose["services"]
    assert compose["services"][redis.hostname]["image"].startswith("redis:")


def test_every_variable_compose_gives_the_worker_is_read_by_the_settings(worker):
    settings_text = (ROOT / "config/settings.py").read_text(encoding="utf-8")
    for name in worker["environment"]:
        if name == "PYTHONDONTWRITEBYTECODE":
            continue
        assert re.search(rf"""["']{name}["']""", settings_text), f"{name} is set for the worker but never read"
