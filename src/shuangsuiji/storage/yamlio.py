"""YAML in and out.

Generated files and rosters are read with the C-based safe loader (fast). Files a
person edits and ssj writes back (ssj.yaml, plans, rosters after an import) use the
round-trip mode, which keeps their comments and order; it is far slower, so it is
used only there, and to find the line of a problem once a fast read has failed.
"""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.problems import InputError, Problem

if TYPE_CHECKING:
    from ruamel.yaml import YAML

# ruamel is imported where it is used: a command whose files are all read by
# storage/yamlread or from the cache never loads it.

MAX_BYTES = 512 * 1024 * 1024
# Hostile documents are refused before they are built (docs/security.md):
# - anchors and aliases: ssj never writes them, and an alias bomb ("billion laughs")
#   is cheap to load as shared references but explodes when validated or printed;
# - nesting deeper than MAX_DEPTH: ssj's files nest 5 levels, and the C composer
#   recurses without limit (a 100,000-deep document crashes the interpreter);
# - explicit tags other than the plain core ones (!!binary, !!set, !!python/...).
MAX_DEPTH = 32
_PLAIN_TAGS = frozenset(
    {"!"}
    | {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map")}
)
# Cheap screens over the text: a document that passes them cannot hold an anchor, an
# alias, a tag or a deep nesting, so the event scan (about a tenth of a load) is skipped.
# `&`, `*` and `!` are indicators only at the start of a token.
_INDICATOR = re.compile(r"(?:^|[\s\[\]{},:\"'])[&*!]")
# A block collection starts after its line's indentation and compact indicators
# ("- ", "? ", ": "), and each two levels of block nesting move at least one column
# right: with no line holding a run of 12 such leading characters, block depth <= 24.
_BLOCK_COLUMNS = 12
_DEEP_LINE = re.compile(rf"\n[ \t?:-]{{{_BLOCK_COLUMNS}}}")
_DEEP_START = re.compile(rf"[ \t?:-]{{{_BLOCK_COLUMNS}}}")
_LONE_CR = re.compile(r"\r(?!\n)")
_FLOW_BUDGET = MAX_DEPTH - 2 * _BLOCK_COLUMNS - 2


def _needs_scan(text: str) -> bool:
    """Whether the text might hold an anchor, alias, tag or deep nesting (cheap, sound)."""
    if text.count("[") + text.count("{") > _FLOW_BUDGET:
        return True
    if ("&" in text or "*" in text or "!" in text) and _INDICATOR.search(text):
        return True
    if "\x85" in text or "\u2028" in text or "\u2029" in text:
        return True  # line breaks to libyaml, not to the screens below
    if "\r" in text and _LONE_CR.search(text):
        return True
    return bool(_DEEP_START.match(text) or _DEEP_LINE.search(text))


def _lenient(construct):
    """A scalar constructor that keeps the text when the value is out of range.

    `2026-02-30` or a 5,000-digit number would otherwise raise ValueError deep in
    ruamel; kept as text, the models refuse them with their own message and line.
    """

    def build(self, node):
        try:
            return construct(self, node)
        except (ValueError, OverflowError):
            return str(node.value)

    return build


@cache
def _constructors() -> tuple[type, type]:
    """ruamel's safe and round-trip constructors, lenient about out-of-range scalars."""
    from ruamel.yaml.constructor import RoundTripConstructor, SafeConstructor

    class _SafeConstructor(SafeConstructor):
        pass

    class _RoundTripConstructor(RoundTripConstructor):
        pass

    for cls in (_SafeConstructor, _RoundTripConstructor):
        for tag in ("int", "float", "timestamp"):
            name = f"tag:yaml.org,2002:{tag}"
            cls.add_constructor(name, _lenient(cls.yaml_constructors[name]))
    return _SafeConstructor, _RoundTripConstructor


def _safe() -> YAML:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=False)
    yaml.Constructor = _constructors()[0]
    yaml.allow_duplicate_keys = False
    return yaml


def _roundtrip() -> YAML:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.Constructor = _constructors()[1]
    yaml.indent(mapping=2, sequence=2, offset=0)
    yaml.width = 4096  # never fold a long Chinese line
    yaml.preserve_quotes = True
    return yaml


def _no_aliases(yaml: YAML) -> YAML:
    """Never write an anchor, even for an object that appears twice: ssj refuses them.

    Call it last: it creates the representer, which copies the settings made so far.
    """
    yaml.representer.ignore_aliases = lambda _data: True
    return yaml


def check_structure(text: str, label: str) -> None:
    """Refuse anchors, aliases, unusual tags, deep nesting and oversize text, quickly."""
    if len(text) > MAX_BYTES:
        raise InputError(Problem(file=label, message="文件过大，拒绝读取"))
    if not _needs_scan(text):
        return
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent

    depth = 0
    parser = YAML(typ="safe", pure=False)
    try:
        for event in parser.parse(text):
            line = event.start_mark.line + 1 if event.start_mark is not None else None
            if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
                raise InputError(
                    Problem(
                        file=label,
                        line=line,
                        message="不接受 YAML 锚点或别名（&、*）：ssj 的文件从不使用它们，请直接写出内容",
                    )
                )
            tag = getattr(event, "tag", None)
            if tag is not None and tag not in _PLAIN_TAGS:
                raise InputError(
                    Problem(file=label, line=line, message=f"不接受 YAML 标签“{tag[:40]}”")
                )
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise InputError(
                        Problem(
                            file=label,
                            line=line,
                            message=f"YAML 嵌套过深（超过 {MAX_DEPTH} 层），拒绝读取",
                        )
                    )
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except YAMLError as exc:
        raise InputError(_problem(exc, label)) from None


