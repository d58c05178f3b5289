"""ssj plan init / approve / publish: the approved plan as the gate of the draw, the
年度抽查计划公告 and the items it publishes; the empty items list; the gsxt export."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from importlib import resources
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from conftest import SET_UP, commit_all, git, on, read_yaml, write_yaml
from results_flow import record, staffed
from shuangsuiji.core.plan import Plan
from shuangsuiji.core.problems import InputError, Refused
from shuangsuiji.core.results import GSXT_FIELDS, GSXT_RESULTS, RESULT_CODES
from shuangsuiji.services import assign as assignments
from shuangsuiji.services import disclose
from shuangsuiji.workspace import Workspace

DAY = "2026-01-05"


@pytest.fixture
def bureau(tmp_path, clock) -> Path:
    """`ssj init` without the example, its rosters filled with the example's units and
    people, committed at the start of the year: no plan yet."""
    root = tmp_path / "ws"
    with clock.on(SET_UP):
        assert run_ok("init", root, "--authority", "测试区应急管理局")
        example = resources.files("shuangsuiji.example")
        for kind in ("entities", "inspectors"):
            text = example.joinpath(f"{kind}.yaml").read_text("utf-8")
            (root / "rosters" / f"{kind}.yaml").write_text(text, encoding="utf-8")
        commit_all(root, "名录库")
    return root


def run_ok(*args) -> bool:
    from conftest import run

    result = run(*args)
    assert result.code == 0, result.out + result.err
    return True


def draw(ssj, root: Path, *args: str, day: str = DAY):
    with on(day):
        return ssj("-C", root, "draw", "--year", "2026", "--seed", "s1", *args, "--json")


def plan_init(ssj, root: Path) -> None:
    with on(DAY):
        result = ssj("-C", root, "plan", "init", "--year", "2026")
    assert result.code == 0, result.out + result.err


def approve(ssj, root: Path, day: str = "2026-01-04", *args: str):
    with on(DAY):
        return ssj(
            "-C", root, "plan", "approve", "--year", "2026", "--date", day,
            "--document", "测政字〔2026〕3号", *args, "--json",
        )  # fmt: skip


# ---------------------------------------------------------------- plan init


def test_plan_init_writes_every_field_of_a_filed_plan(bureau, ssj):
    result = ssj("-C", bureau, "plan", "init", "--year", "2026", "--json")
    assert result.code == 0, result.out + result.err
    path = bureau / "plans/2026/plan.yaml"
    text = path.read_text(encoding="utf-8")
    plan = Plan.model_validate(read_yaml(path))
    for name in Plan.model_fields:  # a field added to the model is added to the template
        assert f"\n{name}:" in text, name
    assert plan.approval is None and plan.publications == []
    assert plan.basis and plan.guiding and plan.goals and plan.key_scope
    assert plan.title == "测试区应急管理局2026年度“双随机、一公开”监管抽查工作方案"
    assert "# 编制依据" in text and "# 指导思想与工作目标" in text and "# 重点检查范围" in text
    assert "#   危险化学品:" in text  # the categories of ssj.yaml, as a commented example
    # the template draws as a plan with no file would: no stratum of its own
    assert plan.categories == {} and plan.ratio == Plan(year=2026).ratio
    assert plan.periods == Plan(year=2026).periods
    assert git(bureau, "status", "--porcelain") == ""  # committed
    again = ssj("-C", bureau, "plan", "init", "--year", "2026")
    assert again.code == 1 and "已存在" in again.err
    assert path.read_text(encoding="utf-8") == text


# ---------------------------------------------------------------- the gate


def test_no_draw_before_the_plan_is_approved(bureau, ssj):
    refused = draw(ssj, bureau, "--ratio", "0.2")
    assert refused.code == 1 and "尚未批准" in refused.out and "ssj plan approve" in refused.out
    with on(DAY):
        prepared = ssj("-C", bureau, "draw", "prepare", "--year", "2026", "--ratio", "0.2")
    assert prepared.code == 1 and "尚未批准" in prepared.err
    assert not (bureau / "plans/2026/draws").exists()
    # a dry run shows the pool: it draws nothing
    with on(DAY):
        assert ssj("-C", bureau, "draw", "--year", "2026", "--ratio", "0.2", "--dry-run").code == 0

    plan_init(ssj, bureau)
    assert draw(ssj, bureau, "--ratio", "0.2").code == 1  # written, not yet approved
    done = approve(ssj, bureau)
    assert done.code == 0, done.out + done.err
    assert done.json()["approval"] == {
        "date": "2026-01-04",
        "document": "测政字〔2026〕3号",
        "by": "区人民政府",
    }
    # a late entry dated before the approval is refused too
    early = draw(ssj, bureau, "--ratio", "0.2", "--date", "2026-01-03", "--reason", "补录")
    assert early.code == 1 and "早于 2026 年度方案的批准日期 2026-01-04" in early.out
    drawn = draw(ssj, bureau, "--ratio", "0.2")
    assert drawn.code == 0, drawn.out
    assert ssj("-C", bureau, "audit", "--as-of", DAY).code == 0


def test_approval_is_a_past_event_recorded_once(bureau, ssj):
    plan_init(ssj, bureau)
    future = approve(ssj, bureau, "2026-01-06")
    assert future.code == 2 and "将来" in future.out
    by = approve(ssj, bureau, "2026-01-04", "--by", "局党组")
    assert by.code == 0 and by.json()["approval"]["by"] == "局党组"
    plan = read_yaml(bureau / "plans/2026/plan.yaml")
    assert plan["approval"] == {
        "date": "2026-01-04",
        "document": "测政字〔2026〕3号",
        "by": "局党组",
    }
    assert "# 编制依据" in (bureau / "plans/2026/plan.yaml").read_text(encoding="utf-8")  # kept
    log = git(bureau, "log", "-1", "--format=%s")
    assert "2026 年度方案批准：局党组" in log
    twice = approve(ssj, bureau, "2026-01-05")
    assert twice.code == 1 and "已于 2026-01-04 批准" in twice.out


def test_no_approval_without_a_plan(bureau, ssj):
    result = approve(ssj, bureau)
    assert result.code == 1 and "ssj plan init --year 2026" in result.out


def test_the_example_is_approved_and_its_items_published(example):
    plan = Plan.model_validate(read_yaml(example / "plans/2026/plan.yaml"))
    assert plan.approval is not None and plan.approval.date.isoformat() == "2026-01-01"
    items = read_yaml(example / "rosters/items.yaml")["items"]
    assert [p.items for p in plan.publications] == [[i["code"] for i in items]]


# ---------------------------------------------------------------- plan publish


def test_init_approve_publish_end_to_end(bureau, ssj, tmp_path):
    announcement = tmp_path / "公告.html"
    plan_init(ssj, bureau)
    with on(DAY):
        early = ssj("-C", bureau, "plan", "publish", "--year", "2026", "-o", announcement)
    assert early.code == 1 and "尚未批准" in early.err and not announcement.exists()
    assert approve(ssj, bureau).code == 0
    with on(DAY):
        done = ssj("-C", bureau, "plan", "publish", "--year", "2026", "-o", announcement, "--json")
    assert done.code == 0, done.out + done.err
    page = announcement.read_text(encoding="utf-8")
    items = read_yaml(bureau / "rosters/items.yaml")["items"]
    assert "测试区应急管理局2026年度" in page and "抽查计划公告" in page
    assert "经区人民政府于2026年1月4日批准（测政字〔2026〕3号）" in page
    assert all(i["code"] in page and i["name"] in page for i in items)
    assert "未经公布的事项不得实施检查" in page
    plan = read_yaml(bureau / "plans/2026/plan.yaml")
    assert plan["publications"][0]["date"] == DAY
    assert plan["publications"][0]["items"] == [i["code"] for i in items]
    assert plan["publications"][0]["file"] == "公告.html"
    assert git(bureau, "status", "--porcelain") == ""
    # docx, on an earlier day as a late entry
    paper = tmp_path / "公告.docx"
    with on("2026-01-06"):
        late = ssj(
            "-C", bureau, "plan", "publish", "--year", "2026", "--format", "docx", "-o", paper,
            "--date", DAY, "--reason", "公告当日未及时录入",
        )  # fmt: skip
    assert late.code == 0, late.out + late.err
    text = "\n".join(p.text for p in docx.Document(str(paper)).paragraphs)
    assert "抽查计划公告" in text
    assert (
        read_yaml(bureau / "plans/2026/plan.yaml")["publications"][1]["reason"]
        == "公告当日未及时录入"
    )
    # then the year runs: drawn, staffed, and the audit finds nothing
    assert draw(ssj, bureau, "--ratio", "0.2", day="2026-01-06").code == 0
    with on("2026-01-06"):
        assert ssj("-C", bureau, "assign", "--year", "2026", "--seed", "a1").code == 0
        audited = ssj("-C", bureau, "audit", "--json")
        assert audited.code == 0, audited.out


def test_plan_publish_needs_items(example, ssj, tmp_path):
    (example / "rosters/items.yaml").write_text("items: []\n", encoding="utf-8")
    commit_all(example, "清空事项")
    result = ssj("-C", example, "plan", "publish", "--year", "2026", "-o", tmp_path / "a.html")
    assert result.code == 1 and "ssj roster import" in result.err


# ---------------------------------------------------------------- items at ssj assign


def test_an_empty_items_list_refuses_assign(example, ssj):
    with on(DAY):
        assert ssj("-C", example, "draw", "--ratio", "0.2", "--seed", "s").code == 0
    (example / "rosters/items.yaml").write_text("items: []\n", encoding="utf-8")
    commit_all(example, "清空事项")
    result = ssj("-C", example, "assign", "--seed", "a")
    assert result.code == 1
    assert "随机抽查事项清单" in result.err and "ssj roster import" in result.err
    assert "ssj init" in result.err  # or start from the shipped list
    assert not (example / "plans/2026/assignments").exists()


def test_every_init_ships_the_items_of_the_list(empty_ws):
    items = read_yaml(empty_ws / "rosters/items.yaml")["items"]
    example = read_yaml(Path(str(resources.files("shuangsuiji.example").joinpath("items.yaml"))))
    assert [i["code"] for i in items] == [i["code"] for i in example["items"]]
    assert {i["subject"] for i in items} == {"测试区应急管理局"}
    assert sum(i["categories"] == ["通用"] for i in items) == 14  # the general items


def test_items_not_yet_published_are_found_at_assign(example, ssj):
    path = example / "rosters/items.yaml"
    data = read_yaml(path)
    data["items"].append({"code": "TY-15", "name": "新增通用事项", "categories": ["通用"]})
    data["items"].append(
        {"code": "TY-16", "name": "单独公布的事项", "categories": ["通用"], "published": DAY}
    )
    write_yaml(path, data)
    commit_all(example, "新增事项")
    with on(DAY):
        assert ssj("-C", example, "draw", "--ratio", "0.2", "--seed", "s").code == 0
        assert ssj("-C", example, "assign", "--seed", "a").code == 0
    ws = Workspace(example)
    from shuangsuiji.workspace.records import all_assignments

    matching = all_assignments(ws)[0]
    assert assignments.unpublished(ws, matching, Workspace(example).clock.today()) == ["TY-15"]
    assert assignments.unpublished(ws, matching, date(2026, 1, 4)) == ["TY-15", "TY-16"]


# ---------------------------------------------------------------- publication


def test_result_codes_map_every_result():
    assert set(GSXT_RESULTS) == set(RESULT_CODES)
    assert GSXT_RESULTS["发现问题已责令改正"] == ("E", "发现问题经责令已改正")
    assert GSXT_RESULTS["未发现开展本次抽查涉及的经营活动"][0] == "F"
    assert [GSXT_RESULTS[r][0] for r in ("注销", "被吊销")] == ["9", "10"]


def test_inspection_type_per_task(example, ssj, tmp_path):
    plan = staffed(ssj, example)
    key = plan["draw"]["key"][0]
    drawn = plan["draw"]["selected"][0]["id"]
    for entity in (key, drawn):
        assert (
            record(ssj, example, entity, "--end", "2026-03-10", "--result", "未发现问题").code == 0
        )
    out = tmp_path / "结果.json"
    with on("2026-03-12"):
        result = ssj(
            "-C", example, "disclose", "publish", "--year", "2026", "--format", "json", "-o", out
        )
    assert result.code == 0, result.out + result.err
    rows = {r["entity"]: r for r in json.loads(out.read_text("utf-8"))["results"]}
    assert rows[key]["type"] == "重点检查" and rows[drawn]["type"] == "双随机抽查"


def test_gsxt_export(example, ssj, tmp_path):
    plan = staffed(ssj, example)
    key = plan["draw"]["key"][0]
    first, second = (p["id"] for p in plan["draw"]["selected"][:2])
    assert record(ssj, example, key, "--end", "2026-03-10", "--result", "未发现问题").code == 0
    assert record(ssj, example, first, "--end", "2026-03-10", "--result", "未发现问题").code == 0
    closed = record(ssj, example, second, "--end", "2026-03-11", "--result", "注销")
    assert closed.code == 0, closed.out
    ws = Workspace(example)
    out = tmp_path / "双随机抽查结果.xlsx"
    with on("2026-03-12"), pytest.raises(InputError, match="department_code"):
        disclose.publish(ws, 2026, None, "gsxt", out, everything=False, commit=True)
    config = read_yaml(example / "ssj.yaml")
    config["department_code"] = "350102"
    write_yaml(example / "ssj.yaml", config)
    commit_all(example, "部门代码")
    with on("2026-03-12"):
        done = disclose.publish(Workspace(example), 2026, None, "gsxt", out, False, True)
    sheet = load_workbook(out).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0] == list(GSXT_FIELDS.values())
    assert rows[0][2:11] == [
        "抽查计划编号", "抽查计划名称", "抽查任务编号", "抽查任务名称", "抽查类型",
        "抽查机关", "抽查完成日期", "检查事项", "检查结果",
    ]  # fmt: skip
    body = {r[0]: r for r in rows[1:]}
    assert set(body) == {first, second}  # the key unit is no 双随机抽查
    row = body[second]
    assert row[2] == "35010220260001" and row[4] == "350102202600010001"
    assert row[3] == "青岚区应急管理局2026年度“双随机、一公开”监管抽查工作方案"
    assert "第1批" in row[5] and row[6] == "不定向" and row[7] == "青岚区应急管理局"
    assert row[8] == "2026-03-11" and row[10:] == ["注销", "9"]
    assert row[9]  # the items checked, by name
    assert [e.entity for e in done.publication.entries] == sorted([first, second])
    assert done.publication.format == "gsxt"
    # csv by the suffix; nothing left to publish, then the key unit in another format
    again = tmp_path / "结果.csv"
    with on("2026-03-12"):
        disclose.publish(Workspace(example), 2026, None, "gsxt", again, True, True)
    text = again.read_bytes().decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text)))[:3] == [
        "统一社会信用代码",
        "企业名称",
        "抽查计划编号",
    ]
    with on("2026-03-12"):
        pending = ssj("-C", example, "disclose", "status", "--year", "2026", "--json").json()
    due = {e["entity"] for e in pending["entries"] if e["disclosed"] is None}
    assert due == {key}
    with on("2026-03-12"), pytest.raises(Refused, match="重点检查"):
        disclose.publish(Workspace(example), 2026, None, "gsxt", out, False, True)
