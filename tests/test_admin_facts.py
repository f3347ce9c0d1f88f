"""Facts in the admin: editors confirm or reject the known facts matching suggests for a claim,
see conflicts flagged on both sides until resolved, find them in the list and the annotated
article, and read each fact with its appearances, open matches and history."""

import html as html_lib
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from claims import services
from claims.models import Claim, Fact, FactMatch, ReviewNote
from tests.factories import ClaimFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/claims/claim/"
STATEMENT = "Japan approved a record defense budget of $50 billion for 2020."


def change_url(claim) -> str:
    return reverse("admin:claims_claim_change", args=[claim.pk])


def decide_url(match, decision: str) -> str:
    return reverse(f"admin:claims_claim_match_{decision}", args=[match.claim_id, match.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def text_of(response) -> str:
    """The page as a reader sees it: tags dropped (cells and blocks apart), entities read, white space collapsed."""
    page = re.sub(r"</?(?:td|th|tr|li|p|div|h\d)\b[^>]*>", " ", response.content.decode())
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", page)).split())


@pytest.fixture
def known(db):
    """A verified fact seen in an earlier report, a follow-up claim in review that matching
    suggests repeats it (0.91), and a second, unreviewed fact it may contradict (0.62)."""
    reviewer = UserFactory(username="m.alvarez")
    earlier = SourceFactory(title="Earlier report", url="https://news.example/earlier")
    seen = ClaimFactory(source=earlier, status=Claim.Status.VERIFIED, reviewed_by=reviewer)
    Fact.objects.filter(pk=seen.fact_id).update(reviewed_by=reviewer)
    other_source = SourceFactory(title="Budget wire")
    rival = ClaimFactory(source=other_source, statement="Japan's 2020 defense budget is $48 billion.", value=48 * 10**9)
    follow_up = SourceFactory(title="Follow-up")
    claim = ClaimFactory(source=follow_up, status=Claim.Status.IN_REVIEW)
    same = FactMatch.objects.create(
        claim=claim, fact=seen.fact, relation=FactMatch.Relation.SAME, score=0.91,
        reasons="same subject (Japan); same quantity (50000000000 USD); 9 of 10 words shared",
    )  # fmt: skip
    conflict = FactMatch.objects.create(
        claim=claim, fact=rival.fact, relation=FactMatch.Relation.CONFLICTS, score=0.62,
        reasons="same subject (Japan); different quantity (50000000000 USD vs 48000000000 USD)",
    )  # fmt: skip
    return {"claim": claim, "seen": seen, "rival": rival, "same": same, "conflict": conflict, "reviewer": reviewer}


# -- the panel on the claim page ---------------------------------------------------------------


def test_the_claim_page_lists_suggested_facts_best_first_with_score_verdict_appearances_and_reasons(
    editor_client, known
):
    claim, seen, rival = known["claim"], known["seen"], known["rival"]
    response = editor_client.get(change_url(claim))
    assert response.status_code == 200
    page = text_of(response)
    panel = page[page.index("Known facts") :]
    assert panel.index(f"Same fact as fact {seen.fact_id}") < panel.index(f"⚠ Conflicts with fact {rival.fact_id}")
    assert (
        f"Same fact as fact {seen.fact_id} · score 0.91 · verdict Verified · 50000000000 USD "
        f"“{STATEMENT}” Appears as: claim {seen.pk} (in Earlier report, original) "
        "Why: same subject (Japan); same quantity (50000000000 USD); 9 of 10 words shared "
        "Confirm and take its verdict: Verified Confirm without the verdict Reject: not this fact"
    ) in panel
    assert (
        f"⚠ Conflicts with fact {rival.fact_id} · score 0.62 · verdict Unreviewed · 48000000000 USD "
        f"“Japan's 2020 defense budget is $48 billion.” Appears as: claim {rival.pk} (in Budget wire, original) "
        "Why: same subject (Japan); different quantity (50000000000 USD vs 48000000000 USD) "
        "Confirm the conflict Reject: no conflict"
    ) in panel
    body = response.content.decode()
    assert f'href="{change_url(seen)}"' in body
    assert f'href="{reverse("admin:claims_source_annotated", args=[seen.source_id])}"' in body
    assert f'<input type="hidden" name="expected_version" value="{claim.version}">' in body
    assert body.count('name="csrfmiddlewaretoken"') >= 5  # each decision is its own form


def test_the_claim_page_names_the_claims_fact_and_its_other_appearances(editor_client, known):
    seen = known["seen"]
    again = ClaimFactory(source=SourceFactory(title="Third paper"), fact=seen.fact, status=Claim.Status.VERIFIED)
    page = text_of(editor_client.get(change_url(seen)))
    assert (
        f"Appearance of fact {seen.fact_id}, verdict Verified by m.alvarez. Also appears as: claim {again.pk} "
        "(in Third paper)."
    ) in page
    lone = text_of(editor_client.get(change_url(known["rival"])))
    assert f"Appearance of fact {known['rival'].fact_id}, verdict Unreviewed. No other appearances." in lone
    assert "Matching suggests no known fact for this claim." in lone


def test_confirming_joins_the_fact_and_takes_its_verdict_with_a_note(editor_client, editor, known):
    claim, seen, match = known["claim"], known["seen"], known["same"]
    response = editor_client.post(decide_url(match, "confirm"), {"expected_version": claim.version,
                                                                 "adopt_verdict": "yes"}, follow=True)  # fmt: skip
    assert response.redirect_chain == [(change_url(claim), 302)]
    assert messages_of(response) == [
        f"Claim {claim.pk} is now an appearance of fact {seen.fact_id} and takes its verdict: Verified."
    ]
    old_fact = claim.fact_id
    claim.refresh_from_db()
    match.refresh_from_db()
    assert (claim.fact_id, claim.status, claim.reviewed_by, claim.version) == (seen.fact_id, "verified", editor, 2)
    assert (match.state, match.decided_by) == ("confirmed", editor)
    assert not Fact.objects.filter(pk=old_fact).exists()  # the claim's lone fact went with it
    assert list(ReviewNote.objects.filter(claim=claim).values_list("author__username", "body")) == [
        (
            "editor",
            f"Confirmed as an appearance of fact {seen.fact_id}, '{STATEMENT}'; the claim takes the fact's verdict, "
            "verified, given by m.alvarez (it was in review).",
        )
    ]
    page = text_of(response)
    assert f"Appearance of fact {seen.fact_id}, verdict Verified by m.alvarez. Also appears as: claim {seen.pk}" in page


def test_confirming_without_the_verdict_joins_the_fact_and_keeps_the_claims_status(editor_client, editor, known):
    claim, seen, match = known["claim"], known["seen"], known["same"]
    response = editor_client.post(decide_url(match, "confirm"), {"expected_version": claim.version,
                                                                 "adopt_verdict": "no"}, follow=True)  # fmt: skip
    assert messages_of(response) == [
        f"Claim {claim.pk} is now an appearance of fact {seen.fact_id}; its status stays In review."
    ]
    claim.refresh_from_db()
    assert (claim.fact_id, claim.status, claim.reviewed_by) == (seen.fact_id, "in_review", None)
    assert list(ReviewNote.objects.filter(claim=claim).values_list("body", flat=True)) == [
        f"Confirmed as an appearance of fact {seen.fact_id}, '{STATEMENT}'."
    ]


@pytest.fixture
def writer(client, groups):
    """Staff who may change claims but not review them: no verdicts, so no verdict to take."""
    from django.contrib.auth.models import Permission

    user = UserFactory(username="writer")
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["view_claim", "change_claim", "add_reviewnote", "view_source"])
    )
    client.force_login(user)
    return client


