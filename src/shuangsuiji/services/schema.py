"""ssj schema: write the editors' JSON Schemas, generated from the models, into a folder."""

from __future__ import annotations

from pathlib import Path

from ..core.schemas import schema_files
from ..storage.files import write_atomic


def write_schemas(folder: Path) -> list[Path]:
    """Every schema written atomically into `folder`; the paths written, in order."""
    written = []
    for name, text in schema_files().items():
        write_atomic(folder / name, text)
        written.append(folder / name)
    return written
