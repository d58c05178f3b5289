"""ssj ledger and the caps at the draw, on the example workspace with real git."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from conftest import commit_all, git, on, read_yaml, snapshot, write_yaml
from results_flow import record, staffed
from shuangsuiji.core.eligibility import AT_CAP
from shuangsuiji.workspace import Workspace
from shuangsuiji.workspace.drawing import Request, freeze

HEADERS = ["统一社会信用代码", "检查日期", "检查类型", "检查机关", "检查层级", "文号", "备注"]
PLAIN = "91350102MA778BKH6C"  # 青岚区鑫源化工有限公司: 危险化学品, 三级, not a key unit
KEY = "91350102604010605L"  # 青岚区华顺化工有限公司: a key unit
IMPORT_DAY = "2026-02-10"
DRAW_DAY = "2026-03-01"
SEED = "20260301-ledger-caps"


def sheet(root: Path, rows: list[list[str]], name: str = "台账.csv", headers=HEADERS) -> Path:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(row + [""] * (len(headers) - len(row)))
    path = root.parent / name
    path.write_bytes(out.getvalue().encode("gb18030"))  # as Excel on Chinese Windows saves it
    return path


def import_(ssj, root: Path, path: Path, *args: str):
    with on(IMPORT_DAY):
        return ssj("-C", root, "ledger", "import", path, "--year", "2026", *args, "--json")


OTHERS = [
    [PLAIN, "2026-01-15", "专项检查", "青岚区市场监督管理局", "县", "青市监检〔2026〕3号"],
    [PLAIN, "2026-02-03", "联合检查", "青岚区消防救援大队", "县", "青消〔2026〕7号"],
]


def draw(ssj, root: Path):
    with on(DRAW_DAY):
        result = ssj(
            "-C", root, "draw", "--year", "2026", "--ratio", "0.2", "--seed", SEED, "--json"
        )
    assert result.code == 0, result.out + result.err
    return result.json()


def excluded(doc: dict, reason: str) -> list[str]:
    return next((e["ids"] for e in doc["excluded"] if e["reason"] == reason), [])


def drawn(doc: dict) -> set[str]:
    return {p["id"] for p in doc["selected"] + doc["alternates"]}


def test_other_departments_push_a_unit_to_its_cap_and_the_draw_leaves_it_out(example, ssj):
    done = import_(ssj, example, sheet(example, OTHERS))
    assert done.code == 0, done.out + done.err
    assert done.json()["added"] == 2 and done.json()["commit"]
    assert git(example, "status", "--porcelain") == ""
    doc = draw(ssj, example)
    assert PLAIN in excluded(doc, AT_CAP)  # the default cap: 2 a year, every authority counted
    assert PLAIN not in drawn(doc)
    verified = ssj("-C", example, "verify", doc["draw_id"])
    assert verified.code == 0, verified.out + verified.err
    assert "一致" in verified.out and "不一致" not in verified.out


def test_without_the_ledger_the_same_draw_may_take_the_unit(example, ssj):
    doc = draw(ssj, example)
    assert PLAIN not in excluded(doc, AT_CAP)


def test_a_ledger_changed_after_the_draw_does_not_change_its_rerun(example, ssj):
    doc = draw(ssj, example)
    assert import_(ssj, example, sheet(example, OTHERS)).code == 0  # imported after the draw
    verified = ssj("-C", example, "verify", doc["draw_id"])
    assert verified.code == 0, verified.out + verified.err


def test_an_uncommitted_ledger_refuses_the_draw(example, ssj):
    assert import_(ssj, example, sheet(example, OTHERS), "--no-commit").code == 0
    with on(DRAW_DAY):
        result = ssj("-C", example, "draw", "--year", "2026", "--ratio", "0.2", "--seed", SEED)
    assert result.code == 1 and "ledger.yaml" in result.out + result.err


def test_a_cap_table_in_ssj_yaml_by_category_and_grade(example, ssj):
    config = read_yaml(example / "ssj.yaml")
    config["caps"] = {
        "rules": [
            {"category": ["危险化学品"], "grade": ["三级"], "cap": 1},
            {"category": ["危险化学品"], "grade": ["二级"], "cap": 1},
        ],
        "default": 4,
    }
    write_yaml(example / "ssj.yaml", config)
    commit_all(example, "频次上限表")
    key_row = [KEY, "2026-01-20", "专项检查", "青岚区市场监督管理局", "县"]
    assert import_(ssj, example, sheet(example, [OTHERS[0], key_row])).code == 0
    ws = Workspace(example)
    with on(DRAW_DAY):
        frozen = freeze(ws, Request(year=2026, ratio="0.2"), git(example, "rev-parse", "HEAD"))
    assert KEY in {e.id for e in frozen.pool.key}  # a key unit is inspected all the same,
    assert frozen.pool.key_at_cap == [KEY]  # with a warning
    assert "已达频次上限" in frozen.warnings()[0]
    doc = draw(ssj, example)
    assert PLAIN in excluded(doc, AT_CAP)  # 危险化学品 三级: 1 a year, and it has had one
    assert KEY in doc["key"]
    assert any(KEY in w and "已达频次上限" in w for w in doc["warnings"])  # said at the draw
    assert ssj("-C", example, "verify", doc["draw_id"]).code == 0


def test_an_exempt_type_with_a_reason_does_not_count(example, ssj):
    rows = [
        OTHERS[0],
        [PLAIN, "2026-02-03", "个案检查", "青岚区消防救援大队", "县", "", "投诉举报核查"],
    ]
    assert import_(ssj, example, sheet(example, rows)).code == 0
    assert PLAIN not in excluded(draw(ssj, example), AT_CAP)


# ---------------------------------------------------------------- import


def test_reimport_changes_nothing(example, ssj):
    path = sheet(example, OTHERS)
    assert import_(ssj, example, path).code == 0
    head = git(example, "rev-parse", "HEAD")
    before = snapshot(example)
    again = import_(ssj, example, path)
    assert again.code == 0
    assert again.json()["added"] == 0 and again.json()["unchanged"] == 2
    assert again.json()["commit"] is None
    assert git(example, "rev-parse", "HEAD") == head and snapshot(example) == before


def test_merge_adds_new_rows_and_corrects_a_note(example, ssj):
    assert import_(ssj, example, sheet(example, OTHERS)).code == 0
    corrected = [*OTHERS[0][:6], "与消防联合"]
    later = [PLAIN, "2026-06-01", "非现场检查", "青岚区应急管理局", "县"]
    done = import_(ssj, example, sheet(example, [corrected, later], "第二批.xlsx.csv")).json()
    assert (done["added"], done["updated"], done["unchanged"]) == (1, 1, 0)
    stored = read_yaml(example / "plans/2026/ledger.yaml")["inspections"]
    assert [r["date"] for r in stored] == ["2026-01-15", "2026-02-03", "2026-06-01"]
    assert stored[0]["note"] == "与消防联合"


def test_bad_rows_are_all_reported_and_nothing_is_written(example, ssj):
    before = snapshot(example)
    rows = [
        [PLAIN, "2026-13-01", "专项检查", "青岚区市场监督管理局"],
        [PLAIN, "2026-03-01", "日常检查", "青岚区市场监督管理局"],
        ["91350102MA778BKH6X", "2026-03-01", "专项检查", "青岚区市场监督管理局"],
        [PLAIN, "2025-12-30", "专项检查", "青岚区市场监督管理局"],
        [PLAIN, "2026-04-01", "专项检查", "青岚区市场监督管理局", "乡镇"],
        OTHERS[0],
        [*OTHERS[0][:6], "另一份备注"],
    ]
    result = import_(ssj, example, sheet(example, rows))
    assert result.code == 2
    problems = {(p["row"], p["field"]) for p in result.json()["problems"]}
    assert problems == {
        (2, "检查日期"),
        (3, "检查类型"),
        (4, "统一社会信用代码"),
        (5, "检查日期"),
        (6, "检查层级"),
        (8, "统一社会信用代码"),
    }
    assert all(p["file"] == "台账.csv" for p in result.json()["problems"])
    assert snapshot(example) == before


def test_a_missing_column_is_named(example, ssj):
    result = import_(ssj, example, sheet(example, [[PLAIN, "2026-03-01"]], headers=HEADERS[:2]))
    assert result.code == 2
    assert {p["field"] for p in result.json()["problems"]} == {"检查类型", "检查机关"}


# ---------------------------------------------------------------- show


@pytest.fixture
def recorded(example, ssj):
    """A drawn, staffed and partly recorded 2026, with two imported inspections."""
    plan = staffed(ssj, example)
    key = next(t for t in plan["draw"]["key"])
    random = plan["draw"]["selected"][0]["id"]
    for entity in (key, random):
        with on("2026-03-10"):
            done = record(ssj, example, entity, "--end", "2026-03-10", "--result", "未发现问题")
        assert done.code == 0, done.out + done.err
    others = [[random, "2026-04-02", "专项检查", "青岚区市场监督管理局", "县", "青市监检〔2026〕9号"],
              [random, "2026-03-10", "双随机抽查", plan_authority(example), "县"]]  # fmt: skip
    assert import_(ssj, example, sheet(example, others)).code == 0
    return {"key": key, "random": random}


def plan_authority(root: Path) -> str:
    return read_yaml(root / "ssj.yaml")["authority"]


def test_show_lists_own_records_and_imported_rows(example, ssj, recorded):
    result = ssj("-C", example, "ledger", "show", "--year", "2026", "--json")
    assert result.code == 0, result.out + result.err
    doc = result.json()
    by = {(r["entity"], r["source"]): r for r in doc["inspections"]}
    assert by[(recorded["key"], "检查记录")]["type"] == "重点检查"
    own = by[(recorded["random"], "检查记录")]
    assert own["type"] == "双随机抽查" and own["date"] == "2026-03-10" and own["draw_id"]
    assert by[(recorded["random"], "台账导入")]["type"] == "专项检查"
    # the imported row that repeats the record is counted once, from the record
    assert len([r for r in doc["inspections"] if r["entity"] == recorded["random"]]) == 2
    unit = next(u for u in doc["units"] if u["entity"] == recorded["random"])
    assert (unit["counted"], unit["cap"], unit["state"]) == (2, 2, "已达上限")
    one = ssj("-C", example, "ledger", "show", "--year", "2026", "--entity", recorded["random"])
    assert one.code == 0 and "专项检查" in one.out and "已达上限" in one.out
    assert recorded["key"] not in one.out


def test_show_an_unknown_unit_is_an_input_error(example, ssj):
    result = ssj("-C", example, "ledger", "show", "--year", "2026", "--entity", "不存在的公司")
    assert result.code == 2 and "不在检查对象名录库中" in result.out + result.err


# ---------------------------------------------------------------- the 执法监督 report


def docx_text(path: Path) -> str:
    import re
    import zipfile

    with zipfile.ZipFile(path) as book:
        xml = book.read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_supervision_report_in_each_format(example, ssj, recorded, fmt):
    more = [
        [recorded["random"], "2026-05-06", "非现场检查", "青岚区市场监督管理局", "县", "线上核查"]
    ]
    assert import_(ssj, example, sheet(example, more, "第三批.csv")).code == 0
    out = example.parent / f"监督.{fmt}"
    args = ("report", "--kind", "supervision", "--year", "2026", "--format", fmt, "-o", out)
    with on("2026-06-30"):
        result = ssj("-C", example, *args, "--json")
    assert result.code == 0, result.out + result.err
    summary = result.json()["summary"]
    assert (summary["inspections"], summary["own"], summary["imported"]) == (4, 2, 2)
    assert summary["most"] == 3 and summary["distribution"] == {"1": 1, "3": 1}
    assert summary["by_type"] == {"双随机抽查": 1, "重点检查": 1, "专项检查": 1, "非现场检查": 1}
    assert summary["off_site"] == 1 and summary["joint"] == 0
    assert [b["entity"] for b in summary["breaches"]] == [recorded["random"]]
    assert summary["recorded"] == 2 and summary["planned"] > 2
    text = docx_text(out) if fmt == "docx" else out.read_text("utf-8")
    assert "执法监督统计" in text and "超过检查频次上限的单位" in text
    assert "非现场检查1次，占25%" in text
    assert "已完成检查并记录2项" in text


def test_init_ships_the_shanxi_caps_commented_out(example, ssj):
    text = (example / "ssj.yaml").read_text("utf-8")
    assert "caps" not in read_yaml(example / "ssj.yaml")  # commented out: no cap table yet
    head, example_caps = text.split("# caps:\n")
    adopted = (
        head
        + "caps:\n"
        + "".join(line.removeprefix("# ") + "\n" for line in example_caps.splitlines())
    )
    (example / "ssj.yaml").write_text(adopted, "utf-8")
    caps = Workspace(example).config.caps
    assert [r.cap for r in caps.rules] == [2, 4, 8, 12, 1, 2, 4, 1, 2, 4, 6]
    assert caps.exempt == ["个案检查", "上级专项"] and caps.repeat_days == 60
    assert ssj("-C", example, "ledger", "show", "--year", "2026").code == 0
