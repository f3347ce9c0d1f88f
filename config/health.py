"""The health check answered before host validation and the HTTPS redirect.

Load balancers and docker-compose poll /healthz from inside the network, over plain HTTP and
under whatever Host they reach the container by; the check must not depend on ALLOWED_HOSTS or
SECURE_SSL_REDIRECT, which are about the public site. /healthz builds no URL from the Host
header and says only whether the database answers, so answering it first is safe.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from claims.views import healthz

HEALTH_PATH = "/healthz"


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == HEALTH_PATH:
            return healthz(request)
        return self.get_response(request)
