"""Every write Claimbook makes, atomic and shared by the admin, the API and the commands.

Functions are keyword-only and named ``<thing>_<verb>``; a rule is enforced here once.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from . import extraction, matching, selectors, spans, validators, webhooks, workflow
from .conf import claimbook_settings
from .models import (
    FACT_FIELDS,
    ChangeEvent,
    Claim,
    DeliveryAttempt,
    Evidence,
    Fact,
    FactMatch,
    ReviewNote,
    Source,
    WebhookDelivery,
    WebhookEndpoint,
    anchor_claim,
    check_quantity,
    own_fact,
)
from .publishing import changes, events_written, in_commit_order, touch

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Fields an editor writes directly; status goes through the workflow, the rest is derived.
CLAIM_EDITABLE = (
    "span_start", "span_end", "quote", "statement", "kind", "subject", "value", "unit", "qualifier", "as_of",
    "as_of_precision", "rationale",
)  # fmt: skip


class StaleVersion(Exception):
    """The claim changed since the caller read it; nothing was written."""

    code = "stale_version"

    def __init__(self, claim: Claim, expected: int) -> None:
        last = claim.history.first()
        who = last.history_user.get_username() if last is not None and last.history_user is not None else "Someone"
        self.message = (
            f"{who} changed claim {claim.pk} since you read it (it is now at version {claim.version}, you had "
            f"version {expected}). Nothing was saved: reload the claim to see their changes, then apply yours."
        )
        super().__init__(self.message)
        self.claim, self.expected = claim, expected


def check_version(claim: Claim, expected_version: int | None) -> None:
    """Refuse (StaleVersion) when ``claim`` as read now is past the version the caller saw; the
    one rule behind every write that names a version, the admin's form and the API's If-Match."""
    if expected_version is not None and claim.version != expected_version:
        raise StaleVersion(claim, expected_version)


class ClaimHasRecord(Exception):
    """The claim has a verdict, notes or evidence (see workflow.can_delete); nothing was deleted."""

    code = "claim_has_record"

    def __init__(self, claim: Claim, *, notes: int, evidence: int) -> None:
        held = [f"is {Claim.Status(claim.status).label.lower()}"] if claim.status in workflow.REVIEWED else []
        held += [f"has {count} {noun}{'' if count == 1 else 's'}"
                 for count, noun in ((notes, "note"), (evidence, "evidence item")) if count]  # fmt: skip
        if claim.status == workflow.Status.DISMISSED:
            instead = "It is dismissed already, which keeps it out of every public list."
        elif claim.status in workflow.REVIEWED:
            instead = "Dismiss it instead: reopen it for review, then dismiss it."
        else:
            instead = "Dismiss it instead."
        self.message = (
            f"Claim {claim.pk} {' and '.join(held)}: that record is kept, so the claim cannot be deleted. "
            f"{instead} Nothing was deleted."
        )
        super().__init__(self.message)
        self.claim = claim


def _stamp(claim: Claim, by: User | None) -> None:
    """Mark a claim as written by ``by``: a new version, who to name in its history, and a change
    the public set is brought up to date with before the transaction commits."""
    claim.version += 1
    claim._history_user = by
    if claim.pk is not None:
        touch([claim.pk])


@dataclass
class ImportReport:
    """What importing a text did to a source and its claims."""

    source: Source
    created: bool = False
    unchanged: bool = False
    anchors: Counter[str] = field(default_factory=Counter)  # exact / relocated / orphaned
    sent_back_to_review: list[int] = field(default_factory=list)

    def summary(self) -> str:
        if self.created:
            return f"Imported source {self.source.pk} ({len(self.source.text)} characters)."
        if self.unchanged:
            return f"Source {self.source.pk} already holds this text; nothing changed."
        return (
            f"Source {self.source.pk} re-imported: {self.anchors['exact']} claims exact, "
            f"{self.anchors['relocated']} relocated, {self.anchors['orphaned']} orphaned; "
            f"{len(self.sent_back_to_review)} sent back to review."
        )


def source_import(
    *,
    text: str,
    title: str = "",
    publisher: str = "",
    url: str = "",
    published_on: date | None = None,
    source: Source | None = None,
    by: User | None = None,
) -> ImportReport:
    """Store an article's text, or replace the text of ``source`` (or of the source with
    the same ``url``) and re-anchor its claims. The same text twice changes nothing."""
    text = spans.check_text(spans.normalize_text(spans.check_text(text)), max_chars=_max_chars())
    _check_source_url(url)
    if source is None and url:
        source = Source.objects.filter(url=url).order_by("id").first()
    if source is None:
        if not title.strip():
            raise spans.SpanError("A new source needs a title.", code="title_required", field="title")
        created = Source.objects.create(
            title=title.strip(), publisher=publisher, url=url, published_on=published_on, text=text
        )
        return ImportReport(source=created, created=True)
    with changes():
        in_commit_order()
        source = Source.objects.select_for_update().get(pk=source.pk)
        for name, value in {"title": title, "publisher": publisher, "published_on": published_on}.items():
            if value:
                setattr(source, name, value)
        if source.sha256 == spans.sha256_of(text):
            source.save()
            touch(source.claims.values_list("pk", flat=True))  # its title or date may have changed
            return ImportReport(source=source, unchanged=True)
        return _source_reanchor(source=source, text=text, by=by)


# Fields of a source an editor writes in the admin's form.
SOURCE_EDITABLE = ("title", "publisher", "url", "published_on", "text")


def source_create(*, by: User | None, **fields: Any) -> Source:
    """Store an article typed or pasted in (the admin's form): its text normalised and checked
    like any import, its URL http(s) only."""
    unknown = set(fields) - set(SOURCE_EDITABLE)
    if unknown:
        raise TypeError(f"source_create() got fields it does not write: {', '.join(sorted(unknown))}")
    source = Source(**fields)
    source.full_clean(validate_constraints=False)  # sha256 is set on save; the database checks the rest
    with changes():
        source.save()
    return source


def source_update(*, source: Source, by: User | None, **fields: Any) -> Source:
    """Change a source's title, publisher, URL or date; its text only while no claim is anchored
    to it (a changed text is re-imported, so every claim is re-anchored: ``source_import``)."""
    unknown = set(fields) - set(SOURCE_EDITABLE)
    if unknown:
        raise TypeError(f"source_update() does not write {', '.join(sorted(unknown))}")
    with changes():
        in_commit_order()
        for name, value in fields.items():
            setattr(source, name, value)
        source.full_clean(validate_constraints=False)
        source.save()
        touch(source.claims.values_list("pk", flat=True))  # the claim JSON names its article
    return source


def source_delete(*, source: Source, by: User | None) -> None:
    """Delete a source; one with claims is kept (the database protects it)."""
    with changes():
        source.delete()


def _check_source_url(url: str) -> None:
    """Refuse a source URL that is not http(s), as the model and the database do."""
    if not url:
        return
    try:
        validators.source_url(url)
    except ValidationError as exc:
        raise spans.SpanError(
            f"url {url!r} is refused. {exc.messages[0]}", code="bad_url", field="url", params={"url": url}
        ) from None


def _max_chars() -> int:
    return claimbook_settings.MAX_SOURCE_CHARS


def _source_reanchor(*, source: Source, text: str, by: User | None) -> ImportReport:
    """Replace ``source.text`` and move every claim with it, never onto a lookalike."""
    report = ImportReport(source=source)
    before, after = extraction.SentenceIndex(source.text), extraction.SentenceIndex(text)
    source.text = text
    source._reanchoring = True  # the integrity check lets this one save change the text
    source.save()
    for claim in source.claims.select_for_update().order_by("pk"):
        was_at = (claim.span_start, claim.span_end)
        claim.source = source  # check spans against the new text, not a fresh read
        anchor = spans.locate(
            text, quote=claim.quote, prefix=claim.prefix, suffix=claim.suffix, span_start=claim.span_start
        )
        state = Claim.AnchorState(anchor.state.value)
        report.anchors[state.value] += 1
        moved = state != Claim.AnchorState.EXACT
        claim.anchor_state = state
        if state != Claim.AnchorState.ORPHANED:
            claim.span_start, claim.span_end = anchor.span_start, anchor.span_end  # type: ignore[assignment]  # set unless orphaned
        if claim.status in workflow.REVIEWED:
            if moved:
                why = f"the source text changed and this claim was {state.label.lower()} ({anchor.reason})"
            elif before.around(*was_at) != after.around(claim.span_start, claim.span_end):
                # The quote is where it was, but its sentence says something else now ("not" added).
                why = (
                    f"the source text changed around the quote: its sentence was "
                    f"{workflow.quoted(before.around(*was_at))} and is now "
                    f"{workflow.quoted(after.around(claim.span_start, claim.span_end))}"
                )
            else:
                why = None
            if why:
                report.sent_back_to_review.append(claim.pk)
                _send_back(claim, why)
        _stamp(claim, by)
        claim.save()
    return report


def _who(user: User | None) -> str:
    return user.get_username() if user else "someone"


def _send_back(claim: Claim, why: str) -> None:
    """A claim whose verdict no longer holds goes back to review, with Claimbook's note saying why
    (in the caller's transaction, with the caller's save)."""
    reviewer = claim.reviewed_by.get_username() if claim.reviewed_by_id else None  # type: ignore[union-attr]  # set with its id
    ReviewNote.objects.create(claim=claim, author=None, body=workflow.back_to_review_note(claim.status, reviewer, why))
    claim.status = Claim.Status.IN_REVIEW
    claim.reviewed_by, claim.reviewed_at = None, None


def _lock(claim: Claim, expected_version: int | None) -> Claim:
    """Lock the claim's row for this transaction; refuse if it moved past ``expected_version``."""
    locked = Claim.objects.select_for_update().select_related("source").get(pk=claim.pk)
    check_version(locked, expected_version)
    return locked


def _apply_transition(claim: Claim, to: str, by: User | None, note: str | None) -> None:
    plan = workflow.plan_transition(claim.status, to, evidence_count=claim.evidence.count(), note=note)
    previous = claim.status
    claim.status = plan.target
    if plan.signs_review:
        claim.reviewed_by, claim.reviewed_at = by, timezone.now()
    elif plan.clears_review:
        claim.reviewed_by, claim.reviewed_at = None, None
    if workflow.has_words(note):
        ReviewNote.objects.create(claim=claim, author=by, body=note.strip())
    _fact_follows(claim, previous, by)


def _check_note(note: str | None) -> None:
    if note and note.strip() and not workflow.has_words(note):
        raise ValidationError({"note": ValidationError(workflow.NOTE_WITHOUT_WORDS, code="note_without_words")})


def claim_transition(
    *, claim: Claim, to: str, by: User | None, note: str | None = None, expected_version: int | None = None
) -> Claim:
    """Move ``claim`` through the workflow, optionally with a note, refusing a stale version."""
    _check_note(note)
    with changes():
        locked = _lock(claim, expected_version)
        _apply_transition(locked, to, by, note)
        _stamp(locked, by)
        locked.save()
    return locked


def _full_clean(claim: Claim) -> None:
    """Model validation (span, quote, quantity) for a claim about to be written."""
    claim.full_clean(exclude=["source", "fact"], validate_unique=False, validate_constraints=False)


def claim_create(*, source: Source, by: User | None, **fields: Any) -> Claim:
    """Create an editor's claim; the quote may be omitted (it is read from the span)."""
    unknown = set(fields) - set(CLAIM_EDITABLE)
    if unknown:
        raise TypeError(f"claim_create() got fields it does not write: {', '.join(sorted(unknown))}")
    claim = Claim(source=source, origin=Claim.Origin.EDITOR, **fields)
    _full_clean(claim)
    claim._history_user = by
    with changes():
        claim.fact = _new_fact(claim, by)
        claim.save()
        match_suggest(claims=[claim])
    return claim


def claim_update(
    *,
    claim: Claim,
    by: User | None,
    data: dict[str, Any],
    status: str | None = None,
    note: str | None = None,
    expected_version: int | None = None,
) -> Claim:
    """Change a claim's fields and, through the workflow, its status; atomic, never over a
    newer version than ``expected_version``.

    Changing what a claim says (``workflow.SUBSTANCE_FIELDS``) sends a claim with a verdict back
    to review, with a note saying what changed. A request that changes nothing writes nothing:
    the claim keeps its version.
    """
    unknown = set(data) - set(CLAIM_EDITABLE)
    if unknown:
        raise TypeError(f"claim_update() does not write {', '.join(sorted(unknown))}")
    _check_note(note)
    with changes():
        locked = _lock(claim, expected_version)
        before = {name: getattr(locked, name) for name in workflow.SUBSTANCE_FIELDS}
        rationale_before = locked.rationale
        span_moved = any(name in data and data[name] != before[name] for name in ("span_start", "span_end"))
        for name, value in data.items():
            setattr(locked, name, value)
        if span_moved and "quote" not in data:
            locked.quote = ""  # read it again from the new span
        if span_moved:
            locked.anchor_state = Claim.AnchorState.EXACT  # an editor placed it by hand
        _full_clean(locked)
        after = {name: getattr(locked, name) for name in before}
        changed = workflow.changed_substance(before, after)
        status_change = status is not None and status != locked.status
        rationale_change = "rationale" in data and data["rationale"] != rationale_before
        if not changed and not status_change and not rationale_change and not workflow.has_words(note):
            return locked  # nothing to write: same version, no history row
        if status_change:
            _apply_transition(locked, status, by, note)  # type: ignore[arg-type]  # status_change: not None
        else:
            if changed and workflow.verdict_outlived(locked.status, substance_changed=True):
                _send_back(locked, f"{_who(by)} changed its {workflow.describe_changes(before, after, changed)}")
            if workflow.has_words(note):
                ReviewNote.objects.create(claim=locked, author=by, body=note.strip())
        _fact_moves_with(locked, changed, by)
        _stamp(locked, by)
        locked.save()
        if rationale_change and not status_change and locked.status in workflow.REVIEWED:
            _rationale_follows(locked, by)
        if set(changed) & set(FACT_FIELDS):
            match_suggest(claims=[locked])
    return locked


def claim_delete(*, claim: Claim, by: User | None, expected_version: int | None = None) -> None:
    """Delete a claim that has nothing on record (no verdict, notes or evidence), never a newer
    version than the caller saw; any other claim is kept (ClaimHasRecord)."""
    with changes():
        locked = _lock(claim, expected_version)
        refusal = claim_deletion_refusal(locked)
        if refusal is not None:
            raise refusal
        locked._history_user = by
        fact_id = locked.fact_id
        touch([locked.pk])
        locked.delete()
        _drop_if_orphaned(fact_id)


def claim_deletion_refusal(claim: Claim) -> ClaimHasRecord | None:
    """Why ``claim`` cannot be deleted (it has a verdict, notes or evidence), or None: the one
    rule ``claim_delete`` enforces, for pages that ask before they offer a deletion."""
    notes, evidence = claim.notes.count(), claim.evidence.count()
    if workflow.can_delete(claim.status, notes=notes, evidence=evidence):
        return None
    return ClaimHasRecord(claim, notes=notes, evidence=evidence)


def note_add(*, claim: Claim, by: User | None, body: str) -> ReviewNote:
    """Append a note to a claim (notes are never edited)."""
    with changes():
        locked = _lock(claim, None)
        note = ReviewNote(claim=locked, author=by, body=body.strip())
        note.full_clean(exclude=["claim", "author"])
        note.save()
    return note


def evidence_add(*, claim: Claim, by: User | None, **fields: Any) -> Evidence:
    """Record what a reviewer relied on for a claim."""
    with changes():
        locked = _lock(claim, None)
        evidence = Evidence(claim=locked, added_by=by, **fields)
        evidence.full_clean(exclude=["claim", "added_by"])
        evidence.save()
        touch([locked.pk])
    return evidence


def evidence_update(*, evidence: Evidence, by: User | None, **fields: Any) -> Evidence:
    """Correct what an evidence item records (its URL, stance, the value found, ...)."""
    with changes():
        _lock(evidence.claim, None)
        for name, value in fields.items():
            setattr(evidence, name, value)
        evidence.full_clean(exclude=["claim", "added_by"])
        evidence.save()
        touch([evidence.claim_id])
    return evidence


def evidence_delete(*, evidence: Evidence, by: User | None) -> Claim:
    """Remove an evidence item. A verdict that loses its last evidence item goes back to review."""
    with changes():
        locked = _lock(evidence.claim, None)
        title, url = evidence.title, evidence.url
        Evidence.objects.filter(pk=evidence.pk).delete()
        touch([locked.pk])
        left = locked.evidence.count()
        if workflow.verdict_outlived(locked.status, evidence_left=left):
            _send_back(locked, f"{_who(by)} removed its last evidence item, {workflow.quoted(title)} ({url})")
            _stamp(locked, by)
            locked.save()
    return locked


@dataclass
class ProposeReport:
    """What proposing candidates for a source did."""

    source: Source
    created: list[Claim] = field(default_factory=list)
    candidates: list[extraction.Candidate] = field(default_factory=list)  # the ones behind ``created``
    already_claimed: int = 0  # the same span, or an overlapping claim with the same value, exists
    refused: list[tuple[extraction.Candidate, str]] = field(default_factory=list)  # failed validation, and why
    capped_at: int | None = None  # where the extractor stopped at the candidate limit
    suggested: list[FactMatch] = field(default_factory=list)  # known facts the new claims may repeat or contradict
    limit: int = 0

    def summary(self) -> str:
        text = (
            f"Source {self.source.pk}: {len(self.created)} candidate claims proposed, "
            f"{self.already_claimed} already claimed or dismissed."
        )
        if self.suggested:
            claims = len({match.claim_id for match in self.suggested})
            conflicts = len(
                {match.claim_id for match in self.suggested if match.relation == FactMatch.Relation.CONFLICTS}
            )
            text += f" {claims} may repeat a known fact" + (f", {conflicts} contradict one" if conflicts else "") + "."
        if self.refused:
            shown = "; ".join(f"{candidate.quote[:40]!r} at {candidate.span_start}: {why.rstrip('.')}"
                              for candidate, why in self.refused[:3])  # fmt: skip
            more = f" (and {len(self.refused) - 3} more)" if len(self.refused) > 3 else ""
            text += f" {len(self.refused)} refused: {shown}{more}."
        if self.capped_at is not None:
            text += (
                f" The extractor stopped at {self.limit:,} candidates, the most a source gets "
                f"(CLAIMBOOK_MAX_CANDIDATES_PER_SOURCE): the text from character {self.capped_at:,} of "
                f"{len(self.source.text):,} on was not searched."
            )
        return text


class _Claimed:
    """The spans a source already has claims on, for "is this candidate new?" in O(log n):
    the same span and kind, or an overlapping claim with the same value."""

    def __init__(self, rows: Iterable[tuple[int, int, str, Decimal | None]]) -> None:
        self.exact: set[tuple[int, int, str]] = set()
        self.by_value: defaultdict[Decimal, tuple[list[int], list[int], list[int]]] = defaultdict(
            lambda: ([], [], [0])
        )  # value -> (starts, ends, [longest])
        for start, end, kind, value in sorted(rows, key=lambda row: row[0]):
            self.add(start, end, kind, value)

    def add(self, start: int, end: int, kind: str, value: Decimal | None) -> None:
        self.exact.add((start, end, kind))
        if value is not None:
            starts, ends, longest = self.by_value[value]
            at = bisect.bisect_right(starts, start)
            starts.insert(at, start)
            ends.insert(at, end)
            longest[0] = max(longest[0], end - start)

    def __contains__(self, candidate: extraction.Candidate) -> bool:
        if (candidate.span_start, candidate.span_end, candidate.kind) in self.exact:
            return True
        if candidate.value is None or candidate.value not in self.by_value:
            return False
        starts, ends, (longest,) = self.by_value[candidate.value]
        index = bisect.bisect_left(starts, candidate.span_end) - 1
        while index >= 0 and starts[index] + longest > candidate.span_start:
            if ends[index] > candidate.span_start:
                return True
            index -= 1
        return False


def source_propose_claims(
    *,
    source: Source,
    by: User | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], object] | None = None,
) -> ProposeReport:
    """Run the extractor on ``source`` and store each new candidate as an unreviewed claim.

    Existing claims are never touched; a candidate whose span is already claimed (in any
    status, dismissed included) or that repeats an overlapping claim's value is skipped,
    so running it again creates nothing new. Each candidate is validated like any other
    write (its unit, its value, its span); one that fails is reported, not stored. A source
    gets at most CLAIMBOOK["MAX_CANDIDATES_PER_SOURCE"] candidates.
    """
    limit = claimbook_settings.MAX_CANDIDATES_PER_SOURCE
    found = extraction.extract(source.text, default_as_of=source.published_on, limit=limit, progress=progress)
    report = ProposeReport(source=source, capped_at=found.capped_at, limit=limit)
    with changes():
        claimed = _Claimed(source.claims.values_list("span_start", "span_end", "kind", "value"))
        for candidate in found.candidates:
            if candidate in claimed:
                report.already_claimed += 1
                continue
            claim = Claim(
                source=source,
                span_start=candidate.span_start,
                span_end=candidate.span_end,
                quote=candidate.quote,
                statement=candidate.statement,
                kind=candidate.kind,
                subject=candidate.subject,
                value=candidate.value,
                unit=candidate.unit,
                qualifier=candidate.qualifier,
                as_of=candidate.as_of,
                as_of_precision=candidate.as_of_precision,
                origin=Claim.Origin.EXTRACTOR,
                confidence=candidate.confidence,
                extractor_version=candidate.extractor_version,
            )
            try:
                # The model's own rules, as for any write; duplicates are known from ``claimed``.
                claim.clean_fields(exclude=["source", "fact"])
                claim.clean_content()
                anchor_claim(claim, source.text, source.sha256)
                check_quantity(claim)
            except (ValidationError, ValueError) as exc:
                why = exc.messages[0] if isinstance(exc, ValidationError) else getattr(exc, "message", str(exc))
                report.refused.append((candidate, why))
                continue
            claimed.add(candidate.span_start, candidate.span_end, candidate.kind, candidate.value)
            report.created.append(claim)
            report.candidates.append(candidate)
        if not dry_run and report.created:
            # Each candidate starts a fact of its own; matching then suggests the known facts it may
            # repeat or contradict (not those of this batch).
            facts = bulk_create_with_history(
                [own_fact(claim) for claim in report.created],
                Fact,
                batch_size=500,
                default_user=by,
            )
            for claim, fact in zip(report.created, facts, strict=True):
                claim.fact = fact
            # One insert per batch, with one history row each (a claim at a time was 8 ms apiece).
            report.created = bulk_create_with_history(report.created, Claim, batch_size=500, default_user=by)
            report.suggested = match_suggest(claims=report.created, known_before=min(fact.pk for fact in facts))
        if dry_run:
            transaction.set_rollback(True)
    return report


