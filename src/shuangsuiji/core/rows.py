"""Roster rows once validated: light, read-only tuples with named fields.

The pydantic models of core/models.py validate a row; a loaded roster then holds it as
one of these, with the same fields and properties. A row is a named tuple (built at C
speed, from the columns of the validated-roster cache, storage/cache.py): a hundred
thousand rows are made in about 50 ms, where pydantic models or dataclasses took
seconds, and a million take a fifth of the memory of the models.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache
from itertools import repeat
from operator import itemgetter
from typing import Any

from .traits import TRAITS

_NAMES = {"entities": "Entity", "inspectors": "Inspector", "items": "Item"}
# Few distinct values, repeated on every row: one shared string each saves memory.
_SHARED = {
    "entities": ("category", "region", "scale", "risk", "status", "level", "standardization"),
    "inspectors": ("department", "role", "status", "region"),
    "items": ("kind",),
}


def row_class(kind: str) -> type:
    return _row_class(kind, fields(kind))


@cache
def _row_class(kind: str, names: tuple[str, ...]) -> type:
    base = namedtuple(f"{_NAMES[kind]}Fields", names)
    traits = (TRAITS[_NAMES[kind]],) if _NAMES[kind] in TRAITS else ()
    # No __dict__ per row; the traits add properties (`active`, `general`), not fields.
    return type(f"{_NAMES[kind]}Row", (base, *traits), {"__slots__": ()})


def _model(kind: str) -> Any:
    from .models import ROSTERS  # the models: needed to validate, not to read a kept roster

    return ROSTERS[kind][0]


@cache
def fields(kind: str) -> tuple[str, ...]:
    return tuple(_model(kind).model_fields)


@cache
def _list_positions(kind: str) -> tuple[int, ...]:
    return tuple(
        i
        for i, info in enumerate(_model(kind).model_fields.values())
        if info.annotation == list[str]
    )


@cache
def _date_positions(kind: str) -> tuple[int, ...]:
    return tuple(
        i
        for i, info in enumerate(_model(kind).model_fields.values())
        if date in getattr(info.annotation, "__args__", (info.annotation,))
    )


def layout(kind: str) -> dict[str, list]:
    """The fields of a roster's rows and which of them hold dates: kept with its columns
    (storage/cache.py), so that rows are made from them without the models."""
    return {"fields": list(fields(kind)), "dates": list(_date_positions(kind))}


def encode(kind: str, row: Any) -> list:
    """The row's values in field order, as JSON holds them (dates as ISO text)."""
    values = list(row)
    for i in _date_positions(kind):
        if values[i] is not None:
            values[i] = values[i].isoformat()
    return values


def encode_columns(kind: str, built: Iterable[Any]) -> list[list]:
    """The rows' `encode`d values, one list per field."""
    built = built if isinstance(built, (list, tuple)) else list(built)
    return encoded(kind, [list(map(itemgetter(i), built)) for i in range(len(fields(kind)))])


def encoded(kind: str, columns: Sequence[list]) -> list[list]:
    """Columns of values (one list per field) as JSON holds them: dates as ISO text."""
    columns = list(columns)
    for i in _date_positions(kind):
        known: dict[date, str] = {}
        columns[i] = [
            None if v is None else known.get(v) or known.setdefault(v, v.isoformat())
            for v in columns[i]
        ]
    return columns


def from_validated(kind: str, columns: Sequence[list]) -> list[Any]:
    """Rows from validated columns (one list per field): built in C, a tuple per row. Rows
    are read, never changed: equal lists and mappings may be one object shared by rows."""
    return _rows(kind, fields(kind), columns)


def from_columns(kind: str, columns: Sequence[list], kept: dict | None = None) -> list[Any]:
    """Rows from `encode_columns`' lists (dates as ISO text): no Python code per row.
    `kept`: the `layout` they were kept with (then the models are not needed)."""
    names = tuple(kept["fields"]) if kept else fields(kind)
    columns = list(columns)
    for i in kept["dates"] if kept else _date_positions(kind):
        known: dict[str, date] = {}
        columns[i] = [
            None if v is None else known.get(v) or known.setdefault(v, date.fromisoformat(v))
            for v in columns[i]
        ]
    return _rows(kind, names, columns)


def _rows(kind: str, names: tuple[str, ...], columns: Sequence[list]) -> list[Any]:
    if len(columns) != len(names):
        raise ValueError(f"{kind}: {len(columns)} columns, {len(names)} fields")
    return list(map(tuple.__new__, repeat(_row_class(kind, names)), zip(*columns, strict=True)))


class Builder:
    """Rows of one roster, from models or from `encode`d values.

    Equal repeated strings (category, region, ...) are stored once.
    """

    def __init__(self, kind: str) -> None:
        self.make = row_class(kind)._make
        self.dates = _date_positions(kind)
        names = fields(kind)
        self.shared = [names.index(n) for n in _SHARED[kind]]
        self.lists = _list_positions(kind)
        self.pool: dict[str, str] = {}

    def from_model(self, model: Any) -> Any:
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
        return self.make(values)


def as_dict(kind: str, row: Any) -> dict[str, Any]:
    return dict(zip(fields(kind), row, strict=True))
