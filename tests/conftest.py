"""Shared fixtures: real workspaces in temporary folders, real git, ssj run in-process."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

os.environ["COLUMNS"] = "200"  # rich tables wide enough not to wrap words in assertions

from shuangsuiji.cli.app import main

# Every test runs on a clock it chooses, never on the machine's: ssj reads SSJ_NOW, and git
# dates the tests' own commits by the same instant. A Monday late in the work year; the
# workspaces are made early in it (SET_UP), and a test performs an act on an earlier day
# (a draw, a publication) on that day: `with on("2026-03-01"): ...`, as a bureau would.
FIXED_NOW = datetime.fromisoformat("2026-11-16T10:00:00+08:00")
SET_UP = "2026-01-02T09:00:00+08:00"


class TestClock:
    """The fixed clock of one test: `set` it to an instant, or `advance` it."""

    def __init__(self, monkeypatch) -> None:
        self._monkeypatch = monkeypatch
        self.now = FIXED_NOW

    def set(self, when: datetime | str) -> None:
        if isinstance(when, str):
            when = datetime.fromisoformat(when if "T" in when else f"{when}T10:00:00+08:00")
        self.now = when
        stamp = when.isoformat()
        for key in ("SSJ_NOW", "GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
            self._monkeypatch.setenv(key, stamp)

    def advance(self, **delta: float) -> None:
        self.set(self.now + timedelta(**delta))

    @contextlib.contextmanager
    def on(self, when: datetime | str):
        """Run what follows at `when`, then come back to where the clock was."""
        before = self.now
        self.set(when)
        try:
            yield self
        finally:
            self.set(before)

    @property
    def today(self) -> date:
        return self.now.date()


_ACTIVE: list[TestClock] = []


@pytest.fixture(autouse=True)
def clock(monkeypatch) -> TestClock:
    fixed = TestClock(monkeypatch)
    fixed.set(FIXED_NOW)
    _ACTIVE[:] = [fixed]
    return fixed


def on(when: datetime | str):
    """The running test's clock at `when`, for the shared steps of the test kits."""
    return _ACTIVE[0].on(when)


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch):
    for key, value in {
        "GIT_AUTHOR_NAME": "测试员",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "测试员",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }.items():
        monkeypatch.setenv(key, value)


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self):
        import json

        return json.loads(self.out)


def run(*args: str | Path) -> Result:
    """Run `ssj args...` in this process, as the console script would."""
    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["ssj", *map(str, args)]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv = argv
    return Result(code, out.getvalue(), err.getvalue())


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True, encoding="utf-8"
    ).stdout


def commit_all(root: Path, message: str = "提交") -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture
def ssj():
    return run


@pytest.fixture
def example(tmp_path, clock, request) -> Path:
    """`ssj init --example`, committed at the start of the year, or on the day a test
    marks with `@pytest.mark.set_up("2024-01-02")` when it plays earlier years."""
    root = tmp_path / "ws"
    marker = request.node.get_closest_marker("set_up")
    with clock.on(marker.args[0] if marker else SET_UP):
        assert run("init", root, "--example").code == 0
        commit_all(root, "示例工作区")
    return root


def approve_plan(root: Path, year: int | str = 2026, day: str | None = None) -> None:
    """Open the plan gate of `year` on `day` (default: the running test's clock's), as a
    bureau does before drawing: `ssj plan init` when the year has no plan, `ssj plan
    approve`, and `ssj plan publish` (the items published with it, R17). An approved
    year is left as it is."""
    path = root / "plans" / str(year) / "plan.yaml"
    if path.is_file() and (read_yaml(path) or {}).get("approval"):
        return
    day = day or _ACTIVE[0].today.isoformat()
    steps = [] if path.is_file() else [("init",)]
    steps.append(("approve", "--date", day, "--document", f"测政字〔{year}〕1号"))
    out = root.parent / f"{root.name}-{year}年度抽查计划公告.html"
    steps.append(("publish", "--date", day, "--reason", "测试", "-o", str(out)))
    for step in steps:
        result = run("-C", root, "plan", step[0], "--year", str(year), *step[1:])
        assert result.code == 0, result.out + result.err


@pytest.fixture
def forks(monkeypatch):
    """Every roster and record counts as big enough for a copy; the forks made are counted."""
    from shuangsuiji.storage import processes

    monkeypatch.setattr(processes, "WORTH", 0)
    made = []
    fork = os.fork

    def counted():
        made.append(1)
        return fork()

    monkeypatch.setattr(os, "fork", counted)
    return made


@pytest.fixture
def empty_ws(tmp_path, clock) -> Path:
    """`ssj init` without the example, committed at the start of the year, its 2026 plan
    written and approved (a draw needs an approved plan)."""
    root = tmp_path / "ws"
    with clock.on(SET_UP):
        assert run("init", root, "--authority", "测试区应急管理局").code == 0
        commit_all(root, "空工作区")
        approve_plan(root, 2026)
    return root


def read_yaml(path: Path):
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def write_yaml(path: Path, data) -> None:
    import io

    from ruamel.yaml import YAML

    out = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, out)
    path.write_text(out.getvalue(), encoding="utf-8")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of a workspace (outside .git and .ssj) and its bytes."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not {".git", ".ssj"} & set(p.relative_to(root).parts)
    }
