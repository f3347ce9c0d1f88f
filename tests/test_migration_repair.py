"""The migration to one vocabulary of units and storable values repairs rows stored before it,
keeping what they held in a note."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("claims", "0005_input_limits")]
AFTER = [("claims", "0006_units_and_storable_values")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    """Every app to its newest migration, as the rest of the suite expects its database."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def old_rows(transactional_db):
    """Claims written before the migration: a unit spelled as a word, a unit Claimbook has no
    code for (on a verified claim), and, where the database let it in, a value past 10^18."""
    apps = migrate(BEFORE)
    Source = apps.get_model("claims", "Source")
    User = apps.get_model("auth", "User")
    reviewer = User.objects.create(username="m.alvarez")
    text = "Ships sailed 300 metres, 4 furlongs and 1,000,000,000,000,000,000,000 stars away."
    source = Source.objects.create(title="Old", text=text, sha256="0" * 64)
    rows = {}
    with connection.cursor() as cursor:
        for name, quote, value, unit, status in [
            ("metres", "300 metres", "300", "metres", "unreviewed"),
            ("furlongs", "4 furlongs", "4", "furlongs", "verified"),
            ("stars", "1,000,000,000,000,000,000,000", "1e21", "count", "unreviewed"),
        ]:
            if name == "stars" and connection.vendor == "postgresql":
                continue  # numeric(24, 6) never let such a value in
            start = text.index(quote)
            cursor.execute(
                "INSERT INTO claims_claim (source_id, span_start, span_end, quote, prefix, suffix, statement, kind, "
                "subject, value, unit, qualifier, as_of_precision, status, origin, extractor_version, anchor_state, "
                "anchored_sha256, reviewed_by_id, reviewed_at, created_at, updated_at, version) VALUES "
                "(%s, %s, %s, %s, '', '', 'A claim.', 'quantitative', '', %s, %s, 'exact', '', %s, 'editor', '', "
                "'exact', '', %s, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)",
                [source.pk, start, start + len(quote), quote, value, unit, status,
                 reviewer.pk if status == "verified" else None],
            )  # fmt: skip
            cursor.execute("SELECT MAX(id) FROM claims_claim")
            rows[name] = cursor.fetchone()[0]
    yield rows
    migrate_to_latest()


def test_a_unit_spelled_as_a_word_gets_its_code(old_rows):
    apps = migrate(AFTER)
    claim = apps.get_model("claims", "Claim").objects.get(pk=old_rows["metres"])
    assert (claim.unit, claim.kind, claim.value, claim.version) == ("meter", "quantitative", 300, 2)


def test_a_unit_without_a_code_becomes_a_factual_claim_back_in_review_with_a_note(old_rows):
    apps = migrate(AFTER)
    claim = apps.get_model("claims", "Claim").objects.get(pk=old_rows["furlongs"])
    assert (claim.kind, claim.value, claim.unit, claim.status, claim.reviewed_by_id) == (
        "factual", None, "", "in_review", None
    )  # fmt: skip
    note = apps.get_model("claims", "ReviewNote").objects.get(claim_id=claim.pk)
    assert note.author_id is None
    assert note.body.startswith(
        "Claimbook made this claim factual because its unit 'furlongs' is not one Claimbook knows. "
        "What was stored: value 4"
    )
    assert note.body.endswith("unit 'furlongs'. Give it a value and a unit Claimbook can hold to make it "
                              "quantitative again, and review its verdict again.")  # fmt: skip


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL never stored such a value")
def test_a_value_past_the_limit_that_broke_every_list_is_kept_in_a_note_and_lists_read_again(old_rows):
    apps = migrate(AFTER)
    Claim = apps.get_model("claims", "Claim")
    claim = Claim.objects.get(pk=old_rows["stars"])  # reading it raised before the repair
    assert (claim.kind, claim.value, claim.unit) == ("factual", None, "")
    note = apps.get_model("claims", "ReviewNote").objects.get(claim_id=claim.pk)
    assert "its value 1.0e+21 is beyond what Claimbook stores" in note.body
    assert len(list(Claim.objects.values_list("value", flat=True))) == 3
