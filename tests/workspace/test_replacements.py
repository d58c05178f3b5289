"""Replacements verified right: each record re-run as of the commit that added it, chains
counted by the unit finally inspected, alternates another draw took skipped, and the tasks a
late replacement leaves without a team matched by `ssj assign --draw ID --seed S`."""

from __future__ import annotations

import pytest

from conftest import approve_plan, on, read_yaml
from shuangsuiji.workspace import Workspace

SEED = "20260104-6152-3341"


def draw(ssj, root, day: str, *args: str, seed: str = SEED) -> dict:
    with on(day):
        approve_plan(root, 2026)
        result = ssj("-C", root, "draw", "--year", "2026", "--seed", seed, *args, "--json")
    assert result.code == 0, result.out + result.err
    return result.json()


def first_draw(ssj, root) -> dict:
    """2026-1 on 1 March: a fifth of each region, two alternates per region."""
    return draw(ssj, root, "2026-03-01", "--ratio", "0.2", "--stratify", "region")


def replace(ssj, root, entity: str, day: str, *args: str) -> dict:
    with on(day):
        result = ssj("-C", root, "draw", "replace", entity, "--reason", "已注销", *args, "--json")
    assert result.code == 0, result.out + result.err
    return result.json()


def assign(ssj, root, draw_id: str, seed: str, day: str):
    with on(day):
        return ssj("-C", root, "assign", "--draw", draw_id, "--seed", seed, "--json")


def verify(ssj, root, *args: str):
    result = ssj("-C", root, "verify", *args)
    assert "Traceback" not in result.err, result.err
    return result


def audit(ssj, root, as_of: str = "2026-03-20"):
    result = ssj("-C", root, "audit", "--json", "--as-of", as_of)
    assert "Traceback" not in result.err, result.err
    return result.code, result.json()


def errors(doc) -> list[dict]:
    return [f for f in doc["findings"] if f["severity"] == "error"]


def alternates_of(doc: dict, pick: dict) -> list[str]:
    return [a["id"] for a in doc["alternates"] if a["stratum"] == pick["stratum"]]


def cooled(doc: dict) -> set[str]:
    return {i for e in doc["excluded"] if e["reason"] == "冷却期内已随机抽查" for i in e["ids"]}


# ---------------------------------------------------------------- case 7


def test_a_late_replacement_leaves_earlier_records_verified(example, ssj):
    """2026-1 replaced after 2026-2 was drawn and both assigned: 2026-2 and the assignments
    are re-run with the replacements as they were when each was committed."""
    first = first_draw(ssj, example)
    second = draw(ssj, example, "2026-03-02", "--ratio", "0.2")
    spare = alternates_of(first, first["selected"][0])[0]
    assert spare not in {p["id"] for p in second["selected"]}  # it was in 2026-2's pool
    assert assign(ssj, example, "2026-1", "assign-1", "2026-03-02").code == 0
    assert assign(ssj, example, "2026-2", "assign-2", "2026-03-02").code == 0
    swap = replace(ssj, example, first["selected"][0]["id"], "2026-03-03")
    assert swap["replacement"] == spare
    result = verify(ssj, example)
    assert result.code == 0 and "不一致" not in result.out, result.out


# ---------------------------------------------------------------- case 8


def test_a_replacement_after_the_assignment_is_matched_with_a_fresh_seed(example, ssj):
    first = first_draw(ssj, example)
    assert assign(ssj, example, "2026-1", "assign-1", "2026-03-02").code == 0
    target = first["selected"][0]["id"]
    swap = replace(ssj, example, target, "2026-03-03")
    result = assign(ssj, example, "2026-1", "assign-1b", "2026-03-04")
    assert result.code == 0, result.out + result.err
    assert [t["entity"] for t in result.json()["tasks"]] == [swap["replacement"]]
    record = read_yaml(example / "plans/2026/assignments/2026-1.yaml")
    assert [t["entity"] for t in record["rounds"][0]["tasks"]] == [swap["replacement"]]
    assert record["rounds"][0]["seed"] == "assign-1b"
    assert target in {t["entity"] for t in record["tasks"]}  # the first matching as it was
    result = verify(ssj, example)
    assert result.code == 0 and "不一致" not in result.out, result.out
    again = assign(ssj, example, "2026-1", "assign-1c", "2026-03-05")
    assert again.code == 1 and "已匹配过" in again.out + again.err


def test_a_second_matching_needs_a_fresh_seed(example, ssj):
    first = first_draw(ssj, example)
    assert assign(ssj, example, "2026-1", "assign-1", "2026-03-02").code == 0
    replace(ssj, example, first["selected"][0]["id"], "2026-03-03")
    for used in ("assign-1", SEED):
        result = assign(ssj, example, "2026-1", used, "2026-03-04")
        assert result.code == 1 and "种子" in result.out + result.err


def test_a_replacement_skips_alternates_another_draw_selected(example, ssj):
    first = first_draw(ssj, example)
    target = first["selected"][0]
    taken, free = alternates_of(first, target)[:2]
    second = draw(ssj, example, "2026-03-02", "--ratio", "1", "--where", f"id={taken}")
    assert [p["id"] for p in second["selected"]] == [taken]
    swap = replace(ssj, example, target["id"], "2026-03-03")
    assert swap["replacement"] == free
    result = verify(ssj, example)
    assert result.code == 0 and "不一致" not in result.out, result.out


