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
