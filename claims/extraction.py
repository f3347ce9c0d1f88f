"""Pure functions that read an article and propose candidate claims.

``sentences`` splits a text, ``quantities`` finds every figure in it (digits, number
words, money, percentages, units, dates, durations, ratios, fact-carrying ordinals) with
its half-open code-point span, and ``extract`` (or ``candidates``) turns them into claims an
editor can accept or dismiss. Deterministic: the same text always gives the same output.

Any text at all is read in time and memory linear in its length: no pattern backtracks over a
run of characters more than a bounded number of times, every look left or right of a figure
is a bounded window, sentences and figures are produced lazily, a statement is at most
``STATEMENT_WINDOW`` characters around its figure, and ``extract`` stops at ``limit``
candidates. bench/extraction_adversarial.py measures it on hostile texts.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from . import spans, units
from .numbers import plain_decimal

EXTRACTOR_VERSION = "1.1.0"
# The longest statement the extractor writes; the model holds 2,000 (models.STATEMENT_MAX_CHARS).
STATEMENT_MAX_CHARS = 2_000
# Characters kept either side of the figure when its sentence is too long to be the statement.
STATEMENT_WINDOW = 300

# -- vocabulary ------------------------------------------------------------------------

_UNITS_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_ORDINALS = {
    "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
}  # fmt: skip
_FRACTIONS = {
    "a third": Decimal("0.3333"), "one third": Decimal("0.3333"), "two thirds": Decimal("0.6667"),
    "a quarter": Decimal("0.25"), "one quarter": Decimal("0.25"), "three quarters": Decimal("0.75"),
    "half": Decimal("0.5"), "a half": Decimal("0.5"), "one half": Decimal("0.5"),
}  # fmt: skip
_MULTIPLIER_VERBS = {
    "halved": Decimal("0.5"), "twice": Decimal(2), "thrice": Decimal(3),
    "doubled": Decimal(2), "tripled": Decimal(3), "trebled": Decimal(3),
    "quadrupled": Decimal(4), "double": Decimal(2), "triple": Decimal(3),
}  # fmt: skip
_SCALES = {
    "hundred": 10**2, "thousand": 10**3, "k": 10**3, "million": 10**6, "mn": 10**6, "m": 10**6, "billion": 10**9,
    "bn": 10**9, "b": 10**9, "trillion": 10**12, "tn": 10**12,
}  # fmt: skip
_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
    "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_CURRENCY_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW"}
_CURRENCY_WORDS = {
    "dollars": "USD", "dollar": "USD", "usd": "USD", "euros": "EUR", "euro": "EUR", "eur": "EUR",
    "pounds": "GBP", "pound": "GBP", "sterling": "GBP", "gbp": "GBP", "yen": "JPY", "jpy": "JPY",
    "won": "KRW", "krw": "KRW",
}  # fmt: skip
# Unit words after a number, longest first so "kilometres" wins over "km".
_UNIT_WORDS = {
    "percentage points": "point", "percentage point": "point", "per cent": "percent", "percent": "percent",
    "pct": "percent", "%": "percent",
    "kilometres": "km", "kilometers": "km", "kilometre": "km", "kilometer": "km", "km": "km",
    "miles": "mile", "mile": "mile", "millimetres": "mm", "millimeters": "mm", "mm": "mm",
    "metres": "meter", "meters": "meter", "metre": "meter", "meter": "meter", "m": "meter",
    "metric tons": "tonne", "metric tonnes": "tonne",
    "tonnes": "tonne", "tonne": "tonne", "tons": "tonne", "ton": "tonne", "t": "tonne",
    "barrels": "barrel", "barrel": "barrel", "bpd": "barrel",
    "kilograms": "kg", "kilogram": "kg", "kg": "kg",
    "degrees celsius": "degree_c", "degrees c": "degree_c", "degrees": "degree_c", "°c": "degree_c",
    "seconds": "second", "second": "second", "minutes": "minute", "minute": "minute",
    "hours": "hour", "hour": "hour", "days": "day", "day": "day", "weeks": "week", "week": "week",
    "months": "month", "month": "month", "years": "years", "year": "years",
    "decades": "decade", "decade": "decade", "centuries": "century", "century": "century",
}  # fmt: skip
_TIME_UNITS = {"second", "minute", "hour", "day", "week", "month", "years", "decade", "century"}
# Units the extractor writes without a table ("ratio" for "twice", "year" for 2019, ...).
_LITERAL_UNITS = {"ratio", "count", "year", "decade", "century", "second", "ordinal"}
# Every unit the extractor can produce; each is a code of Claimbook's one vocabulary.
UNITS_PRODUCED = frozenset(
    {*_UNIT_WORDS.values(), *_CURRENCY_WORDS.values(), *_CURRENCY_SYMBOLS.values(), *_LITERAL_UNITS, *_TIME_UNITS}
)
_UNKNOWN = UNITS_PRODUCED - units.CODES
if _UNKNOWN:  # a table above names a unit the vocabulary (claims/units.py) does not have
    raise ImportError(f"the extractor produces units Claimbook does not know: {', '.join(sorted(_UNKNOWN))}")

_LEFT_QUALIFIERS = {
    "about": "about", "around": "about", "roughly": "about", "approximately": "about", "some": "about",
    "nearly": "about", "almost": "about", "close to": "about", "an estimated": "about", "estimated": "about",
    "over": "more_than", "longer than": "more_than", "greater than": "more_than", "higher than": "more_than",
    "passed": "more_than", "topped": "more_than", "exceeded": "more_than",
    "surpassed": "more_than", "more than": "more_than", "above": "more_than",
    "in excess of": "more_than", "at least": "at_least", "no fewer than": "at_least", "no less than": "at_least",
    "less than": "less_than", "fewer than": "less_than", "under": "less_than", "below": "less_than",
    "up to": "at_most", "at most": "at_most", "as many as": "at_most", "no more than": "at_most",
    "between": "at_least",
}  # fmt: skip
_RIGHT_QUALIFIERS = {"or so": "about", "or more": "at_least", "or less": "at_most", "or fewer": "at_most"}

# Words a capitalised number can follow as part of a name ("Formula 1", "Boeing 747").
_NOT_NAMES = {
    "in", "since", "by", "on", "at", "of", "for", "from", "to", "the", "a", "an", "and", "or", "until", "before",
    "after", "between", "about", "over", "under", "nearly", "almost", "some", "around", "up", "during",
    "than", "least", "fiscal", "early", "late", "mid", "only", "just", "all", "its", "their", "his", "her",
    "both", "each", "every", "year", "that", "this", "these", "those", "with", "while", "more", "less",
}  # fmt: skip


def _alternation(words) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_NUMBER_WORD = (
    rf"(?:(?:{_alternation(_TENS_WORDS)})(?:[-\s](?:{_alternation(k for k in _UNITS_WORDS if _UNITS_WORDS[k] < 10)}))?"
    rf"|{_alternation(_UNITS_WORDS)})"
)
_MONTH = (
    rf"(?:{_alternation(k.capitalize() for k in _MONTHS if len(k) > 4 or k in {'may', 'june', 'july'})}"
    rf"|(?:{_alternation(k.capitalize() for k in _MONTHS if len(k) <= 4 and k not in {'may', 'june', 'july'})})\.?)"
)
# Thousands grouped by commas or spaces ("3,400", "816 000"); a space group must stand free,
# so "KN-25 600mm" stays two numbers. At most 20 groups: the regex engine keeps a backtracking
# entry per repetition, and a million groups in a row cost 300 MB; 20 groups are already far
# past any figure (_MAX_FIGURE_CHARS).
_DIGITS = (
    r"\d{1,3}(?:,\d{3}){1,20}(?:\.\d+)?|\d{1,3}(?:[\u2009\u202f\u00a0 ]\d{3}){1,20}(?![\d,.]\d)(?![A-Za-z])"
    r"|\d+(?:\.\d+)?"
)

_CORE = re.compile(
    rf"""
    (?P<date>(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:1[6-9]|20)\d\d
             |\d{{1,2}}\s+{_MONTH}\s+(?:1[6-9]|20)\d\d
             |{_MONTH}\s+(?:1[6-9]|20)\d\d)\b)
    |(?P<time>\b\d{{1,2}}:\d\d:\d\d\b)
    |(?P<decade>\b(?:the\s+)?(?:1[6-9]|20)\d0s\b)
    |(?P<fiscal>\b(?:1[6-9]|20)\d\d[–-]\d\d\b)
    |(?P<ratio>\b(?i:{_NUMBER_WORD}|\d{{1,3}})\s+(?:in|out\s+of)\s+(?:every\s+)?(?i:{_NUMBER_WORD}|\d{{1,3}})\b
              (?!\s*(?:%|percent|[\d,.])))
    |(?P<adecade>\b[Aa]\s+(?:decade|century)\b(?!\s+(?:ago|earlier|later|before)\b))
    |(?P<period>\b(?:(?:the|this)\s+(?:last|past|coming|next|previous)\s+(?:decade|century)
                |(?:for|over)\s+(?:decades|centuries))\b)
    |(?P<yearend>\b(?:by|until|before)\s+the\s+end\s+of\s+(?:the|this)\s+year\b)
    |(?P<monthonly>\b(?:(?:[Ee]arly|[Mm]id|[Ll]ate|[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil)[\s-]+){_MONTH}\b(?!\s*\d))
    |(?P<ordinal>\b(?i:{_alternation(_ORDINALS)})\b|\b\d+(?:st|nd|rd|th)\b)
    |(?P<fraction>\b(?i:{_alternation(_FRACTIONS)})\b(?!-))
    |(?P<multverb>\b(?i:{_alternation(_MULTIPLIER_VERBS)})\b)
    |(?P<few>\b(?i:a\s+few|several|a\s+couple\s+of)\s+(?=(?:seconds|minutes|hours|days|weeks|months|years|decades)\b))
    |(?P<dozen>\b(?i:a|one|two|three|half\s+a)\s+dozen\b)
    |(?P<num>(?<![\w.])(?:{_DIGITS}))
    |(?P<word>\b(?i:{_NUMBER_WORD})\b)
    """,
    re.VERBOSE,
)

_SCALE_AFTER = re.compile(rf"(?:\s?|-)(?P<scale>{_alternation(_SCALES)})\b", re.IGNORECASE)
_UNIT_AFTER = re.compile(
    rf"(?:\s?|-)(?P<unit>{_alternation(w for w in _UNIT_WORDS if w != '%')})(?![\w'’])|(?P<pct>%)",
    re.IGNORECASE,
)
_CURRENCY_AFTER = re.compile(rf"\s(?P<cur>{_alternation(_CURRENCY_WORDS)})\b", re.IGNORECASE)
_TIMES_AFTER = re.compile(r"\s+times\b(?:\s+(?:more|larger|higher|greater|bigger|as\s+(?:much|many|large)))?")
_RIGHT_QUALIFIER = re.compile(rf"\s+(?P<q>{_alternation(_RIGHT_QUALIFIERS)})\b")
_CURRENCY_BEFORE = re.compile(rf"(?P<cur>{_alternation(_CURRENCY_SYMBOLS)})\s?$")
_CURRENCY_CODES = {"USD", "EUR", "GBP", "JPY", "KRW"}
_CURRENCY_CODE_BEFORE = re.compile(rf"\b(?P<cur>{_alternation(_CURRENCY_CODES)})\s?$")
_LEFT_QUALIFIER = re.compile(rf"(?:^|\b)(?P<q>(?i:{_alternation(_LEFT_QUALIFIERS)}))\s+$")
_RANGE_TOP_BEFORE = re.compile(rf"\b[Bb]etween\s+\S*(?:{_DIGITS})\S*(?:\s+\w+)?\s+and\s+\S?$")
_SINCE_BEFORE = re.compile(r"\b(?P<q>[Ss]ince|[Ee]arly|[Ll]ate|[Mm]id-)\s*$")
_RANGE_UNIT = re.compile(rf"\s+(?:and|to|-|–)\s+(?:{_DIGITS})(?P<rest>\s?(?:%|[a-zA-Z ]{{1,40}}))")
_ORDINAL_FACT = re.compile(
    r"\s+(?:(?:straight|consecutive|successive)\s+\w+|(?:\w+\s+){0,2}?(?:in\s+a\s+row|running)\b|time\b)"
)
_COMPARISON_AFTER = re.compile(r"\s+(?:earlier|later|before|previously)\b")
_ORDINAL_NAMES = re.compile(
    r"[\s-]+(?:centur|millenni|quarter|half\b|district|ward|floor|street|avenue|amendment|round|division|fleet|"
    r"army|corps|battalion|brigade|regiment|grade|class|generation)",
    re.IGNORECASE,
)
_ORDINAL_OWNER = re.compile(r"\b(?:the|its|his|her|their|a)\s+$", re.IGNORECASE)
_DATELINE = re.compile(rf"^(?P<date>{_MONTH}\s+\d{{1,2}},\s+(?:19|20)\d\d):", re.MULTILINE)
_LIST_MARKER = re.compile(r"^[ \t]*\d+\.\s", re.MULTILINE)
_HAS_DIGIT_OR_LETTER = re.compile(r"[\w]")
_PROGRESS_STEP = 65536
# A run of digits longer than this is a code, a hash or an attack, not a figure a newsroom
# prints ("1,000,000,000,000,000,000,000" is 29): it is never turned into a number.
_MAX_FIGURE_CHARS = 64


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

    def __post_init__(self):
        if self.unit not in units.CODES:
            raise ValueError(units.refusal(self.unit))


@dataclass(frozen=True)
class Candidate:
    """A proposed claim, shaped like the Claim model's fields."""

    span_start: int
    span_end: int
    quote: str
    statement: str
    kind: str
    subject: str
    value: Decimal | None
    unit: str
    qualifier: str
    as_of: date | None
    as_of_precision: str
    confidence: float
    extractor_version: str = EXTRACTOR_VERSION

    def as_dict(self) -> dict:
        data = dict(self.__dict__)
        data["value"] = plain_decimal(self.value)
        data["as_of"] = None if self.as_of is None else self.as_of.isoformat()
        return data


# -- sentences -------------------------------------------------------------------------

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep", "jr", "sr",
    "inc", "ltd", "co", "corp", "vs", "etc", "e.g", "i.e", "no", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "a.m", "p.m", "approx", "est",
}  # fmt: skip
# A run of end punctuation is matched from its first character only ((?<!...)) and never given
# back (possessive ++, *+): "1" and 100,000 full stops is one attempt, not 100,000 attempts
# that each read the rest of the run.
_SENTENCE_END = re.compile(r"(?<![.!?])[.!?]++[\"'”’)\]]*+(?=\s+[\"'“‘(\[]?[A-Z0-9])|\n\s*\n|\n(?=[^\n]{0,80}\n)|\n")
_ABBREVIATION_BEFORE = re.compile(r"([\w.]+)\.$")


