"""Hostile input: markup is kept verbatim and always shown escaped; dangerous URLs, oversized
bodies, malformed JSON, NUL bytes and lone surrogates are refused with a clear error, and
nothing is written when they are."""

import pytest
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from claims import extraction, spans
from claims.models import NOTE_MAX_CHARS, Claim, Evidence, ReviewNote, Source
from tests.factories import ClaimFactory, EvidenceFactory, ReviewNoteFactory, SourceFactory
from tests.test_admin_workspace import change_form, change_url

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("planted")</script>'
ATTRIBUTE_BREAK = '"><img src=x onerror=alert(1)>'
TEXT = f"Officials said {SCRIPT} the budget rose to $50 billion {ATTRIBUTE_BREAK} in 2020."


@pytest.fixture
def planted(editor):
    """A source, claim, note and evidence full of markup, as an attacker would paste them."""
    source = SourceFactory(text=TEXT, title=f"Budget {SCRIPT}")
    start = TEXT.index(SCRIPT)
    claim = ClaimFactory(
        source=source, span_start=start, span_end=start + len(SCRIPT), kind="factual", value=None, unit="",
        qualifier="", statement=f"Officials said {ATTRIBUTE_BREAK}", subject=SCRIPT, status="in_review",
    )  # fmt: skip
    ReviewNoteFactory(claim=claim, author=editor, body=f"See {SCRIPT} and {ATTRIBUTE_BREAK}")
    EvidenceFactory(claim=claim, title=SCRIPT, publisher=ATTRIBUTE_BREAK, note=SCRIPT,
                    url=f"https://example.org/?q={ATTRIBUTE_BREAK}".replace(" ", "%20"))  # fmt: skip
    return claim


def assert_escaped(html: str) -> None:
    for payload in (SCRIPT, ATTRIBUTE_BREAK):
        assert payload not in html
    assert escape(SCRIPT) in html or escape(ATTRIBUTE_BREAK) in html  # shown, escaped


def test_markup_is_stored_verbatim(planted):
    planted.refresh_from_db()
    assert planted.quote == SCRIPT
    assert planted.subject == SCRIPT
    assert ReviewNote.objects.get().body == f"See {SCRIPT} and {ATTRIBUTE_BREAK}"
    assert Evidence.objects.get().title == SCRIPT


@pytest.mark.parametrize(
    "url",
    [
        "/admin/claims/claim/",
        "claim page",
        "annotated article",
        "/admin/claims/source/",
        "claim history",
    ],
)
def test_markup_is_always_rendered_escaped_in_the_admin(client, editor, planted, url):
    client.force_login(editor)
    url = {
        "claim page": change_url(planted),
        "annotated article": reverse("admin:claims_source_annotated", args=[planted.source_id]),
        "claim history": reverse("admin:claims_claim_history", args=[planted.pk]),
    }.get(url, url)
    response = client.get(url)
    assert response.status_code == 200
    assert_escaped(response.content.decode())


def test_the_api_returns_markup_as_json_strings_never_as_html(planted, editor_api):
    response = editor_api.get(f"/api/claims/{planted.pk}/")
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert (body["quote"], body["subject"]) == (SCRIPT, SCRIPT)
    assert body["notes"][0]["body"] == f"See {SCRIPT} and {ATTRIBUTE_BREAK}"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/", "/api/schema/"])
def test_the_api_docs_show_no_stored_data(planted, url):
    response = APIClient().get(url)
    assert response.status_code == 200  # a page that failed would show no data either
    assert "planted" not in response.content.decode()


def test_an_evidence_url_with_an_upper_case_scheme_is_stored_on_both_databases(editor_api):
    claim = ClaimFactory(status="in_review")
    response = editor_api.post(
        f"/api/claims/{claim.pk}/evidence/",
        {"url": "HTTPS://UNDOCS.ORG/S/2019/691", "title": "x", "stance": "supports", "retrieved_on": "2020-01-01"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Evidence.objects.get().url == "HTTPS://UNDOCS.ORG/S/2019/691"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "ftp://example.org/x", "//evil.example"]
)
def test_evidence_urls_must_be_http_or_https_in_the_api_and_the_admin(editor_api, client, editor, url):
    claim = ClaimFactory(status="in_review")
    response = editor_api.post(
        f"/api/claims/{claim.pk}/evidence/",
        {"url": url, "title": "x", "stance": "supports", "retrieved_on": "2020-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["url"][0] in {
        "Evidence URLs must start with http:// or https://.",
        "Enter a valid URL.",
    }
    client.force_login(editor)
    form = change_form(
        claim,
        **{"evidence-TOTAL_FORMS": "1", "evidence-0-url": url, "evidence-0-title": "x",
           "evidence-0-stance": "supports", "evidence-0-retrieved_on": "2020-01-01"},
    )  # fmt: skip
    response = client.post(change_url(claim), form)
    if url.startswith("//"):  # the admin reads a scheme-relative URL as https://, which is harmless
        assert Evidence.objects.get().url == "https:" + url
    else:
        assert response.status_code == 200  # the form again, with the error
        assert not Evidence.objects.exists()


# -- oversized ------------------------------------------------------------------------------


def test_an_api_body_over_the_limit_is_a_413_and_nothing_is_written(editor_api, settings):
    settings.CLAIMBOOK = {**settings.CLAIMBOOK, "MAX_API_BODY_BYTES": 1024 * 1024}
    claim = ClaimFactory(status="in_review")
    response = editor_api.post(f"/api/claims/{claim.pk}/notes/", {"body": "x" * (1024 * 1024)}, format="json")
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is larger than 1,048,576 bytes; nothing was read or written.",
        "code": "payload_too_large",
    }
    assert not ReviewNote.objects.exists()


