"""ssj verify: re-run every recorded draw, assignment and return-visit draw."""

from __future__ import annotations

from dataclasses import dataclass

from ..workspace import Workspace
from ..workspace.verification import Verdict, verify_all


@dataclass
class Verification:
    verdicts: list[Verdict]

    @property
    def ok(self) -> bool:
        return all(v.ok for v in self.verdicts)

    def as_json(self) -> dict:
        return {"ok": self.ok, "results": [v.__dict__ for v in self.verdicts]}


def verify(ws: Workspace, only: str | None = None) -> Verification:
    """`only`: one draw id (its draw, assignment or return-visit draw); None for all."""
    return Verification(verify_all(ws, only))


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
    if assignment is not None:
        ctx = matching.recorded_context(ws, assignment)
        options = matching.Options(**assignment.parameters.model_dump())
        tasks, _ = matching.candidates(ctx, options)
        inputs = verify_page.assignment_inputs(assignment, tasks, ctx.prior_load())
        out["assignment"] = verify_page.assignment_page(inputs)
    return out
