"""Spreadsheet rows as roster models: headers, value cells, formula escapes.

Pure: a Sheet is what storage/tabular read from a CSV or XLSX file. The same code
reads an imported spreadsheet and a roster kept as CSV, so both accept the same
headers and the same value variants.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any

from pydantic import BaseModel, ValidationError

from . import values
from .models import ROSTERS, row_problems
from .problems import InputError, Problem
from .rows import row_class

# A cell a spreadsheet would run as a formula starts with one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Sheet:
    label: str  # the file name as the user gave it
    headers: list[str]
    # (row number as the spreadsheet shows it, cells), read once: a CSV's rows are
    # parsed as they are iterated, so a million-row file is never held as cells
    rows: Iterable[tuple[int, list[object]]]
    encoding: str | None = None


def _formula(value: object) -> bool:
    # Leading quotes are looked through, so that escaping "'=x" and unescaping stay inverse.
    return isinstance(value, str) and value.lstrip("'").startswith(FORMULA_START)


def escape_formula(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula is prefixed with a quote."""
    return "'" + value if _formula(value) else value


def unescape_formula(value: object) -> object:
    """The inverse of `escape_formula`, so an exported sheet imports back unchanged."""
    if isinstance(value, str) and value.startswith("'") and _formula(value):
        return value[1:]
    return value


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


def layout(sheet: Sheet, kind: str | None) -> tuple[str, list[str | None]]:
    """The sheet's kind and each column's field (None: kept in `extra`); InputError when a
    required column is missing or a column appears twice."""
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
    return kind, columns


def id_field(kind: str) -> str:
    return "code" if kind == "items" else "id"


def validate_sheet(
    sheet: Sheet, kind: str | None, keep: Callable[[BaseModel], Any] | None = None
) -> tuple[str, list[tuple[int, Any, set[str]]]]:
    """Validated rows of a sheet: (row number, model, the fields the sheet has).

    Every problem is reported at once, each with its row and column. `keep` turns each
    model into what is kept (a light row: a million models would not fit in memory).
    Row by row, through the model: core/columns.py is the fast way to the same rows, and
    comes here to report the problems.
    """
    kind, columns = layout(sheet, kind)
    model = ROSTERS[kind][0]
    problems = []
    present = frozenset(c for c in columns if c)
    present_extra = present | {"extra"}
    ident_field = id_field(kind)
    rows, seen = [], {}
    for number, cells in sheet.rows:
        data: dict[str, Any] = {}
        extra: dict[str, str] = {}
        for header, column, cell in zip(sheet.headers, columns, cells, strict=False):
            if column:
                value = model_input(cell, column == ident_field)
                if value is not None:  # an empty cell takes the field's default
                    data[column] = value
            elif header and values.text(cell):
                extra[header] = extra_value(cell)
        if extra:
            data["extra"] = extra
        # Duplicates are found on the raw id, so that a bad row still claims its id.
        ident = values.text(data.get(ident_field))
        if ident and ident in seen:
            title = model.model_fields[ident_field].title
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
        kept = keep(row) if keep else row
        rows.append((number, kept, present_extra if extra else present))
    if problems:
        raise InputError(problems)
    return kind, rows


def model_input(cell: object, is_id: bool) -> object:
    """What a row's model is given for a cell of one of its fields; None: the cell is empty."""
    if is_id and _not_nfc(cell):  # an id is refused, never cleaned
        return cell.strip()
    return _cell(cell)


def extra_value(cell: object) -> str:
    """A cell of a column that is no field, as the row's `extra` keeps it ("": none)."""
    return values.text(unescape_formula(cell)) if values.text(cell) else ""


def _not_nfc(cell: object) -> bool:
    return isinstance(cell, str) and not unicodedata.is_normalized("NFC", cell)


def _cell(cell: object) -> object:
    """A spreadsheet cell as the models take it: text trimmed; dates kept; empty -> None.

    A cell that ssj escaped against formulas on export ("'=…") is read back as written.
    """
    if isinstance(cell, date):
        return cell
    text = values.text(unescape_formula(cell))
    return text or None


def export_rows(kind: str, rows: Iterable[Any]) -> tuple[list[str], Iterator[Sequence[object]]]:
    """Headers and cells of a roster as a sheet (lists joined by “；”, 是/否, ISO dates).

    The cells are made a chunk of rows at a time, column by column, so a million-row
    roster is never held twice and a column of one kind of value is turned in one C loop.
    """
    headers, chunks = export_columns(kind, rows)
    return headers, (row for chunk in chunks for row in zip(*chunk, strict=True))


def export_columns(kind: str, rows: Iterable[Any]) -> tuple[list[str], Iterator[list[list]]]:
    """`export_rows`' headers and cells, a chunk of rows at a time as columns (one list per
    header)."""
    headers, chunks = value_columns(kind, rows)
    return headers, (cells for _, cells in chunks)


def value_columns(
    kind: str, rows: Iterable[Any]
) -> tuple[list[str], Iterator[tuple[list[list], list[list]]]]:
    """`export_columns`' headers, and for each chunk of rows (values, cells): the rows'
    values, one list per field of the row model, and their cells, one list per header."""
    model = ROSTERS[kind][0]
    names = list(model.model_fields)
    rows = list(rows)
    has_extra = "extra" in names
    extras = list(map(attrgetter("extra"), rows)) if has_extra else []
    extra = sorted(set(itertools.chain.from_iterable(extras)))
    headers = [model.model_fields[n].title for n in names if n != "extra"] + extra
    return headers, _cells(rows, names, extra, row_class(kind))


EXPORT_CHUNK = 1 << 14


def _cells(
    rows: list, names: list[str], extra: list[str], light: type
) -> Iterator[tuple[list[list], list[list]]]:
    by_name = list(map(attrgetter, names))
    for start in range(0, len(rows), EXPORT_CHUNK):
        part = rows[start : start + EXPORT_CHUNK]
        # A light row (core/rows.py) is a tuple of the fields in order: turned in one pass.
        if set(map(type, part)) == {light}:
            values = list(map(list, zip(*part, strict=True)))
        else:
            values = [list(map(get, part)) for get in by_name]
        cells = [_exported(v) for n, v in zip(names, values, strict=True) if n != "extra"]
        if extra:
            by_row = values[names.index("extra")]
            cells += [[e.get(k) for e in by_row] for k in extra]
        yield values, cells


_YES_NO = {True: "是", False: "否"}


def _exported(column: list) -> list:
    """A column's values as cells: lists joined, booleans 是/否, dates in ISO form."""
    kinds = set(map(type, column))
    if kinds <= {str, int, type(None)}:
        return column
    if kinds == {list}:
        return list(map("；".join, column))
    if kinds == {bool}:
        return list(map(_YES_NO.__getitem__, column))
    return [_exported_value(v) for v in column]


def _exported_value(value: object) -> object:
    if isinstance(value, list):
        return "；".join(value)
    if isinstance(value, bool):
        return _YES_NO[value]
    if isinstance(value, date):
        return value.isoformat()
    return value
