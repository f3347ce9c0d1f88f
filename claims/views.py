"""Plain Django views: the health check that load balancers and docker-compose poll, and the
answer when the database is out of reach."""

import logging
import sqlite3
from contextlib import contextmanager

from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 (JSON, no traceback) when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


logger = logging.getLogger("claims")

RETRY = "The database is unavailable for a moment; try again shortly."
NOTHING_CHANGED = "The database is unavailable for a moment. Nothing was changed; try again shortly."
OUTCOME_UNKNOWN = (
    "The connection to the database was lost while this change was being committed: it may have been kept. "
    "Read it again (its version tells) before trying again."
)


# What a database says when it is out of reach or busy for a moment, as opposed to refusing
# the query itself (SQLite's "Expression tree is too large" is an OperationalError too).
SQLITE_UNAVAILABLE = frozenset(
    {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_IOERR,
     sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PROTOCOL}
)  # fmt: skip
# PostgreSQL SQLSTATE classes: 08 connection exception, 53 insufficient resources (too many
# connections), 57 operator intervention (shutdown, restart, cancelled statement).
POSTGRES_UNAVAILABLE = frozenset({"08", "53", "57"})


def is_database_unavailable(exc) -> bool:
    """A lost, refused or busy database connection (worth a retry), not a query the database
    refused: that is a bug to fix, and a retry would fail the same way."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if isinstance(cause, sqlite3.Error):
        return cause.sqlite_errorcode & 0xFF in SQLITE_UNAVAILABLE  # the primary code of an extended one
    sqlstate = getattr(cause, "sqlstate", None)
    # psycopg gives no SQLSTATE when the server never answered: a lost or refused connection.
    return sqlstate is None or sqlstate[:2] in POSTGRES_UNAVAILABLE


@contextmanager
def write_transaction(request):
    """One transaction around a whole write, the answer's reads included.

    A lost connection before the commit rolls everything back, so the 503 can truly say
    nothing was changed. Only a failure during the commit itself leaves the outcome unknown,
    and the answer then says so instead of guessing.
    """
    request.claimbook_write = "open"
    with transaction.atomic():
        yield
        request.claimbook_write = "committing"  # reached only when the write raised nothing
    request.claimbook_write = "committed"


def database_unavailable(request) -> HttpResponse:
    """503 with Retry-After: JSON under /api/ and /healthz, a short text page elsewhere.

    It says "nothing was changed" only for a write made in one transaction that never reached
    its commit (write_transaction); a write cut off while committing may have been kept.
    """
    state = getattr(request, "claimbook_write", None)
    if state == "open":
        detail, code = NOTHING_CHANGED, "database_unavailable"
    elif state in {"committing", "committed"}:
        detail, code = OUTCOME_UNKNOWN, "database_unavailable_outcome_unknown"
    else:
        detail, code = RETRY, "database_unavailable"
    logger.warning("Database unavailable during %s %s (%s)", request.method, request.path, code)
    response = error_answer(request, 503, detail, code)
    response["Retry-After"] = "5"
    return response


JSON_PATHS = ("/api/", "/healthz")


def answers_in_json(request) -> bool:
    """Whether Claimbook answers ``request``, errors included, in the API's JSON (under /api/
    and /healthz, read by programs) rather than with a page for people."""
    return request.path.startswith(JSON_PATHS)


def error_answer(request, status: int, detail: str, code: str) -> HttpResponse:
    """An error outside DRF's views: the API's JSON shape where programs read, plain text for
    people elsewhere."""
    if answers_in_json(request):
        return JsonResponse({"detail": detail, "code": code}, status=status)
    return HttpResponse(detail, content_type="text/plain; charset=utf-8", status=status)
