"""Figures the databases cannot hold exactly are refused on every path, with the limit in the
message; a value read back always equals the value written."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from claims import numbers
from claims.models import Claim, Evidence
from tests.factories import ClaimFactory, SourceFactory

LIMIT = (
    "Claimbook stores figures below 1,000,000,000,000,000,000 (10^18) in magnitude, with at most 15 "
    "significant digits and 6 decimal places."
)
STARS = "Astronomers count 1,000,000,000,000,000,000,000 stars in the observable universe."


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1000000000000000000000", f"1000000000000000000000 is too large. {LIMIT}"),
        ("-1000000000000000000", f"-1000000000000000000 is too large. {LIMIT}"),
        ("123456789012345678", f"123456789012345678 has 18 significant digits. {LIMIT}"),
        ("1234567890.1234567", f"1234567890.1234567 has 7 decimal places. {LIMIT}"),
        ("0.0000001", f"0.0000001 has 7 decimal places. {LIMIT}"),
    ],
)
def test_a_value_outside_what_both_databases_store_exactly_is_refused_with_the_limit(value, message):
    with pytest.raises(numbers.ValueRefused) as refused:
        numbers.check_value(Decimal(value))
    assert refused.value.message == message


@pytest.mark.parametrize(
    "value", ["999999999999999000", "123456789.123456", "-0.000001", "50000000000", "0", "999999999999999"]
)
def test_values_within_the_limit_are_accepted(value):
    assert numbers.check_value(Decimal(value)) == Decimal(value)


@pytest.mark.django_db
def test_extract_claims_refuses_a_figure_too_large_for_the_database_and_stores_the_rest(tmp_path):
    source = SourceFactory(text=STARS + " They formed 13.8 billion years ago.")
    out = StringIO()
    call_command("extract_claims", str(source.pk), stdout=out)
    assert out.getvalue().strip() == (
        f"Source {source.pk}: 1 candidate claims proposed, 0 already claimed or dismissed. 1 refused: "
        f"'1,000,000,000,000,000,000,000' at 18: 1000000000000000000000 is too large. {LIMIT}"
    )
    assert list(Claim.objects.values_list("quote", flat=True)) == ["13.8 billion years"]
    call_command("backup", str(tmp_path / "backup.xml"))  # every row still reads back
    assert "13.8 billion years" in (tmp_path / "backup.xml").read_text(encoding="utf-8")


@pytest.mark.django_db
def test_the_api_refuses_a_value_it_cannot_store_exactly_naming_the_limit(editor_api):
    source = SourceFactory()
    body = {
        "source": source.pk, "span_start": 59, "span_end": 70, "statement": "A figure.", "kind": "quantitative",
        "value": "123456789012345678", "unit": "USD", "qualifier": "exact",
    }  # fmt: skip
    response = editor_api.post("/api/claims/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": f"value: 123456789012345678 has 18 significant digits. {LIMIT}",
        "code": "too_many_digits",
        "errors": {"value": [f"123456789012345678 has 18 significant digits. {LIMIT}"]},
    }
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_evidence_with_a_value_it_cannot_store_exactly_is_a_400_not_a_500(editor_api):
    claim = ClaimFactory()
    response = editor_api.post(
        f"/api/claims/{claim.pk}/evidence/",
        {"url": "https://example.org/a", "title": "A", "stance": "supports", "retrieved_on": "2026-11-30",
         "value_found": "1234567890123456.5"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["errors"] == {"value_found": [f"1234567890123456.5 has 17 significant digits. {LIMIT}"]}
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_the_admin_refuses_a_value_sqlite_would_round(client, editor):
    client.force_login(editor)
    source = SourceFactory()
    response = client.post(
        reverse("admin:claims_claim_add"),
        {"source": source.pk, "span_start": 59, "span_end": 70, "quote": "", "statement": "A figure.",
         "kind": "quantitative", "value": "1234567890123.12345", "unit": "USD", "qualifier": "exact",
         "notes-TOTAL_FORMS": "0", "notes-INITIAL_FORMS": "0", "evidence-TOTAL_FORMS": "0",
         "evidence-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["value"] == [
        f"1234567890123.12345 has 18 significant digits. {LIMIT}"
    ]
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_a_fixture_with_a_value_it_cannot_store_loads_nothing_and_says_why(tmp_path):
    source = SourceFactory()
    fixture = tmp_path / "big.json"
    fixture.write_text(
        json.dumps([{"model": "claims.claim", "pk": 900, "fields": {
            "source": source.pk, "span_start": 59, "span_end": 70, "quote": "$50 billion", "statement": "Big.",
            "kind": "quantitative", "value": "1e21", "unit": "USD", "qualifier": "exact", "status": "unreviewed",
            "origin": "editor", "anchor_state": "exact", "version": 1,
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}}])
    )  # fmt: skip
    refused = r"Could not load claims\.Claim\(pk=900\): value 1000000000000000000000 is too large\. Claimbook stores"
    with pytest.raises(CommandError, match=refused + r" figures below .* Nothing was loaded\."):
        call_command("loaddata", str(fixture), verbosity=0)
    assert not Claim.objects.exists()


class TestValuesReadBack(TestCase):
    """On both databases: whatever check_value accepts comes back from the database unchanged."""

    @settings(max_examples=60, deadline=None)
    @given(st.integers(-(10**15 - 1), 10**15 - 1), st.integers(-6, 2))
    def test_a_value_read_back_equals_the_value_written(self, digits, exponent):
        value = Decimal(digits).scaleb(exponent)
        assert numbers.check_value(value) == value
        claim = ClaimFactory(value=value)
        assert Claim.objects.values_list("value", flat=True).get(pk=claim.pk) == value
