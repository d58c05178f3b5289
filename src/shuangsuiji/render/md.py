"""Markdown: the same document as plain text, so that a plan's changes read well in git."""

from __future__ import annotations

from .blocks import Annex, AnnexList, Chart, Document, Heading, Para, Signature, Table

BAR = 20  # characters of the longest bar


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ") or " "


def _table(columns: list[str], rows: list[list[str]], align: str) -> list[str]:
    marks = {"l": ":---", "c": ":---:", "r": "---:"}
    out = ["| " + " | ".join(_cell(c) for c in columns) + " |"]
    out.append("|" + "|".join(marks.get(a, ":---:") for a in align.ljust(len(columns), "c")) + "|")
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def chart_rows(chart: Chart) -> list[list[str]]:
    """Each label with its values and a bar of block characters per series."""
    top = max((v for s in chart.series for v in s.values), default=0) or 1
    rows = []
    for i, label in enumerate(chart.labels):
        row = [label]
        for s in chart.series:
            v = s.values[i]
            shown = f"{v * 100:.1f}%" if chart.percent else f"{v:g}"
            bar = "█" * round(v / top * BAR) if v > 0 else ""
            row += [shown, bar or "·"]
        rows.append(row)
    return rows


def render(doc: Document) -> str:
    out = [f"# {doc.title}", ""]
    if doc.subtitle:
        out += [doc.subtitle, ""]
    for block in doc.blocks:
        if isinstance(block, Heading):
            out += [f"{'#' * (block.level + 1)} {block.number}{block.text}", ""]
        elif isinstance(block, Para):
            lead = f"**{block.lead}**" if block.lead else ""
            out += [lead + block.text, ""]
        elif isinstance(block, Table):
            if block.caption:
                out += [f"**{block.caption}**", ""]
            rows = block.rows
            if block.total and rows:
                rows = [*rows[:-1], [f"**{c}**" if c else c for c in rows[-1]]]
            out += [*_table(block.columns, rows, block.align or "c" * len(block.columns)), ""]
            if block.note:
                out += [block.note, ""]
        elif isinstance(block, Chart):
            unit = f"（{block.unit}）" if block.unit else ""
            out += [f"**{block.title}{unit}**", ""]
            columns = ["类别"]
            for s in block.series:
                columns += [s.name, ""]
            align = "l" + "rl" * len(block.series)
            out += [*_table(columns, chart_rows(block), align), ""]
        elif isinstance(block, AnnexList):
            for i, title in enumerate(block.titles, 1):
                out.append(("附件：" if i == 1 else "　　　") + f"{i}．{title}  ")
            out.append("")
        elif isinstance(block, Signature):
            out += [f"{block.authority}  ", block.date, ""]
        elif isinstance(block, Annex):
            out += ["---", "", f"## 附件{block.number}　{block.title}", ""]
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"
