"""Every command that offers --dry-run writes nothing with it: no file, no commit."""

from __future__ import annotations

import typer

import shuangsuiji.cli.app as app_module
from conftest import git, on, snapshot
from results_flow import csv_bytes, staffed


def _with_dry_run() -> set[tuple[str, ...]]:
    """The command paths whose options include --dry-run (found in the tree, not listed)."""
    found = set()

    def walk(command, path):
        if any("--dry-run" in getattr(p, "opts", ()) for p in command.params):
            found.add(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, (*path, name))

    walk(typer.main.get_command(app_module.app), ())
    return found


def _state(root):
    return snapshot(root), git(root, "rev-parse", "HEAD"), git(root, "status", "--porcelain")


def test_every_dry_run_writes_nothing(example, ssj, tmp_path):
    plan = staffed(ssj, example)
    entity = plan["tasks"][0]["entity"]
    sheet = tmp_path / "结果.csv"
    sheet.write_bytes(csv_bytes([[entity, "", "2026-03-10", "", "未发现问题"]], "utf-8"))
    roster = tmp_path / "对象.csv"
    exported = ssj("-C", example, "roster", "export", "--format", "csv", "-o", roster)
    assert exported.code == 0, exported.out + exported.err
    text = roster.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    roster.write_text(text.replace(",在营", ",停业", 1), encoding="utf-8-sig")
    runs = {
        ("draw",): ["draw", "--year", "2026", "--ratio", "0.3", "--date", "2026-11-16"],
        ("record", "add"): [
            "record",
            entity,
            "--year",
            "2026",
            "--end",
            "2026-03-10",
            "--result",
            "未发现问题",
        ],
        ("record", "add", "--from"): ["record", "--from", sheet, "--year", "2026"],
        ("roster", "import"): ["roster", "import", roster],
    }
    assert {k for k in runs if "--from" not in k} == _with_dry_run(), "a new --dry-run: test it"
    for name, args in runs.items():
        before = _state(example)
        result = ssj("-C", example, *args, "--dry-run", "--json")
        assert result.code == 0, (name, result.out, result.err)
        assert result.json().get("dry_run", True), name
        assert _state(example) == before, name


def test_record_add_dry_run_shows_what_it_would_write(example, ssj):
    plan = staffed(ssj, example)
    entity = plan["tasks"][0]["entity"]
    args = ["-C", example, "record", entity, "--year", "2026", "--end", "2026-03-10"]
    with on("2026-03-11"):
        tried = ssj(*args, "--result", "未发现问题", "--dry-run")
        assert tried.code == 0, tried.out + tried.err
        assert "将写入" in tried.out and "未写入" in tried.out
        assert ssj("-C", example, "record", "show", entity, "--year", "2026").code == 2
        done = ssj(*args, "--result", "未发现问题", "--json")
    assert done.code == 0 and len(done.json()["written"]) == 1
