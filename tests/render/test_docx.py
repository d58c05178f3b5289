"""The plan as docx, read back with python-docx: GB/T 9704 layout and the workspace's numbers."""

from __future__ import annotations

import zipfile
from collections import Counter

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from conftest import read_yaml
from reportkit import YEAR, drawn, report
from shuangsuiji.render.docx import pixel_png
from shuangsuiji.workspace import Workspace


@pytest.fixture
def plan_docx(example):
    drawn(example)
    return example, report(example, "--format", "docx")


def _east_asia(element) -> str | None:
    fonts = element.find(qn("w:rPr") + "/" + qn("w:rFonts")) if element is not None else None
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def _style_east_asia(style) -> str | None:
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


def test_page_is_a4_with_gb9704_margins_and_grid(plan_docx):
    _, path = plan_docx
    section = docx.Document(path).sections[0]
    size = section._sectPr.find(qn("w:pgSz"))
    assert (size.get(qn("w:w")), size.get(qn("w:h"))) == ("11906", "16838")  # A4 in twips
    for measure, mm in (
        (section.page_width, 210),
        (section.page_height, 297),
        (section.top_margin, 37),
        (section.bottom_margin, 35),
        (section.left_margin, 28),
        (section.right_margin, 26),
    ):
        assert measure.mm == pytest.approx(mm, abs=0.05)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 225 mm / 22 lines = 28.95 pt
    # 28 characters of 3号 on 156 mm: 28 × (16 − 0.25) pt ≤ 156 mm
    spacing = docx.Document(path).styles["Normal"].element.rPr.find(qn("w:spacing"))
    assert int(spacing.get(qn("w:val"))) == -5
    assert 28 * (16 - 0.25) <= Mm(156).pt < 29 * (16 - 0.25)


def test_fonts_are_set_for_east_asian_text(plan_docx):
    _, path = plan_docx
    document = docx.Document(path)
    styles = document.styles
    assert _style_east_asia(styles["Normal"]) == "仿宋_GB2312"
    assert styles["Normal"].font.size == Pt(16)  # 3号
    assert _style_east_asia(styles["Heading 1"]) == "黑体"
    assert _style_east_asia(styles["Heading 2"]) == "楷体_GB2312"
    assert _style_east_asia(styles["GB Title"]) == "方正小标宋简体"
    assert styles["GB Title"].font.size == Pt(22)  # 2号
    title = document.paragraphs[0]
    assert title.style.name == "GB Title"
    lines = title.text.split("\n")  # broken where the words allow (GB/T 9704 7.3.3)
    assert lines == [f"青岚区应急管理局{YEAR}年度", "“双随机、一公开”监管抽查工作方案"]
    assert all(_east_asia(r._r) == "方正小标宋简体" for r in title.runs)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:4] == [
        "一、编制依据",
        "二、总体任务和目标",
        "三、检查时间及对象",
        "四、抽查方式",
    ]
    assert "八、工作量测算" in headings
    # the run-in （一） headings are 楷体
    leads = [
        r
        for p in document.paragraphs
        if p.style.name == "Normal"
        for r in p.runs
        if r.text.startswith("（一）")
    ]
    assert leads and all(_east_asia(r._r) == "楷体_GB2312" for r in leads)


def test_font_table_gives_alternatives(plan_docx):
    _, path = plan_docx
    with zipfile.ZipFile(path) as z:
        table = z.read("word/fontTable.xml").decode()
    for name, alt in (("仿宋_GB2312", "仿宋"), ("方正小标宋简体", "宋体"), ("楷体_GB2312", "楷体")):
        assert f'w:name="{name}"><w:altName w:val="{alt}"/>' in table
    assert '<w:charset w:val="86"/>' in table


def test_page_numbers_outside_on_odd_and_even_pages(plan_docx):
    _, path = plan_docx
    document = docx.Document(path)
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]
        assert p.text == "— 1 —"  # the PAGE field's cached value between the dashes
        assert p._p.pPr.find(qn("w:jc")).get(qn("w:val")) == align
        ind = p._p.pPr.find(qn("w:ind"))
        assert ind.get(qn(f"w:{align}")) == str(14 * 20)  # one 4号 character in
        assert any(t.text.strip() == "PAGE" for t in p._p.iter(qn("w:instrText")))
        assert p.runs[0].font.size == Pt(14)  # 4号


def test_tables_repeat_header_rows_and_keep_rows_whole(plan_docx):
    _, path = plan_docx
    document = docx.Document(path)
    assert len(document.tables) >= 5
    for table in document.tables:
        rows = table.rows
        if table.style is not None and table.style.name == "Table Grid":
            assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        for row in rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None