def test_without_review_permission_an_editor_confirms_without_adopting_and_cannot_force_it(writer, known):
    claim, match = known["claim"], known["same"]
    page = text_of(writer.get(change_url(claim)))
    assert "Confirm without the verdict Reject: not this fact" in page
    assert "Confirm and take its verdict" not in page
    response = writer.post(decide_url(match, "confirm"), {"expected_version": claim.version, "adopt_verdict": "yes"},
                           follow=True)  # fmt: skip
    assert messages_of(response) == [
        "Taking a fact's verdict needs review permission: confirm without the verdict, or ask a reviewer. "
        "Nothing was changed."
    ]
    match.refresh_from_db()
    claim.refresh_from_db()
    assert (match.state, claim.version, claim.status) == ("suggested", 1, "in_review")


def test_rejecting_a_suggestion_records_it_and_the_panel_no_longer_shows_it(editor_client, editor, known):
    claim, match, seen = known["claim"], known["same"], known["seen"]
    response = editor_client.post(decide_url(match, "reject"), {"expected_version": claim.version}, follow=True)
    assert messages_of(response) == [
        f"Claim {claim.pk} is not fact {seen.fact_id}: the suggestion is rejected and will not be made again."
    ]
    match.refresh_from_db()
    claim.refresh_from_db()
    assert (match.state, match.decided_by, claim.fact_id != seen.fact_id, claim.version) == (
        "rejected", editor, True, 2,
    )  # fmt: skip
    assert f"Same fact as fact {seen.fact_id}" not in text_of(response)
    assert f"Conflicts with fact {known['rival'].fact_id}" in text_of(response)
    services.match_suggest(claims=[claim])  # matching never suggests the pair again
    assert FactMatch.objects.get(claim=claim, fact=seen.fact).state == "rejected"


