"""Claimbook's one vocabulary of units: the codes a claim's ``unit`` may hold.

The model's choices, the extractor's output, the API's filters and its OpenAPI enum are all
built from ``UNITS``; a unit written anywhere else is refused. ``ALIASES`` maps the spellings
found in texts and older rows ("%", "metres", "usd") to their code.
"""

from __future__ import annotations

from typing import NamedTuple


class Unit(NamedTuple):
    code: str  # stored in Claim.unit, e.g. "km"
    label: str  # shown to people, e.g. "kilometres"
    dimension: str  # money, share, count, length, mass, volume, temperature, time, calendar, rank


UNITS: tuple[Unit, ...] = (
    Unit("USD", "US dollars", "money"),
    Unit("EUR", "euros", "money"),
    Unit("GBP", "pounds sterling", "money"),
    Unit("JPY", "yen", "money"),
    Unit("KRW", "won", "money"),
    Unit("percent", "percent", "share"),
    Unit("point", "percentage points", "share"),
    Unit("ratio", "ratio (times)", "share"),
    Unit("count", "count", "count"),
    Unit("km", "kilometres", "length"),
    Unit("meter", "metres", "length"),
    Unit("mile", "miles", "length"),
    Unit("mm", "millimetres", "length"),
    Unit("kg", "kilograms", "mass"),
    Unit("tonne", "tonnes", "mass"),
    Unit("barrel", "barrels", "volume"),
    Unit("degree_c", "degrees Celsius", "temperature"),
    Unit("second", "seconds", "time"),
    Unit("minute", "minutes", "time"),
    Unit("hour", "hours", "time"),
    Unit("day", "days", "time"),
    Unit("week", "weeks", "time"),
    Unit("month", "months", "time"),
    Unit("years", "years (duration)", "time"),
    Unit("decade", "decades", "time"),
    Unit("century", "centuries", "time"),
    Unit("year", "year (calendar)", "calendar"),
    Unit("ordinal", "ordinal (nth)", "rank"),
)

CODES: frozenset[str] = frozenset(unit.code for unit in UNITS)
CHOICES: list[tuple[str, str]] = [(unit.code, unit.label) for unit in UNITS]

# Spellings of a unit that are not its code, lower-cased: what a text or an old row may say.
ALIASES: dict[str, str] = {
    "usd": "USD", "us$": "USD", "$": "USD", "dollar": "USD", "dollars": "USD",
    "eur": "EUR", "€": "EUR", "euro": "EUR", "euros": "EUR",
    "gbp": "GBP", "£": "GBP", "pound": "GBP", "pounds": "GBP", "sterling": "GBP",
    "jpy": "JPY", "¥": "JPY", "yen": "JPY", "krw": "KRW", "₩": "KRW", "won": "KRW",
    "%": "percent", "per cent": "percent", "pct": "percent",
    "percentage point": "point", "percentage points": "point", "points": "point",
    "times": "ratio", "kilometre": "km", "kilometres": "km", "kilometer": "km", "kilometers": "km",
    "m": "meter", "metre": "meter", "metres": "meter", "meters": "meter",
    "miles": "mile", "millimetre": "mm", "millimetres": "mm", "millimeter": "mm", "millimeters": "mm",
    "kilogram": "kg", "kilograms": "kg", "t": "tonne", "ton": "tonne", "tons": "tonne", "tonnes": "tonne",
    "metric ton": "tonne", "metric tons": "tonne", "barrels": "barrel", "bpd": "barrel",
    "°c": "degree_c", "degc": "degree_c", "celsius": "degree_c", "degrees celsius": "degree_c",
    "s": "second", "seconds": "second", "min": "minute", "minutes": "minute", "h": "hour", "hours": "hour",
    "days": "day", "weeks": "week", "months": "month", "decades": "decade", "centuries": "century",
}  # fmt: skip


def canonical(unit: str) -> str | None:
    """The code for ``unit`` (a code or an alias, any case), or None when Claimbook has none."""
    if unit in CODES:
        return unit
    lowered = " ".join(unit.lower().split())
    if lowered in CODES:
        return lowered
    return ALIASES.get(lowered) or next((code for code in CODES if code.lower() == lowered), None)


def refusal(unit: str) -> str:
    """The message for a unit outside the vocabulary."""
    return f"{unit!r} is not a unit Claimbook knows; use one of: {', '.join(sorted(CODES))}."