def test_date_is_four_characters_in_from_the_right(plan_docx):
    _, path = plan_docx
    paragraphs = docx.Document(path).paragraphs
    n = next(i for i, p in enumerate(paragraphs) if p.text == "2026年3月2日")
    date, authority = paragraphs[n], paragraphs[n - 1]
    assert date._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")) == "400"  # 右空四字
    assert date._p.pPr.find(qn("w:jc")).get(qn("w:val")) == "right"
    assert authority.text == "青岚区应急管理局"
    # centred over the date: 8 characters over 6 (six half-width digits count ½ each)
    assert authority._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")) == "300"


def _table(document, first_header: str, second: str):
    return next(
        t
        for t in document.tables
        if t.rows[0].cells[0].text == first_header and t.rows[0].cells[1].text == second
    )


def test_category_table_equals_the_workspace(plan_docx):
    root, path = plan_docx
    document = docx.Document(path)
    table = _table(document, "监管类别", "单位总数")
    header = [c.text for c in table.rows[0].cells]
    assert header == ["监管类别", "单位总数", "重点单位", "随机池", "比例", "抽取数", "检查人员"]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}

    ws = Workspace(root)
    entities = {e.id: e for e in ws.roster("entities").rows}
    draw = read_yaml(ws.root / "plans" / str(YEAR) / "draws" / f"{YEAR}-1.yaml")
    assignment = read_yaml(ws.root / "plans" / str(YEAR) / "assignments" / f"{YEAR}-1.yaml")
    totals = Counter(e.category for e in entities.values())
    key = Counter(entities[t["id"]].category for t in draw["key"])
    selected = Counter(entities[p["id"]].category for p in draw["selected"])
    officers: dict[str, set] = {}
    for task in assignment["tasks"]:
        officers.setdefault(entities[task["entity"]].category, set()).update(
            m["id"] for m in task["inspectors"]
        )
    for category, n in totals.items():
        row = rows[category]
        assert row[1] == str(n)
        assert row[2] == str(key[category])
        assert row[5] == str(selected[category])
        assert row[6] == f"{len(officers[category])}人"
        assert row[4] == "20%"
    total = rows["合计"]
    assert total[1] == str(len(entities))
    assert total[2] == str(len(draw["key"]))
    assert total[3] == str(draw["population"]["count"])
    assert total[5] == str(len(draw["selected"]))
    everyone = {m["id"] for t in assignment["tasks"] for m in t["inspectors"]}
    assert total[6] == f"{len(everyone)}人"


def test_annex_lists_every_task_with_inspector_names(plan_docx):
    root, path = plan_docx
    document = docx.Document(path)
    table = _table(document, "序号", "单位名称")
    ws = Workspace(root)
    names = {p.id: p.name for p in ws.roster("inspectors").rows}
    units = {e.id: e.name for e in ws.roster("entities").rows}
    assignment = read_yaml(ws.root / "plans" / str(YEAR) / "assignments" / f"{YEAR}-1.yaml")
    expected = {  # a name to a line: never broken by a narrow column
        units[t["entity"]]: "\n".join(names[m["id"]] for m in t["inspectors"])
        for t in assignment["tasks"]
    }
    shown = {r.cells[1].text: r.cells[6].text for r in table.rows[1:]}
    assert shown == expected


def test_capacity_table_equals_the_calendar_and_plan(plan_docx):
    _, path = plan_docx
    document = docx.Document(path)
    table = _table(document, "序号", "项目")
    rows = {r.cells[1].text: r.cells[3].text for r in table.rows[1:]}
    from shuangsuiji.core.calendar import WorkCalendar

    days = WorkCalendar().working_days_in_year(YEAR)
    assert rows["年度法定工作日"] == f"{days}日"
    officers = int(rows["执法人员"].removesuffix("人"))
    assert rows["执法工作日总数"] == str(days * officers)
    # the example plan: 60+40+30+40 other enforcement, 120+150+100+40 non-enforcement days
    assert rows["其他执法工作日"] == "170"
    assert rows["非执法工作日"] == "410"
    assert rows["可用于检查的工作日"] == str(days * officers - 170 - 410)


def test_draw_summary_carries_seed_algorithm_and_digests(plan_docx):
    root, path = plan_docx
    document = docx.Document(path)
    table = _table(document, "项目", "内容")
    rows = {r.cells[0].text: r.cells[1].text for r in table.rows[1:]}
    import hashlib

    record = root / "plans" / str(YEAR) / "draws" / f"{YEAR}-1.yaml"
    assert rows["种子"] == "20260301"
    assert rows["算法"] == "ssj-sha256-v1"
    assert rows["抽取记录 SHA-256"] == hashlib.sha256(record.read_bytes()).hexdigest()
    assert rows["匹配种子"] == "7153"
    assert len(rows["随机池摘要 SHA-256"]) == 64


def test_pixel_png_is_a_valid_one_pixel_image():
    import struct
    import zlib

    data = pixel_png("#C00000")
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1, 1)
    idat = data.index(b"IDAT")
    length = struct.unpack(">I", data[idat - 4 : idat])[0]
    assert zlib.decompress(data[idat + 4 : idat + 4 + length]) == b"\x00\xc0\x00\x00"
