"""Is a new claim a fact Claimbook already knows, or does it contradict one? Pure scoring.

A claim and a fact are compared on what each says, word by word, and on its structured
quantity: the same measure (unit dimension and the words around the figure) of the same
subject at the same time, with values that agree within what the figures' rounding and the
qualifiers allow ("about" is ten percent either way; "more than 20" is anything above 20).

- ``same``: values that agree (after converting units: 205 miles is 329.9 km);
- ``conflicts``: the same measure of the same subject at the same time, with values that no
  reading of the two qualifiers reconciles ($48 billion against exactly $50 billion);
- no match: another year, another subject or another measure, however alike the words.

Money is compared across currencies at rough rates only, to suggest a restatement ("5.3 trillion
yen" for "$50 billion"); such a pair never counts as a conflict, as rates move. Units are
converted with pint. The database layer (``selectors``) only finds the candidates; every
score comes from here, so PostgreSQL and SQLite rank alike.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from typing import TypeVar

from rapidfuzz import fuzz, process

# A suggestion is stored and shown from this score on; below it a fact is not worth an editor's look.
SUGGEST_FROM = 0.6
# How many suggestions one claim keeps.
MAX_SUGGESTIONS = 5

SAME, CONFLICTS = "same", "conflicts"

# Rounding: a figure stands for the interval its last written digit allows, at most this much
# either way (50 billion is not "anything from 45 to 55 billion"), at least this much (a restated
# figure is often rounded: 49.7 for 50).
MAX_ROUNDING = 0.025
MIN_ROUNDING = 0.005
ABOUT = 0.10  # "about", "some", "roughly": ten percent either way
# Rough rates to US dollars for comparing money across currencies (never stored, never a conflict)
# and how far from them a restatement may fall.
# Units of a currency per US dollar, yearly averages rounded (2010-2025; the nearest year serves
# outside): a restatement converts at about the rate of its time.
PER_USD: dict[str, dict[int, float]] = {
    "USD": {2010: 1.0},
    "EUR": dict(zip(range(2010, 2026), (0.75, 0.72, 0.78, 0.75, 0.75, 0.90, 0.90, 0.89, 0.85, 0.89, 0.88, 0.85,
                                        0.95, 0.92, 0.92, 0.89), strict=True)),
    "GBP": dict(zip(range(2010, 2026), (0.65, 0.62, 0.63, 0.64, 0.61, 0.65, 0.74, 0.78, 0.75, 0.78, 0.78, 0.73,
                                        0.81, 0.80, 0.78, 0.76), strict=True)),
    "JPY": dict(zip(range(2010, 2026), (87.8, 79.8, 79.8, 97.6, 105.9, 121.0, 108.8, 112.2, 110.4, 109.0, 106.8,
                                        109.8, 131.5, 140.5, 151.4, 150.0), strict=True)),
    "KRW": dict(zip(range(2010, 2026), (1156, 1108, 1127, 1095, 1053, 1131, 1160, 1131, 1100, 1166, 1180, 1144,
                                        1292, 1306, 1364, 1420), strict=True)),
}  # fmt: skip
USD_PER_UNIT = {code: 1 / rates[max(rates)] for code, rates in PER_USD.items()}  # the latest year's
CURRENCY_TOLERANCE = 0.10  # how far from the year's rate a restated amount may fall
# "More than 20" is rarely said of more than 30, nor "less than 700" of less than 470: a bound
# agrees with ("same") the values up to this factor past it, and contradicts ("conflicts") only
# the values on its wrong side; in between, the two are different facts.
PLAUSIBLE = 1.5
# A fact is a candidate when its value lies within this factor of the claim's (a conflict is
# rarely further off; a value ten times larger is another measure).
WINDOW = 4.0

# How many statements' words a process keeps at hand (a few megabytes): the facts compared most.
CACHED_TEXTS = 50_000

# Units whose figures are never rounded: 2019 is not "about 2020", the eighth is not the ninth.
EXACT_UNITS = frozenset({"year", "ordinal"})

# Units that say little about what is measured: agreement in them needs the words to agree too.
GENERIC_UNITS = frozenset({"count", "ordinal", "year", "percent", "ratio", "point"})


@dataclass(frozen=True)
class Checkable:
    """What matching knows of a claim or a fact."""

    statement: str
    subject: str = ""
    kind: str = "quantitative"
    value: Decimal | None = None
    unit: str = ""
    qualifier: str = ""
    as_of: date | None = None
    as_of_precision: str = ""

    @property
    def quantitative(self) -> bool:
        return self.kind == "quantitative" and self.value is not None and bool(self.unit)


@dataclass(frozen=True)
class Match:
    """One known fact ranked for a claim."""

    relation: str  # SAME or CONFLICTS
    score: float  # 0 to 1
    reasons: tuple[str, ...]

    @property
    def why(self) -> str:
        return "; ".join(self.reasons)


# -- units --------------------------------------------------------------------------------

# Claimbook's unit codes as pint names; codes pint does not measure (count, ordinal, a calendar
# year, percentage points) are compared only with themselves.
PINT_NAMES = {
    "km": "kilometer", "meter": "meter", "mile": "mile", "mm": "millimeter", "kg": "kilogram",
    "tonne": "metric_ton", "barrel": "oil_barrel", "second": "second", "minute": "minute", "hour": "hour",
    "day": "day", "week": "week", "month": "month", "years": "year", "decade": "10 year", "century": "100 year",
    "percent": "percent", "ratio": "dimensionless",
}  # fmt: skip


@cache
def _scales() -> dict[str, tuple[str, float]]:
    """unit code -> (dimension, factor to the dimension's base unit), read from pint once."""
    import pint

    registry: pint.UnitRegistry[float] = pint.UnitRegistry()
    scales: dict[str, tuple[str, float]] = {}
    for code, name in PINT_NAMES.items():
        quantity = registry.Quantity(name).to_base_units()  # "10 year": pint's "decade" is a ratio
        scales[code] = (str(quantity.dimensionality), float(quantity.magnitude))
    for code, rate in USD_PER_UNIT.items():
        scales[code] = ("money", rate)
    return scales


def scale(unit: str) -> tuple[str, float]:
    """``unit``'s dimension and its factor to that dimension's base unit; a unit pint does not
    measure is its own dimension."""
    return _scales().get(unit, (unit, 1.0))


def comparable_units(unit: str) -> list[str]:
    """The unit codes a value in ``unit`` can be compared with (itself included)."""
    dimension = scale(unit)[0]
    return sorted({code for code, (dim, _) in _scales().items() if dim == dimension} | {unit})


def usd_per_unit(currency: str, year: int | None) -> float:
    """US dollars for one unit of ``currency`` at the average rate of ``year`` (the nearest year
    known; the latest when None)."""
    rates = PER_USD[currency]
    nearest = max(rates) if year is None else min(rates, key=lambda known: (abs(known - year), -known))
    return 1 / rates[nearest]


def _approximate(unit_a: str, unit_b: str) -> bool:
    """Whether comparing these units goes through a rough rate (money in two currencies)."""
    return unit_a != unit_b and unit_a in USD_PER_UNIT and unit_b in USD_PER_UNIT


# -- quantities ---------------------------------------------------------------------------


def rounding(value: Decimal) -> float:
    """How far either way, relatively, a figure written as ``value`` may stand for: half its last
    significant digit, within [MIN_ROUNDING, MAX_ROUNDING]."""
    if value == 0:
        return 0.0
    exponent = value.normalize().as_tuple().exponent
    half_digit = 0.5 * 10.0 ** int(exponent)
    return min(MAX_ROUNDING, max(MIN_ROUNDING, half_digit / abs(float(value))))


def bounds(
    value: Decimal, qualifier: str, unit: str, *, strict: bool = True, factor: float | None = None
) -> tuple[float, float]:
    """The values, in the dimension's base unit (or times ``factor``), that ``value`` with
    ``qualifier`` allows: all of them (``strict``), or those a reader takes it to mean (a bound
    reaches PLAUSIBLE times past)."""
    factor = scale(unit)[1] if factor is None else factor
    center = float(value) * factor
    if unit in EXACT_UNITS:  # "about 2016" is a year either way at most
        slack = 1 / abs(float(value)) if qualifier == "about" and value else 0.0
    else:
        slack = max(rounding(value), ABOUT) if qualifier == "about" else rounding(value)
    low, high = sorted((center * (1 - slack), center * (1 + slack)))
    if qualifier in ("more_than", "at_least"):
        high = math.inf if strict or center <= 0 else center * PLAUSIBLE
    elif qualifier in ("less_than", "at_most"):
        low = (-math.inf if center < 0 else 0.0) if strict or center <= 0 else center / PLAUSIBLE
    return low, high


def value_windows(item: Checkable) -> list[tuple[str, Decimal, Decimal]]:
    """(unit, low, high): where a known fact's value must lie to be compared with ``item``, per
    comparable unit, for the database to find candidates by its (unit, value) index."""
    if not item.quantitative:
        return []
    assert item.value is not None
    low, high = bounds(item.value, item.qualifier, item.unit)
    center = float(item.value) * scale(item.unit)[1]
    low = low / WINDOW if low > 0 else (center * WINDOW if center < 0 else 0.0)
    high = high * WINDOW if math.isfinite(high) else abs(center) * WINDOW * WINDOW
    if low < 0 and center >= 0:
        low = 0.0
    windows = []
    for code in comparable_units(item.unit):
        factor = scale(code)[1]
        spread = CURRENCY_TOLERANCE + 1 if _approximate(item.unit, code) else 1.0
        windows.append((code, _decimal(low / factor / spread), _decimal(high / factor * spread)))
    return windows


def _decimal(number: float) -> Decimal:
    return Decimal(f"{number:.6f}") if abs(number) < 1e17 else Decimal("1e18")


@dataclass(frozen=True)
class Agreement:
    comparable: bool
    consistent: bool = False
    closeness: float = 0.0  # 1 when the figures are equal, falling with their distance
    approximate: bool = False  # compared through a rough currency rate
    reason: str = ""
    contradicts: bool = False  # no reading of the two qualifiers reconciles the values


def compare_quantities(new: Checkable, known: Checkable) -> Agreement:
    """Whether two quantities measure in the same dimension and whether their values agree."""
    assert new.value is not None
    assert known.value is not None
    dimension_new, dimension_known = scale(new.unit)[0], scale(known.unit)[0]
    if dimension_new != dimension_known:
        return Agreement(False, reason=f"{new.unit} and {known.unit} measure different things")
    approximate = _approximate(new.unit, known.unit)
    widen = CURRENCY_TOLERANCE if approximate else 0.0
    factor_new, factor_known = scale(new.unit)[1], scale(known.unit)[1]
    if approximate:
        dated = new.as_of or known.as_of
        year = dated.year if dated else None
        factor_new, factor_known = usd_per_unit(new.unit, year), usd_per_unit(known.unit, year)

    def overlap(strict: bool) -> bool:
        low_a, high_a = bounds(new.value, new.qualifier, new.unit, strict=strict, factor=factor_new)  # type: ignore[arg-type]  # checked above
        low_b, high_b = bounds(known.value, known.qualifier, known.unit, strict=strict, factor=factor_known)  # type: ignore[arg-type]
        return low_a * (1 - widen) <= high_b and low_b <= high_a * (1 + widen)

    consistent = overlap(strict=False)
    contradicts = not consistent and not overlap(strict=True)
    a, b = float(new.value) * factor_new, float(known.value) * factor_known
    if a == b:
        closeness = 1.0
    elif a == 0 or b == 0 or (a < 0) != (b < 0):
        closeness = 0.0
    else:
        closeness = math.exp(-abs(math.log(abs(a) / abs(b))) / 0.1)
    if consistent and (_is_bound(new.qualifier) or _is_bound(known.qualifier)) and a != b:
        closeness = max(closeness, 0.5)  # a bound ("more than 20") agrees with the values just past it
    shown = f"{_plain(new.value)} {new.unit}"
    known_shown = f"{_plain(known.value)} {known.unit}"
    if consistent:
        how = " at a rough exchange rate" if approximate else ""
        reason = f"{shown} agrees with {known_shown}{how}"
    elif contradicts:
        reason = f"{shown} is outside what {known_shown} ({known.qualifier or 'exact'}) allows"
    else:
        reason = f"{shown} and {known_shown} are different bounds"
    return Agreement(True, consistent, closeness, approximate, reason, contradicts)


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


# -- time ---------------------------------------------------------------------------------


def compare_times(new: Checkable, known: Checkable) -> str:
    """``same``, ``different`` or ``unknown``: whether both refer to the same time.

    Two years given as years (``precision`` year: "for fiscal 2020") must be equal; a date given to
    the day or month is often the report's own date, so it only rules a fact out more than a year away.
    """
    if new.as_of is None or known.as_of is None:
        return "unknown"
    if new.as_of_precision == "decade" or known.as_of_precision == "decade":
        return "same" if new.as_of.year // 10 == known.as_of.year // 10 else "different"
    on_days = new.as_of_precision == known.as_of_precision == "day"
    if on_days and new.as_of != known.as_of and names_a_day(new.statement) and names_a_day(known.statement):
        return "different"  # "surrendered on August 15" is not "signed on September 2"
    years = abs(new.as_of.year - known.as_of.year)
    if years == 0:
        return "same"
    if new.as_of_precision == "year" and known.as_of_precision == "year":
        return "different"
    return "different" if years > 1 else "unknown"


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DAY = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?=\s|,|$)"
)


