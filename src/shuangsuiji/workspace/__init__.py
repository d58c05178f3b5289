"""The workspace layer: where files live, how they load, the one write path, the one clock."""

from .load import (
    CACHED_RECORD_BYTES,
    CONFIG,
    PLAN_DIR,
    ROSTER_DIR,
    ROSTER_FORMATS,
    SCHEMA_DIR,
    LoadedRoster,
    Workspace,
    csv_roster,
    keep_columns,
    load_model,
    parse_roster,
    read_back,
    roster_files,
    schema_line,
)

__all__ = [
    "CACHED_RECORD_BYTES",
    "CONFIG",
    "PLAN_DIR",
    "ROSTER_DIR",
    "ROSTER_FORMATS",
    "SCHEMA_DIR",
    "LoadedRoster",
    "Workspace",
    "csv_roster",
    "keep_columns",
    "load_model",
    "parse_roster",
    "read_back",
    "roster_files",
    "schema_line",
]
