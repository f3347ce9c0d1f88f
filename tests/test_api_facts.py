"""Facts through the API: the fact of every claim, the matches suggested for a claim and the
editor's decision on them, the fact list and search ("has this been checked?"), and a fact's
ClaimReview JSON-LD."""

import datetime
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from rest_framework.test import APIClient

from claims import services, workflow
from claims.models import Claim, Fact, FactMatch, ReviewNote
from tests.factories import ClaimFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

REVIEWED = timezone.make_aware(datetime.datetime(2019, 9, 14, 13, 19))
RESTATEMENT = "Tokyo's defence spending for 2020 reached $50 billion."


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def reviewer():
    return UserFactory(username="m.alvarez")


def verified_claim(reviewer, **fields) -> Claim:
    """A verified claim on the factory article's "$50 billion", its fact verified by ``reviewer``."""
    fields = {"status": Claim.Status.VERIFIED, "reviewed_at": REVIEWED, "as_of": datetime.date(2020, 1, 1),
              "as_of_precision": "year", **fields}  # fmt: skip
    claim = ClaimFactory(**fields)
    Fact.objects.filter(pk=claim.fact_id).update(reviewed_by=reviewer)
    return claim


def restating_claim(editor, **source_fields) -> Claim:
    """A new claim, made as an editor makes one, that restates the $50 billion budget."""
    source = SourceFactory(text=RESTATEMENT, **source_fields)
    start = RESTATEMENT.index("$50 billion")
    return services.claim_create(
        source=source, by=editor, span_start=start, span_end=start + len("$50 billion"), statement=RESTATEMENT,
        kind="quantitative", subject="Japan", value=50_000_000_000, unit="USD", qualifier="exact",
        as_of=datetime.date(2020, 1, 1), as_of_precision="year",
    )  # fmt: skip


def etag_of(client, claim) -> str:
    return client.get(f"/api/claims/{claim.pk}/")["ETag"]


# -- the fact of every claim -------------------------------------------------------------------


def test_every_claim_names_its_fact_in_the_list_and_the_detail(editor_api, api, reviewer):
    claim = verified_claim(reviewer)
    assert api.get("/api/claims/").json()["results"][0]["fact"] == claim.fact_id
    assert editor_api.get(f"/api/claims/{claim.pk}/").json()["fact"] == claim.fact_id


def test_a_claim_written_through_the_api_answers_with_its_new_fact(editor_api, source):
    start = source.text.index("$50 billion")
    response = editor_api.post(
        "/api/claims/",
        {"source": source.pk, "span_start": start, "span_end": start + 11, "statement": "Japan approved $50 billion.",
         "kind": "quantitative", "subject": "Japan", "value": "50000000000", "unit": "USD", "qualifier": "exact"},
    )  # fmt: skip
    assert response.status_code == 201
    assert response.json()["fact"] == Claim.objects.get().fact_id == Fact.objects.get().pk


def test_a_fact_sent_with_a_claim_is_not_written(editor_api, reviewer):
    claim = verified_claim(reviewer)
    other = ClaimFactory()
    response = editor_api.patch(
        f"/api/claims/{claim.pk}/", {"fact": other.fact_id}, HTTP_IF_MATCH=etag_of(editor_api, claim)
    )
    assert response.status_code == 200
    assert Claim.objects.get(pk=claim.pk).fact_id == claim.fact_id


# -- the matches suggested for a claim -----------------------------------------------------------


def test_the_matches_of_a_claim_are_its_suggested_facts_best_first(editor_api, editor, reviewer):
    known = verified_claim(reviewer)
    claim = restating_claim(editor)
    suggested = FactMatch.objects.get(claim=claim, fact=known.fact)
    response = editor_api.get(f"/api/claims/{claim.pk}/matches/")
    assert response.status_code == 200
    assert response.json() == [
        {
            "fact": known.fact_id, "relation": "same", "score": suggested.score,
            "statement": "Japan approved a record defense budget of $50 billion for 2020.", "status": "verified",
            "value": "50000000000", "unit": "USD", "claims": [known.pk], "why": suggested.reasons,
        }
    ]  # fmt: skip
    assert suggested.score >= 0.55
    assert "50000000000 USD agrees with 50000000000 USD" in suggested.reasons


