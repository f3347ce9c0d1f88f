"""The extractor on hostile texts: bounded work and memory, statements within the model's limit,
a capped number of candidates per source, and only units Claimbook knows."""

import signal
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from claims import extraction, services, spans, units
from claims.models import STATEMENT_MAX_CHARS, Claim
from tests.factories import SourceFactory

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def at_most(seconds: int):
    """A guard against a runaway input, far above what the input needs (bench/ measures time):
    each input here took minutes or gigabytes before the extractor was made linear."""

    def stop(signum, frame):
        raise AssertionError(f"extraction still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


HOSTILE = {
    "one number and 200,000 full stops": "1" + "." * 200_000,
    "one number and 200,000 exclamation and question marks": "5" + "!?" * 100_000,
    "hyphens between 100,000 digits": "1" + "-1" * 100_000,
    "a capitalised word before a number, 100,000 times": "Word 5 " * 100_000,
    "sentence openers, 100,000 of them, before a number": "The " * 100_000 + "5 tonnes",
    "thirty thousand numbers in one sentence": ", ".join(str(n) for n in range(30_000)) + ".",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_texts_are_read_in_bounded_time(name):
    with at_most(30):
        result = extraction.extract(HOSTILE[name], limit=5_000)
    assert len(result.candidates) <= 5_000


def test_thirty_thousand_figures_in_one_sentence_use_bounded_memory():
    text = ", ".join(str(n) for n in range(30_000)) + "."
    tracemalloc.start()
    try:
        result = extraction.extract(text, limit=5_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(result.candidates) == 5_000
    assert peak < 40 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"


def test_a_statement_never_exceeds_the_models_limit_and_keeps_the_words_around_its_figure():
    phrase = "the budget rose by 5 percent and then "
    text = phrase * 60_000  # one sentence of 2,280,000 characters
    result = extraction.extract(text, limit=100)
    assert len(result.candidates) == 100
    for candidate in result.candidates:
        assert len(candidate.statement) <= STATEMENT_MAX_CHARS == extraction.STATEMENT_MAX_CHARS
        assert candidate.quote == "5 percent"
        assert candidate.quote in candidate.statement
    first, later = result.candidates[0], result.candidates[50]
    assert first.statement.startswith("the budget rose by 5 percent")
    assert first.statement.endswith("…")
    assert later.statement.startswith("…")
    assert later.statement.endswith("…")
    words = later.statement.strip("…")
    assert words in text
    assert text[text.index(words) - 1] == " "
    assert 2 * extraction.STATEMENT_WINDOW - 40 < len(words) < 2 * extraction.STATEMENT_WINDOW + 20


def test_a_short_sentence_is_still_the_whole_statement():
    found = extraction.candidates("Japan approved a record defense budget of $50 billion for 2020.")
    assert [c.quote for c in found] == ["$50 billion", "2020"]
    for candidate in found:
        assert candidate.statement == "Japan approved a record defense budget of $50 billion for 2020."


def test_a_source_gets_at_most_the_configured_number_of_candidates_and_is_told_so(db, settings):
    settings.CLAIMBOOK = {**settings.CLAIMBOOK, "MAX_CANDIDATES_PER_SOURCE": 100}
    text = ", ".join(str(n) for n in range(2, 1_002)) + "."
    source = SourceFactory(text=text)
    report = services.source_propose_claims(source=source)
    assert len(report.created) == Claim.objects.filter(source=source).count() == 100
    stopped_at = text.index("102")
    assert report.capped_at == stopped_at
    assert report.summary() == (
        f"Source {source.pk}: 100 candidate claims proposed, 0 already claimed or dismissed. The extractor "
        "stopped at 100 candidates, the most a source gets (CLAIMBOOK_MAX_CANDIDATES_PER_SOURCE): the text from "
        f"character {stopped_at:,} of {len(text):,} on was not searched."
    )
    again = services.source_propose_claims(source=source)
    assert (len(again.created), again.already_claimed) == (0, 100)


def test_every_statement_the_extractor_stores_fits_the_model(db):
    source = SourceFactory(text="The rockets flew " + "5 km and " * 3_000 + "6 km.")
    report = services.source_propose_claims(source=source)
    assert len(report.created) == 3_001
    longest = max(len(claim.statement) for claim in Claim.objects.filter(source=source))
    assert longest <= STATEMENT_MAX_CHARS


@pytest.mark.parametrize(
    ("text", "quotes"),
    [
        ("Prices rose 5\u0301 times; exports rose 7 percent.", ["7 percent"]),
        ("Japan spent $50 billion\u200c in 2020.", ["2020"]),  # a zero-width non-joiner extends the cluster
        ("The budget grew by 12 percent\u200c last year.", []),
        ("Exports rose to \u0600500 million dollars in 2019.", ["2019"]),  # after an Arabic number sign
        ("In 2019\u0903 Japan spent $5 billion.", ["$5 billion"]),  # before a Devanagari spacing mark
    ],
)
def test_a_figure_that_would_cut_a_character_apart_is_not_proposed(text, quotes):
    found = extraction.candidates(text)
    assert [c.quote for c in found] == quotes
    for candidate in found:
        assert spans.check_span(text, candidate.span_start, candidate.span_end) == candidate.quote


# -- one vocabulary of units -------------------------------------------------------------------


def test_every_unit_the_extractor_can_produce_is_a_unit_of_the_model():
    assert extraction.UNITS_PRODUCED <= units.CODES == set(Claim.Unit.values)


def test_every_unit_found_in_the_test_texts_is_a_unit_of_the_model():
    texts = [ROOT / "seeds" / "korea-the-staredown.txt", *sorted((ROOT / "tests" / "data").glob("*.txt"))]
    found = {c.unit for path in texts for c in extraction.candidates(path.read_text(encoding="utf-8"))}
    assert found <= set(Claim.Unit.values)
    assert {"percent", "USD", "km", "year"} <= found


def test_a_quantity_with_a_unit_outside_the_vocabulary_cannot_be_made():
    with pytest.raises(ValueError, match=r"^'furlong' is not a unit Claimbook knows; use one of: EUR, GBP"):
        extraction.Quantity(0, 1, 1, "furlong", "exact")


MEASURES = "The race took 2 hours and 41 seconds. The parcel weighed 5 kg. Support fell 3 percentage points."


@pytest.mark.django_db
def test_proposed_units_can_be_edited_and_filtered_like_any_other(editor_api):
    source = SourceFactory(text=MEASURES)
    call_command("extract_claims", str(source.pk), verbosity=0)
    by_unit = dict(Claim.objects.filter(source=source).values_list("unit", "quote"))
    assert by_unit == {"hour": "2 hours", "second": "41 seconds", "kg": "5 kg", "point": "3 percentage points"}
    for unit in by_unit:
        claim = Claim.objects.get(source=source, unit=unit)
        response = editor_api.patch(
            f"/api/claims/{claim.pk}/", {"subject": "Checked"}, HTTP_IF_MATCH=f'"{claim.pk}-{claim.version}"'
        )
        assert response.status_code == 200, response.json()
        listed = editor_api.get("/api/claims/", {"unit": unit}).json()["results"]
        assert [row["id"] for row in listed] == [claim.pk]


@pytest.mark.django_db
def test_the_api_schema_lists_the_one_vocabulary_of_units():
    import yaml

    schema = yaml.safe_load(APIClient().get("/api/schema/").content)
    assert set(schema["components"]["schemas"]["UnitEnum"]["enum"]) == units.CODES
