"""HTML: one self-contained page (no external files) that prints like the docx.

The print stylesheet follows GB/T 9704-2012 as far as a browser allows: A4, the same
margins, 3号 仿宋 body on a 28.95 pt line (22 lines a page), headings 黑体 and 楷体,
table header rows repeated on every page, page numbers “— 1 —” where the browser
supports page-margin boxes. Bar charts are inline SVG.
"""

from __future__ import annotations

from html import escape

from .blocks import (
    Annex,
    AnnexList,
    Chart,
    Document,
    Heading,
    Para,
    Signature,
    Table,
    display_width,
)

FANGSONG = '"仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong", "宋体", "SimSun", "Noto Serif CJK SC", serif'
XIAOBIAOSONG = '"方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong", "宋体", "SimSun", "Noto Serif CJK SC", serif'
HEITI = '"黑体", "SimHei", "STHeiti", "Noto Sans CJK SC", sans-serif'
KAITI = '"楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "STKaiti", "AR PL UKai CN", serif'
SONG = '"宋体", "SimSun", "Noto Serif CJK SC", serif'
MONO = '"Consolas", "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace'

CSS = f"""
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm; }}
@page :right {{ @bottom-right {{ content: "— " counter(page) " —"; font: 14pt {SONG}; margin-right: 1em; }} }}
@page :left {{ @bottom-left {{ content: "— " counter(page) " —"; font: 14pt {SONG}; margin-left: 1em; }} }}
html {{ background: #eee; }}
body {{ margin: 0; font-family: {FANGSONG}; font-size: 16pt; line-height: 28.95pt;
       color: #000; }}
main {{ width: 156mm; margin: 12mm auto; padding: 37mm 26mm 35mm 28mm; background: #fff;
       box-shadow: 0 0 4mm rgba(0,0,0,.2); }}
@media print {{ html {{ background: none; }} main {{ margin: 0; padding: 0; box-shadow: none; }} }}
p {{ margin: 0; text-indent: 2em; text-align: justify; }}
h1 {{ font-family: {XIAOBIAOSONG}; font-size: 22pt; font-weight: normal; text-align: center;
      line-height: 28.95pt; margin: 0 0 28.95pt; }}
h1 span {{ display: block; }}
.subtitle {{ text-align: center; text-indent: 0; margin-top: -28.95pt; margin-bottom: 28.95pt; }}
h2 {{ font-family: {HEITI}; font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em; }}
h3, .lead2 {{ font-family: {KAITI}; font-size: 16pt; font-weight: normal; margin: 0; }}
h3 {{ text-indent: 2em; }}
h4, .lead3 {{ font-family: {FANGSONG}; font-size: 16pt; font-weight: bold; margin: 0; }}
h4 {{ text-indent: 2em; }}
table {{ width: 100%; border-collapse: collapse; margin: 6pt 0; font-size: 12pt;
         line-height: 1.35; page-break-inside: auto; }}
table.small {{ font-size: 10.5pt; }}
thead {{ display: table-header-group; }}
tr {{ page-break-inside: avoid; }}
th, td {{ border: 0.5pt solid #000; padding: 2pt 4pt; vertical-align: middle; }}
th {{ font-family: {HEITI}; font-weight: normal; text-align: center; }}
td.l {{ text-align: left; }} td.c {{ text-align: center; }} td.r {{ text-align: right; }}
td.mono {{ font-family: {MONO}; font-size: 9pt; word-break: break-all; }}
tr.total td {{ font-family: {HEITI}; }}
.caption {{ font-family: {HEITI}; font-size: 12pt; text-align: center; text-indent: 0;
            margin-top: 6pt; line-height: 1.6; }}
.note {{ font-size: 10.5pt; line-height: 1.5; text-indent: 0; }}
.annexlist {{ text-indent: 0; padding-left: 2em; margin-top: 28.95pt; }}
.annexlist span {{ display: block; padding-left: 3em; }}
.annexlist span:first-child {{ padding-left: 0; }}
.sign {{ text-indent: 0; text-align: right; }}
.sign.first {{ margin-top: 57.9pt; }}
.annex {{ break-before: page; page-break-before: always; }}
.annex .no {{ font-family: {HEITI}; text-indent: 0; }}
.annex h1 {{ margin-top: 28.95pt; }}
figure {{ margin: 6pt 0; }}
figcaption {{ font-family: {HEITI}; font-size: 12pt; text-align: center; line-height: 1.6; }}
svg text {{ font-family: {FANGSONG}; }}
"""


def _e(text: str) -> str:
    return escape(text, quote=True)


