"""What is public: every claim with a verdict, the articles they appear in, and nothing else."""

import pytest
from rest_framework.test import APIClient

from claims import services, workflow
from tests.factories import ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_an_article_is_public_once_it_has_a_public_claim(editor):
    anonymous = APIClient()
    claim = ClaimFactory()
    hidden = SourceFactory()
    assert anonymous.get("/api/sources/").json()["results"] == []
    assert anonymous.get(f"/api/sources/{claim.source_id}/").status_code == 404
    claim = services.claim_transition(claim=claim, to=workflow.Status.IN_REVIEW, by=editor)
    services.claim_transition(claim=claim, to=workflow.Status.FALSE, by=editor, note="The budget is lower.")
    assert [row["id"] for row in anonymous.get("/api/sources/").json()["results"]] == [claim.source_id]
    assert anonymous.get(f"/api/sources/{claim.source_id}/").json()["text"] == claim.source.text
    assert anonymous.get(f"/api/sources/{hidden.pk}/").status_code == 404


def test_editors_see_every_article(editor_api):
    sources = [SourceFactory(), SourceFactory()]
    assert [row["id"] for row in editor_api.get("/api/sources/").json()["results"]] == [s.pk for s in sources]


def test_the_public_rationale_is_in_the_claim_json_and_reviewer_notes_are_not(editor):
    claim = ClaimFactory()
    claim = services.claim_transition(claim=claim, to=workflow.Status.IN_REVIEW, by=editor)
    services.claim_update(
        claim=claim, by=editor, status=workflow.Status.VERIFIED, note="Internal: called the ministry.",
        data={"rationale": "The ministry's budget request gives 5.31 trillion yen, about $50 billion."},
    )  # fmt: skip
    body = APIClient().get(f"/api/claims/{claim.pk}/").json()
    assert body["rationale"] == "The ministry's budget request gives 5.31 trillion yen, about $50 billion."
    assert "notes" not in body
    assert "Internal" not in str(body)


def test_an_editor_writes_the_rationale_through_the_api(editor_api, editor):
    claim = ClaimFactory()
    etag = editor_api.get(f"/api/claims/{claim.pk}/")["ETag"]
    response = editor_api.patch(
        f"/api/claims/{claim.pk}/", {"rationale": "Checked against the budget."}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 200, response.content
    claim.refresh_from_db()
    assert (claim.rationale, claim.version) == ("Checked against the budget.", 2)