def sentences(text: str) -> list[tuple[int, int]]:
    """Half-open spans of the sentences of ``text``, whitespace trimmed, in order."""
    return list(iter_sentences(text))


def iter_sentences(text: str):
    """The spans of ``sentences``, one at a time."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if match.group().strip() else match.start()
        if match.group()[0] == ".":
            word = _ABBREVIATION_BEFORE.search(text[max(start, match.start() - 12) : match.start() + 1])
            if word and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1):
                continue
        span = _trimmed(text, start, end)
        if span is not None:
            yield span
        start = match.end()
    span = _trimmed(text, start, len(text))
    if span is not None:
        yield span


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and _HAS_DIGIT_OR_LETTER.search(text, start, end):
        return start, end
    return None


# -- quantities ------------------------------------------------------------------------


def _number_value(token: str) -> Decimal | None:
    token = token.strip()
    if token[0].isdigit():
        return Decimal(re.sub(r"[,\u2009\u202f\u00a0 ]", "", token))
    lowered = token.lower().replace("-", " ")
    parts = lowered.split()
    if parts[0] in _TENS_WORDS:
        return Decimal(_TENS_WORDS[parts[0]] + (_UNITS_WORDS[parts[1]] if len(parts) > 1 else 0))
    return Decimal(_UNITS_WORDS[parts[0]]) if parts[0] in _UNITS_WORDS else None


def _is_name_number(text: str, start: int, end: int) -> bool:
    """True for digits that are part of a name or code: KN-25, F-35, COVID-19, G7, Formula 1, 6x6."""
    if re.match(r"-\d", text[end : end + 2]):
        return False  # a score or a range: "3-1", "2020-2024"
    before = text[max(0, start - 2) : start]
    if before[-1:].isalpha() or (before[-1:] in "-/" and before[:1].isalpha()):
        return True
    after = text[end : end + 1]
    if after.isalpha() and not _UNIT_AFTER.match(text, end) and not _SCALE_AFTER.match(text, end):
        return True
    if after == "-" and text[end + 1 : end + 2].isalpha() and not _UNIT_AFTER.match(text, end):
        return False  # "11-month", "600-mile": a compound, handled by the unit match
    previous = _PREVIOUS_WORD.search(text[max(0, start - 20) : start])
    if (
        previous
        and previous.group(1)[0].isupper()
        and previous.group(1).lower() not in _NOT_NAMES
        and previous.group(1) not in _CURRENCY_CODES
    ):
        before = _last_visible(text, start - len(previous.group(0)))
        at_sentence_start = before == "" or before in ".!?:"
        if not at_sentence_start and previous.group(1).lower() not in _MONTHS:
            return True
    return False


_PREVIOUS_WORD = re.compile(r"([A-Za-z]+)\s$")


def _last_visible(text: str, end: int) -> str:
    """The last character before ``end`` that is not white space, or "" (a scan, not a copy of
    ``text[:end]``: each run of white space is read for one figure at most)."""
    index = end - 1
    while index >= 0 and text[index].isspace():
        index -= 1
    return text[index] if index >= 0 else ""


def _extend_right(text: str, end: int, value: Decimal, unit: str) -> tuple[int, Decimal, str]:
    """Take the scale, currency word, unit or 'times' after a number."""
    scale = _SCALE_AFTER.match(text, end)
    # "m", "b" and "k" are scales only after money ("£1.3m"); after "600" an "m" is metres.
    if scale and (scale.group("scale").lower() not in {"m", "b", "k"} or unit in _CURRENCY_SYMBOLS.values()):
        value *= _SCALES[scale.group("scale").lower()]
        end = scale.end()
    if not unit:
        currency = _CURRENCY_AFTER.match(text, end)
        if currency:
            return currency.end(), value, _CURRENCY_WORDS[currency.group("cur").lower()]
        times = _TIMES_AFTER.match(text, end)
        if times:
            return times.end(), value, "ratio"
        measure = _UNIT_AFTER.match(text, end)
        if measure:
            word = (measure.group("unit") or measure.group("pct")).lower()
            return measure.end(), value, _UNIT_WORDS[word]
    return end, value, unit


def _range_unit(text: str, end: int) -> str:
    """The unit of "between 3.5 and 3.8 percent", read off the range's second figure."""
    match = _RANGE_UNIT.match(text, end)
    if not match:
        return ""
    unit = _UNIT_AFTER.match(match.group("rest"))
    return _UNIT_WORDS[(unit.group("unit") or unit.group("pct")).lower()] if unit else ""


