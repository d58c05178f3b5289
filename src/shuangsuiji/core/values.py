"""The value variants people write in rosters, mapped to one canonical form.

Each parser takes what a YAML file or a spreadsheet cell holds and returns the
canonical value, or raises ValueError with a Chinese message.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Sequence
from datetime import date, datetime
from itertools import repeat

YES = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "重点", "t"}
NO = {"否", "n", "no", "false", "0", "×", "✗", "非重点", "f", ""}

LEVELS = {
    "省": ("省", "省级", "省本级"),
    "市": ("市", "市级", "地市级", "设区市", "设区市级", "市本级", "州", "盟"),
    "县": (
        "县",
        "县级",
        "区县级",
        "县区级",
        "区",
        "区级",
        "县本级",
        "旗",
        "县(区)级",
        "县（区）级",
    ),
}
_LEVEL = {v: k for k, vs in LEVELS.items() for v in vs}

RISKS = {
    "重大": ("重大", "重大风险", "红", "红色", "红色风险"),
    "较大": ("较大", "较大风险", "橙", "橙色", "橙色风险"),
    "一般": ("一般", "一般风险", "黄", "黄色", "黄色风险"),
    "低": ("低", "低风险", "较低", "蓝", "蓝色", "蓝色风险"),
}
_RISK = {v: k for k, vs in RISKS.items() for v in vs}
RISK_ORDER = ("重大", "较大", "一般", "低")  # highest first

STATUSES = {
    "在营": ("在营", "存续", "开业", "在业", "正常", "营业", "正常经营"),
    "停产": ("停产", "停产整顿", "停工"),
    "停业": ("停业", "歇业"),
    "注销": ("注销", "已注销"),
    "吊销": ("吊销", "已吊销", "吊销未注销"),
}
_STATUS = {v: k for k, vs in STATUSES.items() for v in vs}
CLOSED = frozenset({"注销", "吊销"})

ROLES = {"执法人员": ("执法人员", "执法", "行政执法人员", "执法员"), "专家": ("专家", "技术专家")}
_ROLE = {v: k for k, vs in ROLES.items() for v in vs}

DUTIES = {
    "在岗": ("在岗", "在职", "正常"),
    "离岗": ("离岗", "调离", "离职"),
    "借调": ("借调",),
    "病休": ("病休", "病假", "休假"),
    "退休": ("退休",),
}
_DUTY = {v: k for k, vs in DUTIES.items() for v in vs}

_LIST_SPLIT = re.compile(r"[;；]")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def text(value: object) -> str:
    """A cell as text: NFC, surrounding white space removed, numbers without '.0'."""
    if type(value) is str:  # the common case first: a million cells pass through here
        return (value if value.isascii() else unicodedata.normalize("NFC", value)).strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def clean_texts(cells: Sequence[str], limit: int) -> list[bool]:
    """For each text cell, whether it is already clean, one line of at most `limit` characters.

    Clean: not empty, printable (no control character, no white space but the ASCII
    space), trimmed, NFC, and not starting with a quote (which may escape a formula).
    `text`, and a text field's validators, give such a cell back unchanged: a column of
    them is accepted in C loops, without a Python step per cell.
    """
    if _all_clean(cells, limit):
        return [True] * len(cells)
    checks = (
        map(str.isprintable, cells),
        map(operator.eq, cells, map(str.strip, cells)),
        map(unicodedata.is_normalized, repeat("NFC"), cells),
        map(operator.not_, map(str.startswith, cells, repeat("'"))),
        map(bool, cells),
        map(operator.ge, repeat(limit), map(len, cells)),
    )
    return list(map(all, zip(*checks, strict=True)))


# A line that starts with a quote or a space; one that ends with a space (two searches, each
# led by a literal: far faster than one that alternates).
_UNCLEAN_START = re.compile("\n['\x20]")
_UNCLEAN_END = re.compile("\x20\n")


def _all_clean(cells: Sequence[str], limit: int) -> bool:
    """Whether every cell is clean, judged on the column joined: printable text has no line
    break, so joined a line each, the cells are told apart. A line break is a character of
    its own under NFC (it neither composes nor reorders with its neighbours): the joined
    text is NFC when every cell is. True only when each cell would be found clean."""
    if not cells or not all(cells) or not "".join(cells).isprintable():
        return False
    joined = "\n" + "\n".join(cells) + "\n"
    return (
        max(map(len, cells)) <= limit
        and not _UNCLEAN_START.search(joined)
        and not _UNCLEAN_END.search(joined)
        and unicodedata.is_normalized("NFC", joined)
    )


def shown(value: object, limit: int = 40) -> str:
    """A value quoted in a message: invisible characters made visible, long text cut."""
    raw = value if isinstance(value, str) else repr(value)
    raw = raw[: limit + 1]
    out = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in raw)
    return out if len(out) <= limit else out[:limit] + "…"


def _lookup(table: dict[str, str], value: object, what: str, allowed: tuple[str, ...]) -> str:
    key = text(value)
    found = table.get(key) or table.get(key.replace(" ", ""))
    if found is None:
        raise ValueError(f"{what}“{shown(key)}”无法识别，应为 {'、'.join(allowed)} 之一")
    return found


def parse_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    key = text(value).lower()
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValueError(f"“{shown(text(value))}”无法识别为是/否（可写 是/否、Y/N、√）")


def parse_level(value: object) -> str:
    return _lookup(_LEVEL, value, "监管层级", tuple(LEVELS))


def parse_risk(value: object) -> str:
    return _lookup(_RISK, value, "风险等级", (*RISKS, "红", "橙", "黄", "蓝"))


def parse_status(value: object) -> str:
    return _lookup(_STATUS, value, "经营状态", tuple(STATUSES))


def parse_role(value: object) -> str:
    return _lookup(_ROLE, value, "角色", tuple(ROLES))


def parse_duty(value: object) -> str:
    return _lookup(_DUTY, value, "在岗状态", tuple(DUTIES))


def parse_date(value: object) -> date:
    """2027-12-31, 2027/12/31, 2027年12月31日, 2027.12.31 or a date cell."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    match = _DATE.match(raw)
    if not match:
        raise ValueError(
            f"日期“{shown(raw)}”无法识别，应写作 2027-12-31、2027/12/31 或 2027年12月31日"
        )
    year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"日期“{shown(raw)}”不存在") from None


def parse_list(value: object) -> list[str]:
    """A list cell: items separated by ';' or '；' (a YAML list is taken as it is)."""
    if value is None:
        return []
    if isinstance(value, dict) or any(isinstance(v, (dict, list)) for v in _items(value)):
        raise ValueError("应为列表，或以“；”分隔的文字")
    items = value if isinstance(value, (list, tuple)) else _LIST_SPLIT.split(text(value))
    return [t for t in (text(v) for v in items) if t]


def _items(value: object) -> tuple:
    return tuple(value) if isinstance(value, (list, tuple)) else ()
