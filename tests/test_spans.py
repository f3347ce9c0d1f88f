"""Tests for claims.spans: normalising source texts, checking spans, locating quotes again
after an edit, and converting between code-point and browser (UTF-16) offsets."""

from __future__ import annotations

import hashlib
import itertools
import unicodedata
from pathlib import Path

import pytest
import regex
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from claims.spans import (
    Anchor,
    AnchorState,
    SpanError,
    _inside_cluster,
    check_span,
    check_text,
    codepoint_to_utf16,
    context,
    find_all,
    locate,
    normalize_text,
    segments,
    sha256_of,
    splits_character,
    utf16_to_codepoint,
)

SEED = Path(__file__).resolve().parent.parent / "seeds" / "korea-the-staredown.txt"

# User-perceived characters, some of several code points. Texts glued from these have a
# known set of boundaries a span may use: exactly the joins between them.
CLUSTERS = [
    "a",
    "Z",
    " ",
    "\n",
    ".",
    "é",  # precomposed U+00E9
    "x\u0301",  # no precomposed form, NFC keeps two code points
    "q\u0323\u0307",  # two marks on one base
    "नि",  # Devanagari letter and spacing vowel sign (category Mc)
    "中",
    "각",
    "🎉",
    "👍🏽",  # emoji and skin-tone modifier
    "👩\u200d👩\u200d👧",  # zero-width-joiner family
    "❤\ufe0f",  # emoji and variation selector 16
    "1\ufe0f\u20e3",  # keycap: digit, variation selector, enclosing mark
    "🇰🇷",  # flag: two regional indicators
    "🇰🇵",
    "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland: black flag and tags
]
SCOTLAND = CLUSTERS[-1]


def refusal(call, *args, **kwargs) -> tuple[str, str, str, dict]:
    """Call and return the (message, code, field, params) of the SpanError it must raise."""
    with pytest.raises(SpanError) as excinfo:
        call(*args, **kwargs)
    error = excinfo.value
    assert str(error) == error.message
    return error.message, error.code, error.field, error.params


def read_seed() -> str:
    # Decoded from bytes, not opened in text mode, whose newline translation would hide a \r.
    return SEED.read_bytes().decode("utf-8")


def stored_anchor(text: str, quote: str, occurrence: int = 0) -> dict:
    """What Claimbook stores for a claim on the n-th occurrence of ``quote`` in ``text``."""
    start = find_all(text, quote)[occurrence]
    prefix, suffix = context(text, start, start + len(quote))
    return {"quote": quote, "prefix": prefix, "suffix": suffix, "span_start": start}


@st.composite
def clustered_texts(draw) -> tuple[str, list[int]]:
    """A text made of whole characters, and the offsets between them (0 and the end included)."""
    parts = draw(st.lists(st.sampled_from(CLUSTERS), min_size=1, max_size=12))
    boundaries = [0]
    for part in parts:
        boundaries.append(boundaries[-1] + len(part))
    return "".join(parts), boundaries


any_text = st.text(st.characters(codec="utf-8"))
unicode_texts = any_text | clustered_texts().map(lambda drawn: drawn[0])


# -- normalize_text --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("North\r\nKorea", "North\nKorea"),
        ("North\rKorea", "North\nKorea"),
        ("a\r\r\nb", "a\n\nb"),
        ("a\n\rb", "a\n\nb"),
        ("line\r\n", "line\n"),
        ("e\u0301", "é"),
        ("cafe\u0301 noir", "café noir"),
        ("A\u030a", "\u00c5"),
        ("\u212b", "\u00c5"),  # ANGSTROM SIGN is a singleton: NFC replaces it
        ("\u1100\u1161\u11a8", "각"),  # conjoining jamo compose into a syllable
        ("a\u0307\u0323", "\u1ea1\u0307"),  # marks are reordered canonically, then composed
        ("e\u0301\r\nx", "é\nx"),
    ],
)
def test_normalize_text_stores_unix_line_ends_and_composed_characters(raw, stored):
    assert normalize_text(raw) == stored


@pytest.mark.parametrize(
    "text",
    [
        "",
        "North Korea fired two missiles.\n",
        "Subscribe\xa0\xa0\xa0Contribute",  # no-break spaces survive: NFC, not NFKC
        "\ufb01nance \u2460 “quoted” ’",  # compatibility characters are kept verbatim
        "x\u0301 q\u0307",  # marks without a precomposed form stay two code points
        "🎉 👩\u200d👩\u200d👧 👍🏽 🇰🇷",
        "北朝鮮 북한",
        "tab\tand\u2028line separator",
    ],
)
def test_normalize_text_returns_already_normal_text_unchanged(text):
    assert normalize_text(text) == text


@given(st.text(st.sampled_from("\r\ne\u0301\u0323\u0307\u1100\u1161\u11a8") | st.characters(codec="utf-8")))
def test_normalize_text_is_idempotent_and_leaves_no_carriage_return(text):
    stored = normalize_text(text)
    assert normalize_text(stored) == stored
    assert "\r" not in stored
    assert unicodedata.is_normalized("NFC", stored)


@given(any_text)
def test_normalize_text_only_changes_line_ends_of_nfc_text(text):
    text = unicodedata.normalize("NFC", text)
    assert normalize_text(text) == text.replace("\r\n", "\n").replace("\r", "\n")


# -- check_text ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "type_name"),
    [(b"North Korea", "bytes"), (None, "NoneType"), (42, "int"), (["North Korea"], "list")],
)
def test_text_that_is_not_a_str_is_refused_naming_its_type(value, type_name):
    assert refusal(check_text, value) == (f"text must be text, got {type_name}.", "not_text", "text", {})


