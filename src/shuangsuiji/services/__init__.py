"""One module per command: each takes a workspace and returns one typed result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class SheetWritten:
    """A table written for people to fill in or read: a template or an export."""

    file: Path
    headers: list[str]
    rows: int

    def as_json(self) -> dict[str, Any]:
        return {"file": str(self.file), "headers": self.headers, "rows": self.rows}


@dataclass
class Appended:
    """New versions appended to growing records (results, return-visit answers), and the
    rows whose content was already recorded."""

    written: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[Any] = field(default_factory=list)
    unused_columns: list[str] = field(default_factory=list)  # of the sheet read, if any
    commit: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": True,
            "written": self.written,
            "unchanged": self.unchanged,
            "unused_columns": self.unused_columns,
            "commit": self.commit,
        }


def write_sheet(
    output: Path,
    headers: list[str],
    rows: list[list[Any]],
    title: str,
    choices: dict[int, list[str]] | None = None,
) -> SheetWritten:
    """.xlsx (with the drop-down lists of `choices`) or .csv, by the file's suffix."""
    from ..storage import tabular
    from ..storage.files import write_atomic

    write_atomic(output, tabular.sheet_bytes(output, headers, rows, title, choices or {}))
    return SheetWritten(output, headers, len(rows))
