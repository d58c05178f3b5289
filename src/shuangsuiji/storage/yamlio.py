"""YAML in and out.

Generated files and rosters are read with the C-based safe loader (fast). Files a
person edits and ssj writes back (ssj.yaml, plans, rosters after an import) use the
round-trip mode, which keeps their comments and order; it is far slower, so it is
used only there, and to find the line of a problem once a fast read has failed.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from ..core.problems import InputError, Problem

MAX_BYTES = 512 * 1024 * 1024


def _safe() -> YAML:
    yaml = YAML(typ="safe", pure=False)
    yaml.allow_duplicate_keys = False
    return yaml


def _roundtrip() -> YAML:
    yaml = YAML()
    yaml.indent(mapping=2, sequence=2, offset=0)
    yaml.width = 4096  # never fold a long Chinese line
    yaml.preserve_quotes = True
    return yaml


def _problem(exc: YAMLError, label: str) -> Problem:
    line = None
    if isinstance(exc, MarkedYAMLError) and exc.problem_mark is not None:
        line = exc.problem_mark.line + 1
    reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return Problem(file=label, line=line, message=f"YAML 格式错误：{reason}")


def parse(text: str, label: str, roundtrip: bool = False) -> Any:
    try:
        return (_roundtrip() if roundtrip else _safe()).load(text)
    except YAMLError as exc:
        raise InputError(_problem(exc, label)) from None
    except RecursionError:
        raise InputError(Problem(file=label, message="YAML 嵌套过深，拒绝读取")) from None


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
    """Generated files: the C emitter, block style, keys in the order given."""
    yaml = _safe()
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False
    yaml.allow_unicode = True
    yaml.width = 4096
    out = io.StringIO()
    out.write(header)
    yaml.dump(data, out)
    return out.getvalue()


def dump_roundtrip(data: Any) -> str:
    out = io.StringIO()
    _roundtrip().dump(data, out)
    return out.getvalue()


def lines_of(text: str, paths: list[tuple]) -> list[int | None]:
    """1-based line of the node at each key path, by one round-trip parse.

    Used only once a fast read has found problems: the line is a courtesy to the
    reader, so a path that cannot be followed gives the deepest line found.
    """
    try:
        document = _roundtrip().load(text)
    except (YAMLError, RecursionError):
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
