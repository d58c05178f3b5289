"""The local cache of validated rosters and parsed records: `.ssj/cache/<name>-<sha256>.*`.

Validating a 100,000-unit roster, or parsing the YAML record of its draw, takes
seconds; the result is kept here, keyed by the SHA-256 of the file's bytes. Rows are
kept by column, pickled (`.bin`): the validation makes each repeated value (a category,
a region, a status, a list of industries) one object, which pickle writes once and
gives back as one object, so a 100,000-row roster is written in about 70 ms and read
back in about 30 ms; it is read back by an unpickler that makes no object of any class
(only lists, mappings, text and numbers). A parsed record is kept as JSON, read at C
speed. A small YAML file (ssj.yaml, a plan) is kept as its validated model or its light
form (`.bin`, pickled; workspace/snapshot.py reads back only those and plain values):
reading it costs neither a YAML parse nor pydantic building its validator. An entry is
used only when the file's bytes hash to its name, it was written by the same code, and
its body hashes to the digest in its header; otherwise the file is read anew. The cache
is local (.ssj/ is in .gitignore), never committed, and safe to delete. `ssj roster
check` never uses it.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import json
import os
import pickle
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .files import write_disposable

FORMAT = 3  # 3: rows kept by column as a pickle (no longer JSON with codes)
KEEP = 64  # entries per name (the rosters of recent commits, for audits; the records)
# The code whose behaviour a cached value depends on: any change invalidates the cache.
_SOURCES = {
    "shuangsuiji.core": (
        *("models.py", "values.py", "creditcode.py", "tables.py", "rows.py"),
        # The other models' modules: a kept model (save_bytes) is read back as their classes.
        *("plan.py", "records.py", "results.py", "inspections.py", "joint.py"),
        *("calendar.py", "capacity.py", "reference.py", "seedformat.py"),
        # What a kept light form or kept rows are made with.
        *("light.py", "traits.py", "planning.py"),
    ),
    "shuangsuiji.storage": ("yamlio.py", "tabular.py"),
}


@cache
def code_digest() -> str:
    digest = hashlib.sha256(str(FORMAT).encode())
    for package, names in _SOURCES.items():
        folder = resources.files(package)
        for name in names:
            digest.update(folder.joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


def _path(root: Path, name: str, sha256: str, suffix: str = ".json") -> Path:
    return root / ".ssj" / "cache" / f"{name}-{sha256}{suffix}"


def _header(name: str, sha256: str) -> dict:
    return {
        "format": FORMAT,
        "name": name,
        "sha256": sha256,
        "code": code_digest(),
    }


def _body(root: Path, name: str, sha256: str, suffix: str = ".json") -> tuple[bytes, int] | None:
    """(body, its line count) of a sound entry: one JSON document per line, header last."""
    path = _path(root, name, sha256, suffix)
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    body, _, head = raw.rpartition(b"\n")
    try:
        header = json.loads(head)
    except ValueError:
        return None
    if not isinstance(header, dict) or header.pop("body", None) != _digest(body):
        return None
    lines = header.pop("lines", None)
    if header != _header(name, sha256) or not isinstance(lines, int):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: kept by the pruning below
    return body, lines


def load(root: Path, name: str, sha256: str) -> Any:
    """The value kept for the file whose bytes hash to `sha256`, or None."""
    found = _body(root, name, sha256)
    if found is None or found[1] != 1:
        return None
    try:
        with paused_gc():
            return json.loads(found[0])
    except ValueError:
        return None


def load_text(root: Path, name: str, sha256: str) -> bytes | None:
    """The JSON text kept for the file whose bytes hash to `sha256`, unparsed; or None.

    For a pydantic model's `model_validate_json`: validated straight from the text, a big
    record is never held as dictionaries and its models at once, and its repeated strings
    (codes, periods, ids) are made once.
    """
    return load_bytes(root, name, sha256, ".json")


def load_bytes(root: Path, name: str, sha256: str, suffix: str = ".bin") -> bytes | None:
    """The bytes kept by `save_bytes` for the file whose bytes hash to `sha256`, or None."""
    found = _body(root, name, sha256, suffix)
    return found[0] if found is not None and found[1] == 1 else None


def save_bytes(root: Path, name: str, sha256: str, data: bytes) -> None:
    """Keep bytes that are no JSON: pickled rows (load_table) or a pickled model or light
    form (workspace/snapshot.py reads them back)."""
    _save(root, name, sha256, [[data]], ".bin")


def load_columns(root: Path, name: str, sha256: str) -> list[list] | None:
    """The rows kept for the file whose bytes hash to `sha256`, one list per field; or None."""
    found = load_table(root, name, sha256)
    return None if found is None else found[1]


def load_table(root: Path, name: str, sha256: str) -> tuple[Any, list[list]] | None:
    """(the layout `save_columns` was given, the columns) kept for the file whose bytes
    hash to `sha256`; or None."""
    body = load_bytes(root, name, sha256)
    if body is None:
        return None
    try:
        with paused_gc():
            found = _Plain(io.BytesIO(body)).load()
    except Exception:  # an entry that is not what ssj wrote: the file is read anew
        return None
    columns = found.get("columns") if isinstance(found, dict) else None
    count = found.get("rows") if isinstance(found, dict) else None
    if not isinstance(columns, list) or not all(
        isinstance(c, list) and len(c) == count for c in columns
    ):
        return None
    return found.get("layout"), columns


class _Plain(pickle.Unpickler):
    """Lists, mappings, text, numbers: nothing else (pickle would otherwise run code)."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"not a plain value: {module}.{name}")


