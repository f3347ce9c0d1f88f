"""A GIN index for full-text search over claims, on PostgreSQL only (SQLite has no GIN)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "claim_search_gin_idx"
# The expression of claims.api.filters.SEARCH_VECTOR when this index was made, copied so the
# migration does not change with the application's code.
SEARCH_VECTOR = SearchVector("statement", "quote", "subject", config="english")


def _index():
    return GinIndex(SEARCH_VECTOR, name=INDEX_NAME)


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("claims", "Claim"), _index())


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("claims", "Claim"), _index())


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_roles")]

    operations = [migrations.RunPython(add_index, remove_index)]
