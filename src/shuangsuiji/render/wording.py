"""Small wording helpers shared by documents and messages."""

from __future__ import annotations

from decimal import Decimal

# Printed on every public document beside the full id of the commit it was made from, so
# that an auditor can hand the id to `ssj audit --anchor` (docs/audit.md, 锚点).
COMMIT_LABEL = "依据的提交（完整编号）"
NO_COMMIT = "无（工作区尚无 git 提交）"


def percent(ratio: Decimal | float | str) -> str:
    """0.2 → “20%”, exactly (a float is read by its shortest text, never its binary value)."""
    return f"{(Decimal(str(ratio)) * 100).normalize():f}%"
