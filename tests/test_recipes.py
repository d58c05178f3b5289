"""docs/recipes: a recorded draw reproduced without ssj, by a shell loop and by hashlib."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import commit_all
from shuangsuiji.core.algorithm import draw as draw_entities
from shuangsuiji.core.algorithm import parse_ratio, population_digest, sample_size, ticket
from shuangsuiji.workspace.drawing import fixed_tasks

DOCS = Path(__file__).resolve().parents[1] / "docs"
RECIPES = DOCS / "recipes"
SEED = "20260104-6152-3341"


def command(kind: str) -> list[str]:
    if kind == "sh":
        if shutil.which("sha256sum") is None or shutil.which("bash") is None:
            pytest.skip("没有 sha256sum 或 bash（如 Windows）")
        return ["bash", str(RECIPES / "reproduce_draw.sh")]
    return [sys.executable, str(RECIPES / "reproduce_draw.py")]


def run_recipe(kind: str, root: Path, draw_id: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONUTF8": "1"}
    return subprocess.run(
        [*command(kind), str(root), draw_id],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )


def printed_selection(out: str, strata: set[str]) -> dict[str, list[str]]:
    """The "分层：编号 编号 …" lines a recipe prints."""
    found = {}
    for line in out.splitlines():
        stratum, sep, ids = line.partition("：")
        if sep and stratum in strata:
            found[stratum] = ids.split()
    return found


def recorded_selection(record: dict) -> dict[str, list[str]]:
    """Selected ids per stratum, in ticket order, from `ssj draw --json`."""
    out: dict[str, list[str]] = {}
    for pick in sorted(record["selected"], key=lambda p: p["ticket"]):
        out.setdefault(pick["stratum"], []).append(pick["id"])
    return out


def draw(ssj, root: Path, *args: str) -> dict:
    result = ssj("-C", root, "draw", "--year", "2026", "--json", *args)
    assert result.code == 0, result.err + result.out
    return result.json()


@pytest.fixture
def drawn(example, ssj):
    record = draw(
        ssj,
        example,
        "--ratio",
        "0.2",
        "--stratify",
        "region",
        "--seed",
        SEED,
        "--date",
        "2026-03-01",
        "--reason",
        "补录",
    )
    return example, record


@pytest.mark.parametrize("kind", ["sh", "py"])
def test_recipe_reproduces_stratified_draw(drawn, kind):
    root, record = drawn
    assert record["draw_id"] == "2026-1"
    assert len(record["strata"]) > 1 and record["key"]  # strata, key units and exclusions
    result = run_recipe(kind, root, "2026-1")
    assert result.returncode == 0, result.stderr + result.stdout
    strata = {s["stratum"] for s in record["strata"]}
    assert printed_selection(result.stdout, strata) == recorded_selection(record)
    assert f"随机池 {record['population']['count']} 个" in result.stdout
    assert record["population"]["digest"] in result.stdout
    for label in ("抽中单位", "候补单位", "重点单位时段", "强制单位时段"):
        assert f"{label}：与记录一致" in result.stdout


def test_both_recipes_print_the_same(drawn):
    root, _ = drawn
    outputs = {run_recipe(kind, root, "2026-1").stdout for kind in ("sh", "py")}
    assert len(outputs) == 1


@pytest.mark.parametrize("kind", ["sh", "py"])
def test_recipe_reproduces_later_draw_with_history(drawn, ssj, kind):
    """A second draw of the year: cooldown exclusions, key units already tasks, a count."""
    root, _ = drawn
    record = draw(
        ssj, root, "--count", "10", "--seed", "007", "--date", "2026-04-01", "--reason", "补录"
    )
    assert record["draw_id"] == "2026-2" and record["seed"] == "007"
    assert not record["key"]  # the key units are already tasks of 2026-1
    result = run_recipe(kind, root, "2026-2")
    assert result.returncode == 0, result.stderr + result.stdout
    strata = {s["stratum"] for s in record["strata"]}
    assert printed_selection(result.stdout, strata) == recorded_selection(record)


@pytest.mark.parametrize("kind", ["sh", "py"])
def test_recipe_fails_on_a_tampered_record(drawn, kind):
    root, record = drawn
    path = root / "plans" / "2026" / "draws" / "2026-1.yaml"
    first = record["selected"][0]["id"]
    spare = record["alternates"][0]["id"]
    text = path.read_text("utf-8")
    tampered = re.sub(rf"- id: '?{first}'?\n", f"- id: '{spare}'\n", text, count=1)
    assert tampered != text
    path.write_text(tampered, "utf-8")
    commit_all(root, "篡改记录")
    result = run_recipe(kind, root, "2026-1")
    assert result.returncode == 1
    assert "抽中单位：与记录不一致" in result.stderr


@pytest.mark.parametrize("kind", ["sh", "py"])
def test_recipe_refuses_unknown_draw(example, kind):
    result = run_recipe(kind, example, "2026-9")
    assert result.returncode != 0
    assert "找不到抽取记录" in result.stderr


# ------------------------------------------------------------------ docs/algorithm.md


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
    assert [(t.id, t.period) for t in key] == [("E003", "2-3"), ("E010", "5-6"), ("E002", "9-10")]
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
