"""ssj status: what is due or overdue in a year — records, re-inspections, disclosures, visits."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..workspace import year as year_files
from ..workspace.load import Workspace
from ..workspace.year import current_records, year_tasks


def status(ws: Workspace, year: int, as_of: date | None = None) -> dict[str, Any]:
    """What is due or overdue in the year as of `as_of`: records, re-inspections, disclosures."""
    from ..core import followup
    from . import revisit as revisits

    as_of = as_of or ws.clock.today()
    tasks = year_tasks(ws, year)
    current = current_records(ws, year, tasks)
    open_tasks = []
    for key, task in sorted(tasks.tasks.items(), key=lambda kv: (kv[1].period_end, kv[0])):
        state = followup.task_state(key in current, task.period_end, as_of)
        if state != "recorded":
            open_tasks.append(
                {
                    "entity": task.entity,
                    "name": task.name,
                    "draw_id": task.draw_id,
                    "period": task.period,
                    "period_end": task.period_end.isoformat(),
                    "state": state,
                    "assigned": key not in tasks.unassigned,
                }
            )
    hazards = []
    for (draw_id, entity), version in current.items():
        for n, finding in enumerate(version.findings, start=1):
            state = followup.hazard_state(finding, as_of)
            if state in ("on_site", "closed"):
                continue
            hazards.append(
                {
                    "entity": entity,
                    "name": tasks.tasks[(draw_id, entity)].name,
                    "draw_id": draw_id,
                    "hazard": n,
                    "description": finding.description,
                    "level": finding.level,
                    "deadline": finding.deadline.isoformat() if finding.deadline else None,
                    "state": state,
                }
            )
    hazards.sort(key=lambda h: (h["deadline"] or "", h["entity"], h["hazard"]))
    disclosures = [
        e.as_json()
        for e in year_files.disclosure_status(ws, year, as_of)
        if e.state in ("due", "overdue", "unknown") or e.stale
    ]
    pending_visits = revisits.pending(ws, year)
    counts = {
        "tasks": len(tasks.tasks),
        "recorded": len(current),
        "missing": sum(t["state"] == "missing" for t in open_tasks),
        "pending": sum(t["state"] == "pending" for t in open_tasks),
        "hazards_due": sum(h["state"] == "due" for h in hazards),
        "hazards_overdue": sum(h["state"] == "overdue" for h in hazards),
        "hazards_unfixed": sum(h["state"] == "unfixed" for h in hazards),
        "disclosures_due": sum(d["state"] == "due" for d in disclosures),
        "disclosures_overdue": sum(d["state"] == "overdue" for d in disclosures),
        "disclosures_unknown": sum(d["state"] == "unknown" for d in disclosures),
        "revisits_pending": len(pending_visits),
    }
    return {
        "year": year,
        "as_of": as_of.isoformat(),
        "counts": counts,
        "tasks": open_tasks,
        "hazards": hazards,
        "disclosures": disclosures,
        "revisits": [
            {"entity": e, "name": tasks.entities[e].name if e in tasks.entities else ""}
            for e in pending_visits
        ],
    }
