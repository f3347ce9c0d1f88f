"""The change feed (/api/changes/): every change to the public set, as a consumer mirrors it.

A consumer that applies the feed in order (published and updated: store the claim's JSON;
withdrawn: drop it) holds exactly the public claims, each as GET /api/claims/{id}/ gives it to
an anonymous caller: after verdicts, withdrawals, verdict changes, evidence, rationale edits,
article edits and deletions, and never because of a change the public cannot see.
"""

import contextlib
import random

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from claims import publishing, services, workflow
from claims.models import ChangeEvent, Claim
from tests.factories import ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db

ANONYMOUS = APIClient()


def feed(after: int = 0, **params) -> dict:
    response = ANONYMOUS.get("/api/changes/", {"after": after, **params})
    assert response.status_code == 200, response.content
    return response.json()


def events(after: int = 0) -> list[tuple[str, int, str]]:
    return [(event["event"], event["claim_id"], event["status"]) for event in feed(after, limit=1000)["results"]]


class Mirror:
    """What a consumer following the README holds: claim id -> public JSON, and its cursor."""

    def __init__(self) -> None:
        self.claims: dict[int, dict] = {}
        self.cursor = 0

    def sync(self) -> None:
        while True:
            page = feed(self.cursor, limit=7)  # small pages: following next is part of the recipe
            for event in page["results"]:
                assert event["seq"] > self.cursor
                if event["event"] == "withdrawn":
                    self.claims.pop(event["claim_id"], None)
                    assert event["claim"] is None
                else:
                    self.claims[event["claim_id"]] = event["claim"]
                self.cursor = event["seq"]
            if not page["has_more"]:
                return

    def matches_the_public_set(self) -> None:
        public = Claim.objects.filter(status__in=workflow.PUBLIC).order_by("pk")
        assert sorted(self.claims) == [claim.pk for claim in public]
        for claim in public:
            assert self.claims[claim.pk] == ANONYMOUS.get(f"/api/claims/{claim.pk}/").json()


def verify(claim: Claim, by, to: str = workflow.Status.VERIFIED, **kwargs) -> Claim:
    if claim.status != workflow.Status.IN_REVIEW:
        claim = services.claim_transition(claim=claim, to=workflow.Status.IN_REVIEW, by=by)
    return services.claim_transition(claim=claim, to=to, by=by, note="Checked against the budget request.", **kwargs)


def test_a_verdict_publishes_the_claim_with_the_json_an_anonymous_caller_reads(editor):
    claim = ClaimFactory()
    assert events() == []
    claim = services.claim_transition(claim=claim, to=workflow.Status.IN_REVIEW, by=editor)
    assert events() == []  # in review is not public
    claim = verify(claim, editor)
    page = feed()
    assert [(e["seq"], e["event"], e["claim_id"], e["status"]) for e in page["results"]] == [
        (page["results"][0]["seq"], "published", claim.pk, "verified")
    ]
    assert page["results"][0]["claim"] == ANONYMOUS.get(f"/api/claims/{claim.pk}/").json()
    assert page["has_more"] is False
    assert page["next"] == f"http://testserver/api/changes/?after={page['results'][0]['seq']}"


def test_taking_a_verdict_back_to_review_withdraws_it_and_a_new_verdict_publishes_it_again(editor):
    claim = verify(ClaimFactory(), editor)
    claim = services.claim_transition(claim=claim, to=workflow.Status.IN_REVIEW, by=editor, note="Reopened.")
    claim = services.claim_transition(claim=claim, to=workflow.Status.FALSE, by=editor, note="The budget is lower.")
    assert events() == [
        ("published", claim.pk, "verified"),
        ("withdrawn", claim.pk, "in_review"),
        ("published", claim.pk, "false"),
    ]
    withdrawn = feed()["results"][1]
    assert withdrawn["claim"] is None


def test_every_verdict_is_public_and_dismissing_is_not(editor):
    for verdict in (workflow.Status.DISPUTED, workflow.Status.FALSE, workflow.Status.UNVERIFIABLE):
        verify(ClaimFactory(source=SourceFactory()), editor, to=verdict)
    candidate = ClaimFactory(source=SourceFactory())
    services.claim_transition(claim=candidate, to=workflow.Status.DISMISSED, by=editor)
    assert [(kind, status) for kind, _, status in events()] == [
        ("published", "disputed"),
        ("published", "false"),
        ("published", "unverifiable"),
    ]


