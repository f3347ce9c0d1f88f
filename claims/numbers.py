"""How Claimbook writes a figure: plain digits, no exponent, no padding zeros ("50000000000",
"6.9", "0.125"): the API, the admin, the exports and the extractor all say it the same way."""

from decimal import Decimal


def plain_decimal(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")
