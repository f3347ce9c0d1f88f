"""The API's index and its bulk formats: the claim list as CSV with formula cells escaped, and the
whole public set as NDJSON streamed in constant memory, the rationale in and reviewer notes never."""

import csv
import io
import tracemalloc

import orjson
import pytest
from rest_framework.test import APIClient

from claims import publishing, services, synthetic
from claims.api import bulk
from claims.models import Claim

pytestmark = pytest.mark.django_db

NOTE = "Internal: the ministry's press officer would not confirm this on the record."


@pytest.fixture
def anon():
    return APIClient()


def test_the_api_root_links_every_endpoint(anon):
    response = anon.get("/api/")
    assert response.status_code == 200
    assert response.json() == {
        "claims": "http://testserver/api/claims/",
        "claims_csv": "http://testserver/api/claims/?format=csv",
        "claims_ndjson": "http://testserver/api/claims/export.ndjson",
        "sources": "http://testserver/api/sources/",
        "facts": "http://testserver/api/facts/",
        "changes": "http://testserver/api/changes/",
        "claimreview_feed": "http://testserver/api/claimreview/feed.json",
        "schema": "http://testserver/api/schema/",
        "docs": "http://testserver/api/docs/",
    }
    assert response["Cache-Control"].startswith("public, max-age=60")


def test_an_unknown_api_path_is_still_a_404_in_json(anon):
    for path in ("/api/nothing/", "/api/claims/export.csv", "/api/claims/export.ndjson/extra"):
        response = anon.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not found.", "code": "not_found"}
        assert response["Cache-Control"] == "private, no-store"


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_claim_list_as_csv_has_the_claim_json_columns_and_escapes_formula_cells(demo, anon):
    claim = Claim.objects.filter(status="verified").order_by("pk").first()
    Claim.objects.filter(pk=claim.pk).update(
        statement="=HYPERLINK(\"https://evil.example\",\"click\")", subject="+Japan", rationale="@SUM(A1:A9)",
        prefix="-2 rockets", suffix="\tcell", value=-5,
    )  # fmt: skip
    response = anon.get("/api/claims/?format=csv&page_size=500")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0].split(",") == bulk.CSV_COLUMNS
    assert "evidence" not in bulk.CSV_COLUMNS
    assert "notes" not in bulk.CSV_COLUMNS
    rows = csv_rows(response)
    listed = anon.get("/api/claims/?page_size=500").json()["results"]
    assert [int(row["id"]) for row in rows] == [item["id"] for item in listed]
    row = next(row for row in rows if row["id"] == str(claim.pk))
    assert row["statement"] == '\'=HYPERLINK("https://evil.example","click")'
    assert row["subject"] == "'+Japan"
    assert row["rationale"] == "'@SUM(A1:A9)"
    assert row["prefix"] == "'-2 rockets"
    assert row["suffix"] == "'\tcell"
    assert row["value"] == "-5"  # a number stays a number
    assert row["status"] == "verified"
    other = next(row for row in rows if row["id"] != str(claim.pk))
    same = next(item for item in listed if str(item["id"]) == other["id"])
    assert other["statement"] == same["statement"]
    assert other["as_of"] == (same["as_of"] or "")


def test_a_csv_page_links_the_next_one_in_its_link_header(demo, anon):
    response = anon.get("/api/claims/?format=csv&page_size=5")
    assert len(csv_rows(response)) == 5
    following = anon.get("/api/claims/?page_size=5").json()["next"].replace("page_size=5", "format=csv&page_size=5")
    assert response["Link"] == f'<{following}>; rel="next"'
    assert [row["id"] for row in csv_rows(anon.get(following))] == [
        str(item["id"]) for item in anon.get("/api/claims/?page_size=10").json()["results"][5:]
    ]


def test_a_csv_request_that_fails_says_why_in_json(demo, anon):
    response = anon.get("/api/claims/?format=csv&page_size=0")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"] == {"page_size": ["Expected a whole number from 1 to 500, e.g. 200."]}
    assert anon.get("/api/claims/1/?format=csv").status_code == 404


