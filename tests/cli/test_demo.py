"""ssj demo: the whole chain on the built-in example, every step a real command that succeeds."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import shuangsuiji.services.demo
from conftest import git, read_yaml

STEPS = [
    "ssj init",
    "git -C * add -A && git -C * commit",
    "ssj -C * roster check",
    "ssj -C * draw --dry-run",
    "ssj -C * draw",
    "ssj -C * assign",
    "ssj -C * draw --joint",
    "ssj -C * assign --joint * --department 市场监管局",
    "ssj -C * assign --joint * --department 消防救援大队",
    "ssj -C * verify",
    "ssj -C * record template",
    "ssj -C * record --from",
    "ssj -C * record --from * --department 消防救援大队",
    "ssj -C * disclose publish",
    "ssj -C * audit",
    "ssj -C * report --kind plan",
    "ssj -C * report --kind results",
]


def _commands(out: str) -> list[str]:
    return [line[2:] for line in out.splitlines() if line.startswith("$ ")]


def _matches(command: str, step: str) -> bool:
    words = [w for w in step.split() if w != "*"]
    return all(w in command.split() or w in command for w in words)


def test_demo_runs_the_whole_chain(tmp_path, ssj, clock):
    root = tmp_path / "演示"
    result = ssj("demo", root)
    assert result.code == 0, result.out + result.err
    assert "该步骤失败" not in result.out and "Traceback" not in result.err
    commands = _commands(result.out)
    for step in STEPS:  # every step shown, with its real command line
        assert any(_matches(c, step) for c in commands), (step, commands)
    assert "演示完成" in result.out
    # The joint draw comes first: drawn after the year's draw, its pool (the example's three
    # gas stations) could be empty, whichever seed the year's draw was given.
    draws = [c for c in commands if _matches(c, "ssj -C * draw --seed-source")]
    assert "--joint" in draws[0] and "--year" in draws[1], draws

    year = clock.today.year
    plan = root / "plans" / str(year)
    assert (plan / "draws" / f"{year}-1.yaml").is_file()
    tasks = {
        t["entity"]
        for name in (f"{year}-1", f"{year}-联合1")  # the year's draw and the joint one
        for t in read_yaml(plan / "assignments" / f"{name}.yaml")["tasks"]
    }
    joint = {t["entity"] for t in read_yaml(plan / "assignments" / f"{year}-联合1.yaml")["tasks"]}
    for department in ("市场监管局", "消防救援大队"):  # each recorded its part of each visit
        part = plan / "departments" / department / "records"
        assert {p.stem for p in part.glob("*.yaml")} == joint, department
    records = {p.stem: read_yaml(p) for p in (plan / "records").glob("*.yaml")}
    assert set(records) == tasks  # every task of the draw recorded
    results = [r["versions"][-1]["result"] for r in records.values()]
    assert results.count("未发现问题") > len(results) / 2
    findings = [f for r in records.values() for f in r["versions"][-1]["findings"]]
    assert any(f.get("on_site") for f in findings)
    assert all(f.get("on_site") or f["reinspections"] for f in findings)
    assert sum(len(r["versions"][-1]["penalties"]) for r in records.values()) == 1

    published = sorted(root.glob("公示-*.html"))
    disclosures = sorted((plan / "disclosures").glob("*.yaml"))
    assert len(published) == len(disclosures) >= 2  # one publication per period
    entries = [e for d in disclosures for p in read_yaml(d)["publications"] for e in p["entries"]]
    assert sorted(e["entity"] for e in entries) == sorted(tasks)
    for name in ("方案.docx", "工作情况报告.docx"):
        assert (root / name).read_bytes()[:2] == b"PK", name
    assert not git(root, "status", "--porcelain", "--", "plans", "rosters", "ssj.yaml")

    clock.set(f"{year}-12-31T18:00:00+08:00")  # the demo played the year to its end
    audit = ssj("-C", root, "audit", "--year", year, "--json")
    assert audit.code == 0 and audit.json()["findings"] == [], audit.out


def test_demo_stops_at_a_failing_step_with_its_exit_code(tmp_path, ssj, monkeypatch):
    """A step that fails ends the demo with that step's exit code; later steps do not run.

    The folder is inside another git repository: the demo makes its own and never commits
    into the one around it.
    """
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)

    def broken(ws, year, path: Path):
        path.write_text(  # a result that is no national result code
            "统一社会信用代码,检查结束日期,检查结果\nX-1,2026-03-10,很好\n", encoding="utf-8"
        )
        demo = shuangsuiji.services.demo
        return demo.Filled(batches=[demo.Batch(path, date(year, 3, 10), date(year, 3, 11))])

    monkeypatch.setattr(shuangsuiji.services.demo, "fill", broken)
    root = tmp_path / "演示"
    result = ssj("demo", root)
    assert result.code == 2, result.out + result.err
    assert "该步骤失败（退出码 2）" in result.out
    commands = _commands(result.out)
    assert any(_matches(c, "ssj -C * record --from") for c in commands), result.out + result.err
    assert not any(_matches(c, "ssj -C * audit") for c in commands)
    assert not (root / "方案.docx").exists()
    assert (root / ".git").is_dir()
    around = subprocess.run(["git", "-C", str(tmp_path), "rev-parse", "-q", "--verify", "HEAD"])
    assert around.returncode != 0  # nothing committed into the surrounding repository


def test_demo_refuses_a_folder_that_is_not_empty(tmp_path, ssj):
    (tmp_path / "已有文件.txt").write_text("x", encoding="utf-8")
    result = ssj("demo", tmp_path)
    assert result.code == 1 and "不是空目录" in result.err
    assert result.out == ""