# -- facts: the statement apart from its appearances -------------------------------------------


class MatchDecided(Exception):
    """The suggestion was confirmed or rejected already; nothing was written."""

    code = "match_decided"

    def __init__(self, match: FactMatch) -> None:
        who = match.decided_by.get_username() if match.decided_by_id else "someone"  # type: ignore[union-attr]  # set with its id
        self.message = (
            f"The match of claim {match.claim_id} with fact {match.fact_id} was {match.state} by {who} already; "
            "nothing was changed."
        )
        super().__init__(self.message)
        self.match = match


def _new_fact(claim: Claim, by: User | None) -> Fact:
    """A fact of the claim's own: its statement and quantity, its verdict."""
    fact = own_fact(claim)
    fact._history_user = by
    fact.save()
    return fact


def _appearances(fact_id: int, *, but: Claim) -> Any:
    """The fact's other appearances that are claims (a dismissed candidate is none), locked."""
    return (
        Claim.objects.select_for_update()
        .filter(fact_id=fact_id)
        .exclude(pk=but.pk)
        .exclude(status=Claim.Status.DISMISSED)
        .order_by("pk")
    )


def _fact_follows(claim: Claim, previous: str, by: User | None) -> None:
    """After ``claim``'s status changed (in the caller's transaction): the verdict is its fact's.

    A verdict given, or taken back to review, on any appearance holds for the fact and every
    other appearance, each with a history row and a note naming the claim it was given on.
    A dismissed candidate leaves a fact it shares; a claim alone in its fact takes it along.
    """
    fact = Fact.objects.select_for_update().get(pk=claim.fact_id)
    others = _appearances(fact.pk, but=claim)
    if claim.status == Claim.Status.DISMISSED and others.exists():
        claim.fact = _new_fact(claim, by)
        return
    shared = claim.status in workflow.REVIEWED or (
        previous in workflow.REVIEWED and claim.status == Claim.Status.IN_REVIEW
    )
    if not shared and others.exists():
        return  # "unreviewed" and "in review" on one appearance say nothing of the fact
    fact.status = workflow.fact_status(claim.status)
    fact.reviewed_by, fact.reviewed_at = claim.reviewed_by, claim.reviewed_at
    fact.rationale = claim.rationale
    fact._history_user = by
    fact.save()
    if not shared:
        return
    label = Claim.Status(claim.status).label.lower()
    for other in others.exclude(status=claim.status):
        what = f"marked it {label}" if claim.status in workflow.REVIEWED else "took its verdict back to review"
        ReviewNote.objects.create(
            claim=other,
            author=None,
            body=(
                f"Verdict of fact {fact.pk}, {workflow.quoted(fact.statement)}: {_who(by)} {what} on claim "
                f"{claim.pk}. Every appearance of the fact shows its verdict."
            ),
        )
        other.status = claim.status
        other.reviewed_by, other.reviewed_at = claim.reviewed_by, claim.reviewed_at
        other.rationale = claim.rationale
        _stamp(other, by)
        other.save()
    if claim.status in workflow.REVIEWED:
        _rationale_follows(claim, by)