@lru_cache(maxsize=CACHED_TEXTS)
def names_a_day(statement: str) -> bool:
    """Whether ``statement`` names a day ("on August 15, 1945", "15 Aug"): its date is the event's,
    not a report's."""
    return _DAY.search(_fold(statement)) is not None


# -- words --------------------------------------------------------------------------------

# Names news uses for the same subject: capitals for governments, demonyms, abbreviations.
ENTITY_ALIASES = {
    "tokyo": "japan", "japanese": "japan", "pyongyang": "north korea", "north korean": "north korea",
    "north koreans": "north korea", "dprk": "north korea", "n korea": "north korea", "seoul": "south korea",
    "south korean": "south korea", "south koreans": "south korea", "rok": "south korea", "s korea": "south korea",
    "republic of korea": "south korea", "washington": "united states", "us": "united states",
    "u s": "united states", "usa": "united states", "america": "united states", "american": "united states",
    "americans": "united states", "beijing": "china", "chinese": "china", "prc": "china", "moscow": "russia",
    "russian": "russia", "kremlin": "russia", "un": "united nations", "u n": "united nations",
    "uk": "united kingdom", "britain": "united kingdom", "british": "united kingdom", "london": "united kingdom",
    "eu": "european union", "brussels": "european union", "paris": "france", "french": "france",
    "berlin": "germany", "german": "germany", "new delhi": "india", "indian": "india", "taipei": "taiwan",
    "taiwanese": "taiwan", "tehran": "iran", "iranian": "iran", "kim jong un": "kim jong un",
}  # fmt: skip
ENTITIES = frozenset(ENTITY_ALIASES.values())