def test_check_text_names_the_field_it_was_given():
    assert refusal(check_text, b"x", field="body") == ("body must be text, got bytes.", "not_text", "body", {})


@pytest.mark.parametrize("text", ["", " ", "\n\n\t", "\u3000\xa0\r\n"])
def test_blank_text_is_refused_as_empty(text):
    assert refusal(check_text, text) == (
        "text is empty: a source needs the article's text.",
        "empty_text",
        "text",
        {},
    )


def test_text_over_the_limit_is_refused_naming_its_length_and_the_limit():
    assert refusal(check_text, "North Korea", max_chars=10) == (
        "text has 11 characters, more than the limit of 10.",
        "text_too_long",
        "text",
        {"length": 11, "limit": 10},
    )


def test_the_limit_counts_code_points_not_utf16_units_or_bytes():
    text = "🎉" * 10  # 20 UTF-16 code units, 40 UTF-8 bytes
    assert check_text(text, max_chars=10) is text


@pytest.mark.parametrize(("text", "offset"), [("\x00", 0), ("abc\x00def", 3), ("🎉\x00", 1), ("ok\n\x00\x00", 3)])
def test_text_with_a_nul_character_is_refused_naming_the_first_offset(text, offset):
    assert refusal(check_text, text) == (
        f"text contains a NUL character at offset {offset}; binary data is not an article.",
        "nul_character",
        "text",
        {"offset": offset},
    )


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("\ud800", 0),
        ("ab\udfff", 2),
        ("🎉 \udc00 x", 2),
        ("\ud83c\udf89", 0),  # a surrogate pair left as two code points, not one character
    ],
)
def test_text_with_a_lone_surrogate_is_refused_naming_its_offset(text, offset):
    assert refusal(check_text, text) == (
        f"text contains a lone surrogate at offset {offset}, which is not valid Unicode text.",
        "lone_surrogate",
        "text",
        {"offset": offset},
    )


@pytest.mark.parametrize("text", ["North Korea", " padded \n", "🎉 👩\u200d👩\u200d👧 x\u0301", "a\u2028b", "x" * 10])
def test_valid_text_is_returned_unchanged_even_at_the_limit(text):
    assert check_text(text) is text
    assert check_text(text, max_chars=len(text)) is text


# -- sha256_of and find_all ------------------------------------------------------------


