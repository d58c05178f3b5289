"""docx in the layout of GB/T 9704-2012《党政机关公文格式》.

- A4 (210 mm × 297 mm); margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, so the
  type area is 156 mm × 225 mm;
- 22 lines of 28 characters: a line grid of 28.95 pt (`w:linePitch` 579, every body line
  exactly that high) and 3号 characters condensed by ¼ pt (`w:spacing` −5), so that 28
  fit the 156 mm line (28 × 15.75 pt = 441 pt ≤ 442.2 pt). Word's character grid
  (`linesAndChars` with `w:charSpace` −849) would do the same in Word and WPS, but
  LibreOffice gives every character two grid cells under it; the condensed spacing
  lays out alike in all three;
- title 2号 方正小标宋简体, centred, broken where the words allow; body 3号 仿宋_GB2312,
  first line indented two characters; headings 一、 in 黑体, （一） in 楷体_GB2312,
  1． in 仿宋 bold;
- page numbers 4号 半角宋体 “— 1 —”, odd pages right and even pages left, one character
  in from the edge, 7 mm below the type area;
- the 成文日期 右空四字, the authority centred over it;
- tables with their header row repeated on every page, rows never split;
- every run names its east-Asian font (`w:eastAsia`) and the font table gives each
  font an alternative (`w:altName`: 仿宋_GB2312 → 仿宋, 方正小标宋简体 → 宋体, …) with
  its GB2312 charset and panose, so that Word, WPS and LibreOffice find a close font
  on machines without the official ones.

Bar charts are tables whose bars are one-pixel PNG images stretched to length: they
need no chart part, no drawing library, and render alike everywhere.
"""

from __future__ import annotations

import io
import struct
import zlib
from datetime import datetime, time

from .blocks import (
    Annex,
    AnnexList,
    Chart,
    Document,
    Heading,
    Para,
    Signature,
    Table,
    break_title,
    display_width,
)

# GB/T 9704 sizes: 2号 22 pt, 3号 16 pt, 4号 14 pt, 小四 12 pt, 五号 10.5 pt, 小五 9 pt.
TITLE_PT = 22
BODY_PT = 16
PAGE_NUMBER_PT = 14
CAPTION_PT = 12
TABLE_PT = 12  # 小四
SMALL_TABLE_PT = 10.5  # 五号, wide annex tables
MONO_PT = 8

MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TYPE_AREA_MM = (156, 225)
LINES, CHARS = 22, 28
LINE_PITCH = 579  # twips: 225 mm ÷ 22 = 28.95 pt
CHAR_SPACE = -849  # 1/4096 pt added to the 16 pt pitch: 156 mm ÷ 28 = 15.79 pt
CONDENSE = -5  # twips between 3号 characters: 16 − 0.25 = 15.75 pt a character
FOOTER_MM = 23  # page-number line's top 7 mm under the type area (35 − 7 − 5)
TWIPS_PER_MM = 1440 / 25.4

FANGSONG = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONG = "宋体"
LATIN = "Times New Roman"
MONO = "Courier New"

# name: (alternative, panose, pitch) — all GB2312 (charset 86)
FONT_TABLE = {
    FANGSONG: ("仿宋", "02010609030101010101", "fixed"),
    "仿宋": ("FangSong", "02010609060101010101", "fixed"),
    TITLE_FONT: ("宋体", "02000000000000000000", "variable"),
    HEITI: ("SimHei", "02010609060101010101", "fixed"),
    KAITI: ("楷体", "02010609030101010101", "fixed"),
    "楷体": ("KaiTi", "02010609060101010101", "fixed"),
    SONG: ("SimSun", "02010600030101010101", "variable"),
}


# ------------------------------------------------------------------ low-level XML


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _el(tag: str, **attrs: str):
    from docx.oxml import OxmlElement

    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(_qn(f"w:{key}"), str(value))
    return el


