"""R14: records re-run, never edited, redraws, prepared draws, commits (real git history)."""

from audit_kit import (
    DAY,
    SEED,
    assign,
    audit,
    draw,
    drawn_and_assigned,
    edit,
    findings,
    read_yaml,
)

from conftest import commit_all, git, on

DRAW = "plans/2026/draws/2026-1.yaml"
ASSIGNMENT = "plans/2026/assignments/2026-1.yaml"


def test_a_committed_hand_edit_of_a_draw_is_caught(example, ssj):
    doc = draw(ssj, example, "--ratio", "0.2")
    path = example / DRAW
    edit(path, f"- id: {doc['selected'][0]['id']}", f"- id: {doc['alternates'][0]['id']}")
    commit_all(example, "手工换掉一家")
    code, result = audit(ssj, example)
    assert code == 1
    r14 = findings(result, "R14", "error")
    files = {f["file"] for f in r14}
    assert files == {DRAW}
    messages = " ".join(f["message"] for f in r14)
    assert "重算与记录不一致" in messages and doc["alternates"][0]["id"] in messages
    assert any("被修改" in f["message"] and f.get("commit") for f in r14)


def test_a_committed_hand_edit_of_an_assignment_is_caught(example, ssj):
    _, assigned = drawn_and_assigned(ssj, example)
    task = assigned["tasks"][0]
    record = read_yaml(example / ASSIGNMENT)
    team = {m["id"] for t in record["tasks"] for m in t["inspectors"]}
    people = read_yaml(example / "rosters" / "inspectors.yaml")["inspectors"]
    outsider = next(
        p["id"]
        for p in people
        if p["role"] == "执法人员" and p["id"] not in task["inspectors"] and p["id"] in team
    )
    edit(example / ASSIGNMENT, f"- id: '{task['inspectors'][0]}'", f"- id: '{outsider}'")
    commit_all(example, "手工换人")
    code, result = audit(ssj, example)
    assert code == 1
    r14 = findings(result, "R14", "error")
    assert {f["file"] for f in r14} == {ASSIGNMENT}
    assert any("重算与记录不一致" in f["message"] for f in r14)
    assert any("只能追加" in f["message"] and "改动" in f["message"] for f in r14)


def test_uncommitted_edit_of_a_record_is_an_error(example, ssj):
    draw(ssj, example, "--ratio", "0.2")
    edit(example / DRAW, "seed_source:", "seed_source: 改过", 1)
    code, result = audit(ssj, example)
    assert code == 1
    assert any("未提交的修改" in f["message"] for f in findings(result, "R14"))


def test_deleted_record_and_redraw_with_missing_original(example, ssj):
    draw(ssj, example, "--ratio", "0.2")
    draw(ssj, example, "--ratio", "0.2", "--redraw-of", "2026-1", "--reason", "名录漏录")
    assert audit(ssj, example)[0] == 0
    git(example, "rm", "-q", DRAW)
    commit_all(example, "删掉原抽取")
    code, result = audit(ssj, example)
    assert code == 1
    messages = {f["file"]: f["message"] for f in findings(result, "R14")}
    assert "被删除" in messages[DRAW]
    assert "没有记录" in messages["plans/2026/draws/2026-2.yaml"]


def test_redraw_without_reason(example, ssj):
    draw(ssj, example, "--ratio", "0.2")
    draw(ssj, example, "--ratio", "0.2", "--redraw-of", "2026-1", "--reason", "x", "--no-commit")
    edit(example / "plans/2026/draws/2026-2.yaml", "reason: x\n", "")
    with on(DAY):
        commit_all(example, "重抽")
    code, result = audit(ssj, example)
    assert code == 1
    (finding,) = findings(result, "R14")
    assert (
        finding["file"] == "plans/2026/draws/2026-2.yaml" and "没有记录理由" in finding["message"]
    )


def test_prepared_then_run_is_clean(example, ssj, clock):
    clock.set("2026-03-01")
    prepared = ssj("-C", example, "draw", "prepare", "--year", "2026", "--ratio", "0.2")
    assert prepared.code == 0, prepared.err
    run = ssj("-C", example, "draw", "run", "--year", "2026", "--seed", SEED)
    assert run.code == 0, run.err
    assign(ssj, example)
    code, result = audit(ssj, example)
    assert code == 0, result["findings"]


def test_roster_changed_between_prepare_and_run(example, ssj, clock):
    """A run that skipped ssj's own refusal: the record is made from the changed roster."""
    from shuangsuiji.workspace import Workspace, drawing, writer

    clock.set("2026-03-01")
    assert (
        ssj(
            "-C",
            example,
            "draw",
            "prepare",
            "--year",
            "2026",
            "--ratio",
            "0.2",
        ).code
        == 0
    )
    edit(example / "rosters" / "entities.yaml", "status: 停产", "status: 在营")
    head = commit_all(example, "预备之后改名录")
    ws = Workspace(example)
    request = drawing.Request(year=2026, ratio="0.2", day=__import__("datetime").date(2026, 3, 1))
    request.draw_id = "2026-1"
    frozen = drawing.freeze(ws, request, head)
    record = drawing.execute(
        frozen, SEED, "手工", False, "plans/2026/draws/2026-1.prepared.yaml", ws.clock.now()
    )
    (example / DRAW).write_text(writer.dump(record), encoding="utf-8")
    commit_all(example, "执行抽取")
    code, result = audit(ssj, example)
    assert code == 1
    messages = " ".join(f["message"] for f in findings(result, "R14") if f["file"] == DRAW)
    assert "与其预备记录不一致" in messages and "名录库被修改" in messages


def test_record_made_on_rosters_of_another_branch(example, ssj):
    """The roster commit a record names must be in the record's own history."""
    git(example, "checkout", "-q", "-b", "side")
    edit(example / "rosters" / "entities.yaml", "status: 停产", "status: 在营")
    commit_all(example, "另一分支上的名录")
    draw(ssj, example, "--ratio", "0.2", "--no-commit")
    text = (example / DRAW).read_text(encoding="utf-8")
    (example / DRAW).unlink()
    git(example, "checkout", "-q", "-")
    (example / DRAW).write_text(text, encoding="utf-8")
    commit_all(example, "把另一分支上抽的结果提交到主线")
    code, result = audit(ssj, example)
    assert code == 1
    (finding,) = [f for f in findings(result, "R14") if "历史中" in f["message"]]
    assert finding["file"] == DRAW


def test_replacement_file_is_append_only(example, ssj):
    doc = draw(ssj, example, "--ratio", "0.2")
    for pick in doc["selected"][:2]:
        assert ssj("-C", example, "draw", "replace", pick["id"], "--reason", "已注销").code == 0
    assert audit(ssj, example)[0] == 0
    path = example / "plans/2026/draws/2026-1.replacements.yaml"
    edit(path, "reason: 已注销", "reason: 无法联系")
    commit_all(example, "改替换理由")
    code, result = audit(ssj, example)
    assert code == 1
    (finding,) = findings(result, "R14")
    assert finding["file"].endswith("2026-1.replacements.yaml") and "只能追加" in finding["message"]
