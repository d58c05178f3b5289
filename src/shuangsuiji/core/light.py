"""Validated models in a light form: read-only objects with the model's fields (and its
traits, core/traits.py), made and read without pydantic.

ssj.yaml and the plans are kept so in the local cache (workspace/snapshot.py): a command
whose cache is warm reads them without importing pydantic, which alone costs more than
the rest of a small command. A light object is made only from a model that validated
(`light_of`); it compares equal to that model, and to any light object of its values.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, get_args

from .traits import TRAITS


class Light:
    """A validated model's fields, read-only."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __eq__(self, other: object) -> bool:
        if type(other).__name__ != type(self).__name__:
            return NotImplemented
        fields = getattr(other, "_fields", None) or tuple(getattr(type(other), "model_fields", ()))
        return fields == self._fields and all(
            getattr(self, f) == getattr(other, f) for f in self._fields
        )

    __hash__ = None  # as a model's: equal by value, changing nothing

    def __repr__(self) -> str:
        shown = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields)
        return f"{type(self).__name__}({shown})"

    def __getattr__(self, name: str) -> Any:
        # Only for what is neither a field nor a trait: the model's own API (model_dump,
        # model_copy…), answered by the model validated from these values (with pydantic).
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.as_model(), name)

    def as_model(self) -> Any:
        """The model these values were validated as (pydantic is imported for it)."""
        return model_class(type(self).__name__).model_validate(as_data(self))

    def __reduce__(self) -> tuple:
        return made, (
            type(self).__name__,
            self._fields,
            tuple(map(self.__getattribute__, self._fields)),
        )


@cache
def light_class(name: str, fields: tuple[str, ...]) -> type:
    """The light class of the model `name` with these fields (its traits included)."""
    traits = (TRAITS[name],) if name in TRAITS else ()
    return type(name, (*traits, Light), {"__slots__": fields, "_fields": fields})


def made(name: str, fields: tuple[str, ...], values: tuple) -> Light:
    """A light object of the model `name` holding `values` (what pickle calls)."""
    out = object.__new__(light_class(name, tuple(fields)))
    for field, value in zip(fields, values, strict=True):
        object.__setattr__(out, field, value)
    return out


def model_class(name: str) -> type:
    """The model of that name among those whose light forms ssj makes (ssj.yaml's, the
    plans' and the draws' records, and every model inside them)."""
    return _models()[name]


@cache
def _models() -> dict[str, type]:
    from pydantic import BaseModel

    from .models import Config
    from .plan import Plan
    from .records import Draw, Prepared

    found: dict[str, type] = {}

    def walk(kind: Any) -> None:
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            if kind.__name__ in found:
                return
            found[kind.__name__] = kind
            for info in kind.model_fields.values():
                walk(info.annotation)
        for arg in get_args(kind):  # list[X], dict[str, X], X | None, Annotated[X, …]
            walk(arg)

    for model in (Config, Plan, Draw, Prepared):
        walk(model)
    return found


def light_of(value: Any) -> Any:
    """`value` with every pydantic model in it (a validated one) in its light form."""
    fields = getattr(type(value), "model_fields", None)
    if fields is not None:
        names = tuple(fields)
        return made(type(value).__name__, names, tuple(light_of(getattr(value, n)) for n in names))
    if isinstance(value, list):
        return [light_of(v) for v in value]
    if isinstance(value, dict):
        return {k: light_of(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(light_of(v) for v in value)
    return value


def as_json(value: Any) -> Any:
    """What pydantic's `model_dump(mode="json", exclude_none=True)` gives: of a light object
    (its fields that are not None), of a model, of lists and mappings of them, of dates."""
    if isinstance(value, Light):
        fields = ((f, getattr(value, f)) for f in value._fields)
        return {f: as_json(v) for f, v in fields if v is not None}
    dump = getattr(value, "model_dump", None)
    if dump is not None:
        return dump(mode="json", exclude_none=True)
    if isinstance(value, (list, tuple)):
        return [as_json(v) for v in value]
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def as_data(value: Any) -> Any:
    """A light object's fields as a mapping (nested ones too): what its model validates."""
    if isinstance(value, Light):
        return {f: as_data(getattr(value, f)) for f in value._fields}
    if isinstance(value, list):
        return [as_data(v) for v in value]
    if isinstance(value, dict):
        return {k: as_data(v) for k, v in value.items()}
    return value
