"""The inspection ledger (ssj ledger): import other departments' inspections, show the year.

`import_file` reads a CSV/XLSX sheet, validates every row first (each problem with its
row and column), merges the rows into plans/<year>/ledger.yaml by (unit, date, authority,
文号) and commits the file once; the same file imported again changes nothing. `show`
lists the year's ledger (ssj's own records and the imported rows) with each unit's cap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..core import values
from ..core.inspections import Inspection, LedgerFile, merge
from ..core.models import EXEMPT_TYPES, row_problems
from ..core.problems import InputError, Problem
from ..storage import tabular
from ..workspace import Workspace, writer
from ..workspace.inspections import (
    Entry,
    caps_in_force,
    ledger_path,
    ledger_text,
    load_ledger,
    own_entries,
    year_ledger,
)

FIELDS = list(Inspection.model_fields)
ALIASES = {
    "编号": "entity",
    "统一社会信用代码/编号": "entity",
    "检查时间": "date",
    "检查完成日期": "date",
    "实施机关": "authority",
    "执法机关": "authority",
    "层级": "level",
    "检查文号": "document",
}
REQUIRED = ("entity", "date", "type", "authority")


def header_map() -> dict[str, str]:
    """Chinese header or English key -> Inspection field."""
    out = {name: name for name in FIELDS}
    out.update({info.title: name for name, info in Inspection.model_fields.items()})
    out.update(ALIASES)
    return out


def title(name: str) -> str:
    return Inspection.model_fields[name].title or name


def headers() -> list[str]:
    return [title(n) for n in FIELDS]


def read_sheet(path: Path, year: int) -> list[tuple[int, Inspection]]:
    """The rows of a sheet as inspections of `year`; every problem of every row at once."""
    sheet = tabular.read_table(path)
    names = header_map()
    columns = [names.get(h) for h in sheet.headers]
    problems = [
        Problem(file=sheet.label, row=1, field=title(f), message="缺少必填列")
        for f in REQUIRED
        if f not in columns
    ]
    problems += [
        Problem(file=sheet.label, row=1, field=title(c), message="此列出现了不止一次")
        for c in sorted({c for c in columns if c and columns.count(c) > 1})
    ]
    if problems:
        raise InputError(problems)
    rows: list[tuple[int, Inspection]] = []
    first: dict[tuple, tuple[int, Inspection]] = {}
    for number, cells in sheet.rows:
        data: dict[str, Any] = {}
        for column, cell in zip(columns, cells, strict=False):
            if not column:
                continue
            if isinstance(cell, datetime):
                cell = cell.date()
            value = cell if isinstance(cell, date) else values.text(cell)
            if value not in ("", None):
                data[column] = value
        try:
            row = Inspection.model_validate(data)
        except ValidationError as exc:
            problems += [
                Problem(file=sheet.label, row=number, field=f, message=m)
                for _, f, m in row_problems(Inspection, exc)
            ]
            continue
        if row.date.year != year:
            problems.append(
                Problem(
                    file=sheet.label,
                    row=number,
                    field=title("date"),
                    message=f"检查日期 {row.date} 不在 {year} 年度（用 --year 指定年度，或分年度导入）",
                )
            )
            continue
        earlier = first.get(row.key())
        if earlier is not None:
            if earlier[1] != row:
                problems.append(
                    Problem(
                        file=sheet.label,
                        row=number,
                        field=title("entity"),
                        message=f"与第 {earlier[0]} 行是同一次检查（单位、日期、机关、文号相同），"
                        "而其他内容不同：请删去其中一行",
                    )
                )
            continue
        first[row.key()] = (number, row)
        rows.append((number, row))
    if problems:
        raise InputError(problems)
    return rows


@dataclass
class LedgerImported:
    year: int
    source: str  # the file imported, as given
    file: str  # plans/<year>/ledger.yaml
    rows: int
    added: int
    updated: int
    unchanged: int
    own: int  # rows that repeat one of ssj's own records (counted once, from the record)
    unexplained: list[int] = field(default_factory=list)  # rows: exempt type, no reason
    unknown: list[str] = field(default_factory=list)  # units not in the roster
    commit: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "source": self.source,
            "file": self.file,
            "rows": self.rows,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "own": self.own,
            "unexplained_rows": self.unexplained,
            "not_in_roster": self.unknown,
            "commit": self.commit,
        }


def import_file(ws: Workspace, year: int, path: Path, commit: bool = True) -> LedgerImported:
    """Merge a sheet of inspections into the year's ledger file and commit it."""
    rows = read_sheet(path, year)
    roster = {e.id for e in ws.roster("entities").rows}
    target = ledger_path(ws, year)
    with writer.batch(ws, commit=commit) as book:
        existing = load_ledger(ws, year)
        own = {e.inspection.key() for e in own_entries(ws, year)}
        incoming = [r for _, r in rows if r.key() not in own]
        merged = merge(existing.inspections, incoming)
        if merged.added or merged.updated:
            book.write(target, ledger_text(LedgerFile(year=year, inspections=merged.inspections)))
            book.message = (
                f"检查台账 {year}：导入 {path.name}（新增 {len(merged.added)} 条"
                + (f"，更正 {len(merged.updated)} 条" if merged.updated else "")
                + "）"
            )
    caps, _ = caps_in_force(ws, year)
    exempt = set(caps.exempt if caps else EXEMPT_TYPES)
    return LedgerImported(
        year=year,
        source=str(path),
        file=ws.rel(target),
        rows=len(rows),
        added=len(merged.added),
        updated=len(merged.updated),
        unchanged=merged.unchanged,
        own=len(rows) - len(incoming),
        unexplained=[n for n, r in rows if r.type in exempt and not r.note],
        unknown=sorted({r.entity for _, r in rows} - roster),
        commit=book.sha,
    )