def test_a_note_longer_than_the_limit_is_refused_naming_the_limit(editor_api):
    claim = ClaimFactory(status="in_review")
    response = editor_api.post(f"/api/claims/{claim.pk}/notes/", {"body": "x" * (NOTE_MAX_CHARS + 1)}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"body": ["Ensure this field has no more than 10000 characters."]}
    assert not ReviewNote.objects.exists()


def test_ten_thousand_claims_in_one_request_are_refused(editor_api, source):
    claims = [{"source": source.pk, "span_start": i, "span_end": i + 1, "statement": "x"} for i in range(10_000)]
    response = editor_api.post("/api/claims/", claims, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Invalid data. Expected a dictionary, but got list."
    assert not Claim.objects.exists()


def test_a_fifty_megabyte_source_pasted_in_the_admin_is_a_413(admin_client):
    response = admin_client.post(
        "/admin/claims/source/add/", {"title": "Huge", "url": "https://example.org/huge", "text": "a" * (50 << 20)}
    )
    assert response.status_code == 413
    assert response.content.decode() == (
        "The request is larger than 10,485,760 bytes (CLAIMBOOK_MAX_FORM_BYTES); nothing was saved."
    )
    assert not Source.objects.exists()


# -- malformed ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b'{"statement": "x", ', 400, "JSON parse error - Expecting property name enclosed in double quotes"),
        (b'{"span_start": "ten"}', 400, "span_start: A valid integer is required."),
        (b'{"statement": "a\\u0000b"}', 400, "statement: Null characters are not allowed."),
        (b'{"statement": "\\ud800"}', 400, "statement: Surrogate characters are not allowed: U+D800."),
        (b"\xff\xfe{}", 400, "JSON parse error - 'utf-8' codec can't decode byte 0xff in position 0"),
        (b"[" * 10_000 + b"]" * 10_000, 400, "JSON parse error - arrays or objects are nested too deeply; a claim's "
         "JSON is a few levels deep."),
        (b'{"statement": ' + b'{"a": ' * 10_000 + b"1" + b"}" * 10_001, 400, "JSON parse error - arrays or objects "
         "are nested too deeply"),
    ],
    ids=["truncated", "wrong type", "NUL", "lone surrogate", "not UTF-8", "arrays 10,000 deep", "objects 10,000 deep"],
)  # fmt: skip
def test_malformed_writes_get_a_clear_400_and_change_nothing(editor_api, body, status, message):
    claim = ClaimFactory(status="in_review")
    etag = editor_api.get(f"/api/claims/{claim.pk}/")["ETag"]
    response = editor_api.generic(
        "PATCH", f"/api/claims/{claim.pk}/", body, content_type="application/json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == status
    assert response.json()["detail"].startswith(message), response.json()
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.statement, fresh.version) == (claim.statement, 1)


@pytest.mark.parametrize("param", ["q", "subject"])
def test_a_nul_byte_in_a_query_parameter_is_a_400(param):
    response = APIClient().get(f"/api/claims/?{param}=a%00b")
    assert response.status_code == 400
    assert response.json()["errors"] == {param: ["Null characters are not allowed."]}


# -- property-based: whatever the text, extraction and spans keep their promises -----------


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=400))
def test_extraction_on_any_text_returns_only_valid_spans(text):
    text = spans.normalize_text(text)
    for candidate in extraction.candidates(text):
        start, end = candidate.span_start, candidate.span_end
        assert 0 <= start < end <= len(text)
        assert candidate.quote == text[start:end]
        spans.check_span(text, start, end, candidate.quote)
        assert 0 <= candidate.confidence <= 1
