"""Typed reads of environment variables for config/settings.py and config/gunicorn.py.

An unset or empty variable gives the default; a value that cannot be read raises
ImproperlyConfigured naming the variable, the value and what was expected, so a typo stops
start-up with a sentence instead of a bare ``ValueError`` from ``int()``.
"""

import os
import re

from django.core.exceptions import ImproperlyConfigured

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")  # ASCII digits only: int() would also take "1_000" and "١٢"
RATE = re.compile(r"[0-9]+/[smhd][a-z]*")  # what DRF's throttles read: the count, then the period's initial


def _raw(name: str) -> str | None:
    """The variable's value as set, or None when it is unset, empty or only blanks."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return None
    return raw


def env_bool(name: str, default: bool) -> bool:
    """1/0, true/false, yes/no or on/off, in any case."""
    raw = _raw(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no, on/off), got {raw!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    """A whole number in decimal digits, at least ``minimum`` when one is given."""
    raw = _raw(name)
    if raw is None:
        return default
    value = raw.strip()
    if WHOLE_NUMBER.fullmatch(value) and (minimum is None or int(value) >= minimum):
        return int(value)
    expected = "a whole number" if minimum is None else f"a whole number of at least {minimum}"
    raise ImproperlyConfigured(f"{name} must be {expected}, got {raw!r}.")


def env_list(name: str, default: list[str]) -> list[str]:
    """Comma-separated items, each stripped of blanks; empty items are dropped."""
    raw = _raw(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_rate(name: str, default: str | None) -> str | None:
    """A DRF throttle rate such as 600/minute; set but empty, None (no throttle)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip()
    if not value:
        return None
    if RATE.fullmatch(value):
        return value
    raise ImproperlyConfigured(
        f"{name} must be a number of requests per second, minute, hour or day (e.g. 600/minute), "
        f"or empty for no limit, got {raw!r}."
    )