def _rationale_follows(claim: Claim, by: User | None) -> None:
    """The public rationale of a verdict is the fact's: every appearance with that verdict shows it."""
    fact = Fact.objects.select_for_update().get(pk=claim.fact_id)
    if fact.rationale != claim.rationale:
        fact.rationale = claim.rationale
        fact._history_user = by
        fact.save()
    for other in _appearances(claim.fact_id, but=claim).filter(status=claim.status).exclude(rationale=claim.rationale):
        other.rationale = claim.rationale
        _stamp(other, by)
        other.save()


def _fact_moves_with(claim: Claim, changed: list[str], by: User | None) -> None:
    """After what ``claim`` says changed: a fact of its own changes with it; a shared fact stays
    what it is and the claim leaves it for a fact of its own (then matching suggests again)."""
    if not set(changed) & set(FACT_FIELDS):
        return
    fact = Fact.objects.select_for_update().get(pk=claim.fact_id)
    if _appearances(fact.pk, but=claim).exists():
        ReviewNote.objects.create(
            claim=claim,
            author=None,
            body=(
                f"No longer an appearance of fact {fact.pk}, {workflow.quoted(fact.statement)}: {_who(by)} changed "
                f"its {', '.join(changed)}. Confirm a match again if it still states that fact."
            ),
        )
        claim.fact = _new_fact(claim, by)
    else:
        for name in FACT_FIELDS:
            setattr(fact, name, getattr(claim, name))
        fact._history_user = by
        fact.save()
    claim.matches.filter(state=FactMatch.State.SUGGESTED).delete()


