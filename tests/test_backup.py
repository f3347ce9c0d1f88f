"""A backup holds everything and restores it exactly, into an emptied database."""

import bz2
import gzip
import lzma
import os
import stat
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from claims import services
from claims.models import Claim, Evidence, ReviewNote, Source

# Transactional: the restore goes into a really emptied database (flush), as on a new server.
pytestmark = pytest.mark.django_db(transaction=True)

MODELS = [Source, Claim, Claim.history.model, ReviewNote, Evidence, User, Group, Token]
SECRETS = {User: ["password"], Token: None}  # columns left out by default (None: the whole table)


def snapshot(*, secrets: bool = True) -> dict:
    """Every row of every model the backup covers, as plain values; without the secret
    columns and tables unless ``secrets``."""
    rows = {}
    for model in MODELS:
        left_out = [] if secrets else SECRETS.get(model, [])
        if left_out is None:
            continue
        columns = [f.attname for f in model._meta.concrete_fields if f.attname not in left_out]
        rows[model._meta.label] = sorted(map(repr, model.objects.values_list(*columns)))
    return rows


@pytest.fixture
def holdings(demo, editor):
    """The demo plus a history of changes, a logged-in editor with a password, and a token."""
    claim = demo.claims.filter(status="in_review").first()
    services.evidence_add(claim=claim, by=editor, url="https://example.org/budget", title="Budget <b>2020</b>",
                          stance="supports", retrieved_on="2020-01-02", note="Ünïcode 🇰🇷 and \"quotes\"")  # fmt: skip
    services.claim_transition(claim=claim, to="verified", by=editor, note="Checked against the ministry.")
    services.claim_update(claim=claim, by=editor, data={"subject": "Japan's MoD"}, expected_version=claim.version + 1)
    editor.set_password("editor-password-5x")
    editor.save()
    return {"hash": editor.password, "token": Token.objects.create(user=editor).key}


def restore(path) -> None:
    call_command("flush", interactive=False, verbosity=0)  # an empty, migrated database
    assert all(not rows for label, rows in snapshot().items())
    call_command("loaddata", str(path), verbosity=0)


def test_a_backup_restores_every_row_exactly_into_an_emptied_database(holdings, tmp_path):
    before = snapshot(secrets=False)
    assert len(before["claims.HistoricalClaim"]) == 2  # the two changes (a fixture load writes no history)

    path = tmp_path / "claimbook.xml.gz"
    out, err = StringIO(), StringIO()
    call_command("backup", str(path), stdout=out, stderr=err)
    assert out.getvalue() == (
        f"Backup written to {path}. Restore: manage.py migrate && manage.py loaddata {path}\n"
        "Password hashes and API tokens are not in it: after a restore each user sets a new password "
        "(manage.py changepassword NAME) and tokens are made again (manage.py drf_create_token NAME). "
        "--include-secrets writes them.\n"
    )
    assert err.getvalue() == ""
    written = gzip.decompress(path.read_bytes()).decode()
    for model in ("claims.source", "claims.claim", "claims.historicalclaim", "claims.reviewnote", "claims.evidence",
                  "auth.user", "auth.group"):  # fmt: skip
        assert f'model="{model}"' in written, model
    assert 'model="authtoken.token"' not in written

    restore(path)

    assert snapshot(secrets=False) == before  # every row and column but the secrets, exactly
    assert Token.objects.count() == 0
    users = list(User.objects.all())
    assert users
    assert [user.has_usable_password() for user in users] == [False] * len(users)
    editor = User.objects.get(username="editor")
    editor.set_password("a-new-password-7y")  # what changepassword does: the account works again
    editor.save()
    assert User.objects.get(username="editor").check_password("a-new-password-7y")


def test_with_include_secrets_a_backup_restores_password_hashes_and_tokens_too(holdings, tmp_path):
    before = snapshot()
    path = tmp_path / "claimbook.xml.xz"
    out, err = StringIO(), StringIO()
    call_command("backup", str(path), "--include-secrets", stdout=out, stderr=err)
    assert out.getvalue() == f"Backup written to {path}. Restore: manage.py migrate && manage.py loaddata {path}\n"
    assert err.getvalue() == f"{path} holds password hashes and API tokens: keep it where only you can read it.\n"

    restore(path)

    assert snapshot() == before
    assert User.objects.get(username="editor").check_password("editor-password-5x")
    assert Token.objects.get().key == holdings["token"]


@pytest.mark.parametrize("include_secrets", [False, True], ids=["default", "include-secrets"])
def test_a_default_backup_holds_no_password_hash_or_token_and_the_flag_writes_both(holdings, tmp_path,
                                                                                  include_secrets):  # fmt: skip
    path = tmp_path / "claimbook.xml"
    call_command("backup", str(path), *(["--include-secrets"] if include_secrets else []), stdout=StringIO(),
                 stderr=StringIO())  # fmt: skip
    written = path.read_text(encoding="utf-8")
    assert (holdings["hash"] in written, holdings["token"] in written) == (include_secrets, include_secrets)
    assert ("pbkdf2_sha256$" in written) == include_secrets


@pytest.mark.parametrize("name", ["claimbook.xml", "claimbook.xml.gz", "claimbook.xml.bz2", "claimbook.xml.xz",
                                  "claimbook.xml.lzma"])  # fmt: skip
def test_a_backup_file_is_readable_by_its_owner_only_even_with_umask_000(holdings, tmp_path, name):
    existing = tmp_path / "existing-world-readable.xml"
    existing.write_text("an older backup")
    existing.chmod(0o666)
    claims = Claim.objects.count()
    previous = os.umask(0)
    try:
        call_command("backup", str(tmp_path / name), stdout=StringIO())
        call_command("backup", str(existing), stdout=StringIO())
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    assert stat.S_IMODE(existing.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, existing.name])  # no partial file left
    opener = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open, ".lzma": lzma.open}.get(
        (tmp_path / name).suffix, open
    )
    with opener(tmp_path / name, "rt", encoding="utf-8") as written:
        assert written.read().count('model="claims.claim"') == claims


def test_a_backup_that_fails_half_way_keeps_the_earlier_file_and_leaves_no_partial_one(holdings, tmp_path,
                                                                                       monkeypatch):  # fmt: skip
    from django.core import serializers

    path = tmp_path / "claimbook.xml"
    path.write_text("the earlier backup")

    def fail(*args, stream, **kwargs):
        stream.write("<half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(serializers, "serialize", fail)
    with pytest.raises(
        CommandError,
        match=(
            r"^Cannot write .*claimbook\.xml: No space left on device\. "
            r"No backup was written \(an earlier file of that name is unchanged\)\.$"
        ),
    ):
        call_command("backup", str(path), stdout=StringIO())
    assert path.read_text() == "the earlier backup"
    assert [p.name for p in tmp_path.iterdir()] == ["claimbook.xml"]


def test_a_backup_file_must_be_named_for_its_format(tmp_path):
    with pytest.raises(CommandError, match=r"Name the backup file \*\.xml or \*\.xml\.gz \(got .*backup\.json\)"):
        call_command("backup", str(tmp_path / "backup.json"))
    assert not (tmp_path / "backup.json").exists()
    with pytest.raises(CommandError, match=r"^Cannot write .*/nowhere/b\.xml: there is no directory .*/nowhere\. "):
        call_command("backup", str(tmp_path / "nowhere" / "b.xml"))
