"""A prepared draw left behind by a later draw is reported unless it was cancelled."""

from __future__ import annotations

from audit_kit import audit, findings

from conftest import commit_all


def _prepare(ssj, root, draw_id):
    args = ("draw", "prepare", "--year", "2026", "--ratio", "0.2", "--draw-id", draw_id)
    result = ssj("-C", root, *args)
    assert result.code == 0, result.err


def _change_roster(root):
    path = root / "rosters" / "entities.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: 停产", "status: 在营", 1),
        encoding="utf-8",
    )
    commit_all(root, "改名录")


def _abandon_and_redraw(ssj, root, clock):
    _prepare(ssj, root, "2026-1")
    clock.advance(hours=1)
    _change_roster(root)
    _prepare(ssj, root, "2026-2")
    done = ssj("-C", root, "draw", "run", "--year", "2026", "--draw-id", "2026-2", "--seed", "51")
    assert done.code == 0, done.err


def test_an_abandoned_prepared_draw_is_an_error(example, ssj, clock):
    _abandon_and_redraw(ssj, example, clock)
    code, doc = audit(ssj, example, "--as-of", "2026-11-16")
    errors = findings(doc, "R14", "error")
    assert code == 1 and any("2026-1" in f["message"] and "未取消" in f["message"] for f in errors)


def test_a_cancelled_one_is_not_and_cannot_run(example, ssj, clock):
    _prepare(ssj, example, "2026-1")
    cancel = ssj(
        "-C",
        example,
        "draw",
        "cancel",
        "--year",
        "2026",
        "--draw-id",
        "2026-1",
        "--reason",
        "名录须更新后重新预备",
    )
    assert cancel.code == 0, cancel.err
    late = ssj("-C", example, "draw", "run", "--year", "2026", "--draw-id", "2026-1", "--seed", "9")
    assert late.code == 1 and "已取消" in late.err
    clock.advance(hours=1)
    _change_roster(example)
    _prepare(ssj, example, "2026-2")
    done = ssj("-C", example, "draw", "run", "--year", "2026", "--seed", "51")
    assert done.code == 0, done.err  # the only prepared draw still waiting is 2026-2
    code, doc = audit(ssj, example, "--as-of", "2026-11-16")
    assert code == 0, findings(doc, severity="error")


def test_a_prepared_draw_waiting_for_its_seed_is_a_warning(example, ssj):
    _prepare(ssj, example, "2026-1")
    code, doc = audit(ssj, example, "--as-of", "2026-11-16")
    assert code == 0 and any("尚待执行" in f["message"] for f in findings(doc, "R14", "warning"))
