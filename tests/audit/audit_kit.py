"""Shared steps of the audit tests: real workspaces, real git, ssj run in-process."""

from __future__ import annotations

import io
from pathlib import Path

from ruamel.yaml import YAML

from conftest import approve_plan, commit_all, git, on

SEED = "20260104-6152-3341"
ASSIGN_SEED = "assign-2026-0001"
DAY = "2026-03-01"


def draw(ssj, root: Path, *args: str, year: str = "2026", day: str = DAY, seed: str = SEED):
    with on(day):  # drawn on its day, as a bureau would, under its year's approved plan
        approve_plan(root, year)
        result = ssj("-C", root, "draw", "--year", year, "--seed", seed, *args, "--json")
    assert result.code == 0, result.out + result.err
    return result.json()


def assign(ssj, root: Path, *args: str, year: str = "2026", seed: str = ASSIGN_SEED):
    result = ssj("-C", root, "assign", "--year", year, "--seed", seed, *args, "--json")
    assert result.code == 0, result.out + result.err
    return result.json()


AS_OF = "2026-03-02"  # the day after the draws of these tests: no period is over yet


def audit(ssj, root: Path, *args: str):
    """ssj audit --json: (exit code, document), as of AS_OF unless --as-of is given."""
    when = () if "--as-of" in args else ("--as-of", AS_OF)
    result = ssj("-C", root, "audit", "--json", *when, *args)
    assert "Traceback" not in result.err, result.err
    return result.code, result.json()


def findings(doc, rule: str | None = None, severity: str | None = None) -> list[dict]:
    return [
        f
        for f in doc["findings"]
        if (rule is None or f["rule"] == rule) and (severity is None or f["severity"] == severity)
    ]


def read_yaml(path: Path):
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def write_yaml(path: Path, data, header: str = "") -> None:
    out = io.StringIO()
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    yaml.default_flow_style = False
    yaml.dump(data, out)
    path.write_text(header + out.getvalue(), encoding="utf-8")


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def plan_path(root: Path, year: int = 2026) -> Path:
    return root / "plans" / str(year) / "plan.yaml"


def drawn_and_assigned(ssj, root: Path) -> tuple[dict, dict]:
    """The draw of DAY and its teams, both made on DAY."""
    drawn = draw(ssj, root, "--ratio", "0.2")
    with on(DAY):
        return drawn, assign(ssj, root)


__all__ = ["commit_all", "git"]


def complete_year(ssj, root: Path, year: int, tmp: Path, *assign_args: str) -> None:
    """Assign the year's last draw the day after it, record every task as inspected 9 days
    after the draw and publish the results 10 days later, each on its day: a year with
    nothing left to do."""
    with on(f"{year}-03-02"):
        assign(ssj, root, *assign_args, year=str(year), seed=f"assign-{year}")
    assigned = read_yaml(root / f"plans/{year}/assignments/{year}-1.yaml")
    table = tmp / f"records-{year}.csv"
    rows = ["统一社会信用代码,检查结束日期,检查结果"]
    rows += [f"{t['entity']},{year}-03-10,未发现问题" for t in assigned["tasks"]]
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with on(f"{year}-03-10T17:00:00+08:00"):
        result = ssj("-C", root, "record", "--from", table, "--year", str(year))
    assert result.code == 0, result.out + result.err
    out = tmp / f"publication-{year}.json"
    with on(f"{year}-03-20"):
        result = ssj(
            "-C", root, "disclose", "publish", "--year", str(year), "--format", "json", "-o", out
        )
    assert result.code == 0, result.out + result.err
