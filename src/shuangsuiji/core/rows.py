"""Roster rows once validated: light, slotted, read-only objects.

The pydantic models of core/models.py validate a row; a loaded roster then holds it as
one of these, with the same fields and properties. A million units as pydantic models
take about 1.5 GB; as rows, a fifth of that, and a row is rebuilt from the
validated-roster cache (storage/rostercache.py) in about a microsecond.
"""

from __future__ import annotations

from dataclasses import make_dataclass
from datetime import date
from functools import cache
from typing import Any

from pydantic import BaseModel

from .models import ROSTERS, EntityTraits, ItemTraits

_TRAITS = {"entities": EntityTraits, "items": ItemTraits}
# Few distinct values, repeated on every row: one shared string each saves memory.
_SHARED = {
    "entities": ("category", "region", "scale", "risk", "status", "level", "standardization"),
    "inspectors": ("department", "role", "status", "region"),
    "items": ("kind",),
}


@cache
def row_class(kind: str) -> type:
    model = ROSTERS[kind][0]
    names = list(model.model_fields)
    bases = (_TRAITS[kind],) if kind in _TRAITS else ()
    return make_dataclass(
        f"{model.__name__}Row", [(n, Any) for n in names], bases=bases, slots=True, frozen=True
    )


@cache
def fields(kind: str) -> tuple[str, ...]:
    return tuple(ROSTERS[kind][0].model_fields)


@cache
def _list_positions(kind: str) -> tuple[int, ...]:
    model = ROSTERS[kind][0]
    return tuple(
        i for i, info in enumerate(model.model_fields.values()) if info.annotation == list[str]
    )


@cache
def _date_positions(kind: str) -> tuple[int, ...]:
    model = ROSTERS[kind][0]
    return tuple(
        i
        for i, info in enumerate(model.model_fields.values())
        if date in getattr(info.annotation, "__args__", (info.annotation,))
    )


def encode(kind: str, row: Any) -> list:
    """The row's values in field order, as JSON holds them (dates as ISO text)."""
    values = [getattr(row, n) for n in fields(kind)]
    for i in _date_positions(kind):
        if values[i] is not None:
            values[i] = values[i].isoformat()
    return values


class Builder:
    """Rows of one roster, from models or from `encode`d values.

    Equal repeated strings (category, region, ...) are stored once.
    """

    def __init__(self, kind: str) -> None:
        self.make = row_class(kind)
        self.dates = _date_positions(kind)
        names = fields(kind)
        self.shared = [names.index(n) for n in _SHARED[kind]]
        self.lists = _list_positions(kind)
        self.pool: dict[str, str] = {}

    def from_model(self, model: BaseModel) -> Any:
        # A model's __dict__ holds its fields in declaration order.
        return self._make(list(model.__dict__.values()))

    def from_values(self, values: list) -> Any:
        for i in self.dates:
            if values[i] is not None:
                values[i] = date.fromisoformat(values[i])
        return self._make(values)

    def _make(self, values: list) -> Any:
        pool = self.pool
        for i in self.shared:
            value = values[i]
            if value is not None:
                values[i] = pool.setdefault(value, value)
        for i in self.lists:  # industries, flags: a few distinct names on every row
            values[i] = [pool.setdefault(v, v) for v in values[i]]
        return self.make(*values)


def as_dict(kind: str, row: Any) -> dict[str, Any]:
    return {n: getattr(row, n) for n in fields(kind)}