def export_lines(client) -> list[dict]:
    response = client.get("/api/claims/export.ndjson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    assert response["X-Change-Seq"] == str(publishing.last_seq())  # where to follow the feed from
    return [orjson.loads(line) for line in b"".join(response.streaming_content).splitlines()]


def test_the_ndjson_export_is_every_public_claim_as_anonymous_callers_get_it(demo, anon, editor, editor_api):
    public = Claim.objects.filter(status__in=["verified", "disputed", "false", "unverifiable"]).order_by("pk")
    claim = services.claim_update(
        claim=public.first(), by=editor, data={"rationale": "The 2019 white paper gives the same figure."}
    )
    services.note_add(claim=claim, by=editor, body=NOTE)
    lines = export_lines(anon)
    assert [line["id"] for line in lines] == list(public.values_list("pk", flat=True))
    assert {line["status"] for line in lines} == {"verified", "disputed", "false", "unverifiable"}
    for line in lines[:: max(1, len(lines) // 12)]:
        assert line == anon.get(f"/api/claims/{line['id']}/").json()
    assert lines[0]["rationale"] == "The 2019 white paper gives the same figure."
    assert export_lines(editor_api) == lines  # the public set whoever asks


def test_reviewer_notes_never_reach_the_csv_or_the_ndjson_even_for_an_editor(demo, anon, editor, editor_api):
    claim = Claim.objects.filter(status="verified").order_by("pk").first()
    services.note_add(claim=claim, by=editor, body=NOTE)
    assert editor_api.get(f"/api/claims/{claim.pk}/").json()["notes"][-1]["body"] == NOTE
    for client in (anon, editor_api):
        export = b"".join(client.get("/api/claims/export.ndjson").streaming_content)
        assert b'"notes"' not in export
        assert NOTE.encode() not in export
        csv_body = client.get("/api/claims/?format=csv&page_size=500").content
        assert b",notes" not in csv_body
        assert NOTE.encode() not in csv_body


def streaming_peak(client) -> tuple[int, int]:
    """(lines, peak bytes traced) while the export streams; the lines are counted, never kept."""
    tracemalloc.start()
    try:
        response = client.get("/api/claims/export.ndjson")
        lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
        return lines, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_ndjson_export_streams_in_constant_memory(db, anon, monkeypatch):
    monkeypatch.setattr(bulk, "EXPORT_CHUNK", 100)
    synthetic.generate(sources=20, claims=800, seed=1, log=lambda _: None)
    streaming_peak(anon)  # warm: imports, the generated SQL, the first connection
    small, small_peak = streaming_peak(anon)
    synthetic.generate(sources=60, claims=2400, seed=2, log=lambda _: None)
    large, large_peak = streaming_peak(anon)
    assert small > 300, small
    assert large >= 4 * small * 0.9, (small, large)
    # Four times the claims, the same memory (within a bound a chunk's fluctuation stays under).
    assert large_peak < small_peak * 1.5, (small_peak, large_peak)


def feed_sync(client, mirror: dict, after: int) -> int:
    """The README's recipe: apply the feed's events after ``after`` to ``mirror``; the last seq applied."""
    url = f"/api/changes/?after={after}&limit=50"
    while True:
        page = client.get(url).json()
        for event in page["results"]:
            if event["event"] == "withdrawn":
                mirror.pop(event["claim_id"], None)
            else:
                mirror[event["claim_id"]] = event["claim"]
            after = event["seq"]
        if not page["has_more"]:
            return after
        url = page["next"]


def public_now(client) -> dict:
    return {line["id"]: line for line in export_lines(client)}


def test_the_export_then_the_feed_from_its_seq_mirror_the_public_set_and_a_withdrawal_leaves_it(demo, anon, editor):
    response = anon.get("/api/claims/export.ndjson")
    mirror = {line["id"]: line for line in map(orjson.loads, b"".join(response.streaming_content).splitlines())}
    seq = int(response["X-Change-Seq"])
    verified = Claim.objects.filter(status="verified").order_by("pk").first()
    services.claim_transition(claim=verified, to="in_review", by=editor, note="A newer paper came out.")
    services.claim_update(claim=Claim.objects.get(pk=verified.pk + 1), by=editor, data={"subject": "Pyongyang"})
    assert verified.pk in mirror
    seq = feed_sync(anon, mirror, seq)
    assert verified.pk not in mirror
    assert mirror == public_now(anon)
    from_scratch: dict = {}
    assert feed_sync(anon, from_scratch, 0) == seq
    assert from_scratch == mirror
