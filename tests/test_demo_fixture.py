"""The demo fixture: the seed article and every claim in it, reviewed as a newsroom would."""

from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from claims.models import Claim, Evidence, ReviewNote, Source
from claims.spans import sha256_of
from tests.test_seed import SEED_SHA256

VERDICTS = {Claim.Status.VERIFIED, Claim.Status.DISPUTED, Claim.Status.FALSE}
REVIEWED = VERDICTS | {Claim.Status.UNVERIFIABLE}


def test_the_demo_source_is_the_seed_article_byte_for_byte(demo, seed_text):
    assert demo.text == seed_text
    assert demo.sha256 == sha256_of(seed_text) == SEED_SHA256
    assert (demo.title, demo.publisher, demo.published_on.isoformat()) == (
        "Korea: The Staredown",
        "StrategyPage",
        "2019-09-12",
    )


def test_every_demo_claim_quotes_exactly_its_span(demo):
    claims = list(demo.claims.all())
    assert len(claims) > 50
    for claim in claims:
        assert claim.quote == demo.text[claim.span_start : claim.span_end], claim.pk
        assert claim.quote == claim.quote.strip(), claim.pk
        assert claim.prefix == demo.text[max(0, claim.span_start - 32) : claim.span_start], claim.pk
        assert claim.suffix == demo.text[claim.span_end : claim.span_end + 32], claim.pk
        assert claim.anchor_state == Claim.AnchorState.EXACT
        assert claim.anchored_sha256 == demo.sha256


def test_every_demo_claim_has_a_standalone_statement_and_a_subject(demo):
    for claim in demo.claims.exclude(status=Claim.Status.DISMISSED):
        assert claim.statement.endswith((".", '."', ".”")), claim.pk
        assert claim.statement[0].isupper() or claim.statement[0].isdigit(), claim.pk
        assert len(claim.statement.split()) >= 5, claim.pk
        assert claim.statement != claim.quote, claim.pk
        assert claim.subject, claim.pk


def test_every_quantitative_demo_claim_has_value_unit_and_qualifier(demo):
    quantitative = demo.claims.filter(kind=Claim.Kind.QUANTITATIVE)
    assert quantitative.count() > 40
    for claim in quantitative:
        assert claim.value is not None, claim.pk
        assert claim.unit in Claim.Unit.values, claim.pk
        assert claim.qualifier in Claim.Qualifier.values, claim.pk
    for claim in demo.claims.filter(kind=Claim.Kind.FACTUAL):
        assert (claim.value, claim.unit, claim.qualifier) == (None, "", ""), claim.pk


@pytest.mark.parametrize(
    ("quote_part", "value", "unit", "qualifier"),
    [
        ("$50 billion", "50000000000", "USD", "exact"),
        ("about three times more refined petroleum products", "3", "ratio", "about"),
        ("less than fifty", "50", "count", "less_than"),
        ("6.9 percent", "6.9", "percent", "exact"),
        ("about 330 kilometers", "330", "km", "about"),
    ],
)
def test_the_demo_reads_the_article_figures_as_a_fact_checker_would(demo, quote_part, value, unit, qualifier):
    matches = [c for c in demo.claims.filter(kind=Claim.Kind.QUANTITATIVE) if quote_part in c.quote]
    assert matches, quote_part
    found = [(c.quote, c.value, c.unit, c.qualifier) for c in matches]
    assert any((v, u, q) == (Decimal(value), unit, qualifier) for _, v, u, q in found), found


def test_the_demo_has_the_statuses_of_a_working_newsroom(demo):
    statuses = Counter(demo.claims.values_list("status", flat=True))
    assert set(statuses) == set(Claim.Status.values)
    assert statuses[Claim.Status.VERIFIED] >= statuses[Claim.Status.FALSE]
    assert all(claim.origin == Claim.Origin.EXTRACTOR for claim in demo.claims.filter(status="dismissed"))


def test_every_demo_verdict_rests_on_evidence_or_a_note_saying_why_there_is_none(demo):
    for claim in demo.claims.filter(status__in=VERDICTS):
        assert claim.evidence.exists() or claim.notes.exists(), claim.pk
    for claim in demo.claims.filter(status=Claim.Status.UNVERIFIABLE):
        assert claim.notes.exists(), claim.pk


def test_reviewed_demo_claims_say_who_reviewed_them_and_when(demo):
    for claim in demo.claims.all():
        if claim.status in REVIEWED:
            assert claim.reviewed_by is not None, claim.pk
            assert claim.reviewed_at is not None, claim.pk
            assert claim.reviewed_at >= claim.created_at, claim.pk
        else:
            assert (claim.reviewed_by, claim.reviewed_at) == (None, None), claim.pk


def test_demo_evidence_links_are_real_web_addresses(demo):
    evidence = Evidence.objects.filter(claim__source=demo)
    assert evidence.count() >= 20
    for item in evidence:
        assert item.url.startswith("https://") or item.url.startswith("http://"), item.pk
        assert item.title, item.pk
        assert item.stance in Evidence.Stance.values, item.pk
    assert set(evidence.values_list("stance", flat=True)) == set(Evidence.Stance.values)


def test_the_demo_notes_flag_where_the_article_contradicts_itself(demo):
    notes = " ".join(ReviewNote.objects.values_list("body", flat=True)).lower()
    increase = demo.claims.get(quote__contains="increase of over $47 billion")
    assert increase.status in {Claim.Status.DISPUTED, Claim.Status.FALSE}
    occupation = demo.claims.get(quote__contains="40 years")
    assert occupation.status in {Claim.Status.DISPUTED, Claim.Status.FALSE}
    assert "35" in " ".join(occupation.notes.values_list("body", flat=True))
    assert "18" in notes


def test_demo_reviewers_cannot_log_in(demo):
    reviewers = get_user_model().objects.filter(reviewed_claims__isnull=False).distinct()
    assert reviewers.count() >= 2
    for user in reviewers:
        assert not user.has_usable_password(), user.username


def test_loading_the_demo_twice_changes_nothing(demo):
    counts = (Claim.objects.count(), ReviewNote.objects.count(), Evidence.objects.count())
    call_command("loaddata", "demo", verbosity=0)
    assert (Claim.objects.count(), ReviewNote.objects.count(), Evidence.objects.count()) == counts
    assert Source.objects.count() == 1
