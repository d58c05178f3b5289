"""docs/recipes: every recorded choice reproduced without ssj, by a shell loop and by a
standard-library Python file, on YAML and CSV rosters and at any number of exclusions."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import approve_plan, commit_all, on, read_yaml
from results_flow import record_all
from shuangsuiji.core.algorithm import draw as draw_entities
from shuangsuiji.core.algorithm import parse_ratio, population_digest, sample_size, ticket
from shuangsuiji.workspace.drawing import fixed_tasks

DOCS = Path(__file__).resolve().parents[1] / "docs"
RECIPES = DOCS / "recipes"
SEED = "20260104-6152-3341"


def run_shell(root: Path, draw_id: str) -> subprocess.CompletedProcess:
    if shutil.which("sha256sum") is None or shutil.which("bash") is None:
        pytest.skip("没有 sha256sum 或 bash（如 Windows）")
    return _run(["bash", str(RECIPES / "reproduce_draw.sh"), str(root), draw_id])


def run_verify(root: Path, *ids: str) -> subprocess.CompletedProcess:
    return _run([sys.executable, str(RECIPES / "verify.py"), str(root), *ids])


def _run(args: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONUTF8": "1"}
    return subprocess.run(
        args, capture_output=True, text=True, encoding="utf-8", env=env, timeout=300
    )


def printed_selection(out: str, strata: set[str]) -> dict[str, list[str]]:
    """The "分层：编号 编号 …" lines the shell recipe prints."""
    found = {}
    for line in out.splitlines():
        stratum, sep, ids = line.partition("：")
        if sep and stratum in strata:
            found[stratum] = ids.split()
    return found


def recorded_selection(record: dict) -> dict[str, list[str]]:
    """Selected ids per stratum, in ticket order, from a draw record."""
    out: dict[str, list[str]] = {}
    for pick in sorted(record["selected"], key=lambda p: p["ticket"]):
        out.setdefault(pick["stratum"], []).append(pick["id"])
    return out


def ok(ssj, *args) -> dict:
    result = ssj(*args, "--json")
    assert result.code == 0, result.out + result.err
    return result.json()


def draw_record(root: Path, draw_id: str) -> dict:
    return read_yaml(root / "plans" / "2026" / "draws" / f"{draw_id}.yaml")


def busy_year(ssj, root: Path) -> None:
    """A year with every kind of record: a stratified draw with key units and exclusions,
    its assignment, a replacement, the later matching it calls for, a substituted
    inspector, a second draw judged on the first (cooldown, key units already tasks,
    load), inspection records and the return-visit draw."""
    ws = ("-C", root)
    with on("2026-03-01"):
        first = ok(ssj, *ws, "draw", "--year", "2026", "--ratio", "0.2", "--stratify", "region",
                   "--seed", SEED)  # fmt: skip
    with on("2026-03-02"):
        ok(ssj, *ws, "assign", "--year", "2026", "--seed", "assign-1", "--cross-region")
    with on("2026-03-03"):
        spare = ok(ssj, *ws, "draw", "replace", first["selected"][0]["id"], "--year", "2026",
                   "--reason", "已注销")["replacement"]  # fmt: skip
    with on("2026-03-04"):
        later = ok(ssj, *ws, "assign", "--year", "2026", "--draw", "2026-1", "--seed", "again")
    with on("2026-03-05"):
        out = later["tasks"][0]["inspectors"][0]
        ok(ssj, *ws, "assign", "replace", spare, out, "--year", "2026", "--reason", "病假")
    with on("2026-04-01"):
        ok(ssj, *ws, "draw", "--year", "2026", "--count", "10", "--seed", "007")
        ok(ssj, *ws, "assign", "--year", "2026", "--draw", "2026-2", "--seed", "assign-2")
    with on("2026-04-10"):
        units = [t["id"] for t in draw_record(root, "2026-1")["key"]]
        done = record_all(ssj, root, {}, units)
        assert done.code == 0, done.out + done.err
    with on("2026-12-01"):
        ok(ssj, *ws, "revisit", "--year", "2026", "--ratio", "0.3", "--seed", "回访-2026")


@pytest.fixture(params=["yaml", "csv"])
def year_ws(request, tmp_path, example, ssj) -> Path:
    """The busy year, in the example workspace with YAML rosters or with CSV ones."""
    root = example
    if request.param == "csv":
        root = tmp_path / "csv"
        with on("2026-01-02"):
            assert ssj("init", root, "--example", "--roster-format", "csv").code == 0
            commit_all(root, "CSV 名录")
        assert (root / "rosters" / "entities.csv").is_file()
    busy_year(ssj, root)
    return root


def test_verify_py_reproduces_every_record(year_ws, ssj):
    result = run_verify(year_ws)
    assert result.returncode == 0, result.stderr + result.stdout
    for line in (
        "抽取 2026-1：一致",
        "替换 2026-1：一致",
        "匹配 2026-1：一致",
        "抽取 2026-2：一致",
        "匹配 2026-2：一致",
        "回访 2026-revisit：一致",
    ):
        assert line in result.stdout.splitlines()
    assert "共核验 5 条记录：全部一致" in result.stdout
    second = draw_record(year_ws, "2026-2")
    assert {e["reason"] for e in second["excluded"]} >= {"冷却期内已随机抽查"}
    assert second["history"] == ["2026-1"] and not second.get("key")
    assert read_yaml(year_ws / "plans/2026/assignments/2026-1.yaml")["rounds"]
    assert ssj("-C", year_ws, "verify").code == 0  # ssj agrees


def test_shell_recipe_reproduces_every_draw(year_ws):
    for draw_id in ("2026-1", "2026-2"):
        record = draw_record(year_ws, draw_id)
        result = run_shell(year_ws, draw_id)
        assert result.returncode == 0, result.stderr + result.stdout
        strata = {s["stratum"] for s in record["strata"]}
        assert printed_selection(result.stdout, strata) == recorded_selection(record)
        assert f"随机池 {record['population']['count']} 个" in result.stdout
        for label in ("抽中单位", "候补单位", "重点单位时段", "强制单位时段"):
            assert f"{label}：与记录一致" in result.stdout


def edit(root: Path, path: str, old: str, new: str) -> None:
    file = root / path
    text = file.read_text("utf-8")
    changed = re.sub(old, new, text, count=1, flags=re.M)
    assert changed != text, old
    file.write_text(changed, "utf-8")
    commit_all(root, "手工修改记录")


def test_verify_py_finds_every_kind_of_edit(tmp_path, example, ssj):
    """One edit at a time, each on a fresh copy of the year: the record named is reported."""
    busy_year(ssj, example)
    first = draw_record(example, "2026-1")
    team = read_yaml(example / "plans/2026/assignments/2026-2.yaml")["tasks"][0]
    visit = read_yaml(example / "plans/2026/revisits/2026-revisit.yaml")
    spare = next(i for i in visit["population"] if i not in {p["id"] for p in visit["selected"]})
    edits = {
        "抽取 2026-1": (
            "plans/2026/draws/2026-1.yaml",
            rf"^- id: '?{first['selected'][1]['id']}'?$",
            f"- id: '{first['alternates'][-1]['id']}'",
        ),
        "替换 2026-1": (
            "plans/2026/draws/2026-1.replacements.yaml",
            r"^  replacement: .*$",
            f"  replacement: '{first['alternates'][-1]['id']}'",
        ),
        "匹配 2026-2": (
            "plans/2026/assignments/2026-2.yaml",
            rf"^  - id: '?{team['inspectors'][0]['id']}'?$",
            f"  - id: '{team['inspectors'][1]['id']}'",
        ),
        "回访 2026-revisit": (
            "plans/2026/revisits/2026-revisit.yaml",
            rf"^- id: '?{visit['selected'][0]['id']}'?$",
            f"- id: '{spare}'",
        ),
    }
    base = example.parent / "base"
    shutil.copytree(example, base)
    for n, (name, (path, old, new)) in enumerate(edits.items()):
        copy = tmp_path / f"edited-{n}"
        shutil.copytree(base, copy)
        edit(copy, path, old, new)
        result = run_verify(copy)
        assert result.returncode == 1, (name, result.stdout, result.stderr)
        assert f"{name}：不一致" in result.stderr, (name, result.stderr)


def test_verify_py_finds_an_exclusion_left_out(drawn):
    """Dropping an excluded id from the record puts a unit in the pool the draw never had."""
    root, record = drawn
    gone = record["excluded"][0]["ids"][0]
    edit(root, "plans/2026/draws/2026-1.yaml", rf"^  - '?{gone}'?\n", "")
    result = run_verify(root, "2026-1")
    assert result.returncode == 1 and "排除名单不一致" in result.stderr
    assert run_shell(root, "2026-1").returncode == 1  # its pool has one unit more


def test_verify_py_refuses_an_unknown_record(example):
    result = run_verify(example, "2026-9")
    assert result.returncode == 2 and "找不到记录" in result.stderr
    assert run_shell(example, "2026-9").returncode == 2


# ------------------------------------------------------------------ more than 200 exclusions

CLOSED_UNITS = 230
CITY_UNITS = 20


def crowd(root: Path) -> None:
    """Append closed units, units of the city level and units of no stated level (the
    bureau's own) to the example roster."""
    lines = []
    for n in range(CLOSED_UNITS + 2 * CITY_UNITS):
        status, level = "在营", None
        if n < CLOSED_UNITS:
            status = "注销" if n % 2 else "停业"
        elif n < CLOSED_UNITS + CITY_UNITS:
            level = "市"
        lines += [
            f"- id: LS-X{n:04d}",
            f"  name: 测试单位{n:04d}",
            "  category: 冶金工贸",
            "  industries: [机械]",
            "  region: 新区",
            f"  status: {status}",
        ] + ([f"  level: {level}"] if level else [])
    path = root / "rosters" / "entities.yaml"
    path.write_text(path.read_text("utf-8") + "\n".join(lines) + "\n", "utf-8")
    commit_all(root, "名录增加单位")


def test_a_draw_with_more_than_200_exclusions_is_reproduced(example, ssj):
    crowd(example)
    with on("2026-03-01"):
        ok(ssj, "-C", example, "draw", "--year", "2026", "--ratio", "0.2", "--stratify",
           "region", "--seed", SEED)  # fmt: skip
    record = draw_record(example, "2026-1")
    listed = [i for e in record["excluded"] for i in e["ids"]]
    assert len(listed) == sum(e["count"] for e in record["excluded"]) > 200
    assert "新区" in {s["stratum"] for s in record["strata"]}  # units of no stated level
    shell = run_shell(example, "2026-1")
    assert shell.returncode == 0, shell.stderr + shell.stdout
    strata = {s["stratum"] for s in record["strata"]}
    assert printed_selection(shell.stdout, strata) == recorded_selection(record)
    result = run_verify(example)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "抽取 2026-1：一致" in result.stdout


# ------------------------------------------------------------------ docs/algorithm.md


@pytest.fixture
def drawn(example, ssj):
    with on("2026-03-01"):
        record = ok(ssj, "-C", example, "draw", "--year", "2026", "--ratio", "0.2",
                    "--stratify", "region", "--seed", SEED)  # fmt: skip
    return example, record


def doc() -> str:
    return (DOCS / "algorithm.md").read_text("utf-8")


def test_doc_carries_the_ticket_vectors():
    rows = dict(re.findall(r"^\| (E\d{3}) \| ([0-9a-f]{64}) \|$", doc(), re.M))
    assert len(rows) == 10
    for id_, expected in rows.items():
        assert ticket("20220104-6152-3341", "2022-1", id_) == expected
    assert ticket("福彩3D 2022003期 517", "2022-1", "E001") in doc()


def test_doc_additional_vectors():
    text = doc()
    seed, draw_id = "20220104-6152-3341", "2022-1"
    ids = [f"E{i:03d}" for i in range(1, 11)]
    assert population_digest(ids) in text
    periods = ["2-3", "5-6", "9-10", "12"]
    one = draw_entities(seed, draw_id, dict.fromkeys(ids, "全部"), {"全部": 2}, periods=periods)
    assert [(p.id, p.period) for p in one.selected] == [("E006", "2-3"), ("E009", "5-6")]
    halves = {i: "甲" if int(i[1:]) % 2 else "乙" for i in ids}
    two = draw_entities(
        seed, draw_id, halves, {"甲": 1, "乙": 1}, alternates=1, periods=["上", "下"]
    )
    assert [(p.id, p.stratum, p.period) for p in two.selected] == [
        ("E006", "乙", "上"),
        ("E009", "甲", "下"),
    ]
    assert [(p.id, p.stratum) for p in two.alternates] == [("E004", "乙"), ("E001", "甲")]
    key = fixed_tasks(seed, draw_id, ["E002", "E003", "E010"], periods)
    assert [(t["id"], t["period"]) for t in key] == [
        ("E003", "2-3"),
        ("E010", "5-6"),
        ("E002", "9-10"),
    ]
    assert sample_size(100, ratio=parse_ratio("0.07")) == 7
    assert 0.07 * 100 == 7.000000000000001  # the float trap the doc describes
    assert sample_size(35, ratio=parse_ratio("0.2")) == 7
    assert sample_size(36, ratio=parse_ratio("0.2")) == 8
    assert sample_size(9, ratio=parse_ratio("12.5%")) == 2


def test_doc_walkthrough_matches_the_example_draw(drawn):
    """The selection printed in the doc's hand recipe is the example workspace's draw."""
    _, record = drawn
    shown = re.findall(r"^(\S+)（N=(\d+)，k=(\d+)）：((?: \S+)+)$", doc(), re.M)
    strata = {s["stratum"]: s for s in record["strata"]}
    assert {name: ids.split() for name, _, _, ids in shown} == recorded_selection(record)
    for name, n, k, _ in shown:
        assert (strata[name]["population"], strata[name]["selected"]) == (int(n), int(k))
    assert record["population"]["digest"] in doc()


# ------------------------------------------------------------------ the vectors through the CLI

VECTOR_SEED = "20220104-6152-3341"
ASSIGN_SEED = "7731 2045 9918 3306 5521"


def vector_workspace(ssj, root: Path, units: list[str], flow: bool = False) -> None:
    """A 2022 workspace whose roster holds exactly the vectors' units and inspectors, in
    block YAML (or, `flow`, one {…} mapping a line)."""
    with on("2022-01-02"):
        assert ssj("init", root, "--authority", "测试区应急管理局").code == 0
        rows = [
            f"{{id: {u}, name: 单位{u}, category: 冶金工贸, industries: [机械]}}" for u in units
        ]
        if not flow:
            rows = [r[1:-1].replace(", ", "\n  ", 3) for r in rows]
        entities = ["entities:"] + [f"- {r}" for r in rows]
        people = ["inspectors:"] + [
            f"- id: I0{n}\n  name: 人员{n}\n  valid_until: 2030-12-31" for n in range(1, 6)
        ]
        (root / "rosters" / "entities.yaml").write_text("\n".join(entities) + "\n", "utf-8")
        (root / "rosters" / "inspectors.yaml").write_text("\n".join(people) + "\n", "utf-8")
        commit_all(root, "测试向量的名录")
        approve_plan(root, 2022)


def test_the_draw_vector_is_what_the_cli_records(tmp_path, ssj):
    """docs/algorithm.md §5 with the options a bureau types: seed, draw id, ratio, alternates,
    periods."""
    root = tmp_path / "v"
    vector_workspace(ssj, root, [f"E{i:03d}" for i in range(1, 11)])
    with on("2022-01-04"):
        record = ok(ssj, "-C", root, "draw", "--year", "2022", "--draw-id", "2022-1", "--seed",
                    VECTOR_SEED, "--ratio", "0.2", "--alternates", "2", "--periods",
                    "2-3,5-6,9-10,12")  # fmt: skip
    assert [(p["id"], p["period"]) for p in record["selected"]] == [
        ("E006", "2-3"),
        ("E009", "5-6"),
    ]
    assert [p["id"] for p in record["alternates"]] == ["E001", "E005"]
    assert record["population"]["digest"] == population_digest([f"E{i:03d}" for i in range(1, 11)])
    assert run_verify(root).returncode == 0


def test_the_assignment_vector_is_what_the_cli_records(tmp_path, ssj):
    root = tmp_path / "v"
    vector_workspace(ssj, root, ["E001", "E002", "E003"])
    with on("2022-01-04"):
        ok(ssj, "-C", root, "draw", "--year", "2022", "--draw-id", "2022-1", "--seed",
           VECTOR_SEED, "--ratio", "1", "--periods", "")  # fmt: skip
        doc = ok(ssj, "-C", root, "assign", "--year", "2022", "--seed", ASSIGN_SEED)
    teams = [(t["entity"], t["inspectors"]) for t in doc["tasks"]]
    assert teams == [("E001", ["I01", "I05"]), ("E003", ["I03", "I04"]), ("E002", ["I02", "I05"])]
    assert run_verify(root).returncode == 0


def test_verify_py_refuses_yaml_outside_its_subset(tmp_path, ssj):
    """A roster of flow mappings is valid YAML that ssj reads; the recipe says it cannot."""
    root = tmp_path / "v"
    vector_workspace(ssj, root, [f"E{i:03d}" for i in range(1, 11)], flow=True)
    with on("2022-01-04"):
        ok(ssj, "-C", root, "draw", "--year", "2022", "--seed", VECTOR_SEED, "--ratio", "0.2")
    result = run_verify(root)
    assert result.returncode == 2
    assert "rosters/entities.yaml" in result.stderr and "YAML 子集" in result.stderr
