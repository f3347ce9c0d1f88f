"""The claim JSON: defined once, by ``ClaimSerializer`` (and ``EditorClaimSerializer``), and
read from the database in one query per page whatever the database.

- On PostgreSQL the database writes each claim's JSON itself, evidence and notes included:
  the SQL is generated from the serializer's fields, with one formatter per field type that
  writes exactly what DRF's field would. A field of a type with no formatter is refused when
  the SQL is built (``UnknownField``), never written some other way. Reading 50 claims, their
  evidence and notes into Python objects (above all psycopg's datetimes) cost more than the
  rest of a list request together; PostgreSQL writes the same JSON in a fraction of that.
- Elsewhere (SQLite) the serializer itself writes it, over model instances whose relations
  are loaded with the page (``select_related``/``prefetch_related`` derived from the same
  fields), so a page costs the same queries at 10 and at 500 claims.

tests/test_claim_json.py holds the two equal on both databases, over generated claims.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

import orjson
from django.db import connection
from django.db.models import Model, Prefetch, QuerySet
from django.db.models.expressions import RawSQL
from rest_framework import serializers
from rest_framework.settings import api_settings

from .serializers import PlainDecimalField

SerializerClass = type[serializers.ModelSerializer]


class UnknownField(TypeError):
    """A serializer field the PostgreSQL JSON has no formatter for."""


# -- PostgreSQL: one formatter per field type -----------------------------------------------
# Each takes the field and the SQL of its column and returns the SQL of the JSON value DRF's
# field gives. Exact types only: a subclass may represent its value differently, so it needs
# its own line.


def _as_is(field: serializers.Field, column: str) -> str:
    return column


def _big_integer(field: serializers.Field, column: str) -> str:
    """BigIntegerField: a number, or a string where COERCE_BIGINT_TO_STRING asks for one."""
    if getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING):
        return f"COALESCE({column}::text, '')"
    return column


def _iso_datetime(field: serializers.Field, column: str) -> str:
    """DRF's DateTimeField under USE_TZ and TIME_ZONE="UTC": ISO 8601 in UTC with "Z", and
    microseconds only when there are some."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN mod(extract(microseconds FROM {column}), "
        f"1000000) = 0 THEN '' ELSE to_char({utc}, '.US') END || 'Z')"
    )


def _plain_decimal(field: serializers.Field, column: str) -> str:
    """PlainDecimalField: the decimal as a string without padding zeros ("6.9", "50000000000")."""
    return f"trim_scale({column})::text"


Formatter = Callable[[serializers.Field, str], str]

FORMATTERS: dict[type[serializers.Field], Formatter] = {
    serializers.IntegerField: _as_is,
    serializers.BigIntegerField: _big_integer,
    serializers.FloatField: _as_is,  # JSON numbers both ways; PostgreSQL writes the shortest exact form
    serializers.BooleanField: _as_is,
    serializers.CharField: _as_is,
    serializers.URLField: _as_is,
    serializers.ChoiceField: _as_is,
    serializers.DateField: _as_is,  # PostgreSQL's JSON writes dates as ISO 8601, as DRF does
    serializers.DateTimeField: _iso_datetime,
    PlainDecimalField: _plain_decimal,
    serializers.PrimaryKeyRelatedField: _as_is,  # the foreign key's column
    serializers.SlugRelatedField: _as_is,  # the slug column of the related row
}


def _formatter(field: serializers.Field, where: str) -> Callable[[str], str]:
    try:
        formatter = FORMATTERS[type(field)]
    except KeyError:
        raise UnknownField(
            f"{where} is a {type(field).__name__}, which the PostgreSQL claim JSON has no formatter for: "
            "add one to claims.api.claim_json.FORMATTERS that writes exactly what the field's "
            "to_representation gives."
        ) from None
    return lambda column: formatter(field, column)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _path_sql(model: type[Model], alias: str, attrs: list[str], fmt: Callable[[str], str], depth: int) -> str:
    """The SQL of ``model``'s attribute path ``attrs`` from the row ``alias``, through
    foreign keys by subquery (``source.url``), formatted by ``fmt``."""
    field = model._meta.get_field(attrs[0])
    if len(attrs) == 1:
        column = field.column if field.concrete else None
        if column is None:
            raise UnknownField(f"{model.__name__}.{attrs[0]} is not a column")
        return fmt(f"{alias}.{_quote(column)}")
    if not (field.many_to_one or field.one_to_one) or not field.concrete:
        raise UnknownField(f"{model.__name__}.{attrs[0]} is not a foreign key to follow")
    related = field.related_model
    inner = f"r{depth}"
    value = _path_sql(related, inner, attrs[1:], fmt, depth + 1)
    return (
        f"(SELECT {value} FROM {_quote(related._meta.db_table)} {inner} "
        f"WHERE {inner}.{_quote(related._meta.pk.column)} = {alias}.{_quote(field.column)})"
    )


