"""HTTP caching of the API's reads: strong ETags, 304s without a body for a query's cost, Cache-Control
and Vary fit for a CDN, and nothing private ever cacheable."""

import datetime
import re

import pytest
from rest_framework.test import APIClient

from claims import services
from claims.api import caching
from claims.models import Claim, Fact, Source

pytestmark = pytest.mark.django_db

PUBLIC = "public, max-age=60, s-maxage=60, stale-while-revalidate=30, stale-if-error=300"
PRIVATE = "private, no-store"
STRONG_PUBLIC_TAG = re.compile(r'^"p[0-9a-f]{40}"$')


@pytest.fixture
def anon():
    return APIClient()


def verified_claim() -> Claim:
    return Claim.objects.filter(status="verified").order_by("pk").first()


def verified_fact() -> Fact:
    return Fact.objects.filter(status="verified").order_by("pk").first()


def reads(demo) -> list[str]:
    """Every public read: lists, details, ClaimReview, facts and their search, the feed, the bulk formats."""
    claim, fact = verified_claim(), verified_fact()
    return [
        "/api/claims/",
        "/api/claims/?status=false&page_size=5",
        f"/api/claims/{claim.pk}/",
        f"/api/claims/{claim.pk}/claimreview/",
        "/api/claims/?format=csv",
        "/api/claims/export.ndjson",
        "/api/facts/",
        f"/api/facts/{fact.pk}/",
        f"/api/facts/{fact.pk}/claimreview/",
        "/api/facts/?q=defense+budget",
        "/api/sources/",
        f"/api/sources/{demo.pk}/",
        "/api/changes/?after=0",
        "/api/changes/?after=100&limit=5",
    ]


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_every_public_read_answers_its_own_etag_with_a_304_without_a_body_in_one_query(
    demo, anon, django_assert_num_queries
):
    for url in reads(demo):
        first = anon.get(url)
        assert first.status_code == 200, url
        assert body_of(first), url
        tag = first["ETag"]
        assert STRONG_PUBLIC_TAG.match(tag), (url, tag)
        assert first["Cache-Control"] == PUBLIC, url
        assert first["Last-Modified"], url
        with django_assert_num_queries(1):
            again = anon.get(url, HTTP_IF_NONE_MATCH=tag)
        assert again.status_code == 304, url
        assert body_of(again) == b"", url
        assert again["ETag"] == tag
        assert again["Cache-Control"] == PUBLIC
        assert again["Last-Modified"] == first["Last-Modified"]
        assert again["Vary"] == "Accept, Authorization, Cookie"


