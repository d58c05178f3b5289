"""ssj draw / prepare / run / replace / verify on real workspaces with real git."""

import hashlib
import math
from decimal import Decimal

import pytest

from conftest import approve_plan, commit_all, git, read_yaml, snapshot, write_yaml
from shuangsuiji.workspace import Workspace

SEED = "20260104-6152-3341"
DAY = "2026-03-01"


@pytest.fixture(autouse=True)
def _on_the_drawing_day(clock):
    """These tests draw on DAY (`--date DAY` is today): no late entry."""
    clock.set(DAY)


def draw(ssj, root, *args):
    return ssj("-C", root, "draw", "--year", "2026", "--date", DAY, "--seed", SEED, *args, "--json")


def expected_by_hand(root, draw_id, ratio="0.2", field="region"):
    """The spec's procedure written out independently: eligible ids, tickets, ceil(r·N)."""
    entities = Workspace(root).roster("entities").rows
    pool = [e for e in entities if e.status == "在营" and (e.level or "县") == "县" and not e.key]
    strata = {}
    for e in pool:
        strata.setdefault(getattr(e, field), []).append(e.id)
    chosen = set()
    for ids in strata.values():
        ranked = sorted(
            ids, key=lambda i: hashlib.sha256(f"{SEED}|{draw_id}|{i}".encode()).hexdigest()
        )
        k = math.ceil(Decimal(ratio) * len(ids))
        chosen |= set(ranked[:k])
    return chosen


def test_draw_equals_the_spec(example, ssj):
    result = draw(ssj, example, "--ratio", "0.2", "--stratify", "region")
    assert result.code == 0, result.err
    doc = result.json()
    assert (
        doc["algorithm"] == "ssj-sha256-v1" and doc["seed"] == SEED and doc["draw_id"] == "2026-1"
    )
    assert {p["id"] for p in doc["selected"]} == expected_by_hand(example, "2026-1")
    for pick in doc["selected"]:
        assert pick["ticket"] == hashlib.sha256(f"{SEED}|2026-1|{pick['id']}".encode()).hexdigest()
    assert {s["stratum"] for s in doc["strata"]} == {
        "城关街道",
        "河西街道",
        "东岗镇",
        "柳湾镇",
        "石桥镇",
        "北山乡",
    }
    assert len(doc["key"]) == 7 and doc["forced"] == []
    periods = [p["period"] for p in sorted(doc["selected"], key=lambda p: p["ticket"])]
    assert periods[:5] == ["2-3", "5-6", "9-10", "12", "2-3"]
    # committed automatically, and re-runnable
    assert "抽取 2026-1" in git(example, "log", "-1", "--format=%s")
    assert ssj("-C", example, "verify", "2026-1").out.count("一致") == 1


def test_chinese_header_stratifies_like_the_key(example, tmp_path, ssj):
    a = draw(ssj, example, "--ratio", "0.2", "--stratify", "region", "--draw-id", "A").json()
    git(example, "rm", "-q", "plans/2026/draws/A.yaml")
    commit_all(example)
    b = draw(ssj, example, "--ratio", "0.2", "--stratify", "所属区域", "--draw-id", "A").json()
    assert a["selected"] == b["selected"]


def test_row_order_does_not_matter(example, tmp_path, ssj):
    first = draw(ssj, example, "--ratio", "0.2", "--stratify", "region").json()
    other = tmp_path / "reordered"
    assert ssj("init", other, "--example").code == 0
    path = other / "rosters" / "entities.yaml"
    data = read_yaml(path)
    data["entities"].reverse()
    write_yaml(path, data)
    commit_all(other)
    again = draw(ssj, other, "--ratio", "0.2", "--stratify", "region").json()
    assert again["selected"] == first["selected"]
    assert again["population"]["digest"] == first["population"]["digest"]


def test_uncommitted_roster_is_refused(example, ssj):
    path = example / "rosters" / "entities.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("郑国华", "郑国强"), encoding="utf-8")
    before = snapshot(example)
    result = draw(ssj, example, "--ratio", "0.2")
    assert result.code == 1 and "未提交" in result.out + result.err
    assert snapshot(example) == before


def test_second_draw_of_the_same_id_is_refused(example, ssj):
    assert draw(ssj, example, "--ratio", "0.2").code == 0
    head = git(example, "rev-parse", "HEAD")
    before = snapshot(example)
    result = draw(ssj, example, "--ratio", "0.3", "--draw-id", "2026-1")
    assert result.code == 1 and "已经进行过" in result.out
    assert snapshot(example) == before and git(example, "rev-parse", "HEAD") == head


