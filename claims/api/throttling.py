"""Rate limits for anonymous callers, read from claims.conf at request time."""

from rest_framework.throttling import AnonRateThrottle, BaseThrottle

from claims.conf import claimbook_settings


def client_ip(request) -> str:
    """The client's address as the API's throttle sees it (REST_FRAMEWORK["NUM_PROXIES"],
    set by CLAIMBOOK_PROXY_COUNT); django-axes counts failed logins by the same address."""
    return BaseThrottle().get_ident(request)


class AnonymousThrottle(AnonRateThrottle):
    """DRF's anonymous throttle with its rate in claimbook_settings.ANON_THROTTLE_RATE."""

    def get_rate(self):
        return claimbook_settings.ANON_THROTTLE_RATE
