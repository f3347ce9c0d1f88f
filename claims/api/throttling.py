"""Rate limits for anonymous callers, read from settings.CLAIMBOOK at request time."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousThrottle(AnonRateThrottle):
    """DRF's anonymous throttle with its rate in CLAIMBOOK["ANON_THROTTLE_RATE"]."""

    def get_rate(self):
        return settings.CLAIMBOOK["ANON_THROTTLE_RATE"]