# ------------------------------------------------------------------ show


@dataclass
class UnitLine:
    entity: str
    name: str
    cap: int
    source: str  # where the cap comes from
    counted: int
    exempted: int
    unexplained: int

    @property
    def state(self) -> str:
        if self.counted > self.cap:
            return "超过上限"
        if self.counted == self.cap:
            return "已达上限"
        return "未达上限"


@dataclass
class LedgerShown:
    year: int
    entity: str | None
    entries: list[Entry]
    names: dict[str, str]
    units: list[UnitLine]
    caps: dict[str, Any] | None  # the cap table in force (None: the default cap)
    default_cap: int
    file: str

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "entity": self.entity,
            "file": self.file,
            "caps": self.caps,
            "default_cap": self.default_cap,
            "inspections": [
                {
                    **e.inspection.model_dump(mode="json"),
                    "name": self.names.get(e.inspection.entity),
                    "source": e.source,
                    "draw_id": e.draw_id,
                }
                for e in self.entries
            ],
            "units": [
                {
                    "entity": u.entity,
                    "name": u.name,
                    "cap": u.cap,
                    "cap_source": u.source,
                    "counted": u.counted,
                    "exempted": u.exempted,
                    "unexplained": u.unexplained,
                    "state": u.state,
                }
                for u in self.units
            ],
        }


def show(ws: Workspace, year: int, entity: str | None = None) -> LedgerShown:
    """The year's ledger, or one unit's (by its code or its exact name)."""
    ledger = year_ledger(ws, year)
    names = {e.id: e.name for e in ledger.entities.values()}
    if entity is not None and entity not in names:
        named = [i for i, n in names.items() if n == entity]
        entity = named[0] if len(named) == 1 else entity
    entries = [e for e in ledger.entries if entity is None or e.inspection.entity == entity]
    if entity is not None and not entries and entity not in names:
        raise InputError(f"“{entity}”不在检查对象名录库中，{year} 年度台账中也没有它的检查")
    units = [
        UnitLine(
            entity=s.entity,
            name=names.get(s.entity, ""),
            cap=s.cap.limit,
            source=s.cap.source,
            counted=len(s.counted),
            exempted=len(s.exempted),
            unexplained=len(s.unexplained),
        )
        for s in ledger.states().values()
        if entity is None or s.entity == entity
    ]
    return LedgerShown(
        year=year,
        entity=entity,
        entries=entries,
        names=names,
        units=units,
        caps=ledger.caps.model_dump(mode="json") if ledger.caps else None,
        default_cap=ledger.default_cap,
        file=ledger.file,
    )
