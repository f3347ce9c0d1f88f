"""The extractor against hostile texts: time and peak memory for every input of the corpus.

Each input (up to the 2,000,000-character source limit) is extracted in a child process of its
own, as "Propose claims" does it (the per-source candidate cap included), so that its peak
memory is its own and a runaway input can be stopped. Targets: every input under 10 s and
300 MB; normal news at least 300,000 characters/s.

    .venv/bin/python bench/extraction_adversarial.py            # the whole corpus
    .venv/bin/python bench/extraction_adversarial.py dots       # inputs whose name contains "dots"
    .venv/bin/python bench/extraction_adversarial.py --timeout 120

Exits 1 when an input misses a target.
"""

import argparse
import os
import resource
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import BASE_ENV  # noqa: E402
from claims.conf import DEFAULTS  # noqa: E402

LIMIT = DEFAULTS["MAX_SOURCE_CHARS"]
SECONDS, MEGABYTES, THROUGHPUT = 10.0, 300, 300_000


def _fill(unit: str, size: int = LIMIT, *, head: str = "", tail: str = "") -> str:
    """``unit`` repeated whole between ``head`` and ``tail``, up to ``size`` characters."""
    return head + unit * ((size - len(head) - len(tail)) // len(unit)) + tail


def news(size: int = LIMIT) -> str:
    parts = [(ROOT / "seeds" / "korea-the-staredown.txt").read_text(encoding="utf-8")]
    parts += [path.read_text(encoding="utf-8") for path in sorted((ROOT / "tests" / "data").glob("*.txt"))]
    text = "\n\n".join(parts)
    return (text * (size // len(text) + 1))[:size]


# name -> a function making the text. Each class comes at the size that hurt most when tried.
CORPUS = {
    "dots after a number (100 KB)": lambda: _fill(".", 100_000, head="1"),
    "dots after a number (2 MB)": lambda: _fill(".", head="1"),
    "full stops and closing quotes": lambda: _fill(".”)", head="Japan spent $5 billion"),
    "alternating stops and brackets": lambda: _fill(".)"),
    "exclamation and question marks": lambda: _fill("!?", head="5"),
    "one word repeated before a number (500 KB)": lambda: _fill("word ", 500_000, tail="5"),
    "a capitalised word repeated before a number": lambda: _fill("Word ", tail="5 tonnes"),
    "sentence openers repeated before a number": lambda: _fill("The ", tail="5"),
    "'of' names repeated": lambda: _fill("Bank of ", tail="5"),
    "thirty thousand numbers in one sentence": lambda: ", ".join(str(n) for n in range(30_000)) + ".",
    "numbers in one 2 MB sentence": lambda: _fill("1 "),
    "one sentence of 2,000,000 characters": lambda: _fill("the budget rose by 5 percent and then "),
    "a run of digits": lambda: _fill("1"),
    "digit groups separated by spaces": lambda: _fill(" 111", head="1", tail="x"),
    "digit groups separated by commas": lambda: _fill(",111", head="1", tail=",1"),
    "digit groups separated by thin spaces": lambda: _fill("\u2009111", head="1", tail="a"),
    "decimal points between digits": lambda: _fill(".1", head="1"),
    "hyphens between digits": lambda: _fill("-1", head="1"),
    "colons between digits": lambda: _fill(":11", head="11"),
    "commas": lambda: _fill(","),
    "hyphens": lambda: _fill("-"),
    "currency signs before a number": lambda: _fill("$", tail="5"),
    "currency amounts": lambda: _fill("$5m "),
    "won and euro signs": lambda: _fill("₩€£¥", tail="5"),
    "percentages": lambda: _fill("5% "),
    "fractions in words": lambda: _fill("half "),
    "opening brackets": lambda: _fill("(", tail="5"),
    "brackets around a number": lambda: "(" * 999_999 + "5" + ")" * 1_000_000,
    "quotes": lambda: _fill("\"'“‘", tail="5."),
    "spaces before a number": lambda: _fill(" ", tail="5"),
    "line ends": lambda: _fill("\n", tail="5"),
    "blank lines with spaces": lambda: _fill("\n \n", tail="5"),
    "tabs and line ends": lambda: _fill("\t\n"),
    "months": lambda: _fill("January ", tail="5"),
    "month abbreviations with stops": lambda: _fill("Jan. "),
    "number words": lambda: _fill("twenty-one "),
    "number words and scales": lambda: _fill("five million "),
    "between ... and": lambda: _fill("between 1 and "),
    "ratios": lambda: _fill("1 in "),
    "ordinals": lambda: _fill("the 2nd "),
    "abbreviations": lambda: _fill("Mr. "),
    "U.S. repeated": lambda: _fill("U.S. "),
    "list markers": lambda: _fill("\n1. "),
    "datelines": lambda: _fill("September 9, 2019: 5 tonnes.\n"),
    "dates": lambda: _fill("on March 3, 2019 "),
    "times of day": lambda: _fill("12:30:45 "),
    "combining marks after a number": lambda: _fill("\u0301", head="5"),
    "Devanagari digits": lambda: _fill("५"),
    "emoji": lambda: _fill("👍🏽"),
    "normal news (2 MB)": news,
}


def _extract(text: str) -> tuple[int, int | None]:
    from claims import extraction
    from claims.conf import claimbook_settings

    cap = claimbook_settings.MAX_CANDIDATES_PER_SOURCE
    result = extraction.extract(text, limit=cap)
    return len(result.candidates), result.capped_at


def _child(text: str, write_fd: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.update({"SECRET_KEY": BASE_ENV["SECRET_KEY"]})  # settings refuse DEBUG off without one
    import django

    django.setup()
    started = time.perf_counter()
    count, capped = _extract(text)
    elapsed = time.perf_counter() - started
    os.write(write_fd, f"{elapsed} {count} {capped}".encode())
    os._exit(0)


def run_one(make, timeout: float) -> dict:
    text = make()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # a runaway input fails, not the machine
        _child(text, write_fd)
    os.close(write_fd)
    deadline = time.monotonic() + timeout
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            _, status, usage = os.wait4(pid, 0)
            os.close(read_fd)
            return {"chars": len(text), "seconds": None, "mb": usage.ru_maxrss / 1024, "count": None}
        time.sleep(0.02)
    answer = os.read(read_fd, 200).decode().split()
    os.close(read_fd)
    if not answer:
        return {"chars": len(text), "seconds": None, "mb": usage.ru_maxrss / 1024, "count": None, "failed": status}
    seconds, count, capped = answer
    return {
        "chars": len(text),
        "seconds": float(seconds),
        "mb": usage.ru_maxrss / 1024,
        "count": int(count),
        "capped": None if capped == "None" else int(capped),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="?", default="", help="run only the inputs whose name contains this")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds after which an input is stopped")
    args = parser.parse_args()
    missed = []
    print(f"{'input':<46} {'characters':>10} {'seconds':>8} {'peak MB':>8} {'candidates':>10}  note")
    worst = (0.0, "")
    for name, make in CORPUS.items():
        if args.only not in name:
            continue
        row = run_one(make, args.timeout)
        if row["seconds"] is None:
            seconds, note = f">{args.timeout:.0f}", "stopped" if "failed" not in row else f"failed ({row['failed']})"
            missed.append(name)
        else:
            seconds = f"{row['seconds']:.2f}"
            note = f"capped at character {row['capped']:,}" if row["capped"] is not None else ""
            if row["seconds"] > SECONDS or row["mb"] > MEGABYTES:
                missed.append(name)
            if name.startswith("normal news"):
                read = row["capped"] or row["chars"]  # a capped run stopped reading there
                rate = read / row["seconds"]
                note = f"{rate:,.0f} characters/s over the {read:,} characters read"
                if rate < THROUGHPUT:
                    missed.append(name)
            worst = max(worst, (row["seconds"], name))
        count = "" if row["count"] is None else f"{row['count']:,}"
        print(f"{name:<46} {row['chars']:>10,} {seconds:>8} {row['mb']:>8.0f} {count:>10}  {note}", flush=True)
    print(
        f"\nslowest: {worst[1]} ({worst[0]:.2f} s); targets: < {SECONDS:.0f} s and < {MEGABYTES} MB per input, "
        f"normal news >= {THROUGHPUT:,} characters/s"
    )
    if missed:
        print("missed: " + "; ".join(missed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
