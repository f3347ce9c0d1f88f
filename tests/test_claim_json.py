"""The claim JSON has one definition, ClaimSerializer: what the list and the detail send (SQL
generated from the serializer on PostgreSQL, the serializer over loaded pages elsewhere) equals
the serializer's output on any claim, not only the demo's."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import orjson
import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.test import APIClient

from claims.api import claim_json
from claims.api.renderers import dumps
from claims.api.serializers import ClaimSerializer, EditorClaimSerializer
from claims.models import Claim, Evidence, Fact, ReviewNote
from claims.numbers import MAX_DECIMAL_PLACES, MAX_SIGNIFICANT_DIGITS
from tests.factories import SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

# Text either database stores: any code point but NUL (PostgreSQL text) and lone surrogates.
TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40)
DECIMALS = (
    st.none()
    | st.builds(
        lambda digits, places: Decimal(digits).scaleb(-places),
        st.integers(-(10**MAX_SIGNIFICANT_DIGITS) + 1, 10**MAX_SIGNIFICANT_DIGITS - 1),
        st.integers(0, MAX_DECIMAL_PLACES),
    )
    | st.sampled_from([Decimal("0"), Decimal("0.000001"), Decimal("999999999999999"), Decimal("-0.000000")])
)
MOMENTS = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC))
WHOLE_SECONDS = MOMENTS.map(lambda moment: moment.replace(microsecond=0))
TIMES = MOMENTS | WHOLE_SECONDS
DATES = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))

EVIDENCE = st.fixed_dictionaries(
    {
        "url": TEXT.map(lambda tail: "https://example.org/" + tail.replace(" ", "_")),
        "title": TEXT, "publisher": TEXT, "stance": st.sampled_from(Evidence.Stance.values),
        "value_found": DECIMALS, "retrieved_on": DATES, "note": TEXT, "created_at": TIMES,
    }
)  # fmt: skip
CLAIM = st.fixed_dictionaries(
    {
        "statement": TEXT.filter(str.strip), "subject": TEXT, "value": DECIMALS, "unit": st.sampled_from(["USD", "km"]),
        "qualifier": st.sampled_from(Claim.Qualifier.values), "as_of": st.none() | DATES,
        "confidence": st.none() | st.floats(0, 1), "reviewed_at": st.none() | TIMES,
        "created_at": TIMES, "updated_at": TIMES, "reviewed": st.booleans(),
        "evidence": st.lists(EVIDENCE, max_size=3),
        "notes": st.lists(st.tuples(st.booleans(), TEXT.filter(str.strip), TIMES), max_size=3),
        "source_title": TEXT.filter(str.strip), "source_url": st.sampled_from(["", "https://news.example/a?b=ü"]),
    }
)  # fmt: skip


def same_json(sent, expected, where="$"):
    """Equal as JSON, type for type: a decimal written as a number, a time in another format
    or a missing key is a difference; 1 and 1.0 are the same JSON number."""
    numbers = (int, float)
    if isinstance(expected, bool) or isinstance(sent, bool):
        assert sent is expected, where
    elif isinstance(expected, numbers) and isinstance(sent, numbers):
        assert sent == expected, where
    elif isinstance(expected, dict):
        assert isinstance(sent, dict), where
        assert list(sent) == list(expected), where
        for key in expected:
            same_json(sent[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(sent, list), where
        assert len(sent) == len(expected), where
        for index, (left, right) in enumerate(zip(sent, expected, strict=True)):
            same_json(left, right, f"{where}[{index}]")
    else:
        assert type(sent) is type(expected), (where, sent, expected)
        assert sent == expected, (where, sent, expected)


def make_claim(data: dict, reviewer) -> Claim:
    source = SourceFactory(title=data["source_title"], url=data["source_url"], text="The figure is 42 here.")
    quantitative = data["value"] is not None
    claim = Claim.objects.create(
        source=source, span_start=14, span_end=16, statement=data["statement"], subject=data["subject"],
        kind=Claim.Kind.QUANTITATIVE if quantitative else Claim.Kind.FACTUAL, value=data["value"],
        unit=data["unit"] if quantitative else "", qualifier=data["qualifier"] if quantitative else "",
        as_of=data["as_of"], as_of_precision="day" if data["as_of"] else "", status=Claim.Status.VERIFIED,
        confidence=data["confidence"], fact=Fact.objects.create(statement=data["statement"], kind=Claim.Kind.FACTUAL),
    )  # fmt: skip
    Claim.objects.filter(pk=claim.pk).update(
        reviewed_at=data["reviewed_at"], created_at=data["created_at"], updated_at=data["updated_at"],
        reviewed_by=reviewer if data["reviewed"] else None,
    )  # fmt: skip
    for item in data["evidence"]:
        created_at = item.pop("created_at")
        evidence = Evidence.objects.create(claim=claim, **item)
        Evidence.objects.filter(pk=evidence.pk).update(created_at=created_at)
    for by_reviewer, body, created_at in data["notes"]:
        note = ReviewNote.objects.create(claim=claim, author=reviewer if by_reviewer else None, body=body)
        ReviewNote.objects.filter(pk=note.pk).update(created_at=created_at)
    return Claim.objects.get(pk=claim.pk)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=CLAIM)
def test_the_list_and_the_detail_send_exactly_what_the_serializer_writes_for_any_claim(data):
    reviewer = UserFactory(username="r.ñoño")
    editor = APIClient()
    editor.force_authenticate(UserFactory(username="editor", is_superuser=True))
    with transaction.atomic():
        claim = make_claim(data, reviewer)
        for client, serializer in ((APIClient(), ClaimSerializer), (editor, EditorClaimSerializer)):
            expected = orjson.loads(dumps(serializer(claim).data))
            listed = client.get("/api/claims/").json()["results"]
            same_json(listed, [expected])
            detail = client.get(f"/api/claims/{claim.pk}/")
            same_json(detail.json(), expected)
            if client is editor:  # the version ETag PATCH's If-Match takes
                assert detail["ETag"] == f'"{claim.pk}-{claim.version}"'
            else:  # the public state's, which a conditional GET answers with a 304
                assert re.fullmatch(r'"p[0-9a-f]{40}"', detail["ETag"])
                assert client.get(f"/api/claims/{claim.pk}/", HTTP_IF_NONE_MATCH=detail["ETag"]).status_code == 304
        transaction.set_rollback(True)


def test_the_generated_sql_writes_each_field_type_as_its_serializer_field():
    if connection.vendor != "postgresql":
        pytest.skip("the SQL is PostgreSQL's; the serializer itself writes the JSON elsewhere")
    sql = claim_json.postgresql_sql(EditorClaimSerializer)
    assert sql.startswith('json_build_object(\'id\', "claims_claim"."id", \'source\', "claims_claim"."source_id"')
    assert '\'value\', trim_scale("claims_claim"."value")::text' in sql
    assert "'notes', COALESCE((SELECT json_agg(" in sql
    assert sql.endswith("::text")


class WithAComputedField(ClaimSerializer):
    shout = serializers.SerializerMethodField()

    class Meta(ClaimSerializer.Meta):
        fields = [*ClaimSerializer.Meta.fields, "shout"]

    def get_shout(self, obj) -> str:
        return obj.statement.upper()


def test_a_field_type_without_a_formatter_is_refused_not_written_some_other_way():
    with pytest.raises(claim_json.UnknownField) as refused:
        claim_json.postgresql_sql(WithAComputedField)
    assert str(refused.value) == (
        "WithAComputedField.shout is a SerializerMethodField, which the PostgreSQL claim JSON has no formatter "
        "for: add one to claims.api.claim_json.FORMATTERS that writes exactly what the field's to_representation "
        "gives."
    )


def test_a_page_costs_the_same_queries_whatever_the_serializer_reads(django_assert_num_queries):
    reviewer = UserFactory()
    for offset in range(3):
        claim = make_claim(
            {
                "source_title": "T", "source_url": "", "statement": "S", "subject": "", "value": None,
                "unit": "", "qualifier": "", "as_of": None, "confidence": None, "reviewed_at": None,
                "created_at": datetime(2020, 1, 1, tzinfo=UTC) + timedelta(days=offset),
                "updated_at": datetime(2020, 1, 1, tzinfo=UTC), "reviewed": True, "evidence": [],
                "notes": [(True, "n", datetime(2020, 1, 1, tzinfo=UTC))],
            },
            reviewer,
        )  # fmt: skip
        assert claim.notes.count() == 1
    queries = 1 if connection.vendor == "postgresql" else 3  # claims with source and reviewer, evidence, notes
    with django_assert_num_queries(queries):
        page = claim_json.as_json(
            claim_json.readable(Claim.objects.order_by("id"), serializer_class=EditorClaimSerializer),
            serializer_class=EditorClaimSerializer,
        )
    assert len(page) == 3


def test_the_benchmarks_bare_view_sends_the_api_lists_objects(client, demo, settings):
    """bench/urls.py reads its columns off ClaimSerializer: the floor it measures is the same page."""
    settings.ROOT_URLCONF = "bench.urls"
    bare = orjson.loads(client.get("/bench/bare/claims/").content)["results"]
    listed = client.get("/api/claims/").json()["results"]
    assert len(bare) == len(listed) == 50  # the first page of the 72 verified claims
    for row, expected in zip(bare, listed, strict=True):
        same_json({key: row[key] for key in expected}, expected)
        assert row.keys() == expected.keys()