def _extend_left(text: str, start: int, unit: str) -> tuple[int, str, str]:
    """Take a currency symbol and a qualifier ("about", "more than", ...) before a number."""
    window = text[max(0, start - 24) : start]
    currency = _CURRENCY_BEFORE.search(window) or (None if unit else _CURRENCY_CODE_BEFORE.search(window))
    if currency and not unit:
        unit = _CURRENCY_SYMBOLS.get(currency.group("cur"), currency.group("cur"))
        start -= len(window) - currency.start()
        window = text[max(0, start - 24) : start]
    qualifier = "exact"
    if _RANGE_TOP_BEFORE.search(text[max(0, start - 40) : start]):
        return start, unit, "at_most"  # the high end of "between 3.5 and 3.8 percent"
    found = _LEFT_QUALIFIER.search(window)
    if found:
        qualifier = _LEFT_QUALIFIERS[found.group("q").lower()]
        start -= len(window) - found.start("q")
    return start, unit, qualifier


def _bare_unit(token: str) -> str:
    """Unit for a number with nothing after it: a calendar year or a count."""
    return "year" if re.fullmatch(r"(?:1[6-9]|20)\d\d", token) else "count"


def _take_since(text: str, start: int) -> int:
    """Move ``start`` left over "since", "early", "late" or "mid-" before a year."""
    window = text[max(0, start - 8) : start]
    since = _SINCE_BEFORE.search(window)
    return start - (len(window) - since.start()) if since else start


