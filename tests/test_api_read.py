"""Reading claims and sources through the API: who sees what, filters, pagination, sync."""

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import Claim, Source
from tests.conftest import ROOT
from tests.factories import ClaimFactory, EvidenceFactory, ReviewNoteFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

# What fixtures/demo.json records, read directly rather than through the models under test.
DEMO_ROWS = json.loads((ROOT / "fixtures" / "demo.json").read_text(encoding="utf-8"))


@pytest.fixture
def api():
    return APIClient()


def every_page(client, url: str, params: dict | None = None) -> list[dict]:
    response = client.get(url, params or {})
    assert response.status_code == 200, response.json()
    results = list(response.json()["results"])
    while response.json()["next"]:
        response = client.get(response.json()["next"])
        results += response.json()["results"]
    return results


def test_anonymous_callers_see_only_verified_claims(api, demo):
    results = every_page(api, "/api/claims/")
    assert demo.claims.filter(status="verified").count() == 42
    assert len(results) == Claim.objects.filter(status="verified").count() == 72  # the follow-ups' too
    assert {claim["status"] for claim in results} == {"verified"}
    assert "notes" not in results[0]
    assert "reviewed_by" not in results[0]


def test_editors_see_every_claim_with_notes_and_reviewer(editor_api, demo):
    results = every_page(editor_api, "/api/claims/", {"page_size": 100})
    assert len(results) == Claim.objects.count() == 170  # 118 in the seed article, 52 in the follow-ups
    recorded = {row["pk"]: row["fields"] for row in DEMO_ROWS if row["model"] == "claims.claim"}
    assert {claim["id"]: claim["reviewed_by"] for claim in results} == {
        pk: fields["reviewed_by"][0] if fields["reviewed_by"] else None for pk, fields in recorded.items()
    }
    budget = next(claim for claim in results if claim["id"] == 85)
    assert budget["reviewed_by"] == "m.alvarez"
    assert budget["notes"] == [
        {
            "id": 81,
            "author": "m.alvarez",
            "body": "The figure is right but nothing was 'approved' on 30 Aug: the Defense Ministry submitted a budget "
            "request of ¥5.32tn (about $50bn). Cabinet approval comes in December, then the Diet.",
            "created_at": "2019-09-14T09:24:00Z",
        },
        {
            "id": 82,
            "author": "m.alvarez",
            "body": "Disputed on 'approved'. If we quote it: 'Japan's Defense Ministry requested a record ¥5.32tn "
            "($50bn) for FY2020'.",
            "created_at": "2019-09-14T12:34:00Z",
        },
    ]


