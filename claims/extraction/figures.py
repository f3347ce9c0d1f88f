"""Reading a figure: ``quantities`` finds every figure of a text with ``patterns.CORE`` and
turns each match into a ``Quantity`` (value, unit, qualifier, as-of date, half-open span),
reading the words left and right of it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .. import spans, units
from .patterns import (
    COMPARATIVE_AFTER,
    COMPARISON_AFTER,
    CORE,
    CURRENCY_AFTER,
    CURRENCY_BEFORE,
    CURRENCY_CODE_BEFORE,
    DATELINE,
    LEFT_QUALIFIER,
    LIST_MARKER,
    ORDINAL_FACT,
    ORDINAL_NAMES,
    ORDINAL_OWNER,
    PREVIOUS_WORD,
    RANGE_TOP_BEFORE,
    RANGE_UNIT,
    RIGHT_QUALIFIER,
    SCALE_AFTER,
    SINCE_BEFORE,
    TIMES_AFTER,
    UNIT_AFTER,
    YEAR_AFTER,
)
from .vocabulary import (
    CURRENCY_CODES,
    CURRENCY_SYMBOLS,
    CURRENCY_WORDS,
    FRACTIONS,
    LEFT_QUALIFIERS,
    MONTHS,
    MULTIPLIER_VERBS,
    NOT_NAMES,
    NUMBER_WORDS,
    ORDINALS,
    RIGHT_QUALIFIERS,
    SCALES,
    TENS_WORDS,
    TIME_UNITS,
    UNIT_WORDS,
)

# Called as ``progress(done, total)`` in characters while a long text is read.
Progress = Callable[[int, int], object]

PROGRESS_STEP = 65536
# A run of digits longer than this is a code, a hash or an attack, not a figure a newsroom
# prints ("1,000,000,000,000,000,000,000" is 29): it is never turned into a number.
MAX_FIGURE_CHARS = 64


@dataclass(frozen=True)
class Quantity:
    """A figure found in a text: [start, end) in code points, its value and unit."""

    start: int
    end: int
    value: Decimal
    unit: str
    qualifier: str
    as_of: date | None = None
    as_of_precision: str = ""
    confidence: float = 0.5

    def __post_init__(self) -> None:
        if self.unit not in units.CODES:
            raise ValueError(units.refusal(self.unit))


def quantities(text: str, *, default_as_of: date | None = None, progress: Progress | None = None) -> list[Quantity]:
    """Every quantity in ``text``, in order, each with its half-open span.

    A dated paragraph ("September 9, 2019: ...") gives its date to the figures in it; the
    dateline itself and list numbering ("1. ") are not figures. ``progress(done, total)``,
    when given, is called every 64 KiB of text.
    """
    return list(iter_quantities(text, default_as_of=default_as_of, progress=progress))


def iter_quantities(
    text: str, *, default_as_of: date | None = None, progress: Progress | None = None
) -> Iterator[Quantity]:
    """The quantities of ``quantities``, one at a time (the caller may stop early)."""
    list_markers = {m.end() - len(m.group().lstrip()) for m in LIST_MARKER.finditer(text)}
    datelines = [(m.start(), m.end(), _parse_date(m.group("date"))) for m in DATELINE.finditer(text)]
    dateline_starts = [start for start, _, _ in datelines]
    position, reported = 0, 0
    for match in CORE.finditer(text):
        start = match.start()
        if progress is not None and start - reported >= PROGRESS_STEP:
            reported = start
            progress(start, len(text))
        if start < position or start in list_markers:
            continue
        index = bisect.bisect_right(dateline_starts, start) - 1
        if index >= 0 and start < datelines[index][1]:
            continue  # inside the dateline
        context = datelines[index][2] if index >= 0 else default_as_of
        quantity = READERS[match.lastgroup](text, match, context)
        if quantity is None:
            continue
        if spans.splits_character(text, quantity.start) or spans.splits_character(text, quantity.end):
            continue  # "5" + a combining mark: the figure is part of a character it cannot be cut from
        position = quantity.end
        yield quantity
    if progress is not None:
        progress(len(text), len(text))


# -- readers: one for each kind of figure, that is each named group of patterns.CORE ------
#
# A reader turns a match into a Quantity, or None when the match is not a figure after all.
# ``context`` is the date the figure is as of when the text does not say (the dateline's, or
# the source's publication date).

Reader = Callable[[str, re.Match[str], date | None], Quantity | None]


def _read_date(text: str, match: re.Match[str], context: date | None) -> Quantity:
    """A date: "September 9, 2019", "9 September 2019", "September 2019"."""
    token = match.group()
    day_given = bool(re.search(r"\d{1,2}\D+\d{4}|\d{1,2}\s+[A-Z]", token))
    when = _parse_date(token)
    precision = "day" if day_given else "month"
    start = _take_since(text, match.start())
    return Quantity(start, match.end(), Decimal(when.year), "year", "exact", when, precision, 0.8)


def _read_time(text: str, match: re.Match[str], context: date | None) -> Quantity:
    """A duration written as a clock, "2:05:30", in seconds."""
    hours, minutes, seconds = (int(part) for part in match.group().split(":"))
    return Quantity(match.start(), match.end(), Decimal(hours * 3600 + minutes * 60 + seconds), "second", "exact",
                    context, _precision(context), 0.7)  # fmt: skip


def _read_decade(text: str, match: re.Match[str], context: date | None) -> Quantity:
    """A decade: "the 1990s"."""
    year = int(match.group()[-5:-1])  # the four digits before the closing "s"
    start = _take_since(text, match.start())
    return Quantity(start, match.end(), Decimal(year), "decade", "exact", date(year, 1, 1), "decade", 0.7)


def _read_fiscal(text: str, match: re.Match[str], context: date | None) -> Quantity:
    """A fiscal year, "2012–13": the year it starts."""
    year = int(match.group()[:4])
    return Quantity(match.start(), match.end(), Decimal(year), "year", "exact", date(year, 1, 1), "year", 0.7)


def _read_period(text: str, match: re.Match[str], context: date | None) -> Quantity:
    """A period: "the past decade" (one), "for decades" (at least two)."""
    lowered = match.group().lower()
    plural = lowered.endswith(("decades", "centuries"))
    unit = "century" if "centur" in lowered else "decade"
    return Quantity(match.start(), match.end(), Decimal(2 if plural else 1), unit, "at_least" if plural else "exact",
                    context, _precision(context), 0.55)  # fmt: skip


def _read_year_end(text: str, match: re.Match[str], context: date | None) -> Quantity | None:
    """The end of the year ("by the end of the year"): the 31st of December of ``context``'s year."""
    if context is None:
        return None
    return Quantity(match.start(), match.end(), Decimal(context.year), "year", "exact", date(context.year, 12, 31),
                    "day", 0.45)  # fmt: skip