def quantities(text: str, *, default_as_of: date | None = None, progress=None) -> list[Quantity]:
    """Every quantity in ``text``, in order, each with its half-open span.

    A dated paragraph ("September 9, 2019: ...") gives its date to the figures in it; the
    dateline itself and list numbering ("1. ") are not figures. ``progress(done, total)``,
    when given, is called every 64 KiB of text.
    """
    return list(iter_quantities(text, default_as_of=default_as_of, progress=progress))


def iter_quantities(text: str, *, default_as_of: date | None = None, progress=None):
    """The quantities of ``quantities``, one at a time (the caller may stop early)."""
    list_markers = {m.end() - len(m.group().lstrip()) for m in _LIST_MARKER.finditer(text)}
    datelines = [(m.start(), m.end(), _parse_date(m.group("date"))) for m in _DATELINE.finditer(text)]
    dateline_starts = [start for start, _, _ in datelines]
    position, reported = 0, 0
    for match in _CORE.finditer(text):
        start = match.start()
        if progress is not None and start - reported >= _PROGRESS_STEP:
            reported = start
            progress(start, len(text))
        if start < position or start in list_markers:
            continue
        index = bisect.bisect_right(dateline_starts, start) - 1
        if index >= 0 and start < datelines[index][1]:
            continue  # inside the dateline
        context = datelines[index][2] if index >= 0 else default_as_of
        quantity = _read(text, match.lastgroup, match, context)
        if quantity is None:
            continue
        if spans.splits_character(text, quantity.start) or spans.splits_character(text, quantity.end):
            continue  # "5" + a combining mark: the figure is part of a character it cannot be cut from
        position = quantity.end
        yield quantity
    if progress is not None:
        progress(len(text), len(text))