def test_redraw_keeps_both_and_needs_a_reason(example, ssj):
    assert draw(ssj, example, "--ratio", "0.2").code == 0
    assert draw(ssj, example, "--ratio", "0.2", "--redraw-of", "2026-1").code == 2
    result = draw(
        ssj, example, "--ratio", "0.2", "--redraw-of", "2026-1", "--reason", "名录漏录三家"
    )
    assert result.code == 0 and result.json()["draw_id"] == "2026-2"
    assert (example / "plans/2026/draws/2026-1.yaml").is_file()
    record = read_yaml(example / "plans/2026/draws/2026-2.yaml")
    assert record["redraw_of"] == "2026-1" and record["reason"] == "名录漏录三家"
    # the superseded draw's picks do not count for the cooldown of the redraw
    assert record["history"] == []


@pytest.mark.parametrize("seed", ["a|b", "line\nbreak", " lead", ""])
def test_bad_seed_is_refused_and_changes_nothing(example, ssj, seed):
    before = snapshot(example)
    result = ssj("-C", example, "draw", "--year", "2026", "--ratio", "0.2", "--seed", seed)
    assert result.code == 2 and "Traceback" not in result.err
    assert snapshot(example) == before


def test_ratio_under_the_floor_is_refused(example, ssj):
    before = snapshot(example)
    result = draw(ssj, example, "--ratio", "0.1")
    assert result.code == 1 and "R1" in result.out
    assert snapshot(example) == before


@pytest.mark.parametrize("ratio", ["0", "1.5", "abc"])
def test_bad_ratios(example, ssj, ratio):
    assert draw(ssj, example, "--ratio", ratio).code == 2


def test_floor_reason_in_plan_allows_a_lower_ratio(example, ssj):
    plan = example / "plans/2026/plan.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8") + "floor_reason: 上半年已开展专项检查全覆盖\n",
        encoding="utf-8",
    )
    commit_all(example)
    assert draw(ssj, example, "--ratio", "0.1").code == 0


def test_plan_ratios_by_category_and_risk(example, ssj):
    plan = example / "plans/2026/plan.yaml"
    text = plan.read_text(encoding="utf-8")
    text = text.replace("categories: {}", "categories:\n  冶金工贸:\n    ratio: 30%")
    text = text.replace("risk_ratios: {}", "risk_ratios:\n  较大: 0.5")
    plan.write_text(text, encoding="utf-8")
    commit_all(example)
    doc = draw(ssj, example).json()
    strata = {s["stratum"]: s for s in doc["strata"]}
    assert strata["冶金工贸/一般"]["selected"] == math.ceil(
        Decimal("0.3") * strata["冶金工贸/一般"]["population"]
    )
    assert strata["冶金工贸/较大"]["selected"] == math.ceil(
        Decimal("0.5") * strata["冶金工贸/较大"]["population"]
    )


def test_where_filters_and_count(example, ssj):
    doc = draw(ssj, example, "--where", "监管类别=烟花爆竹", "--count", "2").json()
    ws = Workspace(example)
    kinds = {e.id: e.category for e in ws.roster("entities").rows}
    assert {kinds[p["id"]] for p in doc["selected"]} == {"烟花爆竹"}
    assert all(kinds[i] == "烟花爆竹" for i in doc["key"])


def test_dry_run_never_selects_or_writes(example, ssj):
    before = snapshot(example)
    result = ssj("-C", example, "draw", "--year", "2026", "--ratio", "0.2", "--dry-run", "--json")
    assert result.code == 0 and "selected" not in result.json()
    assert result.json()["population"]["count"] == 54
    assert snapshot(example) == before


def test_cooldown_and_cap(example, ssj, clock):
    first = draw(ssj, example, "--ratio", "0.2").json()
    clock.set("2026-06-01")
    second = ssj(
        "-C",
        example,
        "draw",
        "--year",
        "2026",
        "--ratio",
        "0.2",
        "--seed",
        "other",
        "--json",
    ).json()
    picked = {p["id"] for p in first["selected"]}
    assert not picked & {p["id"] for p in second["selected"]}
    reasons = {e["reason"]: e for e in second["excluded"]}
    assert reasons["冷却期内已随机抽查"]["count"] == len(picked)
    assert second["key"] == []  # key units were already tasks of this year


