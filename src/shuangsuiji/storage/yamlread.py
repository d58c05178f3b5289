"""A fast reader for the YAML ssj generates itself (storage/yamlemit's layout), and only that.

ruamel builds a node for every scalar of a document before it constructs the data: a
million-unit assignment record (110 MB, 5.8 million lines) took minutes and gigabytes.
yamlemit writes one fixed block layout, which this module reads line by line, the long
runs of list items (the ids of a draw, the picks, the checklists of the tasks) a whole
run at a time with regular expressions and column screens.

Exactness first (an audit tool reads its evidence here): `parse_generated` returns a value
only when ruamel's safe load would return the same, which it ensures by accepting nothing
but yamlemit's own spellings: a plain scalar only if yamlemit writes that text plain, an
integer only as str(int) writes it, quoted scalars only in yamlemit's two quoting styles.
Anything else (another layout, tabs, comments after the header, anchors, tags, flow
collections, duplicate keys, trailing spaces, nesting deeper than `max_depth`) gives
None, and the caller reads the text with ruamel, which reports any problem with its line.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from itertools import compress
from operator import not_
from typing import Any

from .yamlemit import _MARKED, _NEVER_TYPED, _SAFE, _double_quoted, _text, all_safe

MAX_DEPTH = 32  # yamlio.MAX_DEPTH, which yamlio passes (this module does not import it)
# libyaml finds an implicit key's ":" only within 1024 characters of its start.
_MAX_KEY = 1000
_MEMO = 8192  # distinct scalars remembered at once (the strata, periods, checklist codes)
_SHORT = 16  # longer scalars (ids, tickets) are rarely repeated: not remembered
_RUN = 4096  # items of one shape read per regular-expression match (bounds the temporaries)

_SINGLE = re.compile(r"'(?:[^'\n]|'')*'")
_DOUBLE = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_LITERALS: dict[str, Any] = {
    "null": None,
    "true": True,
    "false": False,
    ".inf": math.inf,
    "-.inf": -math.inf,
    ".nan": math.nan,
}
_SCALAR_TYPES = (str, int, float, bool, type(None))


@cache
def _surely_plain() -> re.Pattern:
    """yamlemit._column's screen for one text: plain-safe characters, one that no
    resolver's pattern holds, no "0x" start; such a text is written plain (an id, a ticket)."""
    return re.compile(rf"(?!0[xX])(?=.*(?:{_NEVER_TYPED})){_SAFE}", re.S)


class _NotGenerated(Exception):
    """The text leaves yamlemit's layout somewhere: ruamel reads it."""


def parse_generated(text: str, max_depth: int = MAX_DEPTH) -> Any | None:
    """The document's data if the text is in exactly yamlemit's layout (after `#` header
    lines) and nests at most `max_depth` collections deep; None when it is not, or when
    the data is null."""
    try:
        return _Reader(text, max_depth).document()
    except (_NotGenerated, RecursionError, ValueError, OverflowError):
        return None  # a slip of this reader's is no error: ruamel reads the text


def _bad() -> _NotGenerated:
    return _NotGenerated()


def _single(token: str) -> str:
    """A single-quoted scalar as yamlemit writes one: printable, quotes doubled."""
    inner = token[1:-1]
    value = inner.replace("''", "'")
    if len(token) < 2 or token[-1] != "'" or value.replace("'", "''") != inner:
        raise _bad()
    if not value.isprintable():
        raise _bad()
    return value


# yamlemit escapes a character beyond U+FFFF as \UXXXXXXXX, which JSON does not know.
_LONG_ESCAPE = re.compile(r"\\U([0-9a-fA-F]{8})|\\.")


def _long_escape(match: re.Match) -> str:
    if not match[1]:
        return match[0]
    code = int(match[1], 16)
    if code > 0x10FFFF:
        raise _bad()
    return chr(code)


