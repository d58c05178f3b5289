"""R17 published items: a task checks only items published before it.

An item is published for a plan year by that year's 年度抽查计划公告 (`ssj plan publish`
records its day and the item codes in plan.yaml), or on its own day (`published` in
rosters/items.yaml). Each task's current record is judged on its first inspection day;
a file that does not validate is reported by the record checks (audit/results.py).
"""

from __future__ import annotations

from ..core.planning import published_codes
from ..core.problems import InputError
from ..storage import yamlio
from ..workspace import PLAN_DIR, roster_files
from ..workspace import year as year_files
from .data import AuditData
from .findings import Finding, error

FIX = (
    "检查只能针对已公布的事项：事项须随年度抽查计划公告公布（ssj plan publish），或在 "
    "rosters/items.yaml 中写明单独公布的日期 published；未公布而检查了的，用 ssj record 追加一版"
    "“更正”删去该事项并写明理由"
)


def check(data: AuditData, only_year: int | None = None) -> list[Finding]:
    ws = data.ws
    items = data.rosters["items"].rows if "items" in data.rosters else []
    names = {i.code: i.name for i in items}
    out: list[Finding] = []
    for folder in sorted((ws.root / PLAN_DIR).glob("*/records")):
        if not folder.parent.name.isdigit():
            continue
        year = int(folder.parent.name)
        if only_year is not None and year != only_year:
            continue
        found = data.plans.get(year)
        plan = found.model if found else None
        for path in sorted(folder.glob("*.yaml")):
            try:
                record = year_files.load_record_file(ws, path)
            except InputError:
                continue
            text = path.read_text(encoding="utf-8")
            for draw_id in record.draw_ids():
                version = record.current(draw_id)
                published = published_codes(plan, items, version.start)
                unpublished = [c for c in version.items if c not in published]
                if not unpublished:
                    continue
                index = record.versions.index(version)
                line = yamlio.lines_of(text, [("versions", index, "items")])[0]
                shown = "、".join(f"{c}（{names[c]}）" if c in names else c for c in unpublished)
                out.append(
                    error(
                        "R17",
                        ws.rel(path),
                        f"{record.name}（{record.entity}）{version.start} 的检查（抽取 {draw_id}，"
                        f"第 {version.version} 版）检查了当日尚未公布的事项：{shown}",
                        FIX,
                        line=line,
                        year=year,
                        related=(f"{PLAN_DIR}/{year}/plan.yaml", *roster_files("items")),
                    )
                )
    return out
