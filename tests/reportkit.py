"""Helpers of the report tests: the example workspace drawn and assigned for 2026."""

from __future__ import annotations

from pathlib import Path

from conftest import commit_all, on, run

YEAR = 2026  # a year whose holiday schedule the holidays package records
DAY = "2026-03-01"


def plan_for_year(root: Path) -> Path:
    """The example's plan as the 2026 plan (the example is made for the current year)."""
    plan = root / "plans" / str(YEAR) / "plan.yaml"
    if not plan.exists():
        source = next((root / "plans").glob("*/plan.yaml"))
        old = source.parent.name
        text = source.read_text("utf-8").replace(f"year: {old}", f"year: {YEAR}")
        plan.parent.mkdir(parents=True, exist_ok=True)
        plan.write_text(text.replace(f"{old}年度", f"{YEAR}年度"), "utf-8")
        commit_all(root, "2026 年度方案")
    return plan


def drawn(root: Path, assign: bool = True) -> Path:
    """Draw (and assign) the example for 2026 with fixed seeds."""
    plan_for_year(root)
    with on(DAY):
        result = run("-C", root, "draw", "--year", str(YEAR), "--seed", "20260301")
        assert result.code == 0, result.err
        if assign:
            result = run("-C", root, "assign", "--year", str(YEAR), "--seed", "7153")
            assert result.code == 0, result.err
    return root


def report(root: Path, *args: str) -> Path:
    """`ssj report --year 2026 ARGS` into a file; the file's path."""
    fmt = args[args.index("--format") + 1] if "--format" in args else "docx"
    out = root.parent / f"report-{len(list(root.parent.glob('report-*')))}.{fmt}"
    result = run(
        "-C", root, "report", "--year", str(YEAR), "--date", "2026-03-02", *args, "-o", out
    )
    assert result.code == 0, result.err
    return out