def test_a_verdict_given_on_one_appearance_moves_every_appearance_of_the_fact(editor):
    first = ClaimFactory()
    second = ClaimFactory(source=SourceFactory(), fact=first.fact)
    first = verify(first, editor)
    assert sorted(events()) == [("published", first.pk, "verified"), ("published", second.pk, "verified")]
    cursor = feed()["results"][-1]["seq"]
    services.claim_transition(claim=first, to=workflow.Status.IN_REVIEW, by=editor, note="Reopened.")
    assert sorted(events(cursor)) == [("withdrawn", first.pk, "in_review"), ("withdrawn", second.pk, "in_review")]


def test_evidence_and_a_rationale_update_a_public_claim_but_notes_change_nothing_public(editor):
    claim = verify(ClaimFactory(), editor)
    cursor = feed()["results"][-1]["seq"]
    services.note_add(claim=claim, by=editor, body="Internal: ask the desk about the 2019 figure.")
    assert events(cursor) == []
    services.evidence_add(
        claim=claim, by=editor, url="https://www.mod.go.jp/en/", title="Budget", stance="supports",
        retrieved_on="2019-09-13",
    )  # fmt: skip
    services.claim_update(claim=claim, by=editor, data={"rationale": "The Diet approved 5.31 trillion yen."})
    changes = feed(cursor)["results"]
    assert [(e["event"], e["claim_id"]) for e in changes] == [("updated", claim.pk), ("updated", claim.pk)]
    assert [e["title"] for e in changes[0]["claim"]["evidence"]] == ["Budget"]
    assert changes[1]["claim"]["rationale"] == "The Diet approved 5.31 trillion yen."
    assert "notes" not in changes[1]["claim"]


def test_an_unreviewed_claims_changes_never_reach_the_feed(editor):
    claim = ClaimFactory()
    services.claim_update(claim=claim, by=editor, data={"subject": "Japan's cabinet"})
    services.note_add(claim=claim, by=editor, body="Looks right.")
    assert events() == []


def test_retitling_an_article_updates_its_public_claims(editor):
    claim = verify(ClaimFactory(), editor)
    cursor = feed()["results"][-1]["seq"]
    services.source_update(source=claim.source, by=editor, title="Japan's record budget")
    [event] = feed(cursor)["results"]
    assert (event["event"], event["claim"]["source_title"]) == ("updated", "Japan's record budget")


def test_a_change_rolled_back_leaves_no_event(editor):
    claim = ClaimFactory()
    services.claim_transition(claim=claim, to=workflow.Status.IN_REVIEW, by=editor)
    with transaction.atomic():
        verify(Claim.objects.get(pk=claim.pk), editor)
        transaction.set_rollback(True)
    assert events() == []
    assert ChangeEvent.objects.count() == 0


def test_deleting_a_claim_whose_last_event_published_it_withdraws_it(editor):
    # A public claim cannot be deleted (its verdict is on record); a bulk write that reset it
    # without a service leaves its published event last, and deleting it then withdraws it.
    claim = verify(ClaimFactory(), editor)
    Claim.objects.filter(pk=claim.pk).update(status=workflow.Status.UNREVIEWED)
    claim.refresh_from_db()
    claim.notes.all().delete()
    claim.evidence.all().delete()
    services.claim_delete(claim=claim, by=editor)
    assert events()[-1] == ("withdrawn", claim.pk, "")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_consumer_following_the_feed_holds_exactly_the_public_set_after_random_editing(editor, seed):
    rng = random.Random(seed)
    sources = [SourceFactory() for _ in range(2)]
    claims = [ClaimFactory(source=sources[0])]
    text = sources[1].text
    for word in ("eighth year", "18 rockets", "defense spending"):
        start = text.index(word)
        claims.append(ClaimFactory(source=sources[1], span_start=start, span_end=start + len(word), quote=word))
    ids = [claim.pk for claim in claims]
    mirror = Mirror()
    for step in range(60):
        claim = Claim.objects.get(pk=rng.choice(ids))
        action = rng.choice(["transition", "transition", "evidence", "rationale", "title", "note"])
        if action == "transition":
            targets = sorted(workflow.allowed_targets(claim.status))
            target = rng.choice(targets)
            with contextlib.suppress(workflow.TransitionError):
                services.claim_transition(claim=claim, to=target, by=editor, note=f"Step {step}.")
        elif action == "evidence":
            services.evidence_add(
                claim=claim, by=editor, url=f"https://example.org/{step}", title=f"E{step}", stance="supports",
                retrieved_on="2020-01-01",
            )  # fmt: skip
        elif action == "rationale":
            services.claim_update(claim=claim, by=editor, data={"rationale": f"Checked at step {step}."})
        elif action == "title":
            services.source_update(source=claim.source, by=editor, title=f"Title {step}")
        else:
            services.note_add(claim=claim, by=editor, body=f"Note {step}.")
        if rng.random() < 0.3:
            mirror.sync()
            mirror.matches_the_public_set()
    mirror.sync()
    mirror.matches_the_public_set()


