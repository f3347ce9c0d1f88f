"""A verdict never outlives what it rests on: changing what a claim says, removing its last
evidence, or re-importing a text that changes the words around its quote sends a claim with a
verdict back to review, with a note, in the same transaction; a note of invisible characters is
no ground for a verdict."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from claims import services
from claims.models import ReviewNote
from tests.factories import ARTICLE, ClaimFactory, EvidenceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified(groups):
    reviewer = UserFactory(username="m.alvarez")
    claim = ClaimFactory(status="verified", reviewed_by=reviewer, reviewed_at=timezone.now())
    EvidenceFactory(claim=claim)
    return claim


def if_match(claim) -> dict:
    claim.refresh_from_db()
    return {"HTTP_IF_MATCH": f'"{claim.pk}-{claim.version}"'}


@pytest.mark.parametrize(
    ("change", "described"),
    [
        ({"statement": "Japan approved a defense budget of $48 billion."},
         "statement from 'Japan approved a record defense budget of $50 billion for 2020.' to "
         "'Japan approved a defense budget of $48 billion.'"),
        ({"value": "48000000000"}, "value from '50000000000' to '48000000000'"),
        ({"unit": "EUR"}, "unit from 'USD' to 'EUR'"),
        ({"qualifier": "about"}, "qualifier from 'exact' to 'about'"),
        ({"subject": "China"}, "subject from 'Japan' to 'China'"),
        ({"as_of": "2020-01-01", "as_of_precision": "year"},
         "as_of from empty to '2020-01-01', as_of_precision from empty to 'year'"),
        ({"kind": "factual"}, "kind from 'quantitative' to 'factual'"),
        ({"span_start": 60, "span_end": 70}, "span_start from '59' to '60', quote from '$50 billion' to "
         "'50 billion'"),
    ],
)  # fmt: skip
def test_changing_what_a_verified_claim_says_sends_it_back_to_review_with_a_note(
    editor_api, verified, change, described
):
    response = editor_api.patch(f"/api/claims/{verified.pk}/", change, format="json", **if_match(verified))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["reviewed_by"], body["reviewed_at"]) == ("in_review", None, None)
    assert body["notes"][-1]["author"] is None
    assert body["notes"][-1]["body"] == (
        f"Back to review: editor changed its {described}. It was verified by m.alvarez; "
        "check it and give the verdict again."
    )
    verified.refresh_from_db()
    assert (verified.status, verified.reviewed_by, verified.version) == ("in_review", None, 2)
    assert APIClient().get(f"/api/claims/{verified.pk}/claimreview/").status_code == 404


def test_sending_the_same_values_back_changes_nothing_and_keeps_the_verdict(editor_api, verified):
    history = verified.history.count()
    response = editor_api.patch(
        f"/api/claims/{verified.pk}/",
        {"statement": verified.statement, "value": "50000000000", "unit": "USD", "subject": "Japan"},
        format="json",
        **if_match(verified),
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["version"]) == ("verified", 1)
    assert verified.history.count() == history
    assert not ReviewNote.objects.exists()


def test_a_new_verdict_with_the_change_is_given_from_in_review_not_kept_from_before(editor_api, verified):
    services.claim_transition(claim=verified, to="in_review", by=verified.reviewed_by)
    response = editor_api.patch(
        f"/api/claims/{verified.pk}/", {"value": "48000000000", "status": "false"}, format="json", **if_match(verified)
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["reviewed_by"]) == ("false", "editor")


def test_changing_a_verified_claim_in_the_admin_sends_it_back_to_review(client, editor, verified):
    from tests.test_admin_workspace import change_form

    client.force_login(editor)
    verified.refresh_from_db()
    form = change_form(verified, subject="North Korea")
    response = client.post(reverse("admin:claims_claim_change", args=[verified.pk]), form)
    assert response.status_code == 302
    verified.refresh_from_db()
    assert (verified.status, verified.reviewed_by, verified.subject) == ("in_review", None, "North Korea")
    assert verified.notes.get().body == (
        "Back to review: editor changed its subject from 'Japan' to 'North Korea'. It was verified by "
        "m.alvarez; check it and give the verdict again."
    )


def test_removing_the_last_evidence_in_the_admin_sends_the_verdict_back_to_review(client, editor, verified):
    from tests.test_admin_workspace import change_form

    client.force_login(editor)
    evidence = verified.evidence.get()
    verified.refresh_from_db()
    form = change_form(verified)
    form.update({
        "evidence-TOTAL_FORMS": "1", "evidence-INITIAL_FORMS": "1", "evidence-0-id": evidence.pk,
        "evidence-0-claim": verified.pk, "evidence-0-url": evidence.url, "evidence-0-stance": evidence.stance,
        "evidence-0-title": evidence.title, "evidence-0-publisher": evidence.publisher,
        "evidence-0-retrieved_on": evidence.retrieved_on.isoformat(), "evidence-0-note": "",
        "evidence-0-value_found": "", "evidence-0-DELETE": "on",
    })  # fmt: skip
    response = client.post(reverse("admin:claims_claim_change", args=[verified.pk]), form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    verified.refresh_from_db()
    assert (verified.status, verified.evidence.count(), verified.reviewed_by) == ("in_review", 0, None)
    assert verified.notes.get().body == (
        "Back to review: editor removed its last evidence item, 'Defense Programs and Budget of Japan' "
        "(https://www.mod.go.jp/en/d_act/d_budget/index.html). It was verified by m.alvarez; check it and give "
        "the verdict again."
    )


def test_removing_one_of_two_evidence_items_keeps_the_verdict(editor, verified):
    EvidenceFactory(claim=verified)
    services.evidence_delete(evidence=verified.evidence.first(), by=editor)
    verified.refresh_from_db()
    assert (verified.status, verified.version) == ("verified", 1)


def test_a_reimport_that_changes_the_words_around_a_verified_quote_sends_it_back(verified, editor):
    changed = ARTICLE.replace("Japan approved a record", "Japan denied it approved a record")
    report = services.source_import(text=changed, source=verified.source, by=editor)
    verified.refresh_from_db()
    assert report.sent_back_to_review == [verified.pk]
    assert (verified.anchor_state, verified.status, verified.reviewed_by) == ("relocated", "in_review", None)
    assert verified.quote == "$50 billion" == changed[verified.span_start : verified.span_end]


def test_a_reimport_that_changes_only_the_sentence_around_an_exact_quote_sends_it_back(editor, groups):
    reviewer = UserFactory(username="m.alvarez")
    text = "Rockets. North Korea fired 18 rockets so far this year, officials said."
    claim = ClaimFactory(
        source__text=text, span_start=text.index("18 rockets"), span_end=text.index("18 rockets") + 10,
        value=18, unit="count", status="verified", reviewed_by=reviewer, reviewed_at=timezone.now(),
    )  # fmt: skip
    EvidenceFactory(claim=claim)
    changed = text.replace("officials said", "officials denied")  # same offsets, beyond the 32-character suffix
    assert changed.index("18 rockets") == claim.span_start
    report = services.source_import(text=changed, source=claim.source, by=editor)
    claim.refresh_from_db()
    assert report.anchors == {"exact": 1}
    assert (claim.status, report.sent_back_to_review) == ("in_review", [claim.pk])
    assert claim.notes.get().body == (
        "Back to review: the source text changed around the quote: its sentence was 'North Korea fired 18 rockets "
        "so far this year, officials said.' and is now 'North Korea fired 18 rockets so far this year, officials "
        "denied.'. It was verified by m.alvarez; check it and give the verdict again."
    )


def test_a_reimport_that_changes_another_sentence_keeps_the_verdict(editor, verified):
    changed = ARTICLE.replace("eighth year in a row", "eighth straight year")
    services.source_import(text=changed, source=verified.source, by=editor)
    verified.refresh_from_db()
    assert (verified.anchor_state, verified.status) == ("exact", "verified")


@pytest.mark.parametrize("invisible", ["\u200b", "\u200b\u200c\u200d\u2060", "\u00ad\ufeff", "\u200e\u200f \t"])
def test_a_note_of_invisible_characters_is_no_ground_for_a_verdict(editor_api, groups, invisible):
    claim = ClaimFactory(status="in_review")
    response = editor_api.patch(
        f"/api/claims/{claim.pk}/", {"status": "verified", "note": invisible}, format="json", **if_match(claim)
    )
    assert response.status_code == 400, response.json()
    assert response.json()["errors"] == {
        "note": ["A note needs words: this one holds only white space or invisible characters."]
    }
    response = editor_api.post(f"/api/claims/{claim.pk}/notes/", {"body": invisible}, format="json")
    assert response.status_code == 400
    claim.refresh_from_db()
    assert (claim.status, claim.notes.count(), claim.version) == ("in_review", 0, 1)
