"""Schema: every roster, plan, record and calendar file validates, and they agree with each other.

Loading (in `data.load`) already turned every validation problem into a finding with its
line; this adds the checks across files that a single file's schema cannot express.
"""

from __future__ import annotations

from .data import SCHEMA_FIX, AuditData
from .findings import Finding, error, warning


def check(data: AuditData) -> list[Finding]:
    out = list(data.findings)
    config = data.config
    entities = data.rosters.get("entities")
    if config and entities and config.categories:
        known = {c.name for c in config.categories}
        file = data.roster_files["entities"]
        for entity in entities.rows:
            if entity.category not in known:
                out.append(
                    error(
                        "schema",
                        file.path,
                        f"{entity.name}（{entity.id}）的监管类别“{entity.category}”不在 ssj.yaml 的类别中",
                        "在 ssj.yaml 的 categories 中增加该类别，或改正此单位的监管类别",
                        line=file.line("id", entity.id),
                    )
                )
    people = data.rosters.get("inspectors")
    if entities and people:
        ids = {e.id for e in entities.rows}
        file = data.roster_files["inspectors"]
        for person in people.rows:
            for unit in person.conflicts:
                if unit not in ids:
                    out.append(
                        warning(
                            "schema",
                            file.path,
                            f"{person.name}（{person.id}）的回避单位“{unit}”不在检查对象名录库中",
                            "核对回避单位的统一社会信用代码",
                            line=file.line("id", person.id),
                        )
                    )
    if config:
        known = {c.name for c in config.categories}
        for year, plan in sorted(data.plans.items()):
            for name in plan.model.categories:
                if known and name not in known:
                    out.append(
                        warning(
                            "schema",
                            plan.path,
                            f"方案中的类别“{name}”不在 ssj.yaml 的类别中，其比例不会生效",
                            SCHEMA_FIX,
                            year=year,
                        )
                    )
    draws = {d.model.draw_id for d in data.draws}
    for draw_id, found in sorted(data.replacements.items()):
        if draw_id not in draws:
            out.append(
                error(
                    "R14",
                    found.path,
                    f"替换记录所属的抽取“{draw_id}”不存在",
                    "恢复被删除的抽取记录（git log --diff-filter=D 可查）",
                    year=_year(found.path),
                )
            )
    assigned = {a.model.draw_id for a in data.assignments}
    for draw_id, found in sorted(data.substitutions.items()):
        if draw_id not in assigned:
            out.append(
                error(
                    "R14",
                    found.path,
                    f"人员替换记录所属的匹配“{draw_id}”不存在",
                    "恢复被删除的匹配记录（git log --diff-filter=D 可查）",
                    year=_year(found.path),
                )
            )
    return out


def _year(path: str) -> int | None:
    parts = path.split("/")
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else None