# The order of children the schema (ECMA-376) requires; Word refuses files that break it.
_ORDER = {
    "pPr": [
        "pStyle",
        "keepNext",
        "keepLines",
        "pageBreakBefore",
        "framePr",
        "widowControl",
        "numPr",
        "suppressLineNumbers",
        "pBdr",
        "shd",
        "tabs",
        "suppressAutoHyphens",
        "kinsoku",
        "wordWrap",
        "overflowPunct",
        "topLinePunct",
        "autoSpaceDE",
        "autoSpaceDN",
        "bidi",
        "adjustRightInd",
        "snapToGrid",
        "spacing",
        "ind",
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textDirection",
        "textAlignment",
        "textboxTightWrap",
        "outlineLvl",
        "divId",
        "cnfStyle",
        "rPr",
        "sectPr",
        "pPrChange",
    ],
    "rPr": [
        "rStyle",
        "rFonts",
        "b",
        "bCs",
        "i",
        "iCs",
        "caps",
        "smallCaps",
        "strike",
        "dstrike",
        "outline",
        "shadow",
        "emboss",
        "imprint",
        "noProof",
        "snapToGrid",
        "vanish",
        "webHidden",
        "color",
        "spacing",
        "w",
        "kern",
        "position",
        "sz",
        "szCs",
        "highlight",
        "u",
        "effect",
        "bdr",
        "shd",
        "fitText",
        "vertAlign",
        "rtl",
        "cs",
        "em",
        "lang",
        "eastAsianLayout",
        "specVanish",
        "oMath",
    ],
    "tblPr": [
        "tblStyle",
        "tblpPr",
        "tblOverlap",
        "bidiVisual",
        "tblStyleRowBandSize",
        "tblStyleColBandSize",
        "tblW",
        "jc",
        "tblCellSpacing",
        "tblInd",
        "tblBorders",
        "shd",
        "tblLayout",
        "tblCellMar",
        "tblLook",
        "tblCaption",
        "tblDescription",
    ],
    "tcPr": [
        "cnfStyle",
        "tcW",
        "gridSpan",
        "hMerge",
        "vMerge",
        "tcBorders",
        "shd",
        "noWrap",
        "tcMar",
        "textDirection",
        "tcFitText",
        "vAlign",
        "hideMark",
    ],
}


def _put(parent, tag: str, **attrs: str):
    """Replace `tag` in `parent` (w:pPr, w:rPr, …) keeping the schema's child order."""
    old = parent.find(_qn(tag))
    if old is not None:
        parent.remove(old)
    el = _el(tag, **attrs)
    order = _ORDER.get(parent.tag.rsplit("}", 1)[-1], [])
    name = tag.split(":", 1)[1]
    if name in order:
        rank = order.index(name)
        for child in parent:
            child_name = child.tag.rsplit("}", 1)[-1]
            if child_name in order and order.index(child_name) > rank:
                child.addprevious(el)
                return el
    parent.append(el)
    return el


def _fonts(rpr, east: str, west: str = LATIN) -> None:
    fonts = rpr.get_or_add_rFonts()
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]  # theme fonts would override the named ones
    for key, value in (
        ("ascii", west),
        ("hAnsi", west),
        ("eastAsia", east),
        ("cs", west),
        ("hint", "eastAsia"),
    ):
        fonts.set(_qn(f"w:{key}"), value)


def _size(rpr, points: float) -> None:
    half = str(round(points * 2))
    _put(rpr, "w:sz", val=half)
    _put(rpr, "w:szCs", val=half)


def _run_format(run, east: str, points: float, bold: bool = False, west: str = LATIN):
    rpr = run._r.get_or_add_rPr()
    _fonts(rpr, east, west)
    _size(rpr, points)
    run.bold = bold


def _exact(ppr, twips: int = LINE_PITCH) -> None:
    _put(ppr, "w:spacing", before="0", after="0", line=str(twips), lineRule="exact")


def _single(ppr, before: int = 0, after: int = 0) -> None:
    _put(ppr, "w:spacing", before=str(before), after=str(after), line="240", lineRule="auto")


