"""Two pieces of work side by side: the serial answer, whatever happens to the copy."""

import os
import subprocess

import pytest

from shuangsuiji.storage import processes
from shuangsuiji.storage.git import Git

forking = pytest.mark.skipif(not processes.can_fork(), reason="this machine runs them serially")


class Boom(Exception):
    pass


def test_both_answers_come_back():
    assert processes.side_by_side(lambda: [1, "甲"], lambda: {"b": 2}) == ([1, "甲"], {"b": 2})


@forking
def test_the_first_runs_in_another_process():
    theirs, mine = processes.side_by_side(os.getpid, os.getpid)
    assert mine == os.getpid() != theirs


def test_one_job_runs_both_here(monkeypatch):
    monkeypatch.setenv("SSJ_JOBS", "1")
    assert processes.side_by_side(os.getpid, os.getpid) == (os.getpid(), os.getpid())


def test_a_failing_copy_is_done_again_here_and_fails_as_a_serial_run():
    ran = []

    def aside():
        ran.append(os.getpid())
        raise Boom("甲")

    def here():
        raise ValueError("乙")  # a serial run never gets here: aside raised first

    with pytest.raises(Boom, match="甲"):
        processes.side_by_side(aside, here)
    assert ran == [os.getpid()]  # this process's run (the copy's list was its own)


def test_the_second_fails_after_the_first_succeeded():
    with pytest.raises(Boom):
        processes.side_by_side(lambda: 1, lambda: (_ for _ in ()).throw(Boom()))


def test_an_answer_that_cannot_travel_is_made_here():
    made = []

    def aside():
        made.append(os.getpid())
        return lambda: "不能 pickle"

    theirs, _ = processes.side_by_side(aside, lambda: None)
    assert theirs() == "不能 pickle" and made == [os.getpid()]


def _slow(marker):
    """Work that marks `marker` after three seconds, unless stopped before."""

    def work():
        import time

        time.sleep(3)
        marker.write_text("x", encoding="utf-8")

    return work


@forking
def test_interrupted_here_the_copy_is_stopped(tmp_path):
    marker = tmp_path / "finished"

    def here():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        processes.side_by_side(_slow(marker), here)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left behind
    assert not marker.exists()


@forking
def test_each_process_asks_its_own_git(tmp_path):
    """A copy must not read from the pipes of its parent's `git cat-file`."""
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    for n in range(3):
        (tmp_path / f"f{n}.txt").write_text(f"文件 {n}\n", encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-qm", "c"],
        cwd=tmp_path,
        check=True,
    )
    repo = Git(tmp_path)
    head = repo.head()
    assert repo.show(head, "f0.txt") == "文件 0\n".encode()  # the parent's reader is running

    def read_all():
        return [repo.show(head, f"f{n}.txt") for n in range(3) for _ in range(50)]

    theirs, mine = processes.side_by_side(read_all, read_all)
    assert theirs == mine == [f"文件 {n}\n".encode() for n in range(3) for _ in range(50)]
    assert repo.show(head, "f2.txt") == "文件 2\n".encode()


class Unreadable:
    """Pickles, but cannot be unpickled."""

    def __reduce__(self):
        return (_refuse, ())


def _refuse():
    raise RuntimeError("cannot be made")


def test_an_answer_that_cannot_be_read_back_is_made_here():
    parent = os.getpid()

    def aside():
        return "made here" if os.getpid() == parent else Unreadable()

    assert processes.side_by_side(aside, lambda: 1) == ("made here", 1)


def test_work_worth_only_a_core_is_not_done_here(monkeypatch):
    done = []

    def work():
        done.append(os.getpid())
        return "副本的答案"

    monkeypatch.setenv("SSJ_JOBS", "1")
    assert processes.Aside(work, instead=lambda: None).result() is None
    assert done == []  # no copy: not done at all
    monkeypatch.delenv("SSJ_JOBS")
    found = processes.Aside(work, instead=lambda: None).result()
    assert found == ("副本的答案" if processes.can_fork() else None) and done == []


@forking
def test_a_failing_copy_gives_what_stands_instead():
    def work():
        raise Boom("甲")

    assert processes.Aside(work, instead=lambda: "替代").result() == "替代"


@forking
def test_a_cancelled_copy_is_stopped(tmp_path):
    marker = tmp_path / "finished"
    pending = processes.Aside(_slow(marker), instead=lambda: "替代")
    pending.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # stopped and reaped
    assert not marker.exists() and pending.result() == "替代"
