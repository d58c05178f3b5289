"""Two independent pieces of work on two cores: one in a forked copy of this process,
the other here (a verify re-runs the draws while it re-runs the matchings; a big CSV
roster is validated in halves; a draw ranks the whole roster while it builds the pool; a
matching makes its last tasks' tickets while it reads its inputs).

Worth it only for work of a good fraction of a second: while the copy lives, each page
of memory this process writes to is copied first (touching 100 MB of objects takes some
50 ms more), so that a copy writing a cache entry while the command goes on saves nothing.

Only an optimisation: the answer is the serial one. Where forking is not safe or not
worth it (not Linux, one core, threads running, SSJ_JOBS=1), or the copy does not
answer for any reason, the work is done here, in the order a serial run does it, so
that even its errors are the same.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

A = TypeVar("A")
B = TypeVar("B")

# A copy costs memory too: each page either process then writes becomes its own. Work on
# more than this many bytes of files (a roster or records of some 400,000 units) is done
# in one process, which keeps the commands on a million units under 1.5 GB.
AFFORDABLE = 48 << 20
# Work on fewer bytes of files is done in less time than a copy takes to make and answer.
WORTH = 1 << 20


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork() -> bool:
    # fork() copies only the calling thread: with another thread alive (holding a lock,
    # say), the copy could hang. macOS's system libraries are not fork-safe either.
    return (
        sys.platform.startswith("linux")
        and os.environ.get("SSJ_JOBS") != "1"
        and threading.active_count() == 1
        and _cores() >= 2
    )


def worth_a_core(size: int) -> bool:
    """Whether work on `size` bytes of files is worth a copy of this process, and one can be made."""
    return WORTH <= size <= AFFORDABLE and can_fork()


def side_by_side(aside: Callable[[], A], here: Callable[[], B]) -> tuple[A, B]:
    """(aside(), here()), aside() computed in a forked copy while here() runs; its result
    must pickle. Serially (aside first) when that copy cannot be made or fails."""
    pending = Aside(aside)
    try:
        mine, failure = here(), None
    except Exception as exc:  # raised after aside's, as a serial run would
        mine, failure = None, exc
    except BaseException:  # interrupted: the copy must not outlive the command
        pending.cancel()
        raise
    theirs = pending.result()
    if failure is not None:
        raise failure
    return theirs, mine  # type: ignore[return-value]


class Aside(Generic[A]):
    """work(), begun in a forked copy of this process when made; `result()` waits for its
    answer (which must pickle). Where no copy can be made, work() is done when this is
    made, as a serial run would do it first; where the copy fails, in `result()`.

    `instead`: what stands for the answer where the copy gives none (work that is only
    worth doing on another core); `cancel()` once the answer is not wanted."""

    def __init__(self, work: Callable[[], A], instead: Callable[[], A] | None = None) -> None:
        self._work, self._pid = instead or work, 0
        self._done: tuple[A] | None = None
        if not can_fork():
            self._done = (self._work(),)
            return
        sys.stdout.flush()  # nothing buffered is written twice
        sys.stderr.flush()
        reading, writing = os.pipe()
        pid = os.fork()
        if pid == 0:  # the copy: answer through the pipe and leave without cleaning up
            code = 1
            try:
                os.close(reading)
                left = memoryview(pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL))
                while left:  # a pipe, not a file: written as the parent reads it
                    left = left[os.write(writing, left) :]
                code = 0
            finally:
                os._exit(code)
        os.close(writing)
        self._pid, self._answer = pid, open(reading, "rb")  # noqa: SIM115 (result/cancel close it)

    def result(self) -> A:
        if self._done is None:
            self._done = (self._theirs() if self._pid else self._work(),)
        return self._done[0]

    def _theirs(self) -> A:
        try:
            with self._answer:
                body = self._answer.read()
                _, status = os.waitpid(self._pid, 0)
        except BaseException:  # interrupted: the copy must not outlive the command
            self.cancel()
            raise
        self._pid = 0
        if status == 0 and body:
            try:  # our own copy's bytes, read through a pipe only the two processes hold
                return pickle.loads(body)
            except Exception:
                pass
        return self._work()

    def cancel(self) -> None:
        """Stop the copy: its answer is not wanted (the command failed meanwhile)."""
        if self._pid:
            _stop(self._pid)
            self._pid = 0
            self._answer.close()


def _stop(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, ChildProcessError):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
