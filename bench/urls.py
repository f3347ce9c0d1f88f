"""Claimbook's URLs plus the bare baseline view the benchmark compares the API with.

Loaded only by the benchmark (CLAIMBOOK_ROOT_URLCONF=bench.urls), never in production.
"""

from functools import cache

import orjson
from django.http import HttpResponse
from django.urls import path
from rest_framework import serializers

from claims.api import claim_json
from claims.api.serializers import ClaimSerializer, PlainDecimalField
from claims.models import Claim
from claims.numbers import plain_decimal
from config.urls import handler400, handler404, handler500  # noqa: F401 (read from the root URLconf)
from config.urls import urlpatterns as claimbook_urlpatterns


def _lookups(serializer: serializers.ModelSerializer) -> tuple[dict, dict]:
    """The serializer's fields as ``.values()`` lookups ({name: "source__url"}) and its nested
    lists ({name: child serializer}): what the API's claim JSON holds, read off its definition."""
    flat, nested = {}, {}
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.ListSerializer):
            nested[name] = field.child
        else:
            flat[name] = "__".join(claim_json.field_path(field))
    return flat, nested


def _shape(rows: list[dict], serializer: serializers.ModelSerializer, flat: dict) -> list[dict]:
    """The rows as the serializer's objects, changed in place: lookups renamed to field names
    (``source__url`` to ``source_url``), decimals written as the API writes them."""
    renamed = [(name, lookup) for name, lookup in flat.items() if name != lookup]
    decimals = [name for name, field in serializer.fields.items() if isinstance(field, PlainDecimalField)]
    for row in rows:
        for name, lookup in renamed:
            row[name] = row.pop(lookup)
        for name in decimals:
            row[name] = plain_decimal(row[name])
    return rows


@cache
def _plan() -> tuple[serializers.ModelSerializer, dict, list]:
    """ClaimSerializer's columns and nested lists, read once per process (building a
    serializer's fields costs more than the page's queries)."""
    serializer = ClaimSerializer()
    flat, nested = _lookups(serializer)
    children = []
    for name, child in nested.items():
        relation = Claim._meta.get_field(child.parent.source)
        children.append((name, child, _lookups(child)[0], relation.related_model, relation.field.attname))
    return serializer, flat, children


def bare_verified(request):
    """The API's first page of verified claims (the same JSON objects as ClaimSerializer's,
    keys in another order) from one .values() query per level and orjson, with no framework in
    between: the floor."""
    serializer, flat, children = _plan()
    rows = list(Claim.objects.filter(status="verified").order_by("id").values(*flat.values())[:51])
    more, rows = len(rows) > 50, rows[:50]
    results = _shape(rows, serializer, flat)
    for name, child, child_flat, model, owner in children:
        found = {item["id"]: [] for item in results}
        items = model.objects.filter(**{f"{owner}__in": list(found)}).values(owner, *child_flat.values())
        for item in _shape(list(items), child, child_flat):
            found[item.pop(owner)].append(item)
        for item in results:
            item[name] = found[item["id"]]
    body = {"next": "more" if more else None, "previous": None, "results": results}
    return HttpResponse(orjson.dumps(body, option=orjson.OPT_UTC_Z), content_type="application/json")


urlpatterns = [path("bench/bare/claims/", bare_verified), *claimbook_urlpatterns]