@pytest.mark.parametrize("status", ["unreviewed", "in_review", "dismissed"])
def test_a_claim_without_a_verdict_is_a_404_for_anonymous_callers_not_a_403(api, demo, status):
    claim = Claim.objects.filter(status=status).first()
    response = api.get(f"/api/claims/{claim.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.parametrize("status", ["verified", "disputed", "false", "unverifiable"])
def test_a_claim_with_any_verdict_is_public(api, demo, status):
    claim = Claim.objects.filter(status=status).first()
    response = api.get(f"/api/claims/{claim.pk}/")
    assert response.status_code == 200
    assert response.json()["status"] == status


def test_a_claim_carries_its_span_value_evidence_and_an_etag(api, demo):
    claim = demo.claims.get(quote="This is a 610mm rocket")
    response = api.get(f"/api/claims/{claim.pk}/")
    assert response.status_code == 200
    # An anonymous caller's ETag is the public state's (tests/test_http_caching.py); editors get the version.
    assert re.fullmatch(r'"p[0-9a-f]{40}"', response["ETag"])
    assert api.get(f"/api/claims/{claim.pk}/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    body = response.json()
    evidence = [
        {
            "id": item.pk,
            "url": item.url,
            "title": item.title,
            "publisher": item.publisher,
            "stance": item.stance,
            "value_found": None if item.value_found is None else format(item.value_found.normalize(), "f"),
            "retrieved_on": item.retrieved_on.isoformat(),
            "note": item.note,
            "created_at": item.created_at.isoformat().replace("+00:00", "Z"),
        }
        for item in claim.evidence.order_by("created_at", "id")
    ]
    assert body == {
        "id": claim.pk,
        "source": demo.pk,
        "source_url": demo.url,
        "source_title": "Korea: The Staredown",
        "span_start": claim.span_start,
        "span_end": claim.span_end,
        "quote": "This is a 610mm rocket",
        "prefix": demo.text[claim.span_start - 32 : claim.span_start],
        "suffix": demo.text[claim.span_end : claim.span_end + 32],
        "statement": claim.statement,
        "kind": "quantitative",
        "subject": claim.subject,
        "value": "610",
        "unit": "mm",
        "qualifier": "exact",
        "as_of": claim.as_of.isoformat(),
        "as_of_precision": claim.as_of_precision,
        "status": "verified",
        "rationale": claim.rationale,
        "anchor_state": "exact",
        "origin": "editor",
        "confidence": None,
        "evidence": evidence,
        "reviewed_at": claim.reviewed_at.isoformat().replace("+00:00", "Z"),
        "created_at": claim.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": claim.updated_at.isoformat().replace("+00:00", "Z"),
        "version": claim.version,
        "fact": claim.fact_id,
    }
    assert demo.text[body["span_start"] : body["span_end"]] == body["quote"]


def test_values_are_strings_never_floats(api, demo):
    listed = every_page(api, "/api/claims/", {"kind": "quantitative"})
    stored = Claim.objects.filter(status="verified", kind="quantitative").order_by("id")
    assert len(listed) == stored.count() > 0
    assert [claim["value"] for claim in listed] == [format(claim.value.normalize(), "f") for claim in stored]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"unit": "km"}, lambda c: c.unit == "km"),
        ({"kind": "factual"}, lambda c: c.kind == "factual"),
        ({"subject": "japan"}, lambda c: c.subject.lower() == "japan"),
        ({"value_min": "100", "value_max": "1000"}, lambda c: c.value is not None and 100 <= c.value <= 1000),
        ({"unit": "USD", "value_min": "48000000000"}, lambda c: c.unit == "USD" and c.value >= 48_000_000_000),
        (
            {"as_of_after": "2019-09-01", "as_of_before": "2019-09-10"},
            lambda c: c.as_of and "2019-09-01" <= c.as_of.isoformat() <= "2019-09-10",
        ),
        ({"status": "disputed"}, lambda c: c.status == "disputed"),
    ],
)
def test_filters_return_exactly_the_matching_claims(editor_api, demo, params, expected):
    results = every_page(editor_api, "/api/claims/", params)
    wanted = sorted(claim.pk for claim in Claim.objects.all() if expected(claim))
    assert wanted
    assert sorted(claim["id"] for claim in results) == wanted


@pytest.mark.parametrize("status", ["unreviewed", "in_review", "dismissed"])
def test_anonymous_filtering_for_a_status_that_is_not_public_is_refused(api, demo, status):
    response = api.get("/api/claims/", {"status": status})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "status": [f"Claims that are {status} are not public; ask for one of disputed, false, unverifiable, verified."]
    }


def test_the_anonymous_list_gives_verified_claims_unless_asked_for_another_verdict(api, demo):
    assert {row["status"] for row in every_page(api, "/api/claims/", {"page_size": 500})} == {"verified"}
    disputed = every_page(api, "/api/claims/", {"status": "disputed", "page_size": 500})
    assert sorted(row["id"] for row in disputed) == sorted(
        Claim.objects.filter(status="disputed").values_list("pk", flat=True)
    )