def _read_month_only(text: str, match: re.Match[str], context: date | None) -> Quantity | None:
    """A month without a year ("in March", "mid-Sept."): that month of ``context``'s year."""
    if context is None:
        return None
    month = MONTHS[match.group().replace("-", " ").split()[-1].rstrip(".").lower()]
    return Quantity(match.start(), match.end(), Decimal(context.year), "year", "exact", date(context.year, month, 1),
                    "month", 0.45)  # fmt: skip


def _read_ordinal(text: str, match: re.Match[str], context: date | None) -> Quantity | None:
    """A rank that carries a fact ("the third straight year", "its 5th"), not a name ("the 20th
    century", "the third quarter", "the 3rd district")."""
    start, end = match.start(), match.end()
    lowered = match.group().lower()
    value = ORDINALS.get(lowered) or (int(lowered[:-2]) if lowered[0].isdigit() else None)  # "5th" -> 5
    if value is None or ORDINAL_NAMES.match(text, end):
        return None  # "the 20th century", "the third quarter", "the 3rd district": names, not ranks
    if lowered in {"second", "minute"} and not ORDINAL_OWNER.search(text[max(0, start - 8) : start]):
        return None  # "41 seconds", "a second opinion"
    fact = ORDINAL_FACT.match(text, end)
    owner = ORDINAL_OWNER.search(text[max(0, start - 8) : start])
    if not owner and not lowered[0].isdigit():
        return None  # a word ordinal needs "the", "its", ...: "second" alone is mostly not a rank
    if owner:
        start -= len(text[max(0, start - 8) : start]) - owner.start()
    if fact:
        end = fact.end()
    return Quantity(start, end, Decimal(value), "ordinal", "exact", context, _precision(context),
                    0.6 if fact else 0.45)  # fmt: skip