def test_the_matches_leave_out_decided_pairs_and_the_claims_own_fact_and_rank_by_score(editor_api, editor):
    claim = ClaimFactory()
    facts = [ClaimFactory(statement=f"Fact {n}.").fact for n in range(5)]
    decided = [(0.6, "suggested"), (0.9, "suggested"), (0.95, "rejected"), (0.97, "confirmed"), (0.6, "suggested")]
    for fact, (score, state) in zip(facts, decided, strict=True):
        FactMatch.objects.create(claim=claim, fact=fact, relation="same", score=score, reasons="alike", state=state)
    FactMatch.objects.create(claim=claim, fact=claim.fact, relation="same", score=1.0)
    listed = editor_api.get(f"/api/claims/{claim.pk}/matches/").json()
    assert [(m["fact"], m["score"]) for m in listed] == [(facts[1].pk, 0.9), (facts[0].pk, 0.6), (facts[4].pk, 0.6)]


@pytest.mark.parametrize("count", [1, 6])
def test_the_matches_cost_the_same_queries_however_many(editor_api, count, django_assert_num_queries):
    claim = ClaimFactory()
    for n in range(count):
        fact = ClaimFactory(statement=f"Fact {n}.").fact
        ClaimFactory(source=SourceFactory(), fact=fact)  # a second appearance
        FactMatch.objects.create(claim=claim, fact=fact, relation="conflicts", score=0.7, reasons="same subject")
    editor_api.get(f"/api/claims/{claim.pk}/matches/")  # sessions, permissions: loaded once
    with django_assert_num_queries(3):  # the claim, the matches with their facts, their appearances
        listed = editor_api.get(f"/api/claims/{claim.pk}/matches/").json()
    assert len(listed) == count
    assert all(len(m["claims"]) == 2 for m in listed)


def test_anonymous_callers_and_readers_cannot_see_matches(api, reviewer):
    claim = verified_claim(reviewer)
    response = api.get(f"/api/claims/{claim.pk}/matches/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided.", "code": "not_authenticated"}
    reader = UserFactory(username="reader")
    reader.groups.add(Group.objects.get(name="Readers"))
    client = APIClient()
    client.force_authenticate(reader)
    response = client.get(f"/api/claims/{claim.pk}/matches/")
    assert response.status_code == 403
    assert response.json() == {"detail": "Suggested matches are shown to editors only.", "code": "permission_denied"}


# -- confirming and rejecting a match ----------------------------------------------------------


def test_confirming_a_match_joins_the_fact_and_adopts_its_verdict(editor_api, editor, reviewer):
    known = verified_claim(reviewer)
    claim = restating_claim(editor)
    tag = etag_of(editor_api, claim)
    response = editor_api.post(
        f"/api/claims/{claim.pk}/matches/{known.fact_id}/confirm/", {"adopt_verdict": True}, HTTP_IF_MATCH=tag
    )
    assert response.status_code == 200, response.json()
    claim.refresh_from_db()
    assert response["ETag"] == f'"{claim.pk}-{claim.version}"' != tag
    body = response.json()
    assert (body["fact"], body["status"], body["version"]) == (known.fact_id, "verified", claim.version)
    assert (claim.fact_id, claim.status, claim.reviewed_by) == (known.fact_id, "verified", editor)
    assert FactMatch.objects.get(claim=claim, fact=known.fact).state == "confirmed"
    note = (
        f"Confirmed as an appearance of fact {known.fact_id}, 'Japan approved a record defense budget of $50 billion "
        "for 2020.'; the claim takes the fact's verdict, verified, given by m.alvarez (it was unreviewed)."
    )
    assert [n["body"] for n in body["notes"]] == [note]
    assert list(ReviewNote.objects.filter(claim=claim).values_list("body", flat=True)) == [note]
    assert editor_api.get(f"/api/claims/{claim.pk}/matches/").json() == []


