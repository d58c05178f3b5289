"""A roster sheet validated a column at a time: each distinct value checked once.

Row by row through the model a row takes about 40 µs. Most columns of a roster
(category, region, status, risk, industries, dates) take a few values over a hundred
thousand rows: each distinct cell is validated once, by the row model's own field (a
one-field model made from it, so the value is the model's). Columns that differ on every
row (ids, names) are accepted in C loops when their cells are clean text, or valid credit
codes, which the field's validator gives back unchanged (models.KEEPS_CLEAN_TEXT,
KEEPS_CREDIT_CODE); any other cell goes through its field. When a cell fails or an id
repeats, the sheet is validated again row by row (tables.validate_sheet), which reports
every problem as the model words it, with its row and column.
"""

from __future__ import annotations

import contextlib
import itertools
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from typing import Any

from annotated_types import MinLen
from pydantic import BeforeValidator, ValidationError, WithJsonSchema, create_model

from .creditcode import valid_credit_codes
from .models import KEEPS_CLEAN_TEXT, KEEPS_CREDIT_CODE, MAX_TEXT, ROSTERS
from .tables import Sheet, extra_value, id_field, layout, model_input, validate_sheet
from .values import clean_texts

CHUNK = 1 << 16  # rows taken from the sheet at a time: their cells are freed once checked
_FAILED = object()


@dataclass
class Validated:
    """A sheet's validated rows, one list per field of the row model (in its order)."""

    kind: str
    numbers: list[int]  # each row's number, as the spreadsheet shows it
    columns: list[list]  # a list or mapping value is the row's own
    present: frozenset[str]  # the fields the sheet has
    with_extra: list[bool]  # the rows that have other columns filled ("extra" is present)

    def __len__(self) -> int:
        return len(self.numbers)

    def presents(self) -> list[frozenset[str]]:
        """For each row, the fields it has (as validate_sheet gives them)."""
        with_extra = self.present | {"extra"}
        return [with_extra if e else self.present for e in self.with_extra]


def validate(read: Callable[[], Sheet], kind: str | None, shared: bool = False) -> Validated:
    """The validated rows of the sheet `read` gives; InputError with every problem.

    `read` is called once, or a second time when a problem is found: the problems are
    then reported by validating the sheet row by row. `shared`: rows may share their lists
    and mappings, for columns that are only read (a read-back compares them): at a million
    rows this saves a few hundred MB.
    """
    sheet = read()
    kind, fields = layout(sheet, kind)
    found = _by_column(sheet, kind, fields, shared) if field_by_field(kind) else None
    if found is not None:
        return found
    _, built = validate_sheet(read(), kind, keep=_in_field_order)
    return _from_rows(kind, fields, built)


@cache
def field_by_field(kind: str) -> bool:
    """Whether the row model checks each field on its own: a check across fields
    (a model validator) is only run row by row."""
    return not ROSTERS[kind][0].__pydantic_decorators__.model_validators


def _in_field_order(model: Any) -> list:
    return list(model.__dict__.values())  # a model's __dict__ holds its fields in order


def _from_rows(kind: str, fields: list[str | None], built: list) -> Validated:
    """The rows row-by-row validation found (a sheet it could not tell apart from a bad one)."""
    count = len(_fields(kind))
    columns = [list(c) for c in zip(*(v for _, v, _ in built), strict=True)] or [
        [] for _ in range(count)
    ]
    present = frozenset(f for f in fields if f)
    with_extra = ["extra" in p for _, _, p in built]
    return Validated(kind, [n for n, _, _ in built], columns, present, with_extra)


@dataclass(frozen=True)
class _Field:
    name: str
    check: Callable[[object], Any]  # a cell's model input -> the value (or ValidationError)
    default: Callable[[], Any] | None  # the value of an empty cell; None: the field is required
    bulk: str | None  # "text" or "credit code": a column of clean cells is taken as it is
    own: type | None  # list or dict: each row gets its own copy


@cache
def _fields(kind: str) -> tuple[_Field, ...]:
    model = ROSTERS[kind][0]
    out = []
    for name, info in model.model_fields.items():
        single = create_model(
            f"{model.__name__}_{name}",
            __config__=model.model_config,
            **{name: (info.annotation, info)},
        )
        origin = typing.get_origin(info.annotation) or info.annotation
        out.append(
            _Field(
                name,
                _checker(single.__pydantic_validator__.validate_python, name),
                None if info.is_required() else _defaulter(info),
                _bulk(info),
                origin if origin in (list, dict) else None,
            )
        )
    return tuple(out)