# Words news uses for the same measure or act.
SYNONYMS = {
    "defence": "defense", "military": "defense", "spending": "budget", "spend": "budget", "outlay": "budget",
    "outlays": "budget", "expenditure": "budget", "rocket": "missile", "projectile": "missile",
    "fired": "launch", "fire": "launch", "launched": "launch", "tested": "launch", "test": "launch",
    "firing": "launch", "launches": "launch", "tests": "launch", "calibre": "caliber", "diameter": "caliber",
    "flew": "range", "travelled": "range", "traveled": "range", "distance": "range", "landed": "range",
    "fuel": "petroleum", "oil": "petroleum", "imports": "import", "imported": "import", "importing": "import",
    "exports": "export", "exported": "export", "inspectors": "monitor", "inspector": "monitor",
    "monitors": "monitor", "approved": "approve", "approves": "approve", "record": "record",
    "bases": "base", "sites": "base", "site": "base", "annual": "year", "annually": "year", "yearly": "year",
    "pause": "halt", "paused": "halt", "hiatus": "halt", "moratorium": "halt", "break": "halt", "halted": "halt",
    "capitulation": "surrender", "capitulated": "surrender", "surrendered": "surrender", "shown": "seen",
    "displayed": "seen", "unveiled": "seen", "appeared": "seen", "ruled": "occupied", "rule": "occupied",
    "occupation": "occupied", "colonial": "occupied", "occupy": "occupied",
}  # fmt: skip

