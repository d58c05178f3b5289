"""The derived facts services and audit share: who stands for each pick after replacements,
who is in each team after substitutions."""

from __future__ import annotations

from datetime import date, datetime, timezone

from shuangsuiji.core.records import (
    Assigned,
    Assignment,
    Draw,
    Member,
    Pick,
    Replacement,
    Round,
    Substitution,
)
from shuangsuiji.core.selection import current_picks, current_teams, next_alternate

NOW = datetime(2026, 3, 1, 10, tzinfo=timezone.utc)


def _swap(entity: str, replacement: str) -> Replacement:
    return Replacement(
        entity=entity, replacement=replacement, reason="已注销", date=date(2026, 3, 2),
        recorded_at=NOW,
    )  # fmt: skip


def _sub(task: str, inspector: str, replacement: str) -> Substitution:
    return Substitution(
        task=task, inspector=inspector, replacement=replacement, reason="病假", recorded_at=NOW
    )


def _team(entity: str, *people: str) -> Assigned:
    return Assigned(
        entity=entity, ticket="t", inspectors=[Member(id=p, ticket="t", load=0) for p in people]
    )


def _draw() -> Draw:
    picks = [Pick(id=u, ticket="t", stratum="甲") for u in ("A", "X")]
    spares = [Pick(id=u, ticket="t", stratum="甲") for u in ("B", "C", "D")]
    return Draw.model_construct(draw_id="2026-1", selected=picks, alternates=spares)


def test_a_chain_leaves_only_its_last_unit_standing_for_the_pick():
    picks = current_picks(_draw(), [_swap("A", "B"), _swap("B", "C")])
    assert set(picks) == {"C", "X"} and picks["C"].id == "A"


def test_an_entry_naming_a_unit_not_selected_changes_nothing():
    assert set(current_picks(_draw(), [_swap("Q", "B")])) == {"A", "X"}


def test_the_next_alternate_skips_used_ones_and_those_another_draw_took():
    swaps = [_swap("A", "B")]
    assert next_alternate(_draw(), swaps, "B", taken={"C"}).id == "D"
    assert next_alternate(_draw(), swaps, "B", taken={"C", "D"}) is None


def test_teams_after_substitutions_and_later_matchings():
    first = [_team("E1", "p1", "p2"), _team("E2", "p3", "p4")]
    later = Round.model_construct(tasks=[_team("E3", "p5", "p6")])
    record = Assignment.model_construct(tasks=first, rounds=[later])
    subs = [_sub("E1", "p2", "p7"), _sub("E3", "p5", "p8"), _sub("E9", "p1", "p9")]
    assert current_teams(record, subs) == {
        "E1": ["p1", "p7"],
        "E2": ["p3", "p4"],
        "E3": ["p8", "p6"],
    }
    assert set(current_teams(record, subs, rounds=0)) == {"E1", "E2"}
