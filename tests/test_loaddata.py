"""Fixtures go through the same span check as forms: one bad claim and nothing loads."""

import json

import pytest
from django.core.management import CommandError, call_command

from claims.models import Claim, Fact, ReviewNote, Source
from claims.spans import sha256_of

pytestmark = pytest.mark.django_db(transaction=True)

GOOD_QUOTE = "Japan approved a record defense budget of $50 billion for 2020"


def fixture_rows(text: str, bad_claim: dict | None = None, source_fields: dict | None = None) -> list[dict]:
    start = text.index(GOOD_QUOTE)
    source = {
        "title": "Korea: The Staredown",
        "publisher": "StrategyPage",
        "text": text,
        "sha256": sha256_of(text),
        "created_at": "2019-09-12T13:00:00Z",
        "updated_at": "2019-09-12T13:00:00Z",
        **(source_fields or {}),
    }
    claim = {
        "source": 1,
        "span_start": start,
        "span_end": start + len(GOOD_QUOTE),
        "quote": GOOD_QUOTE,
        "statement": "Japan approved a record defense budget of $50 billion for 2020.",
        "kind": "quantitative",
        "value": "50000000000",
        "unit": "USD",
        "qualifier": "exact",
        "created_at": "2019-09-12T13:00:00Z",
        "updated_at": "2019-09-12T13:00:00Z",
        "fact": 1,
    }
    fact = {
        name: claim[name] for name in ("statement", "kind", "value", "unit", "qualifier", "created_at", "updated_at")
    }
    rows = [
        {"model": "claims.source", "pk": 1, "fields": source},
        {"model": "claims.fact", "pk": 1, "fields": {**fact, "subject": "Japan"}},
        {"model": "claims.claim", "pk": 1, "fields": claim},
    ]
    if bad_claim is not None:
        rows.append({"model": "claims.claim", "pk": 2, "fields": {**claim, **bad_claim}})
    return rows


def write(tmp_path, rows) -> str:
    path = tmp_path / "claims-fixture.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    return str(path)


def assert_nothing_loaded():
    assert Source.objects.count() == 0
    assert Claim.objects.count() == 0
    assert Fact.objects.count() == 0
    assert ReviewNote.objects.count() == 0


def test_a_fixture_with_valid_spans_loads(tmp_path, seed_text):
    call_command("loaddata", write(tmp_path, fixture_rows(seed_text)), verbosity=0)
    claim = Claim.objects.get()
    assert claim.quote == seed_text[claim.span_start : claim.span_end] == GOOD_QUOTE
    assert claim.prefix == seed_text[claim.span_start - 32 : claim.span_start]
    assert claim.anchored_sha256 == Source.objects.get().sha256


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (
            {"span_start": 23600, "span_end": 23700, "quote": ""},
            "span_end 23700 is past the end of the source text (23669 characters).",
        ),
        (
            {"span_start": 23700, "span_end": 23710, "quote": ""},
            "span_start 23700 is past the end of the source text (23669 characters).",
        ),
        (
            {"span_start": 500, "span_end": 480, "quote": ""},
            "span_end 480 must be greater than span_start 500: a claim's span cannot be empty.",
        ),
        ({"span_start": -3, "span_end": 10, "quote": ""}, "span_start -3 is negative; offsets count from 0."),
        (
            {"quote": "Japan approved a record defense budget of $60 billion for 2020"},
            "quote does not match the source text at 19108-19170: the text there is "
            "'Japan approved a record defense budget of $50 billion for 2…', "
            "the quote is 'Japan approved a record defense budget of $60 billion for 2…'.",
        ),
        ({"source": 9}, "source 9 does not exist; load sources before their claims."),
    ],
    ids=[
        "span-end-past-text",
        "span-start-past-text",
        "reversed-span",
        "negative-start",
        "quote-mismatch",
        "no-source",
    ],
)
def test_a_fixture_with_one_bad_claim_is_refused_whole_naming_the_claim(tmp_path, seed_text, bad, reason):
    path = write(tmp_path, fixture_rows(seed_text, bad_claim=bad))
    with pytest.raises(CommandError) as raised:
        call_command("loaddata", path, verbosity=0)
    assert str(raised.value) == (
        f"Problem installing fixture '{path}': Could not load claims.Claim(pk=2): {reason} Nothing was loaded."
    )
    assert_nothing_loaded()


def test_a_fixture_whose_sha256_does_not_match_its_text_is_refused(tmp_path, seed_text):
    path = write(tmp_path, fixture_rows(seed_text, source_fields={"sha256": "0" * 64}))
    with pytest.raises(CommandError) as raised:
        call_command("loaddata", path, verbosity=0)
    assert str(raised.value) == (
        f"Problem installing fixture '{path}': Could not load claims.Source(pk=1): sha256 {'0' * 64} is not the "
        f"SHA-256 of the text ({sha256_of(seed_text)}). Nothing was loaded."
    )
    assert_nothing_loaded()


def test_a_fixture_whose_text_is_not_normalised_is_refused(tmp_path, seed_text):
    crlf = seed_text.replace("\n", "\r\n")
    path = write(tmp_path, fixture_rows(crlf, source_fields={"sha256": sha256_of(crlf)}))
    with pytest.raises(CommandError, match=r"Could not load claims\.Source\(pk=1\): text is not normalised"):
        call_command("loaddata", path, verbosity=0)
    assert_nothing_loaded()


def test_loaddata_through_manage_py_exits_non_zero_without_a_traceback(tmp_path, seed_text):
    # The command line is checked against its own SQLite file, whichever database the suite uses.
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    database = tmp_path / "cli.sqlite3"
    env = {**os.environ, "DATABASE_URL": "", "SQLITE_PATH": str(database)}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    path = write(tmp_path, fixture_rows(seed_text, bad_claim={"span_start": 23600, "span_end": 23700, "quote": ""}))
    result = subprocess.run(
        [sys.executable, "manage.py", "loaddata", path], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"CommandError: Problem installing fixture '{path}': Could not load claims.Claim(pk=2): "
        "span_end 23700 is past the end of the source text (23669 characters). Nothing was loaded."
    )
