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
from typing import TYPE_CHECKING, Any

import orjson
from django.db import connection
from django.db.models import Model, Prefetch, QuerySet
from django.db.models.expressions import RawSQL
from rest_framework import serializers
from rest_framework.settings import api_settings

from .serializers import PlainDecimalField, StrictCharField, WebURLField

if TYPE_CHECKING:
    from typing import TypeAlias

    AnyField: TypeAlias = serializers.Field[Any, Any, Any, Any]
    AnySerializer: TypeAlias = serializers.Serializer[Any]
    SerializerClass: TypeAlias = type[serializers.ModelSerializer[Any]]
    Formatter: TypeAlias = Callable[[AnyField, str], str]


class UnknownField(TypeError):
    """A serializer field the PostgreSQL JSON has no formatter for."""


# -- PostgreSQL: one formatter per field type -----------------------------------------------
# Each takes the field and the SQL of its column and returns the SQL of the JSON value DRF's
# field gives. Exact types only: a subclass may represent its value differently, so it needs
# its own line.


def _as_is(field: AnyField, column: str) -> str:
    return column


def _big_integer(field: AnyField, column: str) -> str:
    """BigIntegerField: a number, or a string where COERCE_BIGINT_TO_STRING asks for one."""
    if getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING):
        return f"COALESCE({column}::text, '')"
    return column


def _iso_datetime(field: AnyField, column: str) -> str:
    """DRF's DateTimeField under USE_TZ and TIME_ZONE="UTC": ISO 8601 in UTC with "Z", and
    microseconds only when there are some."""
    utc = f"({column} AT TIME ZONE 'UTC')"
    return (
        f"(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN mod(extract(microseconds FROM {column}), "
        f"1000000) = 0 THEN '' ELSE to_char({utc}, '.US') END || 'Z')"
    )


def _plain_decimal(field: AnyField, column: str) -> str:
    """PlainDecimalField: the decimal as a string without padding zeros ("6.9", "50000000000")."""
    return f"trim_scale({column})::text"


FORMATTERS: dict[type[AnyField], Formatter] = {
    serializers.IntegerField: _as_is,
    serializers.BigIntegerField: _big_integer,
    serializers.FloatField: _as_is,  # JSON numbers both ways; PostgreSQL writes the shortest exact form
    serializers.BooleanField: _as_is,
    serializers.CharField: _as_is,
    serializers.URLField: _as_is,
    StrictCharField: _as_is,
    WebURLField: _as_is,
    serializers.ChoiceField: _as_is,
    serializers.DateField: _as_is,  # PostgreSQL's JSON writes dates as ISO 8601, as DRF does
    serializers.DateTimeField: _iso_datetime,
    PlainDecimalField: _plain_decimal,
    serializers.PrimaryKeyRelatedField: _as_is,  # the foreign key's column
    serializers.SlugRelatedField: _as_is,  # the slug column of the related row
}


def _formatter(field: AnyField, where: str) -> Callable[[str], str]:
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


def _column(field: Any) -> str:
    """The quoted column of a model field (a name or an attname such as ``claim_id``)."""
    column = getattr(field, "column", None) if getattr(field, "concrete", False) else None
    if not isinstance(column, str):
        raise UnknownField(f"{field} is not a column")
    return _quote(column)


def _related(model: type[Model], name: str) -> tuple[Any, type[Model]]:
    """The relation ``name`` of ``model`` and the model at its other end."""
    relation: Any = model._meta.get_field(name)
    related = relation.related_model
    if not isinstance(related, type):
        raise UnknownField(f"{model.__name__}.{name} is not a relation to follow")
    return relation, related


def _table(model: type[Model]) -> str:
    return _quote(model._meta.db_table)


def _model_of(serializer: AnySerializer) -> type[Model]:
    model: type[Model] = serializer.Meta.model  # type: ignore[attr-defined]  # a ModelSerializer's
    return model


def field_path(field: AnyField) -> list[str]:
    """The attributes a field reads from its instance: ``source.url`` is ["source", "url"], a
    SlugRelatedField on ``author`` by username ["author", "username"]."""
    attrs = list(field.source_attrs)
    if isinstance(field, serializers.SlugRelatedField):
        attrs.append(field.slug_field)
    return attrs


def _path_sql(model: type[Model], alias: str, attrs: list[str], fmt: Callable[[str], str], depth: int) -> str:
    """The SQL of ``model``'s attribute path ``attrs`` from the row ``alias``, through
    foreign keys by subquery (``source.url``), formatted by ``fmt``."""
    if len(attrs) == 1:
        return fmt(f"{alias}.{_column(model._meta.get_field(attrs[0]))}")
    field, related = _related(model, attrs[0])
    if not (field.many_to_one or field.one_to_one) or not field.concrete:
        raise UnknownField(f"{model.__name__}.{attrs[0]} is not a foreign key to follow")
    inner = f"r{depth}"
    value = _path_sql(related, inner, attrs[1:], fmt, depth + 1)
    return (
        f"(SELECT {value} FROM {_table(related)} {inner} "
        f"WHERE {inner}.{_column(related._meta.pk)} = {alias}.{_column(field)})"
    )


