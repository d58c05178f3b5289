"""The repository is a workspace: its rosters are the built-in example's, every record at
the top re-runs, and the audit passes — as of the day after its last change, so that the
verdict depends on the repository alone, never on the machine's date."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import read_yaml

ROOT = Path(__file__).parents[1]


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_the_example_is_built_from_the_repositorys_rosters(tmp_path, ssj):
    assert ssj("init", tmp_path / "ws", "--example").code == 0
    shipped = tmp_path / "ws" / "rosters"
    files = sorted(p.relative_to(shipped) for p in shipped.rglob("*.yaml"))
    assert files == sorted(
        p.relative_to(ROOT / "rosters") for p in (ROOT / "rosters").rglob("*.yaml")
    )
    assert len(files) == 7  # the bureau's three, two departments' two each (the joint task)
    for relative in files:
        assert (shipped / relative).read_bytes() == (ROOT / "rosters" / relative).read_bytes()


def test_every_record_at_the_top_re_runs(ssj):
    result = ssj("-C", ROOT, "verify", "--json")
    assert result.code == 0, result.out
    kinds = {(r["kind"], r["id"][:4]) for r in result.json()["results"]}
    assert {("抽取", "2022"), ("匹配", "2022"), ("抽取", "2026")} <= kinds


def test_the_2022_year_is_a_late_entry_with_its_reasons():
    for path in sorted((ROOT / "plans/2022/draws").glob("2022-*.yaml")):
        if path.name.count(".") == 1:  # the draw records themselves
            record = read_yaml(path)
            assert record["date"].startswith("2022-") and record["reason"], path.name
    assert read_yaml(ROOT / "plans/2022/plan.yaml")["approval"]["document"]


@pytest.mark.skipif(
    not (ROOT / ".git").exists() or _git("rev-parse", "--is-shallow-repository") == "true",
    reason="the audit reads the whole history: a full clone is needed",
)
def test_the_repository_passes_its_own_audit(ssj, clock):
    # The day after the latest commit, of the workspace's files or not: the audit reads
    # every commit, and one dated after its today is refused (R14).
    last = max(map(date.fromisoformat, _git("log", "--format=%cs").split()))
    clock.set((last + timedelta(days=1)).isoformat())
    result = ssj("-C", ROOT, "audit", "--json")
    assert result.code == 0, [f for f in result.json()["findings"] if f["severity"] == "error"]
