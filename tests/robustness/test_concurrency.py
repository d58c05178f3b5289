"""Two or more real ssj processes on one workspace: one after the other, or a clear refusal.

ssj takes the workspace lock (.ssj/lock, filelock) for the whole of a writing command,
from reading the rosters to `git commit`; a second process waits up to 5 seconds, then
refuses with "另一个 ssj 进程正在修改此工作区". Writes never interleave.
"""

# ruff: noqa: F811

from __future__ import annotations

import functools
import subprocess
import sys
import time

import pytest
from robustness_kit import (  # noqa: F401  (fixtures: session templates, copied per test)
    DAY,
    assert_consistent,
    commit_rosters,
    drawn,
    example,
    git,
    registered,
    run,
    snapshot,
    ssj_process,
    templates,
)

from conftest import read_yaml
from shuangsuiji.storage import files

LOCKED = "另一个 ssj 进程正在修改此工作区"


@pytest.fixture(autouse=True)
def _on_the_drawing_day(clock):
    """These tests draw on DAY (`--date DAY` is today): no late entry."""
    clock.set(DAY)


def _finish(processes) -> list[tuple[int, str, str]]:
    out = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=60)
        text = stderr.decode("utf-8")
        assert "Traceback" not in text, text
        out.append((process.returncode, stdout.decode("utf-8"), text))
    return out


def _draw_args(seed: str, *extra: str) -> tuple[str, ...]:
    return ("draw", "--year", "2026", "--date", DAY, "--seed", seed, "--ratio", "0.2", *extra)


def test_parallel_draws_run_one_after_the_other(example):
    seeds = ["并发-1", "并发-2", "并发-3"]
    results = _finish([ssj_process(example, *_draw_args(s, "--json")) for s in seeds])
    done = [r for r in results if r[0] == 0]
    assert done, results
    for code, _, err in results:
        assert code == 0 or (code == 1 and LOCKED in err), err
    recorded = sorted((example / "plans" / "2026" / "draws").glob("*.yaml"))
    assert [p.stem for p in recorded] == [f"2026-{n}" for n in range(1, len(done) + 1)]
    # Each record is one process's draw, with its own seed, in its own commit.
    seeds_recorded = {read_yaml(p)["seed"] for p in recorded}
    import json

    assert seeds_recorded == {json.loads(out)["seed"] for _, out, _ in done}
    log = git(example, "log", "--format=%s").splitlines()
    assert sum("抽取 2026-" in line for line in log) == len(done)
    # Later draws know the earlier ones (cooldown): the draws were serialised, not interleaved.
    history = [read_yaml(p).get("history", []) for p in recorded]
    assert history == [[f"2026-{m}" for m in range(1, n)] for n in range(1, len(done) + 1)]
    assert_consistent(example)


def test_parallel_draws_of_one_id_record_it_once(example):
    results = _finish(
        [ssj_process(example, *_draw_args(s, "--draw-id", "同号")) for s in ("甲", "乙", "丙")]
    )
    assert [code for code, _, _ in results].count(0) == 1, results
    for code, _, err in results:
        assert code == 0 or "已经进行过" in err or LOCKED in err, err
    assert len(list((example / "plans").rglob("同号*.yaml"))) == 1
    assert_consistent(example)


