"""A backup holds everything and restores it exactly, into an emptied database."""

import gzip
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from claims import services
from claims.models import Claim, Evidence, ReviewNote, Source

# Transactional: the restore goes into a really emptied database (flush), as on a new server.
pytestmark = pytest.mark.django_db(transaction=True)

MODELS = [Source, Claim, Claim.history.model, ReviewNote, Evidence, User, Group, Token]


def snapshot() -> dict:
    """Every row of every model the backup covers, as plain values."""
    return {model._meta.label: sorted(map(repr, model.objects.values_list())) for model in MODELS}


def test_a_backup_restores_every_row_exactly_into_an_emptied_database(demo, editor, tmp_path):
    claim = demo.claims.filter(status="in_review").first()
    services.evidence_add(claim=claim, by=editor, url="https://example.org/budget", title="Budget <b>2020</b>",
                          stance="supports", retrieved_on="2020-01-02", note="Ünïcode 🇰🇷 and \"quotes\"")  # fmt: skip
    services.claim_transition(claim=claim, to="verified", by=editor, note="Checked against the ministry.")
    services.claim_update(claim=claim, by=editor, data={"subject": "Japan's MoD"}, expected_version=claim.version + 1)
    Token.objects.create(user=editor)
    before = snapshot()
    assert len(before["claims.HistoricalClaim"]) == 2  # the two changes (a fixture load writes no history)

    path = tmp_path / "claimbook.xml.gz"
    out = StringIO()
    call_command("backup", str(path), stdout=out)
    assert out.getvalue() == (f"Backup written to {path}. Restore: manage.py migrate && manage.py loaddata {path}\n")
    written = gzip.decompress(path.read_bytes()).decode()
    for model in ("claims.source", "claims.claim", "claims.historicalclaim", "claims.reviewnote", "claims.evidence",
                  "auth.user", "auth.group", "authtoken.token"):  # fmt: skip
        assert f'model="{model}"' in written, model

    call_command("flush", interactive=False, verbosity=0)  # an empty, migrated database
    assert all(not rows for label, rows in snapshot().items())
    call_command("loaddata", str(path), verbosity=0)

    assert snapshot() == before


def test_a_backup_file_must_be_named_for_its_format(tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=r"Name the backup file \*\.xml or \*\.xml\.gz \(got .*backup\.json\)"):
        call_command("backup", str(tmp_path / "backup.json"))
    assert not (tmp_path / "backup.json").exists()