def test_a_decision_made_at_a_stale_version_is_refused_with_the_reason_and_writes_nothing(editor_client, known):
    claim, match = known["claim"], known["same"]
    read_at = claim.version
    colleague = UserFactory(username="j.kim")
    services.claim_update(claim=claim, by=colleague, data={}, note="Asked the ministry for the budget papers.")
    response = editor_client.post(decide_url(match, "confirm"), {"expected_version": read_at, "adopt_verdict": "yes"},
                                  follow=True)  # fmt: skip
    assert messages_of(response) == [
        f"j.kim changed claim {claim.pk} since you read it (it is now at version 2, you had version 1). "
        "Nothing was saved: reload the claim to see their changes, then apply yours."
    ]
    match.refresh_from_db()
    after = Claim.objects.get(pk=claim.pk)
    assert (match.state, match.decided_by, after.version, after.fact_id, after.status) == (
        "suggested", None, 2, claim.fact_id, "in_review",
    )  # fmt: skip
    assert list(ReviewNote.objects.filter(claim=claim).values_list("author__username", flat=True)) == ["j.kim"]


def test_a_decision_posted_without_a_version_is_refused(editor_client, known):
    match = known["same"]
    response = editor_client.post(decide_url(match, "reject"), {}, follow=True)
    assert messages_of(response) == [
        "This page is out of date: it was sent without the version of the claim it shows, so a colleague's change "
        "could be overwritten. Nothing was changed: reload the page, then decide again."
    ]
    match.refresh_from_db()
    assert match.state == "suggested"


def test_a_match_decided_already_says_who_decided_it(editor_client, known):
    claim, match = known["claim"], known["same"]
    editor_client.post(decide_url(match, "reject"), {"expected_version": claim.version}, follow=True)
    claim.refresh_from_db()
    response = editor_client.post(decide_url(match, "confirm"), {"expected_version": claim.version}, follow=True)
    assert messages_of(response) == [
        f"The match of claim {claim.pk} with fact {match.fact_id} was rejected by editor already; nothing was changed."
    ]
    claim.refresh_from_db()
    assert (claim.version, claim.fact_id != match.fact_id) == (2, True)


def test_decisions_are_posts_by_editors_only(client, editor_client, known):
    claim, match = known["claim"], known["same"]
    assert editor_client.get(decide_url(match, "confirm")).status_code == 405
    reader = UserFactory(username="reader")
    reader.groups.add(Group.objects.get(name="Readers"))
    client.force_login(reader)
    page = text_of(client.get(change_url(claim)))
    assert "Known facts" in page
    assert "Reject: not this fact" not in page
    assert client.post(decide_url(match, "reject"), {"expected_version": claim.version}).status_code == 403
    match.refresh_from_db()
    assert match.state == "suggested"


def test_a_suggestion_that_is_not_the_claims_any_more_is_refused_with_a_message(editor_client, known):
    claim, seen = known["claim"], known["seen"]
    url = reverse("admin:claims_claim_match_reject", args=[seen.pk, known["conflict"].pk])  # another claim's
    response = editor_client.post(url, {"expected_version": seen.version}, follow=True)
    assert messages_of(response) == [
        f"That suggestion is no longer one of claim {seen.pk}'s: the claim changed since you read it. "
        "Nothing was changed."
    ]
    assert FactMatch.objects.get(pk=known["conflict"].pk).state == "suggested"
    page_read = claim.version
    services.claim_update(claim=claim, by=None, data={"value": 51 * 10**9})  # matching suggests afresh
    response = editor_client.post(decide_url(known["same"], "confirm"), {"expected_version": page_read}, follow=True)
    assert messages_of(response) == [
        f"That suggestion is no longer one of claim {claim.pk}'s: the claim changed since you read it. "
        "Nothing was changed."
    ]