def test_units_not_inspected_for_two_years_are_forced(example, ssj, clock):
    def year_draw(year, seed):
        clock.set(f"{year}-03-01")
        approve_plan(example, year)
        return ssj(
            "-C",
            example,
            "draw",
            "--year",
            str(year),
            "--ratio",
            "0.2",
            "--seed",
            seed,
            "--json",
        ).json()

    one = year_draw(2024, "s1")
    two = year_draw(2025, "s2")
    third = year_draw(2026, "s3")
    inspected = {t for d in (one, two) for t in d["key"] + [p["id"] for p in d["selected"]]}
    ws = Workspace(example)
    active = {
        e.id
        for e in ws.roster("entities").rows
        if e.status == "在营" and (e.level or "县") == "县" and not e.key
    }
    assert set(third["forced"]) == active - inspected
    assert ssj("-C", example, "verify").code == 0


def test_prepare_then_run(example, ssj):
    prepared = ssj(
        "-C",
        example,
        "draw",
        "prepare",
        "--year",
        "2026",
        "--ratio",
        "0.2",
        "--date",
        DAY,
        "--json",
    )
    assert prepared.code == 0, prepared.err
    assert "seed" not in prepared.json()
    assert "预备抽取" in git(example, "log", "-1", "--format=%s")
    run = ssj(
        "-C",
        example,
        "draw",
        "run",
        "--year",
        "2026",
        "--seed",
        SEED,
        "--seed-source",
        "掷骰",
        "--json",
    )
    assert run.code == 0, run.out + run.err
    assert {p["id"] for p in run.json()["selected"]} == expected_by_hand(
        example, "2026-1", field="status"
    )
    assert ssj("-C", example, "verify").code == 0


def test_run_refused_when_roster_changed_after_prepare(example, ssj):
    ssj("-C", example, "draw", "prepare", "--year", "2026", "--ratio", "0.2", "--date", DAY)
    path = example / "rosters" / "entities.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: 停产", "status: 在营"), encoding="utf-8"
    )
    commit_all(example, "抽取前偷偷改名录")
    before = snapshot(example)
    result = ssj("-C", example, "draw", "run", "--year", "2026", "--seed", SEED)
    assert result.code == 1 and "已改变" in result.err
    assert snapshot(example) == before


def test_replace_takes_first_unused_alternate(example, ssj):
    doc = draw(ssj, example, "--ratio", "0.2", "--stratify", "region").json()
    target = doc["selected"][0]
    spares = [a["id"] for a in doc["alternates"] if a["stratum"] == target["stratum"]]
    first = ssj(
        "-C", example, "draw", "replace", target["id"], "--reason", "已注销", "--json"
    ).json()
    assert first["replacement"] == spares[0]
    second_target = next(
        p for p in doc["selected"] if p["stratum"] == target["stratum"] and p["id"] != target["id"]
    )
    second = ssj(
        "-C", example, "draw", "replace", second_target["id"], "--reason", "无法联系", "--json"
    ).json()
    assert second["replacement"] == spares[1]
    record = example / "plans/2026/draws/2026-1.yaml"
    assert "replac" not in git(example, "log", "--format=%s", "--", "plans/2026/draws/2026-1.yaml")
    assert "无法联系" not in record.read_text(
        encoding="utf-8"
    )  # the draw record is never rewritten
    assert ssj("-C", example, "verify").code == 0


def test_verify_catches_a_swapped_unit(example, ssj):
    doc = draw(ssj, example, "--ratio", "0.2").json()
    path = example / "plans/2026/draws/2026-1.yaml"
    spare = doc["alternates"][0]["id"]
    path.write_text(
        path.read_text(encoding="utf-8").replace(doc["selected"][0]["id"], spare, 1),
        encoding="utf-8",
    )
    commit_all(example, "手工改记录")
    result = ssj("-C", example, "verify", "2026-1")
    assert result.code == 1 and "不一致" in result.out


def test_a_past_year_needs_its_date_and_a_reason(example, ssj):
    """Run in 2026 for 2022: refused, saying how a past draw is entered."""
    result = ssj("-C", example, "draw", "--year", "2022", "--ratio", "0.2", "--seed", "s")
    assert result.code == 2 and "--date" in result.err and "--reason" in result.err, result.err
    ahead = ssj("-C", example, "draw", "--year", "2027", "--ratio", "0.2", "--seed", "s")
    assert ahead.code == 2 and "还没有开始" in ahead.err, ahead.err
