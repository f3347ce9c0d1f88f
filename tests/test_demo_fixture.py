"""The demo fixture: the seed article and every claim in it, reviewed as a newsroom would, and
three follow-up articles written for the demo whose claims repeat or contradict its facts."""

import json
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from claims import services
from claims.models import Claim, Evidence, Fact, FactMatch, ReviewNote, Source
from claims.spans import find_all, sha256_of
from tests.conftest import ROOT
from tests.test_seed import SEED_SHA256

VERDICTS = {Claim.Status.VERIFIED, Claim.Status.DISPUTED, Claim.Status.FALSE}
REVIEWED = VERDICTS | {Claim.Status.UNVERIFIABLE}
FOLLOWUPS = json.loads((ROOT / "seeds" / "demo-followups.json").read_text(encoding="utf-8"))
MONEY = {"USD", "EUR", "GBP", "JPY", "KRW"}


def test_the_demo_source_is_the_seed_article_byte_for_byte(demo, seed_text):
    assert demo.text == seed_text
    assert demo.sha256 == sha256_of(seed_text) == SEED_SHA256
    assert (demo.title, demo.publisher, demo.published_on.isoformat()) == (
        "Korea: The Staredown",
        "StrategyPage",
        "2019-09-12",
    )


def test_every_demo_claim_quotes_exactly_its_span(demo):
    assert demo.claims.count() > 50
    claims = list(Claim.objects.select_related("source"))
    assert {claim.source_id for claim in claims} == {1, 2, 3, 4}
    for claim in claims:
        text = claim.source.text
        assert claim.quote == text[claim.span_start : claim.span_end], claim.pk
        assert claim.quote == claim.quote.strip(), claim.pk
        assert claim.prefix == text[max(0, claim.span_start - 32) : claim.span_start], claim.pk
        assert claim.suffix == text[claim.span_end : claim.span_end + 32], claim.pk
        assert claim.anchor_state == Claim.AnchorState.EXACT
        assert claim.anchored_sha256 == claim.source.sha256


def test_every_demo_claim_has_a_standalone_statement_and_a_subject(demo):
    for claim in Claim.objects.exclude(status=Claim.Status.DISMISSED):
        assert claim.statement.endswith((".", '."', ".”")), claim.pk
        assert claim.statement[0].isupper() or claim.statement[0].isdigit(), claim.pk
        assert len(claim.statement.split()) >= 5, claim.pk
        assert claim.statement != claim.quote, claim.pk
        assert claim.subject, claim.pk


def test_every_quantitative_demo_claim_has_value_unit_and_qualifier(demo):
    assert demo.claims.filter(kind=Claim.Kind.QUANTITATIVE).count() > 40
    for claim in Claim.objects.filter(kind=Claim.Kind.QUANTITATIVE):
        assert claim.value is not None, claim.pk
        assert claim.unit in Claim.Unit.values, claim.pk
        assert claim.qualifier in Claim.Qualifier.values, claim.pk
    for claim in Claim.objects.filter(kind=Claim.Kind.FACTUAL):
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
    for claim in Claim.objects.filter(status__in=VERDICTS):
        assert claim.evidence.exists() or claim.notes.exists(), claim.pk
    for claim in Claim.objects.filter(status=Claim.Status.UNVERIFIABLE):
        assert claim.notes.exists(), claim.pk


def test_reviewed_demo_claims_say_who_reviewed_them_and_when(demo):
    for claim in Claim.objects.all():
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
    followups = Evidence.objects.exclude(claim__source=demo)
    assert followups.count() >= 5
    for item in followups:
        assert item.url.startswith(("https://", "http://")), item.pk
        assert item.title, item.pk
        assert item.created_at >= item.claim.created_at, item.pk


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
    def counts():
        models = (Claim, ReviewNote, Evidence, Fact, FactMatch)
        return tuple(model.objects.count() for model in models)

    before = counts()
    call_command("loaddata", "demo", verbosity=0)
    assert counts() == before
    assert Source.objects.count() == 4


# -- the follow-up articles --------------------------------------------------------------


def followup_sources() -> dict[str, Source]:
    """The follow-up articles by their seeds file."""
    return {spec["file"]: Source.objects.get(url=spec["url"]) for spec in FOLLOWUPS}


