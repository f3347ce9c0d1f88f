"""Pure functions for claim spans: normalise a source text, check a span against it,
locate a quote again after the text changed, and convert browser (UTF-16) offsets.

Offsets are half-open [start, end) in Unicode code points of the normalised text, which
is what Python's ``str`` indexes. Nothing here knows about Django or the database.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

import regex

CONTEXT_LENGTH = 32  # characters of prefix/suffix kept either side (W3C TextQuoteSelector)

_ZERO_WIDTH_JOINER = "\u200d"


class SpanError(ValueError):
    """A span or text that cannot be stored, with a message a person understands.

    ``field`` names the input at fault (``span_end``, ``quote``, ...), ``code`` is stable
    for programs, ``params`` carries the values the message was built from.
    """

    def __init__(self, message: str, *, code: str, field: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.params = params or {}


# -- text ------------------------------------------------------------------------------


def normalize_text(text: str) -> str:
    """Return ``text`` as Claimbook stores it: NFC, ``\\n`` line ends, otherwise verbatim."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def check_text(text: object, *, max_chars: int | None = None, field: str = "text") -> str:
    """Refuse a source text Claimbook cannot store faithfully; return it unchanged.

    A text must be a non-blank ``str`` without NUL characters or lone surrogates (which
    cannot be written as UTF-8) and, when ``max_chars`` is given, no longer than that.
    """
    if not isinstance(text, str):
        raise SpanError(f"{field} must be text, got {type(text).__name__}.", code="not_text", field=field)
    if not text.strip():
        raise SpanError(f"{field} is empty: a source needs the article's text.", code="empty_text", field=field)
    if max_chars is not None and len(text) > max_chars:
        raise SpanError(
            f"{field} has {len(text)} characters, more than the limit of {max_chars}.",
            code="text_too_long",
            field=field,
            params={"length": len(text), "limit": max_chars},
        )
    nul = text.find("\x00")
    if nul != -1:
        raise SpanError(
            f"{field} contains a NUL character at offset {nul}; binary data is not an article.",
            code="nul_character",
            field=field,
            params={"offset": nul},
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SpanError(
            f"{field} contains a lone surrogate at offset {exc.start}, which is not valid Unicode text.",
            code="lone_surrogate",
            field=field,
            params={"offset": exc.start},
        ) from None
    return text


def sha256_of(text: str) -> str:
    """Hex SHA-256 of the UTF-8 bytes of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def decode_text(data: bytes, *, field: str = "text") -> str:
    """Decode an imported file as UTF-8 (a leading byte-order mark is dropped), refusing
    binary data and invalid bytes with the offset where they start."""
    nul = data.find(b"\x00")
    if nul != -1:
        raise SpanError(
            f"{field} looks binary: it contains a NUL byte at offset {nul}. Import the article as UTF-8 text.",
            code="binary",
            field=field,
            params={"offset": nul},
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpanError(
            f"{field} is not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start} ({exc.reason}). "
            "Convert the file to UTF-8 and import it again.",
            code="not_utf8",
            field=field,
            params={"offset": exc.start},
        ) from None


# -- spans -----------------------------------------------------------------------------


# Extended grapheme clusters (Unicode's UAX #29, the Indic conjunct rule GB9c included)
# come from the ``regex`` module, which follows the current Unicode version; Python's own
# ``unicodedata`` lags behind and knows neither the cluster break classes nor the conjunct
# classes. A boundary is decided locally, never by segmenting the whole text (a text may
# hold 2,000,000 characters and every claim save checks two boundaries).
_CLUSTER = regex.compile(r"\X", regex.DOTALL)
_EXTENDS = r"\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}"
_HANGUL = r"\p{GCB=L}\p{GCB=V}\p{GCB=T}\p{GCB=LV}\p{GCB=LVT}"
# The last point at or before an offset where a cluster certainly begins and after which
# no rule looks further back: the character found here ends a cluster whatever came before
# it, and the one after it (the lookahead) cannot join it. Searched backwards, in C.
_RESTART = regex.compile(
    r"(?r)(?:"
    r"[\p{GCB=Control}\p{GCB=LF}](?=.)"  # nothing joins a line feed or a control (GB4)
    r"|\r(?=[^\n])"
    rf"|[\p{{GCB=Other}}\p{{GCB=SpacingMark}}](?=[^{_EXTENDS}])"  # GB999 once nothing extends it
    rf"|[{_HANGUL}](?=[^{_EXTENDS}{_HANGUL}])"
    rf"|\p{{GCB=Regional_Indicator}}(?=[^{_EXTENDS}\p{{GCB=Regional_Indicator}}])"
    # a mark ends its cluster unless a conjunct (GB9c) or an emoji sequence (GB11) goes on
    rf"|[\p{{GCB=Extend}}\p{{GCB=ZWJ}}](?=[^{_EXTENDS}\p{{InCB=Consonant}}\p{{Extended_Pictographic}}])"
    r")",
    regex.DOTALL,
)
# Regional indicators pair from the start of their run (flags); the module counts the run
# again for every pair, quadratic in its length, so a long run is entered at a pair boundary.
_LAST_RI_RUN = regex.compile(r"(?r)\p{GCB=Regional_Indicator}+")


def _inside_cluster(text: str, offset: int) -> bool:
    """True if ``offset`` is not an extended grapheme cluster boundary of ``text``."""
    if offset <= 0 or offset >= len(text):
        return False
    restart = _RESTART.search(text, 0, offset + 1)
    begin = restart.end() if restart else 0
    if begin == offset:
        return False
    run = _LAST_RI_RUN.search(text, begin, offset)
    if run and run.end() - run.start() >= 3:
        # an even count of indicators into the run is a boundary between two flags
        begin = run.start() + 2 * ((run.end() - run.start() - 1) // 2)
    for cluster in _CLUSTER.finditer(text, begin, offset + 1):
        if cluster.end() >= offset:
            return cluster.end() != offset
    return False  # not reached: the last cluster ends at offset + 1


def splits_character(text: str, offset: int) -> bool:
    """True if a boundary at ``offset`` falls inside a user-perceived character: inside an
    extended grapheme cluster (a base and its marks, an Indic conjunct such as क्ष, an emoji
    with its modifier, tags or zero-width-joiner sequence, a flag's two halves, a Hangul
    syllable of jamo, CR LF), or right after a zero-width joiner, which asks to join what
    follows even where no cluster rule does."""
    if offset <= 0 or offset >= len(text):
        return False
    return text[offset - 1] == _ZERO_WIDTH_JOINER or _inside_cluster(text, offset)


def _check_offset(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpanError(
            f"{field} must be a whole number of characters, got {value!r}.",
            code="not_an_integer",
            field=field,
            params={"value": value},
        )
    return value


def check_span(
    text: str, span_start: object, span_end: object, quote: str | None = None, *, boundaries: bool = True
) -> str:
    """Check that [span_start, span_end) is a valid span of ``text``; return its quote.

    When ``quote`` is given it must equal ``text[span_start:span_end]`` exactly. With
    ``boundaries=False`` an offset inside a grapheme cluster is let through (for a stored
    span that stays where it was, accepted under an earlier, looser rule).
    Raises :class:`SpanError` naming the field at fault and why.
    """
    start = _check_offset(span_start, "span_start")
    end = _check_offset(span_end, "span_end")
    length = len(text)
    if start < 0:
        raise SpanError(
            f"span_start {start} is negative; offsets count from 0.",
            code="negative_start",
            field="span_start",
            params={"span_start": start},
        )
    if end <= start:
        raise SpanError(
            f"span_end {end} must be greater than span_start {start}: a claim's span cannot be empty.",
            code="empty_span",
            field="span_end",
            params={"span_start": start, "span_end": end},
        )
    if start >= length:
        raise SpanError(
            f"span_start {start} is past the end of the source text ({length} characters).",
            code="start_past_end",
            field="span_start",
            params={"span_start": start, "length": length},
        )
    if end > length:
        raise SpanError(
            f"span_end {end} is past the end of the source text ({length} characters).",
            code="end_past_end",
            field="span_end",
            params={"span_end": end, "length": length},
        )
    for field, offset in (("span_start", start), ("span_end", end)):
        if boundaries and splits_character(text, offset):
            raise SpanError(
                f"{field} {offset} falls inside a grapheme cluster (a user-perceived character): it would separate "
                f"U+{ord(text[offset - 1]):04X} from U+{ord(text[offset]):04X}.",
                code="splits_character",
                field=field,
                params={field: offset},
            )
    actual = text[start:end]
    if not actual.strip():
        raise SpanError(
            f"The span {start}-{end} holds only whitespace; a claim must quote words.",
            code="blank_quote",
            field="span_end",
            params={"span_start": start, "span_end": end},
        )
    if quote is not None and quote != actual:
        raise SpanError(
            f"quote does not match the source text at {start}-{end}: "
            f"the text there is {_shorten(actual)!r}, the quote is {_shorten(quote)!r}.",
            code="quote_mismatch",
            field="quote",
            params={"span_start": start, "span_end": end, "expected": actual, "quote": quote},
        )
    return actual


def context(text: str, span_start: int, span_end: int, length: int = CONTEXT_LENGTH) -> tuple[str, str]:
    """Return (prefix, suffix): up to ``length`` characters before and after the span."""
    return text[max(0, span_start - length) : span_start], text[span_end : span_end + length]


def _shorten(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


# -- locating a quote again ------------------------------------------------------------


class AnchorState(StrEnum):
    EXACT = "exact"
    RELOCATED = "relocated"
    ORPHANED = "orphaned"


@dataclass(frozen=True)
class Anchor:
    """Where a quote was found in a text, and how sure we are it is the same passage."""

    state: AnchorState
    span_start: int | None
    span_end: int | None
    reason: str


def find_all(text: str, quote: str) -> list[int]:
    """Every start offset of ``quote`` in ``text``, overlapping occurrences included."""
    found, at = [], text.find(quote)
    while at != -1:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


def _context_agrees(text: str, start: int, end: int, prefix: str, suffix: str) -> tuple[bool, bool]:
    """Whether the stored prefix and suffix are what surrounds [start, end) in ``text``.

    An empty prefix (suffix) records that the span began (ended) the text, so it agrees only
    there; anywhere else it would be agreement without evidence.
    """
    return (
        text[max(0, start - len(prefix)) : start] == prefix and (prefix != "" or start == 0),
        text[end : end + len(suffix)] == suffix and (suffix != "" or end == len(text)),
    )


def locate(text: str, *, quote: str, prefix: str, suffix: str, span_start: int) -> Anchor:
    """Find ``quote`` in ``text`` again, never guessing.

    1. ``exact``: the quote is still at ``span_start`` and no other occurrence has better
       context agreement.
    2. ``relocated``: the quote occurs exactly once elsewhere and its prefix or suffix
       agrees; or it occurs several times and exactly one occurrence has both its prefix
       and its suffix agreeing.
    3. ``orphaned``: anything else (absent, ambiguous, or only similar). A lookalike is
       never attached.
    """
    if not quote:
        return Anchor(AnchorState.ORPHANED, None, None, "the claim has no quote to look for")
    length = len(quote)
    # an occurrence that cuts a character apart is not the passage quoted (क् inside क्ष);
    # the one at the claim's own offsets stays a candidate, as it was accepted there
    found = find_all(text, quote)
    starts = [
        s for s in found if s == span_start or not (splits_character(text, s) or splits_character(text, s + length))
    ]
    if not starts:
        reason = "the quote occurs only inside larger characters" if found else "the quote no longer occurs in the text"
        return Anchor(AnchorState.ORPHANED, None, None, reason)
    scores = {s: _context_agrees(text, s, s + length, prefix, suffix) for s in starts}
    if span_start in scores:
        here = sum(scores[span_start])
        if all(sum(score) <= here for score in scores.values()) and (here > 0 or len(starts) == 1):
            return Anchor(AnchorState.EXACT, span_start, span_start + length, "the quote is still at its offsets")
    if len(starts) == 1:
        (only,) = starts
        if any(scores[only]):
            return Anchor(AnchorState.RELOCATED, only, only + length, "the quote occurs once, with its context")
        return Anchor(
            AnchorState.ORPHANED, None, None, "the quote occurs once, but neither its prefix nor its suffix agrees"
        )
    both = [s for s, score in scores.items() if all(score)]
    if len(both) == 1:
        (chosen,) = both
        return Anchor(
            AnchorState.RELOCATED, chosen, chosen + length, "the quote occurs several times; one has its context"
        )
    return Anchor(
        AnchorState.ORPHANED,
        None,
        None,
        f"the quote occurs {len(starts)} times and its context does not single one out",
    )


# -- browser offsets -------------------------------------------------------------------


def _utf16_width(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def codepoint_to_utf16(text: str, index: int) -> int:
    """Convert a code-point offset into ``text`` to a UTF-16 code-unit offset."""
    if isinstance(index, bool) or not isinstance(index, int):
        raise SpanError(
            f"offset must be a whole number of code points; got {index!r}.",
            code="not_an_integer",
            field="offset",
            params={"value": index},
        )
    if not 0 <= index <= len(text):
        raise SpanError(
            f"offset {index} is outside the text (0 to {len(text)}).",
            code="offset_out_of_range",
            field="offset",
            params={"offset": index, "length": len(text)},
        )
    return index + sum(1 for char in text[:index] if ord(char) > 0xFFFF)


def utf16_to_codepoint(text: str, offset: int, *, field: str = "offset") -> int:
    """Convert a UTF-16 code-unit offset (what a browser's Selection counts) to code points.

    An offset between the two halves of a surrogate pair is refused, never rounded.
    """
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise SpanError(
            f"{field} must be a whole number of UTF-16 code units, 0 or more; got {offset!r}.",
            code="not_an_integer",
            field=field,
            params={"value": offset},
        )
    units = 0
    for index, char in enumerate(text):
        if units == offset:
            return index
        units += _utf16_width(char)
        if units > offset:
            raise SpanError(
                f"{field} {offset} falls between the two UTF-16 halves of U+{ord(char):04X}.",
                code="splits_surrogate_pair",
                field=field,
                params={"offset": offset},
            )
    if units == offset:
        return len(text)
    raise SpanError(
        f"{field} {offset} is past the end of the text ({units} UTF-16 code units).",
        code="offset_out_of_range",
        field=field,
        params={"offset": offset, "length": units},
    )


# -- highlighting ----------------------------------------------------------------------

Key = TypeVar("Key")  # whatever the caller marks a span with


def segments(length: int, marked: list[tuple[int, int, Key]]) -> list[tuple[int, int, list[Key]]]:
    """Cut [0, length) at every span boundary: (start, end, keys of the spans covering it).

    Overlapping and nested spans are allowed; a covering list is ordered from the shortest
    (innermost) span to the longest, spans of one length by start, then as given, so the
    first key is the one a click should open. One sweep over the sorted boundaries keeps
    the spans open at each point in that order: O((n + k) log k) for n spans and k pieces
    plus the size of the answer, not a scan of every span for every piece.
    """
    opening: dict[int, list[tuple[tuple[int, int, int], Key]]] = {}
    closing: dict[int, list[tuple[int, int, int]]] = {}
    cuts = {0, length}
    for index, (start, end, key) in enumerate(marked):
        first, last = max(0, min(start, length)), max(0, min(end, length))
        cuts.update((first, last))
        if first < last:
            rank = (end - start, start, index)
            opening.setdefault(first, []).append((rank, key))
            closing.setdefault(last, []).append(rank)
    ranks: list[tuple[int, int, int]] = []  # the open spans, innermost first
    keys: list[Key] = []  # their keys, in the same order
    result: list[tuple[int, int, list[Key]]] = []
    for start, end in itertools.pairwise(sorted(cuts)):
        for rank in closing.get(start, ()):
            at = bisect.bisect_left(ranks, rank)
            del ranks[at], keys[at]
        for rank, key in opening.get(start, ()):
            at = bisect.bisect_left(ranks, rank)
            ranks.insert(at, rank)
            keys.insert(at, key)
        result.append((start, end, keys.copy()))
    return result


def paragraph_around(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The paragraph holding the span [start, end) as (text before the span, the span, text after):
    from the line break before the span to the one after it, so a span over several lines keeps
    them all."""
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    if last == -1:
        last = len(text)
    return text[first:start], text[start:end], text[end:last]
