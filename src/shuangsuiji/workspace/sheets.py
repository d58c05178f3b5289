"""A filled-in sheet read back (results, return-visit answers): the rows of a CSV/XLSX file
or the items of a YAML list, each with where it came from, so that every problem can name
its file and row (or line)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..core import values
from ..core.problems import InputError, Problem
from ..storage import tabular, yamlio

COMMAND_LINE = "命令行"


@dataclass
class InputRow:
    """A row of a sheet or an item of a YAML list, keyed by its headers as written."""

    file: str
    row: int | None  # spreadsheet row
    line: int | None  # YAML line
    data: dict[str, Any]

    def problem(self, message: str, field: str | None = None) -> Problem:
        return Problem(file=self.file, row=self.row, line=self.line, field=field, message=message)

    @property
    def where(self) -> str:
        if self.row is not None:
            return f"第 {self.row} 行"
        if self.line is not None:
            return f"第 {self.line} 行（YAML）"
        return COMMAND_LINE


def read_filled(path: Path, list_key: str) -> tuple[str, list[str], list[InputRow]]:
    """The file's label (a sheet's names its sheet), headers and rows, empty cells left out.

    A sheet's cells are text (trimmed, NFC) or dates; a YAML file is a list of mappings,
    or such a list under `list_key:`, its values as YAML reads them.
    """
    if path.suffix.lower() in (".yaml", ".yml"):
        return _yaml(path, list_key)
    sheet = tabular.read_table(path)
    rows = []
    for number, cells in sheet.rows:
        data = {}
        for header, cell in zip(sheet.headers, cells, strict=False):
            if isinstance(cell, datetime):
                cell = cell.date()
            value = cell if isinstance(cell, date) else values.text(cell)
            if header and value not in ("", None):
                data[header] = value
        rows.append(InputRow(sheet.label, number, None, data))
    return sheet.label, list(sheet.headers), rows


def _yaml(path: Path, list_key: str) -> tuple[str, list[str], list[InputRow]]:
    label = path.name
    document = yamlio.load(path, label)
    items = document.get(list_key) if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise InputError(
            Problem(
                file=label, message=f"YAML 应为一个列表（或以“{list_key}:”开头的列表），每项一行"
            )
        )
    prefix = (list_key,) if isinstance(document, dict) else ()
    raw = path.read_bytes().decode("utf-8-sig")
    lines = yamlio.lines_of(raw, [(*prefix, i) for i in range(len(items))])
    rows, headers, problems = [], {}, []
    for item, line in zip(items, lines, strict=True):
        if not isinstance(item, dict):
            problems.append(Problem(file=label, line=line, message="每项应为 表头: 值 的键值表"))
            continue
        data = {str(k): v for k, v in item.items() if v is not None and v != ""}
        headers.update(dict.fromkeys(str(k) for k in item))
        rows.append(InputRow(label, None, line, data))
    if problems:
        raise InputError(problems)
    return label, list(headers), rows
