"""How well matching finds the fact a claim repeats or contradicts, on the labelled matching set.

Matching was tuned on the ``tuning`` half only; ``holdout`` was labelled at the same time and
kept out of the tuning (tests/data/matching/README.md).

.venv/bin/python bench/matching_quality.py [-v]
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from tests.matching_metrics import SPLITS, evaluate, seed_facts


def main(verbose: bool) -> None:
    facts = seed_facts()
    for split in SPLITS:
        result = evaluate(split, facts)
        print(result.line())
        print("         " + ", ".join(f"{c} {ok}/{n}" for c, (ok, n) in sorted(result.by_category.items())))
        if verbose:
            for miss in result.misses:
                print(f"    miss {miss}")


if __name__ == "__main__":
    main("-v" in sys.argv)
