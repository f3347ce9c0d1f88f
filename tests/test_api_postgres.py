"""PostgreSQL-only: every list filter is answered from an index, never by scanning the claims, and
matching finds a claim's candidate facts through indexes too.

The plans are read off the SQL the API really sends, on 20,000 generated claims (large enough
for the planner to choose as it does at 100,000; a tiny table is always scanned).
"""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from claims import matching, selectors
from claims.models import Claim, Evidence, Fact, FactMatch, ReviewNote, Source

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(scope="module")
def many_claims(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("generate_claims", sources=400, claims=20_000, stdout=io.StringIO())
        yield
        FactMatch.objects.all().delete()
        Evidence.objects.all().delete()
        ReviewNote.objects.all().delete()
        Claim.objects.all().delete()
        Claim.history.all().delete()  # after the claims: deleting them writes history rows too
        Fact.objects.all().delete()
        Fact.history.all().delete()
        Source.objects.all().delete()
        assert not Claim.history.exists()
        assert not Fact.history.exists()


def scans(plan: dict) -> list[tuple[str, str]]:
    """(node type, relation or index) for every node of an EXPLAIN (FORMAT JSON) plan."""
    found = [(plan["Node Type"], plan.get("Index Name") or plan.get("Relation Name", ""))]
    for child in plan.get("Plans", []):
        found += scans(child)
    return found


def plan_of(client, url: str, assert_max_num_queries) -> list[tuple[str, str]]:
    # One query writes an anonymous page, three an editor's (notes and the permission lookups).
    with assert_max_num_queries(3) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    (sql,) = [q["sql"] for q in queries.captured_queries if 'FROM "claims_claim"' in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        (plan,) = cursor.fetchone()[0]
    return scans(plan["Plan"])


FILTERS = [
    "",
    "status=disputed",
    "kind=factual",
    "source=7",
    "subject=japan",
    "unit=km&value_min=100&value_max=1000",
    "value_min=1000000",
    "as_of_after=2019-01-01&as_of_before=2019-12-31",
    "updated_after=2020-01-01T00:00:00Z&ordering=updated_at,id",
    "q=defense%20budget",
    "ordering=-id",
    "ordering=created_at",
    "ordering=span_start",
]


@pytest.mark.parametrize("as_editor", [False, True], ids=["anonymous", "editor"])
@pytest.mark.parametrize("params", FILTERS)
def test_every_list_filter_uses_an_index_and_never_scans_the_claims(
    many_claims, editor, params, as_editor, django_assert_max_num_queries
):
    client = APIClient()
    if as_editor:
        client.force_authenticate(editor)
    nodes = plan_of(client, f"/api/claims/?{params}", django_assert_max_num_queries)
    assert ("Seq Scan", "claims_claim") not in nodes, nodes
    assert any(kind in {"Index Scan", "Index Only Scan", "Bitmap Index Scan"} for kind, _ in nodes), nodes
    if params.startswith("q=") and not as_editor:  # the public searches verified claims: their own index
        assert ("Bitmap Index Scan", "claim_verified_search_gin_idx") in nodes, nodes
    if params.startswith("unit=") and not as_editor:
        assert ("Bitmap Index Scan", "claim_status_unit_value_idx") in nodes, nodes


# -- matching's candidates: through indexes, in a constant number of queries ---------------------

BUDGET = matching.Checkable(
    statement="Japan approved a record defense budget of $50 billion for fiscal 2020.",
    subject="Japan",
    value=Decimal("50000000000"),
    unit="USD",
    qualifier="exact",
)


# A figure's candidates. A statement without one searches the full text alone: where its words are in
# a large share of the facts (the generated ones repeat a few articles), the planner reads the table
# up to the first 500 holding them rather than the GIN index, which is bounded but not an index scan.
@pytest.mark.parametrize("item", [BUDGET], ids=["figure"])
def test_every_candidate_query_uses_an_index_and_never_scans_the_facts(many_claims, item):
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
    # Within a figure's window the planner filters the (unit, value) index's rows by their words, or
    # ANDs in the GIN index when the words are rarer than the window: either way, no scan of the facts.
    assert "fact_unit_value_idx" in used, used


def test_ranking_one_claim_takes_the_same_queries_however_many_claims_match(many_claims):
    counts = set()
    for value in ("50000000000", "1000", "3", "2019"):
        item = matching.Checkable(**{**BUDGET.__dict__, "value": Decimal(value)})
        with CaptureQueriesContext(connection) as captured:
            selectors.fact_suggestions(item)
        counts.add(len(captured))
    assert counts == {2}