def _checker(validate: Callable, name: str) -> Callable[[object], Any]:
    return lambda value: getattr(validate({name: value}), name)


def _defaulter(info: Any) -> Callable[[], Any]:
    return lambda: info.get_default(call_default_factory=True)


def _bulk(info: Any) -> str | None:
    """Whether the field gives back unchanged every clean text, or every valid credit code."""
    validators = [m.func for m in info.metadata if isinstance(m, BeforeValidator)]
    plain = all(
        isinstance(m, (BeforeValidator, WithJsonSchema)) or m == MinLen(1) for m in info.metadata
    )
    if len(validators) != 1 or not plain or info.annotation not in (str, str | None):
        return None
    if validators[0] in KEEPS_CLEAN_TEXT:
        return "text"
    if validators[0] in KEEPS_CREDIT_CODE:
        return "credit code"
    return None


def _by_column(
    sheet: Sheet, kind: str, fields: list[str | None], shared: bool = False
) -> Validated | None:
    """The sheet's rows validated by column; None when a cell fails or an id repeats."""
    width = len(sheet.headers)
    # A CSV's cells are text (None: a short row's)
    check = Columns(kind, sheet.headers, fields, shared, text_only=sheet.encoding is not None)
    for chunk in _chunks(sheet.rows):
        numbers = list(map(itemgetter(0), chunk))
        cells = list(map(itemgetter(1), chunk))
        del chunk
        short = bool(set(map(len, cells)) - {width})
        if short:
            cells = [(list(c) + [None] * width)[:width] for c in cells]
        by_column = list(zip(*cells, strict=True)) if width else []
        del cells
        if check.add(numbers, by_column, len(numbers), padded=short) is None:
            return None
        del by_column
    return check.result()


def _chunks(rows: Iterable[tuple[int, Any]]) -> Iterator[list[tuple[int, Any]]]:
    """A sheet's rows, about CHUNK at a time; taken in the sheet's own chunks when it reads
    them so (storage/tabular.Rows)."""
    parts = getattr(rows, "chunks", None)
    if parts is None:
        rows = iter(rows)
        while chunk := list(itertools.islice(rows, CHUNK)):
            yield chunk
        return
    chunk: list[tuple[int, Any]] = []
    for part in parts():
        chunk += part
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Columns:
    """A sheet's rows validated a chunk of columns at a time (`add`), then `result`.

    Fed the columns of a sheet's chunks of rows, in order, it gives what `_by_column`
    gives for that sheet: the same checks on the same cells.
    """

    def __init__(
        self,
        kind: str,
        headers: list[str],
        fields: list[str | None],
        shared: bool = False,
        text_only: bool = False,
    ) -> None:
        self.kind, self.fields, self.shared, self.text_only = kind, fields, shared, text_only
        self.specs = _fields(kind)
        self.position = {f.name: i for i, f in enumerate(self.specs)}
        self.ident = id_field(kind)
        self.extra_headers = [
            (i, h) for i, (h, f) in enumerate(zip(headers, fields, strict=True)) if not f and h
        ]
        self.columns: list[list] = [[] for _ in self.specs]
        self.memos: list[dict] = [{} for _ in self.specs]
        self.pool: dict[str, str] = {}  # one string for each repeated value
        self.numbers: list[int] = []
        self.with_extra: list[bool] = []
        self.failed = False

    def add(
        self, numbers: list[int], by_column: Sequence[Sequence], count: int, padded: bool = True
    ) -> list[list] | None:
        """The next `count` rows (`numbers`), one sequence of cells per sheet column: their
        validated columns (one list per field); None when a cell fails (or a required
        field has no column). `padded`: short rows were made long with None (a CSV's
        cells are otherwise all text)."""
        if self.failed:
            return None
        specs, position, shared = self.specs, self.position, self.shared
        kinds = ({str, type(None)} if padded else {str}) if self.text_only else None
        chunk: list[list | None] = [None] * len(specs)
        for i, field in enumerate(self.fields):
            if not field:
                continue
            at = position[field]
            found = _column(
                specs[at], by_column[i], self.memos[at], self.pool, field == self.ident, kinds
            )
            if found is None:
                self.failed = True
                return None
            chunk[at] = found if shared else _copies(specs[at], found)
        for at, spec in enumerate(specs):
            if chunk[at] is None and spec.name != "extra":
                if spec.default is None:
                    self.failed = True
                    return None  # a required field's column is missing: layout refused it
                default = [spec.default()] * count
                chunk[at] = default if shared else _copies(spec, default)
        chunk_extra = _extras(self.extra_headers, by_column, count, shared)
        if "extra" in position:
            chunk[position["extra"]] = chunk_extra
        self.numbers += numbers
        self.with_extra += map(bool, chunk_extra)
        for column, found in zip(self.columns, chunk, strict=True):
            column += found
        return chunk

    def result(self) -> Validated | None:
        """The rows added, validated; None when a cell failed or an id repeats."""
        if self.failed:
            return None
        columns = self.columns
        ids = columns[self.position[self.ident]]
        if len(set(ids)) != len(ids):
            return None
        present = frozenset(f for f in self.fields if f)
        return Validated(self.kind, self.numbers, columns, present, self.with_extra)