def test_verify_catches_a_replacement_taken_from_another_draw(example, ssj):
    from conftest import commit_all, write_yaml

    first = first_draw(ssj, example)
    target = first["selected"][0]
    taken = alternates_of(first, target)[0]
    draw(ssj, example, "2026-03-02", "--ratio", "1", "--where", f"id={taken}")
    path = example / "plans/2026/draws/2026-1.replacements.yaml"
    entry = {
        "entity": target["id"],
        "replacement": taken,
        "reason": "已注销",
        "date": "2026-03-03",
        "recorded_at": "2026-03-03T10:00:00+08:00",
    }
    write_yaml(path, {"draw_id": "2026-1", "replacements": [entry]})
    with on("2026-03-03"):
        commit_all(example, "手工写入替换")
    result = verify(ssj, example, "2026-1")
    assert result.code == 1 and "不一致" in result.out and taken in result.out


# ---------------------------------------------------------------- case 9


def test_in_a_chain_the_unit_finally_inspected_counts_for_the_cooldown(example, ssj):
    first = first_draw(ssj, example)
    target = first["selected"][0]
    middle, last = alternates_of(first, target)[:2]
    assert replace(ssj, example, target["id"], "2026-03-02")["replacement"] == middle
    assert replace(ssj, example, middle, "2026-03-03")["replacement"] == last
    second = draw(ssj, example, "2026-03-04", "--ratio", "0.2")
    assert last in cooled(second)
    assert middle not in cooled(second) and target["id"] not in cooled(second)
    result = verify(ssj, example)
    assert result.code == 0 and "不一致" not in result.out, result.out


def test_a_chain_can_go_on(example, ssj):
    first = draw(ssj, example, "2026-03-01", "--ratio", "0.2", "--alternates", "3")
    target = first["selected"][0]
    spares = alternates_of(first, target)[:3]
    unit = target["id"]
    for n, spare in enumerate(spares):
        unit = replace(ssj, example, unit, f"2026-03-0{n + 2}")["replacement"]
        assert unit == spare
    assert verify(ssj, example).code == 0


# ---------------------------------------------------------------- dates


@pytest.mark.set_up("2025-01-02")
def test_the_cooldown_counts_from_the_day_a_late_draw_was_recorded(example, ssj):
    with on("2025-12-20"):
        result = ssj(
            "-C", example, "draw", "--year", "2025", "--ratio", "0.2", "--seed", SEED,
            "--date", "2025-03-01", "--reason", "纸质抽取补录", "--json",
        )  # fmt: skip
    assert result.code == 0, result.out + result.err
    risks = {e.id: e.risk for e in Workspace(example).roster("entities").rows}
    late = {p["id"] for p in result.json()["selected"] if risks[p["id"]] != "重大"}
    later = draw(ssj, example, "2026-06-01", "--ratio", "0.2", seed="2026-seed")
    # Claimed 1 March 2025, recorded 20 December: on 1 June 2026 the cooldown still runs.
    assert late and late <= cooled(later)
    assert verify(ssj, example).code == 0


@pytest.mark.parametrize("day", ["2026-03-20", "2026-02-28"])
def test_a_replacement_date_is_neither_future_nor_before_the_draw(example, ssj, day):
    first = first_draw(ssj, example)
    with on("2026-03-10"):
        result = ssj(
            "-C", example, "draw", "replace", first["selected"][0]["id"], "--reason", "已注销",
            "--date", day,
        )  # fmt: skip
    assert result.code == 2 and "--date" in result.err
    assert not (example / "plans/2026/draws/2026-1.replacements.yaml").exists()


# ---------------------------------------------------------------- the legitimate cases audit clean


def test_a_late_replacement_audits_clean(example, ssj):
    """2026-1 replaced after 2026-2 was drawn and assigned, then 2026-1 assigned."""
    first = first_draw(ssj, example)
    draw(ssj, example, "2026-03-02", "--ratio", "0.2")
    assert assign(ssj, example, "2026-2", "assign-2", "2026-03-02").code == 0
    replace(ssj, example, first["selected"][0]["id"], "2026-03-03")
    assert assign(ssj, example, "2026-1", "assign-1", "2026-03-04").code == 0
    result = verify(ssj, example)
    assert result.code == 0 and "不一致" not in result.out, result.out
    code, doc = audit(ssj, example)
    assert code == 0 and not errors(doc), errors(doc)


def test_a_replacement_after_the_assignment_then_a_later_matching_audits_clean(example, ssj):
    first = first_draw(ssj, example)
    draw(ssj, example, "2026-03-02", "--ratio", "0.2")
    assert assign(ssj, example, "2026-1", "assign-1", "2026-03-02").code == 0
    assert assign(ssj, example, "2026-2", "assign-2", "2026-03-02").code == 0
    replace(ssj, example, first["selected"][0]["id"], "2026-03-03")
    assert assign(ssj, example, "2026-1", "assign-1b", "2026-03-04").code == 0
    result = verify(ssj, example)
    assert result.code == 0 and "不一致" not in result.out, result.out
    code, doc = audit(ssj, example)
    assert code == 0 and not errors(doc), errors(doc)