def _drop_if_orphaned(fact_id: int) -> None:
    """Delete a fact no claim is an appearance of any more (its history stays)."""
    if not Claim.objects.filter(fact_id=fact_id).exists():
        Fact.objects.filter(pk=fact_id).delete()


def match_suggest(*, claims: list[Claim], known_before: int | None = None) -> list[FactMatch]:
    """Rank the known facts for each claim and store the suggestions worth an editor's look.

    A claim's own fact and every pair an editor rejected or confirmed already are left out; with
    ``known_before``, so is every fact from that id on (a batch's own new facts: one condition on
    the key, not a list of thousands of ids in every query). Claims that say the same thing are
    ranked once.
    """
    decided: defaultdict[int, set[int]] = defaultdict(set)
    for claim_id, fact_id in (
        FactMatch.objects.filter(claim__in=claims)
        .exclude(state=FactMatch.State.SUGGESTED)
        .values_list("claim_id", "fact_id")
    ):
        decided[claim_id].add(fact_id)
    known = None if known_before is None else Fact.objects.filter(pk__lt=known_before)
    ranked: dict[tuple[matching.Checkable, frozenset[int]], list[tuple[int, matching.Match]]] = {}
    stored = []
    for claim in claims:
        item = selectors.checkable_of(claim)
        skip = frozenset(decided[claim.pk] | {claim.fact_id})
        if (item, skip) not in ranked:
            ranked[item, skip] = selectors.fact_suggestions(item, exclude=skip, facts=known)
        for fact_id, match in ranked[item, skip]:
            stored.append(
                FactMatch(
                    claim=claim, fact_id=fact_id, relation=match.relation, score=match.score, reasons=match.why[:500]
                )
            )
    return FactMatch.objects.bulk_create(stored, ignore_conflicts=True) if stored else []


