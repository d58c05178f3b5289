"""Honest dates and append-only by meaning: the ways of issue 14 to fool the audit with a
date option, a commit date or lines appended under a recorded version (cases 2 and 3)."""

from __future__ import annotations

import datetime

from audit_kit import DAY, audit, draw, drawn_and_assigned, edit, findings, plan_path

from conftest import FIXED_NOW, commit_all, git, on, read_yaml

TODAY = FIXED_NOW.date().isoformat()


def _first_task(root):
    return read_yaml(root / "plans/2026/assignments/2026-1.yaml")["tasks"][0]


def _record(ssj, root, entity, *args):
    return ssj("-C", root, "record", "add", entity, "--year", "2026", *args)


def _publish(ssj, root, tmp_path, *args):
    out = tmp_path / "公开.json"
    return ssj(
        "-C", root, "disclose", "publish", "--year", "2026", "--format", "json", "-o", out, *args
    )


def _unchanged(root, before: str) -> None:
    assert git(root, "rev-parse", "HEAD").strip() == before
    assert git(root, "status", "--porcelain").strip() == ""


# ----------------------------------------------------------------- case 2: append-only


def test_a_penalty_appended_under_a_recorded_version_is_caught(example, ssj):
    drawn_and_assigned(ssj, example)
    entity = _first_task(example)["entity"]
    with on("2026-03-12"):
        result = _record(
            ssj, example, entity, "--end", "2026-03-10", "--result", "发现问题已责令改正",
            "--hazard", "消防通道堵塞;一般;2026-03-20", "--decision", "青应急罚〔2026〕3号",
            "--fine", "5000",
        )  # fmt: skip
    assert result.code == 0, result.err
    assert audit(ssj, example, "--as-of", "2026-03-12")[0] == 0
    path = example / f"plans/2026/records/{entity}.yaml"
    with path.open("a", encoding="utf-8") as out:  # bytes appended: the old text is a prefix
        out.write("  - decision: 青应急罚〔2026〕9号\n    amount: 200000\n    waived: false\n")
    assert len(read_yaml(path)["versions"][0]["penalties"]) == 2
    commit_all(example, "追加一项处罚")
    code, doc = audit(ssj, example, "--as-of", "2026-03-12")
    assert code == 1
    (finding,) = findings(doc, "R14", "error")
    assert finding["file"] == f"plans/2026/records/{entity}.yaml"
    assert "第 1 版" in finding["message"] or "已有" in finding["message"], finding


def test_a_new_version_appended_by_ssj_is_fine(example, ssj):
    drawn_and_assigned(ssj, example)
    entity = _first_task(example)["entity"]
    with on("2026-03-12"):
        assert (
            _record(ssj, example, entity, "--end", "2026-03-10", "--result", "未发现问题").code == 0
        )
    with on("2026-03-13"):
        result = _record(
            ssj, example, entity, "--end", "2026-03-10", "--result", "未发现问题",
            "--note", "补充现场照片编号", "--reason", "补充备注",
        )  # fmt: skip
    assert result.code == 0, result.err
    doc = audit(ssj, example, "--as-of", "2026-03-13")[1]
    assert not findings(doc, "R14"), doc["findings"]


# ----------------------------------------------------------------- case 3: honest dates


def test_a_publication_dated_back_without_reason_is_refused(example, ssj, tmp_path):
    drawn_and_assigned(ssj, example)
    entity = _first_task(example)["entity"]
    with on("2026-03-10T17:00:00+08:00"):
        assert (
            _record(ssj, example, entity, "--end", "2026-03-10", "--result", "未发现问题").code == 0
        )
    head = git(example, "rev-parse", "HEAD").strip()
    refused = _publish(ssj, example, tmp_path, "--date", "2026-03-25")  # run on TODAY
    assert refused.code == 2 and "补录" in refused.err and "--reason" in refused.err
    _unchanged(example, head)


def test_a_late_publication_dated_back_does_not_clear_r11(example, ssj, tmp_path):
    drawn_and_assigned(ssj, example)
    entity = _first_task(example)["entity"]
    with on("2026-03-10T17:00:00+08:00"):
        assert (
            _record(ssj, example, entity, "--end", "2026-03-10", "--result", "未发现问题").code == 0
        )
    late = _publish(ssj, example, tmp_path, "--date", "2026-03-25", "--reason", "当时漏报")
    assert late.code == 0, late.err
    doc = audit(ssj, example, "--as-of", TODAY)[1]
    (r11,) = findings(doc, "R11")  # late, as if published today: the claimed date gains nothing
    assert entity in r11["message"] and f"于 {TODAY} 公开，晚于期限" in r11["message"]
    (late_entry,) = [f for f in findings(doc, "R14", "warning") if "补录" in f["message"]]
    assert "当时漏报" in late_entry["message"] and TODAY in late_entry["message"]


