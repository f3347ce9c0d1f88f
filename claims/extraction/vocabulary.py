"""The words the extractor knows: number words, scales, months, currencies, unit words,
qualifiers, and the words that tell a name or a sentence opener from a figure or a subject.

A unit word maps to a code of Claimbook's one vocabulary (claims/units.py); importing this
module fails when a table here names a unit that vocabulary does not have.
"""

from __future__ import annotations

from decimal import Decimal

from .. import units

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS_WORDS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
ORDINALS = {
    "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15,
    "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
}  # fmt: skip
FRACTIONS = {
    "a third": Decimal("0.3333"), "one third": Decimal("0.3333"), "two thirds": Decimal("0.6667"),
    "a quarter": Decimal("0.25"), "one quarter": Decimal("0.25"), "three quarters": Decimal("0.75"),
    "half": Decimal("0.5"), "a half": Decimal("0.5"), "one half": Decimal("0.5"),
}  # fmt: skip
MULTIPLIER_VERBS = {
    "halved": Decimal("0.5"), "twice": Decimal(2), "thrice": Decimal(3),
    "doubled": Decimal(2), "tripled": Decimal(3), "trebled": Decimal(3),
    "quadrupled": Decimal(4), "double": Decimal(2), "triple": Decimal(3),
}  # fmt: skip
SCALES = {
    "hundred": 10**2, "thousand": 10**3, "k": 10**3, "million": 10**6, "mn": 10**6, "m": 10**6, "billion": 10**9,
    "bn": 10**9, "b": 10**9, "trillion": 10**12, "tn": 10**12,
}  # fmt: skip
MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
    "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
CURRENCY_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW"}
CURRENCY_WORDS = {
    "dollars": "USD", "dollar": "USD", "usd": "USD", "euros": "EUR", "euro": "EUR", "eur": "EUR",
    "pounds": "GBP", "pound": "GBP", "sterling": "GBP", "gbp": "GBP", "yen": "JPY", "jpy": "JPY",
    "won": "KRW", "krw": "KRW",
}  # fmt: skip
# Codes written before a figure ("USD 40 million").
CURRENCY_CODES = {"USD", "EUR", "GBP", "JPY", "KRW"}
# Unit words after a number, longest first so "kilometres" wins over "km".
UNIT_WORDS = {
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
TIME_UNITS = {"second", "minute", "hour", "day", "week", "month", "years", "decade", "century"}
# Units the extractor writes without a table ("ratio" for "twice", "year" for 2019, ...).
LITERAL_UNITS = {"ratio", "count", "year", "decade", "century", "second", "ordinal"}
# Every unit the extractor can produce; each is a code of Claimbook's one vocabulary.
UNITS_PRODUCED = frozenset(
    {*UNIT_WORDS.values(), *CURRENCY_WORDS.values(), *CURRENCY_SYMBOLS.values(), *LITERAL_UNITS, *TIME_UNITS}
)
_UNKNOWN = UNITS_PRODUCED - units.CODES
if _UNKNOWN:  # a table above names a unit the vocabulary (claims/units.py) does not have
    raise ImportError(f"the extractor produces units Claimbook does not know: {', '.join(sorted(_UNKNOWN))}")

LEFT_QUALIFIERS = {
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
RIGHT_QUALIFIERS = {"or so": "about", "or more": "at_least", "or less": "at_most", "or fewer": "at_most"}

# Words a capitalised number can follow as part of a name ("Formula 1", "Boeing 747").
NOT_NAMES = {
    "in", "since", "by", "on", "at", "of", "for", "from", "to", "the", "a", "an", "and", "or", "until", "before",
    "after", "between", "about", "over", "under", "nearly", "almost", "some", "around", "up", "during",
    "than", "least", "fiscal", "early", "late", "mid", "only", "just", "all", "its", "their", "his", "her",
    "both", "each", "every", "year", "that", "this", "these", "those", "with", "while", "more", "less",
}  # fmt: skip

# Words before a full stop that does not end a sentence ("Dr.", "U.S.", "Jan.").
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep", "jr", "sr",
    "inc", "ltd", "co", "corp", "vs", "etc", "e.g", "i.e", "no", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "a.m", "p.m", "approx", "est",
}  # fmt: skip

# Capitalised words that open a sentence or a phrase rather than name its subject.
NOT_SUBJECTS = {
    "The", "This", "That", "That’s", "These", "Those", "It", "In", "But", "And", "Although", "Such", "Thus", "So",
    "Even", "After", "Before", "Between", "Both", "Many", "Some", "Most", "Another", "Meanwhile", "Currently",
    "Despite", "Like", "As", "When", "If", "For", "Not", "Then", "Since", "Each", "Every", "There", "They",
    "He", "She", "We", "You", "I", "Its", "Their", "Our", "Moreover", "Having", "Aside", "Once", "Same",
    "Initial", "Economic", "Political", "Nothing", "People", "Secret", "Three", "Two", "Over", "About",
}  # fmt: skip
