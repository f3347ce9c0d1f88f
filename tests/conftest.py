"""Shared fixtures, and the rule that PostgreSQL-only tests never skip on PostgreSQL."""

import os
from pathlib import Path

import pytest

from tests.factories import ClaimFactory, SourceFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "korea-the-staredown.txt"


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


# Fixtures that mean a database or a server, asked for by a test itself or through another fixture.
# (Not django_db_blocker: pytest-django's autouse fixtures bring it to every test.)
NEEDS_DATABASE_OR_SERVER = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}
    | {"client", "admin_client", "admin_user", "django_user_model"}
)
# Pure, but stress tests: megabytes of adversarial text against time and memory bounds. make test runs them.
STRESS_MODULES = frozenset({"tests.test_extraction_hostile"})


def is_fast(item: pytest.Item) -> bool:
    """Whether a test runs in this process alone, in moments: no database, server, browser or
    other process, and no stress test.

    Decided from what the test uses, so a new test of a pure module is in ``make test-fast``
    without being listed anywhere.
    """
    from django.test import TransactionTestCase

    if NEEDS_DATABASE_OR_SERVER.intersection(getattr(item, "fixturenames", ())):
        return False
    if any(item.get_closest_marker(name) for name in ("django_db", "browser", "postgres")):
        return False
    if isinstance(item.cls, type) and issubclass(item.cls, TransactionTestCase):
        return False  # Django's TestCase classes (hypothesis' included) open the test database
    module = getattr(item, "module", None)
    if module is None:
        return False
    return module.__name__ not in STRESS_MODULES and not hasattr(module, "subprocess")  # manage.py, gunicorn, ...


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if is_fast(item):
            item.add_marker(pytest.mark.fast)
    if on_postgres():
        return  # every test runs, postgres-marked ones included
    skip = pytest.mark.skip(reason="needs PostgreSQL; runs in the PostgreSQL pass (DATABASE_URL=postgres://...)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def source(db):
    return SourceFactory()


@pytest.fixture
def claim(db):
    return ClaimFactory()


@pytest.fixture
def demo(db):
    """The demo fixture loaded; returns the seed article (source 1; sources 2-4 are the follow-ups)."""
    from django.core.management import call_command

    from claims.models import Source

    call_command("loaddata", "demo", verbosity=0)
    return Source.objects.get(pk=1)


@pytest.fixture
def editor_api(editor):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(editor)
    return client


@pytest.fixture
def groups(db) -> dict:
    """The Editors and Readers groups by name. A data migration makes them; transactional
    tests start from a flushed database without them, so they are made again here."""
    from django.contrib.auth.models import Group, Permission

    from claims import roles

    return roles.ensure_groups(group_model=Group, permission_model=Permission)


@pytest.fixture
def editor(groups):
    user = UserFactory(username="editor")
    user.groups.add(groups["Editors"])
    return user


@pytest.fixture
def editor_client(client, editor):
    """Django's test client logged in as the demo's kind of editor (the Editors group)."""
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counts live in the cache; no test inherits another's."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def before_the_claim_list_reads(monkeypatch):
    """Install ``action`` to run just before the API's claim list reads the database (to make
    that read fail in a chosen way)."""
    from claims.api import claim_json

    def install(action) -> None:
        real = claim_json.readable

        def readable(queryset, **kwargs):
            action()
            return real(queryset, **kwargs)

        monkeypatch.setattr(claim_json, "readable", readable)

    return install


@pytest.fixture(autouse=True)
def fresh_claimbook_settings():
    """Every test reads CLAIMBOOK as its settings are: a setting deleted in an earlier test sent no
    setting_changed, so what Claimbook read then could otherwise outlive it."""
    from claims.conf import claimbook_settings

    claimbook_settings.reload()


@pytest.fixture(autouse=True)
def _roles_after_a_flush(request):
    """The Editors and Readers groups, as the roles migration makes them, in every database test.

    A transactional test ends with a flush that empties every table, the migration's groups too;
    with the suite on several workers (pytest-xdist) other tests run after it on the same database.
    """
    names = set(request.fixturenames)
    if names & {"transactional_db", "live_server"}:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    elif request.node.get_closest_marker("django_db") is not None:
        request.getfixturevalue("_django_db_helper")
    else:
        return
    from django.contrib.auth.models import Group, Permission

    from claims import roles

    if Group.objects.filter(name__in=roles.GROUP_PERMISSIONS).count() < len(roles.GROUP_PERMISSIONS):
        roles.ensure_groups(group_model=Group, permission_model=Permission)
