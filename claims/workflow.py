"""The review status machine: which transitions exist and what each one needs.

Pure rules, no database: callers pass what they know (evidence count, a note) and get the
new state or a :class:`TransitionError` saying why not. Used by the admin, the API, the
commands and re-anchoring alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import TextChoices


class Status(TextChoices):
    UNREVIEWED = "unreviewed", "Unreviewed"
    IN_REVIEW = "in_review", "In review"
    VERIFIED = "verified", "Verified"
    DISPUTED = "disputed", "Disputed"
    FALSE = "false", "False"
    UNVERIFIABLE = "unverifiable", "Unverifiable"
    DISMISSED = "dismissed", "Dismissed"


VERDICTS = frozenset({Status.VERIFIED, Status.DISPUTED, Status.FALSE})
# Statuses a reviewer has signed: reviewed_by/reviewed_at are set on entering them.
REVIEWED = VERDICTS | {Status.UNVERIFIABLE}

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.UNREVIEWED: frozenset({Status.IN_REVIEW, Status.DISMISSED}),
    Status.IN_REVIEW: frozenset(REVIEWED | {Status.UNREVIEWED, Status.DISMISSED}),
    Status.VERIFIED: frozenset({Status.IN_REVIEW}),
    Status.DISPUTED: frozenset({Status.IN_REVIEW}),
    Status.FALSE: frozenset({Status.IN_REVIEW}),
    Status.UNVERIFIABLE: frozenset({Status.IN_REVIEW}),
    Status.DISMISSED: frozenset({Status.IN_REVIEW}),
}


class TransitionError(ValueError):
    """A transition the workflow forbids, with a message a person understands."""

    def __init__(self, message: str, *, code: str, params: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.params = params or {}


@dataclass(frozen=True)
class Transition:
    source: Status
    target: Status
    signs_review: bool  # whether reviewed_by / reviewed_at are set
    clears_review: bool  # whether reviewed_by / reviewed_at are cleared


def allowed_targets(current: str) -> frozenset[Status]:
    return TRANSITIONS[Status(current)]


def plan_transition(current: str, target: str, *, evidence_count: int = 0, note: str | None = None) -> Transition:
    """Check that ``current`` -> ``target`` is allowed and return what it does.

    A verdict (verified, disputed, false) needs at least one evidence item or a note
    explaining why none exists; unverifiable needs a note saying why.
    """
    try:
        source, wanted = Status(current), Status(target)
    except ValueError:
        raise TransitionError(
            f"{target!r} is not a status; expected one of {', '.join(Status.values)}.",
            code="unknown_status",
            params={"status": target},
        ) from None
    if wanted == source:
        raise TransitionError(
            f"The claim is already {source.label.lower()}.", code="no_change", params={"status": source.value}
        )
    if wanted not in TRANSITIONS[source]:
        allowed = ", ".join(sorted(status.label.lower() for status in TRANSITIONS[source]))
        raise TransitionError(
            f"A claim that is {source.label.lower()} cannot become {wanted.label.lower()}; it can become: {allowed}.",
            code="transition_not_allowed",
            params={"from": source.value, "to": wanted.value},
        )
    has_note = bool(note and note.strip())
    if wanted in VERDICTS and evidence_count == 0 and not has_note:
        raise TransitionError(
            f"Marking a claim {wanted.label.lower()} needs at least one evidence item or a note explaining "
            "why there is none.",
            code="verdict_needs_grounds",
            params={"to": wanted.value},
        )
    if wanted == Status.UNVERIFIABLE and not has_note:
        raise TransitionError(
            "Marking a claim unverifiable needs a note saying why it cannot be checked.",
            code="unverifiable_needs_note",
            params={"to": wanted.value},
        )
    return Transition(
        source=source,
        target=wanted,
        signs_review=wanted in REVIEWED,
        clears_review=source in REVIEWED,
    )


def can_delete(status: str, *, notes: int, evidence: int) -> bool:
    """Whether a claim may be deleted outright: only one with nothing on record (a mistaken
    selection). A verdict, a note or an evidence item is a record that is kept; such a claim is
    dismissed instead."""
    return Status(status) not in REVIEWED and not notes and not evidence