# -- conflicts: flagged on both sides until resolved ------------------------------------------


def test_an_open_conflict_is_a_banner_on_the_claim_and_on_every_appearance_of_the_fact(editor_client, known):
    claim, rival = known["claim"], known["rival"]
    again = ClaimFactory(source=SourceFactory(title="Wire copy"), fact=rival.fact,
                         statement="Japan's 2020 defense budget is $48 billion.", value=48 * 10**9)  # fmt: skip
    page = text_of(editor_client.get(change_url(claim)))
    assert (
        f"This claim conflicts with fact {rival.fact_id}: “Japan's 2020 defense budget is $48 billion.” (Unreviewed)."
    ) in page
    for appearance in (rival, again):
        response = editor_client.get(change_url(appearance))
        assert 'class="cb-conflict-banner" role="alert"' in response.content.decode()
        assert f"Claim {claim.pk} (in Follow-up) conflicts with this claim's fact (fact {rival.fact_id})" in text_of(
            response
        )
    assert "conflicts with" not in text_of(editor_client.get(change_url(known["seen"])))


def test_confirming_a_conflict_lifts_the_flag_on_both_sides_and_notes_it(editor_client, editor, known):
    claim, rival, match = known["claim"], known["rival"], known["conflict"]
    response = editor_client.post(decide_url(match, "confirm"), {"expected_version": claim.version}, follow=True)
    assert messages_of(response) == [
        f"Conflict of claim {claim.pk} with fact {rival.fact_id} confirmed: the flag is lifted and a note on the "
        "claim records it."
    ]
    claim.refresh_from_db()
    assert claim.fact_id != rival.fact_id  # a conflict joins nothing
    assert list(ReviewNote.objects.filter(claim=claim).values_list("body", flat=True)) == [
        f"Conflict confirmed: this claim contradicts fact {rival.fact_id}, \"Japan's 2020 defense budget is $48 "
        'billion." (unreviewed).'
    ]
    assert "cb-conflict-banner" not in response.content.decode()
    assert "cb-conflict-banner" not in editor_client.get(change_url(rival)).content.decode()


def listed(response) -> set[int]:
    return {claim.pk for claim in response.context["cl"].result_list}


def test_the_conflict_filter_lists_both_sides_of_each_open_conflict(editor_client, known):
    claim, rival, seen = known["claim"], known["rival"], known["seen"]
    again = ClaimFactory(
        source=SourceFactory(),
        fact=rival.fact,
        statement="Japan's 2020 defense budget is $48 billion.",
        value=48 * 10**9,
    )
    bystander = ClaimFactory(source=SourceFactory())
    assert listed(editor_client.get(CHANGELIST, {"fact_conflict": "yes"})) == {claim.pk, rival.pk, again.pk}
    assert listed(editor_client.get(CHANGELIST, {"fact_conflict": "no"})) == {seen.pk, bystander.pk}
    response = editor_client.get(CHANGELIST)
    assert "In conflict with a fact" in response.content.decode()
    FactMatch.objects.filter(pk=known["conflict"].pk).update(state=FactMatch.State.REJECTED)
    assert listed(editor_client.get(CHANGELIST, {"fact_conflict": "yes"})) == set()


def test_the_conflict_filter_costs_the_same_number_of_queries_at_5_and_60_conflicts(
    editor_client, django_assert_max_num_queries, django_assert_num_queries
):
    source = SourceFactory(text="word " * 200)
    known_fact = ClaimFactory(source=SourceFactory()).fact

    def add(count):
        start = Claim.objects.filter(source=source).count()
        for i in range(start, start + count):
            claim = ClaimFactory(source=source, span_start=i * 5, span_end=i * 5 + 4, kind="factual", value=None,
                                 unit="")  # fmt: skip
            FactMatch.objects.create(claim=claim, fact=known_fact, relation="conflicts", score=0.5)

    add(5)
    with django_assert_max_num_queries(12) as at_5:
        response = editor_client.get(CHANGELIST, {"all": "", "fact_conflict": "yes"})
    assert len(response.context["cl"].result_list) == 6  # five claims and the fact's appearance
    add(55)
    with django_assert_num_queries(len(at_5)):
        response = editor_client.get(CHANGELIST, {"all": "", "fact_conflict": "yes"})
    assert len(response.context["cl"].result_list) == 61