def test_confirming_without_adopting_keeps_the_claims_status(editor_api, editor, reviewer):
    known = verified_claim(reviewer)
    claim = restating_claim(editor)
    response = editor_api.post(
        f"/api/claims/{claim.pk}/matches/{known.fact_id}/confirm/",
        {"adopt_verdict": False},
        HTTP_IF_MATCH=etag_of(editor_api, claim),
    )
    assert response.status_code == 200
    claim.refresh_from_db()
    assert (claim.fact_id, claim.status) == (known.fact_id, "unreviewed")


def test_adopting_a_verdict_needs_the_permission_to_review(editor, reviewer):
    known = verified_claim(reviewer)
    claim = restating_claim(editor)
    writer = UserFactory(username="writer")
    writer.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="claims", codename__in=["view_claim", "add_claim", "change_claim"]
        )
    )
    client = APIClient()
    client.force_authenticate(writer)
    url = f"/api/claims/{claim.pk}/matches/{known.fact_id}/confirm/"
    response = client.post(url, {"adopt_verdict": True}, HTTP_IF_MATCH=etag_of(client, claim))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Adopting the fact's verdict needs the permission to review claims; send "
        '{"adopt_verdict": false} to confirm the match without it. Nothing was changed.',
        "code": "permission_denied",
    }
    assert FactMatch.objects.get(claim=claim, fact=known.fact).state == "suggested"
    response = client.post(url, HTTP_IF_MATCH=etag_of(client, claim))  # no body: adopt only if one may review
    assert response.status_code == 200
    assert Claim.objects.get(pk=claim.pk).status == "unreviewed"


def test_a_decision_without_if_match_is_a_428_and_with_a_stale_one_a_412(editor_api, editor, reviewer):
    known = verified_claim(reviewer)
    claim = restating_claim(editor)
    for verb in ("confirm", "reject"):
        url = f"/api/claims/{claim.pk}/matches/{known.fact_id}/{verb}/"
        response = editor_api.post(url, {})
        assert response.status_code == 428
        assert response.json()["code"] == "precondition_required"
        response = editor_api.post(url, {}, HTTP_IF_MATCH=f'"{claim.pk}-{claim.version + 7}"')
        assert response.status_code == 412
        assert response.json()["code"] == "stale_version"
    assert FactMatch.objects.get(claim=claim, fact=known.fact).state == "suggested"
    assert Claim.objects.get(pk=claim.pk).fact_id == claim.fact_id


def test_a_decided_match_is_a_409_and_an_unknown_fact_a_404(editor_api, editor, reviewer):
    known = verified_claim(reviewer)
    claim = restating_claim(editor)
    url = f"/api/claims/{claim.pk}/matches/{known.fact_id}"
    assert editor_api.post(f"{url}/reject/", HTTP_IF_MATCH=etag_of(editor_api, claim)).status_code == 200
    response = editor_api.post(f"{url}/confirm/", HTTP_IF_MATCH=etag_of(editor_api, claim))
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"The match of claim {claim.pk} with fact {known.fact_id} was rejected by editor already; "
        "nothing was changed.",
        "code": "match_decided",
    }
    for fact_id in (known.fact_id + 1000, 9_999_999_999_999_999_999):
        response = editor_api.post(
            f"/api/claims/{claim.pk}/matches/{fact_id}/confirm/", HTTP_IF_MATCH=etag_of(editor_api, claim)
        )
        assert response.status_code == 404
        assert response.json() == {"detail": f"Claim {claim.pk} has no match with fact {fact_id}.", "code": "not_found"}


