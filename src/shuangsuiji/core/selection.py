"""Derived facts about draws and matchings, computed once for services and audit alike."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # records are read by their attributes, as models or light views
    from .records import Assignment, Draw, Pick, Replacement, Substitution


def superseded(draws: Sequence[Draw]) -> set[str]:
    return {d.redraw_of for d in draws if d.redraw_of}


def current_picks(record: Draw, swaps: Sequence[Replacement]) -> dict[str, Pick]:
    """The unit now standing for each pick of a draw -> that pick (its stratum and period).

    Replacements apply in their order, so in a chain (A replaced by B, B by C) C stands for
    A's pick and neither A nor B is selected any more: C is the unit inspected, the one that
    counts for the cooldown, the yearly cap and the coverage. An entry naming a unit that is
    not selected at that point changes nothing (the audit reports it).
    """
    out = {p.id: p for p in record.selected}
    for swap in swaps:
        if swap.entity in out:
            out[swap.replacement] = out.pop(swap.entity)
    return out


def next_alternate(
    record: Draw, swaps: Sequence[Replacement], entity: str, taken: Collection[str]
) -> Pick | None:
    """The alternate that replaces `entity`: the first of its stratum, in the recorded order,
    neither used by an earlier replacement nor `taken` (a task of another draw of the year).

    None when the stratum has no such alternate left. `entity` must be currently selected.
    """
    stratum = current_picks(record, swaps)[entity].stratum
    used = {s.replacement for s in swaps} | {s.entity for s in swaps}
    return next(
        (
            a
            for a in record.alternates
            if a.stratum == stratum and a.id not in used and a.id not in taken
        ),
        None,
    )


def current_teams(
    record: Assignment, substitutions: Sequence[Substitution], rounds: int | None = None
) -> dict[str, list[str]]:
    """Each task's people (officers first, then experts) after the substitutions, in their
    order; with `rounds`, the first matching and only that many later ones. A substitution
    naming a task or a person not in it changes nothing (the audit reports it)."""
    out = {t.entity: [m.id for m in t.inspectors + t.experts] for t in record.matched(rounds)}
    for sub in substitutions:
        team = out.get(sub.task)
        if team is not None and sub.inspector in team:
            team[team.index(sub.inspector)] = sub.replacement
    return out
