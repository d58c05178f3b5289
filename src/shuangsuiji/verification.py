"""Re-running every recorded random choice (ssj verify, ssj audit)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .core.problems import InputError, Refused
from .workspace import Workspace


@dataclass
class Verdict:
    kind: str  # 抽取 / 匹配 / 回访
    id: str
    file: str
    ok: bool
    differences: list[str] = field(default_factory=list)


def verify_draws(ws: Workspace, draw_id: str | None = None) -> list[Verdict]:
    from . import draws

    out = []
    for record in draws.all_draws(ws):
        if draw_id and record.draw_id != draw_id:
            continue
        path = ws.rel(draws.record_path(ws, record.year, record.draw_id))
        try:
            found = draws.differences(record, draws.rebuild(ws, record))
        except (Refused, InputError) as exc:
            found = [str(exc)]
        out.append(Verdict("抽取", record.draw_id, path, not found, found))
    return out


def verify_all(ws: Workspace, only: str | None = None) -> list[Verdict]:
    results = verify_draws(ws, only)
    if only and not results:
        raise InputError(f"没有编号为“{only}”的记录")
    return results
