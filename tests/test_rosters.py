"""ssj roster import / check / export, end to end on real workspaces."""

import csv
import io
from datetime import datetime

import pytest
from openpyxl import Workbook

from conftest import commit_all, snapshot
from shuangsuiji.workspace import Workspace

HEADERS = [
    "统一社会信用代码",
    "单位名称",
    "监管类别",
    "行业",
    "所属区域",
    "规模",
    "风险等级",
    "重点单位",
    "经营状态",
    "监管层级",
    "标准化等级",
    "地址",
    "联系人",
    "联系电话",
]
ROWS = [
    [
        "91350100M000100Y43",
        "青岚区一号化工有限公司",
        "危险化学品",
        "危险化学品经营",
        "城关街道",
        "小型",
        "黄",
        "否",
        "存续",
        "区县级",
        "三级",
        "工业路1号",
        "张三",
        "13800000001",
    ],
    [
        "91350102604010605L",
        "青岚区华顺化工有限公司",
        "危险化学品",
        "危险化学品生产",
        "东岗镇",
        "大型",
        "红",
        "√",
        "在营",
        "县级",
        "二级",
        "纬一路8号",
        "郑国华",
        "13800000002",
    ],
    [
        "LS-2026-101",
        "青岚区春节临时零售点",
        "烟花爆竹",
        "烟花爆竹零售",
        "河西街道",
        "微型",
        "蓝",
        "N",
        "在营",
        "县",
        "",
        "",
        "",
        "",
    ],
    [
        "9135010272081309X7",
        "青岚区二号机械有限公司",
        "冶金工贸",
        "机械；有限空间作业",
        "柳湾镇",
        "中型",
        "橙",
        "否",
        "在营",
        "县",
        "",
        "",
        "",
        "",
    ],
]


def write_csv(path, rows, encoding="gb18030", headers=HEADERS):
    out = io.StringIO()
    csv.writer(out).writerows([headers, *rows])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_xlsx(path, rows, headers=HEADERS):
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def entities(root):
    return {e.id: e for e in Workspace(root).roster("entities").rows}


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8", "utf-8-sig"])
def test_import_csv_in_every_encoding(empty_ws, tmp_path, ssj, encoding):
    source = write_csv(tmp_path / "单位.csv", ROWS, encoding)
    result = ssj("-C", empty_ws, "roster", "import", source, "--json")
    assert result.code == 0, result.err
    assert result.json()["added"] == 4
    found = entities(empty_ws)
    assert found["91350100M000100Y43"].risk == "一般"
    assert found["91350102604010605L"].key is True and found["91350102604010605L"].risk == "重大"
    assert found["9135010272081309X7"].industries == ["机械", "有限空间作业"]
    assert found["LS-2026-101"].level == "县"


def test_import_xlsx_with_excel_date_cells(empty_ws, tmp_path, ssj):
    source = write_xlsx(tmp_path / "单位.xlsx", ROWS)
    assert ssj("-C", empty_ws, "roster", "import", source).code == 0
    assert len(entities(empty_ws)) == 4
    people = tmp_path / "人员.xlsx"
    write_xlsx(
        people,
        [
            [
                "35010220001",
                "陈立新",
                "危化股",
                "执法人员",
                datetime(2028, 12, 31),
                "在岗",
                "城关街道",
                "LS-2026-101",
            ]
        ],
        headers=[
            "执法证号",
            "姓名",
            "科室",
            "角色",
            "证件有效期至",
            "在岗状态",
            "所属区域",
            "回避单位",
        ],
    )
    result = ssj("-C", empty_ws, "roster", "import", people, "--json")
    assert result.code == 0 and result.json()["kind"] == "inspectors"
    [person] = Workspace(empty_ws).roster("inspectors").rows
    assert str(person.valid_until) == "2028-12-31" and person.conflicts == ["LS-2026-101"]


def test_merge_counts_added_updated_unchanged(empty_ws, tmp_path, ssj):
    ssj("-C", empty_ws, "roster", "import", write_csv(tmp_path / "a.csv", ROWS))
    changed = [r[:] for r in ROWS[:3]]
    changed[0][1] = "青岚区一号化工（集团）有限公司"
    extra = [
        "91350100M000100Y43"[:0] + "LS-2026-102",
        "新零售点",
        "烟花爆竹",
        "烟花爆竹零售",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ]
    result = ssj(
        "-C",
        empty_ws,
        "roster",
        "import",
        write_csv(tmp_path / "b.csv", [*changed, extra]),
        "--json",
    )
    counts = result.json()
    assert (counts["added"], counts["updated"], counts["unchanged"]) == (1, 1, 2)
    assert len(entities(empty_ws)) == 5  # merge keeps the row the sheet did not list


def test_a_merge_keeps_the_rosters_order_and_adds_new_rows_in_the_sheets(empty_ws, tmp_path, ssj):
    ssj("-C", empty_ws, "roster", "import", write_csv(tmp_path / "a.csv", ROWS[1:3]))
    new = [[f"LS-2026-{n}", f"零售点{n}", "烟花爆竹", "烟花爆竹零售"] for n in (201, 202)]
    changed = [ROWS[2][:4], new[1], ROWS[1][:4], new[0]]
    changed[0][1] = "改名的单位"
    sheet = write_csv(tmp_path / "b.csv", changed, headers=HEADERS[:4])
    result = ssj("-C", empty_ws, "roster", "import", sheet, "--json").json()
    assert result["ids"]["added"] == ["LS-2026-202", "LS-2026-201"]
    assert result["ids"]["updated"] == [ROWS[2][0]]
    assert result["ids"]["unchanged"] == [ROWS[1][0]]
    assert list(entities(empty_ws)) == [ROWS[1][0], ROWS[2][0], "LS-2026-202", "LS-2026-201"]
    assert entities(empty_ws)[ROWS[2][0]].name == "改名的单位"


