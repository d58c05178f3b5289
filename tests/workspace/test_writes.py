"""Before any record is written: git can commit it, on a branch, with no interrupted write left."""

from __future__ import annotations

import subprocess

import pytest

from conftest import commit_all, git

DRAW = ("draw", "--year", "2026", "--ratio", "0.2", "--seed", "12345678")


def _refused(ssj, root, *args):
    result = ssj("-C", root, *args)
    assert result.code == 1, result.out + result.err
    return result.err


def test_a_detached_head_is_refused_and_nothing_is_written(example, ssj):
    git(example, "checkout", "-q", "--detach")
    assert "分离 HEAD" in _refused(ssj, example, *DRAW)
    assert not (example / "plans/2026/draws").exists()


def test_a_merge_under_way_is_refused(example, ssj):
    git(example, "switch", "-q", "-c", "other")
    (example / "rosters/README.md").write_text("一\n", encoding="utf-8")
    commit_all(example, "分支一")
    git(example, "switch", "-q", "-")
    (example / "rosters/README.md").write_text("二\n", encoding="utf-8")
    commit_all(example, "分支二")
    done = subprocess.run(["git", "merge", "-q", "other"], cwd=example, capture_output=True)
    assert done.returncode != 0  # a conflict: the merge stays under way
    assert "合并" in _refused(ssj, example, *DRAW)


@pytest.mark.parametrize("left", ["draws/.2026-1.yaml.x1y2z3.tmp"])
def test_an_interrupted_write_blocks_the_next_draw(example, ssj, left):
    tmp = example / "plans/2026" / left
    tmp.parent.mkdir(parents=True)
    tmp.write_text("draw_id: 2026-1\n", encoding="utf-8")
    err = _refused(ssj, example, *DRAW)
    assert "中断" in err and "plans/2026/draws/2026-1.yaml" in err
    assert git(example, "status", "--porcelain") == ""  # the temporary file is ignored by git
