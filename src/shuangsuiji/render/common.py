"""What every report shares: the wording of numbers, dates and lists, a new document,
the line naming the commit it was made from."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .blocks import (
    Document,
    Para,
    break_title,
)


def num(value: Decimal | int | float | None) -> str:
    """A plain number: 1652, 0.5, 12.25 (no trailing zeros, no exponent)."""
    if value is None:
        return "—"
    value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    text = f"{value.normalize():f}"
    return text


def pct(ratio: Decimal | float | None, places: int = 0) -> str:
    """0.2 -> 20%; with places, rounded half up: 0.02663 -> 2.66%."""
    if ratio is None:
        return "—"
    value = Decimal(str(ratio)) * 100
    if places or value != value.to_integral_value():
        q = Decimal(1).scaleb(-max(places, 1))
        value = value.quantize(q, rounding=ROUND_HALF_UP)
    return f"{num(value)}%"


def share(part: int, whole: int) -> str:
    return pct(Decimal(part) / Decimal(whole), 1) if whole else "—"


def date_cn(day: date) -> str:
    """成文日期 in Arabic numerals, no padding (GB/T 9704-2012 7.3.5.1): 2026年3月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def period_cn(label: str | None) -> str:
    if not label:
        return "未定"
    return f"{label}月"


def listing(parts: list[str], empty: str = "无") -> str:
    return "、".join(p for p in parts if p) or empty


def made_from(doc: Document, commit: str | None) -> None:
    """The commit the document was made from, where GB/T 9704 puts a 附注: under the date."""
    from .wording import COMMIT_LABEL, NO_COMMIT

    doc.add(Para(f"{COMMIT_LABEL}：{commit or NO_COMMIT}"))


def new_document(title: str, author: str, subject: str, day: date) -> Document:
    return Document(
        title=title, title_lines=break_title(title), author=author, subject=subject, day=day
    )


def rate(part: int, whole: int) -> str:
    """“94.4%（17/18）”, or “—（无）” when nothing is due."""
    if not whole:
        return "—（无此类情况）"
    return f"{pct(Decimal(part) / Decimal(whole), 1)}（{part}/{whole}）"