def _lock_match(match: FactMatch, expected_version: int | None) -> tuple[Claim, FactMatch]:
    locked = _lock(match.claim, expected_version)
    # Lock the match row only: PostgreSQL refuses FOR UPDATE on the nullable side of the decided_by join.
    current = FactMatch.objects.select_for_update(of=("self",)).select_related("fact", "decided_by").get(pk=match.pk)
    if current.state != FactMatch.State.SUGGESTED:
        raise MatchDecided(current)
    return locked, current


def _decide(match: FactMatch, state: str, by: User | None) -> None:
    match.state = state
    match.decided_by, match.decided_at = by, timezone.now()
    match.save(update_fields=["state", "decided_by", "decided_at"])


def match_confirm(
    *, match: FactMatch, by: User | None, adopt_verdict: bool = True, expected_version: int | None = None
) -> Claim:
    """An editor confirms a suggestion.

    ``same``: the claim becomes an appearance of the fact. With ``adopt_verdict`` (which callers
    offer only to reviewers) their verdicts are settled: when the fact has one the claim takes it,
    with a note naming the fact and its reviewer; when only the claim has one, the fact and its
    other appearances take it. Without it no verdict changes. ``conflicts``: the editor has seen
    the contradiction; the flag on both sides is lifted and the claim keeps a note naming the fact.
    """
    with changes():
        claim, match = _lock_match(match, expected_version)
        fact = Fact.objects.select_for_update(of=("self",)).select_related("reviewed_by").get(pk=match.fact_id)
        _decide(match, FactMatch.State.CONFIRMED, by)
        if match.relation == FactMatch.Relation.CONFLICTS:
            ReviewNote.objects.create(
                claim=claim,
                author=by,
                body=f"Conflict confirmed: this claim contradicts fact {fact.pk}, {workflow.quoted(fact.statement)} "
                f"({Claim.Status(fact.status).label.lower()}).",
            )
        else:
            _join(claim, fact, by, adopt_verdict=adopt_verdict)
        _stamp(claim, by)
        claim.save()
    return claim