# -- the annotated article -----------------------------------------------------------------


def article_of(response) -> str:
    return re.search(r'<article id="cb-article"[^>]*>(.*)</article>', response.content.decode(), re.S).group(1)


def test_the_annotated_article_marks_claims_with_suggested_facts_and_counts_them(editor_client, known):
    claim = known["claim"]
    source = claim.source
    plain = ClaimFactory(source=source, span_start=0, span_end=6, kind="factual", value=None, unit="",
                         statement="August 30, 2019")  # fmt: skip
    response = editor_client.get(reverse("admin:claims_source_annotated", args=[source.pk]))
    article = article_of(response)
    assert html_lib.unescape(re.sub(r"<[^>]+>", "", article)) == source.text  # markers add no text
    assert (
        f'<a class="cb-mark cb-in_review cb-suggests-conflicts cb-fact-start" href="{change_url(claim)}" '
        f'data-claim="{claim.pk}" title="{STATEMENT} (In review); conflicts with a known fact">$50 billion</a>'
    ) in article
    assert f'<a class="cb-mark cb-unreviewed" href="{change_url(plain)}" data-claim="{plain.pk}" ' in article
    page = text_of(response)
    assert "Matches a known fact: 0 Conflicts with a known fact: 1" in page

    FactMatch.objects.filter(pk=known["conflict"].pk).update(state=FactMatch.State.REJECTED)
    response = editor_client.get(reverse("admin:claims_source_annotated", args=[source.pk]))
    assert 'class="cb-mark cb-in_review cb-suggests-same cb-fact-start"' in article_of(response)
    assert "; matches a known fact" in article_of(response)
    assert "Matches a known fact: 1 Conflicts with a known fact: 0" in text_of(response)


def test_only_the_first_piece_of_a_marked_claim_carries_the_marker(editor_client):
    source = SourceFactory(text="Japan and Korea met in Seoul.")
    outer = ClaimFactory(source=source, span_start=0, span_end=22, kind="factual", value=None, unit="",
                         statement="Japan and Korea met")  # fmt: skip
    ClaimFactory(source=source, span_start=10, span_end=15, kind="factual", value=None, unit="", statement="Korea")
    FactMatch.objects.create(claim=outer, fact=ClaimFactory(source=SourceFactory()).fact, relation="same", score=0.8)
    article = article_of(editor_client.get(reverse("admin:claims_source_annotated", args=[source.pk])))
    assert article.count("cb-suggests-same") == 2  # "Japan and " and " met in": the inner claim splits it
    assert article.count("cb-fact-start") == 1
    assert article.index("cb-fact-start") < article.index(">Japan and <")


@pytest.mark.parametrize("count", [3, 40])
def test_the_annotated_article_with_suggestions_makes_as_many_queries_for_40_claims_as_for_3(
    editor_client, django_assert_max_num_queries, count
):
    source = SourceFactory(text=" ".join(f"word{n}" for n in range(100)) + ".")
    facts = [ClaimFactory(source=SourceFactory()).fact for _ in range(2)]
    starts = [m.start() for m in re.finditer(r"word\d+", source.text)]
    for number, start in enumerate(starts[:count]):
        claim = ClaimFactory(source=source, span_start=start, span_end=start + 4, kind="factual", value=None, unit="",
                             statement=f"Claim {number}")  # fmt: skip
        FactMatch.objects.create(claim=claim, fact=facts[number % 2], relation=("same", "conflicts")[number % 2],
                                 score=0.7)  # fmt: skip
    with django_assert_max_num_queries(8):
        response = editor_client.get(reverse("admin:claims_source_annotated", args=[source.pk]))
    article = article_of(response)
    assert article.count("cb-fact-start") == count
    assert f"Conflicts with a known fact: {count // 2}" in text_of(response)


# -- the fact admin ----------------------------------------------------------------------


