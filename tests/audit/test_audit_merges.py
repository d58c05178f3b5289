"""History read whole: merge commits compared with each parent, shallow clones refused."""

from __future__ import annotations

import subprocess

from audit_kit import audit, draw, findings

from conftest import commit_all, git

RECORD = "plans/2026/draws/2026-1.yaml"


def _side_branch(root, name="side"):
    """A branch from before the draw, with a harmless commit of its own."""
    git(root, "switch", "-q", "-c", name, "HEAD~1")
    (root / "plans/2026/notes.md").parent.mkdir(parents=True, exist_ok=True)
    (root / "plans/2026/notes.md").write_text("会议纪要\n", encoding="utf-8")
    commit_all(root, "纪要")
    git(root, "switch", "-q", "-")


def test_a_record_deleted_inside_a_merge_is_caught_and_the_redraw_too(example, ssj):
    draw(ssj, example, "--ratio", "0.2")
    _side_branch(example)
    git(example, "merge", "-q", "--no-commit", "--no-ff", "side")
    git(example, "rm", "-q", RECORD)
    git(example, "commit", "-q", "-m", "合并")
    draw(ssj, example, "--ratio", "0.2", seed="another-seed-9999")
    code, doc = audit(ssj, example)
    assert code == 1
    assert any("删除" in f["message"] for f in findings(doc, "R14", "error")), doc


def test_a_record_edited_inside_a_merge_is_caught(example, ssj):
    draw(ssj, example, "--ratio", "0.2")
    _side_branch(example)
    git(example, "merge", "-q", "--no-commit", "--no-ff", "side")
    path = example / RECORD
    path.write_text(
        path.read_text(encoding="utf-8").replace("seed_source:", "seed_source: 改过 #"),
        encoding="utf-8",
    )
    git(example, "add", RECORD)
    git(example, "commit", "-q", "-m", "合并")
    code, doc = audit(ssj, example)
    assert code == 1
    assert any("修改" in f["message"] for f in findings(doc, "R14", "error")), doc


def test_an_honest_merge_of_two_branches_audits_clean(example, ssj):
    draw(ssj, example, "--ratio", "0.2")
    _side_branch(example)
    git(example, "merge", "-q", "--no-ff", "-m", "合并纪要", "side")
    code, doc = audit(ssj, example)
    assert code == 0, findings(doc, severity="error")


def test_a_shallow_clone_is_refused_with_how_to_fetch(example, ssj, tmp_path):
    draw(ssj, example, "--ratio", "0.2")
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{example}", str(clone)], check=True
    )
    result = ssj("-C", clone, "audit", "--json")
    assert result.code == 2 and "unshallow" in result.out


def test_a_commit_dated_before_its_parent_is_reported(example, ssj, clock):
    draw(ssj, example, "--ratio", "0.2")
    clock.set("2026-01-10T10:00:00+08:00")  # GIT_COMMITTER_DATE written back by hand
    (example / "plans/2026/notes.md").write_text("补记\n", encoding="utf-8")
    commit_all(example, "倒填日期")
    _, doc = audit(ssj, example, "--as-of", "2026-11-16")
    assert any("早于其父提交" in f["message"] for f in findings(doc, "R14", "warning")), doc
