"""R15 frequency cap and R16 repeat visits, over each year's inspection ledger (检查台账):
ssj's own recorded tasks and the imported plans/<year>/ledger.yaml, read through
workspace/inspections as the draw and the reports read it."""

from __future__ import annotations

from ..core.inspections import Inspection, repeats
from ..core.models import REPEAT_DAYS
from ..core.problems import InputError
from ..workspace import CONFIG, PLAN_DIR
from ..workspace.inspections import OWN, YearLedger, ledger_file, load_ledger, year_ledger
from .findings import Finding, error, warning


def years(data) -> list[int]:
    """The years with a ledger file or a draw."""
    found = {d.model.year for d in data.draws}
    for path in (data.ws.root / PLAN_DIR).glob("*/ledger.yaml"):
        if path.parent.name.isdigit():
            found.add(int(path.parent.name))
    return sorted(found)


def check(data) -> list[Finding]:
    out: list[Finding] = []
    for year in years(data):
        try:
            load_ledger(data.ws, year)
        except InputError as exc:
            out += [
                error("schema", p.file or ledger_file(year), p.message, year=year, line=p.line)
                for p in exc.problems
            ]
            continue
        try:
            ledger = year_ledger(data.ws, year)
        except InputError:
            continue  # a roster, plan or record that does not validate: its own findings say so
        out += check_r15(ledger)
        out += check_r16(ledger)
    return out


def _shown(row: Inspection) -> str:
    return f"{row.date} {row.authority}{row.type}"


def _file(ledger: YearLedger, entity: str, rows: list[Inspection]) -> str:
    """The ledger file when an imported row is among `rows`, else the unit's record file."""
    sources = {e.source for e in ledger.of(entity) if e.inspection in rows}
    if sources == {OWN}:
        return f"{PLAN_DIR}/{ledger.year}/records/{entity}.yaml"
    return ledger.file


def _name(ledger: YearLedger, entity: str) -> str:
    known = ledger.entities.get(entity)
    return f"{known.name}（{entity}）" if known else entity


def check_r15(ledger: YearLedger) -> list[Finding]:
    """A unit inspected more often in the year than its cap, exempt rows with a reason aside."""
    out = []
    related = (ledger.file, CONFIG, f"{PLAN_DIR}/{ledger.year}/plan.yaml")
    for state in ledger.states().values():
        if not state.over:
            continue
        counted = state.counted
        unexplained = (
            f"；其中{len(state.unexplained)}次为"
            + "、".join(sorted({r.type for r in state.unexplained}))
            + "而备注中没有写明理由，照常计入"
            if state.unexplained
            else ""
        )
        out.append(
            error(
                "R15",
                _file(ledger, state.entity, counted),
                f"{_name(ledger, state.entity)} {ledger.year} 年度计入频次上限的检查 {len(counted)} 次，"
                f"超过上限 {state.cap.limit} 次（{state.cap.source}）："
                + "；".join(_shown(r) for r in counted)
                + unexplained,
                "能合并的检查合并、能联合的联合检查，不再安排多余的检查；个案检查、上级部署的专项检查"
                "在台账的备注中写明理由后不计入上限",
                year=ledger.year,
                related=related,
            )
        )
    return out


def check_r16(ledger: YearLedger) -> list[Finding]:
    """The same unit inspected twice by the same authority within the repeat window."""
    days = ledger.caps.repeat_days if ledger.caps else REPEAT_DAYS
    out = []
    for before, after in repeats(ledger.inspections, days):
        gap = (after.date - before.date).days
        out.append(
            warning(
                "R16",
                _file(ledger, after.entity, [before, after]),
                f"{_name(ledger, after.entity)} 由{after.authority}于 {before.date}（{before.type}）"
                f"和 {after.date}（{after.type}）两次检查，相隔 {gap} 天（{days} 天以内）",
                "同一机关对同一单位的检查应合并进行；确因举报、事故等原因检查的，记为个案检查",
                year=ledger.year,
                related=(ledger.file,),
            )
        )
    return out