def test_the_demo_feed_mirrors_the_demo_public_set(demo):
    mirror = Mirror()
    mirror.sync()
    mirror.matches_the_public_set()
    assert len(mirror.claims) == Claim.objects.filter(status__in=workflow.PUBLIC).count() > 100


def test_publishing_everything_again_writes_nothing_when_the_feed_is_up_to_date(demo):
    assert publishing.publish_all() == 0


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"after": "x"}, "after: Expected a whole number from 0 to 9223372036854775807, e.g. 1042."),
        ({"after": "-1"}, "after: Expected a whole number from 0 to 9223372036854775807, e.g. 1042."),
        ({"limit": "0"}, "limit: Expected a whole number from 1 to 1000, e.g. 500."),
        ({"limit": "1001"}, "limit: Expected a whole number from 1 to 1000, e.g. 500."),
    ],
)
def test_a_bad_cursor_or_limit_is_a_400_that_says_what_is_expected(params, message):
    response = ANONYMOUS.get("/api/changes/", params)
    assert response.status_code == 400
    assert response.json()["detail"] == message


def test_a_page_of_the_feed_says_whether_more_is_waiting_and_where_to_read_next(demo):
    first = feed(0, limit=2)
    assert [event["seq"] for event in first["results"]] == [1, 2]
    assert first["has_more"] is True
    assert first["next"] == "http://testserver/api/changes/?after=2&limit=2"
    last = publishing.last_seq()
    tail = feed(last)
    assert tail == {"results": [], "next": f"http://testserver/api/changes/?after={last}", "has_more": False}


def test_publish_changes_writes_the_events_a_bulk_load_left_out(editor):
    from io import StringIO

    from django.core.management import call_command

    claim = ClaimFactory(status=workflow.Status.VERIFIED)  # written without a service: no event
    out = StringIO()
    call_command("publish_changes", stdout=out)
    assert out.getvalue() == "1 change event written.\n"
    assert events() == [("published", claim.pk, "verified")]
    call_command("publish_changes", stdout=out)
    assert out.getvalue().splitlines()[-1] == "0 change events written."


def test_a_rationale_is_the_facts_every_appearance_with_the_verdict_shows_it(editor):
    first = ClaimFactory()
    second = ClaimFactory(source=SourceFactory(), fact=first.fact)
    first = verify(first, editor)
    services.claim_update(claim=first, by=editor, data={"rationale": "The Diet approved 5.31 trillion yen."})
    second.refresh_from_db()
    first.fact.refresh_from_db()
    assert second.rationale == first.fact.rationale == "The Diet approved 5.31 trillion yen."
    assert first.fact.history.first().rationale == "The Diet approved 5.31 trillion yen."
    assert events()[-2:] == [("updated", first.pk, "verified"), ("updated", second.pk, "verified")]


def readme_sync_recipe() -> str:
    """The README's Python block that mirrors the public set through the change feed."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("Mirroring the public set: follow the change feed.") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.mark.django_db(transaction=True)
def test_a_consumer_following_the_readme_drops_a_verdict_an_editor_withdraws(live_server, groups):
    from django.core.management import call_command

    from tests.factories import UserFactory

    call_command("loaddata", "demo", verbosity=0)
    editor = UserFactory(username="desk")
    editor.groups.add(groups["Editors"])
    recipe = readme_sync_recipe().replace("http://127.0.0.1:8000", live_server.url)
    consumer: dict = {}
    exec(compile(recipe, "README.md", "exec"), consumer)  # the README's own code, run as a consumer would
    mirror = consumer["mirror"]
    public = set(Claim.objects.filter(status__in=workflow.PUBLIC).values_list("pk", flat=True))
    assert set(mirror) == public
    claim = Claim.objects.filter(status=workflow.Status.VERIFIED).order_by("pk").first()
    assert mirror[claim.pk]["status"] == "verified"
    services.claim_transition(claim=claim, to=workflow.Status.IN_REVIEW, by=editor, note="The ministry revised it.")
    consumer["sync"](mirror, consumer["seq"])
    withdrawn = set(public) - set(Claim.objects.filter(status__in=workflow.PUBLIC).values_list("pk", flat=True))
    assert claim.pk in withdrawn  # and every other appearance of its fact
    assert set(mirror) == public - withdrawn
    for pk, held in mirror.items():
        assert held == ANONYMOUS.get(f"/api/claims/{pk}/").json()
