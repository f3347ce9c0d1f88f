"""Recall and precision of the extractor on the seed and on the test texts.

The extractor was tuned on every one of these texts: the figures catch regressions, they do
not say how it does on text it has not seen (tests/data/README.md).

.venv/bin/python bench/extraction_quality.py [-v]
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from claims.extraction import candidates
from tests.extraction_metrics import TEXTS, load_demo, load_text, score


def main(verbose: bool) -> None:
    text, quantitative, claims = load_demo()
    results = [score("seed (demo.json)", text, candidates(text), quantitative, claims)]
    for name in TEXTS:
        text, marked = load_text(name)
        results.append(score(name, text, candidates(text), marked, marked))
    for result in results:
        print(result.line())
        if verbose:
            for label in result.missed:
                print(f"    missed   {label}")
            for label in result.spurious:
                print(f"    spurious {label}")


if __name__ == "__main__":
    main("-v" in sys.argv)