def test_a_draw_dated_outside_its_plan_year_or_in_the_future_is_refused(example, ssj):
    head = git(example, "rev-parse", "HEAD").strip()
    for day in ("2027-01-06", "2999-01-01", "1900-01-01", "2025-12-31"):
        result = ssj(
            "-C", example, "draw", "--year", "2026", "--seed", "s", "--ratio", "0.2",
            "--date", day, "--reason", "补录",
        )  # fmt: skip
        assert result.code == 2, (day, result.out, result.err)
        assert day in result.err
        _unchanged(example, head)


def test_a_future_draw_date_would_not_move_the_cooldown(example, ssj):
    """Run in 2026, a draw for 2027 cannot claim a 2027 date: the cooldown of the 2026
    draw still counts from the real day."""
    draw(ssj, example, "--ratio", "0.2")
    result = ssj(
        "-C", example, "draw", "--year", "2027", "--seed", "s27", "--ratio", "0.2",
        "--date", "2027-01-06",
    )  # fmt: skip
    assert result.code == 2 and "将来" in result.err


def test_an_inspection_recorded_with_a_future_end_is_refused(example, ssj):
    drawn_and_assigned(ssj, example)
    entity = _first_task(example)["entity"]
    head = git(example, "rev-parse", "HEAD").strip()
    result = _record(ssj, example, entity, "--end", "2027-06-30", "--result", "未发现问题")
    assert result.code == 2 and "2027-06-30" in result.err, result.err
    _unchanged(example, head)


def test_a_future_end_written_by_hand_is_an_audit_error(example, ssj):
    drawn_and_assigned(ssj, example)
    entity = _first_task(example)["entity"]
    with on("2026-03-12"):
        assert (
            _record(ssj, example, entity, "--end", "2026-03-10", "--result", "未发现问题").code == 0
        )
        path = example / f"plans/2026/records/{entity}.yaml"
        text = path.read_text(encoding="utf-8").replace("'2026-03-10'", "'2027-06-30'")
        path.write_text(text, encoding="utf-8")
        git(example, "add", "-A")
        git(example, "commit", "-q", "--amend", "--no-edit")  # as if recorded so at once
    code, doc = audit(ssj, example, "--as-of", "2026-03-12")
    assert code == 1
    assert any("2027-06-30" in f["message"] for f in findings(doc, severity="error")), doc


def test_a_forward_commit_date_does_not_hide_r13(example, ssj, monkeypatch):
    """A plan change committed with GIT_COMMITTER_DATE set months ahead: its 30 days still
    run from the day it was really made, and the forward date itself is an error."""
    edit(plan_path(example), "ratio: 0.2", "ratio: 0.5")
    forward = "2027-03-01T10:00:00+08:00"
    monkeypatch.setenv("GIT_COMMITTER_DATE", forward)
    monkeypatch.setenv("GIT_AUTHOR_DATE", forward)
    commit_all(example, "提高比例")
    monkeypatch.setenv("GIT_COMMITTER_DATE", FIXED_NOW.isoformat())
    monkeypatch.setenv("GIT_AUTHOR_DATE", FIXED_NOW.isoformat())
    later = (FIXED_NOW.date() + datetime.timedelta(days=31)).isoformat()
    code, doc = audit(ssj, example, "--as-of", later)
    assert code == 1
    assert findings(doc, "R13", "error"), doc["findings"]
    assert any("晚于今天" in f["message"] for f in findings(doc, "R14", "error"))


def test_a_draw_on_its_day_and_an_honest_late_entry(example, ssj):
    """On the day: nothing to report. Entered late with its reason: accepted, reported as
    a late entry, judged on the day it was recorded."""
    draw(ssj, example, "--ratio", "0.2")
    assert not findings(audit(ssj, example)[1], "R14")
    late = ssj(
        "-C", example, "draw", "--year", "2026", "--seed", "late-seed", "--ratio", "0.2",
        "--date", DAY, "--reason", "停电，当天在纸上抽取，现补录",
    )  # fmt: skip
    assert late.code == 0, late.err
    (entry,) = [f for f in findings(audit(ssj, example)[1], "R14") if "补录" in f["message"]]
    assert entry["severity"] == "warning" and "停电" in entry["message"]