STOPWORDS = frozenset(
    (  # noqa: SIM905
        "a an the of in on at to for from by with and or but as is are was were be been being has have had do "
        "does did its it this that these those their there than then so such which who whom whose what when "
        "where while about around nearly almost some more less fewer over under up down out into onto also "
        "just only about per will would could should may might must can say says said according reported "
        "report reports new its one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
        "ninety hundred thousand million billion trillion dozen half third quarter percent per cent times "
        "second third fourth fifth sixth seventh eighth ninth tenth mln bln bn tn dlrs dollars dollar yen won "
        "euros euro pounds km kilometres kilometers kilometre kilometer miles mile mm millimetres millimeters "
        "metres meters tonnes tons year years month months day days week weeks decade decades january "
        "february march april may june july august september october november december jan feb mar apr jun "
        "jul aug sep sept oct nov dec fiscal fy least most than"
    ).split()
)

_WORD = re.compile(r"[a-z][a-z0-9_]*(?:-[a-z0-9]+)*")


@lru_cache(maxsize=CACHED_TEXTS)
def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return re.sub(r"[.'’]", "", text)  # "U.S." -> "us", "Japan's" -> "japans" is handled below


def _stem(word: str) -> str:
    word = SYNONYMS.get(word, word)
    if word.endswith("s") and word[:-1] in SYNONYMS:
        return SYNONYMS[word[:-1]]
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("s", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2 and not word.endswith("ss"):
            word = word[: -len(suffix)] + keep
            break
    return SYNONYMS.get(word, word)


@cache
def _entity_pattern() -> re.Pattern[str]:
    names = sorted(set(ENTITY_ALIASES) | ENTITIES, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(name) for name in names) + r")s?\b")


