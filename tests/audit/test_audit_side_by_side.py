"""Big records are re-run on two cores (the draws in a forked copy, storage/processes.py):
verify and audit say exactly what they say serially, for a clean workspace and a forged one."""

import json

import pytest
from audit_kit import audit, drawn_and_assigned, edit, read_yaml

from conftest import commit_all
from shuangsuiji.storage import processes

pytestmark = pytest.mark.skipif(not processes.can_fork(), reason="this machine runs them serially")

DRAW = "plans/2026/draws/2026-1.yaml"
ASSIGNMENT = "plans/2026/assignments/2026-1.yaml"


def both_ways(ssj, root, monkeypatch, *args):
    """(code, output) of `ssj args` on two cores and serially."""
    side = ssj("-C", root, *args)
    monkeypatch.setenv("SSJ_JOBS", "1")
    serial = ssj("-C", root, *args)
    monkeypatch.delenv("SSJ_JOBS")
    assert "Traceback" not in side.err + serial.err
    return (side.code, side.out), (serial.code, serial.out)


def test_a_clean_workspace(example, ssj, monkeypatch, forks):
    drawn_and_assigned(ssj, example)
    forks.clear()  # the draw's own (workspace/drawing.py: freeze_ranked)
    side, serial = both_ways(ssj, example, monkeypatch, "verify", "--json")
    assert side == serial and side[0] == 0 and len(forks) == 1
    side, serial = both_ways(ssj, example, monkeypatch, "audit", "--json", "--as-of", "2026-03-02")
    assert side == serial and side[0] == 0
    # The audit's re-runs beside its other checks (the copy's own fork is counted there).
    assert len(forks) == 2


def test_forged_records_are_caught_alike(example, ssj, monkeypatch, forks):
    drawn, _ = drawn_and_assigned(ssj, example)
    edit(
        example / DRAW,
        f"- id: {drawn['selected'][0]['id']}",
        f"- id: {drawn['alternates'][0]['id']}",
    )
    record = read_yaml(example / ASSIGNMENT)
    first = record["tasks"][0]["inspectors"][0]["id"]
    other = next(m["id"] for t in record["tasks"] for m in t["inspectors"] if m["id"] != first)
    edit(example / ASSIGNMENT, f"- id: '{first}'", f"- id: '{other}'", 1)
    commit_all(example, "手工改动")
    side, serial = both_ways(ssj, example, monkeypatch, "verify", "--json")
    assert side == serial and side[0] == 1
    failed = {r["kind"] for r in json.loads(side[1])["results"] if not r["ok"]}
    assert failed == {"抽取", "匹配"}
    code, doc = audit(ssj, example)
    monkeypatch.setenv("SSJ_JOBS", "1")
    assert audit(ssj, example) == (code, doc) and code == 1
    assert {f["file"] for f in doc["findings"] if f["rule"] == "R14"} >= {DRAW, ASSIGNMENT}
    assert forks


def test_records_too_big_for_two_copies_stay_in_one_process(example, ssj, monkeypatch, forks):
    drawn_and_assigned(ssj, example)
    forks.clear()
    monkeypatch.setattr(processes, "AFFORDABLE", 1000)  # 1,000 bytes at most
    assert ssj("-C", example, "verify").code == 0
    assert audit(ssj, example)[0] == 0
    assert not forks
