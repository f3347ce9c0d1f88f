"""The migration to facts gives every claim stored before it a fact of its own: its statement,
quantity and verdict (a dismissed candidate's fact has none)."""

from decimal import Decimal

import pytest

from tests.test_migration_repair import migrate, migrate_to_latest

BEFORE = [("claims", "0010_evidence_url_validator")]
AFTER = [("claims", "0011_facts")]


@pytest.fixture
def old_claims(transactional_db):
    apps = migrate(BEFORE)
    Source, Claim = apps.get_model("claims", "Source"), apps.get_model("claims", "Claim")
    reviewer = apps.get_model("auth", "User").objects.create(username="m.alvarez")
    text = "Japan approved a record defense budget of $50 billion for 2020. Korean actors stare."
    source = Source.objects.create(title="Old", text=text, sha256="0" * 64)
    common = {"source": source, "anchored_sha256": "0" * 64}
    budget = Claim.objects.create(
        **common, span_start=42, span_end=53, quote="$50 billion", statement="Japan's budget is $50 billion.",
        kind="quantitative", subject="Japan", value=Decimal("50000000000"), unit="USD", qualifier="exact",
        as_of="2020-01-01", as_of_precision="year", status="verified", reviewed_by=reviewer,
        reviewed_at="2019-09-01T10:00:00Z",
    )  # fmt: skip
    stare = Claim.objects.create(
        **common, span_start=64, span_end=84, quote="Korean actors stare.", statement="Korean actors stare.",
        kind="factual", status="dismissed",
    )  # fmt: skip
    yield {"budget": budget.pk, "stare": stare.pk, "reviewer": reviewer.pk}
    migrate_to_latest()


def test_every_claim_gets_a_fact_of_its_own_with_its_statement_quantity_and_verdict(old_claims):
    apps = migrate(AFTER)
    Claim, Fact = apps.get_model("claims", "Claim"), apps.get_model("claims", "Fact")
    budget = Claim.objects.get(pk=old_claims["budget"])
    fact = Fact.objects.get(pk=budget.fact_id)
    assert (fact.statement, fact.subject, fact.value, fact.unit, fact.qualifier, str(fact.as_of)) == (
        "Japan's budget is $50 billion.",
        "Japan",
        Decimal("50000000000"),
        "USD",
        "exact",
        "2020-01-01",
    )
    assert (fact.status, fact.reviewed_by_id) == ("verified", old_claims["reviewer"])
    stare = Claim.objects.get(pk=old_claims["stare"])
    assert Fact.objects.get(pk=stare.fact_id).status == "unreviewed"  # dismissing a candidate is no verdict
    assert stare.fact_id != budget.fact_id
    assert Fact.objects.count() == Claim.objects.count() == 2
