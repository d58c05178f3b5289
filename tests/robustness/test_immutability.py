"""No command overwrites a committed draw, assignment, return-visit or inspection record.

A draw id is drawn once; corrections are new entries in append-only companions
(*.replacements.yaml, *.substitutions.yaml, new versions of an inspection record).
"""

# ruff: noqa: F811

from __future__ import annotations

import json

import pytest
from robustness_kit import (  # noqa: F401  (fixtures: session templates, copied per test)
    DAY,
    assert_consistent,
    draw,
    drawn,
    example,
    git,
    registered,
    run,
    snapshot,
    templates,
)

from conftest import approve_plan, on, read_yaml

DRAW = "plans/2026/draws/2026-1.yaml"
ASSIGNMENT = "plans/2026/assignments/2026-1.yaml"


@pytest.fixture(autouse=True)
def _on_the_drawing_day(clock):
    """These tests draw on DAY (`--date DAY` is today): no late entry."""
    clock.set(DAY)


def _refused_unchanged(root, *args, code=1, words=()):
    before = snapshot(root)
    result = run("-C", root, *args)
    assert result.code == code, (args, result.out, result.err)
    assert "Traceback" not in result.err
    for word in words:
        assert word in result.err, result.err
    assert snapshot(root) == before
    return result


def test_a_draw_id_is_drawn_once(drawn):
    root = drawn
    base = ("draw", "--date", DAY, "--seed", "再抽一次", "--draw-id", "2026-1")
    _refused_unchanged(root, *base, "--year", "2026", words=("已经进行过", DRAW))
    # …in any year: the id names one draw of the workspace
    approve_plan(root, 2025, day="2025-01-02")
    late = (
        "draw",
        "--date",
        "2025-12-01",
        "--reason",
        "补录",
        "--seed",
        "再抽一次",
        "--draw-id",
        "2026-1",
    )
    _refused_unchanged(root, *late, "--year", "2025", words=("已经进行过",))
    _refused_unchanged(
        root, "draw", "prepare", "--year", "2026", "--draw-id", "2026-1", words=("已经进行过",)
    )
    _refused_unchanged(  # no prepared draw of that id: nothing to run
        root, "draw", "run", "--year", "2026", "--draw-id", "2026-1", "--seed", "x", code=2
    )


@pytest.mark.parametrize(
    "draw_id",
    ["2026-1.prepared", "2026-1.replacements", "../2025/draws/x", "a/b", "a\\b", "*", "CON", ".x"],
)
def test_a_draw_id_cannot_name_another_file(drawn, draw_id):
    """The id is a file name: it may not reach another folder or another record's file."""
    example = drawn
    for command in (("draw",), ("draw", "prepare")):
        _refused_unchanged(
            example, *command, "--year", "2026", "--date", DAY, "--draw-id", draw_id, code=2
        )
    _refused_unchanged(example, "draw", "--year", "2026", "--redraw-of", draw_id, "--reason", "x", code=2)  # fmt: skip


def test_prepared_draw_is_not_prepared_twice(example):
    assert run("-C", example, "draw", "prepare", "--year", "2026", "--date", DAY).code == 0
    _refused_unchanged(
        example, "draw", "prepare", "--year", "2026", "--date", DAY, "--draw-id", "2026-1",
        words=("已预备",),
    )  # fmt: skip
    assert run("-C", example, "draw", "run", "--year", "2026", "--seed", "当众").code == 0
    _refused_unchanged(example, "draw", "run", "--year", "2026", "--draw-id", "2026-1", "--seed", "又一次")  # fmt: skip


def test_assignment_is_not_redone(drawn):
    root = drawn
    assert run("-C", root, "assign", "--year", "2026", "--seed", "匹配").code == 0
    _refused_unchanged(
        root, "assign", "--year", "2026", "--draw", "2026-1", "--seed", "再匹配",
        words=("已匹配过", ASSIGNMENT),
    )  # fmt: skip


def test_redraw_keeps_the_original(drawn):
    root = drawn
    original = (root / DRAW).read_bytes()
    result = draw(
        root, "--ratio", "0.2", "--redraw-of", "2026-1", "--reason", "名录有误", seed="重抽"
    )
    assert result.code == 0, result.err
    assert (root / DRAW).read_bytes() == original
    _refused_unchanged(
        root, "draw", "--year", "2026", "--date", DAY, "--seed", "三抽", "--redraw-of", "2026-1",
        "--reason", "再来", words=("已被重抽过",),
    )  # fmt: skip
    assert_consistent(root)


