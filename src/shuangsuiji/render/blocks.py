"""One model of a document, laid out by docx.py, html.py and md.py alike.

The document builders (plan_doc.py, results_doc.py, supervision_doc.py) says *what* a report says as a list of blocks; each
renderer says only *how* a block looks in its format, so the three formats always carry
the same text, tables and numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Heading:
    """一、 (level 1, 黑体), （一） (level 2, 楷体), 1． (level 3, 仿宋加粗)."""

    level: int
    number: str  # "一、", "（一）", "1．"
    text: str


@dataclass
class Para:
    """A body paragraph, first line indented two characters.

    `lead` is a run-in heading at the start of the paragraph, laid out as a heading of
    `lead_level` (2: 楷体, 3: 仿宋加粗), as GB/T 9704 documents often do.
    """

    text: str
    lead: str = ""
    lead_level: int = 2


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    caption: str = ""
    widths: list[float] = field(default_factory=list)  # relative; empty: equal
    align: str = ""  # one letter per column: l, c, r; empty: all centred
    total: bool = False  # the last row is a total row
    mono: list[int] = field(default_factory=list)  # columns of codes and digests
    names: list[int] = field(default_factory=list)  # columns of 、-joined names: one a line
    note: str = ""  # a line under the table
    small: bool = False  # 五号 instead of 小四: wide annex tables
    width: float = 1.0  # share of the type area's width


@dataclass
class Series:
    name: str
    values: list[float]
    color: str  # "#RRGGBB"


@dataclass
class Chart:
    """A horizontal bar chart: one group of bars per label, one bar per series."""

    title: str
    labels: list[str]
    series: list[Series]
    unit: str = ""
    percent: bool = False  # values are ratios 0..1, shown as percentages


@dataclass
class AnnexList:
    """附件说明: “附件：1．…” under the body."""

    titles: list[str]


@dataclass
class Signature:
    """发文机关署名 and 成文日期 (右空四字, the authority centred over the date)."""

    authority: str
    date: str


@dataclass
class Annex:
    """Starts an annex on a new page: “附件1” and its title."""

    number: int
    title: str


Block = Heading | Para | Table | Chart | AnnexList | Signature | Annex


@dataclass
class Document:
    title: str
    title_lines: list[str]  # the title as laid out (broken where the words allow)
    author: str
    subject: str
    blocks: list[Block] = field(default_factory=list)
    subtitle: str = ""  # e.g. “（预计数，尚未抽取）”, under the title
    day: date | None = None  # the date the document speaks as of (its properties say so)

    def add(self, *blocks: Block) -> None:
        self.blocks.extend(blocks)


CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 99 -> 九十九."""
    if not 1 <= n <= 99:
        return str(n)
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else CHINESE_DIGITS[tens]) + "十" if tens else ""
    return text + (CHINESE_DIGITS[ones] if ones else "")


class Numbering:
    """Heading numbers in the GB/T 9704 order: 一、 → （一） → 1． ."""

    def __init__(self) -> None:
        self.counts = [0, 0, 0]

    def next(self, level: int) -> str:
        self.counts[level - 1] += 1
        for deeper in range(level, 3):
            self.counts[deeper] = 0
        n = self.counts[level - 1]
        if level == 1:
            return f"{chinese_number(n)}、"
        if level == 2:
            return f"（{chinese_number(n)}）"
        return f"{n}．"


def display_width(text: str) -> float:
    """Width in full-width characters: CJK and full-width punctuation 1, ASCII ½."""
    return sum(0.5 if ord(c) < 0x2E80 and c not in "“”‘’—…·" else 1 for c in text)


def break_title(title: str, per_line: float = 20) -> list[str]:
    """A long title on two or three lines, broken after a natural word end.

    GB/T 9704 asks that a title be broken where the words stay whole, the lines
    balanced; 2号 characters give 20 a line on the 156 mm type area.
    """
    if display_width(title) <= per_line:
        return [title]
    anchors = ("年度", "关于", "局", "委员会", "办公室", "印发", "开展", "的")
    best: tuple[float, int] | None = None
    for i in range(1, len(title)):
        head, tail = title[:i], title[i:]
        if display_width(head) > per_line or display_width(tail) > per_line * 2:
            continue
        natural = any(head.endswith(a) for a in anchors) or tail.startswith("“")
        if not natural:
            continue
        balance = abs(display_width(head) - min(display_width(tail), per_line))
        if best is None or balance < best[0]:
            best = (balance, i)
    if best is None:  # no natural break: cut at the line's end
        cut, width = 0, 0.0
        while cut < len(title) and width + display_width(title[cut]) <= per_line:
            width += display_width(title[cut])
            cut += 1
        best = (0, cut)
    head, tail = title[: best[1]], title[best[1] :]
    return [head, *break_title(tail, per_line)]
