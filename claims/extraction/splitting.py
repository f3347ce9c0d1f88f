"""Splitting a text into sentences: half-open code-point spans, white space trimmed, produced
lazily and in order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .vocabulary import ABBREVIATIONS

# A run of end punctuation is matched from its first character only ((?<!...)) and never given
# back (possessive ++, *+): "1" and 100,000 full stops is one attempt, not 100,000 attempts
# that each read the rest of the run.
_SENTENCE_END = re.compile(r"(?<![.!?])[.!?]++[\"'”’)\]]*+(?=\s+[\"'“‘(\[]?[A-Z0-9])|\n\s*\n|\n(?=[^\n]{0,80}\n)|\n")
_ABBREVIATION_BEFORE = re.compile(r"([\w.]+)\.$")
_HAS_DIGIT_OR_LETTER = re.compile(r"[\w]")


def sentences(text: str) -> list[tuple[int, int]]:
    """Half-open spans of the sentences of ``text``, whitespace trimmed, in order."""
    return list(iter_sentences(text))


def iter_sentences(text: str) -> Iterator[tuple[int, int]]:
    """The spans of ``sentences``, one at a time."""
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end() if match.group().strip() else match.start()
        if match.group()[0] == ".":
            word = _ABBREVIATION_BEFORE.search(text[max(start, match.start() - 12) : match.start() + 1])
            if word and (word.group(1).lower() in ABBREVIATIONS or len(word.group(1)) == 1):
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
