"""Claimbook's URL configuration: the public fact-check pages, the admin and the API."""

from django.contrib import admin
from django.urls import include, path

from claims.views import answers_in_json, healthz

admin.site.site_header = "Claimbook"
admin.site.site_title = "Claimbook"
admin.site.index_title = "Claims, sources and reviews"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/", include(("claims.api.urls", "api"), namespace="api")),
    path("", include("claims.public.urls")),
]


def handler404(request, exception):
    """JSON where programs read (answers_in_json), the site's 404 page (templates/404.html) elsewhere."""
    from django.views import defaults

    from claims.api.exceptions import json_404

    if answers_in_json(request):
        return json_404(request, exception)
    return defaults.page_not_found(request, exception)


def handler400(request, exception):
    """A request over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 that says so; other bad requests 400."""
    from django.core.exceptions import RequestDataTooBig
    from django.http import JsonResponse
    from django.views import defaults

    from claims.views import error_answer

    if isinstance(exception, RequestDataTooBig):
        from django.conf import settings

        detail = (
            f"The request is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes "
            "(CLAIMBOOK_MAX_FORM_BYTES); nothing was saved."
        )
        return error_answer(request, 413, detail, "payload_too_large")
    if answers_in_json(request):
        return JsonResponse({"detail": "Bad request.", "code": "bad_request"}, status=400)
    return defaults.bad_request(request, exception)


def handler500(request):
    """A lost database connection is a 503 the client may retry; anything else a 500. JSON
    where programs read (answers_in_json), Django's page elsewhere; never a traceback."""
    import sys

    from django.views import defaults

    from claims.api.exceptions import json_500
    from claims.views import database_unavailable, is_database_unavailable

    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable(request)
    if answers_in_json(request):
        return json_500(request)
    return defaults.server_error(request)
