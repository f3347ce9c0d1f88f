"""Query parameter values checked against the column they are compared with, and the bounds
of a word search.

A value the column cannot hold (an id past 2**63 - 1, a time whose UTC falls outside years 1 to
9999) is a 400 naming the parameter on every database, instead of an OverflowError on SQLite
and an empty page on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone

MAX_ID = 2**63 - 1  # a BigAutoField: signed 64-bit on SQLite and PostgreSQL
# A word search (the API's q, the admin's search box) is one condition per word and field; on
# SQLite a few hundred words pass its expression depth limit, and a LIKE pattern stops at 50,000
# bytes. Longer searches are refused with these limits named.
SEARCH_MAX_WORDS = 32
SEARCH_MAX_CHARS = 500


def at_most_search_words(value: str) -> None:
    words = len(value.split())
    if words > SEARCH_MAX_WORDS:
        raise ValidationError(
            "Search for at most %(limit)s words (this has %(words)s).",
            code="too_many_words",
            params={"limit": SEARCH_MAX_WORDS, "words": words},
        )


def check_search(value: str) -> None:
    """A search within SEARCH_MAX_CHARS characters and SEARCH_MAX_WORDS words, or a ValidationError."""
    if len(value) > SEARCH_MAX_CHARS:
        raise ValidationError(
            "Search for at most %(limit)s characters (this has %(chars)s).",
            code="too_long",
            params={"limit": SEARCH_MAX_CHARS, "chars": len(value)},
        )
    at_most_search_words(value)


def check_time(value: datetime) -> datetime:
    """``value`` as an aware datetime that UTC can hold, or a ValidationError."""
    try:
        aware = timezone.make_aware(value, UTC) if timezone.is_naive(value) else value
        aware.astimezone(UTC)
    except OverflowError:
        raise ValidationError(
            "%(value)s is outside the times Claimbook stores (years 1 to 9999 in UTC).",
            code="out_of_range",
            params={"value": value.isoformat()},
        ) from None
    return aware


def column_value(field: models.Field[Any, Any], raw: str) -> Any:
    """``raw`` converted as ``field`` reads it, and checked to fit its column; else a ValidationError."""
    value = field.to_python(raw)
    if isinstance(field, models.IntegerField) and value is not None:
        low, high = connection.ops.integer_field_range(field.get_internal_type())
        low, high = low if low is not None else -MAX_ID - 1, high if high is not None else MAX_ID
        if not low <= value <= high:
            raise ValidationError(
                "%(value)s is outside what %(field)s holds (%(low)s to %(high)s).",
                code="out_of_range",
                params={"value": value, "field": field.name, "low": low, "high": high},
            )
    if isinstance(field, models.DateTimeField) and isinstance(value, datetime):
        value = check_time(value)
    return value
