"""Facts: every claim an appearance of one; matches suggested, confirmed or rejected by editors;
one verdict for every appearance; conflicts flagged until resolved."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from claims import services
from claims.models import Claim, Fact, FactMatch, ReviewNote
from tests.factories import SourceFactory

FIRST = "Japan approved a record defense budget of $50 billion for fiscal 2020, the ministry said."
SECOND = "Tokyo will spend a record $49.7 billion on its military in fiscal 2020."
THIRD = "Japan's defence budget for fiscal 2020 is $46 billion, a government paper shows."
OTHER_YEAR = "Japan's defense budget for fiscal 2019 was $47 billion."


def claim_on(text: str, quote: str, *, by=None, **fields) -> Claim:
    source = SourceFactory(text=text)
    start = text.index(quote)
    values = {
        "statement": text,
        "kind": "quantitative",
        "subject": "Japan",
        "unit": "USD",
        "qualifier": "exact",
        "as_of": "2020-01-01",
        "as_of_precision": "year",
    }
    values.update(fields)
    return services.claim_create(source=source, by=by, span_start=start, span_end=start + len(quote), **values)


@pytest.fixture
def reviewer(editor):
    return editor


@pytest.fixture
def verified_fact(reviewer):
    """The $50 billion budget, verified."""
    claim = claim_on(FIRST, "$50 billion", by=reviewer, value=Decimal("50000000000"))
    services.claim_transition(claim=claim, to="in_review", by=reviewer)
    services.claim_transition(claim=claim, to="verified", by=reviewer, note="Matches the ministry's budget paper.")
    claim.refresh_from_db()
    return claim


@pytest.mark.django_db
def test_a_new_claim_starts_a_fact_of_its_own_with_its_statement_and_quantity(editor):
    claim = claim_on(FIRST, "$50 billion", by=editor, value=Decimal("50000000000"))
    fact = claim.fact
    assert (fact.statement, fact.subject, fact.value, fact.unit, fact.status) == (
        FIRST,
        "Japan",
        Decimal("50000000000"),
        "USD",
        "unreviewed",
    )
    assert list(fact.claims.all()) == [claim]
    assert fact.history.count() == 1


@pytest.mark.django_db
def test_a_claim_restating_a_known_fact_gets_it_suggested_as_the_same_fact(verified_fact, editor):
    restated = claim_on(SECOND, "$49.7 billion", by=editor, value=Decimal("49700000000"))
    match = FactMatch.objects.get(claim=restated)
    assert (match.fact_id, match.relation, match.state) == (verified_fact.fact_id, "same", "suggested")
    assert 0.6 <= match.score <= 1
    assert "49700000000 USD agrees with 50000000000 USD" in match.reasons
    assert restated.fact_id != verified_fact.fact_id  # nothing is linked until an editor confirms


@pytest.mark.django_db
def test_a_claim_contradicting_a_known_fact_is_flagged_as_a_conflict(verified_fact, editor):
    contradicting = claim_on(THIRD, "$46 billion", by=editor, value=Decimal("46000000000"))
    match = FactMatch.objects.get(claim=contradicting)
    assert (match.fact_id, match.relation) == (verified_fact.fact_id, "conflicts")
    assert "46000000000 USD is outside what 50000000000 USD (exact) allows" in match.reasons


@pytest.mark.django_db
def test_the_same_words_for_another_year_suggest_nothing(verified_fact, editor):
    other = claim_on(OTHER_YEAR, "$47 billion", by=editor, value=Decimal("47000000000"), as_of="2019-01-01")
    assert not FactMatch.objects.filter(claim=other).exists()


@pytest.mark.django_db
def test_confirming_joins_the_fact_and_takes_its_verdict_with_a_note_naming_fact_and_reviewer(verified_fact, editor):
    restated = claim_on(SECOND, "$49.7 billion", by=editor, value=Decimal("49700000000"))
    own_fact = restated.fact_id
    match = FactMatch.objects.get(claim=restated)

    claim = services.match_confirm(match=match, by=editor, expected_version=restated.version)

    claim.refresh_from_db()
    assert claim.fact_id == verified_fact.fact_id
    assert claim.status == "verified"
    assert claim.reviewed_by == editor
    assert not Fact.objects.filter(pk=own_fact).exists()  # its own fact had no other appearance
    note = ReviewNote.objects.filter(claim=claim).latest("id").body
    assert note == (
        f"Confirmed as an appearance of fact {verified_fact.fact_id}, {FIRST!r}; the claim takes the fact's "
        f"verdict, verified, given by {editor.get_username()} (it was unreviewed)."
    )
    match.refresh_from_db()
    assert (match.state, match.decided_by) == ("confirmed", editor)
    assert claim.version == restated.version + 1


@pytest.mark.django_db
def test_confirming_without_the_verdict_leaves_the_claim_to_review(verified_fact, editor):
    restated = claim_on(SECOND, "$49.7 billion", by=editor, value=Decimal("49700000000"))
    services.match_confirm(match=FactMatch.objects.get(claim=restated), by=editor, adopt_verdict=False)
    restated.refresh_from_db()
    assert (restated.fact_id, restated.status) == (verified_fact.fact_id, "unreviewed")


@pytest.mark.django_db
def test_a_verdict_given_later_holds_for_every_appearance_each_with_its_history_row(verified_fact, editor):
    restated = claim_on(SECOND, "$49.7 billion", by=editor, value=Decimal("49700000000"))
    services.match_confirm(match=FactMatch.objects.get(claim=restated), by=editor)
    rows_before = restated.history.count()

    services.claim_transition(claim=verified_fact, to="in_review", by=editor, note="A new budget paper came out.")
    restated.refresh_from_db()
    assert restated.status == "in_review"
    services.claim_transition(claim=restated, to="false", by=editor, note="The final budget was $47 billion.")

    verified_fact.refresh_from_db()
    restated.refresh_from_db()
    assert verified_fact.status == restated.status == verified_fact.fact.status == "false"
    assert verified_fact.fact.reviewed_by == editor
    assert restated.history.count() == rows_before + 2
    assert ReviewNote.objects.filter(claim=verified_fact, author=None).latest("id").body == (
        f"Verdict of fact {verified_fact.fact_id}, {FIRST!r}: {editor.get_username()} marked it false on claim "
        f"{restated.pk}. Every appearance of the fact shows its verdict."
    )


@pytest.mark.django_db
def test_a_rejected_match_is_never_suggested_again(verified_fact, editor):
    restated = claim_on(SECOND, "$49.7 billion", by=editor, value=Decimal("49700000000"))
    match = FactMatch.objects.get(claim=restated)
    services.match_reject(match=match, by=editor, expected_version=restated.version)
    restated.refresh_from_db()

    services.claim_update(claim=restated, by=editor, data={"value": Decimal("49800000000")})

    assert list(FactMatch.objects.filter(claim=restated).values_list("fact_id", "state")) == [
        (verified_fact.fact_id, "rejected")
    ]


@pytest.mark.django_db
def test_a_decided_match_and_a_stale_version_are_refused_and_nothing_is_written(verified_fact, editor):
    restated = claim_on(SECOND, "$49.7 billion", by=editor, value=Decimal("49700000000"))
    match = FactMatch.objects.get(claim=restated)
    with pytest.raises(services.StaleVersion):
        services.match_confirm(match=match, by=editor, expected_version=restated.version - 1)
    restated.refresh_from_db()
    assert restated.fact_id != verified_fact.fact_id
    services.match_reject(match=match, by=editor)
    with pytest.raises(services.MatchDecided) as refused:
        services.match_confirm(match=match, by=editor)
    assert refused.value.message == (
        f"The match of claim {restated.pk} with fact {verified_fact.fact_id} was rejected by "
        f"{editor.get_username()} already; nothing was changed."
    )


@pytest.mark.django_db
def test_confirming_a_conflict_lifts_the_flag_and_keeps_the_claim_apart(verified_fact, editor):
    contradicting = claim_on(THIRD, "$46 billion", by=editor, value=Decimal("46000000000"))
    match = FactMatch.objects.get(claim=contradicting)
    services.match_confirm(match=match, by=editor)
    contradicting.refresh_from_db()
    assert contradicting.fact_id != verified_fact.fact_id
    assert not FactMatch.objects.filter(relation="conflicts", state="suggested").exists()
    assert ReviewNote.objects.filter(claim=contradicting).latest("id").body == (
        f"Conflict confirmed: this claim contradicts fact {verified_fact.fact_id}, {FIRST!r} (verified)."
    )


@pytest.mark.django_db
def test_changing_what_a_shared_appearance_says_moves_it_out_to_a_fact_of_its_own(verified_fact, editor):
    restated = claim_on(SECOND, "$49.7 billion", by=editor, value=Decimal("49700000000"))
    services.match_confirm(match=FactMatch.objects.get(claim=restated), by=editor)
    restated.refresh_from_db()

    services.claim_update(claim=restated, by=editor, data={"subject": "South Korea"})

    restated.refresh_from_db()
    assert restated.fact_id != verified_fact.fact_id
    assert restated.fact.subject == "South Korea"
    assert restated.status == "in_review"  # its verdict no longer holds
    assert Claim.objects.filter(fact_id=verified_fact.fact_id).count() == 1


@pytest.mark.django_db
def test_a_lone_fact_follows_its_claim_and_goes_with_it(editor):
    claim = claim_on(FIRST, "$50 billion", by=editor, value=Decimal("50000000000"))
    services.claim_update(claim=claim, by=editor, data={"value": Decimal("51000000000")})
    claim.refresh_from_db()
    assert claim.fact.value == Decimal("51000000000")
    assert claim.fact.history.count() == 2
    fact_id = claim.fact_id
    services.claim_delete(claim=claim, by=editor)
    assert not Fact.objects.filter(pk=fact_id).exists()


@pytest.mark.django_db
def test_a_claim_saved_without_a_service_still_gets_a_fact_of_its_own():
    source = SourceFactory(text=FIRST)
    claim = Claim.objects.create(
        source=source, span_start=0, span_end=5, statement="Japan approved it.", kind="factual", status="dismissed"
    )
    assert claim.fact.statement == "Japan approved it."
    assert claim.fact.status == "unreviewed"


@pytest.mark.django_db
def test_proposing_claims_for_an_article_suggests_the_known_facts_it_repeats(editor):
    call_command("loaddata", "demo", verbosity=0)
    text = (
        "Tokyo's cabinet approved a record 5.31 trillion yen ($48.6 billion) defence budget for fiscal 2020.\n\n"
        "North Korea's new rockets flew about 205 miles on Sept. 10, officials in Seoul said.\n"
    )
    source = services.source_import(text=text, title="Follow-up", published_on=None).source

    report = services.source_propose_claims(source=source, by=editor)

    suggested = {(m.claim.quote, m.fact_id, m.relation) for m in report.suggested}
    assert ("5.31 trillion yen", 85, "same") in suggested  # Japan's $50 billion budget for fiscal 2020
    assert ("$48.6 billion", 85, "same") in suggested
    assert ("about 205 miles", 56, "same") in suggested  # about 330 km
    assert f"{len({m.claim_id for m in report.suggested})} may repeat a known fact" in report.summary()


@pytest.mark.django_db
@pytest.mark.parametrize("adopt", [True, False], ids=["adopting", "plain"])
def test_confirming_a_claim_with_a_verdict_onto_a_fact_without_one_gives_the_fact_that_verdict(editor, adopt):
    first = claim_on(FIRST, "$50 billion", by=editor, value=Decimal("50000000000"))
    restated = claim_on(SECOND, "$49.7 billion", by=editor, value=Decimal("49700000000"))
    services.claim_transition(claim=restated, to="in_review", by=editor)
    services.claim_transition(claim=restated, to="verified", by=editor, note="The cabinet's paper says so.")
    match = FactMatch.objects.get(claim=restated, fact=first.fact_id)

    services.match_confirm(match=match, by=editor, adopt_verdict=adopt)

    first.refresh_from_db()
    restated.refresh_from_db()
    assert restated.fact_id == first.fact_id
    # With adopt_verdict (offered to reviewers) the fact and its other appearances take the verdict;
    # a plain confirm moves no verdict.
    expected = "verified" if adopt else "unreviewed"
    assert (first.fact.status, first.status, restated.status) == (expected, expected, "verified")
