"""docs/scale.md's code blocks, read as the tests run them (the doc's text is the job)."""

from __future__ import annotations

import re
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
