"""PostgreSQL-only: Claimbook under database faults.

A dropped connection (what a PostgreSQL restart looks like to the app) costs the request in
flight a clean JSON 503 and no partial write; the next request reconnects and succeeds.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from claims import services
from claims.models import ReviewNote
from tests.factories import ClaimFactory, EvidenceFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent


def terminate_other_backends() -> int:
    """pg_terminate_backend on every other connection to the test database, as a restart would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.fixture(autouse=True)
def _reconnect_after_the_test():
    yield
    connection.close()  # a connection a test killed; the flush after the test opens a new one


def url_of_the_test_database() -> str:
    return f"{os.environ['DATABASE_URL'].rsplit('/', 1)[0]}/{connection.settings_dict['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def gunicorn():
    """Claimbook under gunicorn (one sync worker, persistent connection) on the test database."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url_of_the_test_database(), "DEBUG": "0", "CLAIMBOOK_ANON_THROTTLE_RATE": "",
           "CONN_MAX_AGE": "600"}  # fmt: skip
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "config/gunicorn.py", "--workers", "1",
         "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "config.wsgi"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if get(f"{url}/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("gunicorn did not answer /healthz within 30 s")
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_after_the_database_drops_every_connection_the_next_request_succeeds(gunicorn):
    claim = ClaimFactory(status="verified")
    code, before = get(f"{gunicorn}/api/claims/")
    assert code == 200
    for _ in range(3):  # three "restarts" in a row, each followed by a normal request
        assert terminate_other_backends() >= 1  # the worker's persistent connection, at least
        code, after = get(f"{gunicorn}/api/claims/")
        assert code == 200
        assert after == before
    assert get(f"{gunicorn}/api/claims/{claim.pk}/")[0] == 200
    assert get(f"{gunicorn}/healthz") == (200, b'{"status": "ok", "database": "postgresql"}')


def kill_own_connection() -> None:
    """Drop this process's own database connection from a second one, mid-request."""
    import psycopg

    pid = connection.connection.info.backend_pid
    with psycopg.connect(url_of_the_test_database(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_write_cut_off_by_a_lost_connection_is_a_json_503_and_leaves_nothing(editor, monkeypatch):
    claim = ClaimFactory(status="in_review")
    EvidenceFactory(claim=claim)
    real_stamp = services._stamp

    def stamp_after_the_database_went_away(claim, by):
        kill_own_connection()  # the note is already inserted inside the transaction
        return real_stamp(claim, by)

    monkeypatch.setattr(services, "_stamp", stamp_after_the_database_went_away)
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(editor)
    etag = client.get(f"/api/claims/{claim.pk}/")["ETag"]
    response = client.patch(
        f"/api/claims/{claim.pk}/",
        {"status": "verified", "note": "Matches the ministry's figure."},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "detail": "The database is unavailable for a moment. Nothing was changed; try again shortly.",
        "code": "database_unavailable",
    }
    connection.close()  # the dead connection; the next query opens a new one
    claim.refresh_from_db()
    assert (claim.status, claim.version) == ("in_review", 1)
    assert not ReviewNote.objects.filter(claim=claim).exists()
    assert claim.history.count() == 1  # only the creation
    monkeypatch.undo()
    response = client.patch(
        f"/api/claims/{claim.pk}/",
        {"status": "verified", "note": "Matches the ministry's figure."},
        format="json",
        HTTP_IF_MATCH=etag,  # still current: nothing was written
    )
    assert response.status_code == 200
    assert response.json()["status"] == "verified"


def test_the_admin_answers_a_lost_connection_with_a_plain_503_page(admin_client, monkeypatch):
    from claims.admin import ClaimAdmin

    real = ClaimAdmin.get_queryset

    def get_queryset_after_the_database_went_away(self, request):
        kill_own_connection()
        return real(self, request)

    monkeypatch.setattr(ClaimAdmin, "get_queryset", get_queryset_after_the_database_went_away)
    admin_client.raise_request_exception = False  # the answer a browser gets, not the test client's re-raise
    response = admin_client.get("/admin/claims/claim/")
    assert response.status_code == 503
    assert response.content.decode() == "The database is unavailable for a moment; try again shortly."
    assert "Traceback" not in response.content.decode()


def test_a_write_cut_off_while_committing_says_it_may_have_been_kept(editor, monkeypatch):
    """The one moment Claimbook cannot know the outcome: the commit itself. It says so."""
    claim = ClaimFactory(status="in_review")
    wrapper = type(connections["default"])
    real_commit = wrapper.commit

    def commit_after_the_database_went_away(self):
        kill_own_connection()
        return real_commit(self)

    client = APIClient(raise_request_exception=False)
    client.force_authenticate(editor)
    etag = client.get(f"/api/claims/{claim.pk}/")["ETag"]
    monkeypatch.setattr(wrapper, "commit", commit_after_the_database_went_away)
    response = client.patch(f"/api/claims/{claim.pk}/", {"subject": "Korea"}, format="json", HTTP_IF_MATCH=etag)
    monkeypatch.undo()
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The connection to the database was lost while this change was being committed: it may have "
        "been kept. Read it again (its version tells) before trying again.",
        "code": "database_unavailable_outcome_unknown",
    }
    connection.close()
    claim.refresh_from_db()
    assert (claim.subject, claim.version) == ("Japan", 1)  # here the commit never reached PostgreSQL


def test_reads_cut_off_are_a_503_that_only_asks_to_retry(before_the_claim_list_reads):
    ClaimFactory(status="verified")
    before_the_claim_list_reads(kill_own_connection)
    response = APIClient(raise_request_exception=False).get("/api/claims/")
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The database is unavailable for a moment; try again shortly.",
        "code": "database_unavailable",
    }