def _indent(ppr, first_chars: float = 0, left_chars: float = 0, right_chars: float = 0) -> None:
    attrs = {}
    twips_per_char = BODY_PT * 20
    if first_chars:
        attrs["firstLineChars"] = str(round(first_chars * 100))
        attrs["firstLine"] = str(round(first_chars * twips_per_char))
    else:
        attrs["firstLine"] = "0"
    if left_chars:
        attrs["leftChars"] = str(round(left_chars * 100))
        attrs["left"] = str(round(left_chars * twips_per_char))
    if right_chars:
        attrs["rightChars"] = str(round(right_chars * 100))
        attrs["right"] = str(round(right_chars * twips_per_char))
    _put(ppr, "w:ind", **attrs)


def _no_grid(ppr) -> None:
    _put(ppr, "w:snapToGrid", val="0")


# ------------------------------------------------------------------ document set-up


def _setup(docx_doc, doc: Document) -> None:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    # page
    section = docx_doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance, section.footer_distance = Mm(15), Mm(FOOTER_MM)
    grid = section._sectPr.find(_qn("w:docGrid"))
    if grid is None:
        grid = _el("w:docGrid")
        section._sectPr.append(grid)
    for key in list(grid.attrib):
        del grid.attrib[key]
    grid.set(_qn("w:type"), "lines")
    grid.set(_qn("w:linePitch"), str(LINE_PITCH))
    grid.set(_qn("w:charSpace"), str(CHAR_SPACE))

    # defaults: 3号 仿宋, Chinese
    styles = docx_doc.styles.element
    rpr_default = styles.find(_qn("w:docDefaults")).find(_qn("w:rPrDefault")).find(_qn("w:rPr"))
    _fonts(rpr_default, FANGSONG)
    _size(rpr_default, BODY_PT)
    _put(rpr_default, "w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    ppr_default = styles.find(_qn("w:docDefaults")).find(_qn("w:pPrDefault")).find(_qn("w:pPr"))
    _exact(ppr_default)

    normal = docx_doc.styles["Normal"]
    npr = normal.element.get_or_add_pPr()
    _exact(npr)
    _indent(npr, first_chars=2)
    _put(npr, "w:jc", val="both")
    nrpr = normal.element.get_or_add_rPr()
    _fonts(nrpr, FANGSONG)
    _size(nrpr, BODY_PT)
    _put(nrpr, "w:spacing", val=str(CONDENSE))

    for name, font, bold in (
        ("Heading 1", HEITI, False),
        ("Heading 2", KAITI, False),
        ("Heading 3", FANGSONG, True),
    ):
        style = docx_doc.styles[name]
        rpr = style.element.get_or_add_rPr()
        for tag in ("w:color", "w:i", "w:iCs", "w:b", "w:bCs", "w:kern"):
            old = rpr.find(_qn(tag))
            if old is not None:
                rpr.remove(old)
        _fonts(rpr, font)
        _size(rpr, BODY_PT)
        _put(rpr, "w:spacing", val=str(CONDENSE))
        style.font.bold = bold
        ppr = style.element.get_or_add_pPr()
        _exact(ppr)
        _indent(ppr, first_chars=2)
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.space_before = style.paragraph_format.space_after = 0

    def add(name: str, font: str, points: float, align=None, grid: bool = False):
        style = docx_doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = docx_doc.styles["Normal"]
        rpr = style.element.get_or_add_rPr()
        _fonts(rpr, font)
        _size(rpr, points)
        _put(rpr, "w:spacing", val="0")
        ppr = style.element.get_or_add_pPr()
        if not grid:
            _no_grid(ppr)
        _indent(ppr)
        if align is not None:
            style.paragraph_format.alignment = align
        return style, ppr

    _, ppr = add("GB Title", TITLE_FONT, TITLE_PT, WD_ALIGN_PARAGRAPH.CENTER)
    _exact(ppr, round(TITLE_PT * 1.3 * 20))  # 2号 lines, as a typeset title
    add("GB Subtitle", KAITI, BODY_PT, WD_ALIGN_PARAGRAPH.CENTER, grid=True)
    _, ppr = add("GB Table", FANGSONG, TABLE_PT)
    _single(ppr, 30, 30)
    _, ppr = add("GB Table Header", HEITI, TABLE_PT, WD_ALIGN_PARAGRAPH.CENTER)
    _single(ppr, 30, 30)
    style, ppr = add("GB Caption", HEITI, CAPTION_PT, WD_ALIGN_PARAGRAPH.CENTER)
    _single(ppr, 120, 60)
    style.paragraph_format.keep_with_next = True
    _, ppr = add("GB Note", FANGSONG, TABLE_PT)
    _single(ppr, 40, 120)
    _, ppr = add("GB Page Number", SONG, PAGE_NUMBER_PT)
    _exact(ppr, PAGE_NUMBER_PT * 20)

    _page_numbers(docx_doc)
    _font_table(docx_doc)
    _settings(docx_doc)
    _properties(docx_doc, doc)


def _page_numbers(docx_doc) -> None:
    """“— 1 —”: odd pages right, even pages left, one character in (GB/T 9704 7.5)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    docx_doc.settings.odd_and_even_pages_header_footer = True
    section = docx_doc.sections[0]
    for footer, align, side in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
    ):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = docx_doc.styles["GB Page Number"]
        p.alignment = align
        ppr = p._p.get_or_add_pPr()
        one_char = PAGE_NUMBER_PT * 20
        _put(ppr, "w:ind", **{side: str(one_char), "firstLine": "0"})
        _page_field(p)


def _page_field(paragraph) -> None:
    def run(text: str | None = None, field: str | None = None, instr: str | None = None):
        r = paragraph.add_run()
        _run_format(r, SONG, PAGE_NUMBER_PT, west=SONG)
        if field:
            r._r.append(_el("w:fldChar", fldCharType=field))
        elif instr:
            t = _el("w:instrText")
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            t.text = instr
            r._r.append(t)
        else:
            r.text = text
        return r

    run("— ")
    run(field="begin")
    run(instr=" PAGE ")
    run(field="separate")
    run("1")
    run(field="end")
    run(" —")


def _font_table(docx_doc) -> None:
    """Declare the official fonts with their alternatives, GB2312 charset and panose."""
    part = next(
        (r.target_part for r in docx_doc.part.rels.values() if r.reltype.endswith("/fontTable")),
        None,
    )
    if part is None:
        return
    from lxml import etree

    root = etree.fromstring(part.blob)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    for name, (alt, panose, pitch) in FONT_TABLE.items():
        for old in root.findall(f"{{{w}}}font"):
            if old.get(f"{{{w}}}name") == name:
                root.remove(old)
        font = etree.SubElement(root, f"{{{w}}}font")
        font.set(f"{{{w}}}name", name)
        for tag, attr, value in (
            ("altName", "val", alt),
            ("panose1", "val", panose),
            ("charset", "val", "86"),
            ("family", "val", "modern" if pitch == "fixed" else "roman"),
            ("pitch", "val", pitch),
        ):
            etree.SubElement(font, f"{{{w}}}{tag}").set(f"{{{w}}}{attr}", value)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _settings(docx_doc) -> None:
    settings = docx_doc.settings.element
    lang = settings.find(_qn("w:themeFontLang"))
    if lang is not None:
        lang.set(_qn("w:eastAsia"), "zh-CN")
    # The template's thumbnail shows an empty page: drop it.
    pkg = docx_doc.part.package
    for key, rel in list(pkg.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del pkg.rels[key]


def _properties(docx_doc, doc: Document) -> None:
    props = docx_doc.core_properties
    props.title = doc.title
    props.author = doc.author
    props.subject = doc.subject
    props.keywords = "双随机、一公开"
    props.last_modified_by = "ssj"
    props.comments = "由 ssj 根据工作区记录生成"
    props.revision = 1
    if doc.day is not None:  # the document's own date: the same records give the same file
        props.created = props.modified = datetime.combine(doc.day, time())


# ------------------------------------------------------------------ blocks


def _paragraph(docx_doc, text: str = "", style: str | None = None):
    p = docx_doc.add_paragraph(style=style)
    if text:
        p.add_run(text)
    return p


def _title(docx_doc, doc: Document) -> None:
    p = docx_doc.add_paragraph(style="GB Title")
    for i, line in enumerate(doc.title_lines):
        run = p.add_run(line)
        _run_format(run, TITLE_FONT, TITLE_PT)
        if i < len(doc.title_lines) - 1:
            run.add_break()
    if doc.subtitle:
        docx_doc.add_paragraph(doc.subtitle, style="GB Subtitle")
    _paragraph(docx_doc)  # 标题下空一行


def _heading(docx_doc, block: Heading) -> None:
    docx_doc.add_paragraph(f"{block.number}{block.text}", style=f"Heading {min(block.level, 3)}")


def _para(docx_doc, block: Para) -> None:
    p = docx_doc.add_paragraph()
    if block.lead:
        run = p.add_run(block.lead)
        if block.lead_level == 2:
            _run_format(run, KAITI, BODY_PT)
        else:
            _run_format(run, FANGSONG, BODY_PT, bold=True)
    if block.text:
        p.add_run(block.text)


def _cell_text(
    cell, text: str, style: str, align=None, mono=False, font=None, points: float = TABLE_PT
):
    p = cell.paragraphs[0]
    p.style = style
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    if mono:
        _run_format(run, FANGSONG, MONO_PT, west=MONO)
    elif font or points != TABLE_PT:
        _run_format(run, font or (HEITI if style == "GB Table Header" else FANGSONG), points)


def _table_frame(table, widths_twips: list[int]) -> None:
    """Fixed layout, the given column widths, header repeated, rows kept whole."""
    tbl = table._tbl
    tblpr = tbl.tblPr
    _put(tblpr, "w:tblW", w=str(sum(widths_twips)), type="dxa")
    _put(tblpr, "w:jc", val="center")
    _put(tblpr, "w:tblLayout", type="fixed")
    margins = _put(tblpr, "w:tblCellMar")
    for side, value in (("left", 57), ("right", 57)):  # 1 mm
        margins.append(_el(f"w:{side}", w=str(value), type="dxa"))
    grid = tbl.tblGrid
    for col, width in zip(grid.findall(_qn("w:gridCol")), widths_twips, strict=False):
        col.set(_qn("w:w"), str(width))
    for r, row in enumerate(table.rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.append(_el("w:cantSplit"))
        if r == 0:
            trpr.append(_el("w:tblHeader"))
        for cell, width in zip(row.cells, widths_twips, strict=False):
            tcpr = cell._tc.get_or_add_tcPr()
            _put(tcpr, "w:tcW", w=str(width), type="dxa")
            _put(tcpr, "w:vAlign", val="center")


def _widths(block_widths: list[float], n: int, share: float = 1.0) -> list[int]:
    total = round(TYPE_AREA_MM[0] * TWIPS_PER_MM * share)
    weights = block_widths if len(block_widths) == n else [1.0] * n
    s = sum(weights)
    out = [int(total * w / s) for w in weights]
    out[-1] += total - sum(out)
    return out


def _table(docx_doc, block: Table) -> None:
    """A table written as XML text and parsed once: python-docx's cell access is quadratic
    in the rows, and the task annex of a city holds thousands of them."""
    from xml.sax.saxutils import escape, quoteattr

    from docx.oxml import parse_xml

    if block.caption:
        docx_doc.add_paragraph(block.caption, style="GB Caption")
    n = len(block.columns)
    align = (block.align or "c" * n).ljust(n, "c")
    jc = {"l": "left", "c": "center", "r": "right"}
    widths = _widths(block.widths, n, block.width)
    points = SMALL_TABLE_PT if block.small else TABLE_PT
    styles = docx_doc.styles
    body_style = styles["GB Table"].style_id
    head_style = styles["GB Table Header"].style_id

    def run_props(east: str, west: str, pt: float) -> str:
        size = round(pt * 2)
        return (
            f"<w:rPr><w:rFonts w:ascii={quoteattr(west)} w:hAnsi={quoteattr(west)} "
            f'w:eastAsia={quoteattr(east)} w:cs={quoteattr(west)} w:hint="eastAsia"/>'
            f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
        )

    plain = (
        ""
        if points == TABLE_PT
        else f'<w:rPr><w:sz w:val="{round(points * 2)}"/><w:szCs w:val="{round(points * 2)}"/></w:rPr>'
    )
    mono_props = run_props(FANGSONG, MONO, MONO_PT)
    total_props = run_props(HEITI, LATIN, points)
    cell_props = [
        f'<w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
        for width in widths
    ]
    out = [
        f'<w:tbl {_W_NS}><w:tblPr><w:tblStyle w:val="{styles["Table Grid"].style_id}"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/>'
        '<w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
        + "</w:tblGrid>"
    ]

    def row(cells, header: bool, total: bool) -> None:
        out.append(
            "<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if header else "") + "</w:trPr>"
        )
        for i, text in enumerate(cells):
            if header:
                ppr, rpr = f'<w:pPr><w:pStyle w:val="{head_style}"/></w:pPr>', plain
            else:
                ppr = (
                    f'<w:pPr><w:pStyle w:val="{body_style}"/><w:jc w:val="{jc[align[i]]}"/></w:pPr>'
                )
                if total:
                    rpr = total_props
                elif i in block.mono and text.isascii():
                    rpr = mono_props
                else:
                    rpr = plain
            # A list of names is written a name to a line: a narrow column never splits one.
            parts = text.split("、") if i in block.names and not header else [text]
            runs = f"<w:r>{rpr}<w:br/></w:r>".join(
                f'<w:r>{rpr}<w:t xml:space="preserve">{escape(part)}</w:t></w:r>' for part in parts
            )
            out.append(f"<w:tc>{cell_props[i]}<w:p>{ppr}{runs}</w:p></w:tc>")
        out.append("</w:tr>")

    row(block.columns, header=True, total=False)
    for k, cells in enumerate(block.rows, 1):
        padded = list(cells) + [""] * (n - len(cells))
        row(padded, header=False, total=block.total and k == len(block.rows))
    out.append("</w:tbl>")
    tbl = parse_xml("".join(out))
    docx_doc.element.body.find(_qn("w:sectPr")).addprevious(tbl)
    docx_doc.add_paragraph(block.note, style="GB Note")  # an empty one: room under the table


_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def pixel_png(color: str) -> bytes:
    """A one-pixel PNG of `#RRGGBB` (stdlib only); stretched, it is a bar."""
    rgb = bytes.fromhex(color.lstrip("#"))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" + rgb))
        + chunk(b"IEND", b"")
    )


def _chart(docx_doc, block: Chart) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    label_mm = 44.0
    bar_mm = TYPE_AREA_MM[0] - label_mm - 32.0  # room for the value after the longest bar
    top = 1.0 if block.percent else max((v for s in block.series for v in s.values), default=0)
    top = top or 1.0
    unit = f"（{block.unit}）" if block.unit else ""
    docx_doc.add_paragraph(block.title + unit, style="GB Caption")
    legend = docx_doc.add_paragraph(style="GB Table")
    legend.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for s in block.series:
        legend.add_run().add_picture(io.BytesIO(pixel_png(s.color)), width=Pt(8), height=Pt(8))
        legend.add_run(f" {s.name}　")
    legend.paragraph_format.keep_with_next = True
    table = docx_doc.add_table(rows=len(block.labels), cols=2)
    for r, label in enumerate(block.labels):
        left, right = table.rows[r].cells
        _cell_text(left, label, "GB Table", WD_ALIGN_PARAGRAPH.RIGHT)
        for j, s in enumerate(block.series):
            p = right.paragraphs[0] if j == 0 else right.add_paragraph()
            p.style = "GB Table"
            value = s.values[r]
            length = max(value, 0) / top * bar_mm
            if length >= 0.2:
                p.add_run().add_picture(
                    io.BytesIO(pixel_png(s.color)), width=Mm(length), height=Pt(9)
                )
            shown = f"{value * 100:.1f}%" if block.percent else f"{value:g}"
            p.add_run(f" {shown}")
            p.paragraph_format.keep_with_next = r < len(block.labels) - 1  # chart kept whole
        left.paragraphs[0].paragraph_format.keep_with_next = r < len(block.labels) - 1
    widths = [round(label_mm * TWIPS_PER_MM), round((TYPE_AREA_MM[0] - label_mm) * TWIPS_PER_MM)]
    _table_frame(table, widths)
    # no borders but the axis on the bars' left
    tblpr = table._tbl.tblPr
    borders = _put(tblpr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        val = "single" if side == "insideV" else "nil"
        borders.append(_el(f"w:{side}", val=val, sz="6", space="0", color="000000"))
    first = table.rows[0]._tr.trPr
    header = first.find(_qn("w:tblHeader"))
    if header is not None:
        first.remove(header)
    docx_doc.add_paragraph(style="GB Note")


def _keep_with_next(docx_doc) -> None:
    """Keep the last paragraph with what follows: no page holds only the signature."""
    last = docx_doc.paragraphs[-1] if docx_doc.paragraphs else None
    if last is not None:
        last.paragraph_format.keep_with_next = True


def _annex_list(docx_doc, block: AnnexList) -> None:
    _keep_with_next(docx_doc)
    _paragraph(docx_doc)  # 正文下空一行
    _keep_with_next(docx_doc)
    for i, title in enumerate(block.titles, 1):
        p = docx_doc.add_paragraph(("附件：" if i == 1 else "") + f"{i}．{title}")
        ppr = p._p.get_or_add_pPr()
        _indent(ppr, left_chars=2 if i == 1 else 5)
        p.paragraph_format.keep_with_next = True


def _signature(docx_doc, block: Signature) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    _keep_with_next(docx_doc)
    for _ in range(2):  # room for the seal above the authority and the date
        _paragraph(docx_doc).paragraph_format.keep_with_next = True
    date_w, auth_w = display_width(block.date), display_width(block.authority)
    for text, right in (
        (block.authority, max(4 + (date_w - auth_w) / 2, 0)),
        (block.date, 4),  # 右空四字
    ):
        p = docx_doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.keep_with_next = text == block.authority
        ppr = p._p.get_or_add_pPr()
        # no automatic space between Chinese and digits: the widths stay as computed
        _put(ppr, "w:autoSpaceDE", val="0")
        _put(ppr, "w:autoSpaceDN", val="0")
        _indent(ppr, right_chars=right)


def _annex(docx_doc, block: Annex) -> None:
    p = docx_doc.add_paragraph()
    p.paragraph_format.page_break_before = True
    _indent(p._p.get_or_add_pPr())
    _run_format(p.add_run(f"附件{block.number}"), HEITI, BODY_PT)  # 顶格，3号黑体
    _paragraph(docx_doc)
    title = docx_doc.add_paragraph(style="GB Title")
    lines = break_title(block.title)
    for i, line in enumerate(lines):
        run = title.add_run(line)
        _run_format(run, TITLE_FONT, TITLE_PT)
        if i < len(lines) - 1:
            run.add_break()
    _paragraph(docx_doc)


def render(doc: Document) -> bytes:
    """The document as the bytes of a .docx file."""
    import docx

    docx_doc = docx.Document()
    body = docx_doc.element.body
    for child in list(body):
        if child.tag != _qn("w:sectPr"):
            body.remove(child)
    _setup(docx_doc, doc)
    _title(docx_doc, doc)
    for block in doc.blocks:
        if isinstance(block, Heading):
            _heading(docx_doc, block)
        elif isinstance(block, Para):
            _para(docx_doc, block)
        elif isinstance(block, Table):
            _table(docx_doc, block)
        elif isinstance(block, Chart):
            _chart(docx_doc, block)
        elif isinstance(block, AnnexList):
            _annex_list(docx_doc, block)
        elif isinstance(block, Signature):
            _signature(docx_doc, block)
        elif isinstance(block, Annex):
            _annex(docx_doc, block)
    out = io.BytesIO()
    docx_doc.save(out)
    return out.getvalue()
