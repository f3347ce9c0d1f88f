"""Plain Django views: the health check that load balancers and docker-compose poll, and the
answer when the database is out of reach."""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError, connection
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

DATABASE_UNAVAILABLE = "The database is unavailable for a moment. Nothing was changed; try again shortly."


def is_database_unavailable(exc) -> bool:
    """A lost or refused database connection (not a bad query): worth a retry."""
    return isinstance(exc, OperationalError | InterfaceError)


def database_unavailable(request) -> HttpResponse:
    """503 with Retry-After: JSON under /api/ and /healthz, a short text page elsewhere.

    The request's transaction died with its connection, so nothing it wrote was kept; the next
    request opens a new connection (CONN_HEALTH_CHECKS).
    """
    logger.warning("Database unavailable during %s %s", request.method, request.path)
    if request.path.startswith(("/api/", "/healthz")):
        response = JsonResponse({"detail": DATABASE_UNAVAILABLE, "code": "database_unavailable"}, status=503)
    else:
        response = HttpResponse(DATABASE_UNAVAILABLE, content_type="text/plain; charset=utf-8", status=503)
    response["Retry-After"] = "5"
    return response
