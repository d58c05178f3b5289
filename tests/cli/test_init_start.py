"""What `ssj init` leaves for a newcomer: a README saying what next, pre-commit hooks that
need no tag, CI jobs that install ssj from the source ssj.yaml names."""

from __future__ import annotations

import json

import pytest
from ruamel.yaml import YAML

from conftest import commit_all, git
from shuangsuiji.services import init as init_service
from shuangsuiji.workspace import Workspace


def _yaml(path):
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def test_the_workspace_readme_says_what_to_do_next(tmp_path, ssj):
    root = tmp_path / "ws"
    assert ssj("init", root, "--authority", "某某区应急管理局").code == 0
    text = (root / "README.md").read_text(encoding="utf-8")
    assert text.startswith("# 某某区应急管理局")
    for step in ("git config --global user.name", "ssj roster import", "ssj roster check"):
        assert step in text
    assert "docs/" not in text and len(text.splitlines()) < 30


def test_an_existing_readme_is_kept(tmp_path, ssj):
    root = tmp_path / "ws"
    root.mkdir()
    (root / "README.md").write_text("本单位的说明\n", encoding="utf-8")
    assert ssj("init", root).code == 0
    assert (root / "README.md").read_text(encoding="utf-8") == "本单位的说明\n"


def test_pre_commit_runs_the_installed_ssj_without_a_tag(tmp_path, ssj):
    root = tmp_path / "ws"
    assert ssj("init", root, "--example").code == 0
    text = (root / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert "rev:" not in text
    (repo,) = _yaml(root / ".pre-commit-config.yaml")["repos"]
    assert repo["repo"] == "local"
    entries = {h["id"]: h["entry"] for h in repo["hooks"]}
    assert entries == {"ssj-roster-check": "ssj roster check", "ssj-audit": "ssj audit"}
    assert all(h["language"] == "system" and not h["pass_filenames"] for h in repo["hooks"])
    commit_all(root, "示例")
    for entry in entries.values():  # what the hooks run, run here
        result = ssj("-C", root, *entry.split()[1:])
        assert result.code == 0, result.out + result.err


def test_pre_commit_in_a_subfolder_names_it(tmp_path, ssj):
    git(tmp_path, "init", "-q")
    assert ssj("init", tmp_path / "抽查").code == 0
    text = (tmp_path / "抽查" / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert 'entry: ssj -C "抽查" audit' in text and "移到仓库根目录" in text


def test_ci_installs_what_ssj_yaml_names(tmp_path, ssj):
    root = tmp_path / "ws"
    assert ssj("init", root).code == 0
    source = Workspace(root).config.ci.install
    assert source == init_service.install_source()
    for name in (init_service.GITLAB_CI, init_service.GITHUB_WORKFLOW):
        text = (root / name).read_text(encoding="utf-8")
        assert f'pip install "{source}"' in text and "ci.install" in text
    files = init_service.ci_files("", "git+https://git.example.gov.cn/tools/ssj.git@3f2a9c1")
    assert all(
        'pip install "git+https://git.example.gov.cn/tools/ssj.git@3f2a9c1"' in t
        for t in files.values()
    )


class _Dist:
    def __init__(self, direct: dict | None) -> None:
        self.direct = direct

    def read_text(self, name: str) -> str | None:
        return json.dumps(self.direct) if self.direct else None


@pytest.mark.parametrize(
    ("direct", "expected"),
    [
        (
            {
                "url": "https://git.example.gov.cn/tools/ssj.git",
                "vcs_info": {"vcs": "git", "commit_id": "3f2a9c1d"},
            },
            "git+https://git.example.gov.cn/tools/ssj.git@3f2a9c1d",
        ),
        (None, "shuangsuiji=={version}"),  # from an index
        ({"url": "file:///home/u/ssj", "dir_info": {"editable": True}}, "shuangsuiji=={version}"),
    ],
)
def test_install_source_is_where_this_ssj_came_from(monkeypatch, direct, expected):
    from importlib import metadata

    from shuangsuiji import __version__

    monkeypatch.setattr(metadata, "distribution", lambda name: _Dist(direct))
    assert init_service.install_source() == expected.format(version=__version__)


def test_ci_install_is_part_of_the_config_schema():
    from shuangsuiji.core.models import Config

    config = Config.model_validate({"authority": "甲", "ci": {"install": "shuangsuiji==0.1.0"}})
    assert config.ci.install == "shuangsuiji==0.1.0"
    assert "ci" in Config.model_json_schema()["properties"]