def test_the_fact_list_shows_statement_verdict_appearances_and_quantity(editor_client, known):
    seen = known["seen"]
    ClaimFactory(source=SourceFactory(), fact=seen.fact, status=Claim.Status.VERIFIED)
    response = editor_client.get("/admin/claims/fact/", {"status__exact": "verified"})
    assert response.status_code == 200
    rows = {fact.pk: fact for fact in response.context["cl"].result_list}
    assert set(rows) == {seen.fact_id}
    page = text_of(response)
    assert f"{seen.fact_id} {STATEMENT} Verified 2 50000000000 USD" in page
    searched = editor_client.get("/admin/claims/fact/", {"q": "48 billion"})
    assert {fact.pk for fact in searched.context["cl"].result_list} == {known["rival"].fact_id}


def test_the_fact_list_filters_facts_with_an_open_conflict(editor_client, known):
    response = editor_client.get("/admin/claims/fact/", {"open_conflict": "yes"})
    # the rival fact (contradicted) and the follow-up claim's own fact (its appearance contradicts)
    assert {fact.pk for fact in response.context["cl"].result_list} == {
        known["rival"].fact_id, known["claim"].fact_id,
    }  # fmt: skip
    response = editor_client.get("/admin/claims/fact/", {"open_conflict": "no"})
    assert {fact.pk for fact in response.context["cl"].result_list} == {known["seen"].fact_id}


def test_the_fact_page_shows_appearances_open_matches_and_history(editor_client, known):
    seen, claim = known["seen"], known["claim"]
    response = editor_client.get(reverse("admin:claims_fact_change", args=[seen.fact_id]))
    assert response.status_code == 200
    page = text_of(response)
    assert f"Appearances Claim Source Quote Status Claim {seen.pk} Earlier report “$50 billion” Verified" in page
    assert f"Open matches Claim {claim.pk} (in Follow-up) may be this fact · score 0.91 · same subject (Japan)" in page
    rival_page = text_of(editor_client.get(reverse("admin:claims_fact_change", args=[known["rival"].fact_id])))
    assert f"Claim {claim.pk} (in Follow-up) ⚠ conflicts with this fact · score 0.62" in rival_page
    own_page = text_of(editor_client.get(reverse("admin:claims_fact_change", args=[claim.fact_id])))
    assert f"Claim {claim.pk}, an appearance of this fact, ⚠ conflicts with fact {known['rival'].fact_id}" in own_page
    history = editor_client.get(reverse("admin:claims_fact_history", args=[seen.fact_id]))
    assert history.status_code == 200


def test_an_editor_rewords_a_fact_but_its_verdict_is_not_edited_there(editor_client, editor, known):
    fact = known["seen"].fact
    url = reverse("admin:claims_fact_change", args=[fact.pk])
    response = editor_client.post(url, {"statement": "Japan's cabinet approved a $50 billion defense budget for 2020.",
                                        "subject": "Japanese cabinet", "status": "false"})  # fmt: skip
    assert response.status_code == 302
    fact.refresh_from_db()
    assert (fact.statement, fact.subject, fact.status) == (
        "Japan's cabinet approved a $50 billion defense budget for 2020.", "Japanese cabinet", "verified",
    )  # fmt: skip
    assert fact.history.first().history_user == editor
    assert "/admin/claims/fact/add/" not in editor_client.get("/admin/claims/fact/").content.decode()
    assert editor_client.get("/admin/claims/fact/add/").status_code == 403


def test_fact_update_refuses_fields_it_does_not_write_and_writes_nothing_for_no_change(known):
    fact = known["seen"].fact
    with pytest.raises(TypeError, match="fact_update\\(\\) does not write status"):
        services.fact_update(fact=fact, by=None, status="false")
    rows = fact.history.count()
    services.fact_update(fact=fact, by=None, statement=fact.statement)
    assert fact.history.count() == rows


def test_readers_read_facts_but_cannot_reword_them(client, known):
    reader = UserFactory(username="reader")
    reader.groups.add(Group.objects.get(name="Readers"))
    client.force_login(reader)
    fact = known["seen"].fact
    url = reverse("admin:claims_fact_change", args=[fact.pk])
    assert client.get("/admin/claims/fact/").status_code == 200
    assert client.get(url).status_code == 200
    assert client.post(url, {"statement": "Rewritten.", "subject": ""}).status_code == 403
    fact.refresh_from_db()
    assert fact.statement == STATEMENT
