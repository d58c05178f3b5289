"""A file at a commit, asked of one `git cat-file` for the whole command: the same bytes as
`git show`, the working copy's when it holds those very bytes, None when there is none."""

import subprocess

import pytest

from shuangsuiji.storage import git as git_module
from shuangsuiji.storage.git import Git


def git(root, *args) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@localhost", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )
    return done.stdout.decode().strip()


@pytest.fixture(params=["sha1", "sha256"])
def repo(request, tmp_path):
    """A repository (of either object format) with a workspace in a folder, two commits."""
    git(tmp_path, "init", "-q", f"--object-format={request.param}")
    ws = tmp_path / "局"
    ws.mkdir()
    (ws / "small file.yaml").write_bytes("甲: 1\n".encode())
    (ws / "big.csv").write_bytes(b"id\n" + b"".join(b"%08d\n" % n for n in range(40_000)))
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "one")
    first = git(tmp_path, "rev-parse", "HEAD")
    (ws / "small file.yaml").write_bytes("甲: 2\n".encode())
    git(tmp_path, "commit", "-qam", "two")
    return ws, first, git(tmp_path, "rev-parse", "HEAD")


def test_a_file_at_a_commit_is_what_git_show_gives(repo):
    ws, first, second = repo
    shown = Git(ws)
    assert shown.show(first, "small file.yaml") == "甲: 1\n".encode()
    assert shown.show(second, "small file.yaml") == "甲: 2\n".encode()
    assert shown.show(first, "big.csv") == (ws / "big.csv").read_bytes()
    assert shown.show("HEAD", "small file.yaml") == "甲: 2\n".encode()  # a ref: asked anew
    assert shown.show(first, "none.yaml") is None
    assert shown.show("0" * len(first), "small file.yaml") is None  # no such commit
    assert shown.show(first, "line\nbreak") is None


def test_a_big_file_comes_from_the_working_tree_only_when_it_holds_the_blob(repo, monkeypatch):
    ws, first, _ = repo
    asked = []
    original = git_module.ObjectReader.read
    monkeypatch.setattr(
        git_module.ObjectReader,
        "read",
        lambda self, name: asked.append(self.mode) or original(self, name),
    )
    committed = (ws / "big.csv").read_bytes()
    assert Git(ws).show(first, "big.csv") == committed
    assert asked == ["--batch-check"]  # the blob's id and size: the bytes from disk
    edited = committed.replace(b"00000001", b"00000009")  # the same size, other bytes
    (ws / "big.csv").write_bytes(edited)
    asked.clear()
    assert Git(ws).show(first, "big.csv") == committed
    assert asked == ["--batch-check", "--batch"]
    (ws / "big.csv").unlink()
    assert Git(ws).show(first, "big.csv") == committed


def test_when_git_cannot_be_asked_so_the_file_is_read_by_git_show(repo, monkeypatch):
    ws, first, _ = repo
    shown = Git(ws)
    assert shown.show(first, "small file.yaml") == "甲: 1\n".encode()
    for reader in shown._readers.values():
        reader.process.kill()
        reader.process.wait()
    assert shown.show(first, "small file.yaml") == "甲: 1\n".encode()
    assert shown.show(first, "none.yaml") is None
    assert shown._objects("--batch-check").process is None  # asked no more
