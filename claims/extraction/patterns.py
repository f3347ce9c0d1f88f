"""The regular expressions that find a figure and read the words around it, built from
the word tables of ``vocabulary``.

``CORE`` finds every figure in one pass; each alternative is a named group, the kind of the
match, and ``figures.READERS`` has a reader for each. The other patterns are anchored looks
left or right of a figure, each over a bounded window: none backtracks over a run of
characters more than a bounded number of times.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .vocabulary import (
    CURRENCY_CODES,
    CURRENCY_SYMBOLS,
    CURRENCY_WORDS,
    FRACTIONS,
    LEFT_QUALIFIERS,
    MONTHS,
    MULTIPLIER_VERBS,
    NUMBER_WORDS,
    ORDINALS,
    RIGHT_QUALIFIERS,
    SCALES,
    TENS_WORDS,
    UNIT_WORDS,
)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


NUMBER_WORD = (
    rf"(?:(?:{_alternation(TENS_WORDS)})(?:[-\s](?:{_alternation(k for k in NUMBER_WORDS if NUMBER_WORDS[k] < 10)}))?"
    rf"|{_alternation(NUMBER_WORDS)})"
)
MONTH = (
    rf"(?:{_alternation(k.capitalize() for k in MONTHS if len(k) > 4 or k in {'may', 'june', 'july'})}"
    rf"|(?:{_alternation(k.capitalize() for k in MONTHS if len(k) <= 4 and k not in {'may', 'june', 'july'})})\.?)"
)
# Thousands grouped by commas or spaces ("3,400", "816 000"); a space group must stand free,
# so "KN-25 600mm" stays two numbers. At most 20 groups: the regex engine keeps a backtracking
# entry per repetition, and a million groups in a row cost 300 MB; 20 groups are already far
# past any figure (figures.MAX_FIGURE_CHARS).
DIGITS = (
    r"\d{1,3}(?:,\d{3}){1,20}(?:\.\d+)?|\d{1,3}(?:[\u2009\u202f\u00a0 ]\d{3}){1,20}(?![\d,.]\d)(?![A-Za-z])"
    r"|\d+(?:\.\d+)?"
)

CORE = re.compile(
    rf"""
    (?P<date>(?:{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:1[6-9]|20)\d\d
             |\d{{1,2}}\s+{MONTH}\s+(?:1[6-9]|20)\d\d
             |{MONTH}\s+(?:1[6-9]|20)\d\d)\b)
    |(?P<time>\b\d{{1,2}}:\d\d:\d\d\b)
    |(?P<decade>\b(?:the\s+)?(?:1[6-9]|20)\d0s\b)
    |(?P<fiscal>\b(?:1[6-9]|20)\d\d[–-]\d\d\b)
    |(?P<ratio>\b(?i:{NUMBER_WORD}|\d{{1,3}})\s+(?:in|out\s+of)\s+(?:every\s+)?(?i:{NUMBER_WORD}|\d{{1,3}})\b
              (?!\s*(?:%|percent|[\d,.])))
    |(?P<adecade>\b[Aa]\s+(?:decade|century)\b(?!\s+(?:ago|earlier|later|before)\b))
    |(?P<period>\b(?:(?:the|this)\s+(?:last|past|coming|next|previous)\s+(?:decade|century)
                |(?:for|over)\s+(?:decades|centuries))\b)
    |(?P<yearend>\b(?:by|until|before)\s+the\s+end\s+of\s+(?:the|this)\s+year\b)
    |(?P<monthonly>\b(?:(?:[Ee]arly|[Mm]id|[Ll]ate|[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil)[\s-]+){MONTH}\b(?!\s*\d))
    |(?P<ordinal>\b(?i:{_alternation(ORDINALS)})\b|\b\d+(?:st|nd|rd|th)\b)
    |(?P<fraction>\b(?i:{_alternation(FRACTIONS)})\b(?!-))
    |(?P<multverb>\b(?i:{_alternation(MULTIPLIER_VERBS)})\b)
    |(?P<few>\b(?i:a\s+few|several|a\s+couple\s+of)\s+(?=(?:seconds|minutes|hours|days|weeks|months|years|decades)\b))
    |(?P<dozen>\b(?i:a|one|two|three|half\s+a)\s+dozen\b)
    |(?P<num>(?<![\w.])(?:{DIGITS}))
    |(?P<word>\b(?i:{NUMBER_WORD})\b)
    """,
    re.VERBOSE,
)

# -- right of a figure -------------------------------------------------------------------

SCALE_AFTER = re.compile(rf"(?:\s?|-)(?P<scale>{_alternation(SCALES)})\b", re.IGNORECASE)
UNIT_AFTER = re.compile(
    rf"(?:\s?|-)(?P<unit>{_alternation(w for w in UNIT_WORDS if w != '%')})(?![\w'’])|(?P<pct>%)",
    re.IGNORECASE,
)
CURRENCY_AFTER = re.compile(rf"\s(?P<cur>{_alternation(CURRENCY_WORDS)})\b", re.IGNORECASE)
TIMES_AFTER = re.compile(r"\s+times\b(?:\s+(?:more|larger|higher|greater|bigger|as\s+(?:much|many|large)))?")
COMPARATIVE_AFTER = re.compile(r"\s+(?:larger|bigger|more|smaller|less|higher|lower)\b")  # "a quarter larger"
RIGHT_QUALIFIER = re.compile(rf"\s+(?P<q>{_alternation(RIGHT_QUALIFIERS)})\b")
RANGE_UNIT = re.compile(rf"\s+(?:and|to|-|–)\s+(?:{DIGITS})(?P<rest>\s?(?:%|[a-zA-Z ]{{1,40}}))")
ORDINAL_FACT = re.compile(
    r"\s+(?:(?:straight|consecutive|successive)\s+\w+|(?:\w+\s+){0,2}?(?:in\s+a\s+row|running)\b|time\b)"
)
COMPARISON_AFTER = re.compile(r"\s+(?:earlier|later|before|previously)\b")
ORDINAL_NAMES = re.compile(
    r"[\s-]+(?:centur|millenni|quarter|half\b|district|ward|floor|street|avenue|amendment|round|division|fleet|"
    r"army|corps|battalion|brigade|regiment|grade|class|generation)",
    re.IGNORECASE,
)
YEAR_AFTER = re.compile(r"\s+(?:for|in)\s+(?:fiscal\s+|the\s+year\s+)?((?:1[6-9]|20)\d\d)\b")

# -- left of a figure (searched in a short window that ends at the figure) ---------------

CURRENCY_BEFORE = re.compile(rf"(?P<cur>{_alternation(CURRENCY_SYMBOLS)})\s?$")
CURRENCY_CODE_BEFORE = re.compile(rf"\b(?P<cur>{_alternation(CURRENCY_CODES)})\s?$")
LEFT_QUALIFIER = re.compile(rf"(?:^|\b)(?P<q>(?i:{_alternation(LEFT_QUALIFIERS)}))\s+$")
RANGE_TOP_BEFORE = re.compile(rf"\b[Bb]etween\s+\S*(?:{DIGITS})\S*(?:\s+\w+)?\s+and\s+\S?$")
SINCE_BEFORE = re.compile(r"\b(?P<q>[Ss]ince|[Ee]arly|[Ll]ate|[Mm]id-)\s*$")
ORDINAL_OWNER = re.compile(r"\b(?:the|its|his|her|their|a)\s+$", re.IGNORECASE)
PREVIOUS_WORD = re.compile(r"([A-Za-z]+)\s$")

# -- lines -------------------------------------------------------------------------------

# A dated paragraph ("September 9, 2019: ..."): its date is the as-of of the figures in it.
DATELINE = re.compile(rf"^(?P<date>{MONTH}\s+\d{{1,2}},\s+(?:19|20)\d\d):", re.MULTILINE)
# List numbering ("1. "): not a figure.
LIST_MARKER = re.compile(r"^[ \t]*\d+\.\s", re.MULTILINE)