def _read_fraction(text: str, match: re.Match[str], context: date | None) -> Quantity:
    """A fraction: "two thirds", "half", "a quarter larger"."""
    value = FRACTIONS[" ".join(match.group().lower().split())]
    start, _, qualifier = _extend_left(text, match.start(), "ratio")
    comparison = COMPARATIVE_AFTER.match(text, match.end())  # at the position: no copy of the rest
    end = comparison.end() if comparison else match.end()
    return Quantity(start, end, value, "ratio", qualifier, context, _precision(context), 0.6)


def _read_multiplier_verb(text: str, match: re.Match[str], context: date | None) -> Quantity:
    """A multiplier: "doubled", "halved", "twice"."""
    start, _, qualifier = _extend_left(text, match.start(), "ratio")
    value = MULTIPLIER_VERBS[match.group().lower()]
    return Quantity(start, match.end(), value, "ratio", qualifier, context, _precision(context), 0.6)


def _read_a_decade(text: str, match: re.Match[str], context: date | None) -> Quantity:
    """One decade or century: "a decade", "more than a century"."""
    start, _, qualifier = _extend_left(text, match.start(), "decade")
    unit = "century" if match.group().lower().endswith("century") else "decade"
    return Quantity(start, match.end(), Decimal(1), unit, qualifier, context, _precision(context), 0.5)


def _read_ratio(text: str, match: re.Match[str], context: date | None) -> Quantity | None:
    """A ratio: "one in five", "3 out of every 10"."""
    numerator, denominator = (
        _number_value(part) for part in re.split(r"\s+(?:in|out\s+of)\s+(?:every\s+)?", match.group(), maxsplit=1)
    )
    if not numerator or not denominator or numerator >= denominator:
        return None
    start, _, qualifier = _extend_left(text, match.start(), "ratio")
    value = (numerator / denominator).quantize(Decimal("0.0001")).normalize()
    return Quantity(start, match.end(), value, "ratio", qualifier, context, _precision(context), 0.7)


def _read_few(text: str, match: re.Match[str], context: date | None) -> Quantity | None:
    """A few of a unit of time ("a few weeks", "several years"): about three."""
    unit_match = UNIT_AFTER.match(text, match.end() - 1)
    if unit_match is None:  # the pattern looked ahead for the unit word, so it is there
        return None
    unit = UNIT_WORDS[unit_match.group("unit").lower()]
    return Quantity(match.start(), unit_match.end(), Decimal(3), unit, "about", context, _precision(context), 0.5)


def _read_dozen(text: str, match: re.Match[str], context: date | None) -> Quantity:
    """Dozens: "a dozen", "two dozen", "half a dozen"."""
    count = {"a": 1, "one": 1, "two": 2, "three": 3}.get(match.group().split()[0].lower(), Decimal("0.5"))
    start, _, qualifier = _extend_left(text, match.start(), "count")
    return Quantity(start, match.end(), Decimal(12) * Decimal(count), "count", qualifier, context,
                    _precision(context), 0.6)  # fmt: skip


