"""How well the extractor's candidates match hand-marked claims: recall and precision.

A candidate covers a marked quantity when their spans overlap and the values are equal;
a candidate is real when it overlaps any marked claim.
"""

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from claims.spans import find_all

DATA = Path(__file__).resolve().parent / "data"
ROOT = DATA.parent.parent
# Every text in tests/data, each with its <name>.expected.json: a text added there is measured.
TEXTS = sorted(path.name.removesuffix(".txt") for path in DATA.glob("*.txt"))


@dataclass(frozen=True)
class Marked:
    start: int
    end: int
    value: Decimal | None
    label: str


@dataclass
class Score:
    name: str
    marked: int
    candidates: int
    covered: int
    real: int
    missed: list
    spurious: list

    @property
    def recall(self) -> float:
        return self.covered / self.marked if self.marked else 1.0

    @property
    def precision(self) -> float:
        return self.real / self.candidates if self.candidates else 1.0

    def line(self) -> str:
        return (
            f"{self.name}: recall {self.covered}/{self.marked} = {self.recall:.1%}, "
            f"precision {self.real}/{self.candidates} = {self.precision:.1%}"
        )


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def score(name: str, text: str, candidates, quantities: list[Marked], claims: list[Marked]) -> Score:
    """``quantities`` must be covered (recall); ``claims`` (a superset) make a candidate real."""
    covered, missed = 0, []
    for marked in quantities:
        if any(
            overlaps(c.span_start, c.span_end, marked.start, marked.end) and c.value == marked.value for c in candidates
        ):
            covered += 1
        else:
            missed.append(marked.label)
    spurious = [
        f"{c.quote!r} {c.value} {c.unit}"
        for c in candidates
        if not any(overlaps(c.span_start, c.span_end, m.start, m.end) for m in claims)
    ]
    return Score(name, len(quantities), len(candidates), covered, len(candidates) - len(spurious), missed, spurious)


def load_text(name: str) -> tuple[str, list[Marked]]:
    text = (DATA / f"{name}.txt").read_text(encoding="utf-8")
    marked = []
    for item in json.loads((DATA / f"{name}.expected.json").read_text(encoding="utf-8")):
        start = find_all(text, item["quote"])[item["occurrence"]]
        label = f"{item['quote']!r} {item['value']} {item['unit']}"
        marked.append(Marked(start, start + len(item["quote"]), Decimal(item["value"]), label))
    return text, marked


def load_demo() -> tuple[str, list[Marked], list[Marked]]:
    """The seed text, its quantitative claims, and every claim that is not dismissed."""
    rows = json.loads((ROOT / "fixtures" / "demo.json").read_text(encoding="utf-8"))
    seed = next(row for row in rows if row["model"] == "claims.source" and row["pk"] == 1)
    text = seed["fields"]["text"]
    quantitative, claims = [], []
    for row in rows:
        fields = row["fields"]
        if row["model"] != "claims.claim" or fields["source"] != seed["pk"] or fields["status"] == "dismissed":
            continue
        value = None if fields["value"] is None else Decimal(fields["value"])
        marked = Marked(fields["span_start"], fields["span_end"], value, f"#{row['pk']} {fields['quote']!r} {value}")
        claims.append(marked)
        if fields["kind"] == "quantitative":
            quantitative.append(marked)
    return text, quantitative, claims