def save(root: Path, name: str, sha256: str, value: Any, *, as_json: bool = False) -> None:
    """Keep a JSON value; a cache that cannot be written is simply not kept.

    `as_json`: the value is known to be what JSON gives back (a pydantic model's
    `model_dump(mode="json")`), so it is not read back to be compared.
    """
    if as_json:
        # Written piece by piece: a million-unit record's JSON is never whole in memory.
        with contextlib.suppress(TypeError, ValueError):  # a NaN, a date: not JSON, not kept
            _save(root, name, sha256, [_pieces(value)])
        return
    try:
        text = _dumps(value)
    except (TypeError, ValueError):
        return  # a date, a set: not JSON
    if json.loads(text) != value:
        return  # a key that is not text, a tuple: JSON would not give it back as it was
    _save(root, name, sha256, [text])


_PIECE = 4096  # items of a long list written at a time


def _pieces(value: Any) -> Iterator[str]:
    """_dumps(value) in pieces: a mapping key by key, a long list some items at a time."""
    if isinstance(value, dict) and value and all(type(k) is str for k in value):
        sep = "{"
        for key, item in value.items():
            yield sep + _dumps(key) + ":"
            yield from _pieces(item)
            sep = ","
        yield "}"
    elif isinstance(value, list) and len(value) > _PIECE:
        yield "["
        for start in range(0, len(value), _PIECE):
            yield ("," if start else "") + _dumps(value[start : start + _PIECE])[1:-1]
        yield "]"
    else:
        yield _dumps(value)


def save_columns(
    root: Path, name: str, sha256: str, columns: list[list], layout: Any = None
) -> None:
    """Keep rows given as columns (lists of plain values: text, numbers, None, lists and
    mappings of them; one list per field, all of one length) and, with them, a plain
    `layout` saying what they are (load_table gives it back). Equal values that are one
    object are written once."""
    count = len(columns[0]) if columns else 0
    if any(len(c) != count for c in columns):
        raise ValueError("columns of different lengths")
    document = {"rows": count, "columns": columns, "layout": layout}
    save_bytes(root, name, sha256, pickle.dumps(document, protocol=5))


def _save(
    root: Path,
    name: str,
    sha256: str,
    documents: Iterable[str | Iterable[str | bytes]],
    suffix: str = ".json",
) -> None:
    """Keep JSON documents (their text, or its pieces), one to a line, then the header."""
    digest, count = hashlib.sha256(), 0

    def body() -> Iterator[bytes]:
        nonlocal count
        for document in documents:
            if count:
                digest.update(b"\n")
                yield b"\n"
            count += 1
            for piece in (document,) if isinstance(document, str) else document:
                chunk = piece if isinstance(piece, bytes) else piece.encode()
                digest.update(chunk)
                yield chunk
        header = {**_header(name, sha256), "lines": count, "body": digest.hexdigest()}
        yield b"\n" + json.dumps(header).encode()

    path = _path(root, name, sha256, suffix)
    with contextlib.suppress(OSError):
        write_disposable(path, body())
        _prune(path.parent, name, suffix)


def _dumps(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _prune(folder: Path, name: str, suffix: str) -> None:
    kept = sorted(folder.glob(f"{name}-*{suffix}"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in kept[KEEP:]:
        stale.unlink(missing_ok=True)


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a million rows are built (they hold no cycles).

    Afterwards they are moved out of the collector's sight (gc.freeze): they live as long
    as the command, and every later collection would otherwise walk them all again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
