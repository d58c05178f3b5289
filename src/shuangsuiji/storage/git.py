"""The git command, run for real: commits, file contents at a commit, history."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import subprocess
import sys
import weakref
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Protocol

from ..core.problems import Refused

# Used only for what the user has not configured, so that ssj can still commit.
FALLBACK_NAME, FALLBACK_EMAIL = "ssj", "ssj@localhost"
IDENTITY_HINT = (
    "提醒：git 尚未设置提交人（user.name、user.email），ssj 的提交记为“{who}”，"
    "历史中看不出是谁抽取、记录的。请设置一次："
    '`git config --global user.name "张三"`、'
    '`git config --global user.email "zhangsan@example.gov.cn"`\n'
)


class GitError(Refused):
    pass


class BureauClock(Protocol):
    def now(self) -> datetime: ...
    def day_of(self, epoch_seconds: int) -> date: ...


@dataclass(frozen=True)
class Locations:
    prefix: str  # the work tree's folder inside the repository ("" at its top, else "sub/")
    common_dir: str  # where the branches live (shared by linked work trees)
    paths: dict[str, str]  # git's own files, relative to the work tree


@dataclass(frozen=True)
class Status:
    head: str | None  # None before the first commit
    branch: str | None  # the branch's short name; None on a detached HEAD
    entries: list[tuple[str, str]]  # (XY as `git status --porcelain` writes it, path from the top)


class Git:
    def __init__(self, root: Path, clock: BureauClock | None = None) -> None:
        self.root = root
        self.clock = clock  # the workspace's: commits are dated by it, their days counted in it
        self.reminded = False  # of a missing identity, once

    def run(
        self,
        *args: str,
        check: bool = True,
        input: bytes | None = None,
        env: dict[str, str] | None = None,
    ) -> str:
        return self.run_bytes(*args, check=check, input=input, env=env).decode("utf-8", "replace")

    def run_bytes(
        self,
        *args: str,
        check: bool = True,
        input: bytes | None = None,
        env: dict[str, str] | None = None,
    ) -> bytes:
        env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", **(env or {})}
        try:
            done = subprocess.run(
                ["git", "-c", "core.quotepath=false", *args],
                cwd=self.root,
                capture_output=True,
                input=input,
                env=env,
            )
        except FileNotFoundError:
            raise GitError("找不到 git 命令：请先安装 git") from None
        if check and done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip()
            raise GitError(f"git {' '.join(_command(args))} 失败：{message}")
        return done.stdout

    def is_repo(self) -> bool:
        return self.run("rev-parse", "--is-inside-work-tree", check=False).strip() == "true"

    def locations(self, *names: str) -> Locations | None:
        """Where this work tree sits in its repository and where git keeps `names` (lock
        files, MERGE_HEAD, ...), in one `git rev-parse`; None outside a repository."""
        args = [part for name in names for part in ("--git-path", name)]
        done = self.run(
            "rev-parse",
            "--is-inside-work-tree",
            "--show-prefix",
            "--git-common-dir",
            *args,
            check=False,
        )
        lines = done.split("\n")
        if len(lines) < 3 + len(names) or lines[0] != "true":
            return None
        found = dict(zip(names, lines[3 : 3 + len(names)], strict=True))
        return Locations(prefix=lines[1], common_dir=lines[2], paths=found)

    def status(self, *paths: str) -> Status:
        """HEAD, its branch and every changed or untracked file under `paths`, in one
        `git status` (porcelain v2: the branch comes with the changes)."""
        out = self.run(
            "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all", "--", *paths
        )
        head: str | None = None
        branch: str | None = None
        entries: list[tuple[str, str]] = []
        fields = iter(out.split("\0"))
        for entry in fields:
            if entry.startswith("# branch.oid "):
                oid = entry.removeprefix("# branch.oid ")
                head = None if oid == "(initial)" else oid
            elif entry.startswith("# branch.head "):
                name = entry.removeprefix("# branch.head ")
                branch = None if name == "(detached)" else name
            elif entry.startswith("? "):
                entries.append(("??", entry[2:]))
            elif entry[:2] in ("1 ", "2 ", "u "):
                # ordinary: 8 fields before the path; renamed: 9, then the old path; unmerged: 10
                parts = entry.split(" ", {"1": 8, "2": 9, "u": 10}[entry[0]])
                entries.append((parts[1].replace(".", " "), parts[-1]))
                if entry[0] == "2":
                    next(fields, None)
        return Status(head=head, branch=branch, entries=entries)

    def init(self) -> None:
        self.run("init", "-q")

    def head(self) -> str | None:
        out = self.run("rev-parse", "--verify", "-q", "HEAD^{commit}", check=False).strip()
        return out or None

    def dirty(self, *paths: str) -> list[str]:
        """Paths (under `paths`) with uncommitted changes or not yet tracked."""
        out = self.run("status", "--porcelain", "-z", "--untracked-files=all", "--", *paths)
        return [entry[3:] for entry in out.split("\0") if entry]

    def show(self, commit: str, path: str) -> bytes | None:
        """A file's bytes at a commit, or None when it did not exist there.

        A big file whose working copy holds the very bytes of that blob (its git id is the
        blob's) is read from the working tree: a roster of 100,000 units is not copied
        through git and a pipe for each re-run of a draw."""
        # "./": the path is the workspace's, which may be a folder inside the repository.
        name = f"{commit}:./{path}"
        if not _FULL_ID.fullmatch(commit):
            return self._show(commit, path)  # a ref ("HEAD") may move within the command
        try:
            found = self._objects("--batch-check").read(name)
            if found is None:
                return None
            ident, kind, size, _ = found
            if kind != b"blob":
                return self._show(commit, path)  # a folder, a submodule: as git shows them
            if size >= _BIG:
                raw = _same_file(self.root / path, ident.decode(), size)
                if raw is not None:
                    return raw
            found = self._objects("--batch").read(name)
        except Unanswered:
            return self._show(commit, path)
        return None if found is None else found[3]

    def _show(self, commit: str, path: str) -> bytes | None:
        done = self.run_bytes("show", f"{commit}:./{path}", check=False)
        return done if done or self.exists(commit, path) else None

    def _objects(self, mode: str) -> ObjectReader:
        # Per process: a forked copy (storage/processes.py) must not read from the pipes
        # of its parent's git, nor close them.
        readers = self.__dict__.setdefault("_readers", {})
        key = (os.getpid(), mode)
        if key not in readers:
            readers[key] = ObjectReader(self.root, mode)
        return readers[key]

    def exists(self, commit: str, path: str) -> bool:
        return bool(self.run("ls-tree", "--name-only", commit, "--", path, check=False).strip())

    def identity(self) -> tuple[str | None, str | None]:
        """(name, email) commits are made by, as git takes them: environment, then config."""
        name = os.environ.get("GIT_AUTHOR_NAME") or self.config("user.name")
        email = (
            os.environ.get("GIT_AUTHOR_EMAIL")
            or self.config("user.email")
            or os.environ.get("EMAIL")
        )
        return name, email

    def config(self, key: str) -> str | None:
        return self.run("config", key, check=False).strip() or None

    def identity_env(self) -> dict[str, str]:
        """The fallback for what the user has not configured (nothing when all is set)."""
        name, email = self.identity()
        env = {}
        if not name:
            env |= {"GIT_AUTHOR_NAME": FALLBACK_NAME, "GIT_COMMITTER_NAME": FALLBACK_NAME}
        if not email:
            env |= {"GIT_AUTHOR_EMAIL": FALLBACK_EMAIL, "GIT_COMMITTER_EMAIL": FALLBACK_EMAIL}
        return env

    def commit(self, paths: list[str], message: str) -> str:
        """Commit exactly `paths` (nothing else the user has staged) and return the commit.

        Made as the configured user; when none is configured, as ssj, with a reminder on
        stderr (once per workspace opened) to set one, so that history shows who drew and recorded.
        """
        self.run("add", "--", *paths)
        env = self.identity_env()
        if env and not self.reminded:
            self.reminded = True
            name, email = self.identity()
            who = f"{name or FALLBACK_NAME} <{email or FALLBACK_EMAIL}>"
            sys.stderr.write(IDENTITY_HINT.format(who=who))
        if self.clock is not None:
            stamp = self.clock.now().isoformat()
            env |= {"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
        self.run("commit", "-q", "--no-verify", "-m", message, "--", *paths, env=env)
        head = self.head()
        assert head is not None
        return head

    def log(self, path: str, *fmt: str) -> list[str]:
        out = self.run("log", "--format=" + "%x1f".join(fmt or ("%H",)), "--", path, check=False)
        return [line for line in out.splitlines() if line]

    # -- history (ssj audit)

    def rev_parse(self, rev: str) -> str | None:
        """The commit `rev` names, or None when it names none."""
        out = self.run("rev-parse", "--verify", "-q", f"{rev}^{{commit}}", check=False).strip()
        return out or None

    def is_ancestor(self, ancestor: str, commit: str) -> bool:
        """True when `ancestor` is `commit` or one of its ancestors."""
        done = subprocess.run(
            ["git", "merge-base", "--is-ancestor", ancestor, commit],
            cwd=self.root,
            capture_output=True,
            env={**os.environ, "LC_ALL": "C"},
        )
        return done.returncode == 0

    def merge_base(self, a: str, b: str) -> str | None:
        out = self.run("merge-base", a, b, check=False).strip()
        return out or None

    def commits_since(self, base: str) -> set[str]:
        """Commits reachable from HEAD but not from `base`."""
        return set(self.run("rev-list", f"{base}..HEAD", check=False).split())

    def changed_since(self, base: str) -> set[str]:
        """Paths that differ between `base` and the working tree, untracked files included.

        Both sides of a rename are listed; paths are relative to the workspace (this Git's root).
        """
        out = self.run("diff", "--relative", "--name-status", "-z", "-M", base, "--", check=False)
        tokens = out.split("\0")
        paths: set[str] = set()
        index = 0
        while index < len(tokens) and tokens[index]:
            status = tokens[index]
            count = 2 if status[:1] in ("R", "C") else 1
            paths.update(tokens[index + 1 : index + 1 + count])
            index += 1 + count
        untracked = self.run("ls-files", "--others", "--exclude-standard", "-z", check=False)
        paths.update(p for p in untracked.split("\0") if p)
        return paths

    def file_history(self, *paths: str) -> list[Commit]:
        """Every commit touching `paths`, oldest first, with its file changes (renames found).

        A merge appears once per parent, with its changes against that parent.

        One `git log` for all paths: each change has the blob ids before and after, so a
        caller can tell what changed without reading the files.
        """
        out = self.run(
            "log",
            "--relative",
            "--reverse",
            "--topo-order",
            # every commit, merges included and each compared with every parent: a merge
            # that deletes or edits a record must show it, whichever side it takes
            "--full-history",
            "--diff-merges=separate",
            "-M",
            "--raw",
            "--no-abbrev",
            "-z",
            "--format=%x01%H %ct %P",
            "--",
            *paths,
            check=False,
        )
        commits = []
        for chunk in out.split("\x01")[1:]:
            header, _, rest = chunk.partition("\0")
            sha, time, *parents = header.split()
            tokens = rest.lstrip("\n").split("\0")
            changes = []
            index = 0
            while index < len(tokens) and tokens[index].startswith(":"):
                meta = tokens[index][1:].split()
                old_blob, new_blob, status = meta[2], meta[3], meta[4]
                if status[:1] in ("R", "C"):
                    old_path, new_path = tokens[index + 1], tokens[index + 2]
                    index += 3
                else:
                    old_path = new_path = tokens[index + 1]
                    index += 2
                changes.append(
                    FileChange(status[:1], old_path, new_path, _blob(old_blob), _blob(new_blob))
                )
            seconds = int(time)
            day = self.clock.day_of(seconds) if self.clock else _utc_day(seconds)
            commits.append(Commit(sha, seconds, day, tuple(parents), tuple(changes)))
        return commits

    def commit_times(self) -> dict[str, tuple[int, tuple[str, ...]]]:
        """Every commit reachable from HEAD, children before parents: {sha: (time, parents)}."""
        out = self.run("log", "--topo-order", "--format=%H %ct %P", "HEAD", check=False)
        found = {}
        for line in out.splitlines():
            sha, time, *parents = line.split()
            found[sha] = (int(time), tuple(parents))
        return found

    def is_shallow(self) -> bool:
        return self.run("rev-parse", "--is-shallow-repository", check=False).strip() == "true"

    def prefix(self) -> str:
        """This folder's path inside the repository, with a trailing slash ("" at the top)."""
        return self.run("rev-parse", "--show-prefix", check=False).strip()

    def blobs(self, ids: list[str]) -> dict[str, bytes]:
        """The contents of many blobs (asked of the command's `git cat-file --batch`)."""
        reader, out = self._objects("--batch"), {}
        for ident in dict.fromkeys(i for i in ids if i):
            try:
                found = reader.read(ident)
            except Unanswered:
                raise GitError(f"git cat-file 失败：无法读取对象 {ident}") from None
            if found is not None:
                out[ident] = found[3]
        return out

    def blob_ids(self, commit: str, paths: list[str]) -> dict[str, str]:
        """{path: blob id} of the paths that exist at `commit`."""
        out = self.run("ls-tree", "-z", commit, "--", *paths, check=False)
        found = {}
        for entry in out.split("\0"):
            if entry:
                meta, _, path = entry.partition("\t")
                found[path] = meta.split()[2]
        return found


_FULL_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_BIG = 256 * 1024  # a file smaller than this is read through git as fast as from disk


def _same_file(path: Path, ident: str, size: int) -> bytes | None:
    """The file's bytes when they are those of blob `ident` (`git hash-object` without
    filters, in the repository's object format: SHA-1, or SHA-256 for a 64-digit id)."""
    try:
        if not path.is_file() or path.stat().st_size != size:
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    digest = hashlib.sha256 if len(ident) == 64 else hashlib.sha1
    return raw if digest(b"blob %d\0" % len(raw) + raw).hexdigest() == ident else None


class Unanswered(Exception):
    """An ObjectReader cannot ask git (a line break in the name; git is gone)."""


class ObjectReader:
    """One `git cat-file --batch` (or `--batch-check`) for the life of a Git object: a
    verify or an audit looks up dozens of files at commits, each a line written and read
    back rather than a process started (about 5 ms each)."""

    def __init__(self, root: Path, mode: str) -> None:
        self.mode = mode
        try:
            self.process: subprocess.Popen | None = subprocess.Popen(
                ["git", "-c", "core.quotepath=false", "cat-file", mode],
                cwd=root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env={**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"},
            )
        except OSError:
            self.process = None
            return
        weakref.finalize(self, _close, self.process)

    def read(self, name: str) -> tuple[bytes, bytes, int, bytes | None] | None:
        """(id, type, size, content) of the object `name` (no content with `--batch-check`),
        or None when git says it is missing (or ambiguous); Unanswered when git cannot be
        asked."""
        process = self.process
        if process is None or "\n" in name:
            raise Unanswered(name)
        stdin, stdout = process.stdin, process.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(name.encode() + b"\n")
            stdin.flush()
            line = stdout.readline()
            if line.endswith((b" missing\n", b" ambiguous\n")):  # after the name as asked
                return None
            ident, kind, size = line.split()  # ValueError when git has ended
            length = int(size)
            if self.mode == "--batch-check":
                return ident, kind, length, None
            content = stdout.read(length)
            if len(content) != length or stdout.read(1) != b"\n":
                raise ValueError("short read")
        except (OSError, ValueError):
            self.process = None
            raise Unanswered(name) from None
        return ident, kind, length, content


def _close(process: subprocess.Popen) -> None:
    with contextlib.suppress(OSError):
        process.stdin.close()  # type: ignore[union-attr]
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        process.wait(timeout=5)
    with contextlib.suppress(OSError):
        process.stdout.close()  # type: ignore[union-attr]


def _command(args: tuple[str, ...]) -> list[str]:
    """The git sub-command and its first argument, without the `-c key=value` before it."""
    while len(args) >= 2 and args[0] == "-c":
        args = args[2:]
    return list(args[:2])


def _utc_day(seconds: int) -> date:
    return datetime.fromtimestamp(seconds, timezone.utc).date()


def _blob(ident: str) -> str | None:
    return None if ident.strip("0") == "" else ident


@dataclass(frozen=True)
class FileChange:
    status: str  # A added, M modified, D deleted, R renamed, C copied, T type changed
    old_path: str
    new_path: str
    old_blob: str | None
    new_blob: str | None


@dataclass(frozen=True)
class Commit:
    sha: str
    time: int  # committer time, seconds since the epoch
    day: date  # its date in the bureau's time zone
    parents: tuple[str, ...]
    changes: tuple[FileChange, ...]
