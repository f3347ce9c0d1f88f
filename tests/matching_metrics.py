"""Scores matching on the labelled matching set (tests/data/matching/) against the demo's seed facts.

Each labelled claim names the seed fact it repeats or contradicts, or none. Matching ranks every
seed fact for it (what the SQLite path does; tests/test_matching_quality.py holds PostgreSQL's
candidates to the same answers) and the report counts:

- restatements (restatement, conversion, rounding, qualifier, spelled): the right fact first, and
  in the top three, as ``same``;
- conflicts: the right fact suggested as ``conflicts``;
- distractors (another year, subject or measure) and new facts: any ``same`` suggestion at all is
  a false one.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from claims import matching

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "matching"
SPLITS = ("tuning", "holdout")
RESTATEMENTS = frozenset({"restatement", "conversion", "rounding", "qualifier", "spelled"})
DISTRACTORS = frozenset({"distractor_year", "distractor_subject", "distractor_measure", "new"})


def checkable(fields: dict) -> matching.Checkable:
    value = fields.get("value")
    as_of = fields.get("as_of")
    return matching.Checkable(
        statement=fields["statement"],
        subject=fields.get("subject") or "",
        kind=fields.get("kind") or "quantitative",
        value=Decimal(str(value)) if value not in (None, "") else None,
        unit=fields.get("unit") or "",
        qualifier=fields.get("qualifier") or "",
        as_of=date.fromisoformat(as_of) if as_of else None,
        as_of_precision=fields.get("as_of_precision") or "",
    )


def seed_facts() -> dict[int, matching.Checkable]:
    """The demo's facts of the seed article (source 1), by pk: what the labels point at."""
    objects = json.loads((ROOT / "fixtures" / "demo.json").read_text(encoding="utf-8"))
    seed_claims = {o["pk"]: o["fields"] for o in objects if o["model"] == "claims.claim" and o["fields"]["source"] == 1}
    facts = {o["pk"]: o["fields"] for o in objects if o["model"] == "claims.fact"}
    return {fields["fact"]: checkable(facts[fields["fact"]]) for fields in seed_claims.values()}


def labelled(split: str) -> list[dict]:
    """The labelled claims of one split, each with its text's id."""
    texts = json.loads((DATA / f"{split}.json").read_text(encoding="utf-8"))
    return [dict(claim, text_id=text["id"]) for text in texts for claim in text["claims"]]


@dataclass
class Result:
    split: str
    restatements: int = 0
    first: int = 0
    top3: int = 0
    conflicts: int = 0
    flagged: int = 0
    distractors: int = 0
    false_same: int = 0
    misses: list[str] = field(default_factory=list)
    by_category: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    def line(self) -> str:
        return (
            f"{self.split:8} restatements first {self.first}/{self.restatements} "
            f"({pct(self.first, self.restatements)}), "
            f"top 3 {self.top3}/{self.restatements} ({pct(self.top3, self.restatements)}); "
            f"conflicts flagged {self.flagged}/{self.conflicts} ({pct(self.flagged, self.conflicts)}); "
            f"distractors with a 'same' suggestion {self.false_same}/{self.distractors} "
            f"({pct(self.false_same, self.distractors)})"
        )


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "n/a"


def evaluate(split: str, facts: dict[int, matching.Checkable] | None = None, rank=None) -> Result:
    """Score one split; ``rank(item) -> [(fact_id, Match)]`` defaults to matching over every seed fact."""
    facts = seed_facts() if facts is None else facts
    if rank is None:
        rank = lambda item: matching.rank(item, facts.items())  # noqa: E731
    result = Result(split)
    for claim in labelled(split):
        expected = claim["expected"]
        right = {expected["claim"], *(claim.get("also_acceptable") or [])} - {None}
        suggestions = rank(checkable(claim))
        category = claim["category"]
        shown = ", ".join(f"{fact}:{match.relation}:{match.score:.2f}" for fact, match in suggestions[:3]) or "none"
        label = f"[{category}] {claim['quote']!r} expects {expected['claim']} {expected['relation']}; got {shown}"
        ok = False
        if category in RESTATEMENTS:
            result.restatements += 1
            same = [fact for fact, match in suggestions if match.relation == matching.SAME]
            ok = bool(same) and same[0] in right and suggestions[0][0] in right
            result.first += ok
            result.top3 += any(fact in right for fact in same[:3])
        elif category == "conflict":
            result.conflicts += 1
            ok = any(fact in right and match.relation == matching.CONFLICTS for fact, match in suggestions)
            result.flagged += ok
        elif category in DISTRACTORS:
            result.distractors += 1
            wrong = any(match.relation == matching.SAME for _, match in suggestions)
            result.false_same += wrong
            ok = not wrong
        result.by_category[category][0] += ok
        result.by_category[category][1] += 1
        if not ok:
            result.misses.append(label)
    return result
