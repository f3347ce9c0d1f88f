"""Extraction throughput in characters per second on a 1 MB text (the seed and the test
texts repeated), best and median of five runs.

    .venv/bin/python bench/extraction_speed.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from claims.extraction import candidates  # noqa: E402

SIZE = 1_000_000
TARGET = 300_000  # characters per second


def corpus() -> str:
    parts = [(ROOT / "seeds" / "korea-the-staredown.txt").read_text(encoding="utf-8")]
    parts += [path.read_text(encoding="utf-8") for path in sorted((ROOT / "tests" / "data").glob("*.txt"))]
    text = "\n\n".join(parts)
    return (text * (SIZE // len(text) + 1))[:SIZE]


def main() -> int:
    text = corpus()
    timings, count = [], 0
    for _ in range(5):
        started = time.perf_counter()
        count = len(candidates(text))
        timings.append(time.perf_counter() - started)
    best, median = min(timings), statistics.median(timings)
    print(f"text: {len(text):,} characters, {count:,} candidates")
    print(f"best   {best:.3f} s = {len(text) / best:,.0f} characters/s")
    print(f"median {median:.3f} s = {len(text) / median:,.0f} characters/s (target {TARGET:,})")
    return 0 if len(text) / median >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