def _field_sql(name: str, field: serializers.Field, model: type[Model], alias: str, depth: int) -> str:
    where = f"{type(field.parent).__name__}.{name}"
    if isinstance(field, serializers.ListSerializer) and isinstance(field.child, serializers.ModelSerializer):
        return _many_sql(field, model, alias, depth)
    attrs = list(field.source_attrs)
    if type(field) is serializers.SlugRelatedField:
        attrs.append(field.slug_field)
    elif type(field) is serializers.PrimaryKeyRelatedField:
        attrs = [model._meta.get_field(attrs[0]).attname]
    return _path_sql(model, alias, attrs, _formatter(field, where), depth)


def _object_sql(serializer: serializers.Serializer, model: type[Model], alias: str, depth: int) -> str:
    """json_build_object, which keeps the keys in the serializer's order (jsonb would sort them)."""
    pairs = [f"'{name}', {_field_sql(name, field, model, alias, depth)}" for name, field in serializer.fields.items()]
    return f"json_build_object({', '.join(pairs)})"


def _ordering_sql(model: type[Model], alias: str) -> str:
    terms = []
    for term in model._meta.ordering:
        column = model._meta.get_field(str(term).lstrip("-")).column  # a name or an attname (claim_id)
        terms.append(f"{alias}.{_quote(column)}{' DESC' if str(term).startswith('-') else ''}")
    return ", ".join(terms)


def _many_sql(field: serializers.ListSerializer, model: type[Model], alias: str, depth: int) -> str:
    """A reverse foreign key as a JSON array in the related model's own ordering (the order
    prefetch_related gives the serializer)."""
    relation = model._meta.get_field(field.source)
    child_model = relation.related_model
    inner = f"r{depth}"
    item = _object_sql(field.child, child_model, inner, depth + 1)
    order = _ordering_sql(child_model, inner)
    return (
        f"COALESCE((SELECT json_agg({item}{' ORDER BY ' + order if order else ''}) "
        f"FROM {_quote(child_model._meta.db_table)} {inner} "
        f"WHERE {inner}.{_quote(relation.field.column)} = {alias}.{_quote(model._meta.pk.column)}), '[]'::json)"
    )


@cache
def postgresql_sql(serializer_class: SerializerClass) -> str:
    """The SQL expression that is one claim's JSON as text, for a query on the claims table."""
    serializer = serializer_class()
    model = serializer.Meta.model
    return f"{_object_sql(serializer, model, _quote(model._meta.db_table), 0)}::text"


# -- elsewhere: the serializer over instances, relations loaded with the page ------------------


@cache
def _relations(serializer_class: SerializerClass) -> tuple[tuple[str, ...], tuple[Prefetch, ...], tuple[str, ...]]:
    """What ``serializer_class`` reads beyond the claim's own columns: (select_related paths,
    prefetches, deferred columns of the related rows it does not read, such as a source's text)."""
    serializer = serializer_class()
    model = serializer.Meta.model
    followed: dict[str, set[str]] = {}
    prefetches = []
    for field in serializer.fields.values():
        if isinstance(field, serializers.ListSerializer):
            child = field.child
            child_model = model._meta.get_field(field.source).related_model
            related = [f.source for f in child.fields.values() if type(f) is serializers.SlugRelatedField]
            prefetches.append(Prefetch(field.source, queryset=child_model.objects.select_related(*related)))
            continue
        attrs = list(field.source_attrs)
        if type(field) is serializers.SlugRelatedField:
            attrs.append(field.slug_field)
        if len(attrs) > 1:
            followed.setdefault("__".join(attrs[:-1]), set()).add(attrs[-1])
    deferred = []
    for path, used in followed.items():
        related_model = model
        for part in path.split("__"):
            related_model = related_model._meta.get_field(part).related_model
        deferred += [
            f"{path}__{f.name}" for f in related_model._meta.concrete_fields if f.name not in used and not f.primary_key
        ]
    return tuple(followed), tuple(prefetches), tuple(deferred)


def readable(queryset: QuerySet, *, serializer_class: SerializerClass) -> QuerySet:
    """``queryset`` ready to be read as the JSON of ``serializer_class``, a page at a time.

    On PostgreSQL its rows are dicts with the finished JSON (``doc``) next to the columns the
    cursor pages on; elsewhere, instances with every relation the serializer reads.
    """
    if connection.vendor == "postgresql":
        keys = dict.fromkeys(["id", "version", *(field.lstrip("-") for field in queryset.query.order_by)])
        return queryset.values(*keys, doc=RawSQL(postgresql_sql(serializer_class), []))
    select, prefetch, deferred = _relations(serializer_class)
    return queryset.select_related(*select).prefetch_related(*prefetch).defer(*deferred)


def as_json(page: Iterable[Any], *, serializer_class: SerializerClass) -> list:
    """A page read from ``readable`` as the serializer's JSON objects."""
    page = list(page)
    if page and isinstance(page[0], dict):
        return [orjson.Fragment(row["doc"]) for row in page]
    return serializer_class(page, many=True).data


def one(queryset: QuerySet, pk: int, *, serializer_class: SerializerClass) -> tuple[Any, int] | None:
    """The claim ``pk`` of ``queryset`` as JSON and its version (for the ETag), or None."""
    rows = list(readable(queryset.filter(pk=pk), serializer_class=serializer_class))
    if not rows:
        return None
    version = rows[0]["version"] if isinstance(rows[0], dict) else rows[0].version
    return as_json(rows, serializer_class=serializer_class)[0], version
