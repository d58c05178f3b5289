import json

from conftest import git
from shuangsuiji.workspace import Workspace


def test_init_makes_a_workspace_and_a_repository(tmp_path, ssj):
    root = tmp_path / "新工作区"
    result = ssj("init", root, "--authority", "某某区应急管理局")
    assert result.code == 0, result.err
    for name in (
        "ssj.yaml",
        "rosters/entities.yaml",
        "rosters/inspectors.yaml",
        "rosters/items.yaml",
        ".gitignore",
        "schemas/entities.schema.json",
    ):
        assert (root / name).is_file(), name
    assert (root / ".git").is_dir()
    ws = Workspace(root)
    assert ws.config.authority == "某某区应急管理局"
    assert ws.roster("entities").rows == []
    assert "# 检查对象名录库" in (root / "rosters/entities.yaml").read_text(encoding="utf-8")


def test_init_inside_a_repository_does_not_nest(tmp_path, ssj):
    git(tmp_path, "init", "-q")
    result = ssj("init", tmp_path / "sub", "--json")
    assert result.json()["git_init"] is False
    assert not (tmp_path / "sub" / ".git").exists()


def test_init_twice_is_refused(tmp_path, ssj):
    ssj("init", tmp_path)
    result = ssj("init", tmp_path)
    assert result.code == 1 and "已是 ssj 工作区" in result.err


def test_example_matches_the_issue(example):
    ws = Workspace(example)
    entities = ws.roster("entities").rows
    assert len(entities) >= 60
    assert {"危险化学品", "烟花爆竹", "非煤矿山", "冶金工贸"} <= {e.category for e in entities}
    assert sum(e.key for e in entities) >= 3
    assert sum(e.status == "注销" for e in entities) == 1
    assert sum(e.level not in (None, "县") for e in entities) == 1
    people = ws.roster("inspectors").rows
    assert len(people) >= 10 and len({p.department for p in people if p.role == "执法人员"}) >= 2
    assert sum(p.role == "专家" for p in people) == 2
    assert any(p.conflicts for p in people)
    items = ws.roster("items").rows
    assert sum(i.general for i in items) == 14
    assert all(i.basis for i in items)


def test_schema_describes_fields_in_chinese(example):
    schema = json.loads((example / "schemas/entities.schema.json").read_text(encoding="utf-8"))
    entity = schema["$defs"]["Entity"]["properties"]
    assert entity["id"]["title"] == "统一社会信用代码"


def test_workspace_found_by_walking_up(example, ssj, monkeypatch):
    monkeypatch.chdir(example / "rosters")
    assert ssj("roster", "check").code == 0


def test_outside_a_workspace(tmp_path, ssj, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = ssj("roster", "check")
    assert result.code == 2 and "ssj.yaml" in result.err


def test_help_is_chinese(ssj):
    result = ssj("--help")
    assert result.code == 0 and "双随机" in result.out
    assert "示例" in ssj("roster", "import", "--help").out
