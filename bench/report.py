"""The generated part of a document: what lies between <!-- NAME:start --> and <!-- NAME:end -->
is replaced, the hand-written text around it is kept."""

import re
from pathlib import Path


def replace_block(path: Path, name: str, lines: list[str], title: str) -> str:
    """Put ``lines`` between the markers ``name`` in ``path`` (a new file gets ``title``)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = "\n".join([start, *lines, end])
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if start not in text:
        text = f"# {title}\n\n{start}\n{end}\n"
    path.write_text(re.sub(f"{re.escape(start)}.*{re.escape(end)}", lambda _: block, text, flags=re.S), "utf-8")
    return block
