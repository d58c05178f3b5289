"""Crash safety: real ssj processes killed at random points, failures injected into writes.

After every crash the workspace holds the old state or the new one, never a mix: every
file parses, every recorded draw re-runs (`ssj verify`), the rosters check and, where
`ssj audit` exists, the audit is clean. The one in-between state a crash can leave is a
record written but not yet committed; ssj names it and refuses to go on until it is
committed (docs/security.md), which `recover` does the way an operator would.
"""

# ruff: noqa: F811

from __future__ import annotations

import contextlib
import errno
import os
import random
import re
import signal
import time
from pathlib import Path

import pytest
from robustness_kit import (  # noqa: F401  (fixtures: session templates, copied per test)
    DAY,
    assert_consistent,
    commit_rosters,
    copy_workspace,
    draw,
    drawn,
    example,
    git,
    is_temp,
    recover,
    registered,
    run,
    snapshot,
    ssj_process,
    templates,
    uncommitted,
)

from shuangsuiji.storage import files

KILL_SEED = int(os.environ.get("SSJ_KILL_SEED", "20260301"))  # fixed: same kill points each run
NEW_ROWS = (
    "统一社会信用代码,单位名称,监管类别,行业,所属区域\n"
    "LS-2099-001,青岚区甲临时零售点,烟花爆竹,烟花爆竹零售,城关街道\n"
    "LS-2099-002,青岚区乙临时零售点,烟花爆竹,烟花爆竹零售,河西街道\n"
)
DRAW_ARGS = ("draw", "--year", "2026", "--date", DAY, "--seed", "kill-2", "--ratio", "0.2")
ASSIGN_ARGS = ("assign", "--year", "2026", "--draw", "2026-1", "--seed", "kill-assign")


@pytest.fixture(autouse=True)
def _on_the_drawing_day(clock):
    """These tests draw on DAY (`--date DAY` is today): no late entry."""
    clock.set(DAY)


def _import_args(csv: Path) -> tuple[str, ...]:
    return ("roster", "import", str(csv))


# ------------------------------------------------------------------ killed processes


def test_killed_processes_leave_the_old_state_or_the_new(drawn, tmp_path):
    template = drawn
    csv = tmp_path / "新增单位.csv"
    csv.write_text(NEW_ROWS, encoding="utf-8")
    # What each command writes when it is not killed, for comparison.
    reference = copy_workspace(template, tmp_path / "reference")
    assert run("-C", reference, *_import_args(csv)).code == 0
    new_roster = (reference / "rosters" / "entities.yaml").read_bytes()
    old_roster = (template / "rosters" / "entities.yaml").read_bytes()

    jobs = [DRAW_ARGS] * 3 + [ASSIGN_ARGS] * 2 + [_import_args(csv)]
    rng = random.Random(KILL_SEED)
    trials = []
    for number, args in enumerate(jobs):
        root = copy_workspace(template, tmp_path / f"trial{number}")
        trials.append((args, root, rng.uniform(0.1, 2.0)))

    started = time.monotonic()
    processes = [ssj_process(root, *args) for args, root, _ in trials]
    schedule = sorted(zip(trials, processes, strict=True), key=lambda t: t[0][2])
    for (_, _, delay), process in schedule:
        time.sleep(max(0.0, started + delay - time.monotonic()))
        with contextlib.suppress(ProcessLookupError):  # it had finished
            os.killpg(process.pid, signal.SIGKILL)  # ssj and the git it may be running
    for process in processes:
        _, err = process.communicate(timeout=30)
        assert b"Traceback" not in err
    assert time.monotonic() - started < 15

    outcomes = []
    for (args, root, delay), process in zip(trials, processes, strict=True):
        if args[0] == "roster":
            assert (root / "rosters" / "entities.yaml").read_bytes() in (old_roster, new_roster)
            commit_rosters(root)
        steps = recover(root)
        assert_consistent(root)
        outcomes.append((args[0], round(delay, 2), process.returncode, steps))
    print(outcomes)  # shown with -s: which trials were cut short, and where


# ------------------------------------------------------------------ the gap between write and commit


def _interrupt_commit(patch, exception: BaseException) -> None:
    from shuangsuiji.storage.git import Git

    def interrupted(self, paths, message):
        raise exception

    patch.setattr(Git, "commit", interrupted)


