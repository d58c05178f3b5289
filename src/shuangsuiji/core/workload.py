"""R12's inputs, computed once: who counts as an officer, and the year's workload figures.

`ssj plan capacity`, the filed plan and `ssj audit` all take their numbers from here, so
they cannot reach opposite verdicts on the same roster.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from . import algorithm
from .capacity import CapacityInput
from .models import Defaults, Inspector
from .plan import Plan

OFFICER = "执法人员"


def duty_officers(
    people: Iterable[Inspector], year: int
) -> tuple[list[Inspector], list[Inspector]]:
    """On-duty officers whose certificate is valid on 1 January of `year`; and those of
    them whose certificate ends before 31 December (they count, with a warning)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    ok = [
        p
        for p in people
        if p.role == OFFICER
        and p.status == "在岗"
        and p.valid_until is not None
        and p.valid_until >= first
    ]
    return ok, [p for p in ok if p.valid_until < last]


def officer_count(plan: Plan, people: Iterable[Inspector], year: int) -> int:
    """The officers R12 counts: the plan's own figure when it gives one, else the roster's."""
    if plan.capacity.officers is not None:
        return plan.capacity.officers
    return len(duty_officers(people, year)[0])


def follow_ups(plan: Plan, rules: Defaults, tasks: int) -> tuple[int, int]:
    """Expected re-inspections and return visits for `tasks` inspections (rounded up, exactly)."""
    rate, visits = plan.capacity.reinspection_rate, rules.revisit_ratio
    return (
        algorithm.sample_size(tasks, ratio=rate) if rate else 0,
        algorithm.sample_size(tasks, ratio=visits) if visits else 0,
    )


def capacity_input(
    plan: Plan, rules: Defaults, working_days: int, officers: int, tasks: int, team_size: int
) -> CapacityInput:
    cap = plan.capacity
    reinspections, revisits = follow_ups(plan, rules, tasks)
    return CapacityInput(
        working_days=working_days,
        officers=officers,
        other_enforcement_days=dict(cap.other_enforcement_days),
        non_enforcement_days=dict(cap.non_enforcement_days),
        tasks=tasks,
        team_size=team_size,
        days_per_task=cap.days_per_task,
        reinspections=reinspections,
        days_per_reinspection=cap.days_per_reinspection,
        revisits=revisits,
        days_per_revisit=cap.days_per_revisit,
    )
