"""How Claimbook writes a figure, and which figures it can store exactly.

``plain_decimal`` writes plain digits, no exponent, no padding zeros ("50000000000", "6.9",
"0.125"): the API, the admin, the exports and the extractor all say it the same way.

``check_value`` refuses a figure that one of the two databases would not give back exactly.
PostgreSQL's numeric(24, 6) holds less than 10^18 with six decimal places and raises on more;
SQLite keeps a decimal with a fraction as a double and Django reads every decimal back through
15 significant digits, so "123456789012345678" would come back rounded, and 10^21 not at all.
Below 10^18, with at most 15 significant digits and 6 decimal places, a value read back equals
the value written on both.
"""

from decimal import Decimal, InvalidOperation
from typing import Any, cast, overload

MAX_DECIMAL_PLACES = 6
MAX_SIGNIFICANT_DIGITS = 15
MAX_MAGNITUDE = Decimal(10) ** 18  # exclusive
LIMIT_TEXT = (
    f"Claimbook stores figures below 1,000,000,000,000,000,000 (10^18) in magnitude, with at most "
    f"{MAX_SIGNIFICANT_DIGITS} significant digits and {MAX_DECIMAL_PLACES} decimal places"
)


class ValueRefused(ValueError):
    """A figure outside what both databases store exactly; ``message`` gives the limit."""

    def __init__(self, message: str, *, code: str, params: dict[str, Any]) -> None:
        super().__init__(message)
        self.message, self.code, self.params = message, code, params


@overload
def plain_decimal(value: Decimal) -> str: ...
@overload
def plain_decimal(value: None) -> None: ...
@overload
def plain_decimal(value: Decimal | None) -> str | None: ...
def plain_decimal(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _shown(value: Decimal) -> str:
    text = plain_decimal(value) if value.is_finite() else str(value)
    return text if len(text) <= 40 else f"{text[:20]}…{text[-8:]} ({len(text)} characters)"


def check_value(value: Decimal | None, *, field: str | None = None) -> Decimal | None:
    """Return ``value`` when both databases store it exactly; raise :class:`ValueRefused` if not.

    ``field`` names the value in the message ("value_found 1e21 is too large..."); form and API
    errors are already filed under their field and leave it out.
    """
    if value is None:
        return None
    name = f"{field} " if field else ""
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueRefused(f"{name}{value!r} is not a number.", code="not_a_number", params={"field": field}) from None
    if not value.is_finite():
        raise ValueRefused(
            f"{name}{value} is not a finite number. {LIMIT_TEXT}.", code="not_finite", params={"field": field}
        )
    params = {"field": field, "value": _shown(value)}
    if abs(value) >= MAX_MAGNITUDE:
        raise ValueRefused(f"{name}{_shown(value)} is too large. {LIMIT_TEXT}.", code="value_too_large", params=params)
    _, digits, exponent = value.as_tuple()
    exponent = cast(int, exponent)  # a finite value's exponent is a number, never "n", "N" or "F"
    while len(digits) > 1 and digits[-1] == 0:  # trailing zeros are not significant: 5E+10 has one digit
        digits, exponent = digits[:-1], exponent + 1
    places = max(0, -exponent)
    if places > MAX_DECIMAL_PLACES:
        raise ValueRefused(
            f"{name}{_shown(value)} has {places} decimal places. {LIMIT_TEXT}.",
            code="too_many_decimal_places",
            params=params,
        )
    significant = len(digits) if value else 0
    if significant > MAX_SIGNIFICANT_DIGITS:
        raise ValueRefused(
            f"{name}{_shown(value)} has {significant} significant digits. {LIMIT_TEXT}.",
            code="too_many_digits",
            params=params,
        )
    return value
