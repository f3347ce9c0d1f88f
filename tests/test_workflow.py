"""The review status machine, on its own and through the transition service."""

import pytest

from claims import services, workflow
from claims.models import Claim
from claims.workflow import Status, TransitionError, plan_transition
from tests.factories import ClaimFactory, EvidenceFactory, UserFactory


@pytest.mark.parametrize(
    ("current", "target", "signs", "clears"),
    [
        ("unreviewed", "in_review", False, False),
        ("unreviewed", "dismissed", False, False),
        ("in_review", "unreviewed", False, False),
        ("verified", "in_review", False, True),
        ("dismissed", "in_review", False, False),
    ],
)
def test_allowed_transitions_say_whether_they_sign_or_clear_the_review(current, target, signs, clears):
    plan = plan_transition(current, target)
    assert (plan.source, plan.target, plan.signs_review, plan.clears_review) == (current, target, signs, clears)


@pytest.mark.parametrize("verdict", ["verified", "disputed", "false"])
def test_a_verdict_needs_evidence_or_a_note(verdict):
    with pytest.raises(TransitionError) as raised:
        plan_transition("in_review", verdict)
    assert raised.value.code == "verdict_needs_grounds"
    assert raised.value.message == (
        f"Marking a claim {Status(verdict).label.lower()} needs at least one evidence item or a note explaining "
        "why there is none."
    )
    assert plan_transition("in_review", verdict, evidence_count=1).signs_review
    assert plan_transition("in_review", verdict, note="Ministry confirmed by phone; no document.").signs_review


def test_unverifiable_needs_a_note_saying_why():
    with pytest.raises(TransitionError, match="needs a note saying why it cannot be checked"):
        plan_transition("in_review", "unverifiable", evidence_count=3)
    assert plan_transition("in_review", "unverifiable", note="Rests on informer reports only.").target == (
        "unverifiable"
    )


@pytest.mark.parametrize(
    ("current", "target", "message"),
    [
        (
            "unreviewed",
            "verified",
            "A claim that is unreviewed cannot become verified; it can become: dismissed, in review.",
        ),
        ("verified", "false", "A claim that is verified cannot become false; it can become: in review."),
        ("dismissed", "verified", "A claim that is dismissed cannot become verified; it can become: in review."),
    ],
)
def test_an_impossible_transition_is_refused_saying_why(current, target, message):
    with pytest.raises(TransitionError) as raised:
        plan_transition(current, target, evidence_count=5, note="x")
    assert (raised.value.message, raised.value.code) == (message, "transition_not_allowed")


def test_an_unknown_status_and_no_change_are_refused():
    with pytest.raises(TransitionError, match="'bogus' is not a status; expected one of unreviewed, in_review"):
        plan_transition("in_review", "bogus")
    with pytest.raises(TransitionError, match=r"^The claim is already in review\.$"):
        plan_transition("in_review", "in_review")


def test_every_status_can_reach_in_review_or_from_it():
    for status in Status:
        assert (
            status == Status.IN_REVIEW
            or Status.IN_REVIEW in workflow.TRANSITIONS[status]
            or status in (workflow.TRANSITIONS[Status.IN_REVIEW])
        )


@pytest.mark.django_db
def test_the_service_signs_a_verdict_with_reviewer_time_note_and_new_version():
    reviewer = UserFactory()
    claim = ClaimFactory(status=Claim.Status.IN_REVIEW)
    EvidenceFactory(claim=claim)
    updated = services.claim_transition(claim=claim, to="verified", by=reviewer, note="Matches the MoD release.")
    updated.refresh_from_db()
    assert (updated.status, updated.reviewed_by, updated.version) == ("verified", reviewer, 2)
    assert updated.reviewed_at is not None
    assert list(updated.notes.values_list("body", "author")) == [("Matches the MoD release.", reviewer.pk)]
    assert updated.history.first().history_user == reviewer


@pytest.mark.django_db
def test_the_service_refuses_a_stale_version_and_writes_nothing():
    claim = ClaimFactory()
    services.claim_transition(claim=claim, to="in_review", by=UserFactory(), expected_version=1)
    with pytest.raises(services.StaleVersion) as raised:
        services.claim_transition(claim=claim, to="dismissed", by=UserFactory(username="second"), expected_version=1)
    assert str(raised.value) == (
        f"{claim.history.first().history_user.username} changed claim {claim.pk} since you read it (it is now at "
        "version 2, you had version 1). Nothing was saved: reload the claim to see their changes, then apply yours."
    )
    claim.refresh_from_db()
    assert (claim.status, claim.version) == ("in_review", 2)


@pytest.mark.django_db
def test_reopening_a_verdict_clears_the_reviewer():
    claim = ClaimFactory(status=Claim.Status.IN_REVIEW)
    services.claim_transition(claim=claim, to="false", by=UserFactory(), note="Budget was $47bn, not an increase.")
    reopened = services.claim_transition(claim=claim, to="in_review", by=UserFactory())
    assert (reopened.status, reopened.reviewed_by, reopened.reviewed_at) == ("in_review", None, None)


@pytest.mark.parametrize(
    ("status", "notes", "evidence", "deletable"),
    [
        ("unreviewed", 0, 0, True), ("in_review", 0, 0, True), ("dismissed", 0, 0, True),
        ("verified", 0, 0, False), ("disputed", 0, 0, False), ("false", 0, 0, False), ("unverifiable", 0, 0, False),
        ("unreviewed", 1, 0, False), ("in_review", 0, 1, False), ("dismissed", 2, 3, False),
    ],
)  # fmt: skip
def test_only_a_claim_with_nothing_on_record_can_be_deleted(status, notes, evidence, deletable):
    assert workflow.can_delete(status, notes=notes, evidence=evidence) is deletable


@pytest.mark.django_db
def test_the_delete_service_keeps_a_claim_with_a_record_whoever_calls_it():
    claim = ClaimFactory(status="in_review")
    EvidenceFactory(claim=claim)
    with pytest.raises(services.ClaimHasRecord) as refused:
        services.claim_delete(claim=claim, by=UserFactory(), expected_version=1)
    assert refused.value.code == "claim_has_record"
    assert refused.value.message == (
        f"Claim {claim.pk} has 1 evidence item: that record is kept, so the claim cannot be deleted. "
        "Dismiss it instead. Nothing was deleted."
    )
    assert Claim.objects.filter(pk=claim.pk).exists()
    assert claim.evidence.count() == 1
