"""No request is a 5xx: every documented parameter of every API endpoint (read from the
OpenAPI schema), and the admin's list filters and add form, given hostile values, anonymous
and as an editor, on both databases. Failures are collected, so one run names them all."""

from urllib.parse import quote

import pytest
import yaml
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import Claim
from tests.factories import ClaimFactory, EvidenceFactory, ReviewNoteFactory, SourceFactory

pytestmark = pytest.mark.django_db

# (label, the value as it goes into a query string: percent-encoded where it has to be)
HOSTILE = [
    ("empty", ""),
    ("whitespace", quote(" \t\n ")),
    ("NUL", "%00"),
    ("NUL inside", "a%00b"),
    ("lone surrogate", "%ED%A0%80"),
    ("not UTF-8", "%FF%FE"),
    ("10,000 characters", "x" * 10_000),
    ("10,000 emoji", quote("\U0001f389" * 10_000)),
    ("thousand words", "+".join(["defense"] * 1000)),
    ("huge integer", "9" * 30),
    ("4,301 digits", "9" * 4301),  # past Python's int() string limit
    ("negative huge integer", "-" + "9" * 30),
    ("2**63", str(2**63)),
    ("2**64", str(2**64)),
    ("-2**63-1", str(-(2**63) - 1)),
    ("zero", "0"),
    ("minus one", "-1"),
    ("float", "1.5"),
    ("1e309", "1e309"),
    ("-1e309", "-1e309"),
    ("NaN", "NaN"),
    ("Infinity", "Infinity"),
    ("year 0", "0000-01-01"),
    ("year 10000", "10000-01-01"),
    ("end of year 9999 west of UTC", quote("9999-12-31T23:59:59.999999-12:00")),
    ("start of year 1 east of UTC", quote("0001-01-01T00:00:00+14:00")),
    ("arabic digits", quote("٣٤")),
    ("superscript two", quote("²")),
    ("SQL", quote("1' OR '1'='1'; DROP TABLE claims_claim; --")),
    ("markup", quote('<script>alert("x")</script>')),
    ("double minus", "--id"),
    ("commas", ",,,"),
    ("repeated", None),  # the parameter given four times, one of them good
]


def header_value(encoded: str) -> str:
    """The same bytes as a header value (WSGI hands headers over as latin-1)."""
    from urllib.parse import unquote_to_bytes

    return unquote_to_bytes(encoded.replace("+", " ")).decode("latin-1")


@pytest.fixture
def world(editor, settings):
    settings.CLAIMBOOK = {**settings.CLAIMBOOK, "ANON_THROTTLE_RATE": None}  # thousands of requests
    source = SourceFactory()
    verified = ClaimFactory(source=source, status="verified", reviewed_at=timezone.now())
    ReviewNoteFactory(claim=verified, author=editor)
    EvidenceFactory(claim=verified)
    anonymous = Client(raise_request_exception=False)
    editing = Client(raise_request_exception=False)
    editing.force_login(editor)
    return {"claim": verified, "source": source, "clients": {"anonymous": anonymous, "editor": editing}}


def operations():
    """(method, path template, parameters) for every operation the schema documents."""
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, path, operation.get("parameters", [])


def call(client, method: str, url: str, headers: dict):
    body = {"get": None, "delete": None}.get(method, "{}")
    return client.generic(method.upper(), url, body or "", content_type="application/json", **headers)


def test_no_documented_parameter_of_any_endpoint_can_cause_a_server_error(world):
    claim = world["claim"]
    failures, requests = [], 0
    for method, template, parameters in operations():
        ids = {"claims": claim.pk, "facts": claim.fact_id, "sources": world["source"].pk}
        path_ids = {
            "id": next((pk for name, pk in ids.items() if f"/{name}/" in template), 0),
            "fact_id": claim.fact_id,
        }
        for parameter in parameters:
            name, where = parameter["name"], parameter["in"]
            for label, value in HOSTILE:
                if where == "query":
                    query = f"{name}={value}" if label != "repeated" else f"{name}=1&{name}=%00&{name}=--id&{name}="
                    requests_to_send = [(template.format(**path_ids) + "?" + query, {})]
                elif label == "repeated":
                    continue
                elif where == "path":
                    url = template.replace("{" + name + "}", value)
                    requests_to_send = [(url, {})] if value and "/" not in value else []
                else:  # a header
                    header = "HTTP_" + name.upper().replace("-", "_")
                    requests_to_send = [(template.format(**path_ids), {header: header_value(value)})]
                for url, headers in requests_to_send:
                    for role, client in world["clients"].items():
                        requests += 1
                        response = call(client, method, url, headers)
                        if response.status_code >= 500:
                            failures.append(f"{role} {method.upper()} {url[:120]} {headers} ({label}): "
                                            f"{response.status_code}")  # fmt: skip
    assert requests > 1000  # the schema was walked, not skipped
    assert failures == [], "\n".join(failures)
    assert Claim.objects.filter(pk=claim.pk).exists()  # hostile writes wrote nothing away


ADMIN_LIST = "/admin/claims/claim/"
# An admin page costs ten API answers; these are the values that reach its lookups differently.
ADMIN_HOSTILE = [
    (label, value)
    for label, value in HOSTILE
    if label in {"empty", "NUL", "lone surrogate", "not UTF-8", "10,000 emoji", "thousand words", "huge integer",
                 "4,301 digits", "2**64", "minus one", "float", "NaN", "year 10000", "arabic digits", "SQL", "markup",
                 "double minus"}
]  # fmt: skip


def test_no_garbage_in_the_admin_list_filters_or_the_add_form_causes_a_server_error(world):
    client = world["clients"]["editor"]
    response = client.get(ADMIN_LIST)
    assert response.status_code == 200
    names = {name for spec in response.context["cl"].filter_specs for name in spec.expected_parameters()}
    assert {"status__exact", "reviewed_by", "has_evidence"} <= names
    names |= {"q", "o", "p", "source__id__exact", "e"}
    source = world["source"].pk
    urls = [f"{ADMIN_LIST}?{name}={value}" for name in sorted(names) for _, value in ADMIN_HOSTILE]
    urls += [f"{ADMIN_LIST}?{name}=1&{name}=%00&{name}=" for name in sorted(names)]  # repeated
    for _, value in ADMIN_HOSTILE:
        urls += [
            f"/admin/claims/claim/add/?source={value}&utf16_start=0&utf16_end=5",
            f"/admin/claims/claim/add/?source={source}&utf16_start={value}&utf16_end=5",
            f"/admin/claims/claim/add/?source={source}&utf16_start=0&utf16_end={value}",
            f"/admin/claims/claim/add/?source={value}",
        ]
    failures = []
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            failures.append(f"GET {url[:120]}: {response.status_code}")
        elif response.status_code == 302:  # Django's answer to an unknown lookup (?e=1), or the bare list (NUL)
            assert response["Location"].endswith("?e=1") or response["Location"] == ADMIN_LIST, url
    assert failures == [], "\n".join(failures)
