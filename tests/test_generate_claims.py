"""generate_claims makes valid, realistic benchmark data."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from claims.models import Claim, Evidence, ReviewNote, Source
from claims.spans import sha256_of

pytestmark = pytest.mark.django_db


def test_generate_claims_makes_valid_spans_of_every_status():
    out = StringIO()
    call_command("generate_claims", "--sources", "12", "--claims", "600", stdout=out)
    assert Source.objects.count() == 12
    assert Claim.objects.count() == 600
    assert out.getvalue().splitlines()[-1].startswith("Created 12 sources, 600 claims, ")
    texts = dict(Source.objects.values_list("pk", "text"))
    for source in Source.objects.all():
        assert source.sha256 == sha256_of(source.text)
    for claim in Claim.objects.all():
        text = texts[claim.source_id]
        assert text[claim.span_start : claim.span_end] == claim.quote
        assert claim.prefix == text[max(0, claim.span_start - 32) : claim.span_start]
    statuses = Counter(Claim.objects.values_list("status", flat=True))
    assert set(statuses) == set(Claim.Status.values)
    reviewed = Claim.objects.filter(status__in=["verified", "disputed", "false", "unverifiable"])
    assert Evidence.objects.count() == ReviewNote.objects.count() == reviewed.count()
    assert Claim.objects.filter(reviewed_by__isnull=True, status="verified").count() == 0
    assert len(set(Claim.objects.values_list("updated_at", flat=True))) > 500  # spread over time, not "now"
