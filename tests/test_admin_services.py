"""Every write the admin makes goes through a service: the rules a service enforces (history,
authors, the verdict's evidence) hold whichever door an editor used."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from claims import services
from claims.models import Claim, Evidence, ReviewNote, Source
from tests.factories import ClaimFactory, EvidenceFactory, SourceFactory
from tests.test_admin_workspace import change_form, change_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def service_calls(monkeypatch):
    """The names of the services called, in order (each still does its work)."""
    calls = []
    for name in ("claim_create", "claim_update", "note_add", "evidence_add", "evidence_update", "evidence_delete",
                 "source_create", "source_update", "source_delete"):  # fmt: skip
        real = getattr(services, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(services, name, spy)
    return calls


def evidence_form(index: int, **fields) -> dict:
    values = {"url": "https://example.org/budget", "stance": "supports", "title": "Budget", "publisher": "",
              "value_found": "", "retrieved_on": "2020-01-02", "note": "", **fields}  # fmt: skip
    return {f"evidence-{index}-{name}": value for name, value in values.items()}


def test_a_claim_added_with_a_note_and_evidence_is_written_by_the_services(editor_client, editor, service_calls):
    source = SourceFactory()
    start = source.text.index("$50 billion")
    response = editor_client.post(
        reverse("admin:claims_claim_add"),
        {
            "source": source.pk, "span_start": start, "span_end": start + 11, "quote": "",
            "statement": "Japan approved a record defense budget of $50 billion for 2020.", "kind": "quantitative",
            "subject": "Japan", "value": "50000000000", "unit": "USD", "qualifier": "exact", "as_of": "",
            "as_of_precision": "", "transition_note": "",
            "evidence-TOTAL_FORMS": "1", "evidence-INITIAL_FORMS": "0", **evidence_form(0),
            "notes-TOTAL_FORMS": "1", "notes-INITIAL_FORMS": "0", "notes-0-body": "Read the budget request.",
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert service_calls == ["claim_create", "evidence_add", "note_add"]
    claim = Claim.objects.get()
    assert (claim.origin, claim.quote, claim.version) == ("editor", "$50 billion", 1)
    assert claim.history.get().history_user == editor
    assert list(claim.notes.values_list("author", "body")) == [(editor.pk, "Read the budget request.")]
    assert list(claim.evidence.values_list("added_by", "url")) == [(editor.pk, "https://example.org/budget")]


def test_evidence_corrected_and_removed_on_the_claim_page_goes_through_the_services(editor_client, service_calls):
    claim = ClaimFactory()
    kept, removed = EvidenceFactory(claim=claim, title="Old title"), EvidenceFactory(claim=claim)
    data = change_form(
        claim,
        **{"evidence-TOTAL_FORMS": "2", "evidence-INITIAL_FORMS": "2",
           **evidence_form(0, id=kept.pk, claim=claim.pk, title="Corrected title", retrieved_on=kept.retrieved_on),
           **evidence_form(1, id=removed.pk, claim=claim.pk, retrieved_on=removed.retrieved_on, DELETE="on")},
    )  # fmt: skip
    response = editor_client.post(change_url(claim), data)
    assert response.status_code == 302
    assert service_calls == ["evidence_update", "evidence_delete", "claim_update"]
    assert list(Evidence.objects.values_list("pk", "title")) == [(kept.pk, "Corrected title")]


def test_an_evidence_correction_the_model_refuses_is_not_written():
    evidence = EvidenceFactory()
    with pytest.raises(ValidationError) as refused:
        services.evidence_update(evidence=evidence, by=None, url="ftp://example.org/file")
    assert refused.value.message_dict == {"url": ["Evidence URLs must start with http:// or https://."]}
    evidence.refresh_from_db()
    assert evidence.url == "https://www.mod.go.jp/en/d_act/d_budget/index.html"


def test_a_source_added_edited_and_deleted_in_the_admin_is_written_by_the_services(admin_client, service_calls):
    form = {"title": "Pasted", "publisher": "", "url": "", "published_on": "", "text": "One\ntwo"}
    answers = [admin_client.post(reverse("admin:claims_source_add"), form).status_code]
    source = Source.objects.get()
    change = reverse("admin:claims_source_change", args=[source.pk])
    answers.append(admin_client.post(change, {**form, "title": "Renamed"}).status_code)
    assert Source.objects.get().title == "Renamed"
    delete = reverse("admin:claims_source_delete", args=[source.pk])
    answers.append(admin_client.post(delete, {"post": "yes"}).status_code)
    assert answers == [302, 302, 302]
    assert service_calls == ["source_create", "source_update", "source_delete"]
    assert not Source.objects.exists()


def test_notes_added_in_the_admin_are_never_written_without_note_add(editor_client, editor, service_calls):
    claim = ClaimFactory()
    data = change_form(claim, **{"notes-TOTAL_FORMS": "1", "notes-0-body": "Asked the ministry."})
    assert editor_client.post(change_url(claim), data).status_code == 302
    assert service_calls == ["note_add", "claim_update"]
    assert list(ReviewNote.objects.values_list("author", "body")) == [(editor.pk, "Asked the ministry.")]


def test_an_editor_who_may_not_review_gets_no_status_field_and_cannot_give_a_verdict(client, groups):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    writer = UserFactory(username="writer")
    writer.user_permissions.add(*Permission.objects.filter(codename__in=["view_claim", "change_claim"]))
    client.force_login(writer)
    claim = ClaimFactory(status="in_review")
    page = client.get(change_url(claim))
    assert "new_status" not in page.context["adminform"].form.fields
    response = client.post(change_url(claim), change_form(claim, new_status="verified", transition_note="Checked."))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.version) == ("in_review", 2)  # the note was kept; the status was not changed
    assert list(claim.notes.values_list("body", flat=True)) == ["Checked."]