def _parse_date(value: str) -> date:
    parts = re.findall(r"[A-Za-z]+|\d+", value)
    month = next(_MONTHS[p.lower()] for p in parts if p.lower() in _MONTHS)
    numbers = [int(p) for p in parts if p.isdigit()]
    year = next(n for n in numbers if n > 31)
    day = next((n for n in numbers if n <= 31), 1)
    return date(year, month, day)


def _read(text: str, kind: str, match: re.Match, context: date | None) -> Quantity | None:
    start, end, token = match.start(), match.end(), match.group()
    if kind == "date":
        day_given = bool(re.search(r"\d{1,2}\D+\d{4}|\d{1,2}\s+[A-Z]", token))
        when = _parse_date(token)
        return Quantity(
            _take_since(text, start),
            end,
            Decimal(when.year),
            "year",
            "exact",
            when,
            "day" if day_given else "month",
            0.8,
        )
    if kind == "time":
        hours, minutes, seconds = (int(part) for part in token.split(":"))
        return Quantity(start, end, Decimal(hours * 3600 + minutes * 60 + seconds), "second", "exact", context,
                        _precision(context), 0.7)  # fmt: skip
    if kind == "decade":
        year = int(re.search(r"\d{4}", token).group())
        return Quantity(
            _take_since(text, start), end, Decimal(year), "decade", "exact", date(year, 1, 1), "decade", 0.7
        )
    if kind == "fiscal":
        year = int(token[:4])
        return Quantity(start, end, Decimal(year), "year", "exact", date(year, 1, 1), "year", 0.7)
    if kind == "period":
        plural = token.lower().endswith(("decades", "centuries"))
        unit = "century" if "centur" in token.lower() else "decade"
        return Quantity(start, end, Decimal(2 if plural else 1), unit, "at_least" if plural else "exact", context,
                        _precision(context), 0.55)  # fmt: skip
    if kind == "yearend":
        if context is None:
            return None
        return Quantity(start, end, Decimal(context.year), "year", "exact", date(context.year, 12, 31), "day", 0.45)
    if kind == "monthonly":
        if context is None:
            return None
        month = _MONTHS[re.search(r"[A-Z][a-z]+\.?$", token).group().rstrip(".").lower()]
        return Quantity(start, end, Decimal(context.year), "year", "exact", date(context.year, month, 1), "month",
                        0.45)  # fmt: skip
    if kind == "ordinal":
        return _read_ordinal(text, start, end, token, context)
    if kind == "fraction":
        value = _FRACTIONS[" ".join(token.lower().split())]
        start, _, qualifier = _extend_left(text, start, "ratio")
        times = re.match(r"\s+(?:larger|bigger|more|smaller|less|higher|lower)\b", text[end:])
        return Quantity(start, end + (times.end() if times else 0), value, "ratio", qualifier, context,
                        _precision(context), 0.6)  # fmt: skip
    if kind == "multverb":
        start, _, qualifier = _extend_left(text, start, "ratio")
        value = _MULTIPLIER_VERBS[token.lower()]
        return Quantity(start, end, value, "ratio", qualifier, context, _precision(context), 0.6)
    if kind == "adecade":
        start, _, qualifier = _extend_left(text, start, "decade")
        unit = "century" if token.lower().endswith("century") else "decade"
        return Quantity(start, end, Decimal(1), unit, qualifier, context, _precision(context), 0.5)
    if kind == "ratio":
        numerator, denominator = (
            _number_value(part) for part in re.split(r"\s+(?:in|out\s+of)\s+(?:every\s+)?", token, maxsplit=1)
        )
        if not numerator or not denominator or numerator >= denominator:
            return None
        start, _, qualifier = _extend_left(text, start, "ratio")
        value = (numerator / denominator).quantize(Decimal("0.0001")).normalize()
        return Quantity(start, end, value, "ratio", qualifier, context, _precision(context), 0.7)
    if kind == "few":
        unit_match = _UNIT_AFTER.match(text, end - 1)
        unit = _UNIT_WORDS[unit_match.group("unit").lower()]
        return Quantity(start, unit_match.end(), Decimal(3), unit, "about", context, _precision(context), 0.5)
    if kind == "dozen":
        count = {"a": 1, "one": 1, "two": 2, "three": 3}.get(token.split()[0].lower(), Decimal("0.5"))
        start, unit, qualifier = _extend_left(text, start, "count")
        return Quantity(start, end, Decimal(12) * Decimal(count), "count", qualifier, context, _precision(context),
                        0.6)  # fmt: skip
    # plain numbers: digits or words
    is_digits = kind == "num"
    if is_digits and (len(token) > _MAX_FIGURE_CHARS or _is_name_number(text, start, end)):
        return None
    value = _number_value(token)
    if value is None:
        return None
    if not is_digits and value in {0, 1} and not _SCALE_AFTER.match(text, end) and not _UNIT_AFTER.match(text, end):
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
    if unit in _TIME_UNITS and _COMPARISON_AFTER.match(text, end):
        return None  # "four years earlier", "a year ago": when, not how much
    right = _RIGHT_QUALIFIER.match(text, end)
    if right:
        qualifier = _RIGHT_QUALIFIERS[right.group("q").lower()]
        end = right.end()
    as_of, precision = (date(int(value), 1, 1), "year") if unit == "year" else _as_of_after(text, end, context)
    return Quantity(start, end, value, unit, qualifier, as_of, precision, confidence)