def _problem(exc: Exception, label: str) -> Problem:
    from ruamel.yaml.error import MarkedYAMLError

    line = None
    if isinstance(exc, MarkedYAMLError) and exc.problem_mark is not None:
        line = exc.problem_mark.line + 1
    reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return Problem(file=label, line=line, message=f"YAML 格式错误：{reason}")


# Files ssj writes (with its header, or big: the records) are first read by
# storage/yamlread, which gives the data ruamel would, in a fraction of its time and
# memory, or declines (then ruamel reads the text, and reports any problem with its line).
GENERATED_PREFIX = "# 由 ssj 生成"
GENERATED_BYTES = 64 * 1024


def parse(text: str, label: str, roundtrip: bool = False) -> Any:
    """A YAML document; any problem with it is an InputError naming the file and line."""
    if not roundtrip:
        data = _generated(text, label)
        if data is not None:
            return data
    return _ruamel(text, label, roundtrip)


def parse_json(text: str, label: str) -> tuple[Any, bool]:
    """(parse(text), whether the data is surely JSON's: read by storage/yamlread, so text
    keys only and no dates, and kept in a cache without being read back to compare)."""
    data = _generated(text, label)
    if data is not None:
        return data, True
    return _ruamel(text, label, False), False


def _generated(text: str, label: str) -> Any:
    if len(text) < GENERATED_BYTES and not text.startswith(GENERATED_PREFIX):
        return None
    if len(text) > MAX_BYTES:
        raise InputError(Problem(file=label, message="文件过大，拒绝读取"))
    from .yamlread import parse_generated

    return parse_generated(text, MAX_DEPTH)


def _ruamel(text: str, label: str, roundtrip: bool) -> Any:
    from ruamel.yaml.error import YAMLError

    check_structure(text, label)
    try:
        return (_roundtrip() if roundtrip else _safe()).load(text)
    except YAMLError as exc:
        raise InputError(_problem(exc, label)) from None
    except RecursionError:
        raise InputError(Problem(file=label, message="YAML 嵌套过深，拒绝读取")) from None
    except (ValueError, TypeError, OverflowError) as exc:  # a constructor's own error
        raise InputError(Problem(file=label, message=f"YAML 内容无法读取：{exc}"[:200])) from None


def load(path: Path, label: str | None = None, roundtrip: bool = False) -> Any:
    label = label or str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(Problem(file=label, message="文件不存在")) from None
    if len(raw) > MAX_BYTES:
        raise InputError(Problem(file=label, message="文件过大，拒绝读取"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            Problem(file=label, message=f"不是 UTF-8 编码（第 {exc.start} 字节）；请以 UTF-8 保存")
        ) from None
    return parse(text, label, roundtrip)


def dump_fast(data: Any, header: str = "") -> str:
    """Generated files: block style, keys in the order given, written by storage/yamlemit."""
    from .yamlemit import dump

    return header + dump(data)


def dump_fast_bytes(data: Any, header: str = "") -> bytes:
    """dump_fast in UTF-8, in less memory (a big record's file)."""
    from .yamlemit import dump_bytes

    return dump_bytes(data, header)


def dump_roundtrip(data: Any) -> str:
    out = io.StringIO()
    _no_aliases(_roundtrip()).dump(data, out)
    return out.getvalue()


def lines_of(text: str, paths: list[tuple]) -> list[int | None]:
    """1-based line of the node at each key path, by one round-trip parse.

    Used only once a fast read has found problems: the line is a courtesy to the
    reader, so a path that cannot be followed gives the deepest line found.
    """
    from ruamel.yaml.error import YAMLError

    try:
        check_structure(text, "")
        document = _roundtrip().load(text)
    except (InputError, YAMLError, RecursionError, ValueError, TypeError):
        return [None] * len(paths)
    lines = []
    for path in paths:
        node, line = document, None
        for key in path:
            try:
                position = node.lc.item(key) if isinstance(key, int) else node.lc.key(key)
                line = position[0] + 1
                node = node[key]
            except (AttributeError, KeyError, IndexError, TypeError):
                break
        lines.append(line)
    return lines


def commented(model: Any, data: Any = None) -> Any:
    """A model as a round-trip mapping with each key's Chinese title as a comment.

    Used for the files a person edits (ssj.yaml, plans), so the file explains itself.
    """
    from pydantic import BaseModel
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if data is None:
        data = model.model_dump(mode="json", exclude_none=True)
    if isinstance(model, BaseModel):
        out = CommentedMap()
        for name, value in data.items():
            info = type(model).model_fields.get(name)
            out[name] = commented(getattr(model, name, None), value)
            if info and info.title:
                out.yaml_add_eol_comment(info.title, name)
        return out
    if isinstance(data, list):
        items = model if isinstance(model, list) else [None] * len(data)
        return CommentedSeq(commented(m, d) for m, d in zip(items, data, strict=True))
    return data