def seed_fact_ids(demo) -> set[int]:
    return set(demo.claims.values_list("fact_id", flat=True))


def test_the_follow_up_articles_are_their_seeds_files_labelled_as_written_for_the_demo(demo):
    sources = followup_sources()
    assert len(sources) == 3
    assert set(Source.objects.values_list("pk", flat=True)) == {demo.pk} | {s.pk for s in sources.values()}
    for spec in FOLLOWUPS:
        source = sources[spec["file"]]
        data = (ROOT / "seeds" / spec["file"]).read_bytes()
        assert source.text == data.decode("utf-8"), spec["file"]
        assert source.sha256 == sha256_of(source.text)
        assert (source.title, source.publisher, source.published_on.isoformat()) == (
            spec["title"],
            "Meridian Wire (written for the Claimbook demo)",
            spec["published_on"],
        )
        assert source.created_at > demo.created_at


def test_every_follow_up_claim_is_the_one_occurrence_of_its_quote_with_the_seeds_fields(demo):
    sources = followup_sources()
    for spec in FOLLOWUPS:
        source = sources[spec["file"]]
        stored = {claim.quote: claim for claim in source.claims.all()}
        assert sorted(stored) == sorted(item["quote"] for item in spec["claims"]), spec["file"]
        for item in spec["claims"]:
            claim = stored[item["quote"]]
            assert find_all(source.text, item["quote"]) == [claim.span_start], item["quote"]
            assert claim.span_end == claim.span_start + len(item["quote"])
            got = (claim.statement, claim.kind, claim.subject, claim.value, claim.unit, claim.qualifier)
            value = None if item["value"] is None else Decimal(item["value"])
            unit, qualifier = item["unit"] or "", item["qualifier"] or ""
            want = (item["statement"], item["kind"], item["subject"], value, unit, qualifier)
            assert got == want, item["quote"]
            as_of = (claim.as_of.isoformat() if claim.as_of else None, claim.as_of_precision)
            assert as_of == (item["as_of"], item["as_of_precision"] or ""), item["quote"]


def test_follow_up_claims_come_after_the_seed_article_from_editors_and_the_extractor(demo):
    seed_last = max(demo.claims.values_list("updated_at", flat=True))
    followups = Claim.objects.exclude(source=demo)
    assert followups.count() == sum(len(spec["claims"]) for spec in FOLLOWUPS)
    for claim in followups:
        assert claim.created_at > seed_last, claim.pk
        assert claim.updated_at >= claim.created_at, claim.pk
    extracted = followups.filter(origin=Claim.Origin.EXTRACTOR)
    assert extracted.exists()
    assert followups.filter(origin=Claim.Origin.EDITOR).exists()
    for claim in extracted:
        assert 0 < claim.confidence <= 1, claim.pk
        assert claim.extractor_version, claim.pk
    for fact in Fact.objects.exclude(pk__in=seed_fact_ids(demo)):
        assert fact.created_at > seed_last, fact.pk


def test_every_demo_fact_has_a_claim_and_every_claim_shows_its_facts_verdict(demo):
    assert not Fact.objects.filter(claims__isnull=True).exists()
    for claim in Claim.objects.exclude(status=Claim.Status.DISMISSED).select_related("fact"):
        if claim.fact.status in REVIEWED:
            assert claim.status == claim.fact.status, claim.pk
    # A fact shared by several claims got them through confirmed matches, each with a note naming it.
    for fact in Fact.objects.all():
        _founding, *others = fact.claims.order_by("pk")
        for claim in others:
            assert FactMatch.objects.filter(
                claim=claim, fact=fact, relation="same", state=FactMatch.State.CONFIRMED
            ).exists(), claim.pk
            notes = " ".join(claim.notes.values_list("body", flat=True))
            assert f"Confirmed as an appearance of fact {fact.pk}, " in notes, claim.pk


