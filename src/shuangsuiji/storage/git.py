"""The git command, run for real: commits, file contents at a commit, history."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ..core.problems import Refused

# Used only when the user has no identity configured, so that ssj can still commit.
_FALLBACK_IDENTITY = {"GIT_AUTHOR_NAME": "ssj", "GIT_AUTHOR_EMAIL": "ssj@localhost"}


class GitError(Refused):
    pass


class Git:
    def __init__(self, root: Path) -> None:
        self.root = root

    def run(self, *args: str, check: bool = True, input: bytes | None = None) -> str:
        return self.run_bytes(*args, check=check, input=input).decode("utf-8", "replace")

    def run_bytes(self, *args: str, check: bool = True, input: bytes | None = None) -> bytes:
        env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}
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
            raise GitError(f"git {' '.join(args[:2])} 失败：{message}")
        return done.stdout

    def is_repo(self) -> bool:
        return self.run("rev-parse", "--is-inside-work-tree", check=False).strip() == "true"

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
        """A file's bytes at a commit, or None when it did not exist there."""
        done = self.run_bytes("show", f"{commit}:{path}", check=False)
        return done if done or self.exists(commit, path) else None

    def exists(self, commit: str, path: str) -> bool:
        return bool(self.run("ls-tree", "--name-only", commit, "--", path, check=False).strip())

    def identity_env(self) -> dict[str, str]:
        configured = self.run("config", "user.email", check=False).strip()
        return {} if configured else _FALLBACK_IDENTITY

    def commit(self, paths: list[str], message: str) -> str:
        """Commit exactly `paths` (nothing else the user has staged) and return the commit."""
        self.run("add", "--", *paths)
        extra = self.identity_env()
        env_args: list[str] = []
        if extra:
            env_args = [
                "-c",
                f"user.name={extra['GIT_AUTHOR_NAME']}",
                "-c",
                f"user.email={extra['GIT_AUTHOR_EMAIL']}",
            ]
        self.run(*env_args, "commit", "-q", "--no-verify", "-m", message, "--", *paths)
        head = self.head()
        assert head is not None
        return head

    def log(self, path: str, *fmt: str) -> list[str]:
        out = self.run("log", "--format=" + "%x1f".join(fmt or ("%H",)), "--", path, check=False)
        return [line for line in out.splitlines() if line]