def _join(claim: Claim, fact: Fact, by: User | None, *, adopt_verdict: bool) -> None:
    """Make ``claim`` an appearance of ``fact`` and settle their verdicts (match_confirm)."""
    left = claim.fact_id
    claim.fact = fact
    # What other claims were told of the fact the claim leaves is now about the fact it joins.
    for other in FactMatch.objects.filter(fact_id=left).exclude(claim=claim):
        if not FactMatch.objects.filter(claim_id=other.claim_id, fact=fact).exists() and other.claim.fact_id != fact.pk:
            FactMatch.objects.filter(pk=other.pk).update(fact=fact)
    text = f"Confirmed as an appearance of fact {fact.pk}, {workflow.quoted(fact.statement)}"
    if fact.status in workflow.REVIEWED and claim.status != fact.status and adopt_verdict:
        reviewer = fact.reviewed_by.get_username() if fact.reviewed_by_id else "an editor"  # type: ignore[union-attr]  # set with its id
        was = Claim.Status(claim.status).label.lower()
        claim.status = fact.status
        claim.reviewed_by, claim.reviewed_at = by, timezone.now()
        claim.rationale = fact.rationale
        text += (
            f"; the claim takes the fact's verdict, {Claim.Status(fact.status).label.lower()}, given by {reviewer}"
            f" (it was {was})"
        )
    elif fact.status not in workflow.REVIEWED and claim.status in workflow.REVIEWED and adopt_verdict:
        claim.save()  # the fact takes the claim's verdict, as if given now
        _fact_follows(claim, Claim.Status.IN_REVIEW, by)
        text += f"; the fact takes this claim's verdict, {Claim.Status(claim.status).label.lower()}"
    ReviewNote.objects.create(claim=claim, author=by, body=text + ".")
    claim.save()
    if left is not None and left != fact.pk:
        _drop_if_orphaned(left)