def _read_number(text: str, match: re.Match[str], context: date | None) -> Quantity | None:
    """Digits ("3,400", "2.5") or number words ("twenty-one") with what stands around them: a
    currency, a qualifier, a scale, a unit, "or more", the year it is for."""
    start, end, token = match.start(), match.end(), match.group()
    is_digits = match.lastgroup == "num"
    if is_digits and (len(token) > MAX_FIGURE_CHARS or _is_name_number(text, start, end)):
        return None
    value = _number_value(token)
    if value is None:
        return None
    if not is_digits and value in {0, 1} and not SCALE_AFTER.match(text, end) and not UNIT_AFTER.match(text, end):
        return None  # "one of the", "none": too common to be a figure on their own
    start, unit, qualifier = _extend_left(text, start, "")
    end, value, unit = _extend_right(text, end, value, unit)
    confidence = 0.9 if unit and is_digits else 0.75 if unit else 0.5
    if not unit:
        unit = _range_unit(text, end)
    if not unit:
        unit = _bare_unit(token)
        if unit == "year" and qualifier == "exact":
            start = _take_since(text, start)
        confidence = 0.55 if unit == "year" else (0.6 if is_digits else 0.5)
    if unit in TIME_UNITS and COMPARISON_AFTER.match(text, end):
        return None  # "four years earlier", "a year ago": when, not how much
    right = RIGHT_QUALIFIER.match(text, end)
    if right:
        qualifier = RIGHT_QUALIFIERS[right.group("q").lower()]
        end = right.end()
    as_of, precision = (date(int(value), 1, 1), "year") if unit == "year" else _as_of_after(text, end, context)
    return Quantity(start, end, value, unit, qualifier, as_of, precision, confidence)


# The reader of each kind of match, by the name of the group of patterns.CORE that matched
# (``Match.lastgroup``; typed ``str | None``, though every alternative of CORE is named).
READERS: dict[str | None, Reader] = {
    "date": _read_date,
    "time": _read_time,
    "decade": _read_decade,
    "fiscal": _read_fiscal,
    "ratio": _read_ratio,
    "adecade": _read_a_decade,
    "period": _read_period,
    "yearend": _read_year_end,
    "monthonly": _read_month_only,
    "ordinal": _read_ordinal,
    "fraction": _read_fraction,
    "multverb": _read_multiplier_verb,
    "few": _read_few,
    "dozen": _read_dozen,
    "num": _read_number,
    "word": _read_number,
}
if set(READERS) != set(CORE.groupindex):  # a pattern added without its reader, or the reverse
    raise ImportError(
        "every named group of patterns.CORE needs a reader in figures.READERS: "
        + ", ".join(sorted(str(kind) for kind in set(READERS) ^ set(CORE.groupindex)))
    )

# -- reading around a figure ------------------------------------------------------------


def _number_value(token: str) -> Decimal | None:
    token = token.strip()
    if token[0].isdigit():
        return Decimal(re.sub(r"[,\u2009\u202f\u00a0 ]", "", token))
    lowered = token.lower().replace("-", " ")
    parts = lowered.split()
    if parts[0] in TENS_WORDS:
        return Decimal(TENS_WORDS[parts[0]] + (NUMBER_WORDS[parts[1]] if len(parts) > 1 else 0))
    return Decimal(NUMBER_WORDS[parts[0]]) if parts[0] in NUMBER_WORDS else None


def _is_name_number(text: str, start: int, end: int) -> bool:
    """True for digits that are part of a name or code: KN-25, F-35, COVID-19, G7, Formula 1, 6x6."""
    if re.match(r"-\d", text[end : end + 2]):
        return False  # a score or a range: "3-1", "2020-2024"
    before = text[max(0, start - 2) : start]
    if before[-1:].isalpha() or (before[-1:] in "-/" and before[:1].isalpha()):
        return True
    after = text[end : end + 1]
    if after.isalpha() and not UNIT_AFTER.match(text, end) and not SCALE_AFTER.match(text, end):
        return True
    if after == "-" and text[end + 1 : end + 2].isalpha() and not UNIT_AFTER.match(text, end):
        return False  # "11-month", "600-mile": a compound, handled by the unit match
    previous = PREVIOUS_WORD.search(text[max(0, start - 20) : start])
    if (
        previous
        and previous.group(1)[0].isupper()
        and previous.group(1).lower() not in NOT_NAMES
        and previous.group(1) not in CURRENCY_CODES
    ):
        before = _last_visible(text, start - len(previous.group(0)))
        at_sentence_start = before == "" or before in ".!?:"
        if not at_sentence_start and previous.group(1).lower() not in MONTHS:
            return True
    return False