def test_every_confirmed_same_match_is_an_appearance_of_its_fact_decided_by_an_editor(demo):
    confirmed = FactMatch.objects.filter(relation="same", state=FactMatch.State.CONFIRMED).select_related(
        "claim", "fact", "decided_by"
    )
    assert confirmed.count() >= 20
    for match in confirmed:
        assert match.claim.fact_id == match.fact_id, match.pk
        assert match.decided_by.is_staff, match.pk
        assert match.decided_at >= match.created_at, match.pk
        if match.fact.status in REVIEWED:
            assert match.claim.status == match.fact.status, match.pk
            assert match.claim.reviewed_by == match.decided_by, match.pk


def test_the_follow_ups_repeat_round_convert_and_contradict_the_seed_facts(demo):
    seed_facts = seed_fact_ids(demo)
    appearances = Claim.objects.exclude(source=demo).filter(fact_id__in=seed_facts).select_related("fact")
    assert appearances.values("source").distinct().count() >= 2
    rounded = [c for c in appearances if c.unit and c.unit == c.fact.unit and c.value != c.fact.value]
    converted = [c for c in appearances if c.unit and c.unit != c.fact.unit]
    assert rounded, "no appearance restates its fact's figure rounded"
    assert {(c.unit, c.fact.unit) for c in converted} >= {("JPY", "USD"), ("mile", "km")}
    conflicts = FactMatch.objects.filter(relation="conflicts", fact_id__in=seed_facts).exclude(claim__source=demo)
    open_conflicts = conflicts.filter(state=FactMatch.State.SUGGESTED)
    assert open_conflicts.count() >= 2
    assert open_conflicts.values("claim__source").distinct().count() >= 1
    for match in open_conflicts:
        assert match.claim.fact_id != match.fact_id  # a contradiction keeps a fact of its own
        assert match.fact.claims.filter(source=demo).exists()  # ... and flags the seed article's claim
    for match in conflicts.filter(state=FactMatch.State.CONFIRMED):
        notes = " ".join(match.claim.notes.values_list("body", flat=True))
        assert f"Conflict confirmed: this claim contradicts fact {match.fact_id}, " in notes, match.pk


def test_an_editor_trying_the_demo_can_confirm_a_suggested_appearance(demo, editor):
    suggested = FactMatch.objects.filter(relation="same", state=FactMatch.State.SUGGESTED)
    assert 1 <= suggested.count() <= 2
    match = suggested.select_related("claim", "fact").first()
    fact, claim = match.fact, match.claim
    assert claim.status == Claim.Status.UNREVIEWED
    assert fact.status == Claim.Status.VERIFIED
    own = claim.fact_id

    services.match_confirm(match=match, by=editor)

    claim.refresh_from_db()
    assert (claim.fact_id, claim.status, claim.reviewed_by) == (fact.pk, fact.status, editor)
    assert claim.notes.last().body.startswith(f"Confirmed as an appearance of fact {fact.pk}, ")
    assert not Fact.objects.filter(pk=own).exists()  # the claim's own fact had no other appearance


# Where one sentence ends and the next begins: a full stop after a lowercase letter, digit or closing mark.
SENTENCE_END = re.compile(r"(?<=[a-z0-9)%\"'])[.!?]\s+(?=[A-Z])")


def test_every_public_demo_claim_has_a_public_rationale_shared_by_its_facts_appearances(demo):
    public = list(Claim.objects.filter(status__in=REVIEWED).select_related("fact"))
    assert len(public) == 126
    for claim in public:
        sentences = SENTENCE_END.split(claim.rationale)  # "U.S. Trade" is no sentence end: "S." follows no lowercase
        assert 1 <= len(sentences) <= 3, (claim.pk, claim.rationale)
        assert claim.rationale.endswith("."), claim.pk
        assert len(claim.rationale.split()) >= 8, claim.pk
        assert claim.rationale == claim.fact.rationale, claim.pk
        assert claim.rationale not in {n.body for n in claim.notes.all()}, claim.pk  # written for readers
    assert not Claim.objects.exclude(status__in=REVIEWED).exclude(rationale="").exists()


def test_the_demo_feed_carries_each_public_claims_rationale(demo):
    from claims.models import ChangeEvent

    latest = {event.claim_id: event for event in ChangeEvent.objects.order_by("seq")}
    for claim in Claim.objects.filter(status__in=REVIEWED):
        assert latest[claim.pk].payload["rationale"] == claim.rationale, claim.pk