def match_reject(*, match: FactMatch, by: User | None, expected_version: int | None = None) -> Claim:
    """An editor rejects a suggestion: the claim is not that fact (or does not contradict it), and
    the pair is never suggested again."""
    with changes():
        claim, match = _lock_match(match, expected_version)
        _decide(match, FactMatch.State.REJECTED, by)
        _stamp(claim, by)
        claim.save()
    return claim


# Fields an editor may reword on a fact; its quantity follows its appearances and its verdict is
# given on a claim (a verdict given on one appearance holds for all of them).
FACT_EDITABLE = ("statement", "subject")


def fact_update(*, fact: Fact, by: User | None, **fields: Any) -> Fact:
    """Reword a fact (its statement or subject); atomic, with a history row naming ``by``. A
    request that changes nothing writes nothing."""
    unknown = set(fields) - set(FACT_EDITABLE)
    if unknown:
        raise TypeError(f"fact_update() does not write {', '.join(sorted(unknown))}")
    with changes():
        in_commit_order()
        locked = Fact.objects.select_for_update().get(pk=fact.pk)
        changed = {name: value for name, value in fields.items() if getattr(locked, name) != value}
        if not changed:
            return locked
        for name, value in changed.items():
            setattr(locked, name, value)
        locked.full_clean(validate_unique=False, validate_constraints=False)
        locked._history_user = by
        locked.save()
    return locked


# -- webhooks: endpoints, the outbox, and one attempt at a delivery ----------------------------

WEBHOOK_ENDPOINT_EDITABLE = ("url", "description", "event_types", "active")


def _check_event_types(event_types: Any) -> list[str]:
    known = list(webhooks.EVENT_TYPES)
    if not isinstance(event_types, list | tuple) or not event_types or not set(event_types) <= set(known):
        raise ValidationError(
            {
                "event_types": ValidationError(
                    "Event types must be one or more of %(known)s, got %(given)r.",
                    code="webhook_event_types",
                    params={"known": ", ".join(known), "given": event_types},
                )
            }
        )
    return [kind for kind in known if kind in event_types]  # in a stable order, once each


def _check_webhook_url(url: str) -> None:
    try:
        webhooks.check_url(url, allow_private=claimbook_settings.WEBHOOK_ALLOW_PRIVATE)
    except ValidationError as exc:
        raise ValidationError({"url": exc}) from None


def webhook_endpoint_create(
    *, url: str, event_types: list[str], by: User | None, description: str = "", active: bool = True
) -> WebhookEndpoint:
    """Register an endpoint with a new signing secret; its URL must be http(s) on a public address."""
    endpoint = WebhookEndpoint(
        url=url,
        description=description,
        event_types=_check_event_types(event_types),
        active=active,
        created_by=by,
        secret=webhooks.new_secret(),
    )
    endpoint.full_clean()
    _check_webhook_url(url)
    endpoint.save()
    return endpoint


def webhook_endpoint_update(*, endpoint: WebhookEndpoint, by: User | None, **fields: Any) -> WebhookEndpoint:
    """Change an endpoint's URL, description, event types or active flag (never its secret)."""
    unknown = set(fields) - set(WEBHOOK_ENDPOINT_EDITABLE)
    if unknown:
        raise TypeError(f"webhook_endpoint_update() does not write {', '.join(sorted(unknown))}")
    if "event_types" in fields:
        fields["event_types"] = _check_event_types(fields["event_types"])
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean()
        if "url" in fields:
            _check_webhook_url(locked.url)
        locked.save()
    return locked


def _enqueue_on_commit(deliveries: list[tuple[int, datetime]]) -> None:
    """Hand the deliveries to the worker once the transaction that wrote them commits."""
    from . import tasks  # the task queue is configured by Django's settings; imported when first used

    if deliveries:
        transaction.on_commit(lambda: tasks.enqueue(deliveries))