def _last_visible(text: str, end: int) -> str:
    """The last character before ``end`` that is not white space, or "" (a scan, not a copy of
    ``text[:end]``: each run of white space is read for one figure at most)."""
    index = end - 1
    while index >= 0 and text[index].isspace():
        index -= 1
    return text[index] if index >= 0 else ""


def _extend_right(text: str, end: int, value: Decimal, unit: str) -> tuple[int, Decimal, str]:
    """Take the scale, currency word, unit or 'times' after a number."""
    scale = SCALE_AFTER.match(text, end)
    # "m", "b" and "k" are scales only after money ("£1.3m"); after "600" an "m" is metres.
    if scale and (scale.group("scale").lower() not in {"m", "b", "k"} or unit in CURRENCY_SYMBOLS.values()):
        value *= SCALES[scale.group("scale").lower()]
        end = scale.end()
    if not unit:
        currency = CURRENCY_AFTER.match(text, end)
        if currency:
            return currency.end(), value, CURRENCY_WORDS[currency.group("cur").lower()]
        times = TIMES_AFTER.match(text, end)
        if times:
            return times.end(), value, "ratio"
        measure = UNIT_AFTER.match(text, end)
        if measure:
            word = (measure.group("unit") or measure.group("pct")).lower()
            return measure.end(), value, UNIT_WORDS[word]
    return end, value, unit


def _range_unit(text: str, end: int) -> str:
    """The unit of "between 3.5 and 3.8 percent", read off the range's second figure."""
    match = RANGE_UNIT.match(text, end)
    if not match:
        return ""
    unit = UNIT_AFTER.match(match.group("rest"))
    return UNIT_WORDS[(unit.group("unit") or unit.group("pct")).lower()] if unit else ""


def _extend_left(text: str, start: int, unit: str) -> tuple[int, str, str]:
    """Take a currency symbol and a qualifier ("about", "more than", ...) before a number."""
    window = text[max(0, start - 24) : start]
    currency = CURRENCY_BEFORE.search(window) or (None if unit else CURRENCY_CODE_BEFORE.search(window))
    if currency and not unit:
        unit = CURRENCY_SYMBOLS.get(currency.group("cur"), currency.group("cur"))
        start -= len(window) - currency.start()
        window = text[max(0, start - 24) : start]
    qualifier = "exact"
    if RANGE_TOP_BEFORE.search(text[max(0, start - 40) : start]):
        return start, unit, "at_most"  # the high end of "between 3.5 and 3.8 percent"
    found = LEFT_QUALIFIER.search(window)
    if found:
        qualifier = LEFT_QUALIFIERS[found.group("q").lower()]
        start -= len(window) - found.start("q")
    return start, unit, qualifier


def _bare_unit(token: str) -> str:
    """Unit for a number with nothing after it: a calendar year or a count."""
    return "year" if re.fullmatch(r"(?:1[6-9]|20)\d\d", token) else "count"


def _take_since(text: str, start: int) -> int:
    """Move ``start`` left over "since", "early", "late" or "mid-" before a year."""
    window = text[max(0, start - 8) : start]
    since = SINCE_BEFORE.search(window)
    return start - (len(window) - since.start()) if since else start


def _parse_date(value: str) -> date:
    parts = re.findall(r"[A-Za-z]+|\d+", value)
    month = next(MONTHS[p.lower()] for p in parts if p.lower() in MONTHS)
    numbers = [int(p) for p in parts if p.isdigit()]
    year = next(n for n in numbers if n > 31)
    day = next((n for n in numbers if n <= 31), 1)
    return date(year, month, day)


def _as_of_after(text: str, end: int, context: date | None) -> tuple[date | None, str]:
    """The year a figure refers to when the text says so right after it ("$50 billion for 2020")."""
    year = YEAR_AFTER.match(text, end)
    if year:
        return date(int(year.group(1)), 1, 1), "year"
    return context, _precision(context)


def _precision(context: date | None) -> str:
    return "" if context is None else "day"
