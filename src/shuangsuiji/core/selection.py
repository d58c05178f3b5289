"""Derived facts about draws, computed once for services and audit alike."""

from __future__ import annotations

from collections.abc import Sequence

from .records import Draw


def superseded(draws: Sequence[Draw]) -> set[str]:
    return {d.redraw_of for d in draws if d.redraw_of}
