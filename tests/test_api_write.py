"""Editors writing through the API: spans checked, workflow kept, no lost updates."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims.models import Claim, Evidence, ReviewNote
from tests.factories import ClaimFactory, SourceFactory, UserFactory, budget_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(db):
    return SourceFactory()


def current_etag(client: APIClient, claim) -> str:
    """The ETag a client reads before writing, as every write must send it back in If-Match."""
    pk = getattr(claim, "pk", claim)
    response = client.get(f"/api/claims/{pk}/")
    assert response.status_code == 200, response.content
    return response["ETag"]


def test_an_editor_creates_a_claim_and_the_quote_is_read_from_the_span(editor_api, source, editor):
    response = editor_api.post("/api/claims/", budget_claim(source))
    assert response.status_code == 201, response.json()
    claim = Claim.objects.get()
    assert response.json() == {
        "id": claim.pk,
        "source": source.pk,
        "source_url": source.url,
        "source_title": source.title,
        "span_start": 59,
        "span_end": 70,
        "quote": "$50 billion",
        "prefix": "oved a record defense budget of ",
        "suffix": " for 2020. That is the eighth ye",
        "statement": "Japan approved a record defense budget of $50 billion for 2020.",
        "kind": "quantitative",
        "subject": "Japan",
        "value": "50000000000",
        "unit": "USD",
        "qualifier": "exact",
        "as_of": None,
        "as_of_precision": "",
        "status": "unreviewed",
        "rationale": "",
        "anchor_state": "exact",
        "origin": "editor",
        "confidence": None,
        "evidence": [],
        "reviewed_at": None,
        "created_at": claim.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": claim.updated_at.isoformat().replace("+00:00", "Z"),
        "version": 1,
        "fact": Claim.objects.get().fact_id,
        "notes": [],
        "reviewed_by": None,
    }
    assert response["ETag"] == f'"{claim.pk}-1"'
    assert (claim.source, claim.span_start, claim.span_end, claim.quote, claim.value, claim.unit) == (
        source, 59, 70, "$50 billion", 50_000_000_000, "USD"
    )  # fmt: skip
    assert (claim.status, claim.origin, claim.version) == ("unreviewed", "editor", 1)
    assert (claim.prefix, claim.suffix) == ("oved a record defense budget of ", " for 2020. That is the eighth ye")
    assert [(entry.history_type, entry.history_user) for entry in claim.history.all()] == [("+", editor)]


@pytest.mark.parametrize(
    ("fields", "field", "message", "code"),
    [
        (
            {"span_end": 400},
            "span_end",
            "span_end 400 is past the end of the source text (205 characters).",
            "end_past_end",
        ),
        (
            {"quote": "$60 billion"},
            "quote",
            "quote does not match the source text at 59-70: the text there is '$50 billion', the quote is "
            "'$60 billion'.",
            "quote_mismatch",
        ),
        (
            {"span_start": 70, "span_end": 59},
            "span_end",
            "span_end 59 must be greater than span_start 70: a claim's span cannot be empty.",
            "empty_span",
        ),
        ({"span_start": -1}, "span_start", "Ensure this value is greater than or equal to 0.", "min_value"),
        ({"value": None}, "value", "A quantitative claim needs a value.", "quantity_missing"),
        ({"source": 999}, "source", 'Invalid pk "999" - object does not exist.', "does_not_exist"),
    ],
)
def test_a_bad_claim_is_a_400_naming_the_field_and_nothing_is_written(editor_api, source, fields, field, message, code):
    response = editor_api.post("/api/claims/", budget_claim(source, **fields))
    assert response.status_code == 400
    assert response.json() == {"detail": f"{field}: {message}", "code": code, "errors": {field: [message]}}
    assert Claim.objects.count() == 0


NOT_A_DICTIONARY = "Invalid data. Expected a dictionary, but got list."


@pytest.mark.parametrize(
    ("payload", "body"),
    [
        (
            "{not json",
            {
                "detail": "JSON parse error - Expecting property name enclosed in double quotes: line 1 column 2 "
                "(char 1)",
                "code": "parse_error",
            },
        ),
        (
            "[1, 2]",
            {
                "detail": NOT_A_DICTIONARY,
                "code": "invalid",
                "errors": {"non_field_errors": [NOT_A_DICTIONARY]},
            },
        ),
    ],
)
def test_malformed_json_is_a_clear_400(editor_api, payload, body):
    response = editor_api.generic("POST", "/api/claims/", payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == body
    assert Claim.objects.count() == 0


def test_anonymous_callers_cannot_write(source):
    response = APIClient().post("/api/claims/", budget_claim(source))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided.", "code": "not_authenticated"}
    assert Claim.objects.count() == 0


def test_token_authentication_works_and_a_revoked_token_does_not(editor, source):
    token = Token.objects.create(user=editor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.post("/api/claims/", budget_claim(source)).status_code == 201
    token.delete()
    response = client.post("/api/claims/", budget_claim(source, span_start=0, span_end=6, kind="factual"))
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token.", "code": "authentication_failed"}


def test_session_writes_need_the_csrf_token(editor, source):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post("/api/claims/", budget_claim(source))
    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF Failed: CSRF cookie not set.", "code": "permission_denied"}
    assert Claim.objects.count() == 0


def test_patch_with_the_current_etag_changes_the_claim(editor_api):
    claim = ClaimFactory()
    etag = editor_api.get(f"/api/claims/{claim.pk}/")["ETag"]
    response = editor_api.patch(f"/api/claims/{claim.pk}/", {"subject": "Japanese cabinet"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.json()
    assert response.json()["subject"] == "Japanese cabinet"
    assert response["ETag"] == f'"{claim.pk}-2"'
    claim.refresh_from_db()
    assert (claim.subject, claim.version) == ("Japanese cabinet", 2)


def test_a_stale_etag_is_a_412_and_nothing_is_written(editor_api):
    claim = ClaimFactory()
    stale = editor_api.get(f"/api/claims/{claim.pk}/")["ETag"]
    editor_api.patch(f"/api/claims/{claim.pk}/", {"subject": "First"}, HTTP_IF_MATCH=stale)
    response = editor_api.patch(f"/api/claims/{claim.pk}/", {"subject": "Second"}, HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert response.json() == {
        "detail": f"editor changed claim {claim.pk} since you read it (it is now at version 2, you had version 1). "
        "Nothing was saved: reload the claim to see their changes, then apply yours.",
        "code": "stale_version",
    }
    claim.refresh_from_db()
    assert (claim.subject, claim.version) == ("First", 2)
    assert editor_api.delete(f"/api/claims/{claim.pk}/", HTTP_IF_MATCH=stale).status_code == 412
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_moving_a_span_rereads_the_quote(editor_api):
    claim = ClaimFactory()
    response = editor_api.patch(f"/api/claims/{claim.pk}/", {"span_start": 17, "span_end": 22, "kind": "factual",
                                                              "value": None, "unit": ""},
                                HTTP_IF_MATCH=current_etag(editor_api, claim))  # fmt: skip
    assert response.status_code == 200, response.json()
    assert response.json()["quote"] == "Japan"


def test_status_changes_go_through_the_workflow(editor_api):
    claim = ClaimFactory()
    response = editor_api.patch(
        f"/api/claims/{claim.pk}/", {"status": "verified"}, HTTP_IF_MATCH=current_etag(editor_api, claim)
    )
    assert response.status_code == 409
    assert response.json() == {
        "detail": "A claim that is unreviewed cannot become verified; it can become: dismissed, in review.",
        "code": "transition_not_allowed",
    }
    response = editor_api.patch(
        f"/api/claims/{claim.pk}/", {"status": "in_review"}, HTTP_IF_MATCH=current_etag(editor_api, claim)
    )
    assert response.status_code == 200
    response = editor_api.patch(
        f"/api/claims/{claim.pk}/", {"status": "verified"}, HTTP_IF_MATCH=current_etag(editor_api, claim)
    )
    assert response.status_code == 409
    assert response.json()["code"] == "verdict_needs_grounds"
    response = editor_api.patch(
        f"/api/claims/{claim.pk}/",
        {"status": "verified", "note": "Confirmed with the ministry by phone."},
        HTTP_IF_MATCH=current_etag(editor_api, claim),
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["reviewed_by"]) == ("verified", "editor")
    assert [note["body"] for note in body["notes"]] == ["Confirmed with the ministry by phone."]


def test_an_editor_without_the_review_permission_cannot_change_status(source):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="writer")
    user.user_permissions.add(
        Permission.objects.get(codename="change_claim"), Permission.objects.get(codename="view_claim")
    )
    client = APIClient()
    client.force_authenticate(user)
    claim = ClaimFactory(source=source)
    response = client.patch(
        f"/api/claims/{claim.pk}/", {"status": "in_review"}, HTTP_IF_MATCH=current_etag(client, claim)
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Changing a claim's status needs the permission to review claims."
    claim.refresh_from_db()
    assert claim.status == "unreviewed"


def test_notes_and_evidence_are_appended(editor_api, editor):
    claim = ClaimFactory()
    response = editor_api.post(f"/api/claims/{claim.pk}/notes/", {"body": "Asked the MoD for the request papers."})
    assert response.status_code == 201
    assert response.json()["author"] == "editor"
    response = editor_api.post(
        f"/api/claims/{claim.pk}/evidence/",
        {
            "url": "https://www.mod.go.jp/en/d_act/d_budget/index.html",
            "title": "Defense Programs and Budget of Japan",
            "stance": "supports",
            "value_found": "48500000000",
            "retrieved_on": "2019-09-13",
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["value_found"] == "48500000000"
    assert ReviewNote.objects.get().author == editor
    assert Evidence.objects.get().added_by == editor


@pytest.mark.parametrize(
    ("url", "message", "code"),
    [
        ("javascript:alert(1)", "Evidence URLs must start with http:// or https://.", "not_http_url"),
        ("ftp://example.org/x", "Evidence URLs must start with http:// or https://.", "not_http_url"),
        ("data:text/html,<b>", "Evidence URLs must start with http:// or https://.", "not_http_url"),
        (12, "Not a valid string.", "not_a_string"),
    ],
)
def test_evidence_urls_must_be_http(editor_api, url, message, code):
    claim = ClaimFactory()
    response = editor_api.post(
        f"/api/claims/{claim.pk}/evidence/",
        {"url": url, "title": "x", "stance": "supports", "retrieved_on": "2019-09-13"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": f"url: {message}", "code": code, "errors": {"url": [message]}}
    assert Evidence.objects.count() == 0


def test_a_reader_cannot_add_notes(source):
    reader = UserFactory(username="reader")
    reader.groups.add(Group.objects.get(name="Readers"))
    client = APIClient()
    client.force_authenticate(reader)
    claim = ClaimFactory(source=source)
    response = client.post(f"/api/claims/{claim.pk}/notes/", {"body": "x"})
    assert response.status_code == 403
    assert response.json() == {
        "detail": "You do not have permission to perform this action.",
        "code": "permission_denied",
    }
    assert ReviewNote.objects.count() == 0


def test_deleting_a_claim_with_the_current_etag(editor_api):
    claim = ClaimFactory()
    etag = editor_api.get(f"/api/claims/{claim.pk}/")["ETag"]
    assert editor_api.delete(f"/api/claims/{claim.pk}/", HTTP_IF_MATCH=etag).status_code == 204
    assert not Claim.objects.exists()


# -- ClaimReview ---------------------------------------------------------------------------


def test_claimreview_has_every_property_google_fact_check_markup_needs(demo):
    """Google requires claimReviewed, reviewRating and url, and recommends author, datePublished and
    itemReviewed; url is the fact-check page, reviewBody the rationale. The whole body is compared."""
    claim = demo.claims.get(quote="This is a 610mm rocket")
    response = APIClient().get(f"/api/claims/{claim.pk}/claimreview/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    staredown = {
        "@type": "CreativeWork",
        "url": demo.url,
        "headline": "Korea: The Staredown",
        "text": "This is a 610mm rocket",
        "datePublished": "2019-09-12",
    }
    follow_up = Claim.objects.get(fact=claim.fact, source_id=2)
    assert response.json() == {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"http://testserver/claims/{claim.pk}/",
        "claimReviewed": "The ATACMS missile has a diameter of 610mm.",
        "reviewBody": "Published specifications give the ATACMS a diameter of 610 mm. Strictly, it is a guided "
        "missile rather than a rocket.",
        "datePublished": "2019-09-15",
        "author": {"@type": "Organization", "name": "Claimbook", "url": "http://testserver/"},
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": 5,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "True",
            "name": "True",
        },
        "itemReviewed": {
            "@type": "Claim",
            "author": {"@type": "Organization", "name": "StrategyPage"},
            "datePublished": "2019-09-12",
            "appearance": [
                staredown,
                {
                    "@type": "CreativeWork",
                    "url": follow_up.source.url,
                    "headline": follow_up.source.title,
                    "text": "a 610 mm missile that entered service in 1991",
                    "datePublished": "2019-11-01",
                },
            ],
            "firstAppearance": staredown,
        },
    }


def test_claimreview_names_the_organisation_of_the_settings(demo, settings):
    settings.CLAIMBOOK = {"ORGANIZATION_NAME": "Korea Desk", "ORGANIZATION_URL": "https://desk.example/"}
    claim = demo.claims.get(quote="This is a 610mm rocket")
    author = APIClient().get(f"/api/claims/{claim.pk}/claimreview/").json()["author"]
    assert author == {"@type": "Organization", "name": "Korea Desk", "url": "https://desk.example/"}


@pytest.mark.parametrize(("status", "value", "name"), [("false", 1, "False"), ("disputed", 3, "Disputed")])
def test_claimreview_rates_false_and_disputed_claims_for_editors(demo, editor, status, value, name):
    claim = demo.claims.filter(status=status).first()
    client = APIClient()
    client.force_authenticate(editor)
    rating = client.get(f"/api/claims/{claim.pk}/claimreview/").json()["reviewRating"]
    assert (rating["ratingValue"], rating["alternateName"]) == (value, name)


def test_an_unreviewed_claim_has_no_claimreview(demo, editor):
    claim = demo.claims.filter(status="unreviewed").first()
    client = APIClient()
    client.force_authenticate(editor)
    response = client.get(f"/api/claims/{claim.pk}/claimreview/")
    assert response.status_code == 404
    assert response.json() == {
        "detail": f"Claim {claim.pk} has no review yet (it is unreviewed).",
        "code": "not_reviewed",
    }


# -- no lost updates, no silent deletes -------------------------------------------------------


def claim_state(claim) -> tuple:
    fresh = Claim.objects.get(pk=claim.pk)
    return fresh.subject, fresh.statement, fresh.version, fresh.updated_at, fresh.history.count()


@pytest.mark.parametrize("if_match", [None, "", "*", "  *  "], ids=["absent", "empty", "star", "spaced star"])
@pytest.mark.parametrize(
    ("method", "body"),
    [("patch", {"subject": "Overwritten"}), ("put", {"statement": "Replaced."}), ("delete", None)],
    ids=["PATCH", "PUT", "DELETE"],
)
def test_a_write_without_if_match_is_a_428_that_says_how_to_get_the_etag_and_changes_nothing(
    editor_api, method, body, if_match
):
    claim = ClaimFactory(status="in_review")
    before = claim_state(claim)
    headers = {} if if_match is None else {"HTTP_IF_MATCH": if_match}
    response = getattr(editor_api, method)(f"/api/claims/{claim.pk}/", body, format="json", **headers)
    assert response.status_code == 428
    assert response.json() == {
        "detail": "This change needs an If-Match header with the claim's current ETag: "
        f"GET /api/claims/{claim.pk}/ and send its ETag back as If-Match. Nothing was changed.",
        "code": "precondition_required",
    }
    assert claim_state(claim) == before


@pytest.mark.parametrize("tag", ["W/stale", "stale", "current"])
def test_a_body_that_could_never_be_written_is_a_400_whatever_version_if_match_names(editor_api, tag):
    claim = ClaimFactory(status="in_review")
    etag = {"W/stale": 'W/"0-0"', "stale": f'"{claim.pk}-0"', "current": current_etag(editor_api, claim)}[tag]
    before = claim_state(claim)
    response = editor_api.patch(f"/api/claims/{claim.pk}/", {"span_start": -1}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 400
    assert response.json()["errors"] == {"span_start": ["Ensure this value is greater than or equal to 0."]}
    assert claim_state(claim) == before


def test_a_weak_etag_never_matches_a_write(editor_api):
    claim = ClaimFactory(status="in_review")
    etag = current_etag(editor_api, claim)
    before = claim_state(claim)
    for method, body in (("patch", {"subject": "Weakly"}), ("delete", None)):
        response = getattr(editor_api, method)(
            f"/api/claims/{claim.pk}/", body, format="json", HTTP_IF_MATCH="W/" + etag
        )
        assert response.status_code == 412
        assert response.json() == {
            "detail": "If-Match holds a weak ETag (W/...), and a weak ETag cannot guard a write: send the strong "
            f"ETag of GET /api/claims/{claim.pk}/ back, without W/. Nothing was changed.",
            "code": "weak_etag",
        }
    assert claim_state(claim) == before


@pytest.mark.parametrize(
    "tag",
    ['"{pk}-²"', '"{pk}-١"', '"{pk}-٣"', '"{pk}-1.0"', '"{pk}--1"', '"{other}-1"', '"nonsense"', "\x7f"],
    ids=["superscript two", "arabic one", "arabic three", "decimal", "negative", "other claim", "nonsense", "DEL"],
)
def test_an_if_match_naming_no_version_of_the_claim_is_a_412_never_a_500(editor_api, tag):
    claim = ClaimFactory(status="in_review")
    other = ClaimFactory(source=claim.source, span_start=0, span_end=6, kind="factual", value=None, unit="")
    before = claim_state(claim)
    header = tag.format(pk=claim.pk, other=other.pk)
    response = editor_api.patch(f"/api/claims/{claim.pk}/", {"subject": "x"}, format="json", HTTP_IF_MATCH=header)
    assert response.status_code == 412
    assert response.json() == {
        "detail": f'If-Match names no version of claim {claim.pk} (its ETags look like "{claim.pk}-3"): '
        f"GET /api/claims/{claim.pk}/ and send its ETag back as If-Match. Nothing was changed.",
        "code": "precondition_failed",
    }
    assert claim_state(claim) == before


def test_one_strong_etag_among_several_is_enough(editor_api):
    claim = ClaimFactory(status="in_review")
    header = f'W/"{claim.pk}-1", "{claim.pk}-9", {current_etag(editor_api, claim)}'
    response = editor_api.patch(f"/api/claims/{claim.pk}/", {"subject": "Korea"}, format="json", HTTP_IF_MATCH=header)
    assert response.status_code == 200, response.json()
    assert claim_state(claim)[:3] == ("Korea", claim.statement, 2)


@pytest.mark.parametrize(
    "body",
    [{}, {"subject": "Japan"}, {"status": "in_review"}, {"span_start": 59, "span_end": 70}],
    ids=["empty", "same subject", "same status", "same span"],
)
def test_a_patch_that_changes_nothing_keeps_the_version_and_writes_no_history(editor_api, body):
    claim = ClaimFactory(status="in_review")
    read = editor_api.get(f"/api/claims/{claim.pk}/")
    before = claim_state(claim)
    response = editor_api.patch(f"/api/claims/{claim.pk}/", body, format="json", HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 200, response.json()
    assert response.json() == read.json()
    assert response["ETag"] == read["ETag"] == f'"{claim.pk}-1"'
    assert claim_state(claim) == before
    assert not ReviewNote.objects.exists()


def test_a_stale_empty_patch_is_still_a_412(editor_api):
    claim = ClaimFactory(status="in_review")
    stale = current_etag(editor_api, claim)
    editor_api.patch(f"/api/claims/{claim.pk}/", {"subject": "Korea"}, format="json", HTTP_IF_MATCH=stale)
    response = editor_api.patch(f"/api/claims/{claim.pk}/", {}, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert response.json()["code"] == "stale_version"


def with_record(record: str):
    """A claim with a verdict, a note or an evidence item, as a reviewer leaves it."""
    from django.utils import timezone

    from tests.factories import EvidenceFactory, ReviewNoteFactory

    if record in {"verified", "disputed", "false", "unverifiable"}:
        return ClaimFactory(status=record, reviewed_at=timezone.now())
    claim = ClaimFactory(status="in_review" if record != "dismissed with a note" else "dismissed")
    if record == "evidence":
        EvidenceFactory(claim=claim)
    else:
        ReviewNoteFactory(claim=claim)
    return claim


HAS_RECORD = {
    "verified": "is verified: that record is kept, so the claim cannot be deleted. Dismiss it instead: reopen it "
    "for review, then dismiss it.",
    "disputed": "is disputed: that record is kept, so the claim cannot be deleted. Dismiss it instead: reopen it "
    "for review, then dismiss it.",
    "false": "is false: that record is kept, so the claim cannot be deleted. Dismiss it instead: reopen it for "
    "review, then dismiss it.",
    "unverifiable": "is unverifiable: that record is kept, so the claim cannot be deleted. Dismiss it instead: "
    "reopen it for review, then dismiss it.",
    "note": "has 1 note: that record is kept, so the claim cannot be deleted. Dismiss it instead.",
    "evidence": "has 1 evidence item: that record is kept, so the claim cannot be deleted. Dismiss it instead.",
    "dismissed with a note": "has 1 note: that record is kept, so the claim cannot be deleted. It is dismissed "
    "already, which keeps it out of every public list.",
}


@pytest.mark.parametrize("record", list(HAS_RECORD))
def test_a_claim_with_a_verdict_notes_or_evidence_cannot_be_deleted(editor_api, record):
    claim = with_record(record)
    before = (claim_state(claim), ReviewNote.objects.count(), Evidence.objects.count())
    response = editor_api.delete(f"/api/claims/{claim.pk}/", HTTP_IF_MATCH=current_etag(editor_api, claim))
    assert response.status_code == 409
    assert response.json() == {
        "detail": f"Claim {claim.pk} {HAS_RECORD[record]} Nothing was deleted.",
        "code": "claim_has_record",
    }
    assert (claim_state(claim), ReviewNote.objects.count(), Evidence.objects.count()) == before


def test_a_verified_claim_with_notes_and_evidence_names_all_of_its_record(editor_api):
    from tests.factories import EvidenceFactory, ReviewNoteFactory

    claim = with_record("verified")
    ReviewNoteFactory.create_batch(2, claim=claim)
    EvidenceFactory(claim=claim)
    response = editor_api.delete(f"/api/claims/{claim.pk}/", HTTP_IF_MATCH=current_etag(editor_api, claim))
    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"Claim {claim.pk} is verified and has 2 notes and has 1 evidence item: that record is kept, so the claim "
        "cannot be deleted. Dismiss it instead: reopen it for review, then dismiss it. Nothing was deleted."
    )
    assert (ReviewNote.objects.count(), Evidence.objects.count()) == (2, 1)


@pytest.mark.parametrize("status", ["unreviewed", "in_review", "dismissed"])
def test_a_claim_with_nothing_on_record_can_still_be_deleted(editor_api, status):
    claim = ClaimFactory(status=status)
    response = editor_api.delete(f"/api/claims/{claim.pk}/", HTTP_IF_MATCH=current_etag(editor_api, claim))
    assert response.status_code == 204
    assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("notes/", {"body": 12}, "body"),
        ("notes/", {"body": True}, "body"),
        (
            "evidence/",
            {"url": "https://example.org/x", "title": 7, "stance": "supports", "retrieved_on": "2019-09-13"},
            "title",
        ),
    ],
)
def test_text_sent_as_a_number_or_a_boolean_is_refused_not_stored_as_text(editor_api, path, body, field):
    claim = ClaimFactory()
    response = editor_api.post(f"/api/claims/{claim.pk}/{path}", body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"{field}: Not a valid string.",
        "code": "not_a_string",
        "errors": {field: ["Not a valid string."]},
    }
    assert (ReviewNote.objects.count(), Evidence.objects.count()) == (0, 0)


def test_a_claims_statement_sent_as_a_number_is_refused(editor_api, source):
    response = editor_api.post("/api/claims/", budget_claim(source, statement=2020), format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"statement": ["Not a valid string."]}
    assert not Claim.objects.exists()
