"""A fast block-YAML writer for the files ssj generates (draw, assignment, result records).

ruamel's emitter spends about 70 µs per scalar in its Python representer: a 100,000-unit
draw record took 7 s to write. The records hold only mappings with text keys, lists,
text, numbers, booleans and null (model_dump(mode="json")), which this module writes
directly, in the layout ruamel writes them. A text is written plain only when it is
plain-safe and no YAML 1.1 or 1.2 resolver would read it as another type (ruamel's own
resolver tables decide); otherwise it is quoted. Tests check that every output reads
back, with ruamel, as the data written.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from itertools import compress, islice
from operator import not_
from typing import Any

# Plain scalars: no indicator first, no ": " or " #" inside, no edge spaces, printable.
_PLAIN_FIRST = set("-?:,[]{}#&*!|>'\"%@` \t")
# At the start of a line these end or start a document, as ruamel knows: never plain.
_MARKERS = ("---", "...")
_PLAIN_BAD = re.compile(r": |:$| #|[\x00-\x1f\x7f\u0085\u2028\u2029\ufeff]|\s$")


# Each pattern a YAML 1.1 or 1.2 resolver of ruamel types texts by (pattern, re flags,
# the first characters it is tried for, '' the empty text): ruamel's own, as
# tests/storage/test_yamlemit.py checks against the installed ruamel; kept here so that
# writing a record needs no ruamel.
_RESOLVED = (
    (
        "^(?:y|Y|yes|Yes|YES|n|N|no|No|NO\n        |true|True|TRUE|false|False|FALSE\n        |on|On|ON|off|Off|OFF)$",
        re.X | re.U,
        ("F", "N", "O", "T", "Y", "f", "n", "o", "t", "y"),
    ),
    ("^(?: ~\n        |null|Null|NULL\n        | )$", re.X | re.U, ("", "N", "n", "~")),
    (
        "^(?:\n         [-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?\n        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)\n        |\\.[0-9_]+(?:[eE][-+][0-9]+)?\n        |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*  # sexagesimal float\n        |[-+]?\\.(?:inf|Inf|INF)\n        |\\.(?:nan|NaN|NAN))$",
        re.X | re.U,
        ("+", "-", ".", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
    ),
    (
        "^(?:[-+]?0b[0-1_]+\n        |[-+]?0?[0-7_]+\n        |[-+]?(?:0|[1-9][0-9_]*)\n        |[-+]?0x[0-9a-fA-F_]+\n        |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$",
        re.X | re.U,
        ("+", "-", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
    ),
    (
        "^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]\n        |[0-9][0-9][0-9][0-9] -[0-9][0-9]? -[0-9][0-9]?\n        (?:[Tt]|[ \\t]+)[0-9][0-9]?\n        :[0-9][0-9] :[0-9][0-9] (?:\\.[0-9]*)?\n        (?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$",
        re.X | re.U,
        ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
    ),
    ("^(?:<<)$", re.U, ("<",)),
    ("^(?:=)$", re.U, ("=",)),
    ("^(?:!|&|\\*)$", re.U, ("!", "&", "*")),
    ("^(?:true|True|TRUE|false|False|FALSE)$", re.X | re.U, ("F", "T", "f", "t")),
    (
        "^(?:\n         [-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?\n        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)\n        |[-+]?\\.[0-9_]+(?:[eE][-+][0-9]+)?\n        |[-+]?\\.(?:inf|Inf|INF)\n        |\\.(?:nan|NaN|NAN))$",
        re.X | re.U,
        ("+", "-", ".", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
    ),
    (
        "^(?:[-+]?0b[0-1_]+\n        |[-+]?0o?[0-7_]+\n        |[-+]?[0-9_]+\n        |[-+]?0x[0-9a-fA-F_]+)$",
        re.X | re.U,
        ("+", "-", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
    ),
)


def _union(patterns) -> re.Pattern:
    return re.compile("|".join(f"(?{'x' if flags & re.X else ''}:{p})" for p, flags in patterns))


class _Resolvers(dict):
    """First character -> one pattern matching what any YAML 1.1 or 1.2 resolver types
    (None: no resolver is tried), compiled when a text first starts with it."""

    def __missing__(self, first: str) -> re.Pattern | None:
        found = [(p, flags) for p, flags, firsts in _RESOLVED if first in firsts]
        self[first] = _union(found) if found else None
        return self[first]


_RESOLVERS = _Resolvers()


def _plain(text: str) -> bool:
    if not text or text[0] in _PLAIN_FIRST or _PLAIN_BAD.search(text) or not text.isprintable():
        return False
    if text.startswith(_MARKERS):
        return False
    typed = _RESOLVERS[text[0]]
    return typed is None or typed.match(text) is None


def _text(value: str) -> str:
    """scalar() of a text, the common case first: `_plain` with substring tests in place of
    its pattern (a printable text has no control character, and ends in a space only if
    it ends in " "), about twice as fast on the tens of thousands of ids and tickets of a
    big record."""
    if (
        value
        and value[0] not in _PLAIN_FIRST
        and value.isprintable()
        and ": " not in value
        and " #" not in value
        and not value.endswith((":", " "))
        and not value.startswith(_MARKERS)
    ):
        typed = _RESOLVERS[value[0]]
        if typed is None or typed.match(value) is None:
            return value
    return scalar(value)


def _double_quoted(text: str) -> str:
    """JSON's string syntax is YAML's double-quoted style; escape what YAML reads as breaks."""
    out = json.dumps(text, ensure_ascii=False)
    if out.isprintable():
        return out
    return "".join(
        c if c.isprintable() else (f"\\u{ord(c):04x}" if ord(c) < 0x10000 else f"\\U{ord(c):08x}")
        for c in out
    )


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if not isinstance(value, str):
        raise TypeError(f"cannot write {type(value).__name__} as YAML")
    if _plain(value):
        return value
    if value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    return _double_quoted(value)


def dump(data: Any) -> str:
    return "\n".join(_lines(data))


def dump_bytes(data: Any, header: str = "") -> bytes:
    """`header` + dump(data) in UTF-8, made a slice of lines at a time: a million-unit
    record's text is never held as lines, one string and its bytes at once."""
    lines = _lines(data)
    parts = [
        "\n".join(lines[start : start + _PART]).encode() for start in range(0, len(lines), _PART)
    ]
    lines.clear()
    parts[0] = header.encode() + parts[0]
    return b"\n".join(parts)


