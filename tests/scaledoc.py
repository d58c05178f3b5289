"""docs/scale.md's code blocks, read as the tests run them (the doc's text is the job)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

SCALE_MD = Path(__file__).resolve().parents[1] / "docs" / "scale.md"


def block(first_line: str, language: str = "sql") -> str:
    """The one fenced block of docs/scale.md whose first line is `first_line`."""
    text = SCALE_MD.read_text(encoding="utf-8")
    blocks = [
        b
        for b in re.findall(rf"^```{language}\n(.*?)^```", text, re.M | re.S)
        if b.startswith(first_line + "\n")
    ]
    assert len(blocks) == 1, f"docs/scale.md 中应恰有一个以“{first_line}”开头的代码块"
    return blocks[0]


def write_synthetic_entities(path: Path, count: int) -> None:
    """benchmarks/synthetic.py's roster (the Chinese headers of `ssj roster export`)."""
    benchmarks = str(SCALE_MD.parents[1] / "benchmarks")
    sys.path.insert(0, benchmarks)
    try:
        from synthetic import write_entities
    finally:
        sys.path.remove(benchmarks)
    write_entities(path, count)