def _column(
    spec: _Field,
    cells: Sequence[object],
    memo: dict,
    pool: dict[str, str],
    is_id: bool,
    kinds: set[type] | None = None,
) -> list | None:
    """One column of a chunk validated, equal lists and mappings one object (the caller
    copies them); None when a cell fails.

    `kinds`: the types the cells may have, when known (a CSV's are text, or None in a short
    row's), so that they need not be looked at.
    """
    kinds = set(map(type, cells)) if kinds is None else kinds
    if spec.bulk and _many_texts(cells, kinds):
        clean = clean_texts(cells, MAX_TEXT) if spec.bulk == "text" else valid_credit_codes(cells)
        if all(clean):
            return list(cells)
        local: dict = {}
        out = []
        for cell, ok in zip(cells, clean, strict=True):
            if ok:
                out.append(cell)
                continue
            if cell not in local:
                local[cell] = _checked(spec, cell, is_id, pool)
            if local[cell] is _FAILED:
                return None
            out.append(local[cell])
        return out
    keys = _keys(cells, kinds)
    if memo:  # a later chunk: its values are most often all known already
        with contextlib.suppress(KeyError):
            return list(map(memo.__getitem__, keys))
    if len(memo) > CHUNK:
        memo.clear()  # a column of many distinct values: do not keep them all
    for key in set(keys).difference(memo):
        memo[key] = _checked(spec, _cell_of(key, keys is cells), is_id, pool)
        if memo[key] is _FAILED:
            return None
    return list(map(memo.__getitem__, keys))


_SAMPLE = 1024


def _many_texts(cells: Sequence[object], kinds: set[type]) -> bool:
    """Whether the column is text that differs from row to row (ids, names), judged on
    its first cells: a column of few values (category, region) is rather checked value
    by value, and each value kept once."""
    if not kinds <= {str, type(None)} or (type(None) in kinds and None in cells):
        return False
    return len(set(cells[:_SAMPLE])) > min(len(cells), _SAMPLE) // 4


def _keys(cells: Sequence[object], kinds: set[type]) -> Sequence[object]:
    """A key per cell, equal for equal cells only: True and 1, 1 and 1.0 (an XLSX's cells)
    are equal in Python, so a cell that is not text is keyed with its type."""
    return cells if kinds <= {str, type(None)} else [(type(c), c) for c in cells]


def _cell_of(key: object, plain: bool) -> object:
    return key if plain else key[1]


def _checked(spec: _Field, cell: object, is_id: bool, pool: dict[str, str]) -> Any:
    """A cell's value, as the model gives it; _FAILED when the model refuses it."""
    value = model_input(cell, is_id)
    if value is None:
        return _FAILED if spec.default is None else spec.default()
    try:
        found = spec.check(value)
    except ValidationError:
        return _FAILED
    if isinstance(found, str):
        return pool.setdefault(found, found)
    if isinstance(found, list):
        return [pool.setdefault(v, v) if isinstance(v, str) else v for v in found]
    return found


def _copies(spec: _Field, column: list) -> list:
    """Each row its own list or mapping: a row never shares one it could change."""
    return list(map(spec.own, column)) if spec.own else column


def _extras(
    headers: list[tuple[int, str]], by_column: list, count: int, shared: bool = False
) -> list[dict]:
    """Each row's `extra`: the filled cells of the columns that are no field, by header."""
    if not headers:
        return [{}] * count if shared else [{} for _ in range(count)]
    memo: dict = {}
    texts = []
    for i, _ in headers:
        keys = _keys(by_column[i], set(map(type, by_column[i])))
        for key in set(keys).difference(memo):
            memo[key] = extra_value(_cell_of(key, keys is by_column[i]))
        texts.append(list(map(memo.__getitem__, keys)))
    names = [h for _, h in headers]
    return [
        {h: v for h, v in zip(names, row, strict=True) if v} for row in zip(*texts, strict=True)
    ]
