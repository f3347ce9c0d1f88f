"""Which database errors are "unavailable for a moment" (a 503 worth a retry) and which are a
query the database refused (a bug: a 500 that does not invite the same failing retry)."""

import sqlite3

import psycopg
import pytest
from django.db import DataError, OperationalError, connection
from rest_framework.test import APIClient

from claims.views import is_database_unavailable
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def wrapped(cause: Exception) -> OperationalError:
    """The error as Django raises it: its own class, the driver's error as the cause."""
    try:
        raise OperationalError(*cause.args) from cause
    except OperationalError as exc:
        return exc


def sqlite_error(sql: str, *, lock: bool = False) -> sqlite3.Error:
    """A real error from SQLite itself, not a hand-made one."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "db.sqlite3"
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("CREATE TABLE t (x)")
        if lock:
            holder.execute("BEGIN EXCLUSIVE")
        other = sqlite3.connect(path, timeout=0)
        try:
            other.execute(sql)
        except sqlite3.Error as exc:
            return exc
        finally:
            other.close()
            holder.close()
    raise AssertionError(f"{sql} did not fail")


def test_a_busy_or_locked_sqlite_database_is_unavailable_for_a_moment():
    error = sqlite_error("SELECT * FROM t", lock=True)
    assert str(error) == "database is locked"
    assert is_database_unavailable(wrapped(error))


def test_a_query_sqlite_refuses_is_not_an_unavailable_database():
    error = sqlite_error("SELECT " + "1+" * 1001 + "1")
    assert str(error) == "Expression tree is too large (maximum depth 1000)"
    assert not is_database_unavailable(wrapped(error))


@pytest.mark.parametrize(
    ("sqlstate", "unavailable"),
    [(None, True), ("08006", True), ("57P01", True), ("53300", True), ("54000", False), ("54001", False)],
)
def test_postgresql_errors_are_classed_by_their_sqlstate(sqlstate, unavailable):
    cause = psycopg.OperationalError("from the server")
    if sqlstate is not None:
        cause = psycopg.errors.lookup(sqlstate)("from the server")
    assert is_database_unavailable(wrapped(cause)) is unavailable


def test_errors_that_are_not_operational_are_never_an_unavailable_database():
    assert not is_database_unavailable(DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"))
    assert not is_database_unavailable(ValueError("x"))


def test_a_query_the_database_refuses_is_a_500_never_a_503_that_invites_a_retry(before_the_claim_list_reads):
    ClaimFactory(status="verified")
    refused = (
        "SELECT repeat('x', 1073741824)"  # 54000 program_limit_exceeded, an OperationalError in psycopg
        if connection.vendor == "postgresql"
        else "SELECT " + "1+" * 1001 + "1"  # Expression tree is too large, an OperationalError in sqlite3
    )

    def run_a_query_the_database_refuses():
        with connection.cursor() as cursor:
            cursor.execute(refused)

    before_the_claim_list_reads(run_a_query_the_database_refuses)
    response = APIClient(raise_request_exception=False).get("/api/claims/")
    assert response.status_code == 500
    assert response.json() == {
        "detail": "The server failed to answer this request. Try again later.",
        "code": "server_error",
    }
    assert "Retry-After" not in response
