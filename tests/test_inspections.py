"""ssj record and ssj status on real workspaces with real git: records, bulk input, amendments."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from conftest import git, snapshot
from results_flow import csv_bytes, record, staffed
from shuangsuiji.core.results import RecordFile
from shuangsuiji.storage import yamlio


@pytest.fixture
def plan(example, ssj):
    return staffed(ssj, example)


def task_in(plan, period: str, n: int = 0) -> dict:
    return sorted((t for t in plan["tasks"] if t["period"] == period), key=lambda t: t["entity"])[n]


def load(root, entity) -> RecordFile:
    path = root / "plans/2026/records" / f"{entity}.yaml"
    return RecordFile.model_validate(yamlio.load(path))


# ---------------------------------------------------------------- one task


def test_record_by_options_defaults_to_the_assigned_team(example, plan, ssj):
    task = task_in(plan, "2-3")
    result = record(ssj, example, task["entity"], "--end", "2026-03-10", "--result", "未发现问题")
    assert result.code == 0, result.out + result.err
    doc = result.json()
    assert doc["written"][0]["version"] == 1 and doc["written"][0]["change"] == "记录"
    current = load(example, task["entity"]).current()
    assert current.inspectors == task["inspectors"]
    assert current.items == task["checklist"]
    assert current.start == current.end == date(2026, 3, 10)
    assert git(example, "log", "-1", "--format=%s").startswith("记录检查结果：" + task["entity"])
    assert doc["commit"] == git(example, "rev-parse", "HEAD").strip()
    assert git(example, "status", "--porcelain") == ""


def test_not_a_task_and_bad_values_are_input_errors(example, plan, ssj):
    before = snapshot(example)
    other = "91350102MA778BKH6C"  # in the roster, not drawn
    assert other not in plan["by_entity"]
    result = record(ssj, example, other, "--end", "2026-03-10", "--result", "未发现问题")
    assert result.code == 2 and "不是 2026 年度" in result.out
    task = task_in(plan, "2-3")
    bad = record(ssj, example, task["entity"], "--end", "2026-13-40", "--result", "未发现问题")
    assert bad.code == 2  # a date that does not exist is refused as the option is read
    assert bad.json()["problems"][0]["field"] == "--end"
    bad = record(ssj, example, task["entity"], "--end", "2026-03-10", "--result", "良好")
    assert bad.code == 2
    assert {p["field"] for p in bad.json()["problems"]} == {"检查结果"}
    assert snapshot(example) == before


def test_team_rules(example, plan, ssj):
    task = task_in(plan, "2-3")
    team = task["inspectors"]
    outsider = next(
        p for p in ("35010220001", "35010220002", "35010220003", "35010220004") if p not in team
    )
    changed = f"{team[0]};{outsider}"
    result = record(ssj, example, task["entity"], "--end", "2026-03-10", "--result", "未发现问题",
                    "--inspectors", changed)  # fmt: skip
    assert result.code == 2
    assert result.json()["problems"][0]["field"] == "人员变动理由"
    alone = record(ssj, example, task["entity"], "--end", "2026-03-10", "--result", "未发现问题",
                   "--inspectors", team[0], "--team-reason", "另一人病假")  # fmt: skip
    assert alone.code == 2 and "至少应有 2 名" in alone.out
    ok = record(ssj, example, task["entity"], "--end", "2026-03-10", "--result", "未发现问题",
                "--inspectors", changed, "--team-reason", "原定人员借调")  # fmt: skip
    assert ok.code == 0, ok.out
    current = load(example, task["entity"]).current()
    assert current.team_reason == "原定人员借调" and outsider in current.inspectors


def test_names_are_taken_for_certificate_numbers(example, plan, ssj):
    from results_flow import people

    task = task_in(plan, "2-3")
    names = ";".join(people(example)[i].name for i in task["inspectors"])
    result = record(ssj, example, task["entity"], "--end", "2026-03-10", "--result", "未发现问题",
                    "--inspectors", names)  # fmt: skip
    assert result.code == 0, result.out
    assert load(example, task["entity"]).current().inspectors == task["inspectors"]


def test_a_task_without_assignment_is_refused(example, ssj):
    drawn = ssj("-C", example, "draw", "--year", "2026", "--date", "2026-01-05", "--reason", "补录", "--ratio", "0.2",
                "--seed", "x-1", "--json")  # fmt: skip
    entity = drawn.json()["selected"][0]["id"]
    result = record(ssj, example, entity, "--end", "2026-03-10", "--result", "未发现问题")
    assert result.code == 1 and "尚未匹配检查人员" in result.out


# ---------------------------------------------------------------- amendments


def test_amendments_are_appended_never_rewritten(example, plan, ssj):
    task = task_in(plan, "2-3")
    entity = task["entity"]
    path = example / "plans/2026/records" / f"{entity}.yaml"
    assert record(ssj, example, entity, "--end", "2026-03-10", "--result", "未发现问题").code == 0
    first = path.read_bytes()

    # Changing what was recorded needs a reason; nothing is written without one.
    hazard = "消防通道堵塞;一般;2026-03-24;青应急责改〔2026〕7号"
    refused = record(ssj, example, entity, "--result", "发现问题已责令改正", "--hazard", hazard)
    assert refused.code == 2 and "更正理由" in refused.out
    assert path.read_bytes() == first

    fixed = record(ssj, example, entity, "--result", "发现问题已责令改正", "--hazard", hazard,
                   "--reason", "补录漏记的隐患")  # fmt: skip
    assert fixed.code == 0, fixed.out
    assert fixed.json()["written"][0]["change"] == "更正"
    second = path.read_bytes()
    assert second.startswith(first)

    # A re-inspection is a 补充 and needs no reason.
    check = ssj("-C", example, "record", "reinspect", entity, "--year", "2026", "--date",
                "2026-03-24", "--outcome", "已整改", "--json")  # fmt: skip
    assert check.code == 0, check.out
    assert check.json()["written"][0]["change"] == "补充"
    third = path.read_bytes()
    assert third.startswith(second)

    versions = load(example, entity).versions
    assert [(v.version, v.change, v.reason) for v in versions] == [
        (1, "记录", None),
        (2, "更正", "补录漏记的隐患"),
        (3, "补充", None),
    ]
    assert versions[0].result == "未发现问题" and versions[2].findings[0].closed
    # Every version is in git history, and every commit only appended.
    rel = f"plans/2026/records/{entity}.yaml"
    commits = git(example, "log", "--format=%H", "--", rel).split()
    assert len(commits) == 3
    texts = [git(example, "show", f"{c}:{rel}") for c in reversed(commits)]
    assert all(b.startswith(a) for a, b in itertools.pairwise(texts))
    shown = ssj("-C", example, "record", "show", entity, "--year", "2026", "--json").json()
    assert [h["change"] for h in shown["history"]] == ["记录", "更正", "补充"]
    assert "检查结果：未发现问题 → 发现问题已责令改正" in shown["history"][1]["changes"]
    assert len(shown["commits"]) == 3


def test_reinspection_of_a_fixed_hazard_is_refused(example, plan, ssj):
    entity = task_in(plan, "2-3")["entity"]
    assert record(ssj, example, entity, "--end", "2026-03-10", "--result", "发现问题已责令改正",
                  "--hazard", "灭火器过期;一般;当场整改").code == 0  # fmt: skip
    result = ssj("-C", example, "record", "reinspect", entity, "--year", "2026", "--date",
                 "2026-03-24", "--outcome", "已整改")  # fmt: skip
    assert result.code == 2 and "未整改的：无" in result.err


# ---------------------------------------------------------------- bulk input


def test_bulk_csv_gb18030_with_bad_rows_writes_nothing_and_names_them(example, plan, ssj, tmp_path):
    a, b, c = (task_in(plan, "2-3", n)["entity"] for n in range(3))
    rows = [
        [a, "2026-03-09", "2026-03-10", "", "未发现问题"],
        [
            b,
            "",
            "2026年3月11日",
            "",
            "发现问题已责令改正",
            "",
            "安全出口锁闭",
            "一般",
            "2026-03-25",
        ],
        [c, "", "2026-03-12", "", "检查合格"],  # row 4: not a national result code
        ["91350102MA778BKH6D", "", "2026-03-12", "", "未发现问题"],  # row 5: bad check digit
    ]
    path = tmp_path / "检查结果.csv"
    path.write_bytes(csv_bytes(rows, "gb18030"))
    before, head = snapshot(example), git(example, "rev-parse", "HEAD")
    result = ssj("-C", example, "record", "--from", path, "--year", "2026", "--json")
    assert result.code == 2
    found = {(p["row"], p["field"]) for p in result.json()["problems"]}
    assert found == {(4, "检查结果"), (5, "统一社会信用代码")}
    assert snapshot(example) == before and git(example, "rev-parse", "HEAD") == head
    human = ssj("-C", example, "record", "--from", path, "--year", "2026")
    assert "未写入任何文件" in human.err and "Traceback" not in human.err

    rows[2][4], rows[3][0] = "未发现问题", task_in(plan, "2-3", 3)["entity"]
    path.write_bytes(csv_bytes(rows, "gb18030"))
    result = ssj("-C", example, "record", "--from", path, "--year", "2026", "--json")
    assert result.code == 0, result.out
    assert len(result.json()["written"]) == 4
    assert load(example, b).current().findings[0].deadline == date(2026, 3, 25)
    assert git(example, "status", "--porcelain") == ""


def xlsx(path, rows, headers):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_bulk_xlsx_one_row_per_hazard(example, plan, ssj, tmp_path):
    a = task_in(plan, "2-3", 0)
    b = task_in(plan, "2-3", 1)["entity"]
    headers = ["统一社会信用代码", "检查结束日期", "检查人员", "检查结果", "隐患描述", "隐患等级",
               "整改期限", "复查日期", "复查结论", "处罚决定书文号", "罚款金额", "备注列（无用）"]  # fmt: skip
    team = "；".join(a["inspectors"])
    rows = [
        [a["entity"], date(2026, 3, 10), team, "发现问题已责令改正", "安全出口锁闭", "一般",
         date(2026, 3, 24), date(2026, 3, 20), "已整改"],
        [a["entity"], None, None, None, "重大危险源未登记建档", "重大", "2026-04-10", None, None,
         "青应急罚〔2026〕3号", "2万元"],
        [b, date(2026, 3, 11), None, "未发现问题", None, "重大"],  # row 4: a level but no hazard
    ]  # fmt: skip
    path = tmp_path / "检查结果.xlsx"
    xlsx(path, rows, headers)
    before = snapshot(example)
    result = ssj("-C", example, "record", "--from", path, "--year", "2026", "--json")
    assert result.code == 2
    assert [(p["row"], p["field"]) for p in result.json()["problems"]] == [(4, "隐患描述")]
    assert snapshot(example) == before

    rows[2][5] = None
    xlsx(path, rows, headers)
    result = ssj("-C", example, "record", "--from", path, "--year", "2026", "--json")
    assert result.code == 0, result.out
    assert result.json()["unused_columns"] == ["备注列（无用）"]
    current = load(example, a["entity"]).current()
    assert [f.description for f in current.findings] == ["安全出口锁闭", "重大危险源未登记建档"]
    assert current.findings[0].closed and not current.findings[1].closed
    assert current.findings[1].level == "重大事故隐患"
    assert current.penalties[0].amount == 20000
    assert current.source == "导入 检查结果.xlsx 第 2、3 行"

    # The same sheet again: nothing new. A sheet older than the record: nothing either.
    again = ssj("-C", example, "record", "--from", path, "--year", "2026", "--json").json()
    assert again["written"] == [] and len(again["unchanged"]) == 2
    assert ssj("-C", example, "record", "reinspect", a["entity"], "--year", "2026", "--date",
               "2026-04-10", "--outcome", "已整改").code == 0  # fmt: skip
    again = ssj("-C", example, "record", "--from", path, "--year", "2026", "--json").json()
    assert again["written"] == []


def test_rows_of_one_task_must_agree(example, plan, ssj, tmp_path):
    a = task_in(plan, "2-3")["entity"]
    rows = [
        [a, "", "2026-03-10", "", "发现问题已责令改正", "", "甲", "一般", "2026-03-24"],
        [a, "", "2026-03-11", "", "", "", "乙", "一般", "2026-03-24"],
    ]
    path = tmp_path / "x.csv"
    path.write_bytes(csv_bytes(rows, "utf-8-sig"))
    result = ssj("-C", example, "record", "--from", path, "--year", "2026", "--json")
    assert result.code == 2
    problem = result.json()["problems"][0]
    assert (
        problem["row"] == 3
        and problem["field"] == "检查结束日期"
        and "第 2 行" in problem["message"]
    )


def test_bulk_yaml(example, plan, ssj, tmp_path):
    a = task_in(plan, "2-3")["entity"]
    path = tmp_path / "records.yaml"
    path.write_text(
        f"records:\n- 统一社会信用代码: '{a}'\n  检查结束日期: 2026-03-10\n  检查结果: 未发现问题\n"
        f"- 统一社会信用代码: '{a}'\n  检查结果: 未发现问题\n  隐患等级: 重大\n",
        encoding="utf-8",
    )
    result = ssj("-C", example, "record", "--from", path, "--year", "2026", "--json")
    assert result.code == 2 and result.json()["problems"][0]["line"] == 5


def test_missing_required_column(example, plan, ssj, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(csv_bytes([["91350102604010605L"]], "utf-8", headers=["统一社会信用代码"]))
    result = ssj("-C", example, "record", "--from", path, "--year", "2026", "--json")
    assert result.code == 2
    assert {p["field"] for p in result.json()["problems"]} == {"检查结束日期", "检查结果"}


def test_template_has_drop_downs_and_the_open_tasks(example, plan, ssj, tmp_path):
    out = tmp_path / "模板.xlsx"
    result = ssj("-C", example, "record", "template", "-o", out, "--year", "2026", "--json")
    assert result.code == 0, result.out
    sheet = load_workbook(out).active
    headers = [c.value for c in sheet[1]]
    for h in ("统一社会信用代码", "检查开始日期", "检查结束日期", "检查人员", "检查结果", "检查事项",
              "隐患描述", "隐患等级", "整改期限", "复查日期", "复查结论", "处罚决定书文号", "罚款金额"):  # fmt: skip
        assert h in headers
    lists = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert any("未发现问题" in f and "发现问题已责令改正" in f for f in lists)
    assert any("重大事故隐患" in f for f in lists) and any("已整改" in f for f in lists)
    assert all(len(f) <= 257 for f in lists)  # Excel's limit for a literal list
    assert sheet.max_row - 1 == len(plan["tasks"])

    # Filled in, it imports.
    column = {h: i + 1 for i, h in enumerate(headers)}
    sheet.cell(2, column["检查结束日期"]).value = date(2026, 3, 10)
    sheet.cell(2, column["检查结果"]).value = "未发现问题"
    entity = sheet.cell(2, 1).value
    sheet.delete_rows(3, sheet.max_row)
    sheet.parent.save(out)
    result = ssj("-C", example, "record", "--from", out, "--year", "2026", "--json")
    assert result.code == 0, result.out
    assert result.json()["written"][0]["entity"] == entity
    again = ssj("-C", example, "record", "template", "-o", out, "--year", "2026", "--json")
    assert again.json()["rows"] == len(plan["tasks"]) - 1


# ---------------------------------------------------------------- status


def test_status(example, plan, ssj):
    spring = sorted(t["entity"] for t in plan["tasks"] if t["period"] == "2-3")
    a, b = spring[:2]
    assert record(ssj, example, a, "--end", "2026-03-10", "--result", "发现问题已责令改正",
                  "--hazard", "安全出口锁闭;一般;2026-03-24").code == 0  # fmt: skip
    assert record(ssj, example, b, "--end", "2026-03-12", "--result", "未发现问题").code == 0
    doc = ssj("-C", example, "status", "--year", "2026", "--as-of", "2026-04-09", "--json").json()
    c = doc["counts"]
    assert c["tasks"] == len(plan["tasks"]) and c["recorded"] == 2
    assert c["missing"] == len(spring) - 2  # the 2-3 period is over
    assert {t["entity"] for t in doc["tasks"] if t["state"] == "missing"} == set(spring[2:])
    assert [(h["entity"], h["state"]) for h in doc["hazards"]] == [(a, "overdue")]
    states = {d["entity"]: (d["deadline"], d["state"], d["overdue"]) for d in doc["disclosures"]}
    # 3/10 + 20 working days = 4/8 (清明 4/4-4/6 off); 3/12 -> 4/10.
    assert states == {a: ("2026-04-08", "overdue", True), b: ("2026-04-10", "due", False)}
    human = ssj("-C", example, "status", "--year", "2026", "--as-of", "2026-04-09")
    assert human.code == 0 and "逾期未记录" in human.out and "须复查的隐患" in human.out