def _double(token: str) -> str:
    """A double-quoted scalar as yamlemit writes one (JSON's string syntax)."""
    try:
        value = json.loads(_LONG_ESCAPE.sub(_long_escape, token) if "\\U" in token else token)
    except ValueError:
        raise _bad() from None
    if type(value) is not str or _double_quoted(value) != token:
        raise _bad()
    try:
        value.encode("utf-8")  # a lone surrogate escape: libyaml refuses it
    except UnicodeEncodeError:
        raise _bad() from None
    return value


def _number(token: str) -> int | float:
    """An integer as str(int) writes it, a finite float as repr(float) writes it."""
    try:
        number = int(token)
    except ValueError:
        pass
    else:
        if str(number) != token:
            raise _bad()
        return number
    try:
        real = float(token)
    except ValueError:
        raise _bad() from None
    if not math.isfinite(real) or repr(real) != token:
        raise _bad()
    return real


def _scalar(token: str) -> Any:
    """A scalar token's value, by yamlemit's spelling of it (no empty collections)."""
    if not token:
        raise _bad()
    first = token[0]
    if first == "'":
        return _single(token)
    if first == '"':
        return _double(token)
    if _text(token) == token:
        return token
    if token in _LITERALS:
        return _LITERALS[token]
    return _number(token)


def _key(token: str) -> str:
    """A mapping key: a text, spelled as yamlemit spells it."""
    if len(token) > _MAX_KEY:
        raise _bad()
    first = token[:1]
    if first == "'":
        return _single(token)
    if first == '"':
        return _double(token)
    if not token or _text(token) != token:
        raise _bad()
    return token


_SCALAR = object()  # _entry's mark: the content is a scalar, not a mapping entry
_NOT_PLAIN_KEY = "'\" "  # quoted keys, and lines deeper than their mapping's keys


def _entry(content: str) -> tuple[Any, str | None]:
    """(key token, value token or None when the value is on the next lines), or
    (_SCALAR, content) for a line that holds no key."""
    first = content[:1]
    if first == "'" or first == '"':
        match = (_SINGLE if first == "'" else _DOUBLE).match(content)
        if match is None:
            raise _bad()
        end = match.end()
        rest = content[end:]
        if not rest:
            return _SCALAR, content
        if rest == ":":
            return content[:end], None
        if rest[:2] != ": ":
            raise _bad()
        return content[:end], rest[2:]
    colon = content.find(": ")
    if colon >= 0:
        return content[:colon], content[colon + 2 :]
    if content.endswith(":"):
        return content[:-1], None
    return _SCALAR, content


def _hex_start(joined: str) -> bool:
    return joined.startswith(("0x", "0X")) or "\n0x" in joined or "\n0X" in joined


@cache
def _scalar_run(indent: int) -> re.Pattern:
    """Consecutive list items at `indent` (each line "- " and anything)."""
    return re.compile(f"(?:{' ' * indent}- [^\\n]*\\n)+")


@cache
def _shaped(indent: int, keys: tuple[str, ...]) -> tuple[re.Pattern, re.Pattern]:
    """(one item, up to _RUN items) of a list at `indent` of mappings with these keys in
    this order, each value inline; an item ends where no line of it follows."""
    dash, inner = " " * indent + "- ", " " * (indent + 2)
    heads = [dash + re.escape(_text(keys[0]))] + [inner + re.escape(_text(k)) for k in keys[1:]]
    item = "".join(f"{head}: ([^\\n]*)\\n" for head in heads) + f"(?!{inner})"
    bare = item.replace("([^\\n]*)", "[^\\n]*")
    return re.compile(item), re.compile(f"(?:{bare}){{1,{_RUN}}}")