@pytest.mark.parametrize("command", ["draw", "assign"])
def test_record_written_but_not_committed_is_named_and_must_be_committed(
    example, drawn, monkeypatch, command
):
    """A kill between writing a record and `git commit`: the record is a draw that happened.

    The next draw or assignment refuses, naming the file; the record re-runs (verify); once
    committed, work goes on and the next draw takes a new id (the interrupted one is kept).
    """
    root = drawn if command == "assign" else example
    args = ASSIGN_ARGS if command == "assign" else DRAW_ARGS
    with monkeypatch.context() as patch:
        _interrupt_commit(patch, KeyboardInterrupt())
        result = run("-C", root, *args)
    assert result.code == 130 and "Traceback" not in result.err
    path = f"plans/2026/{'assignments' if command == 'assign' else 'draws'}/2026-1.yaml"
    assert uncommitted(root) == [path]

    before = snapshot(root)
    retry = draw(root, "--ratio", "0.2", seed="另一个种子")
    assert retry.code == 1, retry.err
    assert path in retry.err and "尚未提交的记录" in retry.err and "不要删除" in retry.err
    retry = run("-C", root, *ASSIGN_ARGS)  # refused as unfinished, or as already assigned
    assert retry.code == 1 and path in retry.err, retry.err
    assert snapshot(root) == before
    assert run("-C", root, "verify").code == 0  # the record itself is whole and re-runs

    git(root, "add", path)
    git(root, "commit", "-q", "-m", "补交记录")
    again = draw(root, "--ratio", "0.2", "--json", seed="另一个种子")
    assert again.code == 0, again.err
    assert again.json()["draw_id"] == "2026-2"
    assert_consistent(root)


def test_failed_commit_says_the_record_stays(example, monkeypatch):
    from shuangsuiji.storage.git import GitError

    with monkeypatch.context() as patch:
        _interrupt_commit(patch, GitError("git commit 失败：磁盘已满"))
        result = draw(example, "--ratio", "0.2")
    assert result.code == 1 and "Traceback" not in result.err
    assert "记录已写入 plans/2026/draws/2026-1.yaml" in result.err and "不要删除" in result.err


def test_stale_git_lock_refused_before_anything_is_written(example):
    """git killed mid-commit leaves .git/index.lock: ssj refuses before writing a record."""
    (example / ".git" / "index.lock").write_bytes(b"")
    before = snapshot(example)
    result = draw(example, "--ratio", "0.2")
    assert result.code == 1 and "index.lock" in result.err
    assert snapshot(example) == before


def test_a_temporary_file_left_by_a_kill_blocks_until_resolved(example):
    """A kill inside write_atomic leaves `.<name>.<random>.tmp`, perhaps a whole record with
    its seed applied: the next run refuses (no second draw of 2026-1 with another seed) and
    says what to do; once it is removed, the draw goes on."""
    stray = example / "plans" / "2026" / "draws" / ".2026-1.yaml.x1y2z3.tmp"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"kind: draw\nseed: [unterminated")
    before = snapshot(example)
    result = draw(example, "--ratio", "0.2")
    assert result.code == 1 and "临时文件" in result.err and "2026-1.yaml" in result.err
    assert snapshot(example) == before
    stray.unlink()
    assert draw(example, "--ratio", "0.2").code == 0
    assert_consistent(example)


# ------------------------------------------------------------------ injected write failures


class _FailAt:
    """Wraps an os function so that its n-th call raises (ENOSPC: disk full)."""

    def __init__(self, real, n: int) -> None:
        self.real, self.n, self.calls = real, n, 0

    def __call__(self, *args, **kw):
        self.calls += 1
        if self.calls == self.n:
            raise OSError(errno.ENOSPC, "No space left on device（注入的故障）", str(args[0]))
        return self.real(*args, **kw)


def _count_calls(monkeypatch, name: str, command) -> int:
    counter = _FailAt(getattr(os, name), 0)
    with monkeypatch.context() as patch:
        patch.setattr(files.os, name, counter)
        command()
    return counter.calls


COMMANDS = {
    "draw": (lambda root, csv: draw(root, "--ratio", "0.2"), False),
    "assign": (lambda root, csv: run("-C", root, *ASSIGN_ARGS), True),
    "import": (lambda root, csv: run("-C", root, *_import_args(csv)), False),
    "replace": (
        lambda root, csv: run(
            "-C", root, "draw", "replace", _first_selected(root), "--reason", "已注销"
        ),
        True,
    ),
}


def _first_selected(root: Path) -> str:
    from conftest import read_yaml

    return read_yaml(root / "plans" / "2026" / "draws" / "2026-1.yaml")["selected"][0]["id"]