_PART = 4096  # lines (or list items) written at a time


def _lines(data: Any) -> list[str]:
    lines: list[str] = []
    # Keys, strata and periods repeat on every pick: each distinct text is judged once.
    text = _Texts()
    if isinstance(data, dict) and data:
        _mapping(data, "", lines, text)
    elif isinstance(data, list) and data:
        _sequence(data, "", lines, text)
    else:
        lines.append(_inline(data, text))
    lines.append("")
    return lines


class _Texts(dict):
    """scalar() of texts, memoized for one document; and what follows the key of each list
    of texts, by identity and indent (the checklist thousands of tasks share is one list)."""

    def __init__(self) -> None:
        super().__init__()
        self.lists: dict[tuple[int, str], str] = {}

    def __missing__(self, value: str) -> str:
        out = self[value] = _text(value) if type(value) is str else scalar(value)
        return out


def _inline(value: Any, text: _Texts) -> str:
    """A value on the same line as its key: scalars and empty collections."""
    if type(value) is str:
        return text[value]
    if isinstance(value, dict):
        if value:
            raise ValueError("a non-empty mapping is not inline")
        return "{}"
    if isinstance(value, list):
        if value:
            raise ValueError("a non-empty list is not inline")
        return "[]"
    return scalar(value)


def _nested(value: Any) -> bool:
    return isinstance(value, (dict, list)) and bool(value)


def _mapping(
    data: dict, indent: str, lines: list[str], text: _Texts, first: str | None = None
) -> None:
    """Lines of a mapping; `first` prefixes its first line (the "- " of a list item)."""
    append = lines.append
    for key, value in data.items():
        head = (first if first is not None else indent) + (
            text[key] if type(key) is str else scalar(key)
        )
        first = None
        if type(value) is str:
            append(head + ": " + text[value])
        elif not _nested(value):
            append(head + ": " + _inline(value, text))
        elif isinstance(value, dict):
            append(head + ":")
            _mapping(value, indent + "  ", lines, text)
        else:
            append(head + ":")
            _sequence(value, indent, lines, text)


def _sequence(
    data: list, indent: str, lines: list[str], text: _Texts, first: str | None = None
) -> None:
    """Lines of a list; `first` prefixes its first line (the "- " of an outer list)."""
    if first is None and len(data) >= _BULK and _bulk_sequence(data, indent, lines, text):
        return
    append = lines.append
    dash = indent + "- "
    inner = indent + "  "
    # Items of one shape (the picks of a draw: the same keys, every value a text) share
    # their keys' line heads.
    shape: tuple | None = None
    heads: list[str] = []
    for item in data:
        head = dash if first is None else first + "- "
        first = None
        if type(item) is str:
            append(head + text[item])
        elif not _nested(item):
            append(head + _inline(item, text))
        elif isinstance(item, dict):
            values = item.values()
            if head is dash and all(type(v) is str for v in values):
                keys = tuple(item)
                if keys != shape and all(type(k) is str for k in keys):
                    shape = keys
                    heads = [dash + text[keys[0]] + ": "]
                    heads += [inner + text[k] + ": " for k in keys[1:]]
                if keys == shape:
                    lines += [h + text[v] for h, v in zip(heads, values, strict=True)]
                    continue
            _mapping(item, inner, lines, text, first=head)
        else:
            _sequence(item, inner, lines, text, first=head)


