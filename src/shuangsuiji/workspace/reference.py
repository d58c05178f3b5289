"""Rosters kept by reference (rosters/<kind>.ref.yaml): the Parquet file it names, checked.

Every use of the file starts with its SHA-256 against the reference: a file that differs
is refused, since a draw from other bytes would be a different draw. The Python engine
reads the file's rows through the same validation as a CSV roster (same headers, text
cells); the DuckDB engine (engine_duckdb.py) reads it in SQL.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core import rows
from ..core.problems import InputError, Problem, Refused
from ..storage import cache as cache_store
from ..storage import yamlio

if TYPE_CHECKING:  # a workspace without references reads none of them, nor pydantic
    from ..core.reference import RosterReference

# `ws` below is a workspace.load.Workspace (not imported: load.py imports this module).
Workspace = Any

ROSTER_DIR = "rosters"


def reference_file(kind: str) -> str:
    return f"{ROSTER_DIR}/{kind}.ref.yaml"


def parse(raw: bytes, label: str) -> RosterReference:
    from pydantic import ValidationError

    from ..core.models import row_problems
    from ..core.reference import RosterReference

    try:
        text = raw.decode("utf-8-sig")
        return RosterReference.model_validate(yamlio.parse(text, label) or {})
    except UnicodeDecodeError:
        raise InputError(Problem(file=label, message="不是 UTF-8 编码；请以 UTF-8 保存")) from None
    except ValidationError as exc:
        found = [
            Problem(file=label, field=f, message=m)
            for _, f, m in row_problems(RosterReference, exc)
        ]
        raise InputError(found) from None


def current(ws: Workspace, kind: str) -> RosterReference | None:
    """The reference on disk, or None when the roster is kept in the workspace."""
    path = ws.root / reference_file(kind)
    if not path.is_file():
        return None
    return parse(path.read_bytes(), reference_file(kind))


def at_commit(ws: Workspace, kind: str, commit: str) -> RosterReference | None:
    """The reference as committed at `commit`, or None when the roster was kept in git."""
    raw = ws.git.show(commit, reference_file(kind))
    return None if raw is None else parse(raw, f"{reference_file(kind)}@{commit[:10]}")


def file_of(ws: Workspace, reference: RosterReference) -> Path:
    from ..core.reference import local_path

    path = Path(local_path(reference))
    return path if path.is_absolute() else ws.root / path


def checked_file(ws: Workspace, reference: RosterReference, label: str) -> Path:
    """The referenced file, once its bytes are known to hash to the recorded SHA-256.

    Hashed once per command for each file state (path, size, modification time).
    """
    path = file_of(ws, reference)
    if not path.is_file():
        raise Refused(
            f"{label} 引用的名录文件 {reference.path} 不存在：请把该文件放回原处"
            "（或改正引用中的路径并提交）"
        )
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    memo = ws.__dict__.setdefault("_reference_digests", {})
    if key not in memo:
        with path.open("rb") as handle:
            memo[key] = hashlib.file_digest(handle, "sha256").hexdigest()
    if memo[key] != reference.sha256:
        raise Refused(
            f"{label} 引用的名录文件 {reference.path} 的 SHA-256 为 {memo[key]}，"
            f"与引用中记录的 {reference.sha256} 不符：文件已被改动或替换，ssj 不使用它。"
            "请放回原来的文件；名录确有更新时，更新引用中的摘要和行数并提交"
        )
    return path


def columns(path: Path, label: str) -> list[str]:
    """The file's column names; every column must hold text, as a CSV roster's cells do."""
    import duckdb

    con = duckdb.connect()
    try:
        described = con.execute(
            "SELECT name, type FROM parquet_schema(?) WHERE num_children IS NULL", [str(path)]
        ).fetchall()
    except duckdb.Error as exc:
        raise InputError(Problem(file=label, message=f"不是可读的 Parquet 文件：{exc}")) from None
    finally:
        con.close()
    typed = [name for name, kind in described if kind != "BYTE_ARRAY"]
    if typed:
        raise InputError(
            Problem(
                file=label,
                message=f"列 {'、'.join(typed)} 不是文字类型：名录的各列应存为文字（字符串），"
                "编号才不会丢掉前导零",
            )
        )
    return [name for name, _ in described]


def loaded(ws: Workspace, kind: str, reference: RosterReference, label: str) -> list:
    """The referenced roster's rows, validated as a CSV roster's (for the Python engine),
    kept in the validated-roster cache under the file's SHA-256."""
    path = checked_file(ws, reference, label)
    shown = f"{label}（{reference.path}）"
    cached = cache_store.load_columns(ws.root, kind, reference.sha256)
    if cached is not None and len(cached) == len(rows.fields(kind)):
        built = rows.from_columns(kind, cached)
    else:
        built = _validated(kind, path, shown)
        cache_store.save_columns(ws.root, kind, reference.sha256, rows.encode_columns(kind, built))
    if len(built) != reference.rows:
        raise Refused(f"{shown} 有 {len(built)} 行，引用中记录的是 {reference.rows} 行")
    return built


def _validated(kind: str, path: Path, label: str) -> list:
    import duckdb

    from ..core.tables import Sheet, validate_sheet

    headers = columns(path, label)
    con = duckdb.connect()
    try:
        cursor = con.execute("SELECT * FROM read_parquet(?)", [str(path)])
        builder = rows.Builder(kind)

        def body():
            number = 1  # the header is row 1, as in a CSV roster
            while batch := cursor.fetchmany(10_000):
                for cells in batch:
                    number += 1
                    yield number, ["" if c is None else c for c in cells]

        with cache_store.paused_gc():
            _, found = validate_sheet(Sheet(label, headers, body()), kind, builder.from_model)
    finally:
        con.close()
    return [row for _, row, _ in found]
