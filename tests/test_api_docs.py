"""The OpenAPI schema and its docs, served by the app itself; server errors as JSON."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_the_schema_describes_every_endpoint_and_filter():
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/",
        "/api/changes/",
        "/api/claims/export.ndjson",
        "/api/claims/",
        "/api/claims/{id}/",
        "/api/claims/{id}/claimreview/",
        "/api/claims/{id}/evidence/",
        "/api/claims/{id}/notes/",
        "/api/claims/{id}/matches/",
        "/api/claims/{id}/matches/{fact_id}/confirm/",
        "/api/claims/{id}/matches/{fact_id}/reject/",
        "/api/facts/",
        "/api/facts/{id}/",
        "/api/facts/{id}/claimreview/",
        "/api/sources/",
        "/api/sources/{id}/",
        "/api/claimreview/feed.json",
    }
    parameters = {p["name"] for p in schema["paths"]["/api/claims/"]["get"]["parameters"]}
    assert parameters == {
        "status", "kind", "source", "subject", "unit", "value_min", "value_max", "as_of_after", "as_of_before",
        "updated_after", "q", "ordering", "cursor", "page_size", "format",
    }  # fmt: skip
    listed = schema["paths"]["/api/claims/"]["get"]
    assert set(listed["responses"]["200"]["content"]) == {"application/json", "text/csv"}
    assert next(p for p in listed["parameters"] if p["name"] == "format")["schema"]["enum"] == ["csv", "json"]
    export = schema["paths"]["/api/claims/export.ndjson"]["get"]
    assert set(export["responses"]["200"]["content"]) == {"application/x-ndjson"}
    assert set(export["responses"]["200"]["headers"]) == {"X-Change-Seq"}
    patch = schema["paths"]["/api/claims/{id}/"]["patch"]
    assert {"200", "400", "401", "403", "404", "409", "412", "428"} <= set(patch["responses"])
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in patch["parameters"])
    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "detail"]
    parameters = {p["name"] for p in schema["paths"]["/api/facts/"]["get"]["parameters"]}
    assert parameters == {
        "status", "kind", "subject", "unit", "value_min", "value_max", "updated_after", "max_age_days", "publisher",
        "q", "ordering", "cursor", "page_size",
    }  # fmt: skip
    confirm = schema["paths"]["/api/claims/{id}/matches/{fact_id}/confirm/"]["post"]
    assert {"200", "400", "401", "403", "404", "409", "412", "428"} <= set(confirm["responses"])
    assert any(p["name"] == "If-Match" and p["in"] == "header" for p in confirm["parameters"])


def test_the_docs_page_loads_everything_from_this_app_not_a_cdn():
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert "/api/docs/?script=" in sources  # the start-up script, served by this app (CSP: script-src 'self')
    for url in sources:
        if url == "/api/docs/?script=":
            script = APIClient().get(url)
            assert script.status_code == 200
            assert script["Content-Type"].startswith("application/javascript")
            assert "SwaggerUIBundle" in script.content.decode()
            continue
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), url
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # no inline script: the page works under script-src 'self'


def test_an_unexpected_server_error_is_json(monkeypatch):
    from claims.api.views import ClaimViewSet

    def explode(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(ClaimViewSet, "list", explode)
    client = APIClient()
    client.raise_request_exception = False
    response = client.get("/api/claims/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The server failed to answer this request. Try again later.",
                               "code": "server_error"}  # fmt: skip
    assert "boom" not in response.content.decode()