def test_sha256_of_hashes_the_utf8_bytes():
    assert sha256_of("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert sha256_of("é🎉") == hashlib.sha256("é🎉".encode()).hexdigest()


def test_sha256_of_tells_nfc_from_nfd_text():
    assert sha256_of("é") != sha256_of("e\u0301")


@pytest.mark.parametrize(
    ("text", "quote", "starts"),
    [
        ("aaaa", "aa", [0, 1, 2]),
        ("said, said and said", "said", [0, 6, 15]),
        ("🎉a🎉a", "a", [1, 3]),
        ("North Korea", "South", []),
    ],
)
def test_find_all_returns_every_start_overlapping_ones_included(text, quote, starts):
    assert find_all(text, quote) == starts


# -- check_span ------------------------------------------------------------------------

ARTICLE = "North Korea fired two missiles."  # 31 characters


@pytest.mark.parametrize(
    ("span_start", "span_end", "field", "value"),
    [
        (True, 5, "span_start", True),
        (0, False, "span_end", False),
        (0.0, 5, "span_start", 0.0),
        (0, 5.0, "span_end", 5.0),
        ("0", 5, "span_start", "0"),
        (0, "5", "span_end", "5"),
        (None, 5, "span_start", None),
        (0, [5], "span_end", [5]),
    ],
)
def test_offset_that_is_not_an_integer_is_refused_with_its_repr(span_start, span_end, field, value):
    assert refusal(check_span, ARTICLE, span_start, span_end) == (
        f"{field} must be a whole number of characters, got {value!r}.",
        "not_an_integer",
        field,
        {"value": value},
    )


@pytest.mark.parametrize(("span_start", "span_end"), [(-1, 5), (-5, -10), (-1, 500)])
def test_negative_span_start_is_refused_before_anything_else(span_start, span_end):
    assert refusal(check_span, ARTICLE, span_start, span_end) == (
        f"span_start {span_start} is negative; offsets count from 0.",
        "negative_start",
        "span_start",
        {"span_start": span_start},
    )


@pytest.mark.parametrize(("span_start", "span_end"), [(5, 5), (5, 3), (0, 0), (40, 35)])
def test_span_that_ends_at_or_before_its_start_is_refused_as_empty(span_start, span_end):
    assert refusal(check_span, ARTICLE, span_start, span_end) == (
        f"span_end {span_end} must be greater than span_start {span_start}: a claim's span cannot be empty.",
        "empty_span",
        "span_end",
        {"span_start": span_start, "span_end": span_end},
    )


@pytest.mark.parametrize(("text", "span_start", "span_end"), [(ARTICLE, 31, 32), (ARTICLE, 40, 50), ("", 0, 1)])
def test_span_starting_at_or_past_the_end_is_refused_naming_the_text_length(text, span_start, span_end):
    assert refusal(check_span, text, span_start, span_end) == (
        f"span_start {span_start} is past the end of the source text ({len(text)} characters).",
        "start_past_end",
        "span_start",
        {"span_start": span_start, "length": len(text)},
    )


@pytest.mark.parametrize(("span_start", "span_end"), [(0, 32), (30, 1000)])
def test_span_past_the_end_is_refused_naming_span_end_and_the_text_length(span_start, span_end):
    assert refusal(check_span, ARTICLE, span_start, span_end) == (
        f"span_end {span_end} is past the end of the source text (31 characters).",
        "end_past_end",
        "span_end",
        {"span_end": span_end, "length": 31},
    )


def test_span_end_counts_code_points_so_an_emoji_is_one_character():
    text = "🎉 North Korea"  # 13 code points, 14 UTF-16 code units
    assert refusal(check_span, text, 2, 14)[0] == "span_end 14 is past the end of the source text (13 characters)."


@pytest.mark.parametrize(
    ("text", "span_start", "span_end", "field", "offset", "before", "after"),
    [
        ("x\u0301 marks the spot", 1, 7, "span_start", 1, "U+0078", "U+0301"),
        ("x\u0301 marks the spot", 0, 1, "span_end", 1, "U+0078", "U+0301"),
        ("the letter q\u0307 is rare", 4, 12, "span_end", 12, "U+0071", "U+0307"),
        ("👍🏽 agreed", 0, 1, "span_end", 1, "U+1F44D", "U+1F3FD"),
        ("👍🏽 agreed", 1, 9, "span_start", 1, "U+1F44D", "U+1F3FD"),
        ("👩\u200d👩\u200d👧 family", 0, 1, "span_end", 1, "U+1F469", "U+200D"),
        ("👩\u200d👩\u200d👧 family", 0, 2, "span_end", 2, "U+200D", "U+1F469"),
        ("👩\u200d👩\u200d👧 family", 4, 12, "span_start", 4, "U+200D", "U+1F467"),
        ("I ❤\ufe0f Seoul", 2, 3, "span_end", 3, "U+2764", "U+FE0F"),
        ("नि", 0, 1, "span_end", 1, "U+0928", "U+093F"),
        ("🇰🇷 and 🇰🇵 met", 0, 1, "span_end", 1, "U+1F1F0", "U+1F1F7"),
        ("🇰🇷 and 🇰🇵 met", 8, 12, "span_start", 8, "U+1F1F0", "U+1F1F5"),
        ("🇰🇷🇰🇵", 0, 3, "span_end", 3, "U+1F1F0", "U+1F1F5"),
        (SCOTLAND + " Scotland", 0, 1, "span_end", 1, "U+1F3F4", "U+E0067"),
        ("क्ष", 0, 2, "span_end", 2, "U+094D", "U+0937"),  # Devanagari KSSA: KA, VIRAMA, SSA
        ("क्ष", 1, 3, "span_start", 1, "U+0915", "U+094D"),
        ("ক্ষ মানে", 0, 2, "span_end", 2, "U+09CD", "U+09B7"),  # Bengali
        ("क\u093c\u094dष", 0, 3, "span_end", 3, "U+094D", "U+0937"),  # a nukta inside the conjunct
        ("\u1100\u1161 jamo", 0, 1, "span_end", 1, "U+1100", "U+1161"),  # Hangul jamo make one syllable
        ("กำ", 0, 1, "span_end", 1, "U+0E01", "U+0E33"),  # Thai SARA AM is a spacing mark
        ("a\u200c b", 0, 1, "span_end", 1, "U+0061", "U+200C"),  # a zero-width non-joiner extends
    ],
)
def test_a_span_boundary_inside_a_character_of_any_script_is_refused_naming_both_code_points(
    text, span_start, span_end, field, offset, before, after
):
    assert refusal(check_span, text, span_start, span_end) == (
        f"{field} {offset} falls inside a grapheme cluster (a user-perceived character): "
        f"it would separate {before} from {after}.",
        "splits_character",
        field,
        {field: offset},
    )


@pytest.mark.parametrize(
    ("text", "offset", "splits"),
    [
        ("x\u0301y", 0, False),
        ("x\u0301y", 1, True),
        ("x\u0301y", 2, False),
        ("x\u0301y", 3, False),
        ("\u0301x", 0, False),  # a leading mark has no base to be cut from
        ("x\u0301", 2, False),
        ("x", -1, False),
        ("x", 5, False),
        ("🇰🇷🇰🇵", 1, True),
        ("🇰🇷🇰🇵", 2, False),
        ("🇰🇷🇰🇵", 3, True),
        ("a🇰🇷🇰🇵🇯", 3, False),
        ("a🇰🇷🇰🇵🇯", 4, True),
        ("a🇰🇷🇰🇵🇯", 5, False),  # a lone trailing regional indicator stands by itself
        ("1\ufe0f\u20e3", 1, True),
        ("1\ufe0f\u20e3", 2, True),
        ("a\u200db", 1, True),
        ("a\u200db", 2, True),
    ],
)
def test_splits_character_knows_where_characters_begin(text, offset, splits):
    assert splits_character(text, offset) is splits


@given(clustered_texts())
def test_splits_character_is_true_exactly_inside_a_character(drawn):
    text, boundaries = drawn
    inside = [offset for offset in range(len(text) + 1) if splits_character(text, offset)]
    assert inside == sorted(set(range(len(text) + 1)) - set(boundaries))


@given(clustered_texts(), st.data())
def test_span_on_character_boundaries_is_accepted_and_returns_its_text(drawn, data):
    text, boundaries = drawn
    start = data.draw(st.sampled_from(boundaries[:-1]))
    end = data.draw(st.sampled_from([b for b in boundaries if b > start]))
    assume(text[start:end].strip())
    assert check_span(text, start, end) == text[start:end]
    assert check_span(text, start, end, text[start:end]) == text[start:end]


@given(any_text, st.integers(-3, 40), st.integers(-3, 40))
def test_check_span_accepts_exactly_the_in_range_unsplit_non_blank_spans(text, start, end):
    acceptable = (
        0 <= start < end <= len(text)
        and not splits_character(text, start)
        and not splits_character(text, end)
        and text[start:end].strip() != ""
    )
    if acceptable:
        assert check_span(text, start, end) == text[start:end]
    else:
        with pytest.raises(SpanError):
            check_span(text, start, end)


# -- grapheme clusters of scripts other than Latin -------------------------------------

# Characters that make cluster boundaries hard: Indic consonants, viramas (which join a
# conjunct in Devanagari and Bengali, not in Tamil), nuktas and vowel signs; Thai marks;
# Hangul jamo; emoji with modifiers, variation selectors, tags and joiners; regional
# indicators; combining marks; Arabic prepended marks; CR LF and controls.
TRICKY = (
    "\u0915\u0937\u0930\u0928\u094d\u093f\u093c\u0902\u0901"  # Devanagari
    "\u0995\u09b7\u09cd\u09c7\u09cb"  # Bengali
    "\u0b95\u0bb7\u0bcd\u0bbf\u0bca"  # Tamil
    "\u0e01\u0e33\u0e40\u0e48\u0e31"  # Thai
    "\u1100\u1161\u11a8\uac00\uac01"  # Hangul jamo and syllables
    "\U0001f469\U0001f3fd\u2764\ufe0f\U0001f3f4\U000e0067\U000e007f\u20e3"  # emoji
    "\U0001f1f0\U0001f1f7"  # regional indicators
    "\u0301\u0323\u200d\u200c\u0600"  # marks, joiners, an Arabic prepended mark
    "\r\n\x07a 1"
)


def cluster_boundaries(text: str) -> set[int]:
    """Every boundary of ``text`` from segmenting all of it (what the local check must match)."""
    return {0, *(match.end() for match in regex.finditer(r"\X", text, flags=regex.DOTALL))}


@pytest.mark.parametrize(
    ("text", "span_start", "span_end"),
    [
        ("क्ष", 0, 3),
        ("क्षत्रिय योद्धा", 0, 8),
        ("ক্ষ মানে", 0, 3),
        ("க்ஷ", 0, 2),  # the Tamil virama (pulli) joins no conjunct: its consonants stand apart
        ("क्\u200cष", 0, 3),  # a zero-width non-joiner ends the conjunct on purpose
        ("\u1100\u1161\u11a8 jamo", 0, 3),
    ],
)
def test_span_on_grapheme_cluster_boundaries_of_any_script_is_accepted(text, span_start, span_end):
    assert check_span(text, span_start, span_end) == text[span_start:span_end]


@settings(max_examples=400)
@given(st.text(st.sampled_from(TRICKY), max_size=40))
def test_local_boundary_check_agrees_with_segmenting_the_whole_text_at_every_offset(text):
    boundaries = cluster_boundaries(text)
    for offset in range(len(text) + 1):
        inside = offset not in boundaries and offset < len(text)
        assert _inside_cluster(text, offset) is inside, offset
        assert splits_character(text, offset) is (inside or (0 < offset < len(text) and text[offset - 1] == "\u200d"))


@given(st.text(st.sampled_from(TRICKY), max_size=12), st.text(st.sampled_from(TRICKY), max_size=12))
def test_local_boundary_check_agrees_with_full_segmentation_past_long_runs(head, tail):
    # long enough that a check scanning from the start of the text would be slow
    for run in ("\U0001f1f0" * 501, "\U0001f1f0" * 500, "a" + "\u0301" * 500, "क्" * 250):
        text = head + run + tail
        boundaries = cluster_boundaries(text)
        for offset in [*range(len(head) + 4), *range(len(text) - len(tail) - 4, len(text) + 1)]:
            assert _inside_cluster(text, offset) is (offset not in boundaries and offset < len(text)), offset


@pytest.mark.parametrize(
    ("text", "offset", "inside"),
    [
        ("\U0001f1f0" * 100_001, 99_999, True),  # the 50,000th flag's two halves
        ("\U0001f1f0" * 100_001, 100_000, False),  # before the lone last indicator
        ("\U0001f1f0" * 100_001 + "\u0301", 100_001, True),  # the mark stays with it
        ("a" + "\u0301" * 100_000 + "b", 50_000, True),
        ("a" + "\u0301" * 100_000 + "b", 100_001, False),
        ("क्" * 100_000 + "क", 200_000, True),  # one conjunct of 100,001 consonants
    ],
    ids=["flag-halves", "lone-indicator", "mark-after-indicators", "inside-marks", "after-marks", "long-conjunct"],
)
def test_boundaries_in_pathological_runs_are_found_by_a_local_check(text, offset, inside):
    assert splits_character(text, offset) is inside


@pytest.mark.parametrize(
    ("text", "span_start", "span_end"),
    [("North Korea.  Missiles", 12, 14), ("a\n\n\tb", 1, 4), ("Subscribe\xa0\xa0\xa0Contribute", 9, 12)],
)
def test_span_of_only_whitespace_is_refused_as_blank(text, span_start, span_end):
    assert refusal(check_span, text, span_start, span_end) == (
        f"The span {span_start}-{span_end} holds only whitespace; a claim must quote words.",
        "blank_quote",
        "span_end",
        {"span_start": span_start, "span_end": span_end},
    )


def test_quote_that_differs_from_the_text_is_refused_showing_both():
    assert refusal(check_span, ARTICLE, 0, 11, "South Korea") == (
        "quote does not match the source text at 0-11: the text there is 'North Korea', the quote is 'South Korea'.",
        "quote_mismatch",
        "quote",
        {"span_start": 0, "span_end": 11, "expected": "North Korea", "quote": "South Korea"},
    )


def test_quote_in_nfd_does_not_match_the_nfc_text():
    assert refusal(check_span, "café noir", 0, 4, "cafe\u0301")[1] == "quote_mismatch"


def test_quote_mismatch_message_shortens_long_texts_to_sixty_characters():
    text = "N" * 100
    message, code, _field, params = refusal(check_span, text, 0, 100, "S" * 100)
    assert message == (
        f"quote does not match the source text at 0-100: the text there is '{'N' * 59}…', the quote is '{'S' * 59}…'."
    )
    assert code == "quote_mismatch"
    assert params["expected"] == text  # params keep the full values
    assert params["quote"] == "S" * 100


def test_span_right_after_an_astral_emoji_counts_the_emoji_as_one_character():
    text = "🎉 North Korea"
    assert check_span(text, 2, 7) == "North"
    assert check_span(text, 2, 7, "North") == "North"


def test_span_over_the_whole_text_is_accepted():
    assert check_span(ARTICLE, 0, 31) == ARTICLE


def test_span_with_its_quote_given_and_equal_returns_the_quote():
    assert check_span(ARTICLE, 12, 17, "fired") == "fired"


def test_span_over_whole_emoji_sequences_is_accepted():
    text = "👩\u200d👩\u200d👧 👍🏽 🇰🇷"
    assert check_span(text, 0, 5) == "👩\u200d👩\u200d👧"
    assert check_span(text, 6, 8) == "👍🏽"
    assert check_span(text, 9, 11) == "🇰🇷"


# -- context ---------------------------------------------------------------------------


def test_context_keeps_32_characters_either_side_by_default():
    text = "a" * 40 + "QUOTE" + "b" * 40
    assert context(text, 40, 45) == ("a" * 32, "b" * 32)


@pytest.mark.django_db
def test_a_saved_claim_stores_32_characters_of_context_either_side():
    from tests.factories import ClaimFactory, SourceFactory

    source = SourceFactory(text="a" * 40 + "QUOTE" + "b" * 40)
    claim = ClaimFactory(source=source, span_start=40, span_end=45, kind="factual", value=None, unit="", qualifier="")
    claim.refresh_from_db()
    assert (claim.quote, claim.prefix, claim.suffix) == ("QUOTE", "a" * 32, "b" * 32)


@pytest.mark.parametrize(
    ("span_start", "span_end", "prefix", "suffix"),
    [
        (0, 2, "", "cde"),
        (1, 2, "a", "cde"),
        (3, 4, "abc", "efg"),
        (5, 7, "cde", "h"),
        (6, 8, "def", ""),
        (0, 8, "", ""),
    ],
)
def test_context_is_shorter_at_the_ends_of_the_text(span_start, span_end, prefix, suffix):
    assert context("abcdefgh", span_start, span_end, length=3) == (prefix, suffix)


def test_context_counts_code_points():
    assert context("🎉🎉🎉X🎉🎉🎉", 3, 4, length=2) == ("🎉🎉", "🎉🎉")


# -- locate ----------------------------------------------------------------------------

REPORT = (
    "Pyongyang, September 12. North Korea fired two short-range missiles into the sea on Tuesday, "
    "the South Korean military said. Officials in Seoul said the launch was the third this month.\n\n"
    "Analysts said the government had pledged $50 billion for new housing, a figure no one could verify.\n\n"
    "The United States called for restraint."
)
PARAGRAPH = "Analysts said the government had pledged $50 billion for new housing, a figure no one could verify.\n\n"


def test_unchanged_text_keeps_the_quote_exact():
    claim = stored_anchor(REPORT, "$50 billion")
    start = claim["span_start"]
    assert locate(REPORT, **claim) == Anchor(AnchorState.EXACT, start, start + 11, "the quote is still at its offsets")


def test_edit_after_the_span_keeps_the_quote_exact():
    claim = stored_anchor(REPORT, "$50 billion")
    edited = REPORT.replace("called for restraint.", "urged both sides to show restraint.")
    start = claim["span_start"]
    assert locate(edited, **claim) == Anchor(AnchorState.EXACT, start, start + 11, "the quote is still at its offsets")


def test_edit_inside_the_suffix_keeps_the_quote_exact_on_its_prefix():
    claim = stored_anchor(REPORT, "$50 billion")
    edited = REPORT.replace("for new housing", "for public housing")
    assert locate(edited, **claim).state == AnchorState.EXACT


def test_insertion_before_the_span_relocates_a_unique_quote_with_its_context():
    claim = stored_anchor(REPORT, "$50 billion")
    edited = "Updated 14:05. " + REPORT
    start = claim["span_start"] + 15
    assert edited[start : start + 11] == "$50 billion"
    assert locate(edited, **claim) == Anchor(
        AnchorState.RELOCATED, start, start + 11, "the quote occurs once, with its context"
    )


def test_insertion_right_before_the_span_relocates_it_on_its_suffix_alone():
    claim = stored_anchor(REPORT, "$50 billion")
    edited = REPORT.replace("had pledged $50", "had pledged as much as $50")
    start = edited.index("$50 billion")
    assert locate(edited, **claim) == Anchor(
        AnchorState.RELOCATED, start, start + 11, "the quote occurs once, with its context"
    )


def test_repeated_quote_is_relocated_to_the_one_occurrence_whose_prefix_and_suffix_both_agree():
    claim = stored_anchor(REPORT, "said", occurrence=1)  # "Officials in Seoul said"
    assert len(find_all(REPORT, "said")) == 3
    edited = "Updated 14:05. " + REPORT
    start = claim["span_start"] + 15
    assert locate(edited, **claim) == Anchor(
        AnchorState.RELOCATED, start, start + 4, "the quote occurs several times; one has its context"
    )


def test_another_occurrence_shifted_onto_the_old_offset_does_not_keep_the_claim_exact():
    text = "At the border talks on Tuesday, Kim said no. Moon said yes, and the talks ended there."
    claim = stored_anchor(text, "said", occurrence=1)
    edited = "Updated 14:05 " + text  # 14 characters: Kim's "said" lands on Moon's old offset
    assert edited[claim["span_start"] : claim["span_start"] + 4] == "said"
    start = claim["span_start"] + 14
    assert locate(edited, **claim) == Anchor(
        AnchorState.RELOCATED, start, start + 4, "the quote occurs several times; one has its context"
    )


def test_quote_that_no_longer_occurs_is_orphaned():
    claim = stored_anchor(REPORT, "$50 billion")
    edited = REPORT.replace("$50 billion", "$5 billion")
    assert locate(edited, **claim) == Anchor(AnchorState.ORPHANED, None, None, "the quote no longer occurs in the text")


def test_quote_in_a_duplicated_paragraph_with_identical_context_is_orphaned_as_ambiguous():
    claim = stored_anchor(REPORT, "$50 billion")
    edited = "Updated 14:05. " + REPORT.replace(PARAGRAPH, PARAGRAPH + PARAGRAPH)
    starts = find_all(edited, "$50 billion")
    assert len(starts) == 2
    assert {context(edited, s, s + 11) for s in starts} == {(claim["prefix"], claim["suffix"])}
    assert locate(edited, **claim) == Anchor(
        AnchorState.ORPHANED, None, None, "the quote occurs 2 times and its context does not single one out"
    )


def test_duplicate_pasted_after_the_span_leaves_the_original_exact():
    claim = stored_anchor(REPORT, "$50 billion")
    edited = REPORT.replace(PARAGRAPH, PARAGRAPH + PARAGRAPH)
    start = claim["span_start"]
    assert locate(edited, **claim) == Anchor(AnchorState.EXACT, start, start + 11, "the quote is still at its offsets")


def test_lookalike_in_a_different_sentence_is_never_attached():
    claim = stored_anchor(REPORT, "$50 billion")
    edited = REPORT.replace(PARAGRAPH, "").replace(
        "The United States", "Trade with China fell by $50 billion last year. The United States"
    )
    assert find_all(edited, "$50 billion") != []
    assert locate(edited, **claim) == Anchor(
        AnchorState.ORPHANED, None, None, "the quote occurs once, but neither its prefix nor its suffix agrees"
    )


def test_lookalike_of_a_quote_at_the_start_of_the_text_is_never_attached():
    # A headline claim has an empty prefix; that emptiness says "the text began here" and
    # must not count as agreement wherever the quote turns up.
    text = "$50 billion pledged for housing in Pyongyang\n\nThe government announced the plan on Tuesday."
    claim = stored_anchor(text, "$50 billion")
    assert claim["prefix"] == ""
    edited = "Housing pledge questioned\n\nAnalysts doubted the $50 billion figure announced on Tuesday."
    assert locate(edited, **claim) == Anchor(
        AnchorState.ORPHANED, None, None, "the quote occurs once, but neither its prefix nor its suffix agrees"
    )


def test_lookalike_of_a_quote_at_the_end_of_the_text_is_never_attached():
    text = "The government announced the plan on Tuesday. It will cost $50 billion"
    claim = stored_anchor(text, "$50 billion")
    assert claim["suffix"] == ""
    edited = "Analysts doubted the $50 billion figure. The government announced the plan on Monday."
    assert locate(edited, **claim).state == AnchorState.ORPHANED


def test_quote_at_the_start_of_the_text_is_relocated_on_its_suffix_when_a_line_is_added_above():
    text = "North Korea fires two missiles\n\nThe launch was the third this month."
    claim = stored_anchor(text, "North Korea")
    edited = "UPDATED\n" + text
    assert locate(edited, **claim) == Anchor(AnchorState.RELOCATED, 8, 19, "the quote occurs once, with its context")


def test_quote_at_the_end_of_the_text_stays_exact_when_a_paragraph_is_appended():
    text = "The government announced the plan on Tuesday. It will cost $50 billion"
    claim = stored_anchor(text, "$50 billion")
    edited = text + ".\n\nUpdate: the plan was withdrawn."
    start = claim["span_start"]
    assert locate(edited, **claim) == Anchor(AnchorState.EXACT, start, start + 11, "the quote is still at its offsets")


def test_whole_text_quote_stays_exact_in_an_unchanged_text():
    claim = stored_anchor(ARTICLE, ARTICLE)
    assert locate(ARTICLE, **claim) == Anchor(AnchorState.EXACT, 0, 31, "the quote is still at its offsets")


def test_claim_without_a_quote_is_orphaned():
    assert locate(REPORT, quote="", prefix="", suffix="", span_start=0) == Anchor(
        AnchorState.ORPHANED, None, None, "the claim has no quote to look for"
    )


@st.composite
def edited_claims(draw) -> tuple[str, dict, str, tuple[int, int]]:
    """A text over a tiny alphabet (so quotes repeat), a claim on it, and an edited text."""
    text = draw(st.text(st.sampled_from("ab \n"), min_size=1, max_size=60))
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    prefix, suffix = context(text, start, end)
    claim = {"quote": text[start:end], "prefix": prefix, "suffix": suffix, "span_start": start}
    cut_from = draw(st.integers(0, len(text)))
    cut_to = draw(st.integers(cut_from, len(text)))
    inserted = draw(st.text(st.sampled_from("abc \n"), max_size=10))
    return text, claim, text[:cut_from] + inserted + text[cut_to:], (cut_from, cut_to)


def _prefix_agrees(text: str, start: int, prefix: str) -> bool:
    return text[max(0, start - len(prefix)) : start] == prefix and (prefix != "" or start == 0)


def _suffix_agrees(text: str, end: int, suffix: str) -> bool:
    return text[end : end + len(suffix)] == suffix and (suffix != "" or end == len(text))


@given(edited_claims())
def test_located_quote_is_always_the_text_at_the_returned_offsets(drawn):
    _text, claim, edited, _edit = drawn
    anchor = locate(edited, **claim)
    if anchor.state == AnchorState.ORPHANED:
        assert (anchor.span_start, anchor.span_end) == (None, None)
    else:
        assert anchor.span_end - anchor.span_start == len(claim["quote"])
        assert edited[anchor.span_start : anchor.span_end] == claim["quote"]


@settings(max_examples=500)  # most random edits leave the quote exact or orphaned
@given(edited_claims())
def test_relocated_quote_always_has_its_prefix_or_its_suffix_around_it(drawn):
    _text, claim, edited, _edit = drawn
    anchor = locate(edited, **claim)
    if anchor.state == AnchorState.RELOCATED:
        assert _prefix_agrees(edited, anchor.span_start, claim["prefix"]) or _suffix_agrees(
            edited, anchor.span_end, claim["suffix"]
        )


@given(edited_claims())
def test_unchanged_text_always_locates_the_quote_exactly_where_it_was(drawn):
    text, claim, _edited, _edit = drawn
    start = claim["span_start"]
    assert locate(text, **claim) == Anchor(
        AnchorState.EXACT, start, start + len(claim["quote"]), "the quote is still at its offsets"
    )


@given(st.data())
def test_edit_beyond_the_suffix_always_leaves_the_quote_exact(data):
    text = data.draw(st.text(st.sampled_from("ab \n"), min_size=2, max_size=80))
    # The span must not end the text: an empty suffix records that nothing followed it, so
    # text appended there is not "beyond" the suffix.
    start = data.draw(st.integers(0, len(text) - 2))
    end = data.draw(st.integers(start + 1, len(text) - 1))
    prefix, suffix = context(text, start, end)
    cut_from = data.draw(st.integers(end + len(suffix), len(text)))
    cut_to = data.draw(st.integers(cut_from, len(text)))
    edited = text[:cut_from] + data.draw(st.text(st.sampled_from("abc \n"), max_size=10)) + text[cut_to:]
    anchor = locate(edited, quote=text[start:end], prefix=prefix, suffix=suffix, span_start=start)
    assert anchor == Anchor(AnchorState.EXACT, start, end, "the quote is still at its offsets")


# -- UTF-16 offsets --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "codepoint", "utf16"),
    [
        ("🎉 North Korea", 0, 0),
        ("🎉 North Korea", 1, 2),
        ("🎉 North Korea", 2, 3),
        ("🎉 North Korea", 13, 14),
        ("北朝鮮 x\u0301", 5, 5),
        ("👩\u200d👩\u200d👧!", 5, 8),
        ("🇰🇷", 2, 4),
        ("", 0, 0),
    ],
)
def test_code_point_and_utf16_offsets_convert_both_ways(text, codepoint, utf16):
    assert codepoint_to_utf16(text, codepoint) == utf16
    assert utf16_to_codepoint(text, utf16) == codepoint


