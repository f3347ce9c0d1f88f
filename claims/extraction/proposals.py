"""Candidate claims: each figure of a text with its sentence as the statement and the
sentence's subject, shaped like the Claim model's fields; ``extract`` stops at a cap.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ..numbers import plain_decimal
from .figures import Progress, Quantity, iter_quantities
from .patterns import DATELINE
from .splitting import iter_sentences, sentences
from .vocabulary import MONTHS, NOT_SUBJECTS

EXTRACTOR_VERSION = "1.1.0"
# The longest statement the extractor writes; the model holds 2,000 (models.STATEMENT_MAX_CHARS).
STATEMENT_MAX_CHARS = 2_000
# Characters kept either side of the figure when its sentence is too long to be the statement.
STATEMENT_WINDOW = 300


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

    def as_dict(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["value"] = plain_decimal(self.value)
        data["as_of"] = None if self.as_of is None else self.as_of.isoformat()
        return data


_SUBJECT = re.compile(
    r"(?:(?<=\s)|^)(?:the\s+)?((?:[A-Z][\w’'.-]*|U\.S\.|UN)(?:\s+(?:of\s+)?(?:[A-Z][\w’'.-]*|U\.S\.))*)"
)


def subject_of(sentence: str) -> str:
    """The first proper name of a sentence that is not a month or a sentence opener."""
    for match in _SUBJECT.finditer(sentence):
        words = match.group(1).split()
        first = 0
        while first < len(words) and (words[first] in NOT_SUBJECTS or words[first].lower().rstrip(".") in MONTHS):
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


def candidates(text: str, *, default_as_of: date | None = None, progress: Progress | None = None) -> list[Candidate]:
    """Candidate claims for every quantity in ``text``, with their sentences as statements."""
    return extract(text, default_as_of=default_as_of, progress=progress).candidates


def extract(
    text: str,
    *,
    default_as_of: date | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
) -> Extraction:
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


def _iter_candidates(text: str, default_as_of: date | None, progress: Progress | None) -> Iterator[Candidate]:
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
        statement = DATELINE.sub("", " ".join(text[s_start:s_end].split())).strip()
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

    def __init__(self, text: str) -> None:
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
