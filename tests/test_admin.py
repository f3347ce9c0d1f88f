"""The admin applies the same span check as everything else, and loses nothing by a click."""

import pytest
from django.urls import reverse

from claims.models import Claim, Source
from tests.factories import ClaimFactory, SourceFactory, budget_claim

pytestmark = pytest.mark.django_db


def claim_form(source: Source, **fields) -> dict:
    form = {"quote": "", "status": "unreviewed", "origin": "editor", "anchor_state": "exact",
            "notes-TOTAL_FORMS": "0", "notes-INITIAL_FORMS": "0", "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0"}  # fmt: skip
    return budget_claim(source, **{**form, **fields})


def test_adding_a_claim_in_the_admin_fills_the_quote_from_the_span(admin_client):
    source = SourceFactory()
    response = admin_client.post(reverse("admin:claims_claim_add"), claim_form(source))
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.quote == "$50 billion"
    assert claim.prefix == source.text[27:59]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"span_end": "400"}, "span_end", "span_end 400 is past the end of the source text (205 characters)."),
        (
            {"quote": "$60 billion"},
            "quote",
            "quote does not match the source text at 59-70: the text there is '$50 billion', the quote is "
            "'$60 billion'.",
        ),
        (
            {"span_start": "70", "span_end": "59"},
            "span_end",
            "span_end 59 must be greater than span_start 70: a claim's span cannot be empty.",
        ),
        ({"value": ""}, "value", "A quantitative claim needs a value."),
    ],
)
def test_the_admin_refuses_a_bad_span_with_the_reason_on_the_field(admin_client, fields, field, message):
    source = SourceFactory()
    response = admin_client.post(reverse("admin:claims_claim_add"), claim_form(source, **fields))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {field: [message]}
    assert Claim.objects.count() == 0


def test_deleting_a_source_with_claims_in_the_admin_is_refused(admin_client):
    claim = ClaimFactory()
    url = reverse("admin:claims_source_delete", args=[claim.source.pk])
    response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in response.content.decode()
    assert Source.objects.count() == 1
    assert Claim.objects.count() == 1


def test_editing_the_text_of_a_source_with_claims_in_the_admin_is_refused(admin_client):
    claim = ClaimFactory()
    source = claim.source
    url = reverse("admin:claims_source_change", args=[source.pk])
    response = admin_client.post(
        url,
        {
            "title": source.title,
            "publisher": source.publisher,
            "url": source.url,
            "published_on": "",
            "text": source.text.replace("$50", "$51"),
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "text": [
            "This source has 1 claims anchored to its text; a changed text must be re-imported so that every "
            "claim is re-anchored."
        ]
    }
    source.refresh_from_db()
    assert "$50 billion" in source.text


def test_a_source_pasted_with_windows_line_ends_is_stored_normalised(admin_client):
    response = admin_client.post(
        reverse("admin:claims_source_add"),
        {"title": "Pasted", "publisher": "", "url": "", "published_on": "", "text": "Line one\r\nCafe\u0301 two"},
    )
    assert response.status_code == 302
    source = Source.objects.get()
    assert source.text == "Line one\nCafé two"
    assert len(source.sha256) == 64


def test_the_admin_says_claimbook(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert "<title>Claims, sources and reviews | Claimbook</title>" in response.content.decode()


def test_propose_claims_from_the_source_list_creates_candidates(admin_client, seed_text):
    from claims import services

    source = services.source_import(text=seed_text, title="Korea: The Staredown").source
    response = admin_client.post(
        reverse("admin:claims_source_changelist"),
        {"action": "propose_claims", "_selected_action": [source.pk]},
        follow=True,
    )
    created = Claim.objects.filter(origin="extractor", status="unreviewed").count()
    assert created > 50
    assert [str(m) for m in response.context["messages"]] == [
        f"Source {source.pk}: {created} candidate claims proposed, 0 already claimed or dismissed."
    ]


def test_accept_and_dismiss_report_per_claim_and_dismissed_stay_dismissed(admin_client):
    first, second = ClaimFactory(origin="extractor"), None
    second = ClaimFactory(
        source=first.source, span_start=0, span_end=6, kind="factual", value=None, unit="", origin="extractor"
    )
    changelist = reverse("admin:claims_claim_changelist")
    response = admin_client.post(changelist, {"action": "dismiss", "_selected_action": [first.pk]}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [f"Claim {first.pk} dismissed."]
    response = admin_client.post(
        changelist, {"action": "start_review", "_selected_action": [first.pk, second.pk]}, follow=True
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("in_review", "in_review")
    assert [str(m) for m in response.context["messages"]] == [
        f"Claim {first.pk} in review.",
        f"Claim {second.pk} in review.",
    ]
    response = admin_client.post(changelist, {"action": "start_review", "_selected_action": [first.pk]}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f"Claim {first.pk} not in review: The claim is already in review."
    ]


def test_a_reader_cannot_run_the_review_actions(client):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    reader = UserFactory(username="reader")
    reader.groups.add(Group.objects.get(name="Readers"))
    client.force_login(reader)
    claim = ClaimFactory(origin="extractor")
    response = client.get(reverse("admin:claims_claim_changelist"))
    assert response.status_code == 200
    assert 'value="dismiss"' not in response.content.decode()
    response = client.post(
        reverse("admin:claims_claim_changelist"), {"action": "dismiss", "_selected_action": [claim.pk]}
    )
    claim.refresh_from_db()
    assert claim.status == "unreviewed"


def test_the_claim_list_has_a_selection_checkbox_per_claim_and_a_toggle(admin_client):
    first, second = ClaimFactory(), ClaimFactory(span_start=0, span_end=5, kind="factual", value=None, unit="")
    html = admin_client.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert '<input type="checkbox" id="action-toggle"' in html
    for claim in (first, second):
        assert (
            f'<input type="checkbox" name="_selected_action" value="{claim.pk}" class="action-select" '
            f'aria-label="Select this object for an action - {claim}">'
        ) in html