def test_replace_removes_rows_not_in_sheet(empty_ws, tmp_path, ssj):
    ssj("-C", empty_ws, "roster", "import", write_csv(tmp_path / "a.csv", ROWS))
    result = ssj(
        "-C",
        empty_ws,
        "roster",
        "import",
        write_csv(tmp_path / "b.csv", ROWS[:2]),
        "--replace",
        "--json",
    )
    assert result.json()["removed"] == 2
    assert set(entities(empty_ws)) == {"91350100M000100Y43", "91350102604010605L"}


def test_missing_columns_keep_existing_values(empty_ws, tmp_path, ssj):
    ssj("-C", empty_ws, "roster", "import", write_csv(tmp_path / "a.csv", ROWS))
    short = [[r[0], r[1], r[2], r[3]] for r in ROWS]
    result = ssj(
        "-C",
        empty_ws,
        "roster",
        "import",
        write_csv(tmp_path / "b.csv", short, headers=HEADERS[:4]),
        "--json",
    )
    assert result.json()["unchanged"] == 4
    assert entities(empty_ws)["91350100M000100Y43"].contact == "张三"


def test_unknown_columns_are_kept(empty_ws, tmp_path, ssj):
    rows = [[*ROWS[0], "省级重点"]]
    ssj(
        "-C",
        empty_ws,
        "roster",
        "import",
        write_csv(tmp_path / "a.csv", rows, headers=[*HEADERS, "备注"]),
    )
    assert entities(empty_ws)["91350100M000100Y43"].extra == {"备注": "省级重点"}


def test_wrong_check_digit_in_row_4_changes_nothing(empty_ws, tmp_path, ssj):
    bad = [r[:] for r in ROWS]
    bad[2][0] = "91350100M000100Y44"  # the third data row is spreadsheet row 4
    before = snapshot(empty_ws)
    result = ssj("-C", empty_ws, "roster", "import", write_csv(tmp_path / "bad.csv", bad))
    assert result.code == 2
    assert "第 4 行" in result.err and "统一社会信用代码" in result.err and "校验位" in result.err
    assert "Traceback" not in result.err
    assert snapshot(empty_ws) == before


def test_every_problem_reported_at_once(empty_ws, tmp_path, ssj):
    bad = [r[:] for r in ROWS]
    bad[0][6] = "极高"
    bad[1][0] = "91350100M000100Y43"  # duplicate of row 2
    bad[3][7] = "也许"
    result = ssj("-C", empty_ws, "roster", "import", write_csv(tmp_path / "bad.csv", bad), "--json")
    assert result.code == 2
    found = {(p["row"], p["field"]) for p in result.json()["problems"]}
    assert found == {(2, "风险等级"), (3, "统一社会信用代码"), (5, "重点单位")}


def test_missing_required_column(empty_ws, tmp_path, ssj):
    result = ssj(
        "-C",
        empty_ws,
        "roster",
        "import",
        write_csv(tmp_path / "a.csv", [r[:2] for r in ROWS], headers=HEADERS[:2]),
        "--kind",
        "entities",
    )
    assert result.code == 2 and "缺少必填列" in result.err


def test_comments_kept_on_import(example, tmp_path, ssj):
    path = example / "rosters" / "entities.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "entities:\n", "# 本地注释：请勿删除\nentities:\n", 1
        ),
        encoding="utf-8",
    )
    commit_all(example)
    result = ssj("-C", example, "roster", "import", write_csv(tmp_path / "a.csv", ROWS))
    assert result.code == 0, result.err
    text = path.read_text(encoding="utf-8")
    assert "# 本地注释：请勿删除" in text and "# 检查对象名录库（示例" in text
    assert "yaml-language-server: $schema=" in text.splitlines()[0]


def test_check_reports_every_problem_with_line(example, ssj):
    path = example / "rosters" / "entities.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('id: "91350102604010605L"', 'id: "91350102604010605M"', 1)
    text = text.replace("risk: 较大", "risk: 极大", 1)
    path.write_text(text, encoding="utf-8")
    result = ssj("-C", example, "roster", "check", "--json")
    assert result.code == 2
    problems = [p for p in result.json()["problems"] if p["severity"] == "error"]
    assert {p["field"] for p in problems} == {"统一社会信用代码", "风险等级"}
    assert all(p["file"] == "rosters/entities.yaml" and p["line"] for p in problems)
    lines = text.splitlines()
    code_problem = next(p for p in problems if p["field"] == "统一社会信用代码")
    assert "91350102604010605M" in lines[code_problem["line"] - 1]


def test_check_unknown_category(example, ssj):
    path = example / "rosters" / "entities.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("category: 非煤矿山", "category: 煤矿", 1),
        encoding="utf-8",
    )
    result = ssj("-C", example, "roster", "check")
    assert result.code == 2 and "煤矿" in result.out


def test_export_roundtrips_through_import(example, tmp_path, ssj):
    for fmt in ("xlsx", "csv"):
        out = tmp_path / f"e.{fmt}"
        assert ssj("-C", example, "roster", "export", "--format", fmt, "-o", out).code == 0
        result = ssj("-C", example, "roster", "import", out, "--json")
        assert result.code == 0, result.err
        assert result.json()["unchanged"] == 64 and result.json()["written"] is False
