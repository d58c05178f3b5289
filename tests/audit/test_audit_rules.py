"""One test per rule: the finding, its file and line, and the exit code."""

import datetime

import pytest
from audit_kit import (
    ASSIGN_SEED,
    SEED,
    assign,
    audit,
    complete_year,
    draw,
    drawn_and_assigned,
    edit,
    findings,
    plan_path,
    read_yaml,
    write_yaml,
)

from conftest import commit_all, git, on

DRAW = "plans/2026/draws/2026-1.yaml"
ASSIGNMENT = "plans/2026/assignments/2026-1.yaml"
HEADER = "# 由 ssj 生成，提交后不得修改（ssj audit 会核对）。\n"


def people(root):
    return {p["id"]: p for p in read_yaml(root / "rosters" / "inspectors.yaml")["inspectors"]}


def test_r1_a_record_under_the_floor(example, ssj):
    """A record made outside ssj: it re-runs exactly, but its ratio is under the floor."""
    from shuangsuiji.workspace import Workspace, drawing, writer

    with on("2026-03-01"):
        ws = Workspace(example)
        head = git(example, "rev-parse", "HEAD").strip()
        request = drawing.Request(year=2026, ratio="0.2", day=datetime.date(2026, 3, 1))
        frozen = drawing.freeze(ws, request, head)
        frozen.strata = [s.model_copy(update={"ratio": "0.1"}) for s in frozen.strata]
        frozen.strata = drawing.resize(frozen, frozen.strata)
        record = drawing.execute(frozen, SEED, "手工", False, None, ws.clock.now())
        (example / DRAW).parent.mkdir(parents=True)
        (example / DRAW).write_text(writer.dump(record), encoding="utf-8")
        commit_all(example, "比例低于下限的抽取")
    code, doc = audit(ssj, example)
    assert code == 1
    assert not findings(doc, "R14")  # it reproduces
    r1 = findings(doc, "R1", "error")
    assert r1 and {f["file"] for f in r1} == {DRAW}
    assert "最低比例 20%" in r1[0]["message"] and r1[0]["line"]


def test_r2_key_units_without_a_task(example, ssj):
    draw(ssj, example, "--where", "监管类别=烟花爆竹", "--count", "2")
    code, doc = audit(ssj, example)
    assert code == 0  # the year is not over: a warning
    r2 = findings(doc, "R2", "warning")
    assert r2 and all(f["file"] == "rosters/entities.yaml" and f["line"] for f in r2)
    assert "年度未结束" in r2[0]["message"]
    code, doc = audit(ssj, example, "--as-of", "2027-01-10")
    assert code == 1 and findings(doc, "R2", "error")
    # an undirected second draw lists them as key tasks
    draw(ssj, example, "--ratio", "0.2", day="2026-05-01", seed="second")
    assert not findings(audit(ssj, example, "--as-of", "2027-01-10")[1], "R2")


@pytest.mark.set_up("2024-01-02")
def test_r3_units_not_inspected_for_two_years(example, ssj, tmp_path):
    draw(ssj, example, "--ratio", "0.2", year="2024", day="2024-03-01", seed="s24")
    complete_year(ssj, example, 2024, tmp_path)
    draw(ssj, example, "--ratio", "0.2", year="2025", day="2025-03-01", seed="s25")
    complete_year(ssj, example, 2025, tmp_path)
    code, doc = audit(ssj, example, "--as-of", "2026-01-05")
    r3 = findings(doc, "R3")
    assert code == 0, doc["findings"]
    assert r3 and {f["severity"] for f in r3} == {"warning"}
    assert all("2024–2025" in f["message"] and f["year"] == 2025 for f in r3)
    assert all(f["file"] == "rosters/entities.yaml" and f["line"] for f in r3)
    assert audit(ssj, example, "--as-of", "2026-01-05", "--strict")[0] == 1
    # the 2026 draw forces exactly these units in
    third = draw(ssj, example, "--ratio", "0.2", year="2026", day="2026-03-01", seed="s26")
    assert {f["message"].split("（")[1].split("）")[0] for f in r3} == set(third["forced"])


def test_r5_two_branches_drawing_the_same_units(example, ssj):
    git(example, "checkout", "-q", "-b", "a")
    first = draw(ssj, example, "--ratio", "0.3", "--draw-id", "2026-A")
    git(example, "checkout", "-q", "-")
    git(example, "checkout", "-q", "-b", "b")
    second = draw(ssj, example, "--ratio", "0.3", "--draw-id", "2026-B", day="2026-03-02", seed="b")
    git(example, "checkout", "-q", "-")
    git(example, "merge", "-q", "--no-edit", "a")
    git(example, "merge", "-q", "--no-edit", "b")
    both = {p["id"] for p in first["selected"]} & {p["id"] for p in second["selected"]}
    assert both
    code, doc = audit(ssj, example)
    assert code == 1
    r5 = findings(doc, "R5", "error")
    cooled = [f for f in r5 if "冷却期" in f["message"]]
    assert {f["message"].split("（")[1].split("）")[0] for f in cooled} == both
    assert all(f["file"] == "plans/2026/draws/2026-B.yaml" and f["line"] for f in cooled)


def test_r6_replacement_after_assignment_leaves_a_task_without_team(example, ssj):
    drawn, _ = drawn_and_assigned(ssj, example)
    target = drawn["selected"][0]["id"]
    assert ssj("-C", example, "draw", "replace", target, "--reason", "已注销").code == 0
    code, doc = audit(ssj, example)
    assert code == 1
    r6 = findings(doc, "R6", "error")
    assert any("没有匹配检查人员" in f["message"] for f in r6)
    assert all(f["file"] == ASSIGNMENT for f in r6)


def test_r6_substitute_with_expired_certificate(example, ssj):
    _, assigned = drawn_and_assigned(ssj, example)
    task = assigned["tasks"][0]
    expired = "35010220006"  # 刘思远, certificate valid until 2025-06-30
    assert people(example)[expired]["valid_until"] < datetime.date(2026, 1, 1)
    write_yaml(
        example / "plans/2026/assignments/2026-1.substitutions.yaml",
        {
            "draw_id": "2026-1",
            "substitutions": [
                {
                    "task": task["entity"],
                    "inspector": task["inspectors"][0],
                    "replacement": expired,
                    "reason": "手工替换",
                    "recorded_at": "2026-03-05T09:00:00+08:00",
                }
            ],
        },
        HEADER,
    )
    commit_all(example, "手工替换人员")
    code, doc = audit(ssj, example)
    assert code == 1
    (finding,) = findings(doc, "R6")
    assert finding["file"] == ASSIGNMENT and "证件有效期至 2025-06-30" in finding["message"]
    lines = (example / ASSIGNMENT).read_text(encoding="utf-8").splitlines()
    assert task["entity"] in lines[finding["line"] - 1]


def test_r6_officer_now_off_duty(example, ssj):
    _, assigned = drawn_and_assigned(ssj, example)
    officer = assigned["tasks"][0]["inspectors"][0]
    path = example / "rosters" / "inspectors.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f'id: "{officer}"')
    end = text.index("status: 在岗", start)
    path.write_text(
        text[:end] + "status: 病休" + text[end + len("status: 在岗") :], encoding="utf-8"
    )
    commit_all(example, "病休")
    code, doc = audit(ssj, example, "--as-of", "2026-01-15")
    assert code == 0
    assert any("病休" in f["message"] for f in findings(doc, "R6", "warning"))


def test_r7_declared_conflict(example, ssj):
    _, assigned = drawn_and_assigned(ssj, example)
    task = assigned["tasks"][0]
    officer = task["inspectors"][0]
    path = example / "rosters" / "inspectors.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f'id: "{officer}"')
    end = text.index("conflicts: []", start)
    path.write_text(
        text[:end] + f'conflicts: ["{task["entity"]}"]' + text[end + len("conflicts: []") :],
        encoding="utf-8",
    )
    commit_all(example, "申请回避")
    code, doc = audit(ssj, example)
    assert code == 1
    (finding,) = findings(doc, "R7")
    assert finding["file"] == ASSIGNMENT and "须回避" in finding["message"]


@pytest.mark.set_up("2025-01-02")
def test_r8_rotation_shortened(example, ssj, tmp_path):
    draw(ssj, example, "--ratio", "0.2", year="2025", day="2025-03-01", seed="s25")
    complete_year(ssj, example, 2025, tmp_path)
    draw(ssj, example, "--ratio", "0.2", year="2026", day="2026-03-01", seed="s26")
    assign(ssj, example, "--rotation-years", "0", year="2026", seed="a26")
    code, doc = audit(ssj, example)
    r8 = findings(doc, "R8")
    assert code == 0, doc["findings"]
    assert r8 and {f["severity"] for f in r8} == {"warning"}
    assert all(f["file"] == ASSIGNMENT and "缩短为 0 年" in f["message"] for f in r8)
    assert audit(ssj, example, "--strict")[0] == 1


def test_r9_department_scope(example, ssj):
    draw(ssj, example, "--ratio", "0.2")
    assign(ssj, example, "--scope", "department")
    assert audit(ssj, example)[0] == 0
    record = read_yaml(example / ASSIGNMENT)
    roster = people(example)
    task = next(
        t for t in record["tasks"] if roster[t["inspectors"][0]["id"]]["department"] == "危化股"
    )
    other = next(
        p
        for p, v in roster.items()
        if v["department"] == "基础股"
        and v["role"] == "执法人员"
        and v["status"] == "在岗"
        and v["valid_until"] > datetime.date(2027, 1, 1)
    )
    write_yaml(
        example / "plans/2026/assignments/2026-1.substitutions.yaml",
        {
            "draw_id": "2026-1",
            "substitutions": [
                {
                    "task": task["entity"],
                    "inspector": task["inspectors"][0]["id"],
                    "replacement": other,
                    "reason": "手工",
                    "recorded_at": "2026-03-05T09:00:00+08:00",
                }
            ],
        },
        HEADER,
    )
    commit_all(example)
    code, doc = audit(ssj, example)
    assert code == 1
    (finding,) = findings(doc, "R9")
    assert "各股室内随机" in finding["message"] and "危化股" in finding["message"]


def test_r12_plan_beyond_capacity(example, ssj):
    plan = plan_path(example)
    edit(plan, "  days_per_task: 1", "  days_per_task: 80")
    commit_all(example)
    code, doc = audit(ssj, example)
    (finding,) = findings(doc, "R12")
    assert code == 0 and finding["severity"] == "warning" and "按方案估算" in finding["message"]
    assert finding["file"] == "plans/2026/plan.yaml"
    draw(ssj, example, "--ratio", "0.2")
    (finding,) = findings(audit(ssj, example)[1], "R12")
    assert "已抽取的任务 18 项" in finding["message"]


def test_r12_year_unknown_to_the_calendar(example, ssj):
    from shuangsuiji.core.plan import Plan
    from shuangsuiji.services.init import plan_text

    (example / "plans" / "2099").mkdir()
    (example / "plans/2099/plan.yaml").write_text(plan_text(Plan(year=2099)), encoding="utf-8")
    commit_all(example)
    code, doc = audit(ssj, example)
    (finding,) = findings(doc, "R12")
    assert code == 0 and "2099 年的法定节假日安排尚未收录" in finding["message"]
    assert "calendars/2099.yaml" in finding["fix"]


def test_r13_big_change_needs_reapproval(example, ssj, clock):
    plan = plan_path(example)
    edit(plan, "ratio: 0.2", "ratio: 0.5")
    commit_all(example, "提高比例")
    code, doc = audit(ssj, example)
    (finding,) = findings(doc, "R13")
    assert code == 0 and finding["severity"] == "warning" and "期限" in finding["message"]
    assert "计划检查单位数" in finding["message"] and finding["commit"]
    # 30 days after the commit the re-approval is overdue
    later = (clock.today + datetime.timedelta(days=31)).isoformat()
    code, doc = audit(ssj, example, "--as-of", later)
    assert code == 1 and findings(doc, "R13", "error")
    # the re-approval recorded in the plan closes it
    edit(
        plan,
        "changes: []",
        f"changes:\n- date: {clock.today}\n  document: 青政批〔2026〕88号\n  reason: 上级部署扩大检查面",
    )
    commit_all(example, "重新报批")
    assert not findings(audit(ssj, example, "--as-of", later)[1], "R13")


def test_r13_tasks_cut_while_officers_are_not(example, ssj):
    plan = plan_path(example)
    edit(plan, "ratio: 0.2", "ratio: 0.15")
    edit(plan, "force_uncovered: true", "force_uncovered: true\nfloor_reason: 上半年已开展专项检查")
    commit_all(example, "减少任务")
    code, doc = audit(ssj, example)
    (finding,) = findings(doc, "R13")
    assert code == 1 and finding["severity"] == "error" and "执法人员未减少" in finding["message"]


def test_r13_new_key_unit(example, ssj):
    path = example / "rosters" / "entities.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  key: false")
    path.write_text(
        text[:start] + "  key: true" + text[start + len("  key: false") :], encoding="utf-8"
    )
    commit_all(example, "新增重点单位")
    _, doc = audit(ssj, example)
    (finding,) = findings(doc, "R13")
    assert "新增重点单位" in finding["message"] and finding["file"] == "plans/2026/plan.yaml"


def test_assignment_seed_constant_is_distinct():
    assert ASSIGN_SEED != SEED
