"""Shared fixtures, and the rule that PostgreSQL-only tests never skip on PostgreSQL."""

import os
from pathlib import Path

import pytest

from tests.factories import ClaimFactory, SourceFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "korea-the-staredown.txt"


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items):
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
    """The demo fixture loaded; returns its one source, the seed article."""
    from django.core.management import call_command

    from claims.models import Source

    call_command("loaddata", "demo", verbosity=0)
    return Source.objects.get()


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