def _table(t: Table) -> str:
    align = (t.align or "c" * len(t.columns)).ljust(len(t.columns), "c")
    total = sum(t.widths) if t.widths else 0
    cols = (
        "<colgroup>"
        + "".join(f'<col style="width:{w / total * 100:.1f}%">' for w in t.widths)
        + "</colgroup>"
        if t.widths
        else ""
    )
    head = "<thead><tr>" + "".join(f"<th>{_e(c)}</th>" for c in t.columns) + "</tr></thead>"
    body = []
    for n, row in enumerate(t.rows):
        cls = ' class="total"' if t.total and n == len(t.rows) - 1 else ""
        cells = "".join(
            f'<td class="{align[i]}{" mono" if i in t.mono and c.isascii() else ""}">{_e(c)}</td>'
            for i, c in enumerate(row)
        )
        body.append(f"<tr{cls}>{cells}</tr>")
    out = f'<p class="caption">{_e(t.caption)}</p>' if t.caption else ""
    attrs = ' class="small"' if t.small else ""
    if t.width != 1:
        attrs += f' style="width:{t.width * 100:g}%;margin-left:auto;margin-right:auto"'
    out += f"<table{attrs}>{cols}{head}<tbody>{''.join(body)}</tbody></table>"
    if t.note:
        out += f'<p class="note">{_e(t.note)}</p>'
    return out


def chart_svg(chart: Chart, width: int = 590) -> str:
    """Horizontal grouped bars; label column on the left, values at the bar ends."""
    label_w, value_w, bar_h, gap = 130, 70, 14, 10
    group_h = bar_h * len(chart.series) + gap
    legend_h = 22
    height = legend_h + group_h * len(chart.labels) + 4
    top = max((v for s in chart.series for v in s.values), default=0)
    scale = 1.0 if chart.percent else (top or 1)
    span = width - label_w - value_w
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{_e(chart.title)}">'
    ]
    x = label_w
    for s in chart.series:
        parts.append(f'<rect x="{x}" y="5" width="12" height="12" fill="{s.color}"/>')
        parts.append(f'<text x="{x + 16}" y="15" font-size="12">{_e(s.name)}</text>')
        x += 28 + int(display_width(s.name) * 12)
    for i, label in enumerate(chart.labels):
        y0 = legend_h + i * group_h
        parts.append(
            f'<text x="{label_w - 6}" y="{y0 + group_h / 2 + 2:.0f}" font-size="12" '
            f'text-anchor="end">{_e(label)}</text>'
        )
        for j, s in enumerate(chart.series):
            v = s.values[i]
            w = max(0.0, v / scale * span)
            y = y0 + j * bar_h
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 2}" fill="{s.color}"/>'
            )
            shown = f"{v * 100:.1f}%" if chart.percent else f"{v:g}"
            parts.append(
                f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 4}" font-size="11">{shown}</text>'
            )
    parts.append(
        f'<line x1="{label_w}" y1="{legend_h - 2}" x2="{label_w}" y2="{height}" stroke="#000" stroke-width="0.8"/>'
    )
    parts.append("</svg>")
    unit = f"（{chart.unit}）" if chart.unit else ""
    return f"<figure>{''.join(parts)}<figcaption>{_e(chart.title)}{unit}</figcaption></figure>"


def _signature(s: Signature) -> str:
    date_w, auth_w = display_width(s.date), display_width(s.authority)
    auth_right = 4 + (date_w - auth_w) / 2
    return (
        f'<p class="sign first" style="padding-right:{max(auth_right, 0):g}em">{_e(s.authority)}</p>'
        f'<p class="sign" style="padding-right:4em">{_e(s.date)}</p>'
    )


def render(doc: Document) -> str:
    body = ["<h1>" + "".join(f"<span>{_e(line)}</span>" for line in doc.title_lines) + "</h1>"]
    if doc.subtitle:
        body.append(f'<p class="subtitle">{_e(doc.subtitle)}</p>')
    annex_open = False
    for block in doc.blocks:
        if isinstance(block, Heading):
            tag = {1: "h2", 2: "h3"}.get(block.level, "h4")
            body.append(f"<{tag}>{_e(block.number + block.text)}</{tag}>")
        elif isinstance(block, Para):
            lead = (
                f'<span class="lead{block.lead_level}">{_e(block.lead)}</span>'
                if block.lead
                else ""
            )
            body.append(f"<p>{lead}{_e(block.text)}</p>")
        elif isinstance(block, Table):
            body.append(_table(block))
        elif isinstance(block, Chart):
            body.append(chart_svg(block))
        elif isinstance(block, AnnexList):
            spans = "".join(
                f"<span>{'附件：' if i == 1 else ''}{i}．{_e(t)}</span>"
                for i, t in enumerate(block.titles, 1)
            )
            body.append(f'<p class="annexlist">{spans}</p>')
        elif isinstance(block, Signature):
            body.append(_signature(block))
        elif isinstance(block, Annex):
            if annex_open:
                body.append("</section>")
            body.append(
                f'<section class="annex"><p class="no">附件{block.number}</p>'
                f"<h1>{_e(block.title)}</h1>"
            )
            annex_open = True
    if annex_open:
        body.append("</section>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(doc.title)}</title>\n"
        f'<meta name="author" content="{_e(doc.author)}">\n'
        f'<meta name="generator" content="ssj">\n'
        f"<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )
