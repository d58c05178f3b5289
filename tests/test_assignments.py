"""ssj assign end to end: eligibility, load spreading, rotation, infeasibility, replacement."""

from collections import Counter
from datetime import date

import pytest

from conftest import approve_plan, commit_all, git, on, read_yaml, snapshot
from shuangsuiji.core.staffing import period_end
from shuangsuiji.workspace import Workspace

DRAW_SEED = "20260104-6152-3341"


def drawn(ssj, root, year=2026, seed=DRAW_SEED, *extra):
    with on(f"{year}-03-01"):
        approve_plan(root, year)
        result = ssj(
            "-C", root, "draw", "--year", str(year), "--ratio", "0.2", "--seed", seed, *extra,
            "--json",
        )  # fmt: skip
    assert result.code == 0, result.out + result.err
    return result.json()


def assigned(ssj, root, *args, year=2026):
    return ssj(
        "-C", root, "assign", "--year", str(year), "--seed", f"assign-{year}", *args, "--json"
    )


def test_every_task_is_staffed_by_eligible_officers(example, ssj):
    draw = drawn(ssj, example)
    result = assigned(ssj, example, "--min-inspectors", "2")
    assert result.code == 0, result.out + result.err
    doc = result.json()
    tasks = {t["entity"]: t for t in doc["tasks"]}
    assert set(tasks) == set(draw["key"]) | {p["id"] for p in draw["selected"]}
    people = {p.id: p for p in Workspace(example).roster("inspectors").rows}
    for task in doc["tasks"]:
        assert len(task["inspectors"]) == 2 and len(set(task["inspectors"])) == 2
        for pid in task["inspectors"]:
            person = people[pid]
            assert person.role == "执法人员" and person.status == "在岗"
            assert person.valid_until >= period_end(2026, task["period"])
            assert task["entity"] not in person.conflicts
        assert "TY-01" in task["checklist"] and task["checklist"] == sorted(task["checklist"])
    loads = Counter(p for t in doc["tasks"] for p in t["inspectors"])
    assert max(loads.values()) - min(loads.values()) <= 1
    assert "匹配检查人员 2026-1" in git(example, "log", "-1", "--format=%s")
    assert ssj("-C", example, "verify").code == 0


def test_checklist_merges_category_and_industries_without_repeats(example, ssj):
    drawn(ssj, example)
    doc = assigned(ssj, example).json()
    ws = Workspace(example)
    entities = {e.id: e for e in ws.roster("entities").rows}
    items = ws.roster("items").rows
    for task in doc["tasks"]:
        unit = entities[task["entity"]]
        scope = {"通用", unit.category, *unit.industries}
        assert task["checklist"] == sorted({i.code for i in items if scope & set(i.categories)})


def test_the_draws_seed_is_refused_and_nothing_written(example, ssj):
    drawn(ssj, example)
    before = snapshot(example)
    result = ssj("-C", example, "assign", "--seed", DRAW_SEED, "--year", "2026")
    assert result.code == 1 and "种子" in result.err
    assert snapshot(example) == before


def test_second_assignment_of_a_draw_is_refused(example, ssj):
    drawn(ssj, example)
    assert assigned(ssj, example).code == 0
    assert ssj("-C", example, "assign", "--year", "2026", "--draw", "2026-1").code == 1


def test_team_of_one_is_refused(example, ssj):
    drawn(ssj, example)
    assert ssj("-C", example, "assign", "--year", "2026", "--min-inspectors", "1").code == 2


def test_infeasible_names_the_task_and_each_reason(example, ssj):
    drawn(ssj, example)
    before = snapshot(example)
    result = assigned(ssj, example, "--min-inspectors", "10")
    assert result.code == 1
    doc = result.json()
    assert doc["ok"] is False and doc["tasks"]
    reasons = {r for t in doc["tasks"] for p in t["excluded"] for r in p["reasons"]}
    assert {"证件过期", "离岗"} <= reasons
    assert any("--min-inspectors" in h for h in doc["hints"])
    assert snapshot(example) == before
    human = ssj("-C", example, "assign", "--year", "2026", "--seed", "x", "--min-inspectors", "10")
    assert "证件过期" in human.err and "刘思远" in human.err


def test_department_scope_and_cross_region_explain_themselves(example, ssj):
    drawn(ssj, example)
    result = assigned(
        ssj, example, "--scope", "department", "--cross-region", "--min-inspectors", "4"
    )
    assert result.code == 1
    doc = result.json()
    reasons = {r for t in doc["tasks"] for p in t["excluded"] for r in p["reasons"]}
    assert "非本科室" in reasons
    assert any("--scope bureau" in h for h in doc["hints"])


def test_department_scope_keeps_officers_in_the_department(example, ssj):
    drawn(ssj, example)
    doc = assigned(ssj, example, "--scope", "department").json()
    ws = Workspace(example)
    people = {p.id: p for p in ws.roster("inspectors").rows}
    units = {e.id: e for e in ws.roster("entities").rows}
    departments = {c.name: c.department for c in ws.config.categories}
    for task in doc["tasks"]:
        wanted = departments[units[task["entity"]].category]
        assert {people[p].department for p in task["inspectors"]} == {wanted}


def test_lead_department_takes_first_place(example, ssj):
    drawn(ssj, example)
    doc = assigned(ssj, example, "--lead-department").json()
    ws = Workspace(example)
    people = {p.id: p for p in ws.roster("inspectors").rows}
    units = {e.id: e for e in ws.roster("entities").rows}
    departments = {c.name: c.department for c in ws.config.categories}
    for task in doc["tasks"]:
        assert (
            people[task["inspectors"][0]].department == departments[units[task["entity"]].category]
        )


def test_conflict_is_respected(example, ssj):
    ws = Workspace(example)
    person = next(p for p in ws.roster("inspectors").rows if p.conflicts)
    where = f"统一社会信用代码={person.conflicts[0]}"
    assert ssj("-C", example, "draw", "--year", "2026", "--where", where, "--count", "1").code == 0
    doc = assigned(ssj, example, "--min-inspectors", "8").json()
    task = next(t for t in doc["tasks"] if t["entity"] == person.conflicts[0])
    assert person.id not in task["inspectors"]


def test_experts_come_on_top(example, ssj):
    drawn(ssj, example)
    doc = assigned(ssj, example, "--experts", "1").json()
    experts = {p.id for p in Workspace(example).roster("inspectors").rows if p.role == "专家"}
    for task in doc["tasks"]:
        assert len(task["inspectors"]) == 2 and len(task["experts"]) == 1
        assert set(task["experts"]) <= experts and not set(task["inspectors"]) & experts


def test_the_record_is_written_as_a_model_per_task_would_write_it(example, ssj):
    """ssj assign writes its light tasks straight to the record: the same bytes as the
    record model, validated, gives."""
    from shuangsuiji.core.records import Assignment
    from shuangsuiji.storage import yamlio
    from shuangsuiji.workspace.records import GENERATED_HEADER

    drawn(ssj, example)
    assert assigned(ssj, example, "--experts", "1").code == 0
    path = example / "plans" / "2026" / "assignments" / "2026-1.yaml"
    text = path.read_text(encoding="utf-8")
    model = Assignment.model_validate(yamlio.parse(text, "x"))
    assert model.tasks and all(t.experts for t in model.tasks)
    assert any(t.period for t in model.tasks)
    data = model.model_dump(mode="json", exclude_none=True)
    assert yamlio.dump_fast(data, GENERATED_HEADER) == text


def test_rotation_across_two_plan_years(example, ssj):
    # Year one: every key unit gets a team. Year two: nobody goes back to the same unit.
    drawn(ssj, example, 2025, "seed-2025")
    first = assigned(ssj, example, year=2025).json()
    drawn(ssj, example, 2026, "seed-2026")
    second = assigned(ssj, example, "--rotation-years", "1", year=2026).json()
    before = {t["entity"]: set(t["inspectors"]) for t in first["tasks"]}
    for task in second["tasks"]:
        assert not set(task["inspectors"]) & before.get(task["entity"], set())
    assert ssj("-C", example, "verify").code == 0
    record = read_yaml(example / "plans/2026/assignments/2026-1.yaml")
    assert record["parameters"]["rotation_years"] == 1 and record["history"] == ["2025-1"]


def test_loads_count_the_whole_year(example, ssj):
    drawn(ssj, example)
    one = assigned(ssj, example).json()
    with on("2026-06-01"):
        ssj("-C", example, "draw", "--year", "2026", "--ratio", "0.2", "--seed", "batch2")
    two = ssj("-C", example, "assign", "--year", "2026", "--seed", "assign-batch2", "--json").json()
    loads = Counter(p for doc in (one, two) for t in doc["tasks"] for p in t["inspectors"])
    assert max(loads.values()) - min(loads.values()) <= 1


def test_replace_takes_the_next_in_the_ranking(example, ssj):
    drawn(ssj, example)
    doc = assigned(ssj, example).json()
    task = doc["tasks"][0]
    out = task["inspectors"][0]
    result = ssj(
        "-C", example, "assign", "replace", task["entity"], out, "--reason", "病假", "--json"
    )
    assert result.code == 0, result.err
    entry = result.json()
    assert entry["replacement"] not in task["inspectors"]
    assert (example / "plans/2026/assignments/2026-1.substitutions.yaml").is_file()
    assert ssj("-C", example, "verify").code == 0


def test_verify_catches_an_edited_assignment(example, ssj):
    drawn(ssj, example)
    doc = assigned(ssj, example).json()
    path = example / "plans/2026/assignments/2026-1.yaml"
    task = doc["tasks"][0]
    text = path.read_text(encoding="utf-8")
    other = next(p for t in doc["tasks"] for p in t["inspectors"] if p not in task["inspectors"])
    path.write_text(
        text.replace(f"- id: '{task['inspectors'][0]}'", f"- id: '{other}'", 1), encoding="utf-8"
    )
    commit_all(example, "手工改匹配")
    result = ssj("-C", example, "verify")
    assert result.code == 1 and "匹配 2026-1" in result.out and "不一致" in result.out


def test_period_end():
    assert period_end(2026, "2-3") == date(2026, 3, 31)
    assert period_end(2028, "2") == date(2028, 2, 29)
    assert period_end(2026, None) == date(2026, 12, 31)


@pytest.mark.parametrize("option", ["--scope=nowhere"])
def test_bad_option_is_usage_error(example, ssj, option):
    assert ssj("-C", example, "assign", option).code == 2


def _replaced_after_assignment(ssj, root) -> str:
    """2026-1 drawn and assigned, then a selected unit replaced: the alternate brought in."""
    draw = drawn(ssj, root)
    with on("2026-03-02"):
        assert assigned(ssj, root, "--cross-region").code == 0
    with on("2026-03-03"):
        result = ssj(
            "-C", root, "draw", "replace", draw["selected"][0]["id"], "--reason", "已注销",
            "--json",
        )  # fmt: skip
    assert result.code == 0, result.out + result.err
    return result.json()["replacement"]


def test_a_later_matching_keeps_the_first_ones_parameters(example, ssj):
    spare = _replaced_after_assignment(ssj, example)
    with on("2026-03-04"):
        refused = ssj(
            "-C", example, "assign", "--draw", "2026-1", "--seed", "again",
            "--min-inspectors", "3",
        )  # fmt: skip
        assert refused.code == 2 and "--min-inspectors" in refused.err
        result = ssj("-C", example, "assign", "--draw", "2026-1", "--seed", "again", "--json")
    assert result.code == 0, result.out + result.err
    doc = result.json()
    assert doc["round"] == 1 and doc["parameters"]["cross_region"] is True
    assert [t["entity"] for t in doc["tasks"]] == [spare]
    assert len(doc["tasks"][0]["inspectors"]) == 2


def test_a_later_matchings_task_is_substituted_from_its_own_ranking(example, ssj):
    spare = _replaced_after_assignment(ssj, example)
    with on("2026-03-04"):
        doc = ssj("-C", example, "assign", "--draw", "2026-1", "--seed", "again", "--json").json()
    out = doc["tasks"][0]["inspectors"][0]
    with on("2026-03-05"):
        result = ssj("-C", example, "assign", "replace", spare, out, "--reason", "病假", "--json")
    assert result.code == 0, result.out + result.err
    assert result.json()["replacement"] not in doc["tasks"][0]["inspectors"]
    verified = ssj("-C", example, "verify")
    assert verified.code == 0 and "不一致" not in verified.out, verified.out


def test_a_department_renamed_later_leaves_the_matching_verified(example, ssj, clock):
    """The lead department of each category is read from ssj.yaml as it was when the
    matching was made, not as it is today."""
    with clock.on("2026-03-01"):
        assert (
            ssj("-C", example, "draw", "--year", "2026", "--ratio", "0.2", "--seed", "d1").code == 0
        )
        done = ssj("-C", example, "assign", "--year", "2026", "--seed", "a1", "--lead-department")
        assert done.code == 0, done.err
    path = example / "ssj.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("危化股", "危化科"), encoding="utf-8")
    roster = example / "rosters" / "inspectors.yaml"
    roster.write_text(
        roster.read_text(encoding="utf-8").replace("危化股", "危化科"), encoding="utf-8"
    )
    commit_all(example, "科室改名")
    verified = ssj("-C", example, "verify")
    assert verified.code == 0 and "不一致" not in verified.out, verified.out