_YEAR_AFTER = re.compile(r"\s+(?:for|in)\s+(?:fiscal\s+|the\s+year\s+)?((?:1[6-9]|20)\d\d)\b")


def _as_of_after(text: str, end: int, context: date | None) -> tuple[date | None, str]:
    """The year a figure refers to when the text says so right after it ("$50 billion for 2020")."""
    year = _YEAR_AFTER.match(text, end)
    if year:
        return date(int(year.group(1)), 1, 1), "year"
    return context, _precision(context)


def _read_ordinal(text: str, start: int, end: int, token: str, context: date | None) -> Quantity | None:
    lowered = token.lower()
    value = _ORDINALS.get(lowered) or (int(re.match(r"\d+", lowered).group()) if lowered[0].isdigit() else None)
    if value is None or _ORDINAL_NAMES.match(text, end):
        return None  # "the 20th century", "the third quarter", "the 3rd district": names, not ranks
    if lowered in {"second", "minute"} and not _ORDINAL_OWNER.search(text[max(0, start - 8) : start]):
        return None  # "41 seconds", "a second opinion"
    fact = _ORDINAL_FACT.match(text, end)
    owner = _ORDINAL_OWNER.search(text[max(0, start - 8) : start])
    if not owner and not lowered[0].isdigit():
        return None  # a word ordinal needs "the", "its", ...: "second" alone is mostly not a rank
    if owner:
        start -= len(text[max(0, start - 8) : start]) - owner.start()
    if fact:
        end = fact.end()
    return Quantity(start, end, Decimal(value), "ordinal", "exact", context, _precision(context),
                    0.6 if fact else 0.45)  # fmt: skip


