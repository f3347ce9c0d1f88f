"""PostgreSQL-only: full-text search runs on the GIN index."""

import pytest
from django.db import connection

from claims.api.filters import ClaimFilter
from claims.models import Claim

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_full_text_search_uses_the_gin_index():
    queryset = ClaimFilter({"q": "defense budget"}, queryset=Claim.objects.all()).qs
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny test table would be scanned anyway
        plan = queryset.explain()
    assert "claim_search_gin_idx" in plan, plan