def webhook_outbox_write(*, events: list[ChangeEvent]) -> list[WebhookDelivery]:
    """Write one delivery per event and active endpoint subscribed to its kind, in the caller's
    transaction (the one writing the events): they commit, or roll back, together."""
    endpoints = list(WebhookEndpoint.objects.filter(active=True).order_by("pk"))
    if not endpoints or not events:
        return []
    now = timezone.now()
    deliveries = []
    for event in events:
        subscribed = [endpoint for endpoint in endpoints if event.kind in endpoint.event_types]
        if not subscribed:
            continue
        payload = webhooks.payload_for(
            kind=event.kind, seq=event.seq, claim_id=event.claim_id, status=event.status, at=event.at,
            claim=event.payload, now=now,
        )  # fmt: skip
        deliveries += [
            WebhookDelivery(endpoint=endpoint, event=event, msg_id=webhooks.new_msg_id(), payload=payload,
                            next_attempt_at=now, created_at=now)
            for endpoint in subscribed
        ]  # fmt: skip
    written = WebhookDelivery.objects.bulk_create(deliveries)
    if any(delivery.pk is None for delivery in written):  # bulk_create sets pks on PostgreSQL and SQLite 3.35+
        written = list(WebhookDelivery.objects.filter(msg_id__in=[d.msg_id for d in deliveries]).order_by("pk"))
    _enqueue_on_commit([(delivery.pk, now) for delivery in written])
    return written


def _on_events_written(sender: Any, *, events: list[ChangeEvent], **kwargs: Any) -> None:
    webhook_outbox_write(events=events)


events_written.connect(_on_events_written, dispatch_uid="claims.webhook_outbox")


@dataclass(frozen=True)
class DeliveryOutcome:
    """What one run of the delivery task did, and when it should run again (None: not by it)."""

    outcome: str  # "delivered", "retry", "failed", "leased" (another worker holds it), "not_due"
    run_again_at: datetime | None = None


def webhook_delivery_attempt(
    *, delivery_id: int, post: Callable[..., webhooks.Answer] | None = None
) -> DeliveryOutcome:
    """Send a due delivery once: take its lease, POST it signed, log the attempt, and mark it
    delivered (2xx), due again later (the retry schedule) or failed (the schedule spent).

    The lease is a conditional UPDATE, so two workers (or a task enqueued twice) never send it at
    once; a worker killed while sending leaves a lease that expires, and then it is sent again,
    with the same ``webhook-id``. No transaction is held open during the POST.
    """
    now = timezone.now()
    lease = timedelta(seconds=claimbook_settings.WEBHOOK_LEASE_SECONDS)
    due = WebhookDelivery.objects.filter(pk=delivery_id, state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now)
    if not due.filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now)).update(locked_until=now + lease):
        held = due.exclude(locked_until__isnull=True).values_list("locked_until", flat=True).first()
        if held is not None:
            return DeliveryOutcome("leased", run_again_at=held + timedelta(seconds=1))
        return DeliveryOutcome("not_due")
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    sent_at = timezone.now()
    if not endpoint.active:
        answer = webhooks.Answer(None, "the endpoint was deactivated; nothing was sent", 0)
    else:
        try:
            webhooks.check_url(endpoint.url, allow_private=claimbook_settings.WEBHOOK_ALLOW_PRIVATE)
        except ValidationError as exc:
            answer = webhooks.Answer(None, f"not sent: {exc.messages[0]}", 0)
        else:
            send = post or webhooks.post
            try:
                body = webhooks.body_of(delivery.payload)
                headers = webhooks.signed_headers(
                    secret=endpoint.secret, msg_id=delivery.msg_id, body=body, now=sent_at
                )
                answer = send(
                    endpoint.url, body=body, headers=headers, timeout=claimbook_settings.WEBHOOK_TIMEOUT_SECONDS
                )
            except Exception as exc:  # a secret that cannot sign, say: this attempt fails, and says why
                answer = webhooks.Answer(None, f"not sent: {type(exc).__name__}: {exc}"[:1000], 0)
    attempts = delivery.attempts + 1
    done = timezone.now()
    fields: dict[str, Any] = {
        "attempts": attempts, "locked_until": None, "last_status_code": answer.status_code, "last_error": answer.error,
    }  # fmt: skip
    if answer.ok:
        outcome = DeliveryOutcome("delivered")
        fields.update(state=WebhookDelivery.State.DELIVERED, delivered_at=done)
    else:
        schedule = webhooks.parse_schedule(claimbook_settings.WEBHOOK_RETRY_SCHEDULE)
        wait = webhooks.retry_delay(attempts, schedule) if endpoint.active else None
        if wait is None:
            outcome = DeliveryOutcome("failed")
            fields.update(state=WebhookDelivery.State.FAILED)
        else:
            outcome = DeliveryOutcome("retry", run_again_at=done + timedelta(seconds=wait))
            fields.update(next_attempt_at=outcome.run_again_at)
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery_id=delivery_id, at=sent_at, status_code=answer.status_code, error=answer.error,
            duration_ms=answer.duration_ms,
        )  # fmt: skip
        WebhookDelivery.objects.filter(pk=delivery_id).update(**fields)
    return outcome


def webhook_deliveries_resend(*, deliveries: Iterable[WebhookDelivery], by: User | None) -> int:
    """Send the deliveries again ("Send again" in the admin): each becomes pending, due now, with a
    fresh retry schedule and the same ``webhook-id``; returns how many."""
    ids = [delivery.pk for delivery in deliveries]
    now = timezone.now()
    with transaction.atomic():
        count = WebhookDelivery.objects.filter(pk__in=ids).update(
            state=WebhookDelivery.State.PENDING, attempts=0, next_attempt_at=now, locked_until=None, delivered_at=None
        )
        _enqueue_on_commit([(pk, now) for pk in sorted(ids)])
    return count
