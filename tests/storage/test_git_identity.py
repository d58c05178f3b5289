"""ssj commits as the configured git user, and says so when no user is configured."""

from __future__ import annotations

import pytest

from shuangsuiji.storage.git import Git, GitError


@pytest.fixture
def bare_identity(monkeypatch, tmp_path):
    """No identity anywhere: no environment variables, no global or system config."""
    for key in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.delenv("EMAIL", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)


def _repo(tmp_path) -> Git:
    root = tmp_path / "repo"
    root.mkdir()
    git = Git(root)
    git.init()
    return git


def _author(git: Git) -> str:
    return git.run("log", "-1", "--format=%an <%ae>|%cn <%ce>").strip()


def test_commits_as_the_configured_user(bare_identity, tmp_path, capsys):
    git = _repo(tmp_path)
    git.run("config", "user.name", "刘晓梅")
    git.run("config", "user.email", "liuxm@example.gov.cn")
    (git.root / "a.txt").write_text("一", encoding="utf-8")
    git.commit(["a.txt"], "第一次")
    assert _author(git) == "刘晓梅 <liuxm@example.gov.cn>|刘晓梅 <liuxm@example.gov.cn>"
    assert capsys.readouterr().err == ""


def test_without_identity_commits_as_ssj_and_reminds_once(bare_identity, tmp_path, capsys):
    git = _repo(tmp_path)
    assert git.identity() == (None, None)
    for name in ("a.txt", "b.txt"):
        (git.root / name).write_text(name, encoding="utf-8")
        git.commit([name], name)
    assert _author(git) == "ssj <ssj@localhost>|ssj <ssj@localhost>"
    err = capsys.readouterr().err
    assert err.count("尚未设置提交人") == 1
    assert "git config --global user.name" in err and "git config --global user.email" in err


def test_a_configured_name_is_kept_when_only_the_email_is_missing(bare_identity, tmp_path, capsys):
    git = _repo(tmp_path)
    git.run("config", "user.name", "王强")
    (git.root / "a.txt").write_text("一", encoding="utf-8")
    git.commit(["a.txt"], "第一次")
    assert _author(git) == "王强 <ssj@localhost>|王强 <ssj@localhost>"
    assert "王强 <ssj@localhost>" in capsys.readouterr().err


def test_environment_identity_counts(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("GIT_AUTHOR_NAME", "测试员")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "test@example.invalid")
    git = _repo(tmp_path)
    assert git.identity() == ("测试员", "test@example.invalid")
    assert git.identity_env() == {}


def test_a_failed_command_is_named_without_its_config_options(tmp_path):
    git = _repo(tmp_path)
    with pytest.raises(GitError) as caught:
        git.run("-c", "user.name=ssj", "show", "no-such-commit")
    assert str(caught.value).startswith("git show no-such-commit 失败")
