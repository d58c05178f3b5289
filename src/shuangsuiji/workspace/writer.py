"""The one write path: every file a command writes into the workspace, and its commit.

A command opens a `batch` (the workspace lock, then what must hold before anything is
computed: git can commit here, every record on disk is committed as committed, and for a
draw or an assignment its inputs too), adds the files of its act, and at the end they are
written all or none, each atomically, a growing record only ever grown, then committed as
one commit. Nothing is written when the command fails before the end.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.problems import Refused
from ..storage import cache as cache_store
from ..storage import yamlio
from ..storage.files import write_atomic
from ..storage.git import Locations, Status
from . import load
from .layout import GENERATED_HEADER, GROWING, LABELS, appended_only, record_kind
from .load import PLAN_DIR, Workspace

if TYPE_CHECKING:
    from pydantic import BaseModel

MANY_FILES = 50  # above this, a commit names the folders instead of each file

# Generated records of random choices: one file per draw, assignment and return-visit
# draw, with their append-only companions.
_RECORD = re.compile(r"plans/[^/]+/(?:draws|assignments|revisits)/([^/]+)")


@dataclass(frozen=True)
class _Repository:
    """What the checks before a write need from git, asked in two commands."""

    where: Locations
    status: Status

    def mine(self) -> list[tuple[str, str]]:
        """(XY, path inside the workspace) of every change; paths as git names them are
        from the top of the repository, which may hold the workspace in a folder."""
        prefix = self.where.prefix
        return [(xy, path[len(prefix) :]) for xy, path in self.status.entries]


def _repository(ws: Workspace) -> _Repository:
    names = [name for name, _, _ in _IN_PROGRESS] + ["index.lock", "HEAD.lock"]
    where = ws.git.locations(*names)
    if where is None:
        raise Refused("工作区不在 git 仓库中：请先 git init 并提交名录")
    return _Repository(where, ws.git.status("."))


def check_committed(ws: Workspace, year: int) -> str:
    """Rosters, ssj.yaml, the plan and every earlier record must be committed (R14)."""
    repo = _repository(ws)
    head = repo.status.head
    if head is None:
        raise Refused("名录尚未提交：请先 git add -A && git commit -m 建立名录库")
    check_git_unlocked(ws, repo)
    check_records_committed(ws, repo)
    plan = f"{PLAN_DIR}/{year}/plan.yaml"
    # The year's inspection ledger counts toward the caps at the draw, as committed: watched
    # even when deleted on disk.
    ledger = f"{PLAN_DIR}/{year}/ledger.yaml"
    watched = ["rosters", "ssj.yaml"] + ([plan] if (ws.root / plan).exists() else []) + [ledger]
    dirty = [
        repo.where.prefix + path
        for _, path in repo.mine()
        if any(path == w or path.startswith(w + "/") for w in watched)
    ]
    if dirty:
        shown = "、".join(dirty[:5]) + ("等" if len(dirty) > 5 else "")
        add = [w for w in watched if w != ledger or repo.where.prefix + ledger in dirty]
        raise Refused(
            f"{shown} 有未提交的修改：抽取前名录、方案和检查台账必须已提交（R14）。"
            f"请先 git add {' '.join(add)} && git commit -m 更新名录"
        )
    return head


# git's own operations under way, each with what the user does to finish or leave it.
_IN_PROGRESS = (
    ("MERGE_HEAD", "合并（merge）", "git merge --continue 或 git merge --abort"),
    ("rebase-merge", "变基（rebase）", "git rebase --continue 或 git rebase --abort"),
    (
        "rebase-apply",
        "变基或补丁应用（rebase / am）",
        "git rebase --continue 或 git rebase --abort",
    ),
    ("CHERRY_PICK_HEAD", "拣选（cherry-pick）", "git cherry-pick --continue 或 --abort"),
    ("REVERT_HEAD", "还原（revert）", "git revert --continue 或 --abort"),
    ("BISECT_LOG", "二分查找（bisect）", "git bisect reset"),
)


def check_git_unlocked(ws: Workspace, repo: _Repository | None = None) -> None:
    """Refuse before writing anything when git could not commit the record afterwards,
    or would commit it where nobody looks.

    A git process killed mid-way (a crash, a power cut) leaves its lock files behind, and
    every later commit fails; a record written before that would be left uncommitted. A
    record committed on a detached HEAD or inside a merge or rebase is off the branch:
    back on it the draw id is free again and the draw could be made twice.
    """
    repo = repo or _repository(ws)
    branch = repo.status.branch
    if not branch:
        raise Refused(
            "git 处于“分离 HEAD”状态（没有检出分支）：此时提交的记录不在任何分支上。"
            "请先 git switch 回工作分支（如 git switch main），再重试"
        )
    paths = repo.where.paths
    for name, what, fix in _IN_PROGRESS:
        if (ws.root / paths[name]).exists():
            raise Refused(f"git 正在进行{what}：请先完成或放弃它（{fix}），再重试")
    interrupted = sorted((ws.root / PLAN_DIR).glob("*/*/.*.tmp"))
    if interrupted:
        shown = ws.rel(interrupted[0])
        final = shown.rsplit("/", 1)[0] + "/" + interrupted[0].name[1:].rsplit(".", 2)[0]
        raise Refused(
            f"上次写入在中途被中断，留下了临时文件 {shown}"
            + (f"等 {len(interrupted)} 个" if len(interrupted) > 1 else "")
            + f"。它可能是一份已产生结果的完整记录：请核对其内容——完整则改名为 {final} 并提交，"
            "不完整则删除它；处理前 ssj 不再写入，以免同一编号抽取两次（R14）"
        )
    # The branch's own lock lives with the refs, in the common git folder.
    branch_lock = Path(repo.where.common_dir) / "refs" / "heads" / f"{branch}.lock"
    for path in (paths["index.lock"], paths["HEAD.lock"], branch_lock):
        lock = (ws.root / path).resolve()
        if lock.exists():
            raise Refused(
                f"git 被锁定（{lock} 存在）：可能另有 git 进程正在运行，或上次运行被中断。"
                "确认没有 git 进程在运行后删除该文件，再重试"
            )


def check_records_committed(ws: Workspace, repo: _Repository | None = None) -> None:
    """Every draw, assignment and return-visit record on disk must be committed, as committed.

    A record left uncommitted (a run killed between writing it and `git commit`, or
    --no-commit) is a draw that happened: it is committed, never deleted and redrawn.
    A committed record that was edited or deleted is restored, never built on.
    """
    repo = repo or _repository(ws)
    new, changed = [], []
    for xy, path in repo.mine():
        match = _RECORD.fullmatch(path)
        if not match or (match[1].startswith(".") and match[1].endswith(".tmp")):
            continue  # not a record, or the temporary file of an interrupted write
        (new if xy in ("??", "A ") else changed).append(repo.where.prefix + path)
    if new:
        shown = " ".join(new[:5])
        raise Refused(
            f"{'、'.join(new[:5])}{'等' if len(new) > 5 else ''} 是尚未提交的记录"
            "（上次 ssj 运行可能在写入记录之后、提交之前被中断，或用了 --no-commit）。"
            f"记录一经写入即不得丢弃：请核对后提交（git add {shown} && git commit -m 补交记录），"
            "然后重试；不要删除后重抽（R14）"
        )
    if changed:
        shown = " ".join(changed[:5])
        raise Refused(
            f"{'、'.join(changed[:5])}{'等' if len(changed) > 5 else ''} 在提交之后被修改或删除："
            f"记录提交后不得改动（R14）。请用 git checkout HEAD -- {shown} 恢复后重试"
        )


def dump(record: BaseModel, header: str = GENERATED_HEADER) -> str:
    return yamlio.dump_fast(record.model_dump(mode="json", exclude_none=True), header)


class Batch:
    """The files of one act, written together and committed as one commit."""

    def __init__(self, ws: Workspace, commit: bool) -> None:
        self.ws = ws
        self.commit = commit
        self.head: str | None = None  # the commit the act is made from (`check_inputs`)
        self.message = ""
        self.sha: str | None = None
        self._files: dict[Path, bytes] = {}
        self._parsed: dict[Path, object] = {}  # what a big record parses to, for the cache
        self._leftover: list[str] = []
        self._removed: list[Path] = []

    def write(self, path: Path, data: str | bytes) -> None:
        self._files[path] = data.encode("utf-8") if isinstance(data, str) else data
        self._parsed.pop(path, None)

    def write_record(
        self, path: Path, record: BaseModel, header: str = GENERATED_HEADER, *, nulls=False
    ) -> None:
        """`nulls`: empty fields written as null, as the whole-list files always were."""
        self.write_data(path, record.model_dump(mode="json", exclude_none=not nulls), header)

    def write_data(self, path: Path, data: dict, header: str = GENERATED_HEADER) -> None:
        """A record already in its JSON form (a big draw's, made without a model per unit)."""
        raw = yamlio.dump_fast_bytes(data, header)
        self.write(path, raw)
        if len(raw) >= load.CACHED_RECORD_BYTES:  # this machine need never parse it again
            self._parsed[path] = data

    def remove(self, path: Path) -> None:
        """Removed once every file is written (a roster kept in another format)."""
        self._removed.append(path)

    def check_inputs(self, year: int) -> str:
        """The act is made from committed rosters, ssj.yaml and plan of `year`: their commit."""
        self.head = check_committed(self.ws, year)
        return self.head

    def commit_also(self, paths: Iterable[str]) -> None:
        """Files an interrupted earlier run wrote and did not commit: committed with these."""
        self._leftover += [p for p in paths if p not in self._leftover]

    @property
    def paths(self) -> list[str]:
        return sorted(self.ws.rel(p) for p in self._files)

    def finish(self) -> None:
        for path, raw in self._files.items():
            _check_growth(self.ws, path, raw)
        _write_all(self.ws, self._files)
        for path in self._removed:
            path.unlink(missing_ok=True)
        for path, data in self._parsed.items():
            digest = hashlib.sha256(self._files[path]).hexdigest()
            cache_store.save(self.ws.root, "yaml", digest, data, as_json=True)
        if not self.commit:
            return
        paths = sorted(set(self.paths) | set(self._leftover))
        if not paths:
            return
        if len(paths) > MANY_FILES:
            paths = sorted({p.rsplit("/", 1)[0] for p in paths})
        try:
            self.sha = self.ws.git.commit(paths, self.message)
        except Refused as exc:
            shown = " ".join(paths)
            raise Refused(
                f"记录已写入 {'、'.join(paths[:5])}{'等' if len(paths) > 5 else ''}，但 git 提交失败：{exc}。"
                f"已写入的记录不得丢弃：请排除问题后提交（git add {shown} && git commit），"
                "不要删除后重做"
            ) from None


@contextlib.contextmanager
def batch(ws: Workspace, *, commit: bool = True, inputs_of: int | None = None) -> Iterator[Batch]:
    """Under the workspace lock: what must hold is checked, the body adds its files, and
    they are written and committed when it ends without an error.

    `inputs_of` (a plan year): the act is made from committed rosters, ssj.yaml and plan
    (a draw, an assignment); `Batch.head` is then the commit they are read from.
    """
    with ws.locked():
        book = Batch(ws, commit)
        if inputs_of is not None:
            book.check_inputs(inputs_of)
        elif commit:
            check_git_unlocked(ws)  # before anything is computed: it must be committable
        yield book
        book.finish()


def _check_growth(ws: Workspace, path: Path, raw: bytes) -> None:
    """A growing record may only grow: a bug that rewrote an entry is stopped here."""
    kind = record_kind(ws.rel(path))
    if kind in GROWING and path.is_file():
        before = path.read_bytes()
        if before != raw and not appended_only(kind, before, raw):
            raise Refused(f"{ws.rel(path)}：{LABELS[kind]}只能追加新的条目，已有内容不得改动")


def _write_all(ws: Workspace, files: dict[Path, bytes]) -> None:
    """Write every file, or (when a write fails) put back those already written."""
    before = {path: path.read_bytes() if path.is_file() else None for path in files}
    written: list[Path] = []
    try:
        for path, raw in files.items():
            write_atomic(path, raw)
            written.append(path)
    except BaseException:
        for path in reversed(written):
            with contextlib.suppress(OSError):
                old = before[path]
                if old is None:
                    path.unlink(missing_ok=True)
                else:
                    write_atomic(path, old)
        raise
