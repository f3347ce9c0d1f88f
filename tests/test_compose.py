"""docker-compose.yml is parsed (no Docker engine here) and checked against the settings."""

import dj_database_url
import pytest
import yaml

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_runs_postgresql_redis_and_the_web_app(compose):
    assert set(compose["services"]) == {"db", "redis", "web"}
    assert compose["services"]["db"]["image"].startswith("postgres:")
    assert compose["services"]["redis"]["image"].startswith("redis:")
    assert compose["services"]["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert compose["services"]["web"]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert compose["services"]["web"]["environment"]["REDIS_URL"] == "redis://redis:6379/0"


def test_postgresql_keeps_its_data_in_a_named_volume_and_has_a_health_check(compose):
    db = compose["services"]["db"]
    assert "pgdata:/var/lib/postgresql/data" in db["volumes"]
    assert "pgdata" in compose["volumes"]
    assert db["healthcheck"]["test"] == ["CMD-SHELL", "pg_isready -U claimbook -d claimbook"]


def test_the_web_app_migrates_then_serves_with_gunicorn_and_is_health_checked(compose):
    web = compose["services"]["web"]
    command = " ".join(web["command"])
    assert command.index("manage.py migrate --noinput") < command.index("exec /venv/bin/gunicorn")
    assert "-c config/gunicorn.py config.wsgi" in command
    assert "requirements.txt -c constraints.txt" in command
    assert "/healthz" in " ".join(web["healthcheck"]["test"])
    assert web["ports"] == ["8000:8000"]


def test_the_web_environment_matches_what_the_settings_read(compose):
    env = compose["services"]["web"]["environment"]
    db_env = compose["services"]["db"]["environment"]
    assert env["CLAIMBOOK_ENV"] == "production"
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")  # compose refuses to start without one
    url = env["DATABASE_URL"].replace("${POSTGRES_PASSWORD:-claimbook}", "claimbook")
    parsed = dj_database_url.parse(url)
    assert parsed["ENGINE"] == "django.db.backends.postgresql"
    assert (parsed["HOST"], parsed["PORT"]) == ("db", 5432)
    assert (parsed["NAME"], parsed["USER"]) == (db_env["POSTGRES_DB"], db_env["POSTGRES_USER"])
    settings_source = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    gunicorn_source = (ROOT / "config" / "gunicorn.py").read_text(encoding="utf-8")
    for name in env:
        if name == "BIND":
            assert 'os.environ.get("BIND"' in gunicorn_source
        elif name != "PYTHONDONTWRITEBYTECODE":
            assert f'"{name}"' in settings_source, f"{name} is set in docker-compose.yml but not read by settings"


def test_the_web_app_listens_on_every_interface_of_its_container_because_compose_says_so(compose):
    """gunicorn binds 127.0.0.1 unless told otherwise; inside the container that would be unreachable."""
    assert compose["services"]["web"]["environment"]["BIND"] == "0.0.0.0:8000"
    assert compose["services"]["web"]["ports"] == ["8000:8000"]


def test_every_file_the_compose_command_names_exists(compose):
    for path in ["requirements.txt", "constraints.txt", "config/gunicorn.py", "manage.py"]:
        assert (ROOT / path).is_file(), path
