import multiprocessing
import time

import pytest

from shuangsuiji.core.problems import Refused
from shuangsuiji.storage import files


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "a" / "f.yaml"
    files.write_atomic(target, "一")
    files.write_atomic(target, "二")
    assert target.read_text(encoding="utf-8") == "二"
    assert [p.name for p in target.parent.iterdir()] == ["f.yaml"]  # no temp file left


def test_failed_write_leaves_old_file(tmp_path, monkeypatch):
    target = tmp_path / "f.yaml"
    files.write_atomic(target, "old")

    def boom(*_):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", boom)
    with pytest.raises(OSError):
        files.write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.yaml"]


def _hold(root, ready, seconds):
    with files.workspace_lock(root):
        ready.set()
        time.sleep(seconds)


def test_second_process_waits_then_refuses(tmp_path):
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold, args=(tmp_path, ready, 3))
    holder.start()
    try:
        assert ready.wait(10)
        started = time.monotonic()
        with (
            pytest.raises(Refused, match="另一个 ssj 进程"),
            files.workspace_lock(tmp_path, wait=0.5),
        ):
            pass
        assert time.monotonic() - started >= 0.4
    finally:
        holder.join()


def test_second_process_gets_lock_once_free(tmp_path):
    ready = multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold, args=(tmp_path, ready, 0.3))
    holder.start()
    assert ready.wait(10)
    with files.workspace_lock(tmp_path, wait=5):
        pass
    holder.join()