def test_draw_assign_and_import_in_parallel(drawn, tmp_path):
    """A draw, an assignment and a roster import at once: each waits for the workspace lock,
    sees a whole workspace, and refuses if the import came first (rosters uncommitted).

    The three start while another process holds the lock and are all shown to be running
    (none can finish) before it is released, so they always contend for it. Without this
    barrier the first could finish before the last had started, and which interleaving a
    run tested, and how long the last one waited, depended on the machine's load. Which of
    them gets the lock first is still up to the OS: the outcome of each is checked against
    what the others did.
    """
    root = drawn
    csv = tmp_path / "新增.csv"
    csv.write_text(
        "统一社会信用代码,单位名称,监管类别,行业,所属区域\n"
        "LS-2099-001,青岚区丙临时零售点,烟花爆竹,烟花爆竹零售,城关街道\n",
        encoding="utf-8",
    )
    jobs = {
        "draw": _draw_args("并行抽取"),
        "assign": ("assign", "--year", "2026", "--draw", "2026-1", "--seed", "并行匹配"),
        "import": ("roster", "import", str(csv)),
    }
    roster_before = (root / "rosters/entities.yaml").read_bytes()
    holder = _hold_lock(root)
    try:
        processes = [ssj_process(root, *args) for args in jobs.values()]
        time.sleep(1.0)  # time to start and reach the lock (a slower start only means less wait)
        ended = [
            (args, p.communicate())
            for args, p in zip(jobs.values(), processes, strict=True)
            if p.poll() is not None
        ]
        assert not ended, ended  # all running at once, none past the lock while it is held
    finally:
        holder.communicate(b"release\n", timeout=30)
    results = dict(zip(jobs, _finish(processes), strict=True))
    draw_code, import_code = results["draw"][0], results["import"][0]
    assign_code = results["assign"][0]

    assert import_code == 0 or LOCKED in results["import"][2], results["import"]
    imported = (root / "rosters/entities.yaml").read_bytes() != roster_before
    assert imported == (import_code == 0)
    # A draw or an assignment refuses if the import came first: rosters must be committed.
    for name in ("draw", "assign"):
        code, _, err = results[name]
        after_import = "rosters/entities.yaml 有未提交的修改" in err
        assert code == 0 or LOCKED in err or after_import, (name, err)
        assert not after_import or imported, (name, err)
    # Each one that went through recorded and committed exactly its record; the others nothing.
    draw_file = root / "plans/2026/draws/2026-2.yaml"
    assign_file = root / "plans/2026/assignments/2026-1.yaml"
    assert draw_file.exists() == (draw_code == 0)
    assert assign_file.exists() == (assign_code == 0)
    log = git(root, "log", "--format=%s").splitlines()
    assert sum(line.startswith("抽取 2026-2") for line in log) == (draw_code == 0)
    assert sum(line.startswith("匹配检查人员 2026-1") for line in log) == (assign_code == 0)
    commit_rosters(root)
    assert_consistent(root)


def _hold_lock(root, seconds: float | None = None) -> subprocess.Popen:
    """Another process holding the workspace lock (as a running ssj command does): for
    `seconds`, or (None) until a line is written to its standard input."""
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from shuangsuiji.storage.files import workspace_lock\n"
        "with workspace_lock(Path(sys.argv[1])):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(float(sys.argv[2])) if sys.argv[2] else sys.stdin.readline()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(root), "" if seconds is None else str(seconds)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert holder.stdout.readline().strip() == b"held"
    return holder


def test_a_second_writer_refuses_with_the_lock_message(drawn, tmp_path, monkeypatch):
    """While another process holds the lock, every writing command refuses and writes nothing."""
    from shuangsuiji.workspace import load as workspace

    monkeypatch.setattr(
        workspace, "workspace_lock", functools.partial(files.workspace_lock, wait=0.3)
    )
    root = drawn
    csv = tmp_path / "新增.csv"
    csv.write_text("执法证号,姓名\nP-9,新同事\n", encoding="utf-8")
    before = snapshot(root)
    holder = _hold_lock(root, 30)
    try:
        for args in (
            _draw_args("锁"),
            ("draw", "prepare", "--year", "2026", "--date", DAY),
            ("assign", "--year", "2026", "--seed", "锁"),
            ("roster", "import", str(csv)),
            (
                "draw",
                "replace",
                read_yaml(root / "plans/2026/draws/2026-1.yaml")["selected"][0]["id"],
                "--reason",
                "已注销",
            ),
        ):
            started = time.monotonic()
            result = run("-C", root, *args)
            assert result.code == 1 and LOCKED in result.err, (args, result.err)
            assert "Traceback" not in result.err
            assert time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()
    assert snapshot(root) == before
    assert run("-C", root, *_draw_args("锁后")).code == 0  # the lock is free again


@pytest.mark.skipif(not registered("record"), reason="ssj record not yet registered")
def test_draw_and_record_in_parallel(drawn, tmp_path):
    root = drawn
    assert run("-C", root, "assign", "--year", "2026", "--seed", "匹配").code == 0
    assignment = read_yaml(root / "plans/2026/assignments/2026-1.yaml")
    rows = ["统一社会信用代码,检查开始日期,检查结束日期,检查人员,检查结果"]
    for task in assignment["tasks"]:
        team = ";".join(m["id"] for m in task["inspectors"])
        rows.append(f"{task['entity']},{DAY},{DAY},{team},未发现问题")
    table = tmp_path / "检查结果.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    jobs = [_draw_args("并行抽取二"), ("record", "--from", str(table)), _draw_args("并行抽取三")]
    results = _finish([ssj_process(root, *args) for args in jobs])
    for code, _, err in results:
        assert code == 0 or LOCKED in err, err
    log = git(root, "log", "--format=%s").splitlines()
    assert sum(line.startswith("记录检查结果") for line in log) == int(results[1][0] == 0)
    assert_consistent(root)
