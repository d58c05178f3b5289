"""Atomic writes and the workspace lock.

Every file ssj writes goes through `write_atomic`: the bytes land in a temporary file
in the same folder, are flushed to disk, then renamed over the target, so a crash
leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from ..core.problems import Refused

LOCK_WAIT_SECONDS = 5.0


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a directory for fsync
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes | str) -> None:
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:  # closes the descriptor whatever happens next
            # mkstemp makes the file private (0600); give it the mode it had, or the usual one.
            os.chmod(tmp, _mode_for(path))
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def write_disposable(path: Path, chunks: Iterable[bytes]) -> None:
    """Whole or not at all, but not durable: for caches, which a crash may lose (no fsync)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        path.unlink(missing_ok=True)  # Windows' rename does not replace
        os.rename(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_all(files: Mapping[Path, bytes | str]) -> None:
    """Write several files, each atomically, in the order given.

    Callers order the mapping so that the file that makes the change count (the
    record of a draw, say) is written last: an interruption before it leaves only
    files that nothing refers to yet.
    """
    for path, data in files.items():
        write_atomic(path, data)


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@contextlib.contextmanager
def workspace_lock(root: Path, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold the workspace's lock; a second ssj process waits `wait` seconds, then refuses."""
    from filelock import FileLock, Timeout

    lock_dir = root / ".ssj"
    lock_dir.mkdir(exist_ok=True)
    lock = FileLock(lock_dir / "lock")
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise Refused(
            f"另一个 ssj 进程正在修改此工作区（{root}），已等待 {wait:g} 秒；请待其完成后重试"
        ) from None
    try:
        yield
    finally:
        lock.release()
