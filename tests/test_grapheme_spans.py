"""Spans in scripts other than Latin, end to end: a new span must fall between grapheme
clusters, and a claim stored inside one under the earlier rule keeps working."""

import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from claims import services
from claims.models import Claim
from tests.factories import ClaimFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

TEXT = "क्षमता is capacity. Japan spent $50 billion."  # क्ष (KA, VIRAMA, SSA) is one character
SPLIT = "span_end 2 falls inside a grapheme cluster (a user-perceived character): it would separate U+094D from U+0937."


def factual(**fields) -> dict:
    return {"kind": Claim.Kind.FACTUAL, "value": None, "unit": "", "qualifier": "", **fields}


def stored_under_the_old_rule() -> Claim:
    """A claim on half a conjunct, as the code-point rule used to accept it."""
    claim = ClaimFactory(source=SourceFactory(text=TEXT), span_start=0, span_end=6, **factual(statement="Capacity"))
    Claim.objects.filter(pk=claim.pk).update(span_end=2, quote="क्", suffix=TEXT[2:34])
    return Claim.objects.get(pk=claim.pk)


def test_a_new_claim_ending_inside_a_conjunct_is_refused_and_nothing_is_written():
    source = SourceFactory(text=TEXT)
    with pytest.raises(ValidationError) as excinfo:
        services.claim_create(
            source=source, by=UserFactory(), span_start=0, span_end=2, **factual(statement="Half of KSSA")
        )
    assert excinfo.value.message_dict == {"span_end": [SPLIT]}
    assert not Claim.objects.exists()


def test_a_claim_cannot_be_moved_inside_a_conjunct_and_keeps_its_span():
    claim = ClaimFactory(source=SourceFactory(text=TEXT), span_start=0, span_end=6, **factual(statement="Capacity"))
    with pytest.raises(ValidationError) as excinfo:
        services.claim_update(claim=claim, by=UserFactory(), data={"span_end": 2})
    assert excinfo.value.message_dict == {"span_end": [SPLIT]}
    assert Claim.objects.values_list("span_start", "span_end", "quote").get() == (0, 6, "क्षमता")


def test_a_claim_stored_inside_a_conjunct_under_the_old_rule_still_changes_status():
    claim = stored_under_the_old_rule()
    services.claim_transition(claim=claim, to=Claim.Status.IN_REVIEW, by=UserFactory(), note="Check the script.")
    assert Claim.objects.values_list("status", "span_start", "span_end", "quote").get() == (
        Claim.Status.IN_REVIEW,
        0,
        2,
        "क्",
    )


def test_a_claim_stored_inside_a_conjunct_still_shows_on_its_pages(client, editor):
    claim = stored_under_the_old_rule()
    client.force_login(editor)
    annotated = client.get(reverse("admin:claims_source_annotated", args=[claim.source_id]))
    assert annotated.status_code == 200
    article = re.search(r'<article id="cb-article"[^>]*>(.*)</article>', annotated.content.decode(), re.S).group(1)
    assert unescape(re.sub(r"<[^>]+>", "", article)) == TEXT
    assert client.get(reverse("admin:claims_claim_change", args=[claim.pk])).status_code == 200
    assert client.get(reverse("admin:claims_claim_changelist")).status_code == 200
    listed = client.get("/api/claims/")
    assert listed.status_code == 200
    assert [row["quote"] for row in listed.json()["results"]] == ["क्"]


def test_reimporting_the_text_keeps_a_claim_stored_inside_a_conjunct_exact():
    claim = stored_under_the_old_rule()
    report = services.source_import(source=claim.source, text=TEXT + "\n\nA paragraph added.", by=UserFactory())
    assert dict(report.anchors) == {"exact": 1}
    assert Claim.objects.values_list("anchor_state", "span_start", "span_end").get() == ("exact", 0, 2)


def test_reimporting_never_relocates_a_quote_onto_half_a_conjunct():
    source = SourceFactory(text="He wrote क् alone. Japan spent $50 billion.")
    ClaimFactory(source=source, span_start=9, span_end=11, **factual(statement="A bare KA with VIRAMA"))
    # the quote's prefix still agrees, but the quote is now the first half of क्ष
    report = services.source_import(
        source=source, text="Note. He wrote क्ष alone. Japan spent $50 billion.", by=UserFactory()
    )
    assert dict(report.anchors) == {"orphaned": 1}
    assert Claim.objects.values_list("anchor_state", "span_start", "span_end", "quote").get() == (
        "orphaned",
        9,
        11,
        "क्",
    )
