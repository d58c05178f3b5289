"""A workspace: ssj.yaml at its root, rosters/, plans/<year>/, all in git.

This module knows where each file lives and turns files into validated models; it
holds no rules (core/) and no command-line concerns (cli/).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .core.models import ROSTERS, Config, row_problems
from .core.problems import InputError, Problem
from .storage import yamlio
from .storage.files import workspace_lock, write_atomic
from .storage.git import Git

CONFIG = "ssj.yaml"
ROSTER_DIR = "rosters"
PLAN_DIR = "plans"
SCHEMA_DIR = "schemas"


def schema_line(kind: str) -> str:
    return f"# yaml-language-server: $schema=../{SCHEMA_DIR}/{kind}.schema.json\n"


@dataclass(frozen=True)
class LoadedRoster:
    kind: str
    path: str  # relative to the workspace root, with forward slashes
    sha256: str
    rows: list[Any]


def parse_roster(kind: str, raw: bytes, label: str) -> LoadedRoster:
    """Validate a roster file's bytes; every problem is reported at once, with its line."""
    model, _, key = ROSTERS[kind]
    text = _utf8(raw, label)
    data = yamlio.parse(text, label) or {}
    if not isinstance(data, dict) or not isinstance(data.get(key, []), list):
        raise InputError(Problem(file=label, message=f"文件应以“{key}:”开头，其下为列表"))
    pending = [((k,), str(k), "未知的顶层字段") for k in sorted(set(data) - {key}, key=str)]
    rows, seen = [], {}
    id_field = "code" if kind == "items" else "id"
    for index, raw_row in enumerate(data.get(key) or []):
        try:
            row = model.model_validate(raw_row)
        except ValidationError as exc:
            for loc, field, message in row_problems(model, exc):
                pending.append(((key, index, *loc), field, message))
            continue
        ident = getattr(row, id_field)
        if ident in seen:
            message = f"编号“{ident}”重复（第 {seen[ident] + 1} 条已有）"
            pending.append(((key, index), model.model_fields[id_field].title, message))
        seen[ident] = index
        rows.append(row)
    if pending:
        raise InputError(_located(label, text, pending))
    return LoadedRoster(kind, f"{ROSTER_DIR}/{kind}.yaml", hashlib.sha256(raw).hexdigest(), rows)


def _utf8(raw: bytes, label: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            Problem(file=label, message=f"不是 UTF-8 编码（第 {exc.start} 字节）；请以 UTF-8 保存")
        ) from None


def _located(label: str, text: str, pending: list[tuple[tuple, str | None, str]]) -> list[Problem]:
    lines = yamlio.lines_of(text, [loc for loc, _, _ in pending])
    return [
        Problem(file=label, line=line, field=field, message=message)
        for (_, field, message), line in zip(pending, lines, strict=True)
    ]


class Workspace:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    @classmethod
    def find(cls, start: Path | None = None, explicit: bool = False) -> Workspace:
        start = (start or Path.cwd()).resolve()
        if explicit:
            if not (start / CONFIG).is_file():
                raise InputError(f"{start} 不是 ssj 工作区（没有 {CONFIG}）；可用 ssj init 创建")
            return cls(start)
        for folder in (start, *start.parents):
            if (folder / CONFIG).is_file():
                return cls(folder)
        raise InputError(
            f"当前目录及其上级都不是 ssj 工作区（没有 {CONFIG}）；请用 -C 指定或先 ssj init"
        )

    # -- paths
    def path(self, relative: str) -> Path:
        return self.root / relative

    def rel(self, path: Path) -> str:
        """A path inside the workspace as git and records name it (forward slashes)."""
        return path.resolve().relative_to(self.root).as_posix()

    def roster_path(self, kind: str) -> Path:
        return self.root / ROSTER_DIR / f"{kind}.yaml"

    def plan_dir(self, year: int) -> Path:
        return self.root / PLAN_DIR / str(year)

    @cached_property
    def git(self) -> Git:
        return Git(self.root)

    @contextmanager
    def locked(self) -> Iterator[None]:
        with workspace_lock(self.root):
            yield

    # -- reading
    @cached_property
    def config(self) -> Config:
        return load_model(Config, self.root / CONFIG, CONFIG)

    def roster(self, kind: str) -> LoadedRoster:
        path = self.roster_path(kind)
        label = f"{ROSTER_DIR}/{kind}.yaml"
        if not path.is_file():
            raise InputError(Problem(file=label, message="名录文件不存在"))
        return self._parsed(kind, path.read_bytes(), label)

    def _parsed(self, kind: str, raw: bytes, label: str) -> LoadedRoster:
        """A roster parsed once per command for each distinct content (file, commits)."""
        cache = self.__dict__.setdefault("_parsed_rosters", {})
        key = (kind, hashlib.sha256(raw).hexdigest())
        if key not in cache:
            cache[key] = parse_roster(kind, raw, label)
        return cache[key]

    def load_record(self, model: type[BaseModel], path: Path) -> Any:
        """A generated record, parsed once per command (keyed by path, size and mtime)."""
        stat = path.stat()
        key = (model, str(path), stat.st_mtime_ns, stat.st_size)
        cache = self.__dict__.setdefault("_records", {})
        if key not in cache:
            cache[key] = load_model(model, path, self.rel(path))
        return cache[key]

    def roster_at(self, kind: str, commit: str) -> LoadedRoster:
        """The roster as it was committed at `commit` (for re-running a recorded draw).

        Kept for the life of this Workspace object (one command): a commit never changes,
        and re-running many draws of one commit would otherwise parse its roster each time.
        """
        cache = self.__dict__.setdefault("_rosters_at", {})
        if (kind, commit) in cache:
            return cache[kind, commit]
        label = f"{ROSTER_DIR}/{kind}.yaml"
        raw = self.git.show(commit, label)
        if raw is None:
            raise InputError(Problem(file=label, message=f"提交 {commit[:10]} 中没有此文件"))
        cache[kind, commit] = self._parsed(kind, raw, f"{label}@{commit[:10]}")
        return cache[kind, commit]

    # -- writing
    def write(self, relative: str, data: str | bytes) -> None:
        write_atomic(self.root / relative, data)


def load_model(model: type[BaseModel], path: Path, label: str) -> Any:
    """A person-edited YAML file (ssj.yaml, a plan) validated, problems with their lines."""
    if not path.is_file():
        raise InputError(Problem(file=label, message="文件不存在"))
    text = _utf8(path.read_bytes(), label)
    data = yamlio.parse(text, label)
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        raise InputError(_located(label, text, row_problems(model, exc))) from None