def _field_sql(name: str, field: AnyField, model: type[Model], alias: str, depth: int) -> str:
    where = f"{type(field.parent).__name__}.{name}"
    if isinstance(field, serializers.ListSerializer) and isinstance(field.child, serializers.ModelSerializer):
        return _many_sql(field, model, alias, depth)
    attrs = field_path(field)
    if type(field) is serializers.PrimaryKeyRelatedField:
        attrs = [_related(model, attrs[0])[0].attname]
    return _path_sql(model, alias, attrs, _formatter(field, where), depth)


def _object_sql(serializer: AnySerializer, model: type[Model], alias: str, depth: int) -> str:
    """json_build_object, which keeps the keys in the serializer's order (jsonb would sort them)."""
    pairs = [f"'{name}', {_field_sql(name, field, model, alias, depth)}" for name, field in serializer.fields.items()]
    return f"json_build_object({', '.join(pairs)})"


def _ordering_sql(model: type[Model], alias: str) -> str:
    terms = []
    for term in model._meta.ordering or ():
        name = str(term)
        column = _column(model._meta.get_field(name.lstrip("-")))  # a name or an attname (claim_id)
        terms.append(f"{alias}.{column}{' DESC' if name.startswith('-') else ''}")
    return ", ".join(terms)


def _many_sql(field: serializers.ListSerializer[Any], model: type[Model], alias: str, depth: int) -> str:
    """A reverse foreign key as a JSON array in the related model's own ordering (the order
    prefetch_related gives the serializer)."""
    relation, child_model = _related(model, str(field.source))
    child = field.child
    if not isinstance(child, serializers.Serializer):
        raise UnknownField(f"{field} holds no serializer")
    inner = f"r{depth}"
    item = _object_sql(child, child_model, inner, depth + 1)
    order = _ordering_sql(child_model, inner)
    return (
        f"COALESCE((SELECT json_agg({item}{' ORDER BY ' + order if order else ''}) "
        f"FROM {_table(child_model)} {inner} "
        f"WHERE {inner}.{_column(relation.field)} = {alias}.{_column(model._meta.pk)}), '[]'::json)"
    )


@cache
def postgresql_sql(serializer_class: SerializerClass) -> str:
    """The SQL expression that is one claim's JSON as text, for a query on the claims table."""
    serializer = serializer_class()
    model = _model_of(serializer)
    return f"{_object_sql(serializer, model, _table(model), 0)}::text"


# -- elsewhere: the serializer over instances, relations loaded with the page ------------------


@cache
def _relations(serializer_class: SerializerClass) -> tuple[tuple[str, ...], tuple[Prefetch[Any], ...], tuple[str, ...]]:
    """What ``serializer_class`` reads beyond the claim's own columns: (select_related paths,
    prefetches, deferred columns of the related rows it does not read, such as a source's text)."""
    serializer = serializer_class()
    model = _model_of(serializer)
    followed: dict[str, set[str]] = {}
    prefetches = []
    for field in serializer.fields.values():
        if isinstance(field, serializers.ListSerializer) and isinstance(field.child, serializers.Serializer):
            name = str(field.source)
            child_model = _related(model, name)[1]
            related = [str(f.source) for f in field.child.fields.values() if type(f) is serializers.SlugRelatedField]
            prefetches.append(Prefetch(name, queryset=child_model._default_manager.select_related(*related)))
            continue
        attrs = field_path(field)
        if len(attrs) > 1:
            followed.setdefault("__".join(attrs[:-1]), set()).add(attrs[-1])
    deferred = []
    for path, used in followed.items():
        related_model = model
        for part in path.split("__"):
            related_model = _related(related_model, part)[1]
        deferred += [
            f"{path}__{f.name}" for f in related_model._meta.concrete_fields if f.name not in used and not f.primary_key
        ]
    return tuple(followed), tuple(prefetches), tuple(deferred)


def readable(queryset: QuerySet[Any], *, serializer_class: SerializerClass) -> QuerySet[Any]:
    """``queryset`` ready to be read as the JSON of ``serializer_class``, a page at a time.

    On PostgreSQL its rows are dicts with the finished JSON (``doc``) next to the columns the
    cursor pages on; elsewhere, instances with every relation the serializer reads.
    """
    if connection.vendor == "postgresql":
        keys = dict.fromkeys(["id", "version", *(str(field).lstrip("-") for field in queryset.query.order_by)])
        return queryset.values(*keys, doc=RawSQL(postgresql_sql(serializer_class), []))
    select, prefetch, deferred = _relations(serializer_class)
    return queryset.select_related(*select).prefetch_related(*prefetch).defer(*deferred)


def as_json(page: Iterable[Any], *, serializer_class: SerializerClass) -> list[Any]:
    """A page read from ``readable`` as the serializer's JSON objects."""
    rows = list(page)
    if rows and isinstance(rows[0], dict):
        return [orjson.Fragment(row["doc"]) for row in rows]
    return list(serializer_class(rows, many=True).data)


def one(queryset: QuerySet[Any], pk: int, *, serializer_class: SerializerClass) -> tuple[Any, int] | None:
    """The claim ``pk`` of ``queryset`` as JSON and its version (for the ETag), or None."""
    rows = list(readable(queryset.filter(pk=pk), serializer_class=serializer_class))
    if not rows:
        return None
    version = rows[0]["version"] if isinstance(rows[0], dict) else rows[0].version
    return as_json(rows, serializer_class=serializer_class)[0], version