def test_replacements_and_substitutions_only_append(drawn):
    root = drawn
    selected = [p["id"] for p in read_yaml(root / DRAW)["selected"]]
    draw_bytes = (root / DRAW).read_bytes()
    companion = root / "plans/2026/draws/2026-1.replacements.yaml"
    previous = b""
    for entity in selected[:2]:
        result = run("-C", root, "draw", "replace", entity, "--reason", "已注销")
        assert result.code == 0, result.err
        now = companion.read_bytes()
        assert now.startswith(previous) and len(now) > len(previous)
        previous = now
    assert (root / DRAW).read_bytes() == draw_bytes

    assert run("-C", root, "assign", "--year", "2026", "--seed", "匹配").code == 0
    assignment = read_yaml(root / ASSIGNMENT)
    assignment_bytes = (root / ASSIGNMENT).read_bytes()
    task = assignment["tasks"][0]
    result = run(
        "-C", root, "assign", "replace", task["entity"], task["inspectors"][0]["id"],
        "--reason", "病假",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert (root / ASSIGNMENT).read_bytes() == assignment_bytes
    assert (root / "plans/2026/assignments/2026-1.substitutions.yaml").is_file()
    assert_consistent(root)


@pytest.mark.parametrize("damage", ["edit", "delete"])
@pytest.mark.parametrize("record", [DRAW, ASSIGNMENT])
def test_an_altered_committed_record_stops_new_work(drawn, damage, record):
    """An edited or deleted record is restored, never built on (and verify names it)."""
    root = drawn
    assert run("-C", root, "assign", "--year", "2026", "--seed", "匹配").code == 0
    path = root / record
    if damage == "edit":
        path.write_text(path.read_text(encoding="utf-8").replace("2026-1", "2026-1", 1) + "#\n")
    else:
        path.unlink()
    refused = _refused_unchanged(
        root, "draw", "--year", "2026", "--date", DAY, "--seed", "新", "--ratio", "0.2"
    )
    assert record in refused.err and "git checkout" in refused.err
    git(root, "checkout", "HEAD", "--", record)
    assert draw(root, "--ratio", "0.2", seed="新").code == 0


def _record_all_tasks(root, tmp_path) -> None:
    assignment = read_yaml(root / ASSIGNMENT)
    rows = ["统一社会信用代码,检查开始日期,检查结束日期,检查人员,检查结果"]
    for task in assignment["tasks"]:
        team = ";".join(m["id"] for m in task["inspectors"])
        rows.append(f"{task['entity']},2026-03-10,2026-03-10,{team},未发现问题")
    table = tmp_path / "检查结果.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with on("2026-03-12"):  # recorded after the inspections
        result = run("-C", root, "record", "--from", table)
    assert result.code == 0, result.err


@pytest.mark.skipif(not registered("record"), reason="ssj record not yet registered")
def test_inspection_record_corrections_are_new_versions(drawn, tmp_path):
    root = drawn
    assert run("-C", root, "assign", "--year", "2026", "--seed", "匹配").code == 0
    _record_all_tasks(root, tmp_path)
    entity = read_yaml(root / ASSIGNMENT)["tasks"][0]["entity"]
    path = root / "plans/2026/records" / f"{entity}.yaml"
    before = read_yaml(path)
    with on("2026-03-12"):
        result = run(
            "-C", root, "record", "add", entity, "--end", "2026-03-11", "--result", "未发现问题",
            "--reason", "检查日期记错", "--year", "2026",
        )  # fmt: skip
    assert result.code == 0, result.err
    after = read_yaml(path)
    versions = next(k for k, v in after.items() if isinstance(v, list))
    assert after[versions][: len(before[versions])] == before[versions]
    assert len(after[versions]) == len(before[versions]) + 1


@pytest.mark.skipif(not registered("revisit"), reason="ssj revisit not yet registered")
def test_return_visit_draw_is_drawn_once(drawn, tmp_path, clock):
    root = drawn
    assert run("-C", root, "assign", "--year", "2026", "--seed", "匹配").code == 0
    _record_all_tasks(root, tmp_path)
    clock.set("2026-04-01")
    first = run("-C", root, "revisit", "--year", "2026", "--seed", "回访", "--json")
    assert first.code == 0, first.err
    path = f"plans/2026/revisits/{json.loads(first.out)['draw_id']}.yaml"
    _refused_unchanged(
        root, "revisit", "--year", "2026", "--seed", "回访二",
        words=("已经抽取过", path),
    )  # fmt: skip