class _Reader:
    def __init__(self, text: str, max_depth: int) -> None:
        self.text = text
        # Block collections one short of the limit: their empty ones ({}, []) one deeper.
        self.max_depth = max_depth - 1
        self.memo: dict[str, Any] = {}
        self.keys: dict[str, str] = {}
        self.lists: dict[str, list] = {}  # a short run of texts (a checklist) read once
        self.surely_plain = _surely_plain().fullmatch

    # -------------------------------------------------------------- scalars

    def scalar(self, token: str) -> Any:
        memo = self.memo
        value = memo.get(token, _SCALAR)
        if value is not _SCALAR:
            return value
        if self.surely_plain(token):
            value = token
        elif token == "{}":
            return {}
        elif token == "[]":
            return []
        else:
            value = _scalar(token)
        if len(token) <= _SHORT:
            if len(memo) >= _MEMO:
                memo.clear()
            memo[token] = value
        return value

    def key(self, token: str) -> str:
        keys = self.keys
        key = keys.get(token)
        if key is None:
            key = _key(token)
            if len(keys) >= _MEMO:
                keys.clear()
            keys[token] = key
        return key

    def column(self, joined: str, count: int) -> list:
        """The values of `count` tokens joined by line breaks."""
        values = self.screened(joined, count)
        if values is None:
            values = [self.scalar(v) for v in joined.split("\n")]
        return values

    def screened(self, joined: str, count: int) -> list | None:
        """The values of `count` tokens joined by line breaks when they all are texts and
        numbers of plain-safe characters, else None. A text with a character no resolver
        can type is plain for sure (yamlemit._column's screen); the rest are read one by
        one. A repeated text is made once (the strata and periods of the picks)."""
        if (
            joined.count("\n") != count - 1
            or _hex_start(joined)
            or not all_safe().fullmatch(joined)
        ):
            return None
        values = joined.split("\n")
        distinct = set(values)
        unmarked = list(compress(distinct, map(not_, map(_MARKED.search, distinct))))
        if 2 * len(distinct) > count:  # mostly distinct: ids, tickets
            if not unmarked:
                return values
            exact = {v: self.scalar(v) for v in unmarked}
            return list(map(exact.get, values, values))
        exact = {v: v for v in distinct}
        exact.update((v, self.scalar(v)) for v in unmarked)
        return list(map(exact.__getitem__, values))

    # -------------------------------------------------------------- structure

    def document(self) -> Any:
        text = self.text
        if not text.endswith("\n"):
            raise _bad()
        pos = 0
        while text.startswith("#", pos):  # the header ssj writes
            end = text.index("\n", pos)
            if not text[pos:end].isprintable():
                raise _bad()
            pos = end + 1
        if pos == len(text) or text.startswith(("---", "..."), pos):
            raise _bad()  # empty, or a document marker
        end = text.index("\n", pos)
        content = text[pos:end]
        pos = end + 1
        if content.startswith("- "):
            value, pos = self.sequence(pos, 0, content[2:], 1)
        else:
            key, rest = _entry(content)
            if key is _SCALAR:
                value = self.scalar(content)
            else:
                value, pos = self.mapping(pos, 0, (key, rest), 1)
        if pos != len(text):
            raise _bad()
        return value

    def nested(self, pos: int, indent: int, depth: int) -> tuple[Any, int]:
        """The value of a key written on the lines after it."""
        text = self.text
        if text.startswith(" " * indent + "- ", pos):
            return self.sequence(pos, indent, None, depth)
        if text.startswith(" " * (indent + 2), pos):
            return self.mapping(pos, indent + 2, None, depth)
        raise _bad()

    def mapping(
        self, pos: int, indent: int, first: tuple[str, str | None] | None, depth: int
    ) -> tuple[dict, int]:
        """A mapping whose keys start at column `indent`; `first` is its first entry when
        that is on a list item's line, already read."""
        if depth > self.max_depth:
            raise _bad()
        # The loop is the reader's hot path: the memos are looked up in place.
        text, memo, keys = self.text, self.memo, self.keys
        lead = " " * indent
        size = len(text)
        out: dict[str, Any] = {}
        while True:
            if first is not None:
                token, rest = first
                first = None
            else:
                if pos == size or not text.startswith(lead, pos):
                    break
                end = text.index("\n", pos)
                content = text[pos + indent : end]
                pos = end + 1
                colon = content.find(": ")
                if colon > 0 and content[0] not in _NOT_PLAIN_KEY:
                    token, rest = content[:colon], content[colon + 2 :]
                else:
                    token, rest = _entry(content)
                    if token is _SCALAR or token[:1] == " ":
                        raise _bad()  # a line that is no entry, or deeper than the keys
            key = keys.get(token) or self.key(token)
            if key in out:
                raise _bad()  # ruamel refuses duplicate keys: let it say so
            if rest is None:
                out[key], pos = self.nested(pos, indent, depth + 1)
            else:
                value = memo.get(rest, _SCALAR)
                out[key] = value if value is not _SCALAR else self.scalar(rest)
        return out, pos

    def sequence(self, pos: int, indent: int, first: str | None, depth: int) -> tuple[list, int]:
        """A list whose "- " marks are at column `indent`; `first` is its first item's
        content when that follows an outer "- " on the same line."""
        if depth > self.max_depth:
            raise _bad()
        text = self.text
        dash = " " * indent + "- "
        skip = indent + 2
        out: list = []
        if first is None:
            done = self.scalar_run(pos, indent, out)
            if done is not None:
                return out, done
        while True:
            if first is not None:
                content = first
                first = None
            else:
                if not text.startswith(dash, pos):
                    break
                end = text.index("\n", pos)
                content = text[pos + skip : end]
                pos = end + 1
            if content.startswith("- "):
                item, pos = self.sequence(pos, indent + 2, content[2:], depth + 1)
                out.append(item)
                continue
            token, rest = _entry(content)
            if token is _SCALAR:
                out.append(self.scalar(content))
                continue
            item, pos = self.mapping(pos, indent + 2, (token, rest), depth + 1)
            out.append(item)
            if text.startswith(dash, pos):
                pos = self.shaped_run(pos, indent, item, out)
        return out, pos

    # -------------------------------------------------------------- bulk

    def scalar_run(self, pos: int, indent: int, out: list) -> int | None:
        """A whole list of plain-safe texts and numbers from `pos` (appended to `out`; the
        position after it), else None (nothing read). A short one read before (the
        checklist of many tasks) is taken as read then."""
        text = self.text
        eol = text.index("\n", pos)
        if text.find(": ", pos, eol) >= 0 or text[eol - 1] == ":":
            return None  # a list of mappings (the inspectors of a task)
        end = _scalar_run(indent).match(text, pos).end()
        dash = " " * indent + "- "
        block = text[pos + len(dash) : end - 1]
        known = self.lists.get(block)
        if known is not None:
            out += known
            return end
        values = self.screened(block.replace("\n" + dash, "\n"), block.count("\n") + 1)
        if values is None:
            return None
        if len(block) <= 4096:
            if len(self.lists) >= _MEMO:
                self.lists.clear()
            self.lists[block] = values
        out += values
        return end

    def shaped_run(self, pos: int, indent: int, item: dict, out: list) -> int:
        """The items from `pos` on that have `item`'s keys, in order, each value inline,
        appended to `out`; the position after them."""
        if not all(type(v) in _SCALAR_TYPES or not v for v in item.values()):
            return pos
        keys = tuple(item)
        one, many = _shaped(indent, keys)
        text, scalar = self.text, self.scalar
        while True:
            match = many.match(text, pos)
            if match is None:
                return pos
            rows = one.findall(text, pos, match.end())
            pos = match.end()
            if len(keys) == 1:
                rows = [(r,) for r in rows]
            count = len(rows)
            if count < 16:  # a team of inspectors: the column screens would cost more
                out += [dict(zip(keys, map(scalar, row), strict=True)) for row in rows]
                continue
            columns = [self.column("\n".join(v), count) for v in zip(*rows, strict=True)]
            out += [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]
