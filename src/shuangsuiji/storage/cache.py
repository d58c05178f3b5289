"""The local cache of validated rosters and parsed records: `.ssj/cache/<name>-<sha256>.json`.

Validating a 100,000-unit roster, or parsing the YAML record of its draw, takes
seconds; the result is kept here as JSON (read at C speed), keyed by the SHA-256 of
the file's bytes. An entry is used only when the file's bytes hash to its name, it
was written by the same code, and its body hashes to the digest in its header;
otherwise the file is read anew. The cache is local (.ssj/ is in .gitignore), never
committed, and safe to delete. `ssj roster check` never uses it.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .files import write_disposable

FORMAT = 1
KEEP = 64  # entries per name (the rosters of recent commits, for audits; the records)
CHUNK = 10_000  # rows per line: parsed a line at a time, a million rows are never held twice
# The code whose behaviour a cached value depends on: any change invalidates the cache.
_SOURCES = {
    "shuangsuiji.core": ("models.py", "values.py", "creditcode.py", "tables.py", "rows.py"),
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


def _path(root: Path, name: str, sha256: str) -> Path:
    return root / ".ssj" / "cache" / f"{name}-{sha256}.json"


def _header(name: str, sha256: str) -> dict:
    return {"format": FORMAT, "name": name, "sha256": sha256, "code": code_digest()}


def _body(root: Path, name: str, sha256: str) -> tuple[bytes, int] | None:
    """(body, its line count) of a sound entry: one JSON document per line, header last."""
    path = _path(root, name, sha256)
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


def _lines(body: bytes) -> Iterator[Any]:
    start = 0
    while start < len(body):
        end = body.find(b"\n", start)
        end = len(body) if end < 0 else end
        yield json.loads(body[start:end])
        start = end + 1


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


def load_rows(root: Path, name: str, sha256: str) -> Iterator[list] | None:
    """The rows kept for the file whose bytes hash to `sha256`, read lazily; or None."""
    found = _body(root, name, sha256)
    if found is None:
        return None
    body, lines = found
    if body.count(b"\n") + (1 if body else 0) != lines:
        return None
    return (row for chunk in _lines(body) for row in chunk)


def save(root: Path, name: str, sha256: str, value: Any) -> None:
    """Keep a JSON value; a cache that cannot be written is simply not kept."""
    if not _json_exact(value):
        return  # a date, or a key that is not text: JSON would not give it back as it was
    _save(root, name, sha256, [value])


def save_rows(root: Path, name: str, sha256: str, rows: Iterable[list]) -> None:
    """Keep rows (lists of JSON values), CHUNK to a line."""
    _save(root, name, sha256, _chunks(rows))


def _chunks(rows: Iterable[list]) -> Iterator[list]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _save(root: Path, name: str, sha256: str, documents: Iterable[Any]) -> None:
    digest, count = hashlib.sha256(), 0

    def body() -> Iterator[bytes]:
        nonlocal count
        for document in documents:
            line = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
            line = line if count == 0 else b"\n" + line
            count += 1
            digest.update(line)
            yield line
        header = {**_header(name, sha256), "lines": count, "body": digest.hexdigest()}
        yield b"\n" + json.dumps(header).encode()

    path = _path(root, name, sha256)
    with contextlib.suppress(OSError):
        write_disposable(path, body())
        _prune(path.parent, name)


def _json_exact(value: Any) -> bool:
    """Whether JSON gives `value` back unchanged (text keys; text, numbers, lists, maps)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if not all(type(k) is str for k in item):
                return False
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif not (item is None or isinstance(item, (str, int, float))):
            return False
    return True


def _prune(folder: Path, name: str) -> None:
    kept = sorted(folder.glob(f"{name}-*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
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