def test_full_text_search_finds_claims_by_words(editor_api, demo):
    results = every_page(editor_api, "/api/claims/", {"q": "defense budget"})
    ids = {claim["id"] for claim in results}
    assert {85, 88} <= ids  # "record defense budget of $50 billion", "increase in its defense budget"
    for claim in results:
        text = (claim["statement"] + " " + claim["quote"] + " " + claim["subject"]).lower()
        assert "defens" in text, claim["id"]
        assert "budget" in text, claim["id"]
    assert every_page(editor_api, "/api/claims/", {"q": "zeppelin"}) == []


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"status": "bogus"}, "status", "Select a valid choice. bogus is not one of the available choices."),
        ({"value_min": "abc"}, "value_min", "Enter a number."),
        ({"unit": "furlongs"}, "unit", "Select a valid choice. furlongs is not one of the available choices."),
        ({"updated_after": "yesterday"}, "updated_after", "Enter a valid date/time."),
        ({"as_of_after": "2019-13-01"}, "as_of_after", "Enter a valid date."),
        ({"source": "x"}, "source", "Enter a number."),
        (
            {"ordering": "statement"},
            "ordering",
            "Cannot order by statement; use one of created_at, id, span_start, updated_at.",
        ),
    ],
)
def test_a_bad_filter_value_is_a_400_naming_the_parameter(api, params, field, message):
    response = api.get("/api/claims/", params)
    assert response.status_code == 400
    code = "invalid_choice" if message.startswith("Select a valid choice") else "invalid"
    assert response.json() == {"detail": f"{field}: {message}", "code": code, "errors": {field: [message]}}


def test_page_size_has_a_maximum_and_pages_chain_with_cursors(editor_api, demo):
    first = editor_api.get("/api/claims/", {"page_size": 10})
    assert len(first.json()["results"]) == 10
    assert first.json()["previous"] is None
    assert len(editor_api.get("/api/claims/", {"page_size": 100000}).json()["results"]) == 170  # capped at 500
    ids = [claim["id"] for claim in every_page(editor_api, "/api/claims/", {"page_size": 7})]
    assert ids == sorted(ids)
    assert len(ids) == len(set(ids)) == 170


def test_incremental_sync_gives_every_change_exactly_once(editor_api):
    source = SourceFactory(text="word " * 20)
    same_time = timezone.now() - timedelta(hours=1)
    claims = [
        ClaimFactory(source=source, span_start=i * 5, span_end=i * 5 + 4, kind="factual", value=None, unit="")
        for i in range(12)
    ]
    Claim.objects.filter(pk__in=[c.pk for c in claims[:6]]).update(updated_at=same_time)  # ties on updated_at
    seen = every_page(editor_api, "/api/claims/", {"ordering": "updated_at,id", "page_size": 4})
    assert sorted(c["id"] for c in seen) == sorted(c.pk for c in claims)
    assert len(seen) == len({c["id"] for c in seen})
    high_water = max(c["updated_at"] for c in seen)
    changed = claims[3]
    changed.statement = "Changed after the first sync."
    changed.save()
    again = every_page(editor_api, "/api/claims/", {"ordering": "updated_at,id", "updated_after": high_water})
    assert [c["id"] for c in again] == [changed.pk]
    assert every_page(editor_api, "/api/claims/", {"updated_after": again[0]["updated_at"]}) == []


@pytest.mark.parametrize("count", [10, 200])
def test_the_list_costs_the_same_queries_at_10_and_200_claims(editor_api, count, django_assert_num_queries):
    source = SourceFactory(text="word " * 500)
    reviewer = UserFactory()
    for i in range(count):
        claim = ClaimFactory(
            source=source, span_start=i * 5, span_end=i * 5 + 4, kind="factual", value=None, unit="",
            status="verified",
        )  # fmt: skip
        EvidenceFactory(claim=claim)
        ReviewNoteFactory(claim=claim, author=reviewer)
    anonymous, editor = LIST_QUERIES[connection.vendor]
    with django_assert_num_queries(editor):
        response = editor_api.get("/api/claims/?page_size=500")
    assert response.status_code == 200
    assert len(response.json()["results"]) == count
    with django_assert_num_queries(anonymous):
        response = APIClient().get("/api/claims/?page_size=500")
    assert response.status_code == 200
    assert len(response.json()["results"]) == count