def test_a_rejected_match_is_never_suggested_again(editor_api, editor, reviewer):
    known = verified_claim(reviewer)
    claim = restating_claim(editor)
    response = editor_api.post(
        f"/api/claims/{claim.pk}/matches/{known.fact_id}/reject/", HTTP_IF_MATCH=etag_of(editor_api, claim)
    )
    assert response.status_code == 200
    assert response.json()["fact"] == claim.fact_id
    assert response.json()["version"] == claim.version + 1
    services.match_suggest(claims=[Claim.objects.get(pk=claim.pk)])
    assert list(FactMatch.objects.filter(claim=claim).values_list("fact_id", "state")) == [(known.fact_id, "rejected")]
    assert editor_api.get(f"/api/claims/{claim.pk}/matches/").json() == []


def test_anonymous_callers_cannot_decide_matches(api, editor, reviewer):
    known = verified_claim(reviewer)
    claim = restating_claim(editor)
    response = api.post(f"/api/claims/{claim.pk}/matches/{known.fact_id}/confirm/", HTTP_IF_MATCH=f'"{claim.pk}-1"')
    assert response.status_code == 401
    assert FactMatch.objects.get(claim=claim, fact=known.fact).state == "suggested"


# -- the fact list and one fact ----------------------------------------------------------------


def appearance(claim) -> dict:
    source = claim.source
    return {
        "claim": claim.pk, "source": source.pk, "source_url": source.url, "source_title": source.title,
        "source_published_on": source.published_on and source.published_on.isoformat(), "quote": claim.quote,
        "span_start": claim.span_start, "span_end": claim.span_end, "status": claim.status,
    }  # fmt: skip


def test_a_fact_shows_its_appearances_first_appearance_first(api, editor, reviewer):
    later = verified_claim(reviewer, source=SourceFactory(published_on=datetime.date(2019, 11, 2)))
    first = verified_claim(reviewer, source=SourceFactory(published_on=datetime.date(2019, 9, 12)))
    undated = verified_claim(reviewer)
    Claim.objects.filter(pk__in=[first.pk, undated.pk]).update(fact=later.fact)
    fact = Fact.objects.get(pk=later.fact_id)
    response = api.get(f"/api/facts/{fact.pk}/")
    assert response.status_code == 200
    assert response.json() == {
        "id": fact.pk, "statement": "Japan approved a record defense budget of $50 billion for 2020.",
        "kind": "quantitative", "subject": "Japan", "value": "50000000000", "unit": "USD", "qualifier": "exact",
        "as_of": "2020-01-01", "as_of_precision": "year", "status": "verified", "rationale": "",
        "reviewed_at": "2019-09-14T13:19:00Z", "updated_at": fact.updated_at.isoformat().replace("+00:00", "Z"),
        "claim_count": 3,
        "first_appearance": appearance(first), "appearances": [appearance(c) for c in (first, later, undated)],
        "score": None,
    }  # fmt: skip


def test_anonymous_callers_see_verified_facts_and_public_appearances_only(api, editor_api, reviewer):
    public = verified_claim(reviewer)
    hidden_appearance = ClaimFactory(source=SourceFactory(), fact=public.fact)  # unreviewed
    unreviewed = ClaimFactory()
    listed = api.get("/api/facts/").json()["results"]
    assert [(f["id"], f["claim_count"], [a["claim"] for a in f["appearances"]]) for f in listed] == [
        (public.fact_id, 1, [public.pk])
    ]
    assert api.get(f"/api/facts/{unreviewed.fact_id}/").status_code == 404
    assert api.get(f"/api/facts/{unreviewed.fact_id}/").json() == {"detail": "Not found.", "code": "not_found"}
    listed = editor_api.get("/api/facts/").json()["results"]
    assert [(f["id"], f["claim_count"]) for f in listed] == [(public.fact_id, 2), (unreviewed.fact_id, 1)]
    assert [a["claim"] for a in listed[0]["appearances"]] == [public.pk, hidden_appearance.pk]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "verified"}, ["budget"]),
        ({"kind": "factual"}, ["sanctions"]),
        ({"subject": "JAPAN"}, ["budget", "rockets"]),
        ({"unit": "count"}, ["rockets"]),
        ({"value_min": "100", "value_max": "60000000000"}, ["budget"]),
        ({"ordering": "-id"}, ["sanctions", "rockets", "budget"]),
    ],
)
def test_the_fact_list_filters_like_the_claim_list(editor_api, reviewer, params, expected):
    names = {
        verified_claim(reviewer).fact_id: "budget",
        ClaimFactory(statement="Japan counted 18 rockets.", value=18, unit="count").fact_id: "rockets",
        ClaimFactory(statement="Sanctions hold.", kind="factual", value=None, unit="", qualifier="",
                     subject="UN").fact_id: "sanctions",
    }  # fmt: skip
    response = editor_api.get("/api/facts/", params)
    assert response.status_code == 200, response.json()
    assert [names[f["id"]] for f in response.json()["results"]] == expected


