"""One `git status` and one `git rev-parse` answer every check made before a write."""

import subprocess

from shuangsuiji.storage.git import Git


def git(root, *args):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@localhost", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def test_status_gives_head_branch_and_changes(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "a b.txt").write_text("1", encoding="utf-8")
    (tmp_path / "old.txt").write_text("same", encoding="utf-8")
    assert Git(tmp_path).status(".").head is None  # before the first commit
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "one")
    (tmp_path / "a b.txt").write_text("2", encoding="utf-8")
    (tmp_path / "new.txt").write_text("n", encoding="utf-8")
    git(tmp_path, "mv", "old.txt", "moved.txt")
    status = Git(tmp_path).status(".")
    assert status.branch == "main"
    assert status.head == Git(tmp_path).head()
    assert sorted(status.entries) == [(" M", "a b.txt"), ("??", "new.txt"), ("R ", "moved.txt")]
    git(tmp_path, "checkout", "-q", "--detach")
    assert Git(tmp_path).status(".").branch is None


def test_locations_of_a_workspace_in_a_folder(tmp_path):
    assert Git(tmp_path).locations("index.lock") is None  # not a repository
    git(tmp_path, "init", "-q")
    sub = tmp_path / "bureau"
    sub.mkdir()
    where = Git(sub).locations("index.lock", "MERGE_HEAD")
    assert where.prefix == "bureau/"
    assert (sub / where.paths["index.lock"]).resolve() == tmp_path / ".git" / "index.lock"
    assert (sub / where.common_dir).resolve() == tmp_path / ".git"
