"""Two independent pieces of work on two cores: one in a forked copy of this process,
the other here (a verify re-runs the draws while it re-runs the matchings; a big CSV
roster is validated in halves).

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
from typing import TypeVar

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
    if not can_fork():
        return aside(), here()
    sys.stdout.flush()  # nothing buffered is written twice
    sys.stderr.flush()
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy: answer through the pipe and leave without cleaning up
        code = 1
        try:
            os.close(reading)
            left = memoryview(pickle.dumps(aside(), protocol=pickle.HIGHEST_PROTOCOL))
            while left:  # a pipe, not a file: written as the parent reads it
                left = left[os.write(writing, left) :]
            code = 0
        finally:
            os._exit(code)
    os.close(writing)
    with open(reading, "rb") as answer:
        try:
            try:
                mine, failure = here(), None
            except Exception as exc:  # raised after aside's, as a serial run would
                mine, failure = None, exc
            body = answer.read()
            _, status = os.waitpid(pid, 0)
        except BaseException:  # interrupted: the copy must not outlive the command
            _stop(pid)
            raise
    theirs, answered = None, status == 0 and bool(body)
    if answered:
        try:  # our own copy's bytes, read through a pipe only the two processes hold
            theirs = pickle.loads(body)
        except Exception:
            answered = False
    if not answered:
        theirs = aside()
    if failure is not None:
        raise failure
    return theirs, mine  # type: ignore[return-value]


def _stop(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, ChildProcessError):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
