"""一单两库: importing spreadsheets into the rosters, checking and exporting them."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .core import values
from .core.models import ROSTER_NAMES, ROSTERS, row_problems
from .core.problems import InputError, Problem
from .storage import tabular, yamlio
from .workspace import ROSTER_DIR, Workspace, parse_roster, schema_line

# Alternative headers people use for the same column.
ALIASES = {
    "entities": {"编号": "id", "统一社会信用代码/编号": "id", "企业名称": "name"},
    "inspectors": {"证件号": "id", "执法证编号": "id"},
    "items": {},
}
REQUIRED = {
    "entities": ("id", "name", "category", "industries"),
    "inspectors": ("id", "name"),
    "items": ("code", "name"),
}


def header_map(kind: str) -> dict[str, str]:
    """Chinese header or English key -> field name."""
    model = ROSTERS[kind][0]
    out = {name: name for name in model.model_fields if name != "extra"}
    out.update({info.title: name for name, info in model.model_fields.items() if info.title})
    out.update(ALIASES[kind])
    out.pop("其他", None)
    return out


def detect_kind(headers: list[str], label: str) -> str:
    scores = {kind: sum(h in header_map(kind) for h in headers) for kind in ROSTERS}
    usable = {
        k: s
        for k, s in scores.items()
        if all(any(header_map(k).get(h) == f for h in headers) for f in REQUIRED[k])
    }
    if not usable:
        raise InputError(
            Problem(
                file=label,
                row=1,
                message=(
                    "无法从表头判断名录类型；检查对象须有 统一社会信用代码、单位名称、监管类别、行业，"
                    "执法人员须有 执法证号、姓名，事项须有 事项编码、事项名称；或用 --kind 指定"
                ),
            )
        )
    return max(usable, key=usable.get)


@dataclass
class ImportResult:
    kind: str
    file: str
    encoding: str | None
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    written: bool = False

    def counts(self) -> dict[str, int]:
        return {k: len(getattr(self, k)) for k in ("added", "updated", "unchanged", "removed")}


def read_rows(
    path: Path, kind: str | None
) -> tuple[str, tabular.Sheet, list[tuple[int, BaseModel, set[str]]]]:
    """Validated rows of a spreadsheet: (row number, model, the fields the sheet has)."""
    sheet = tabular.read_table(path)
    kind = kind or detect_kind(sheet.headers, sheet.label)
    names = header_map(kind)
    model = ROSTERS[kind][0]
    columns = [names.get(h) for h in sheet.headers]
    problems = [
        Problem(file=sheet.label, row=1, field=model.model_fields[f].title, message="缺少必填列")
        for f in REQUIRED[kind]
        if f not in columns
    ]
    doubled = {c for c in columns if c and columns.count(c) > 1}
    problems += [
        Problem(
            file=sheet.label, row=1, field=model.model_fields[c].title, message="此列出现了不止一次"
        )
        for c in sorted(doubled)
    ]
    if problems:
        raise InputError(problems)
    present = {c for c in columns if c}
    id_field = "code" if kind == "items" else "id"
    rows, seen = [], {}
    for number, cells in sheet.rows:
        data: dict[str, Any] = {}
        extra: dict[str, str] = {}
        for header, column, cell in zip(sheet.headers, columns, cells, strict=False):
            if column:
                value = _cell(cell)
                if value is not None:  # an empty cell takes the field's default
                    data[column] = value
                if column == id_field and _not_nfc(cell):  # an id is refused, never cleaned
                    data[column] = cell.strip()
            elif header and values.text(cell):
                extra[header] = values.text(tabular.unescape_formula(cell))
        if extra:
            data["extra"] = extra
        # Duplicates are found on the raw id, so that a bad row still claims its id.
        ident = values.text(data.get(id_field))
        if ident and ident in seen:
            title = model.model_fields[id_field].title
            message = f"编号“{ident}”与第 {seen[ident]} 行重复"
            problems.append(Problem(file=sheet.label, row=number, field=title, message=message))
            continue
        seen[ident] = number
        try:
            row = model.model_validate(data)
        except ValidationError as exc:
            problems += [
                Problem(file=sheet.label, row=number, field=f, message=m)
                for _, f, m in row_problems(model, exc)
            ]
            continue
        rows.append((number, row, present | ({"extra"} if extra else set())))
    if problems:
        raise InputError(problems)
    return kind, sheet, rows


def _not_nfc(cell: object) -> bool:
    return isinstance(cell, str) and not unicodedata.is_normalized("NFC", cell)


def _cell(cell: object) -> object:
    """A spreadsheet cell as the models take it: text trimmed; dates kept; empty -> None.

    A cell that ssj escaped against formulas on export ("'=…") is read back as written.
    """
    if isinstance(cell, date):
        return cell
    text = values.text(tabular.unescape_formula(cell))
    return text or None


def dump_row(row: BaseModel) -> dict[str, Any]:
    """A row as written to YAML: no empty values, so files stay short and diffs clear."""
    data = row.model_dump(mode="json", exclude_none=True)
    return {k: v for k, v in data.items() if v not in ([], {}, "")}


def import_file(
    ws: Workspace, path: Path, kind: str | None, replace: bool, dry_run: bool
) -> ImportResult:
    kind, sheet, rows = read_rows(path, kind)
    id_field = "code" if kind == "items" else "id"
    target = ws.roster_path(kind)
    label = f"{ROSTER_DIR}/{kind}.yaml"
    with ws.locked():
        existing_text = target.read_text("utf-8") if target.is_file() else ""
        current = (
            parse_roster(kind, existing_text.encode("utf-8"), label).rows if existing_text else []
        )
        result = ImportResult(kind, sheet.label, sheet.encoding)
        by_id = {getattr(r, id_field): r for r in current}
        merged: dict[str, dict[str, Any]] = {k: dump_row(r) for k, r in by_id.items()}
        imported = set()
        for _, row, present in rows:
            ident = getattr(row, id_field)
            imported.add(ident)
            new = dump_row(row)
            if ident not in by_id:
                merged[ident] = new
                result.added.append(ident)
                continue
            # Columns the sheet has overwrite; columns it lacks keep what the roster had.
            combined = {**merged[ident], **{k: v for k, v in new.items() if k in present}}
            for key in present - set(new):
                combined.pop(key, None)
            combined = dump_row(type(row).model_validate(combined))
            (result.unchanged if combined == merged[ident] else result.updated).append(ident)
            merged[ident] = combined
        if replace:
            result.removed = [i for i in by_id if i not in imported]
            for ident in result.removed:
                del merged[ident]
        text = render_roster(kind, existing_text, merged, id_field)
        parse_roster(kind, text.encode("utf-8"), label)  # never write what would not load
        if not dry_run and (result.added or result.updated or result.removed):
            ws.write(label, text)
            result.written = True
    return result


def render_roster(kind: str, existing: str, rows: dict[str, dict[str, Any]], id_field: str) -> str:
    """The roster file with `rows`, keeping the comments of the existing file."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    key = ROSTERS[kind][2]
    document = yamlio.parse(existing, kind, roundtrip=True) if existing.strip() else None
    if not isinstance(document, CommentedMap):
        document = CommentedMap()
    old = document.get(key) or CommentedSeq()
    old_by_id = {item.get(id_field): item for item in old if isinstance(item, CommentedMap)}
    seq = CommentedSeq()
    for ident, data in rows.items():
        node = old_by_id.get(ident)
        if node is None:
            node = CommentedMap()
        for stale in [k for k in node if k not in data and node[k] not in ([], {}, None, "")]:
            del node[stale]
        for k, v in data.items():
            if node.get(k) != v:
                node[k] = v
        seq.append(node)
    if hasattr(old, "ca"):
        seq._yaml_comment = old.ca  # keep comments attached to the list itself
    document[key] = seq
    text = yamlio.dump_roundtrip(document)
    if not existing.strip():
        text = schema_line(kind) + f"# {ROSTER_NAMES[kind]}\n" + text
    return text


