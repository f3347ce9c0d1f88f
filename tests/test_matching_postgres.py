"""PostgreSQL-only: matching finds its candidates through indexes, in a constant number of
queries, on 20,000 generated facts (a tiny table is always scanned)."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import matching, selectors
from claims.models import Claim, Evidence, Fact, FactMatch, ReviewNote, Source
from tests.test_api_postgres import scans

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(scope="module")
def many_facts(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("generate_claims", sources=400, claims=20_000, stdout=io.StringIO())
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE claims_fact")
        yield
        FactMatch.objects.all().delete()
        Evidence.objects.all().delete()
        ReviewNote.objects.all().delete()
        Claim.objects.all().delete()
        Claim.history.all().delete()
        Fact.objects.all().delete()
        Fact.history.all().delete()
        Source.objects.all().delete()


BUDGET = matching.Checkable(
    statement="Japan approved a record defense budget of $50 billion for fiscal 2020.",
    subject="Japan",
    value=Decimal("50000000000"),
    unit="USD",
    qualifier="exact",
)
FACTUAL = matching.Checkable(
    statement="North Korea test-fired a new multiple launch rocket system from its east coast.", kind="factual"
)


@pytest.mark.parametrize("item", [BUDGET, FACTUAL], ids=["figure", "statement"])
def test_every_candidate_query_uses_an_index_and_never_scans_the_facts(many_facts, item):
    assert Fact.objects.count() >= 20_000
    with CaptureQueriesContext(connection) as captured:
        selectors.fact_suggestions(item)
    fact_queries = [q["sql"] for q in captured.captured_queries if '"claims_fact"' in q["sql"]]
    assert len(fact_queries) == (2 if item.quantitative else 1)
    used = set()
    for sql in fact_queries:
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            (plan,) = cursor.fetchone()[0]
        nodes = scans(plan["Plan"])
        assert ("Seq Scan", "claims_fact") not in nodes, (sql, nodes)
        used |= {name for kind, name in nodes if "Index" in kind}
    expected = {"fact_search_gin_idx", "fact_statement_trgm_idx"} | (
        {"fact_unit_value_idx"} if item.quantitative else set()
    )
    assert expected <= used, used


def test_ranking_one_claim_takes_the_same_queries_however_many_facts_match(many_facts):
    counts = set()
    for value in ("50000000000", "1000", "3", "2019"):
        item = matching.Checkable(**{**BUDGET.__dict__, "value": Decimal(value)})
        with CaptureQueriesContext(connection) as captured:
            selectors.fact_suggestions(item)
        counts.add(len(captured))
    assert counts == {2}
