"""PostgreSQL-only: many editors writing the same claims at once, through the API and the
admin, checked against the log of the writes Claimbook accepted.

Eight threads (each its own database connection) make 160 random writes on two claims:
subject edits and status changes with If-Match or the admin's version field, notes and
evidence. Afterwards every accepted write is in the claim's history exactly once, versions
run without a gap, every status change is one the workflow allows, and every note and
evidence item belongs to a claim.
"""

import itertools
import random
import threading

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from claims import roles, workflow
from claims.models import Claim, Evidence, ReviewNote
from tests.factories import ClaimFactory, EvidenceFactory, UserFactory
from tests.test_admin_workspace import change_form, change_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS, WRITES = 8, 20


def writer(index: int, user, claim_ids: list[int], log: list, barrier: threading.Barrier) -> None:
    rng = random.Random(index)
    api = APIClient()
    api.force_authenticate(user)
    admin = Client()
    admin.force_login(user)
    barrier.wait()
    try:
        for n in range(WRITES):
            claim_id = rng.choice(claim_ids)
            kind = rng.choice(["subject", "status", "note", "evidence", "admin"])
            target = rng.choice(workflow.Status.values)
            entry = {"thread": index, "claim": claim_id, "kind": kind}
            if kind in {"subject", "status"}:
                current = api.get(f"/api/claims/{claim_id}/")
                body = (
                    {"subject": f"t{index}-{n}"} if kind == "subject" else {"status": target, "note": f"t{index}-{n}"}
                )
                response = api.patch(f"/api/claims/{claim_id}/", body, format="json", HTTP_IF_MATCH=current["ETag"])
                entry.update(expected=current.json()["version"], code=response.status_code, note=kind == "status")
                if response.status_code == 200:
                    entry["version"] = response.json()["version"]
            elif kind == "admin":
                claim = Claim.objects.get(pk=claim_id)
                data = change_form(claim, new_status=target, transition_note=f"t{index}-{n}")
                response = admin.post(change_url(claim), data)
                # Saved: back to the list. Refused (stale, or a move the workflow forbids): back
                # to the claim page with the reason, or the form again (200).
                saved = response.status_code == 302 and response["Location"] == "/admin/claims/claim/"
                entry.update(expected=claim.version, code=response.status_code, saved=saved, note=True)
            elif kind == "note":
                response = api.post(f"/api/claims/{claim_id}/notes/", {"body": f"t{index}-{n}"}, format="json")
                entry.update(code=response.status_code)
            else:
                response = api.post(
                    f"/api/claims/{claim_id}/evidence/",
                    {"url": f"https://example.org/{index}/{n}", "title": "T", "stance": "supports",
                     "retrieved_on": "2020-01-01"},
                    format="json",
                )  # fmt: skip
                entry.update(code=response.status_code)
            log.append(entry)
    finally:
        connection.close()


def test_many_editors_at_once_lose_no_write_and_break_no_rule(groups):
    editors = groups[roles.EDITORS]
    users = [UserFactory(username=f"editor-{i}") for i in range(THREADS)]
    for user in users:
        user.groups.add(editors)
    claims = [ClaimFactory(status="in_review"), ClaimFactory(span_start=0, span_end=5, kind="factual", value=None,
                                                              unit="", qualifier="", status="in_review")]  # fmt: skip
    for claim in claims:
        EvidenceFactory(claim=claim)  # so a verdict is possible without a note
    log: list[dict] = []
    barrier = threading.Barrier(THREADS)
    threads = [
        threading.Thread(target=writer, args=(i, users[i], [c.pk for c in claims], log, barrier))
        for i in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(log) == THREADS * WRITES
    # Every answer is a success or a clean refusal: stale (412), forbidden by the workflow (409),
    # or the admin form shown again with the reason (200). Never a server error.
    assert {e["code"] for e in log} <= {200, 201, 302, 409, 412}, sorted({e["code"] for e in log})
    accepted_claim_writes = [
        e for e in log
        if (e["kind"] in {"subject", "status"} and e["code"] == 200) or (e["kind"] == "admin" and e["saved"])
    ]  # fmt: skip
    refused_as_stale = [e for e in log if e["code"] == 412 or (e["kind"] == "admin" and not e["saved"])]
    assert len(refused_as_stale) >= 5, "the writers hardly raced: the test proved little"
    for claim in claims:
        claim.refresh_from_db()
        mine = [e for e in accepted_claim_writes if e["claim"] == claim.pk]
        # No lost update: each accepted write moved the claim on by exactly one version.
        assert claim.version == 1 + len(mine)
        versions = [e["version"] for e in mine if "version" in e]
        assert len(versions) == len(set(versions))
        assert all(e["version"] == e["expected"] + 1 for e in mine if "version" in e)
        history = list(claim.history.order_by("history_id").values_list("version", "status", "subject"))
        assert [v for v, _, _ in history] == list(range(1, claim.version + 1))
        for (_, before, _), (_, after, _) in itertools.pairwise(history):
            assert before == after or workflow.Status(after) in workflow.allowed_targets(before), (before, after)
        # A subject edit on a claim with a verdict sent it back to review, with Claimbook's note.
        sent_back = sum(
            1
            for (_, before, was), (_, after, now) in itertools.pairwise(history)
            if before in workflow.REVIEWED and after == workflow.Status.IN_REVIEW and was != now
        )
        system_notes = claim.notes.filter(author__isnull=True)
        assert system_notes.count() == sent_back
        assert all(note.body.startswith("Back to review: ") for note in system_notes)
    # Notes: one per accepted note request, one per accepted write that carried a note.
    note_posts = sum(1 for e in log if e["kind"] == "note" and e["code"] == 201)
    notes_with_writes = sum(1 for e in accepted_claim_writes if e.get("note"))
    assert ReviewNote.objects.filter(author__isnull=False).count() == note_posts + notes_with_writes
    evidence_posts = sum(1 for e in log if e["kind"] == "evidence" and e["code"] == 201)
    assert Evidence.objects.count() == len(claims) + evidence_posts
    assert not ReviewNote.objects.exclude(claim__in=Claim.objects.all()).exists()
    assert not Evidence.objects.exclude(claim__in=Claim.objects.all()).exists()