@pytest.mark.parametrize("target", ["replace", "fsync"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_injected_write_failure_leaves_old_or_new(
    example, drawn, tmp_path, monkeypatch, command, target
):
    csv = tmp_path / "新增单位.csv"
    csv.write_text(NEW_ROWS, encoding="utf-8")
    action, needs_draw = COMMANDS[command]
    template = drawn if needs_draw else example
    probe = copy_workspace(template, tmp_path / "probe")
    calls = _count_calls(monkeypatch, target, lambda: action(probe, csv))
    assert calls >= 1
    for n in range(1, calls + 1):
        root = copy_workspace(template, tmp_path / f"n{n}")
        before = snapshot(root)
        with monkeypatch.context() as patch:
            patch.setattr(files.os, target, _FailAt(getattr(os, target), n))
            result = action(root, csv)
        assert result.code == 1, (n, result.out, result.err)
        assert "文件读写失败" in result.err and "Traceback" not in result.err
        after = snapshot(root)
        changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
        assert not [p for p in changed if is_temp(p)], "a temporary file was left behind"
        # Old state, or (the failure came after the rename) the new file, whole.
        for path in changed:
            assert path in after, f"{path} vanished"
        commit_rosters(root)
        recover(root)
        assert_consistent(root)


def test_init_interrupted_at_any_file_can_be_run_again(tmp_path, monkeypatch):
    """`ssj init` writes ssj.yaml last: until then the folder is no workspace, and init reruns."""
    probe = tmp_path / "probe"
    calls = _count_calls(monkeypatch, "replace", lambda: run("init", probe, "--example"))
    for n in sorted({1, 2, calls // 2, calls - 1, calls}):  # first files, middle, ssj.yaml
        root = tmp_path / f"n{n}"
        with monkeypatch.context() as patch:
            patch.setattr(files.os, "replace", _FailAt(os.replace, n))
            result = run("init", root, "--example")
        assert result.code == 1 and "Traceback" not in result.err
        assert not (root / "ssj.yaml").exists()
        assert run("init", root, "--example").code == 0
        assert snapshot(root).keys() == snapshot(probe).keys()


# ------------------------------------------------------------------ every writer is atomic

_WRITES = re.compile(
    r"\.write_text\(|\.write_bytes\(|\bos\.(?:replace|rename)\(|\bshutil\.(?:copy\w*|move)\("
    r"|\bopen\([^)]*[\"'][rb]*[wax+]"
)


def test_every_write_goes_through_write_atomic():
    """Only storage/files.py touches files for writing; everything else calls write_atomic."""
    package = Path(__file__).resolve().parents[2] / "src" / "shuangsuiji"
    offenders = []
    for path in sorted(package.rglob("*.py")):
        if path.relative_to(package).as_posix() == "storage/files.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _WRITES.search(line) and not line.lstrip().startswith("#"):
                offenders.append(f"{path.relative_to(package)}:{number}: {line.strip()}")
    assert not offenders, "write with storage.files.write_atomic instead:\n" + "\n".join(offenders)


# ------------------------------------------------------------------ batches of other commands


def _record_table(root: Path, tmp_path: Path) -> Path:
    from conftest import read_yaml

    assignment = read_yaml(root / "plans/2026/assignments/2026-1.yaml")
    rows = ["统一社会信用代码,检查开始日期,检查结束日期,检查人员,检查结果"]
    for task in assignment["tasks"]:
        team = ";".join(m["id"] for m in task["inspectors"])
        rows.append(f"{task['entity']},{DAY},{DAY},{team},未发现问题")
    table = tmp_path / "检查结果.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return table


@pytest.mark.skipif(not registered("record"), reason="ssj record not yet registered")
def test_interrupted_record_batch_leaves_the_old_state(drawn, tmp_path, monkeypatch):
    """`ssj record --from` writes a file per task: a write failing part-way puts back the
    files already written (the records are as before), and the re-run records them all."""
    assert run("-C", drawn, *ASSIGN_ARGS).code == 0
    table = _record_table(drawn, tmp_path)
    before = snapshot(drawn)
    with monkeypatch.context() as patch:
        patch.setattr(files.os, "replace", _FailAt(os.replace, 3))
        cut = run("-C", drawn, "record", "--from", table)
    assert cut.code == 1 and "Traceback" not in cut.err
    assert snapshot(drawn) == before
    again = run("-C", drawn, "record", "--from", table)
    assert again.code == 0, again.err
    assert not [p for p in uncommitted(drawn) if p.startswith("plans/")], uncommitted(drawn)


@pytest.mark.skipif(not registered("record"), reason="ssj record not yet registered")
def test_records_left_uncommitted_are_committed_by_the_rerun(drawn, tmp_path):
    """A run killed between its writes and its commit leaves records uncommitted (here: part
    of the batch written with --no-commit); the re-run of the batch commits them with the rest."""
    assert run("-C", drawn, *ASSIGN_ARGS).code == 0
    table = _record_table(drawn, tmp_path)
    lines = table.read_text(encoding="utf-8").splitlines()
    half = tmp_path / "前半.csv"
    half.write_text("\n".join(lines[: len(lines) // 2]) + "\n", encoding="utf-8")
    assert run("-C", drawn, "record", "--from", half, "--no-commit").code == 0
    assert [p for p in uncommitted(drawn) if p.startswith("plans/2026/records/")]
    again = run("-C", drawn, "record", "--from", table, "--json")
    assert again.code == 0, again.err
    done = again.json()
    assert len(done["written"]) + len(done["unchanged"]) == len(lines) - 1
    assert done["unchanged"] and done["commit"]
    assert not [p for p in uncommitted(drawn) if p.startswith("plans/")], uncommitted(drawn)
    assert "补交" in git(drawn, "log", "-1", "--format=%s")
