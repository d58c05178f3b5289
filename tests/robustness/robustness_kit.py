"""Shared by the robustness tests: real ssj processes and a workspace consistency check."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SET_UP, approve_plan, commit_all, git, on, run, snapshot
from shuangsuiji.workspace import records

SEED = "20260104-6152-3341"
DAY = "2026-03-01"
SSJ = [sys.executable, "-m", "shuangsuiji"]


def ssj_process(root: Path, *args: str, **kw) -> subprocess.Popen:
    """A real `ssj -C root args...` process, in its own process group (killed as one)."""
    return subprocess.Popen(
        [*SSJ, "-C", str(root), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        **kw,
    )


def copy_workspace(template: Path, target: Path) -> Path:
    shutil.copytree(template, target, symlinks=True)
    return target


def registered(name: str) -> bool:
    """Whether `ssj <name>` exists (audit, record, revisit… arrive with other issues)."""
    from shuangsuiji.cli.app import app

    return any(c.name == name for c in app.registered_commands) or any(
        g.name == name for g in app.registered_groups
    )


def draw(root: Path, *args: str, seed: str = SEED):
    """Draw 2026 on DAY (the running test's clock set to it, then back)."""
    with on(DAY):
        return _draw(root, *args, seed=seed)


def committed_workspace(example: Path) -> Path:
    """The example workspace with one committed draw (2026-1), ready for `ssj assign`."""
    result = draw(example, "--ratio", "0.2")
    assert result.code == 0, result.err
    return example


def _draw(root: Path, *args: str, seed: str = SEED):
    return run("-C", root, "draw", "--year", "2026", "--seed", seed, *args)


# Workspaces are made once per session and copied for each test (a copy takes
# milliseconds, `ssj init` and a draw most of a second): these override conftest's.
IDENTITY = {
    "GIT_AUTHOR_NAME": "测试员",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "测试员",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}
CLOCK = ("SSJ_NOW", "GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE")


def _at(patch, when: str) -> None:
    """The session's templates are made on the tests' clock too: set up early, drawn on DAY."""
    for key in CLOCK:
        patch.setenv(key, when)


@pytest.fixture(scope="session")
def templates(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("templates")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in IDENTITY.items():
            patch.setenv(key, value)
        _at(patch, SET_UP)
        example = base / "example"
        assert run("init", example, "--example").code == 0
        commit_all(example, "示例工作区")
        drawn = copy_workspace(example, base / "drawn")
        _at(patch, f"{DAY}T10:00:00+08:00")
        result = _draw(drawn, "--ratio", "0.2")  # draw 2026-1, ready for `ssj assign`
        assert result.code == 0, result.err
        _at(patch, SET_UP)
        empty = base / "empty"
        assert run("init", empty, "--authority", "测试区应急管理局").code == 0
        commit_all(empty, "空工作区")
        approve_plan(empty, 2026, day=SET_UP[:10])  # as conftest's empty_ws
    return {"example": example, "drawn": drawn, "empty": empty}


@pytest.fixture
def example(templates, tmp_path) -> Path:
    """`ssj init --example`, committed."""
    return copy_workspace(templates["example"], tmp_path / "ws")


@pytest.fixture
def drawn(templates, tmp_path) -> Path:
    """The example workspace with draw 2026-1 (ratio 0.2) committed."""
    return copy_workspace(templates["drawn"], tmp_path / "ws-drawn")


@pytest.fixture
def empty_ws(templates, tmp_path) -> Path:
    return copy_workspace(templates["empty"], tmp_path / "ws")


def uncommitted(root: Path) -> list[str]:
    out = git(root, "status", "--porcelain", "--untracked-files=all")
    return [line[3:] for line in out.splitlines()]


def is_temp(path: str) -> bool:
    """The temporary file of an interrupted atomic write (`.<name>.<random>.tmp`)."""
    name = path.rsplit("/", 1)[-1]
    return name.startswith(".") and name.endswith(".tmp")


def recover(root: Path) -> list[str]:
    """What the operator does after a crash, following ssj's own messages; returns the steps.

    A stale git lock (git killed mid-commit) is named by ssj and removed by hand; a record
    written but not committed is named by ssj and committed, never deleted.
    """
    steps = []
    locks = sorted((root / ".git").rglob("*.lock"))
    # Those that stop the next commit; git's own housekeeping (a commit-graph or a pack
    # being written when git was killed) leaves others that it clears itself.
    blocking = [p for p in locks if p.name in ("index.lock", "HEAD.lock") or "refs" in p.parts]
    if blocking:
        refused = draw(root, seed="恢复检查")
        assert refused.code == 1 and ".lock 存在" in refused.err, (locks, refused.err)
    if locks:
        for lock in locks:
            lock.unlink()
        steps.append("removed " + " ".join(p.name for p in locks))
    records = [
        p
        for p in uncommitted(root)
        if p.startswith("plans/") and ("/draws/" in p or "/assignments/" in p) and not is_temp(p)
    ]
    if records:
        before = snapshot(root)
        refused = draw(root, seed="恢复检查")
        assert refused.code == 1, refused.err
        assert "尚未提交的记录" in refused.err and records[0] in refused.err, refused.err
        assert snapshot(root) == before
        git(root, "add", "--", *records)
        git(root, "commit", "-q", "-m", "补交中断时未提交的记录")
        steps.append("committed " + " ".join(records))
    return steps


def assert_consistent(root: Path) -> None:
    """Every file parses and validates; every draw and assignment re-runs; audit is clean.

    With `ssj audit` registered, the audit does the re-runs and the roster checks (and
    reads git history); before it existed, `ssj verify` and the roster check did.
    """
    from shuangsuiji.services.roster import check_workspace
    from shuangsuiji.storage import yamlio
    from shuangsuiji.workspace import Workspace

    ws = Workspace(root)
    for path in sorted((root / "plans").rglob("*.yaml")):
        yamlio.load(path)  # raises InputError on a torn file
    records.all_draws(ws)  # every record validates against its model
    records.all_assignments(ws)
    if registered("audit"):
        result = run("-C", root, "audit", "--as-of", DAY, "--json")
        assert result.code == 0, result.out + result.err
        assert result.json()["ok"], result.out
    else:
        errors, _ = check_workspace(ws)
        assert not errors, errors
        result = run("-C", root, "verify")
        assert result.code == 0, result.out + result.err
    leftovers = [p for p in uncommitted(root) if not is_temp(p)]
    assert not [p for p in leftovers if p.startswith("plans/")], leftovers


def commit_rosters(root: Path) -> None:
    """A roster import is left for the user to commit: commit it, as the user would."""
    changed = [p for p in uncommitted(root) if p.startswith("rosters/") and not is_temp(p)]
    if changed:
        git(root, "add", "--", *changed)
        git(root, "commit", "-q", "-m", "导入名录")


__all__ = [
    "DAY",
    "SEED",
    "SSJ",
    "assert_consistent",
    "commit_all",
    "commit_rosters",
    "committed_workspace",
    "copy_workspace",
    "draw",
    "drawn",
    "empty_ws",
    "example",
    "git",
    "is_temp",
    "recover",
    "registered",
    "run",
    "snapshot",
    "ssj_process",
    "templates",
    "uncommitted",
]