# (anonymous, editor) queries per list page, whatever its size.
# PostgreSQL: one query writes the page's JSON, evidence and notes included.
# SQLite: claims (the source's url and title joined in), evidence; editors also notes.
# Editors add the two permission lookups (user and group) Django makes once per request; anonymous
# callers one read of the public state, for the ETag (claims/api/caching.py).
LIST_QUERIES = {"postgresql": (2, 3), "sqlite": (3, 5)}


def test_sources_list_without_text_and_detail_with_text(api, demo):
    listed = api.get("/api/sources/").json()["results"]
    followups = [
        {
            "id": source.pk,
            "title": source.title,
            "publisher": "Meridian Wire (written for the Claimbook demo)",
            "url": source.url,
            "published_on": source.published_on.isoformat(),
            "sha256": source.sha256,
            "created_at": source.created_at.isoformat().replace("+00:00", "Z"),
            "updated_at": source.updated_at.isoformat().replace("+00:00", "Z"),
        }
        for source in Source.objects.exclude(pk=demo.pk).order_by("pk")
    ]
    assert [row["id"] for row in followups] == [2, 3, 4]
    assert listed == [
        {
            "id": demo.pk,
            "title": "Korea: The Staredown",
            "publisher": "StrategyPage",
            "url": demo.url,
            "published_on": "2019-09-12",
            "sha256": demo.sha256,
            "created_at": "2019-09-12T13:00:00Z",
            "updated_at": "2019-09-12T13:00:00Z",
        },
        *followups,
    ]
    detail = api.get(f"/api/sources/{demo.pk}/").json()
    assert detail["text"] == demo.text
    assert detail["text_length"] == 23669
    assert api.get("/api/sources/999/").json() == {"detail": "Not found.", "code": "not_found"}


def test_unknown_api_paths_answer_json_404(api):
    response = api.get("/api/nothing/here")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_readers_see_all_claims_but_cannot_write(demo):
    reader = UserFactory(username="reader")
    reader.groups.add(Group.objects.get(name="Readers"))
    client = APIClient()
    client.force_authenticate(reader)
    assert len(every_page(client, "/api/claims/", {"page_size": 200})) == 170
    response = client.post("/api/claims/", {"source": demo.pk, "span_start": 0, "span_end": 5, "statement": "x"})
    assert response.status_code == 403
    assert response.json() == {
        "detail": "You do not have permission to perform this action.",
        "code": "permission_denied",
    }


