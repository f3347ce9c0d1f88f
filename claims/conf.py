"""Claimbook's own settings, the ``CLAIMBOOK`` dict, read with their defaults.

Modelled on DRF's ``api_settings``: code reads ``claimbook_settings.MAX_SOURCE_CHARS``, which is
``settings.CLAIMBOOK["MAX_SOURCE_CHARS"]`` when the dict has the key and ``DEFAULTS`` otherwise.
A key this module does not know is refused with ImproperlyConfigured, and the values are read
again whenever ``CLAIMBOOK`` changes (``override_settings`` and pytest-django's ``settings``).
config/settings.py fills the dict from the environment.
"""

import ipaddress
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

DEFAULTS: dict[str, Any] = {
    # Longest source text accepted, in code points; a longer import is refused.
    "MAX_SOURCE_CHARS": 2_000_000,
    # Requests an anonymous caller may make (per IP), e.g. "600/minute"; None turns it off.
    "ANON_THROTTLE_RATE": "600/minute",
    # Who publishes the fact checks (schema.org ClaimReview "author", the public pages' header); with no URL,
    # the site's own address is the author's url.
    "ORGANIZATION_NAME": "Claimbook",
    "ORGANIZATION_URL": "",
    # Most candidates "Propose claims" stores for one source; the extractor stops reading there and
    # says so. 5,000 is 40 times the seed article's figures (a long report has a few hundred), the
    # size the annotated article is built to show at once, and what one request proposes in a few
    # seconds: past it a text is a table or a dump, which no editor triages figure by figure.
    "MAX_CANDIDATES_PER_SOURCE": 5_000,
    # Largest JSON body the API reads; a larger one is refused with 413 before it is parsed.
    "MAX_API_BODY_BYTES": 1024 * 1024,
    # Networks whose peers may say a request came over HTTPS (X-Forwarded-Proto); none without proxies.
    "TRUSTED_PROXIES": (),
    # Seconds an anonymous "has this been checked?" search (/api/facts/?q=) is answered from the
    # cache, keyed by the public state (claims/api/caching.py), so a change to the public set is seen
    # at once; 0 turns it off. Editors are never cached.
    "SEARCH_CACHE_SECONDS": 30,
    # When a failed webhook delivery is tried again: the wait after each failed attempt (s, m, h, d), each
    # with up to 10% jitter; after the last the delivery is failed. The default is the Standard Webhooks
    # schedule: 8 attempts over 27 hours 35 minutes.
    "WEBHOOK_RETRY_SCHEDULE": "5s 5m 30m 2h 5h 10h 10h",
    # Seconds a webhook endpoint has to answer one delivery before it counts as failed.
    "WEBHOOK_TIMEOUT_SECONDS": 10,
    # Seconds a worker holds a delivery while it sends it; another worker may take it over after that
    # (a worker killed mid-delivery). Longer than the timeout, so a slow answer is never sent twice.
    "WEBHOOK_LEASE_SECONDS": 60,
    # Whether webhook endpoints may be on loopback, private, link-local or reserved addresses: for
    # tests and local demos only; production leaves it off (a registered URL must not reach the inside).
    "WEBHOOK_ALLOW_PRIVATE": False,
}


class ClaimbookSettings:
    """``settings.CLAIMBOOK`` merged over ``DEFAULTS``, one attribute per key, cached until reloaded."""

    # The keys of DEFAULTS, typed for readers and type checkers; values come from __getattr__.
    MAX_SOURCE_CHARS: int
    ANON_THROTTLE_RATE: str | None
    ORGANIZATION_NAME: str
    ORGANIZATION_URL: str
    MAX_CANDIDATES_PER_SOURCE: int
    MAX_API_BODY_BYTES: int
    TRUSTED_PROXIES: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    SEARCH_CACHE_SECONDS: int
    WEBHOOK_RETRY_SCHEDULE: str
    WEBHOOK_TIMEOUT_SECONDS: int
    WEBHOOK_LEASE_SECONDS: int
    WEBHOOK_ALLOW_PRIVATE: bool

    def __init__(self, defaults: dict[str, Any] | None = None) -> None:
        self.defaults = DEFAULTS if defaults is None else defaults
        self._cached: set[str] = set()

    @property
    def user_settings(self) -> dict[str, Any]:
        """``settings.CLAIMBOOK`` (empty when the project sets none), its keys checked."""
        if not hasattr(self, "_user_settings"):
            user_settings = getattr(settings, "CLAIMBOOK", None) or {}
            unknown = sorted(set(user_settings) - set(self.defaults))
            if unknown:
                raise ImproperlyConfigured(
                    f"CLAIMBOOK has {'keys' if len(unknown) > 1 else 'a key'} Claimbook does not know: "
                    f"{', '.join(map(repr, unknown))}. Its keys are {', '.join(self.defaults)} (claims/conf.py)."
                )
            self._user_settings = user_settings
        return self._user_settings

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_") or attr == "defaults" or attr not in self.defaults:
            raise AttributeError(f"{attr!r} is not a Claimbook setting.")
        value = self.user_settings.get(attr, self.defaults[attr])
        self._cached.add(attr)
        setattr(self, attr, value)
        return value

    def reload(self) -> None:
        """Forget what was read, so the next attribute reads ``settings.CLAIMBOOK`` again."""
        for attr in self._cached:
            delattr(self, attr)
        self._cached.clear()
        if hasattr(self, "_user_settings"):
            delattr(self, "_user_settings")


claimbook_settings = ClaimbookSettings()


def reload_claimbook_settings(*, setting: str, **kwargs: Any) -> None:
    if setting == "CLAIMBOOK":
        claimbook_settings.reload()


setting_changed.connect(reload_claimbook_settings)
