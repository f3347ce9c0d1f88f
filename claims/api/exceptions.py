"""One shape for every API error: {"detail", "code", "errors"}.

``detail`` is a sentence for people, ``code`` is stable for programs, ``errors`` (only on
validation failures) maps each field or query parameter to its messages.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from claims.views import answers_in_json


def _flatten(detail) -> dict:
    if isinstance(detail, dict):
        return {
            str(key): [str(item) for item in (value if isinstance(value, list) else [value])]
            if not isinstance(value, dict)
            else [str(v) for v in value.values()]
            for key, value in detail.items()
        }
    return {"non_field_errors": [str(item) for item in (detail if isinstance(detail, list) else [detail])]}


def _first_code(exc) -> str:
    codes = exc.get_codes()
    while isinstance(codes, dict | list) and codes:
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return codes if isinstance(codes, str) else "invalid"


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        # A model rule (claims.models, services) refused the write: a 400 like the serializer's own.
        exc = exceptions.ValidationError(as_serializer_error(exc))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real server error: Django's handler500 answers with JSON for /api/
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        field, messages = next(iter(errors.items()))
        detail = messages[0] if field == "non_field_errors" else f"{field}: {messages[0]}"
        response.data = {"detail": detail, "code": _first_code(exc), "errors": errors}
    elif isinstance(exc, Http404):
        response.data = {"detail": "Not found.", "code": "not_found"}  # never says whether it exists
    elif isinstance(exc, PermissionDenied):
        response.data = {"detail": "You do not have permission to perform this action.", "code": "permission_denied"}
    else:
        code = getattr(exc.detail, "code", None) or exc.default_code
        response.data = {"detail": str(exc.detail), "code": code}
    return response


def error_response(status_code: int, detail: str, code: str, **extra) -> Response:
    return Response({"detail": detail, "code": code, **extra}, status=status_code)


def csrf_failure(request, reason=""):
    """CSRF refusals as JSON where programs read, Django's page elsewhere (CSRF_FAILURE_VIEW)."""
    from django.views.csrf import csrf_failure as django_csrf_failure

    if answers_in_json(request):
        return JsonResponse(
            {"detail": f"CSRF Failed: {reason}", "code": "permission_denied"}, status=status.HTTP_403_FORBIDDEN
        )
    return django_csrf_failure(request, reason)


@csrf_exempt
def json_404(request, exception=None):
    response = JsonResponse({"detail": "Not found.", "code": "not_found"}, status=status.HTTP_404_NOT_FOUND)
    response["Cache-Control"] = "private, no-store"  # an error is never cached (claims/api/caching.py)
    return response


def json_500(request):
    return JsonResponse(
        {"detail": "The server failed to answer this request. Try again later.", "code": "server_error"},
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