def test_the_fact_list_pages_by_cursor_and_refuses_bad_filters(editor_api):
    facts = [ClaimFactory(statement=f"Fact {n}.").fact_id for n in range(5)]
    first = editor_api.get("/api/facts/", {"page_size": 3}).json()
    second = editor_api.get(first["next"]).json()
    assert [f["id"] for f in first["results"] + second["results"]] == facts
    response = editor_api.get("/api/facts/", {"status": "dismissed"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "status": ["Select a valid choice. dismissed is not one of the available choices."]
    }
    response = editor_api.get("/api/facts/", {"ordering": "statement"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "ordering": ["Cannot order by statement; use one of created_at, id, updated_at."]
    }


@pytest.mark.parametrize("count", [2, 12])
def test_the_fact_list_costs_the_same_queries_at_any_size(
    editor_api, api, reviewer, count, django_assert_max_num_queries
):
    for n in range(count):
        claim = verified_claim(reviewer, source=SourceFactory(), statement=f"Fact {n}.")
        ClaimFactory(source=SourceFactory(), fact=claim.fact, status="verified")
    editor_api.get("/api/facts/")
    with django_assert_max_num_queries(4):  # session and user for the editor, the facts, their appearances
        assert len(editor_api.get("/api/facts/").json()["results"]) == count
    with django_assert_max_num_queries(3):  # the public state (for the ETag), the facts, their appearances
        assert len(api.get("/api/facts/").json()["results"]) == count
    with django_assert_max_num_queries(4):
        assert api.get(f"/api/facts/{claim.fact_id}/").json()["claim_count"] == 2


# -- "has this been checked?" ------------------------------------------------------------------


@pytest.mark.parametrize(
    "q", ["Japan defence budget 2020", "Japan defense budget $50 billion 2020", "Tokyo military spending 2020"]
)
def test_a_search_finds_the_fact_a_restatement_asks_about_first(editor_api, demo, q):
    response = editor_api.get("/api/facts/", {"q": q})
    assert response.status_code == 200, response.json()
    results = response.json()["results"]
    assert results[0]["statement"] == "Japan approved a record defense budget of $50 billion for fiscal 2020."
    assert results[0]["status"] == "disputed"
    assert response.json()["next"] is None
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    assert all(0.3 <= score <= 1 for score in scores)


def test_anonymous_searches_find_every_public_verdict_and_nothing_unreviewed(api, demo):
    results = api.get("/api/facts/", {"q": "Japan defence budget 2020"}).json()["results"]
    assert {r["status"] for r in results} == {"verified", "disputed", "false"}
    # "Has this been checked?" finds the disputed $50 billion first: a fact check's verdict, whatever it is.
    assert (results[0]["statement"], results[0]["status"]) == (
        "Japan approved a record defense budget of $50 billion for fiscal 2020.",
        "disputed",
    )
    unreviewed = Fact.objects.exclude(status__in=workflow.PUBLIC).values_list("pk", flat=True)
    assert not {r["id"] for r in results} & set(unreviewed)


def test_a_search_with_a_figure_puts_the_agreeing_fact_before_the_contradicting_one(editor_api, reviewer):
    agreeing = verified_claim(reviewer)
    statement = "Japan approved a record defense budget of $47 billion for 2020."
    contradicting = verified_claim(reviewer, source=SourceFactory(), value=47_000_000_000, statement=statement)
    results = editor_api.get("/api/facts/", {"q": "Japan defense budget $50 billion"}).json()["results"]
    assert [r["id"] for r in results] == [agreeing.fact_id, contradicting.fact_id]
    assert results[0]["score"] > results[1]["score"]


def test_a_search_costs_the_same_queries_at_any_size(editor_api, reviewer, django_assert_max_num_queries):
    for n in range(8):
        verified_claim(reviewer, source=SourceFactory(), statement=f"Japan approved defense budget number {n}.")
    editor_api.get("/api/facts/", {"q": "Japan defense budget"})
    with django_assert_max_num_queries(7):  # session, user, candidates (three at most), facts, appearances
        assert len(editor_api.get("/api/facts/", {"q": "Japan defense budget $50 billion"}).json()["results"]) == 8


def test_a_search_is_refused_when_too_long_or_ordered(editor_api):
    response = editor_api.get("/api/facts/", {"q": "word " * 40})
    assert response.status_code == 400
    assert response.json()["errors"] == {"q": ["Search for at most 32 words (this has 40)."]}
    response = editor_api.get("/api/facts/", {"q": "budget", "ordering": "id"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"ordering": ["Search results come best first; leave out ordering, or q."]}


def test_max_age_days_keeps_facts_reviewed_within_that_many_days(editor_api, reviewer):
    recent = verified_claim(reviewer, reviewed_at=timezone.now() - timedelta(days=3))
    verified_claim(reviewer, source=SourceFactory(), reviewed_at=timezone.now() - timedelta(days=40))
    ClaimFactory(source=SourceFactory())  # never reviewed
    for params in ({"max_age_days": "30"}, {"max_age_days": "30", "q": "Japan defense budget"}):
        assert [f["id"] for f in editor_api.get("/api/facts/", params).json()["results"]] == [recent.fact_id]


@pytest.mark.parametrize("value", ["0", "-3", "1.5", "soon", "36501"])
def test_max_age_days_must_be_a_positive_whole_number(editor_api, value):
    response = editor_api.get("/api/facts/", {"max_age_days": value})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "max_age_days: Expected a whole number of days from 1 to 36500, e.g. 30.",
        "code": response.json()["code"],
        "errors": {"max_age_days": ["Expected a whole number of days from 1 to 36500, e.g. 30."]},
    }


def test_publisher_keeps_facts_appearing_in_that_publishers_articles(api, editor_api, reviewer):
    wire = verified_claim(reviewer, source=SourceFactory(publisher="Meridian Wire"))
    verified_claim(reviewer, source=SourceFactory(publisher="StrategyPage"))
    hidden = ClaimFactory(source=SourceFactory(publisher="Meridian Wire"))  # unreviewed
    assert [f["id"] for f in editor_api.get("/api/facts/", {"publisher": "meridian wire"}).json()["results"]] == [
        wire.fact_id,
        hidden.fact_id,
    ]
    assert [f["id"] for f in api.get("/api/facts/", {"publisher": "MERIDIAN WIRE"}).json()["results"]] == [wire.fact_id]
    # an unreviewed appearance in a publisher's article does not reveal a public fact to anonymous callers
    Claim.objects.filter(pk=hidden.pk).update(fact=wire.fact)
    Claim.objects.filter(pk=wire.pk).update(source=SourceFactory(publisher="StrategyPage"))
    assert api.get("/api/facts/", {"publisher": "Meridian Wire"}).json()["results"] == []
    found = api.get("/api/facts/", {"publisher": "Meridian Wire", "q": "Japan defense budget"}).json()["results"]
    assert found == []


# -- ClaimReview JSON-LD of a fact -------------------------------------------------------------


def test_a_facts_claimreview_lists_its_public_appearances(api, editor_api, reviewer, settings):
    first = verified_claim(
        reviewer, source=SourceFactory(title="Korea: The Staredown", url="https://news.example/staredown",
                                       published_on=datetime.date(2019, 9, 12)),
    )  # fmt: skip
    later = verified_claim(
        reviewer, source=SourceFactory(title="Budget follow-up", url="https://wire.example/budget", publisher="Wire",
                                       published_on=datetime.date(2019, 11, 2)),
    )  # fmt: skip
    unreviewed = ClaimFactory(source=SourceFactory(), fact=first.fact)
    Claim.objects.filter(pk=later.pk).update(fact=first.fact)
    for client in (api, editor_api):
        response = client.get(f"/api/facts/{first.fact_id}/claimreview/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/ld+json"
        staredown = {
            "@type": "CreativeWork", "url": "https://news.example/staredown", "headline": "Korea: The Staredown",
            "text": "$50 billion", "datePublished": "2019-09-12",
        }  # fmt: skip
        assert response.json() == {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": f"http://testserver/claims/{first.pk}/",
            "claimReviewed": "Japan approved a record defense budget of $50 billion for 2020.",
            "datePublished": "2019-09-14",
            "author": response.json()["author"],
            "reviewRating": {"@type": "Rating", "bestRating": 5, "worstRating": 1, "alternateName": "True",
                             "name": "True", "ratingValue": 5},
            "itemReviewed": {
                "@type": "Claim",
                "appearance": [
                    staredown,
                    {"@type": "CreativeWork", "url": "https://wire.example/budget", "headline": "Budget follow-up",
                     "text": "$50 billion", "datePublished": "2019-11-02"},
                ],
                "firstAppearance": staredown,
                "author": {"@type": "Organization", "name": "StrategyPage"},
                "datePublished": "2019-09-12",
            },
        }  # fmt: skip
        assert response.json()["author"]["@type"] == "Organization"
    assert unreviewed.fact_id == first.fact_id  # an appearance, not public: in no ClaimReview


def test_a_fact_without_a_review_has_no_claimreview(editor_api):
    fact = ClaimFactory().fact
    response = editor_api.get(f"/api/facts/{fact.pk}/claimreview/")
    assert response.status_code == 404
    assert response.json() == {
        "detail": f"Fact {fact.pk} has no review yet (it is unreviewed).",
        "code": "not_reviewed",
    }


@pytest.mark.parametrize("url", ["/api/facts/", "/api/claims/"])
def test_a_time_with_an_offset_past_what_postgresql_takes_is_read_in_utc(api, url):
    response = api.get(url, {"updated_after": "0793-11-03T17:56:04-19:14"})
    assert response.status_code == 200
    assert response.json()["results"] == []


# -- the search cache ----------------------------------------------------------------------------


def test_an_anonymous_search_is_answered_from_the_cache_for_its_seconds_and_an_editors_never(
    api, editor_api, editor, reviewer, settings, django_assert_num_queries
):
    from django.core.cache import cache

    cache.clear()
    settings.CLAIMBOOK = {**settings.CLAIMBOOK, "SEARCH_CACHE_SECONDS": 30}
    claim = verified_claim(reviewer)
    search = {"q": "Japan defense budget 2020"}
    first = api.get("/api/facts/", search).json()["results"]
    assert [fact["id"] for fact in first] == [claim.fact_id]

    # A repeat is answered from the cache: one query, the public state's (claims/api/caching.py).
    with django_assert_num_queries(1):
        assert api.get("/api/facts/", search).json()["results"] == first
    # The verdict is taken back: the cache is keyed by the public state, so the public sees it at once too.
    services.claim_transition(claim=claim, to="in_review", by=editor, note="A new budget paper came out.")
    assert api.get("/api/facts/", search).json()["results"] == []
    assert [fact["status"] for fact in editor_api.get("/api/facts/", search).json()["results"]] == ["in_review"]
