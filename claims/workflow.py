"""The review status machine: which transitions exist, what each one needs, and who may
make them.

Pure rules, no database: callers pass what they know (evidence count, a note) and get the
new state or a :class:`TransitionError` saying why not. Used by the admin, the API, the
commands and re-anchoring alike.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeGuard

from django.db.models import TextChoices

from .numbers import plain_decimal


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
# What is published: every claim (and fact) with a verdict, found unverifiable included; never an
# unreviewed, in-review or dismissed one.
PUBLIC = REVIEWED

# What a claim says: changing any of these changes what a verdict was given on.
SUBSTANCE_FIELDS = (
    "statement", "span_start", "span_end", "quote", "kind", "subject", "value", "unit", "qualifier", "as_of",
    "as_of_precision",
)  # fmt: skip

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

    def __init__(self, message: str, *, code: str, params: dict[str, Any] | None = None) -> None:
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


# The permission (models.Claim.Meta.permissions) that lets a user move claims through review.
REVIEW_PERMISSION = "claims.review_claim"


def can_review(user: Any) -> bool:
    """Whether ``user`` may change a claim's status and give verdicts: the one rule the admin's
    actions and status field and the API's status changes all ask."""
    return bool(user is not None and user.is_authenticated and user.has_perm(REVIEW_PERMISSION))


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
    has_note = has_words(note)
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


NOTE_WITHOUT_WORDS = "A note needs words: this one holds only white space or invisible characters."


def has_words(text: str | None) -> TypeGuard[str]:
    """Whether ``text`` says something: at least one letter or digit. White space, zero-width
    spaces and joiners, soft hyphens, direction marks and other invisible characters alone are
    not grounds for a verdict."""
    return text is not None and any(unicodedata.category(char)[0] in "LN" for char in text)


def changed_substance(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The substance fields whose value differs between two readings of a claim, in order."""
    return [name for name in SUBSTANCE_FIELDS if name in before and before[name] != after.get(name)]


def quoted(value: object, limit: int = 120) -> str:
    """A field's value for a note: quoted, white space collapsed, cut at ``limit`` characters;
    a figure as Claimbook writes one ("50000000000", not "50000000000.000000")."""
    if value is None or value == "":
        return "empty"
    text = plain_decimal(value) if isinstance(value, Decimal) else " ".join(str(value).split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def describe_changes(before: dict[str, Any], after: dict[str, Any], names: list[str]) -> str:
    """ "value from '50000000000' to '48000000000', subject from 'Japan' to 'China'"."""
    return ", ".join(f"{name} from {quoted(before[name])} to {quoted(after.get(name))}" for name in names)


def back_to_review_note(status: str, reviewer: str | None, why: str) -> str:
    """The note Claimbook writes when a claim's verdict no longer holds."""
    signed = f" by {reviewer}" if reviewer else ""
    return f"Back to review: {why}. It was {Status(status).label.lower()}{signed}; check it and give the verdict again."


def verdict_outlived(status: str, *, substance_changed: bool = False, evidence_left: int | None = None) -> bool:
    """Whether a claim's verdict no longer rests on what it was given on: its substance changed,
    or a verdict that needs grounds lost its last evidence item."""
    if Status(status) not in REVIEWED:
        return False
    if substance_changed:
        return True
    return evidence_left == 0 and Status(status) in VERDICTS


# A fact's verdict: any status but "dismissed", which says a candidate is no claim, not that a fact is wrong.
FACT_STATUS_CHOICES = [(value, label) for value, label in Status.choices if value != Status.DISMISSED]


def fact_status(claim_status: str) -> Status:
    """A fact's verdict for the status of the appearance it follows: the same, except that a
    dismissed candidate gives no verdict (a fact is never dismissed)."""
    return Status.UNREVIEWED if claim_status == Status.DISMISSED else Status(claim_status)


def can_delete(status: str, *, notes: int, evidence: int) -> bool:
    """Whether a claim may be deleted outright: only one with nothing on record (a mistaken
    selection). A verdict, a note or an evidence item is a record that is kept; such a claim is
    dismissed instead."""
    return Status(status) not in REVIEWED and not notes and not evidence