def test_a_304_answers_any_listed_tag_and_a_weak_copy_of_it_but_not_another_tag(demo, anon):
    tag = anon.get("/api/claims/")["ETag"]
    assert anon.get("/api/claims/", HTTP_IF_NONE_MATCH=f'"other", {tag}').status_code == 304
    assert anon.get("/api/claims/", HTTP_IF_NONE_MATCH=f"W/{tag}").status_code == 304
    assert anon.get("/api/claims/", HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_each_representation_has_its_own_etag(demo, anon):
    claim = verified_claim()
    urls = [
        "/api/claims/",
        "/api/claims/?format=csv",
        "/api/claims/?page_size=5",
        f"/api/claims/{claim.pk}/",
        f"/api/claims/{claim.pk}/claimreview/",
        "/api/facts/",
    ]
    tags = {anon.get(url)["ETag"] for url in urls}
    assert len(tags) == len(urls)
    # One URL, two representations by Accept (hence Vary: Accept): two tags.
    assert anon.get("/api/claims/", HTTP_ACCEPT="text/csv")["ETag"] != anon.get("/api/claims/")["ETag"]


def test_the_same_request_on_another_host_is_another_etag_since_the_body_links_to_that_host(demo, anon):
    here = anon.get("/api/claims/")["ETag"]
    assert anon.get("/api/claims/", HTTP_HOST="testserver:8000")["ETag"] != here


def tags_of(client, urls) -> dict[str, str]:
    return {url: client.get(url).headers.get("ETag") for url in urls}  # none once a claim is withdrawn (404)


@pytest.fixture
def tracked(demo, editor):
    """The ETags of the public reads, and a check that a change moved every one of them."""
    anon = APIClient()
    urls = reads(demo)
    before = tags_of(anon, urls)

    def all_changed() -> None:
        after = tags_of(anon, urls)
        unchanged = [url for url in urls if after[url] == before[url]]
        assert unchanged == []
        for url in urls:
            response = anon.get(url, HTTP_IF_NONE_MATCH=before[url])
            assert response.status_code in (200, 404), url

    return all_changed


def test_a_verdict_changes_every_public_etag(tracked, editor):
    claim = Claim.objects.filter(status="in_review").order_by("pk").first()
    services.claim_transition(claim=claim, to="verified", by=editor, note="The ministry's paper says so.")
    tracked()


def test_a_withdrawal_changes_every_public_etag(tracked, editor):
    services.claim_transition(claim=verified_claim(), to="in_review", by=editor, note="A newer paper came out.")
    tracked()


def test_evidence_added_changes_every_public_etag(tracked, editor):
    services.evidence_add(
        claim=verified_claim(), by=editor, url="https://example.org/budget", title="The budget paper",
        stance="supports", retrieved_on=datetime.date(2019, 9, 12),
    )  # fmt: skip
    tracked()


def test_a_fact_reworded_changes_every_public_etag_though_no_claim_json_changes(tracked, editor):
    fact = verified_fact()
    services.fact_update(fact=fact, by=editor, statement=fact.statement + " (restated)")
    tracked()


def test_a_source_retitled_changes_every_public_etag(tracked, editor, demo):
    services.source_update(source=demo, by=editor, title="Korea: The Long Staredown")
    tracked()


def test_a_fact_reworded_reaches_the_next_search_though_the_old_answer_is_in_the_search_cache(demo, anon, editor):
    fact = Fact.objects.get(pk=anon.get("/api/facts/?q=defense+budget").json()["results"][0]["id"])
    services.fact_update(fact=fact, by=editor, statement="Japan's cabinet approved a $50 billion defense budget.")
    first = anon.get("/api/facts/?q=defense+budget").json()["results"]
    assert {row["id"]: row["statement"] for row in first}[fact.pk] == (
        "Japan's cabinet approved a $50 billion defense budget."
    )


def test_an_editor_gets_private_no_store_answers_and_never_a_304(demo, editor_api, anon):
    claim = verified_claim()
    url = f"/api/claims/{claim.pk}/"
    mine = editor_api.get(url)
    assert mine.status_code == 200
    assert mine["Cache-Control"] == PRIVATE
    assert mine["Vary"] == "Accept, Authorization, Cookie"
    assert "Last-Modified" not in mine
    # The version ETag PATCH's If-Match takes; a note or evidence does not raise the version, so it
    # cannot vouch for an editor's body (which holds the notes): no 304 with it.
    assert mine["ETag"] == f'"{claim.pk}-{claim.version}"'
    assert editor_api.get(url, HTTP_IF_NONE_MATCH=mine["ETag"]).status_code == 200
    services.note_add(claim=claim, by=None, body="Checked against the 2019 white paper.")
    claim.refresh_from_db()
    assert editor_api.get(url).json()["notes"][-1]["body"] == "Checked against the 2019 white paper."
    assert claim.version == int(mine["ETag"].strip('"').split("-")[1])  # the version did not move
    # Never a 304 across callers: the anonymous tag is not the editor's, nor the editor's the anonymous one.
    public_tag = anon.get(url)["ETag"]
    assert public_tag != mine["ETag"]
    assert editor_api.get(url, HTTP_IF_NONE_MATCH=public_tag).status_code == 200
    assert anon.get(url, HTTP_IF_NONE_MATCH=mine["ETag"]).status_code == 200
    for list_url in ("/api/claims/", "/api/facts/", "/api/changes/?after=0"):
        response = editor_api.get(list_url)
        assert response["Cache-Control"] == PRIVATE, list_url
        assert "ETag" not in response, list_url


def test_an_edit_with_the_editors_etag_still_goes_through_if_match(demo, editor_api):
    claim = verified_claim()
    tag = editor_api.get(f"/api/claims/{claim.pk}/")["ETag"]
    response = editor_api.patch(f"/api/claims/{claim.pk}/", {"subject": "Japan's cabinet"}, HTTP_IF_MATCH=tag)
    assert response.status_code == 200
    assert response["ETag"] == f'"{claim.pk}-{claim.version + 1}"'
    assert response["Cache-Control"] == PRIVATE


def test_errors_and_writes_are_never_cacheable(demo, anon, editor_api):
    hidden = Claim.objects.filter(status="in_review").order_by("pk").first()
    missing = anon.get(f"/api/claims/{hidden.pk}/")
    assert missing.status_code == 404
    assert missing["Cache-Control"] == PRIVATE
    assert "ETag" not in missing
    bad = anon.get("/api/claims/?page_size=0")
    assert bad.status_code == 400
    assert bad["Cache-Control"] == PRIVATE
    refused = anon.patch(f"/api/claims/{verified_claim().pk}/", {"subject": "x"}, format="json")
    assert refused.status_code == 401
    assert refused["Cache-Control"] == PRIVATE


def test_a_time_relative_query_has_no_etag_but_may_be_cached_for_a_minute(demo, anon):
    response = anon.get("/api/facts/?max_age_days=36500")
    assert response.status_code == 200
    assert "ETag" not in response
    assert response["Cache-Control"] == PUBLIC


def test_the_public_state_is_read_in_one_query_and_names_the_newest_change(demo, django_assert_num_queries):
    from claims.models import ChangeEvent

    with django_assert_num_queries(1):
        state = caching.PublicState.read()
    newest = ChangeEvent.objects.order_by("-seq").first()
    assert state.seq == newest.seq
    assert state.event_at == newest.at
    assert state.facts_at == Fact.objects.order_by("-updated_at").first().updated_at
    assert state.sources_at == Source.objects.order_by("-updated_at").first().updated_at
    assert state.last_modified() == max(newest.at, state.facts_at, state.sources_at)


@pytest.mark.postgres
def test_on_postgresql_the_304_of_the_fact_search_costs_one_query_too(demo, anon, django_assert_num_queries):
    tag = anon.get("/api/facts/?q=rocket")["ETag"]
    with django_assert_num_queries(1):
        assert anon.get("/api/facts/?q=rocket", HTTP_IF_NONE_MATCH=tag).status_code == 304
