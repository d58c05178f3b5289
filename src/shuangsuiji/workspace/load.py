"""A workspace: ssj.yaml at its root, rosters/, plans/<year>/, all in git.

This module knows where each file lives and turns files into validated models; it
holds no rules (core/) and no command-line concerns (cli/).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core import rows
from ..core.problems import InputError, Problem, Refused
from ..storage import cache as cache_store
from ..storage import processes, yamlio
from ..storage.files import workspace_lock
from ..storage.git import Git
from .clock import Clock
from .reference import at_commit, current, loaded, reference_file
from .snapshot import keep_view, kept_view, remembered, remembered_light

# Validating a file needs pydantic and the models; reading what the cache keeps of one
# does not (core/light.py, core/rows.py): they are imported where a file is validated.
if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..core import columns
    from ..core.models import Config

CONFIG = "ssj.yaml"
ROSTER_DIR = "rosters"
PLAN_DIR = "plans"
SCHEMA_DIR = "schemas"


def schema_line(kind: str, relative: str = "rosters/") -> str:
    """The first line of a roster at `relative` (a department's lies deeper): its schema."""
    up = "../" * relative.count("/")
    return f"# yaml-language-server: $schema={up}{SCHEMA_DIR}/{kind}.schema.json\n"


ROSTER_FORMATS = ("yaml", "csv")


def roster_files(kind: str) -> tuple[str, ...]:
    """Where a roster may be kept: YAML (comments, small rosters) or CSV (big ones)."""
    return tuple(f"{ROSTER_DIR}/{kind}.{fmt}" for fmt in ROSTER_FORMATS)


@dataclass(frozen=True)
class LoadedRoster:
    kind: str
    path: str  # relative to the workspace root, with forward slashes
    sha256: str
    rows: list[Any]  # core.rows: light, read-only, validated


def parse_roster(
    kind: str,
    raw: bytes,
    path: str,
    label: str | None = None,
    cache: Path | None = None,
    digest: str | None = None,
) -> LoadedRoster:
    """Validate a roster file's bytes; every problem is reported at once, with its line.

    `path` says the format (.yaml or .csv); `label` names the file in messages; with
    `cache` (a workspace root) the validated rows are kept in and taken from the
    validated-roster cache, keyed by the bytes' SHA-256 (`digest`, when known).
    """
    digest = digest or hashlib.sha256(raw).hexdigest()
    kept = cache_store.load_table(cache, kind, digest) if cache else None
    # Kept with its layout (the fields of its rows) by this very code (the cache's check).
    with cache_store.paused_gc():
        if kept is not None and isinstance(kept[0], dict):
            built = rows.from_columns(kind, kept[1], kept[0]) if kept[1] else []
        else:
            validated = validated_columns(kind, raw, path, label or path, shared=True)
            built = rows.from_validated(kind, validated)
            if cache:
                keep_columns(cache, kind, digest, validated)
            del validated
    return LoadedRoster(kind, path, digest, built)


def keep_columns(cache: Path, kind: str, digest: str, validated: list[list]) -> None:
    """Put validated columns (one list per field), for the file whose bytes hash to
    `digest`, in the cache; and a drawn roster's ids apart (kept_ids)."""
    cache_store.save_columns(cache, kind, digest, rows.encoded(kind, validated), rows.layout(kind))
    if kind != "entities":
        return
    ids = validated[rows.fields(kind).index("id")]
    cache_store.save_bytes(cache, f"ids-{kind}", digest, "\n".join(ids).encode())


def _present(root: Path, kind: str) -> list[str]:
    """The roster's files that are in the workspace (one, normally)."""
    return [f for f in roster_files(kind) if (root / f).is_file()]


def roster_file(root: Path, kind: str) -> Path | None:
    """The one file of the workspace the roster is kept in; None when there is none (kept
    by reference, or missing) or more than one (Workspace.roster says what is wrong)."""
    found = _present(root, kind)
    return root / found[0] if len(found) == 1 else None


def roster_worth_a_core(root: Path, kind: str) -> bool:
    """Whether work on the roster (one file in the workspace) is worth a copy of this
    process (storage/processes.py: neither too small nor too big)."""
    file = roster_file(root, kind)
    return file is not None and processes.worth_a_core(file.stat().st_size)


def kept_ids(root: Path, kind: str) -> tuple[str, list[str]] | None:
    """(the SHA-256 of the roster file, the ids of its rows in order) as the cache keeps
    them, read without the rows (a draw ranks them on another core while the rows are
    read); None when the roster is not one file or is not in the cache."""
    file = roster_file(root, kind)
    if file is None:
        return None
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    kept = cache_store.load_bytes(root, f"ids-{kind}", digest)
    return None if kept is None else (digest, kept.decode().split("\n"))


def read_back(kind: str, raw: bytes, path: str, expected: Iterable[Any]) -> list[list] | None:
    """The validated columns of `raw` (InputError when it does not validate) when they hold
    exactly the rows `expected`, in order; None when they do not. Equal lists and mappings
    in them are one object: they are for reading (the cache), not for rows."""
    expected = expected if isinstance(expected, list) else list(expected)
    with cache_store.paused_gc():
        found = validated_columns(kind, raw, path, path, shared=True)
        return found if _holds(kind, found, expected) else None


def csv_roster(kind: str, rows: Iterable[Any], label: str) -> tuple[bytes, list[list] | None]:
    """A CSV roster file holding `rows`, and what `read_back` gives for it: its validated
    columns, or None when they would not hold exactly these rows (InputError when the file
    would not validate).

    Written a chunk of rows at a time (tabular.CsvWriter). A chunk of cells written
    unquoted is read back from its cells as written, which are exactly what the csv module
    reads from it: each column through the same column checks (core/columns.py) that
    read_back's parse of the file would run on it. A chunk the csv module quoted, or any
    doubt (a cell too long, a blank row, a header read differently), leaves the whole
    file to read_back.
    """
    from ..core.tables import value_columns
    from ..storage import tabular

    expected = rows if isinstance(rows, list) else list(rows)
    headers, chunks = value_columns(kind, expected)
    out = tabular.CsvWriter(headers)
    check = _plain_reading(kind, headers, out.getvalue(), label)
    for values, cells in chunks:
        written = out.add_columns(cells)
        if check is not None and check.add(written, out.longest_line) != values:
            check = None  # not read back as written, or not as these rows: read_back decides
        del values, cells, written
    data = out.getvalue()
    found = check.columns.result() if check is not None else None
    if found is not None and _holds(kind, found.columns, expected, values=False):
        return data, found.columns
    return data, read_back(kind, data, label, expected)


@dataclass
class _PlainReading:
    columns: columns.Columns  # the file's columns validated as they are added
    ident_at: int  # the id's column: a row is blank when its id is
    number: int = 2  # the next row's number (the header is the first)

    def add(self, cells: list[list[str]] | None, longest_line: int) -> list[list] | None:
        """The next chunk's validated columns, from its cells as written (None: the csv
        module quoted some; `longest_line`: of the chunk's lines, the longest); None when
        it is not read back as written or a cell fails its check."""
        if cells is None or not _read_as_written(cells, self.ident_at, longest_line):
            return None
        count = len(cells[0])
        numbers = list(range(self.number, self.number + count))
        self.number += count
        return self.columns.add(numbers, cells, count, padded=False)  # all text, as written


def _plain_reading(kind: str, headers: list[str], head: bytes, label: str) -> _PlainReading | None:
    """The column checks read_back's parse of a CSV roster starting with `head` (its header
    row) would run, when its header reads back as written; None: leave it to read_back."""
    from ..core import columns
    from ..core.tables import layout
    from ..storage import tabular

    if not columns.field_by_field(kind) or any("\t" in h for h in headers):
        return None  # checked row by row; or a tab might make the file read as tab-separated
    try:
        sheet = tabular.parse_csv(head, label)
        if len(sheet.headers) != len(headers):
            return None
        _, fields = layout(sheet, kind)
    except InputError:
        return None
    ident = "code" if kind == "items" else "id"
    check = columns.Columns(kind, sheet.headers, fields, shared=True, text_only=True)
    return _PlainReading(check, fields.index(ident))


def _read_as_written(cells: list[list[str]], ident_at: int, longest_line: int) -> bool:
    """Whether tabular's parse gives back every row of these cells: none is blank (its id
    is not) and none holds a cell too long (which it refuses; no line is, most often)."""
    from ..storage import tabular

    return all(map(str.strip, cells[ident_at])) and (
        longest_line <= tabular.MAX_CELL
        or all(max(map(len, column), default=0) <= tabular.MAX_CELL for column in cells)
    )


def _holds(kind: str, found: list[list], expected: list[Any], values: bool = True) -> bool:
    """Whether validated columns hold exactly the rows `expected`, in order (`values`:
    compared value by value; else only counted)."""
    if len(found) != len(rows.fields(kind)) or any(len(c) != len(expected) for c in found):
        return False
    if not values:
        return True
    # Column by column: a million-row roster is never held twice as rows.
    return all(column == list(map(itemgetter(i), expected)) for i, column in enumerate(found))


def validated_columns(
    kind: str, raw: bytes, path: str, label: str, shared: bool = False
) -> list[list]:
    """A roster file's validated rows as columns, one list per field (in the model's
    order); any problem raises InputError, all of them at once. `shared`: the columns are
    only read, so rows may share equal lists and mappings (columns.validate)."""
    from ..core import columns
    from ..storage import tabular

    if path.endswith(".csv"):
        found = _on_two_cores(kind, raw, label, shared) if len(raw) >= SPLIT_CSV else None
        if found is not None:
            return found
        return columns.validate(lambda: tabular.parse_csv(raw, label), kind, shared).columns
    built = _yaml_rows(kind, raw, label, rows.Builder(kind).from_model)
    if not built:
        return [[] for _ in rows.fields(kind)]
    return [list(c) for c in zip(*built, strict=True)]


# A CSV roster of 100,000 units (12 MB) is read and validated in some 0.45 s: from 4 MB
# (processes.AFFORDABLE at most) on two cores, in halves.
SPLIT_CSV = 4 << 20


def _on_two_cores(kind: str, raw: bytes, label: str, shared: bool) -> list[list] | None:
    """The validated columns of a UTF-8 CSV file, its halves (tabular.halves) validated
    side by side; None when the file is not one to cut, a half has any problem, or an id
    is in both: the whole file is then validated as one, which says what is wrong."""
    from ..core import columns
    from ..core.tables import id_field
    from ..storage import tabular

    if len(raw) > processes.AFFORDABLE or not processes.can_fork():
        return None
    parts = tabular.halves(raw)
    if parts is None:
        return None
    try:  # the whole file's encoding: a UTF-8 file cut at a line break is UTF-8 in both parts
        detected = tabular.detect(raw, label)
    except InputError:
        return None
    if detected[0] not in ("utf-8", "utf-8-sig"):
        return None

    def validated(part: bytes) -> list[list] | None:
        sheet = functools.partial(tabular.parse_csv, part, label, detected)
        try:
            return columns.validate(sheet, kind, shared).columns
        except (InputError, ValueError):
            return None

    second, first = processes.side_by_side(lambda: validated(parts[1]), lambda: validated(parts[0]))
    if first is None or second is None:
        return None
    found = [a + b for a, b in zip(first, second, strict=True)]
    ids = found[rows.fields(kind).index(id_field(kind))]
    return found if len(set(ids)) == len(ids) else None


def _yaml_rows(kind: str, raw: bytes, label: str, keep: Callable[[BaseModel], Any]) -> list[Any]:
    from pydantic import ValidationError

    from ..core.models import ROSTERS, row_problems

    model, _, key = ROSTERS[kind]
    text = _utf8(raw, label)
    data = yamlio.parse(text, label) or {}
    if not isinstance(data, dict) or not isinstance(data.get(key, []), list):
        raise InputError(Problem(file=label, message=f"文件应以“{key}:”开头，其下为列表"))
    pending = [((k,), str(k), "未知的顶层字段") for k in sorted(set(data) - {key}, key=str)]
    built, seen = [], {}
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
        built.append(keep(row))
    if pending:
        raise InputError(_located(label, text, pending))
    return built


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
        """A path inside the workspace as git and records name it (forward slashes).

        A folder that links out of the workspace (plans/2026/draws → /tmp) is refused:
        what is written there would be outside git and outside the audit.
        """
        resolved = path.resolve()
        if not resolved.is_relative_to(self.root):
            raise Refused(
                f"{path} 指向工作区之外（{resolved}）：工作区中的目录和文件不能是指向别处的链接，"
                "请改为普通目录"
            )
        return resolved.relative_to(self.root).as_posix()

    def roster_path(self, kind: str) -> Path:
        """The roster's file: rosters/<kind>.csv when there is one, else <kind>.yaml."""
        yaml_file, csv_file = (self.root / f for f in roster_files(kind))
        return csv_file if csv_file.is_file() else yaml_file

    def plan_dir(self, year: int) -> Path:
        return self.root / PLAN_DIR / str(year)

    @cached_property
    def clock(self) -> Clock:
        """The bureau's clock (ssj.yaml `timezone`): the only source of today and now."""
        return Clock(self.config.timezone)

    @cached_property
    def git(self) -> Git:
        return Git(self.root, self.clock)

    @contextmanager
    def locked(self) -> Iterator[None]:
        with workspace_lock(self.root):
            yield

    # -- reading
    @cached_property
    def config(self) -> Config:
        return load_model(CONFIG_MODEL, self.root / CONFIG, CONFIG, cache=self.root)

    def roster(self, kind: str, cached: bool = True) -> LoadedRoster:
        """The current roster; `cached=False` validates it anew (ssj roster check)."""
        found = _present(self.root, kind)
        if len(found) > 1:
            raise InputError(
                Problem(
                    file=found[1],
                    message=f"{found[0]} 与 {found[1]} 只能保留一个；请删除不用的那个",
                )
            )
        ref = current(self, kind)
        if ref is not None:  # kept outside git, by reference (workspace/reference.py)
            if found:
                raise InputError(f"{found[0]} 与 {reference_file(kind)} 只能保留一个")
            return self._referenced(kind, ref, reference_file(kind))
        label = found[0] if found else roster_files(kind)[0]
        if not found:
            raise InputError(Problem(file=label, message="名录文件不存在"))
        return self._parsed(kind, (self.root / label).read_bytes(), label, cached=cached)

    def _parsed(
        self, kind: str, raw: bytes, path: str, label: str | None = None, cached: bool = True
    ) -> LoadedRoster:
        """A roster parsed once per command for each distinct content (file, commits)."""
        memo = self.__dict__.setdefault("_parsed_rosters", {})
        digest = hashlib.sha256(raw).hexdigest()
        key = (kind, path, digest, cached)
        if key not in memo:
            memo[key] = parse_roster(
                kind, raw, path, label, cache=self.root if cached else None, digest=digest
            )
        return memo[key]

    def _referenced(self, kind: str, ref: Any, label: str) -> LoadedRoster:
        """A roster kept by reference, read once per command (workspace/reference.py)."""
        memo = self.__dict__.setdefault("_parsed_rosters", {})
        key = (kind, ref.path, ref.sha256, True)
        if key not in memo:
            memo[key] = LoadedRoster(kind, ref.path, ref.sha256, loaded(self, kind, ref, label))
        return memo[key]

    def load_record(self, model: type[BaseModel], path: Path) -> Any:
        """A generated record, parsed once per command (keyed by path, size and mtime).

        A draw or an assignment is read in its light form (core.records.VIEWS): its long
        lists as slotted objects. To be written again, a record is read with load_model.
        """
        stat = path.stat()
        key = (model, str(path), stat.st_mtime_ns, stat.st_size)
        cache = self.__dict__.setdefault("_records", {})
        if key not in cache:
            cache[key] = self._record(model, path)
        return cache[key]

    def _record(self, model: type[BaseModel], path: Path) -> Any:
        from pydantic import ValidationError

        from ..core.records import VIEWS  # the records' models: made only when one is read

        view = VIEWS.get(model)
        if view is not None:
            try:
                return load_view(view, path, self.rel(path), cache=self.root)
            except (InputError, ValidationError):
                pass  # its problems as the model states them, below
        return load_model(model, path, self.rel(path), cache=self.root)

    def roster_at(self, kind: str, commit: str, sha256: str | None = None) -> LoadedRoster:
        """The roster as it was committed at `commit` (for re-running a recorded draw).

        Kept for the life of this Workspace object (one command): a commit never changes,
        and re-running many draws of one commit would otherwise parse its roster each time.
        With `sha256` (the digest a record gives for the file), a roster of those very bytes
        this command has read already, or the file in the working tree when it holds them,
        is taken as it is, without asking git.
        """
        memo = self.__dict__.setdefault("_rosters_at", {})
        if (kind, commit) in memo:
            return memo[kind, commit]
        parsed = self.__dict__.get("_parsed_rosters", {})
        for (known, _, digest, cached), roster in parsed.items():
            if known == kind and digest == sha256 and cached:
                return roster
        if sha256 is not None:
            for label in roster_files(kind):
                path = self.root / label
                raw = path.read_bytes() if path.is_file() else b""
                if hashlib.sha256(raw).hexdigest() == sha256:
                    memo[kind, commit] = self._parsed(kind, raw, label)
                    return memo[kind, commit]
        ref = at_commit(self, kind, commit)
        if ref is not None:
            label = f"{reference_file(kind)}@{commit[:10]}"
            memo[kind, commit] = self._referenced(kind, ref, label)
            return memo[kind, commit]
        for path in roster_files(kind):
            raw = self.git.show(commit, path)
            if raw is not None:
                break
        else:
            raise InputError(
                Problem(file=roster_files(kind)[0], message=f"提交 {commit[:10]} 中没有此名录")
            )
        memo[kind, commit] = self._parsed(kind, raw, path, f"{path}@{commit[:10]}")
        return memo[kind, commit]

    def config_at(self, commit: str | None) -> Config:
        """ssj.yaml as committed at `commit` (re-running a recorded draw or matching reads
        the departments and caps it was made with), or as it is now (None, or a commit
        before ssj.yaml existed)."""
        if commit is None:
            return self.config
        memo = self.__dict__.setdefault("_configs_at", {})
        if commit not in memo:
            raw = self.git.show(commit, CONFIG)
            memo[commit] = (
                self.config
                if raw is None
                else parse_model(CONFIG_MODEL, raw, f"{CONFIG}@{commit[:10]}", self.root)
            )
        return memo[commit]


# Smaller files are kept as their validated models (snapshot.py), bigger ones as JSON.
CACHED_RECORD_BYTES = 256 * 1024


@dataclass(frozen=True)
class Named:
    """A model named, imported only when a file is validated: ssj.yaml's and the plans',
    which the cache keeps in their light form (core/light.py)."""

    module: str
    name: str

    @property
    def model(self) -> type[BaseModel]:
        return getattr(importlib.import_module(self.module), self.name)


CONFIG_MODEL = Named("shuangsuiji.core.models", "Config")
PLAN_MODEL = Named("shuangsuiji.core.plan", "Plan")


def parse_model(
    model: type[BaseModel] | Named, raw: bytes, label: str, cache: Path | None = None
) -> Any:
    """A YAML document's bytes validated, problems with their lines. With `cache` (a
    workspace root), a small one is kept as its validated model, or a `Named` one in its
    light form, read back without pydantic (workspace/snapshot.py)."""
    if isinstance(model, Named):
        if cache and len(raw) < CACHED_RECORD_BYTES:
            named = model  # its model is imported only to validate the file
            return remembered_light(
                cache, named.name, raw, lambda raw: parse_model(named.model, raw, label)
            )
        model = model.model
    if cache and len(raw) < CACHED_RECORD_BYTES:
        return remembered(cache, model, raw, lambda raw: parse_model(model, raw, label))
    from pydantic import ValidationError

    from ..core.models import row_problems

    text = _utf8(raw, label)
    try:
        data = yamlio.parse(text, label)
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        raise InputError(_located(label, text, row_problems(model, exc))) from None


def load_model(
    model: type[BaseModel] | Named, path: Path, label: str, cache: Path | None = None
) -> Any:
    """A YAML file validated, problems with their lines.

    With `cache` (a workspace root), a big file's parsed content is kept in and taken
    from the local cache, keyed by the SHA-256 of its bytes, and validated from its JSON
    text: a record of a million-unit draw is never held as text, dictionaries and models
    at once. A small one is kept as its validated model (workspace/snapshot.py).
    """
    if not path.is_file():
        raise InputError(Problem(file=label, message="文件不存在"))
    raw = path.read_bytes()
    if cache and len(raw) < CACHED_RECORD_BYTES:
        return parse_model(model, raw, label, cache)
    from pydantic import ValidationError

    from ..core.models import row_problems

    model = model.model if isinstance(model, Named) else model
    body, data = None, None
    try:
        if cache and len(raw) >= CACHED_RECORD_BYTES:
            body, data = _cached_json(cache, hashlib.sha256(raw).hexdigest(), raw, label)
        if body is not None:
            del raw  # a kept entry was made from bytes that decoded and parsed
            return model.model_validate_json(body)
        if data is None:
            data = yamlio.parse(_utf8(raw, label), label)
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        text = _utf8(path.read_bytes() if body is not None else raw, label)
        raise InputError(_located(label, text, row_problems(model, exc))) from None


def load_view(view: Any, path: Path, label: str, cache: Path) -> Any:
    """A record's light form (core.records.VIEWS). A big one is parsed from its cached JSON
    with each repeated string made once, then validated in parts (`view.in_parts`); in
    a fresh clone from its YAML, which is then kept, its bytes and text let go first."""
    raw = path.read_bytes()
    if len(raw) < CACHED_RECORD_BYTES:
        return load_model(view, path, label, cache=cache)
    digest = hashlib.sha256(raw).hexdigest()
    kept = kept_view(cache, view, digest)
    if kept is not None:
        return kept
    body = cache_store.load_text(cache, "yaml", digest)
    if body is None:
        text = _utf8(raw, label)
        del raw
        data, plain = yamlio.parse_json(text, label)
        del text
        if isinstance(data, dict):
            cache_store.save(cache, "yaml", digest, data, as_json=plain)
    else:
        del raw
        import pydantic_core

        data = (
            pydantic_core.from_json(body, cache_strings=True)
            if body.startswith(b"{")
            else json.loads(body)
        )
        del body
    found = view.in_parts(data if data is not None else {})
    keep_view(cache, view, digest, found)
    return found


def _cached_json(cache: Path, digest: str, raw: bytes, label: str) -> tuple[bytes | None, Any]:
    """A big YAML file's content as (JSON text, None) from the cache, kept there on first
    use; (None, the parsed YAML) when that is no JSON object or cannot be kept."""
    body = cache_store.load_text(cache, "yaml", digest)
    if body is None:
        data, plain = yamlio.parse_json(_utf8(raw, label), label)
        if not isinstance(data, dict):
            return None, data
        cache_store.save(cache, "yaml", digest, data, as_json=plain)
        body = cache_store.load_text(cache, "yaml", digest)
        if body is None:
            return None, data
        del data  # validated from the text: never the dictionaries and the models at once
    return (body, None) if body.startswith(b"{") else (None, json.loads(body))
