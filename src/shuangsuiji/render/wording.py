"""Small wording helpers shared by documents and messages."""

from __future__ import annotations

from decimal import Decimal


def percent(ratio: Decimal | float | str) -> str:
    """0.2 → “20%”, exactly (a float is read by its shortest text, never its binary value)."""
    return f"{(Decimal(str(ratio)) * 100).normalize():f}%"
