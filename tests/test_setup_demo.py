"""The demo editor account is made by a command, never committed as a password hash."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def log_in(username: str, password: str):
    """The user the admin's login form lets in with these credentials, or None."""
    from django.test import Client

    client = Client()
    client.post("/admin/login/", {"username": username, "password": password, "next": "/admin/"})
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def run_setup_demo(*args: str) -> str:
    out = StringIO()
    call_command("setup_demo", *args, stdout=out)
    return out.getvalue()


def test_setup_demo_creates_an_editor_who_can_log_in_with_the_printed_password():
    output = run_setup_demo()
    password = re.search(r"Password: (\S+)", output).group(1)
    assert "Admin:    http://127.0.0.1:8000/admin/" in output
    assert "Username: editor" in output
    user = log_in("editor", password)
    assert user is not None
    assert user.is_staff
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
    assert user.has_perm("claims.change_claim")
    assert user.has_perm("claims.review_claim")
    assert not user.has_perm("claims.change_reviewnote")


def test_running_setup_demo_again_resets_the_password_and_keeps_one_account():
    first = re.search(r"Password: (\S+)", run_setup_demo()).group(1)
    second_output = run_setup_demo()
    second = re.search(r"Password: (\S+)", second_output).group(1)
    assert "Demo editor reset." in second_output
    assert first != second
    assert get_user_model().objects.filter(username="editor").count() == 1
    assert log_in("editor", first) is None
    assert log_in("editor", second) is not None


def test_setup_demo_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="refuses to run with CLAIMBOOK_ENV=production"):
        run_setup_demo()
    assert not get_user_model().objects.filter(username="editor").exists()


def test_the_roles_migration_creates_editors_and_readers():
    readers = set(Group.objects.get(name="Readers").permissions.values_list("codename", flat=True))
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert readers == {"view_source", "view_claim", "view_reviewnote", "view_evidence", "view_historicalclaim"}
    assert readers < editors
    assert {"add_claim", "change_claim", "review_claim", "add_reviewnote", "add_evidence"} <= editors
    assert not {"change_reviewnote", "delete_reviewnote", "delete_source"} & editors
