"""Span integrity holds on every path into the database: model saves, forms and raw SQL."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from claims.models import Claim, Fact, Source
from claims.spans import SpanError, sha256_of
from tests.factories import ARTICLE, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_saving_a_source_records_the_sha256_of_its_text():
    source = SourceFactory()
    source.refresh_from_db()
    assert source.sha256 == sha256_of(ARTICLE)


def test_a_claim_fills_quote_prefix_suffix_and_anchor_from_its_span():
    claim = ClaimFactory()
    claim.refresh_from_db()
    start = ARTICLE.index("$50 billion")
    assert (claim.span_start, claim.span_end) == (start, start + 11)
    assert claim.quote == "$50 billion"
    assert claim.prefix == ARTICLE[start - 32 : start]
    assert claim.suffix == ARTICLE[start + 11 : start + 43]
    assert claim.anchored_sha256 == claim.source.sha256
    assert claim.anchor_state == Claim.AnchorState.EXACT


def test_a_claim_whose_quote_differs_from_the_text_is_refused_on_save():
    with pytest.raises(SpanError) as raised:
        ClaimFactory(quote="$5 billion!")
    assert raised.value.field == "quote"
    assert raised.value.code == "quote_mismatch"
    assert str(raised.value) == (
        "quote does not match the source text at 59-70: the text there is '$50 billion', the quote is '$5 billion!'."
    )
    assert Claim.objects.count() == 0


def test_a_claim_past_the_end_of_its_source_is_refused_on_save():
    with pytest.raises(SpanError, match=r"^span_end 9999 is past the end of the source text \(205 characters\)\.$"):
        ClaimFactory(span_start=10, span_end=9999)
    assert Claim.objects.count() == 0


def test_a_claim_after_an_astral_emoji_counts_code_points():
    source = SourceFactory()
    start = source.text.index("North Korea fired")
    claim = ClaimFactory(
        source=source, span_start=start, span_end=start + 11, kind=Claim.Kind.FACTUAL, value=None, unit=""
    )
    assert claim.quote == "North Korea"
    assert start == len(ARTICLE) - len("North Korea fired 18 rockets so far this year.")


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"span_start": 20, "span_end": 20, "quote": ""}, "claim_span_not_empty"),
        ({"span_start": 20, "span_end": 10, "quote": ""}, "claim_span_not_empty|claim_quote_fills_span"),
        ({"span_start": 0, "span_end": 5, "quote": "Aug"}, "claim_quote_fills_span"),
        ({"kind": "quantitative", "value": None, "unit": ""}, "claim_quantitative_has_value_and_unit"),
        ({"confidence": 1.5}, "claim_confidence_between_0_and_1"),
        ({"as_of": "2020-01-01", "as_of_precision": ""}, "claim_as_of_has_precision"),
    ],
)
def test_the_database_refuses_a_bad_claim_that_bypasses_the_model(fields, constraint):
    source = SourceFactory()
    row = {
        "source": source,
        "span_start": 0,
        "span_end": 6,
        "quote": "August",
        "statement": "A claim.",
        "kind": "factual",
        "fact": Fact.objects.create(statement="A claim.", kind="factual"),
        **fields,
    }
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Claim.objects.bulk_create([Claim(**row)])  # bulk_create sends no signals
    assert Claim.objects.count() == 0


def test_the_database_refuses_a_second_claim_on_the_same_span_and_kind():
    first = ClaimFactory()
    with (
        pytest.raises(
            IntegrityError,
            match=r"claim_span_unique_per_source_kind|UNIQUE constraint failed: claims_claim\.source_id",
        ),
        transaction.atomic(),
    ):
        ClaimFactory(source=first.source)
    assert Claim.objects.count() == 1


def test_the_same_span_may_hold_a_factual_and_a_quantitative_claim():
    first = ClaimFactory()
    ClaimFactory(source=first.source, kind=Claim.Kind.FACTUAL, value=None, unit="")
    assert first.source.claims.count() == 2


def test_deleting_a_source_that_has_claims_is_refused_and_deletes_nothing():
    claim = ClaimFactory()
    with pytest.raises(ProtectedError):
        claim.source.delete()
    assert Source.objects.count() == 1
    assert Claim.objects.count() == 1


def test_a_source_without_claims_can_be_deleted():
    SourceFactory().delete()
    assert Source.objects.count() == 0


def test_changing_the_text_of_a_source_with_claims_is_refused():
    claim = ClaimFactory()
    source = claim.source
    source.text = source.text.replace("$50 billion", "$51 billion")
    with pytest.raises(SpanError) as raised:
        source.save()
    assert raised.value.code == "text_has_claims"
    source.refresh_from_db()
    assert "$50 billion" in source.text


def test_changing_the_title_of_a_source_with_claims_is_allowed():
    claim = ClaimFactory()
    claim.source.title = "Korea: The Staredown (corrected)"
    claim.source.save()
    claim.source.refresh_from_db()
    assert claim.source.title == "Korea: The Staredown (corrected)"


def test_a_source_text_that_is_not_normalised_is_refused():
    with pytest.raises(SpanError, match="text is not normalised"):
        SourceFactory(text="Line one\r\nline two")
    assert Source.objects.count() == 0


def test_a_source_text_with_a_nul_character_is_refused():
    with pytest.raises(SpanError, match="text contains a NUL character at offset 4"):
        SourceFactory(text="abc \x00 def")
    assert Source.objects.count() == 0


@pytest.mark.parametrize(
    ("span_end", "kind", "errors", "quote"),
    [
        (400, "factual", {"span_end": ["span_end 400 is past the end of the source text (205 characters)."]}, ""),
        (70, "quantitative", {"value": ["A quantitative claim needs a value."],
                              "unit": ["A quantitative claim needs a unit."]}, "$50 billion"),
    ],
    ids=["span past the end", "quantity missing"],
)  # fmt: skip
def test_model_validation_names_each_field_at_fault(span_end, kind, errors, quote):
    from django.core.exceptions import ValidationError

    claim = Claim(source=SourceFactory(), span_start=59, span_end=span_end, statement="x", kind=kind)
    with pytest.raises(ValidationError) as raised:
        claim.full_clean()
    assert raised.value.message_dict == errors
    assert claim.quote == quote  # read from a span that holds, whatever else is wrong