def test_anonymous_callers_are_throttled_with_a_json_429(api, settings):
    settings.CLAIMBOOK = {**settings.CLAIMBOOK, "ANON_THROTTLE_RATE": "3/minute"}
    codes = [api.get("/api/claims/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    body = api.get("/api/claims/").json()
    assert body["code"] == "throttled"
    assert body["detail"].startswith("Request was throttled. Expected available in ")


def assert_list_equals_serializer(client, user, as_editor: bool) -> int:
    from claims.api.permissions import PUBLIC_STATUSES
    from claims.api.serializers import ClaimSerializer, EditorClaimSerializer
    from claims.api.views import ClaimViewSet

    if as_editor:
        listed = {row["id"]: row for row in every_page(client, "/api/claims/", {"page_size": 500})}
    else:  # the anonymous list gives one verdict at a time, verified unless asked
        listed = {}
        for verdict in PUBLIC_STATUSES:
            listed |= {
                row["id"]: row for row in every_page(client, "/api/claims/", {"page_size": 500, "status": verdict})
            }
        default = every_page(client, "/api/claims/", {"page_size": 500})
        assert [row["id"] for row in default] == sorted(pk for pk, row in listed.items() if row["status"] == "verified")
    view = ClaimViewSet()
    view.request = type(
        "Request", (), {"user": user if as_editor else type("Anon", (), {"is_authenticated": False})()}
    )()
    serializer = EditorClaimSerializer if as_editor else ClaimSerializer
    expected = {claim.pk: serializer(claim).data for claim in view.get_queryset()}
    assert listed.keys() == expected.keys()
    for pk, row in listed.items():
        assert row == dict(expected[pk]), pk
        detail = client.get(f"/api/claims/{pk}/")  # the detail is built the same way
        assert detail.json() == dict(expected[pk]), pk
        if as_editor:  # the version ETag PATCH's If-Match takes; anonymous callers get the public state's
            assert detail["ETag"] == f'"{pk}-{expected[pk]["version"]}"'
        else:
            assert re.fullmatch(r'"p[0-9a-f]{40}"', detail["ETag"])
    return len(listed)


@pytest.mark.parametrize("as_editor", [False, True])
def test_the_list_rows_are_exactly_what_the_claim_serializer_gives(demo, editor, as_editor):
    client = APIClient()
    if as_editor:
        client.force_authenticate(editor)
    assert assert_list_equals_serializer(client, editor, as_editor) == (170 if as_editor else 126)


def test_the_list_writes_edge_values_exactly_as_the_serializer(editor_api, editor):
    """Trailing zeros, huge and negative decimals, whole-second and microsecond times, a null
    value and date, a float confidence of 1.0, evidence figures and notes."""
    source = SourceFactory(text="word " * 50)
    cases = [
        (Decimal("50000000000.000000"), 1.0, datetime(2020, 1, 1, 0, 0, 0, tzinfo=UTC)),
        (Decimal("0.125000"), 0.93, datetime(2021, 6, 30, 23, 59, 59, 123400, tzinfo=UTC)),
        (Decimal("-3.5"), 0.0, datetime(1999, 12, 31, 12, 0, 0, 1, tzinfo=UTC)),
        (None, None, None),
    ]
    for i, (value, confidence, when) in enumerate(cases):
        claim = ClaimFactory(
            source=source, span_start=i * 5, span_end=i * 5 + 4, status="verified", value=value,
            unit="USD" if value is not None else "", kind="quantitative" if value is not None else "factual",
            qualifier="exact" if value is not None else "", confidence=confidence,
        )  # fmt: skip
        Claim.objects.filter(pk=claim.pk).update(
            reviewed_at=when, as_of=when.date() if when else None, as_of_precision="day" if when else ""
        )
        EvidenceFactory(claim=claim, value_found=value)
        ReviewNoteFactory(claim=claim, author=editor)
    rows = every_page(editor_api, "/api/claims/")
    assert [row["value"] for row in rows] == ["50000000000", "0.125", "-3.5", None]
    assert [row["reviewed_at"] for row in rows] == [
        "2020-01-01T00:00:00Z", "2021-06-30T23:59:59.123400Z", "1999-12-31T12:00:00.000001Z", None
    ]  # fmt: skip
    assert [row["evidence"][0]["value_found"] for row in rows] == ["50000000000", "0.125", "-3.5", None]
    assert assert_list_equals_serializer(editor_api, editor, True) == 4
    assert assert_list_equals_serializer(APIClient(), editor, False) == 4


def test_the_renderer_writes_a_stray_decimal_as_every_figure_is_written():
    from claims.api.renderers import dumps

    assert dumps({"value": Decimal("50000000000.000000"), "ratio": Decimal("0.1250")}) == (
        b'{"value":"50000000000","ratio":"0.125"}'
    )


# -- every bad query parameter is a 400 naming it, on both databases ---------------------------


def encoded_cursor(raw: str) -> str:
    import base64

    return base64.b64encode(raw.encode()).decode()


NOT_A_CURSOR = (
    "Not a cursor this list gave out. Follow the next and previous links as they are, with the same ordering."
)


def misfit_cursor(order: str) -> str:
    return (
        f"This cursor's position does not fit ordering by {order}: it was made for another ordering, or not by this "
        "list. Follow the next and previous links as they are, with the same ordering."
    )


PAGE_SIZE = "Expected a whole number from 1 to 500, e.g. 200."
OUTSIDE_UTC = "is outside the times Claimbook stores (years 1 to 9999 in UTC)."


@pytest.mark.parametrize(
    ("query", "field", "message", "code"),
    [
        ("page_size=0", "page_size", PAGE_SIZE, "invalid"),
        ("page_size=-1", "page_size", PAGE_SIZE, "invalid"),
        ("page_size=abc", "page_size", PAGE_SIZE, "invalid"),
        ("page_size=1.5", "page_size", PAGE_SIZE, "invalid"),
        ("page_size=%D9%A3", "page_size", PAGE_SIZE, "invalid"),  # an Arabic-Indic three
        ("ordering=--id", "ordering", "Cannot order by --id; use one of created_at, id, span_start, updated_at.",
         "invalid"),
        ("ordering=id,-", "ordering", "Cannot order by -; use one of created_at, id, span_start, updated_at.",
         "invalid"),
        ("cursor=!!!", "cursor", NOT_A_CURSOR, "invalid"),
        ("cursor=%D9%A3", "cursor", NOT_A_CURSOR, "invalid"),
        (f"cursor={encoded_cursor('o=-1&p=1')}", "cursor", NOT_A_CURSOR, "invalid"),
        (f"cursor={encoded_cursor('o=0&p=abc')}", "cursor", misfit_cursor("id"), "invalid"),
        (f"cursor={encoded_cursor('o=0&p=' + str(2**64))}", "cursor", misfit_cursor("id"), "invalid"),
        (f"ordering=updated_at&cursor={encoded_cursor('o=0&p=2020-13-45')}", "cursor", misfit_cursor("updated_at"),
         "invalid"),
        (f"ordering=-updated_at&cursor={encoded_cursor('o=0&p=9999-12-31 23:59:59.999999-12:00')}", "cursor",
         misfit_cursor("updated_at"), "invalid"),
        ("source=18446744073709551616", "source", "Ensure this value is less than or equal to 9223372036854775807.",
         "max_value"),
        ("source=9223372036854775808", "source", "Ensure this value is less than or equal to 9223372036854775807.",
         "max_value"),
        ("source=-9223372036854775809", "source", "Ensure this value is greater than or equal to 1.", "min_value"),
        ("source=1.5", "source", "Ensure that there are no more than 0 decimal places.", "max_decimal_places"),
        ("updated_after=9999-12-31T23:59:59.999999-12:00", "updated_after",
         f"9999-12-31T23:59:59.999999-12:00 {OUTSIDE_UTC}", "out_of_range"),
        ("updated_after=0001-01-01T00:00:00%2B14:00", "updated_after", f"0001-01-01T00:00:00+14:00 {OUTSIDE_UTC}",
         "out_of_range"),
        ("q=" + "+".join(["defense"] * 33), "q", "Search for at most 32 words (this has 33).", "too_many_words"),
        ("q=" + "x" * 501, "q", "Ensure this value has at most 500 characters (it has 501).", "max_length"),
        ("subject=" + "x" * 201, "subject", "Ensure this value has at most 200 characters (it has 201).",
         "max_length"),
    ],
)  # fmt: skip
def test_a_bad_query_parameter_is_a_400_naming_it_never_ignored_or_a_500(api, query, field, message, code):
    ClaimFactory(status="verified")
    response = api.get(f"/api/claims/?{query}")
    assert response.status_code == 400, response.content
    assert response.json() == {"detail": f"{field}: {message}", "code": code, "errors": {field: [message]}}


def test_an_empty_page_size_counts_as_absent_like_every_parameter(api):
    ClaimFactory(status="verified")
    assert api.get("/api/claims/?page_size=").json() == api.get("/api/claims/").json()


def test_thirty_two_search_words_are_still_searched(api):
    ClaimFactory(status="verified")
    response = api.get("/api/claims/", {"q": " ".join(["Japan"] * 32)})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


@pytest.mark.parametrize(
    "path", ["/api/claims/%D9%A3/", "/api/claims/99999999999999999999/", "/api/claims/" + "9" * 4301 + "/"]
)
def test_an_id_in_the_path_that_is_no_id_is_a_404(api, path):
    ClaimFactory(status="verified")
    response = api.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