@given(unicode_texts)
def test_every_code_point_offset_round_trips_through_utf16(text):
    for index in range(len(text) + 1):
        units = codepoint_to_utf16(text, index)
        assert units == len(text[:index].encode("utf-16-le")) // 2
        assert utf16_to_codepoint(text, units) == index


@given(unicode_texts)
def test_utf16_offsets_are_accepted_exactly_between_characters(text):
    valid = {codepoint_to_utf16(text, index) for index in range(len(text) + 1)}
    for units in range(len(text.encode("utf-16-le")) // 2 + 1):
        if units in valid:
            assert codepoint_to_utf16(text, utf16_to_codepoint(text, units)) == units
        else:
            assert refusal(utf16_to_codepoint, text, units)[1] == "splits_surrogate_pair"


@pytest.mark.parametrize(
    ("text", "offset", "char"), [("🎉 North Korea", 1, "U+1F389"), ("ab👍🏽", 3, "U+1F44D"), ("ab👍🏽", 5, "U+1F3FD")]
)
def test_utf16_offset_inside_a_surrogate_pair_is_refused_not_rounded(text, offset, char):
    assert refusal(utf16_to_codepoint, text, offset) == (
        f"offset {offset} falls between the two UTF-16 halves of {char}.",
        "splits_surrogate_pair",
        "offset",
        {"offset": offset},
    )


def test_utf16_refusal_names_the_field_it_was_given():
    assert refusal(utf16_to_codepoint, "🎉 North", 1, field="span_start")[:3] == (
        "span_start 1 falls between the two UTF-16 halves of U+1F389.",
        "splits_surrogate_pair",
        "span_start",
    )


@pytest.mark.parametrize(("text", "offset", "length"), [("🎉 North Korea", 15, 14), ("", 1, 0), ("🎉", 3, 2)])
def test_utf16_offset_past_the_end_is_refused_naming_the_length_in_code_units(text, offset, length):
    assert refusal(utf16_to_codepoint, text, offset) == (
        f"offset {offset} is past the end of the text ({length} UTF-16 code units).",
        "offset_out_of_range",
        "offset",
        {"offset": offset, "length": length},
    )


@pytest.mark.parametrize("offset", [-1, True, 1.0, "1", None])
def test_utf16_offset_that_is_negative_or_not_an_integer_is_refused(offset):
    assert refusal(utf16_to_codepoint, "🎉 North", offset) == (
        f"offset must be a whole number of UTF-16 code units, 0 or more; got {offset!r}.",
        "not_an_integer",
        "offset",
        {"value": offset},
    )


@pytest.mark.parametrize("index", [-1, 14, 100])
def test_code_point_offset_outside_the_text_is_refused(index):
    assert refusal(codepoint_to_utf16, "🎉 North Korea", index) == (
        f"offset {index} is outside the text (0 to 13).",
        "offset_out_of_range",
        "offset",
        {"offset": index, "length": 13},
    )


@pytest.mark.parametrize("index", [True, 1.0, "1", None])
def test_code_point_offset_that_is_not_an_integer_is_refused(index):
    assert refusal(codepoint_to_utf16, "🎉 North Korea", index) == (
        f"offset must be a whole number of code points; got {index!r}.",
        "not_an_integer",
        "offset",
        {"value": index},
    )


# -- the seed article ------------------------------------------------------------------


def test_seed_article_is_already_normalised_and_valid():
    text = read_seed()
    assert normalize_text(text) == text
    assert check_text(text) is text
    assert sha256_of(text) == hashlib.sha256(SEED.read_bytes()).hexdigest()


def test_seed_article_has_23669_code_points_and_as_many_utf16_units():
    text = read_seed()
    assert len(text) == 23669
    assert codepoint_to_utf16(text, len(text)) == 23669  # no astral characters in it


def test_span_past_the_end_of_the_seed_is_refused_naming_its_length():
    assert refusal(check_span, read_seed(), 23600, 23700) == (
        "span_end 23700 is past the end of the source text (23669 characters).",
        "end_past_end",
        "span_end",
        {"span_end": 23700, "length": 23669},
    )


def test_span_over_the_seed_trailing_no_break_spaces_is_blank():
    text = read_seed()
    start = text.index("\xa0\xa0\xa0")
    assert refusal(check_span, text, start, start + 3)[1] == "blank_quote"


def test_seed_quote_is_relocated_after_an_editor_note_is_added_above_the_headline():
    text = read_seed()
    claim = stored_anchor(text, "Kim dynasty")
    assert check_span(text, claim["span_start"], claim["span_start"] + 11, "Kim dynasty") == "Kim dynasty"
    edited = "Editor's note: corrected on September 13.\n\n" + text
    start = claim["span_start"] + 43
    assert locate(edited, **claim) == Anchor(
        AnchorState.RELOCATED, start, start + 11, "the quote occurs once, with its context"
    )


# -- highlighting ----------------------------------------------------------------------


def segments_by_scanning(length: int, marked: list) -> list:
    """The first implementation of ``segments``: every span scanned for every piece
    (quadratic), kept as the definition the sweep must reproduce."""
    cuts = {0, length}
    for start, end, _ in marked:
        cuts.update((max(0, min(start, length)), max(0, min(end, length))))
    points = sorted(cuts)
    ordered = sorted(marked, key=lambda item: (item[1] - item[0], item[0]))
    return [
        (start, end, [key for s, e, key in ordered if s <= start and end <= e])
        for start, end in itertools.pairwise(points)
    ]


def test_segments_cut_at_every_boundary_and_list_the_innermost_claim_first():
    marked = [(0, 10, "sentence"), (2, 5, "word"), (4, 8, "across"), (2, 5, "twin")]
    assert segments(12, marked) == [
        (0, 2, ["sentence"]),
        (2, 4, ["word", "twin", "sentence"]),
        (4, 5, ["word", "twin", "across", "sentence"]),
        (5, 8, ["across", "sentence"]),
        (8, 10, ["sentence"]),
        (10, 12, []),
    ]


@settings(max_examples=300)
@given(
    st.integers(0, 60),
    st.lists(st.tuples(st.integers(-5, 65), st.integers(-5, 65)), max_size=40),
)
def test_segments_sweep_gives_exactly_what_scanning_every_span_gives(length, bounds):
    # out-of-range, empty, inverted and repeated spans included; keys are their positions
    marked = [(start, end, index) for index, (start, end) in enumerate(bounds)]
    assert segments(length, marked) == segments_by_scanning(length, marked)


def test_a_quote_found_only_inside_a_larger_character_is_orphaned_not_relocated():
    edited = "Note. He wrote क्ष alone."
    assert locate(edited, quote="क्", prefix="He wrote ", suffix=" alone.", span_start=9) == Anchor(
        AnchorState.ORPHANED, None, None, "the quote occurs only inside larger characters"
    )