# Long lists (the ids and picks of a big record) are written column by column, their
# texts screened together, in a few passes of C over the column joined by line breaks:
# a text is surely plain and untyped when it is made of plain-safe characters, does not
# start with "0x" (hex integers) and holds a character no resolver's pattern can (any
# non-ASCII one; c and d only after "0x"). Ids with a letter such as G, H, K and tickets with a c or d
# (nearly all) pass; the rest take the exact test, one by one.
_BULK = 64
# "Not ASCII" is written as the negation of ASCII: a class with a range up to U+10FFFF
# takes milliseconds to compile, and so does each class of the CJK range in _SAFE; the
# patterns holding _SAFE are compiled when first used, not on every start of ssj.
_NEVER_TYPED = "[cdCDghjkmpqvwGHJKMPQVW/]|[^\x00-\x7f]"
_SAFE = r"[0-9A-Za-z\u4e00-\u9fa5][0-9A-Za-z\u4e00-\u9fa5._/-]*"
_MARKED = re.compile(_NEVER_TYPED)


@cache
def all_safe() -> re.Pattern:
    """Lines of plain-safe characters."""
    return re.compile(rf"{_SAFE}(?:\n{_SAFE})*")


def _column(values: list, text: _Texts) -> list[str]:
    """scalar() of each text of a column, the surely plain ones screened in bulk."""
    joined = "\n".join(values)
    if (
        joined.count("\n") != len(values) - 1
        or any(joined.startswith(h) or "\n" + h in joined for h in ("0x", "0X"))
        or not all_safe().fullmatch(joined)
    ):
        return list(map(text.__getitem__, values))
    unmarked = set(compress(values, map(not_, map(_MARKED.search, values))))
    if not unmarked:
        return values
    exact = {v: text[v] for v in unmarked}
    return list(map(exact.get, values, values))


def _bulk_sequence(data: list, indent: str, lines: list[str], text: _Texts) -> bool:
    """A long list of texts, or of mappings of one shape (_records), in bulk; False
    (nothing written) for any other list."""
    kinds = set(map(type, data))
    if kinds == {str}:
        dash = indent + "- "
        lines += [dash + t for t in _column(data, text)]
        return True
    if kinds != {dict}:
        return False
    # A part at a time, so that a big list's columns are never all held at once; a list
    # that proves not to fit is taken back and written item by item.
    start = len(lines)
    for first in range(0, len(data), _PART):
        records = _records(data[first : first + _PART], indent, text)
        if records is None:
            del lines[start:]
            return False
        lines += records
    return True


def _records(data: list[dict], indent: str, text: _Texts) -> list[str] | None:
    """Each mapping of a list, as the lines of one list item, written column by column: the
    mappings have one shape, each key's values are all texts, all integers or all lists
    (_lists). The picks of a draw, the tasks of an assignment. None for any other list."""
    shapes = set(map(tuple, data))
    if len(shapes) != 1:
        return None
    (keys,) = shapes
    if not keys or set(map(type, keys)) != {str}:
        return None
    inner = indent + "  "
    columns = []
    for key in keys:
        values = [d[key] for d in data]
        kinds = set(map(type, values))
        head = text[key] + ":"
        if kinds == {str}:
            columns.append([head + " " + t for t in _column(values, text)])
        elif kinds == {int}:
            columns.append([head + " " + str(v) for v in values])
        elif kinds == {list}:
            nested = _lists(values, inner, text)
            if nested is None:
                return None
            columns.append([head + t for t in nested])
        else:
            return None
    joiner = "\n" + inner
    return [indent + "- " + joiner.join(parts) for parts in zip(*columns, strict=True)]


def _lists(values: list[list], indent: str, text: _Texts) -> list[str] | None:
    """What follows the key of each list of a column, at `indent`: " []", or the list's
    lines. The lists hold texts (each distinct list written once: tasks share their
    checklist), or mappings of one shape (_records, all of the column's at once)."""
    # Each distinct list looked at once (the document holds them throughout, so their ids
    # are not reused meanwhile).
    distinct = {id(items): items for items in values}
    kinds = {type(v) for items in distinct.values() for v in items}
    if kinds == {str}:
        known = text.lists
        for key, items in distinct.items():
            if (key, indent) not in known:
                lines: list[str] = []
                if items:
                    _sequence(items, indent, lines, text)
                known[key, indent] = "\n" + "\n".join(lines) if lines else " []"
        return [known[id(items), indent] for items in values]
    if kinds - {dict}:
        return None
    flat = [v for items in values for v in items]
    records = _records(flat, indent, text) if flat else []
    if records is None:
        return None
    each = iter(records)
    return ["\n" + "\n".join(islice(each, len(items))) if items else " []" for items in values]