def _entities_folded(text: str) -> str:
    """``text`` folded, each name of a subject replaced by its canonical name, joined by '_'."""
    folded = _fold(text).replace("-", " - ")
    folded = re.sub(r"\s+-\s+", "-", folded)
    return _entity_pattern().sub(lambda m: ENTITY_ALIASES.get(m.group(1), m.group(1)).replace(" ", "_"), folded)


@lru_cache(maxsize=CACHED_TEXTS)
def words(text: str) -> frozenset[str]:
    """The content words of ``text``: folded, stemmed, synonyms merged, each subject one word
    under its canonical name ("Tokyo" is "japan"); no figures, stop words, number words or units."""
    return frozenset(
        word if "_" in word else _stem(word) for word in _WORD.findall(_entities_folded(text)) if word not in STOPWORDS
    )


@lru_cache(maxsize=CACHED_TEXTS)
def parties(text: str) -> frozenset[str]:
    """The countries and bodies ``text`` names, by canonical name."""
    return words(text) & _ENTITY_WORDS


_ENTITY_WORDS = frozenset(name.replace(" ", "_") for name in ENTITIES)


@lru_cache(maxsize=CACHED_TEXTS)
def subject_key(subject: str) -> str:
    """A subject as one canonical name: "Tokyo" and "Japanese" are "japan"."""
    folded = " ".join(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", _fold(subject)))
    folded = re.sub(r"^the ", "", folded)
    return ENTITY_ALIASES.get(folded, folded)


def _fuzzy_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """How many words of ``a`` have a counterpart in ``b`` (equal, or close for long words)."""
    found = 0.0
    for word in a:
        if word in b:
            found += 1
        elif len(word) >= 5 and _has_near(word, b):
            found += 0.8
    return found


@lru_cache(maxsize=CACHED_TEXTS * 4)
def _has_near(word: str, others: frozenset[str]) -> bool:
    """Whether ``others`` holds a long word spelled nearly like ``word`` ("defence", "defense")."""
    return process.extractOne(word, [o for o in others if len(o) >= 5], scorer=fuzz.ratio, score_cutoff=85) is not None


def word_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice similarity of two word sets, a near spelling counting most of a word."""
    if not a or not b:
        return 0.0
    return min(1.0, (_fuzzy_overlap(a, b) + _fuzzy_overlap(b, a)) / (len(a) + len(b)))


def coverage(query: frozenset[str], text: frozenset[str]) -> float:
    """How much of ``query`` ``text`` holds: a search's words against a fact's."""
    if not query:
        return 0.0
    return min(1.0, _fuzzy_overlap(query, text) / len(query))


def compare_subjects(new: Checkable, known: Checkable) -> float | None:
    """1 for the same subject, partial for a part or a mention, 0 for two different known
    subjects, None when either has none."""
    a, b = subject_key(new.subject), subject_key(known.subject)
    if not a or not b:
        return None
    if a == b:
        return 1.0
    if a in ENTITIES and b in ENTITIES:
        return 0.0  # Japan is not China
    if fuzz.token_set_ratio(a, b) >= 90:
        return 0.8  # "North Korean military" and "North Korea"
    new_words, known_words = words(new.statement), words(known.statement)
    if words(new.subject) <= known_words or words(known.subject) <= new_words:
        return 0.7  # the one's subject is named in the other's statement
    return 0.2


# -- the score ----------------------------------------------------------------------------


def compare(new: Checkable, known: Checkable) -> Match | None:
    """How likely ``known`` is the fact ``new`` states (``same``) or contradicts (``conflicts``);
    None when it is neither: another time, subject or measure."""
    reasons: list[str] = []
    subject = compare_subjects(new, known)
    if subject == 0.0:
        return None
    time = compare_times(new, known)
    if time == "different":
        return None
    subject_score = 0.6 if subject is None else subject
    agreement = None
    if new.quantitative and known.quantitative:
        agreement = compare_quantities(new, known)
        if not agreement.comparable or not (agreement.consistent or _may_conflict(agreement, time, subject_score)):
            return None
    # The measure: the words of each statement apart from its subject's.
    measure_new = words(new.statement) - words(new.subject) - words(known.subject)
    measure_known = words(known.statement) - words(known.subject) - words(new.subject)
    measure = word_similarity(measure_new, measure_known)
    overall = word_similarity(words(new.statement), words(known.statement))
    similarity = max(measure, 0.5 * (measure + overall))
    named_new = parties(new.statement) | {subject_key(new.subject).replace(" ", "_")}
    named_known = parties(known.statement) | {subject_key(known.subject).replace(" ", "_")}
    if named_new - named_known and named_known - named_new:
        # Each names a party the other does not: "South Korea's largest trading partner" is not North Korea's.
        similarity *= 0.5
    time_score = 1.0 if time == "same" else 0.5
    if subject is not None and subject >= 0.7:
        reasons.append("same subject" if subject == 1 else f"related subject ({known.subject})")
    if time == "same":
        reasons.append("same time")
    reasons.append(f"words {similarity:.0%} alike")
    if agreement is not None:
        reasons.insert(0, agreement.reason)
        generic = new.unit in GENERIC_UNITS or known.unit in GENERIC_UNITS
        if agreement.consistent:
            if generic:  # "18" of something is not "18" of anything: the words must say what is counted
                score = 0.2 + 0.12 * agreement.closeness + 0.5 * similarity + 0.12 * subject_score + 0.06 * time_score
            else:
                score = 0.28 + 0.22 * agreement.closeness + 0.32 * similarity + 0.12 * subject_score + 0.06 * time_score
            if _is_bound(new.qualifier) != _is_bound(known.qualifier):
                score *= 0.8  # "about 600 km" fits "less than 700 km" without stating it
            return Match(SAME, _unit_interval(score), tuple(reasons))
        # The same measure: words alike, or fewer of them when subject, time and a telling unit agree.
        needed = 0.2 if subject_score == 1 and not generic else 0.35
        if similarity < needed:
            return None
        score = 0.3 + 0.45 * similarity + 0.15 * subject_score + 0.1 * time_score
        return Match(CONFLICTS, _unit_interval(score), tuple(reasons))
    if new.quantitative != known.quantitative:
        # A figure against a statement without one: only the words can tell, and they must agree closely.
        score = 0.05 + 0.6 * similarity + 0.1 * subject_score + 0.05 * time_score
        return Match(SAME, _unit_interval(score), tuple(reasons))
    score = 0.12 + 0.68 * similarity + 0.14 * subject_score + 0.06 * time_score
    if negated(new.statement) != negated(known.statement) and similarity >= 0.45:
        reasons.insert(0, "one statement denies what the other says")
        return Match(CONFLICTS, _unit_interval(score), tuple(reasons))
    return Match(SAME, _unit_interval(score), tuple(reasons))


NEGATIONS = frozenset(
    (  # noqa: SIM905
        "not no never none nor neither without deny denies denied isnt arent wasnt werent hasnt havent hadnt "
        "doesnt dont didnt wont cant cannot couldnt shouldnt wouldnt stop stops stopped halt halts halted "
        "refrain refrains refrained cease ceases ceased suspend suspended"
    ).split()
)


@lru_cache(maxsize=CACHED_TEXTS)
def negated(statement: str) -> bool:
    """Whether ``statement`` denies (an odd number of negations): "Japan has not halted shipments"."""
    return sum(word in NEGATIONS for word in re.findall(r"[a-z]+", _fold(statement))) % 2 == 1


def _may_conflict(agreement: Agreement, time: str, subject_score: float) -> bool:
    """Whether two figures that disagree can be a conflict: no reading reconciles them, neither
    went through a rough rate, the time and subject are the same, and they are within WINDOW of
    each other (600 mm against 330 km are lengths, but not of the same thing)."""
    return (
        agreement.contradicts
        and not agreement.approximate
        and time == "same"
        and subject_score >= 0.7
        and agreement.closeness >= math.exp(-math.log(WINDOW) / 0.1)
    )


BOUNDS = frozenset({"more_than", "at_least", "less_than", "at_most"})


def _is_bound(qualifier: str) -> bool:
    return qualifier in BOUNDS


def _unit_interval(score: float) -> float:
    return round(min(1.0, max(0.0, score)), 4)


Key = TypeVar("Key")


def rank(
    new: Checkable, known: Iterable[tuple[Key, Checkable]], *, limit: int = MAX_SUGGESTIONS, floor: float = SUGGEST_FROM
) -> list[tuple[Key, Match]]:
    """The known facts worth suggesting for ``new``, best first (ties by key), at most ``limit``."""
    scored = []
    for key, fact in known:
        match = compare(new, fact)
        if match is not None and match.score >= floor:
            scored.append((key, match))
    scored.sort(key=lambda pair: (-pair[1].score, pair[0]))
    return scored[:limit]


# -- search: "has this been checked?" ------------------------------------------------------


def search_score(query: Checkable, fact: Checkable) -> float | None:
    """How well ``fact`` answers a search (``query``: its text, and the figure and date read from
    it): the share of the search's words the fact holds, weighed with its figure where the search
    gives one (a fact with the searched value first, one contradicting it still found) and its date
    where the search names one. None when the fact holds none of the search's words."""
    held = coverage(words(query.statement), words(fact.statement))
    if held == 0:
        return None
    score = held
    if query.quantitative and fact.quantitative:
        agreement = compare_quantities(query, fact)
        if not agreement.comparable:
            quantity = 0.2
        elif agreement.consistent:
            quantity = 0.6 + 0.4 * agreement.closeness
        else:
            quantity = 0.4
        score = 0.7 * held + 0.3 * quantity
    elif query.quantitative:
        score = 0.7 * held + 0.3 * 0.3  # the search names a figure the fact has none of
    time = compare_times(query, fact) if query.as_of is not None else "unknown"
    if time == "different":
        score *= 0.6
    elif query.as_of is not None and time == "unknown":
        score *= 0.9
    return _unit_interval(score)
