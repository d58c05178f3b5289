"""Which generated record a path under plans/ holds, and what growing such a file may mean.

One rule for the writer and the auditor: the writer refuses to write a growing file
that is not a pure growth of what was committed, and the audit reports one in history.
"""

from __future__ import annotations

import re

from ..core.problems import InputError
from ..storage import yamlio
from .load import PLAN_DIR

# The first line of every record ssj generates.
GENERATED_HEADER = "# 由 ssj 生成，提交后不得修改（ssj audit 会核对）。\n"

_YEAR = r"^plans/(\d{4})/"
_KINDS = [
    (re.compile(_YEAR + r"draws/[^/]+\.replacements\.yaml$"), "replacements"),
    (re.compile(_YEAR + r"draws/[^/]+\.prepared\.yaml$"), "prepared"),
    (re.compile(_YEAR + r"draws/[^/]+\.cancelled\.yaml$"), "cancelled"),
    (re.compile(_YEAR + r"draws/[^/]+\.yaml$"), "draw"),
    (re.compile(_YEAR + r"assignments/[^/]+\.substitutions\.yaml$"), "substitutions"),
    (re.compile(_YEAR + r"assignments/[^/]+\.yaml$"), "assignment"),
    (re.compile(_YEAR + r"records/[^/]+\.yaml$"), "record"),
    (re.compile(_YEAR + r"joint/[^/]+/assignments/[^/]+\.yaml$"), "joint_assignment"),
    (re.compile(_YEAR + r"departments/[^/]+/records/[^/]+\.yaml$"), "record"),
    (re.compile(_YEAR + r"disclosures/[^/]+\.yaml$"), "disclosure"),
    (re.compile(_YEAR + r"revisits/answers/[^/]+\.yaml$"), "answers"),
    (re.compile(_YEAR + r"revisits/[^/]+\.yaml$"), "revisit"),
]
LABELS = {
    "draw": "抽取记录",
    "prepared": "预备抽取记录",
    "cancelled": "取消预备抽取的记录",
    "replacements": "候补替换记录",
    "assignment": "匹配记录",
    "substitutions": "人员替换记录",
    "joint_assignment": "联合抽查参与部门的匹配记录",
    "record": "检查记录",
    "disclosure": "公开记录",
    "answers": "回访记录",
    "revisit": "回访抽取记录",
}
# Growing files and the list each one grows. ssj rewrites replacements and substitutions as
# whole lists; the others it appends to, so their earlier bytes must stay as they were.
GROWING = {
    "replacements": "replacements",
    "substitutions": "substitutions",
    "assignment": "rounds",
    "record": "versions",
    "disclosure": "publications",
    "answers": "versions",
}
APPEND_BYTES = {"record", "disclosure", "answers"}
NUMBERED = {"record", "answers"}  # whose entries carry `version`: 1, 2, 3, …


def record_kind(path: str) -> str | None:
    """What kind of generated record a path holds, or None for any other file."""
    if not path.startswith(PLAN_DIR + "/"):
        return None
    return next((kind for pattern, kind in _KINDS if pattern.match(path)), None)


def year_of(path: str) -> int | None:
    match = re.match(_YEAR, path)
    return int(match.group(1)) if match else None


def appended_only(kind: str, before: bytes | None, after: bytes | None) -> bool:
    """Whether `after` keeps all of `before` and only adds whole entries to its list.

    Judged by meaning as well as by bytes: lines appended under the last entry (a second
    penalty under a recorded version) keep the bytes but change that entry.
    """
    if before is None or after is None:
        return False
    if kind in APPEND_BYTES and not after.startswith(before.rstrip(b"\n")):
        return False
    old, new = document_of(before), document_of(after)
    if old is None or new is None:
        return False
    key = GROWING[kind]
    old_list, new_list = old.pop(key, None) or [], new.pop(key, None) or []
    if old != new or not isinstance(old_list, list) or not isinstance(new_list, list):
        return False
    if new_list[: len(old_list)] != old_list:
        return False
    if kind in NUMBERED:
        numbers = [entry.get("version") if isinstance(entry, dict) else None for entry in new_list]
        return numbers == list(range(1, len(new_list) + 1))
    return True


def document_of(raw: bytes) -> dict | None:
    try:
        document = yamlio.parse(raw.decode("utf-8-sig"), "")
    except (InputError, UnicodeDecodeError):
        return None
    return document if isinstance(document, dict) else None