def _precision(context: date | None) -> str:
    return "" if context is None else "day"


# -- candidates ------------------------------------------------------------------------

_SUBJECT = re.compile(
    r"(?:(?<=\s)|^)(?:the\s+)?((?:[A-Z][\w’'.-]*|U\.S\.|UN)(?:\s+(?:of\s+)?(?:[A-Z][\w’'.-]*|U\.S\.))*)"
)
_NOT_SUBJECTS = {
    "The", "This", "That", "That’s", "These", "Those", "It", "In", "But", "And", "Although", "Such", "Thus", "So",
    "Even", "After", "Before", "Between", "Both", "Many", "Some", "Most", "Another", "Meanwhile", "Currently",
    "Despite", "Like", "As", "When", "If", "For", "Not", "Then", "Since", "Each", "Every", "There", "They",
    "He", "She", "We", "You", "I", "Its", "Their", "Our", "Moreover", "Having", "Aside", "Once", "Same",
    "Initial", "Economic", "Political", "Nothing", "People", "Secret", "Three", "Two", "Over", "About",
}  # fmt: skip


def subject_of(sentence: str) -> str:
    """The first proper name of a sentence that is not a month or a sentence opener."""
    for match in _SUBJECT.finditer(sentence):
        words = match.group(1).split()
        first = 0
        while first < len(words) and (words[first] in _NOT_SUBJECTS or words[first].lower().rstrip(".") in _MONTHS):
            first += 1
        name = " ".join(words[first:]).rstrip(".,’'")
        if name and not re.fullmatch(r"[\d\W]+", name):
            return name.removesuffix("’s").removesuffix("'s")
    return ""


@dataclass(frozen=True)
class Extraction:
    """What ``extract`` found: the candidates, and where it stopped if it reached its limit."""

    candidates: list[Candidate]
    capped_at: int | None = None  # offset of the first figure left out, when ``limit`` was reached


