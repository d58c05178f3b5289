"""ssj verify: re-run every recorded draw, assignment and return-visit draw."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.problems import InputError
from ..core.records import Assignment
from ..storage.cache import paused_gc
from ..storage.files import write_atomic
from ..workspace import Workspace, engine_duckdb, reference
from ..workspace.verification import (
    Verdict,
    verify_all,
    verify_assignments,
    verify_joint,
    verify_revisits,
)


@dataclass
class Verification:
    verdicts: list[Verdict]

    @property
    def ok(self) -> bool:
        return all(v.ok for v in self.verdicts)

    def as_json(self) -> dict:
        return {"ok": self.ok, "results": [v.__dict__ for v in self.verdicts]}


def verify(ws: Workspace, only: str | None = None, engine: str | None = None) -> Verification:
    """`only`: one draw id (its draw, assignment or return-visit draw); None for all.

    `engine`: duckdb re-runs the draws made from a roster kept by reference on DuckDB
    (workspace/engine_duckdb.py), as it does by default when the roster is kept so."""
    with paused_gc():  # records and re-runs of tens of thousands of tasks, no cycles
        if engine == "python" or (engine is None and reference.current(ws, "entities") is None):
            return Verification(verify_all(ws, only))
        results = engine_duckdb.verify_draws(ws, only, engine)
        for others in (verify_assignments, verify_joint, verify_revisits):
            results += others(ws, only)
    if only and not results:
        raise InputError(f"没有编号为“{only}”的记录")
    return Verification(results)


def pages(ws: Workspace, draw_id: str) -> dict[str, str]:
    """The self-contained verification pages of a draw: {"draw": html, "assignment": html}.

    The page carries the draw's public inputs (the pool per stratum as ssj recomputes it
    from the roster at the draw's commit) and re-derives the result in the browser.
    """
    from ..render import verify_page
    from ..workspace import drawing, matching, records

    record = records.find_draw(ws, draw_id)
    frozen = drawing.refrozen(ws, record)
    out = {"draw": verify_page.draw_page(verify_page.draw_inputs(record, frozen.membership))}
    assignment = next((a for a in records.all_assignments(ws) if a.draw_id == draw_id), None)
    if assignment is None:
        return out
    options = matching.Options(**assignment.parameters.model_dump())
    for n in range(len(assignment.rounds) + 1):
        ctx = matching.recorded_context(ws, assignment, n)
        tasks, _ = matching.candidates(ctx, options)
        # A later matching is checked as a matching of its own: its seed, its tasks.
        shown = assignment if n == 0 else assignment.model_copy(update=_round(assignment, n))
        inputs = verify_page.assignment_inputs(shown, tasks, ctx.prior_load())
        out["assignment" if n == 0 else f"assignment-{n}"] = verify_page.assignment_page(inputs)
    return out


def _round(assignment: Assignment, n: int) -> dict:
    later = assignment.rounds[n - 1]
    return {
        "seed": later.seed,
        "seed_source": later.seed_source,
        "commit": later.commit,
        "tasks": later.tasks,
    }


def write_pages(ws: Workspace, draw_id: str, output: Path) -> list[Path]:
    """`ssj verify ID --html -o FILE`: the draw's page at FILE, each matching's beside it."""
    written = []
    for kind, text in pages(ws, draw_id).items():
        if kind == "draw":
            path = output
        elif kind == "assignment":
            path = output.with_name(f"{output.stem}-匹配{output.suffix}")
        else:
            path = output.with_name(f"{output.stem}-补充匹配{kind.split('-')[1]}{output.suffix}")
        write_atomic(path, text.encode("utf-8"))
        written.append(path)
    return written
