"""CI set-up: ssj init writes the GitHub and GitLab jobs; the repository ships a pre-commit hook."""

from pathlib import Path

from ruamel.yaml import YAML

from conftest import git

REPOSITORY = Path(__file__).resolve().parents[2]


def load(path: Path):
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def test_init_writes_both_ci_jobs(tmp_path, ssj):
    root = tmp_path / "ws"
    assert ssj("init", root).code == 0
    workflow = load(root / ".github/workflows/ssj-audit.yml")
    steps = workflow["jobs"]["audit"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    run = steps[-1]["run"]
    assert 'ssj audit --since "origin/$BASE" --format github' in run
    assert any("pip install" in s.get("run", "") for s in steps)
    job = load(root / ".gitlab-ci.yml")["ssj-audit"]
    script = "\n".join(job["script"])
    assert "--since" in script and "--format gitlab -o gl-code-quality-report.json" in script
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert job["variables"]["GIT_DEPTH"] == "0"


def test_ci_jobs_in_a_subfolder_name_it(tmp_path, ssj):
    git(tmp_path, "init", "-q")
    (tmp_path / ".gitlab-ci.yml").write_text("# 已有的 CI\n", encoding="utf-8")
    root = tmp_path / "抽查"
    assert ssj("init", root).code == 0
    text = (root / ".github/workflows/ssj-audit.yml").read_text(encoding="utf-8")
    assert 'ssj -C "抽查" audit' in text and "移到仓库根目录" in text
    assert (tmp_path / ".gitlab-ci.yml").read_text(encoding="utf-8") == "# 已有的 CI\n"


def test_existing_ci_is_not_overwritten(tmp_path, ssj):
    root = tmp_path / "ws"
    root.mkdir()
    (root / ".gitlab-ci.yml").write_text("stages: [mine]\n", encoding="utf-8")
    assert ssj("init", root).code == 0
    assert (root / ".gitlab-ci.yml").read_text(encoding="utf-8") == "stages: [mine]\n"


def test_the_repository_ships_a_pre_commit_hook():
    (hook,) = load(REPOSITORY / ".pre-commit-hooks.yaml")
    assert hook["id"] == "ssj-audit" and hook["entry"] == "ssj audit"
    assert hook["language"] == "python" and hook["pass_filenames"] is False