def candidates(text: str, *, default_as_of: date | None = None, progress=None) -> list[Candidate]:
    """Candidate claims for every quantity in ``text``, with their sentences as statements."""
    return extract(text, default_as_of=default_as_of, progress=progress).candidates


def extract(text: str, *, default_as_of: date | None = None, limit: int | None = None, progress=None) -> Extraction:
    """The candidates of ``text``, at most ``limit`` of them: reading stops at the first figure
    past the limit, so a text of a million figures costs what its first ``limit`` do."""
    found: list[Candidate] = []
    for candidate in _iter_candidates(text, default_as_of, progress):
        if limit is not None and len(found) >= limit:
            if progress is not None:
                progress(len(text), len(text))
            return Extraction(found, capped_at=candidate.span_start)
        found.append(candidate)
    return Extraction(found)


def _iter_candidates(text: str, default_as_of: date | None, progress):
    # Sentences and figures both come in text order: walk them side by side, so neither list
    # is ever held whole. A figure belongs to the last sentence starting at or before it (the
    # first sentence for a figure before any).
    sentence_iter = iter_sentences(text)
    current, upcoming = None, next(sentence_iter, None)
    subject_of_sentence, subject = None, ""
    for quantity in iter_quantities(text, default_as_of=default_as_of, progress=progress):
        if current is None and upcoming is not None:
            current, upcoming = upcoming, next(sentence_iter, None)
        while upcoming is not None and upcoming[0] <= quantity.start:
            current, upcoming = upcoming, next(sentence_iter, None)
        s_start, s_end = current if current is not None else (quantity.start, quantity.end)
        if subject_of_sentence != s_start:
            # A sentence's subject is in its opening words: a sentence of a million words is not
            # read to its end for it. Without a name of its own it keeps the one before.
            subject_of_sentence = s_start
            subject = subject_of(text[s_start : min(s_end, s_start + STATEMENT_MAX_CHARS)]) or subject
        yield Candidate(
            span_start=quantity.start,
            span_end=quantity.end,
            quote=text[quantity.start : quantity.end],
            statement=_statement(text, s_start, s_end, quantity),
            kind="quantitative",
            subject=subject[:200],
            value=quantity.value,
            unit=quantity.unit,
            qualifier=quantity.qualifier,
            as_of=quantity.as_of,
            as_of_precision=quantity.as_of_precision if quantity.as_of else "",
            confidence=quantity.confidence,
        )


_SPACE = re.compile(r"\s")


def _statement(text: str, s_start: int, s_end: int, quantity: Quantity) -> str:
    """The sentence as the claim's statement; for a sentence too long to be one, the words
    within ``STATEMENT_WINDOW`` characters of the figure, marked "…" where cut."""
    if s_end - s_start < STATEMENT_MAX_CHARS:
        statement = _DATELINE.sub("", " ".join(text[s_start:s_end].split())).strip()
        return statement if statement[-1:] in ".!?”\"'" else statement + "."
    start = max(s_start, quantity.start - STATEMENT_WINDOW)
    end = min(s_end, quantity.end + STATEMENT_WINDOW)
    if start > s_start:  # begin at a word
        space = _SPACE.search(text, start, quantity.start)
        start = space.end() if space else start
    if end < s_end:  # end at a word
        cut = max((m.start() for m in _SPACE.finditer(text, quantity.end, end)), default=end)
        end = cut
    body = " ".join(text[start:end].split())
    room = STATEMENT_MAX_CHARS - 2
    if len(body) > room:  # a figure whose own quote is that long: keep its start
        body = body[:room]
    return ("…" if start > s_start else "") + body + ("…" if end < s_end else "")


class SentenceIndex:
    """The sentence around any span of a text, after one pass over the text: re-importing asks
    it whether the words around a reviewed quote changed."""

    def __init__(self, text: str):
        self.text = text
        self.spans = sentences(text)
        self.starts = [start for start, _ in self.spans]

    def around(self, start: int, end: int) -> str:
        """The sentence holding [start, end), white space collapsed; at most ``STATEMENT_WINDOW``
        characters either side of the span for a very long sentence."""
        index = bisect.bisect_right(self.starts, start) - 1
        s_start, s_end = self.spans[index] if index >= 0 else (start, end)
        s_start = max(min(s_start, start), start - STATEMENT_WINDOW)
        s_end = min(max(s_end, end), end + STATEMENT_WINDOW)
        return " ".join(self.text[s_start:s_end].split())
