"""The one write path: all or none, growing records only grown, one commit, nothing on error."""

from __future__ import annotations

import re

import pytest

from conftest import git, snapshot
from shuangsuiji.core.problems import Refused
from shuangsuiji.storage import files
from shuangsuiji.workspace import Workspace, writer

RECORD = "plans/2026/records/91350102604010605L.yaml"
HEAD = "kind: record\nyear: 2026\nentity: 91350102604010605L\nname: 某单位\nversions:\n"
V1 = "- version: 1\n  end: '2026-03-10'\n  result: 未发现问题\n"
V2 = "- version: 2\n  end: '2026-03-10'\n  result: 未发现问题\n  note: 补充\n"


def _commits(root) -> int:
    return int(git(root, "rev-list", "--count", "HEAD"))


def test_the_files_of_one_act_make_one_commit(example):
    ws = Workspace(example)
    before = _commits(example)
    with writer.batch(ws) as book:
        book.write(example / RECORD, HEAD + V1)
        book.write(example / "plans/2026/records/other.yaml", HEAD + V1)
        book.message = "两份记录"
    assert _commits(example) == before + 1 and book.sha
    assert git(example, "status", "--porcelain").strip() == ""


def test_an_error_in_the_act_writes_nothing(example):
    before = snapshot(example)
    with pytest.raises(RuntimeError), writer.batch(Workspace(example)) as book:
        book.write(example / RECORD, HEAD + V1)
        raise RuntimeError("计算到一半出错")
    assert snapshot(example) == before


def test_a_failed_write_puts_back_what_was_written(example, monkeypatch):
    ws = Workspace(example)
    with writer.batch(ws) as book:
        book.write(example / RECORD, HEAD + V1)
        book.message = "第 1 版"
    before = snapshot(example)
    real = files.write_atomic
    calls = []

    def second_fails(path, data):
        calls.append(path)
        if len(calls) == 2:
            raise OSError("磁盘已满")
        real(path, data)

    monkeypatch.setattr(writer, "write_atomic", second_fails)
    with pytest.raises(OSError), writer.batch(ws) as book:
        book.write(example / RECORD, HEAD + V1 + V2)
        book.write(example / "plans/2026/records/new.yaml", HEAD + V1)
        book.message = "两份"
    assert snapshot(example) == before


def test_a_growing_record_is_only_ever_grown(example):
    ws = Workspace(example)
    with writer.batch(ws) as book:
        book.write(example / RECORD, HEAD + V1)
        book.message = "第 1 版"
    with writer.batch(ws) as book:  # a new whole version: fine
        book.write(example / RECORD, HEAD + V1 + V2)
        book.message = "第 2 版"
    before = snapshot(example)
    rewritten = HEAD + V1.replace("未发现问题", "发现问题已责令改正") + V2
    under_v2 = HEAD + V1 + V2 + "  amount: 200000\n"  # bytes appended, version 2 changed
    for text in (rewritten, under_v2, HEAD + V2):
        with pytest.raises(Refused, match="只能追加"), writer.batch(ws) as book:
            book.write(example / RECORD, text)
        assert snapshot(example) == before


def test_a_folder_linked_out_of_the_workspace_is_refused(example, ssj, tmp_path, clock):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (example / "plans/2026").mkdir(parents=True, exist_ok=True)
    (example / "plans/2026/draws").symlink_to(outside, target_is_directory=True)
    with clock.on("2026-03-01"):
        result = ssj("-C", example, "draw", "--year", "2026", "--ratio", "0.2", "--seed", "s")
    assert result.code == 1 and "指向工作区之外" in result.err, result.err
    assert "Traceback" not in result.err and not any(outside.iterdir())


def test_a_workspace_in_a_folder_of_a_repository_is_checked_there(tmp_path):
    import shutil

    from conftest import commit_all, run

    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    (repo / "notes.txt").write_text("与工作区无关的未提交文件", encoding="utf-8")
    root = repo / "bureau"
    assert run("init", root, "--example").code == 0
    shutil.rmtree(root / ".git", ignore_errors=True)
    commit_all(repo, "示例工作区")
    (repo / "notes.txt").write_text("又改了", encoding="utf-8")
    ws = Workspace(root)
    assert writer.check_committed(ws, 2026) == git(repo, "rev-parse", "HEAD").strip()
    roster = next((root / "rosters").glob("entities.*"))
    roster.write_bytes(roster.read_bytes() + b"\n")
    with pytest.raises(Refused, match=re.escape(f"bureau/rosters/{roster.name} 有未提交的修改")):
        writer.check_committed(ws, 2026)
    git(repo, "checkout", "--", ".")
    draws = root / "plans" / "2026" / "draws"
    draws.mkdir(parents=True, exist_ok=True)
    (draws / "2026-9.yaml").write_text("kind: draw\n", encoding="utf-8")
    with pytest.raises(
        Refused, match=re.escape("bureau/plans/2026/draws/2026-9.yaml 是尚未提交的记录")
    ):
        writer.check_committed(ws, 2026)