# ------------------------------------------------------------------ check


def check_workspace(ws: Workspace) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) over ssj.yaml and the three rosters, all reported at once."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    loaded = {}
    config = None
    try:
        config = ws.config
    except InputError as exc:
        errors += exc.problems
    for kind in ROSTERS:
        try:
            loaded[kind] = ws.roster(kind)
        except InputError as exc:
            errors += exc.problems
    if config and "entities" in loaded:
        known = {c.name for c in config.categories}
        for index, entity in enumerate(loaded["entities"].rows):
            if known and entity.category not in known:
                errors.append(
                    Problem(
                        file=loaded["entities"].path,
                        field="监管类别",
                        message=(
                            f"第 {index + 1} 条（{entity.id}）的监管类别“{entity.category}”不在 ssj.yaml 的类别中"
                        ),
                    )
                )
    if "entities" in loaded and "inspectors" in loaded:
        ids = {e.id for e in loaded["entities"].rows}
        for person in loaded["inspectors"].rows:
            for unit in person.conflicts:
                if unit not in ids:
                    warnings.append(
                        Problem(
                            file=loaded["inspectors"].path,
                            field="回避单位",
                            message=(
                                f"{person.name}（{person.id}）的回避单位“{unit}”不在检查对象名录库中"
                            ),
                        )
                    )
    return errors, warnings


# ------------------------------------------------------------------ export


def export_rows(kind: str, rows: Iterable[BaseModel]) -> tuple[list[str], list[list[object]]]:
    model = ROSTERS[kind][0]
    fields = [n for n in model.model_fields if n != "extra"]
    rows = list(rows)
    extra = sorted({k for r in rows for k in getattr(r, "extra", {})})
    headers = [model.model_fields[n].title for n in fields] + extra
    table = []
    for row in rows:
        cells: list[object] = []
        for name in fields:
            value = getattr(row, name)
            if isinstance(value, list):
                value = "；".join(value)
            elif isinstance(value, bool):
                value = "是" if value else "否"
            elif isinstance(value, date):
                value = value.isoformat()
            cells.append(value)
        table.append(cells + [row.extra.get(k) for k in extra])
    return headers, table
