"""统一社会信用代码 (GB 32100-2015) and its 组织机构代码 part (GB 11714-1997).

A code is 18 characters: 1 the registration authority, 2 the kind of organisation
registered there (both from the standard's tables), 3–8 the region code of the
registering office (digits), 9–17 the organisation code, 18 the check character.
python-stdnum's `cn.uscc` checks neither table nor the organisation code, so the
checks are written here from the standard.
"""

from __future__ import annotations

import itertools
import operator
import re
import struct
from collections.abc import Sequence
from itertools import repeat

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]
LENGTH = 18

# Position 1 (登记管理部门) -> (its name, {position 2 (机构类别): the kind's name}).
AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {"1": "外国旅游部门常驻代表机构", "2": "港澳台旅游部门常驻代表机构", "9": "其他"},
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": (
        "农业",
        {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    ),
    "Y": ("其他", {"1": "其他"}),
}

# GB 11714: eight characters (digits or capital letters, A = 10 … Z = 35) and a check.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUE = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}

# What Excel makes of a long code typed into a number cell: 9.13501E+17, 9.13501e17 — with
# a "+" or a "." that no code has (a real code may well hold E followed by digits).
_SCIENTIFIC = re.compile(r"\d+(\.\d+[eE]\+?|[eE]\+)\d{1,2}")
EXCEL_HINT = (
    "请在 Excel 中把这一列的格式设为“文本”后重新输入代码（或在代码前加英文单引号 '），再导出"
)


def looks_like_credit_code(value: str) -> bool:
    """18 alphanumeric characters: meant as a credit code, so it must pass the check."""
    return len(value) == LENGTH and value.isascii() and value.isalnum()


_SHAPED = re.compile(r"[0-9A-Za-z]{18}")  # ASCII letters and digits: what isalnum passes
_SHAPED_LINES = re.compile(r"(?:[0-9A-Za-z]{18}\n)*[0-9A-Za-z]{18}")


def credit_code_shaped(values: Sequence[str]) -> list[str]:
    """The values that look_like_credit_code, in order: C passes over them (one when all
    are, matched on the values joined a line each)."""
    joined = "\n".join(values)
    if values and joined.count("\n") == len(values) - 1 and _SHAPED_LINES.fullmatch(joined):
        return list(values)
    return list(itertools.compress(values, map(_SHAPED.fullmatch, values)))


def check_character(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def excel_number_problem(value: str) -> str | None:
    """Why `value` reads as a code that Excel turned into a number; None when it does not.

    Excel keeps 15 significant digits: an 18-digit code saved as a number shows as
    9.13501E+17 or ends in zeros, and its last digits are lost for good.
    """
    if _SCIENTIFIC.fullmatch(value):
        return f"“{value}”是被 Excel 变成数字（科学计数法）的代码，后几位已丢失；{EXCEL_HINT}"
    lost = len(value) == LENGTH and value.isdigit() and value.endswith("000")
    if lost and check_character(value[:17]) != value[17]:
        return f"“{value}”像是被 Excel 存成数字的代码（只保留 15 位，末尾变成了 0）；{EXCEL_HINT}"
    return None


def credit_code_problem(code: str) -> str | None:
    """Why `code` is not a valid 统一社会信用代码, in Chinese; None when it is."""
    excel = excel_number_problem(code)
    if excel:
        return excel
    if len(code) != LENGTH:
        return f"统一社会信用代码应为 18 位，实为 {len(code)} 位"
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        shown = "、".join(f"“{c}”" for c in bad)
        return f"统一社会信用代码含有不允许的字符 {shown}（不得使用 I、O、Z、S、V 和小写字母）"
    authority = AUTHORITIES.get(code[0])
    if authority is None:
        allowed = "、".join(AUTHORITIES)
        return f"统一社会信用代码第 1 位（登记管理部门）“{code[0]}”不存在，应为 {allowed} 之一"
    name, kinds = authority
    if code[1] not in kinds:
        allowed = "、".join(f"{k}（{v}）" for k, v in kinds.items())
        return (
            f"统一社会信用代码第 2 位（机构类别）“{code[1]}”在登记管理部门“{name}”下不存在，"
            f"应为 {allowed} 之一"
        )
    if not code[2:8].isdigit():
        return f"统一社会信用代码第 3–8 位是行政区划代码，只能是数字，实为“{code[2:8]}”"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：第 18 位应为“{expected}”，实为“{code[17]}”"
    return None


def is_valid_credit_code(code: str) -> bool:
    return credit_code_problem(code) is None


def organization_check(body: str) -> str:
    """The GB 11714 check character of an eight-character organisation code body."""
    total = sum(_ORG_VALUE[c] * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def organization_code_problem(code: str) -> str | None:
    """Why positions 9–17 of a valid credit code are not a GB 11714 组织机构代码; None when
    they are. Some registrations assign this part without the check, hence only a warning."""
    org = code[8:17]
    expected = organization_check(org[:8])
    if org[8] != expected:
        return (
            f"统一社会信用代码第 9–17 位（组织机构代码 {org}）的校验位应为“{expected}”，"
            f"实为“{org[8]}”：请核对代码是否抄错"
        )
    return None


# ---------------------------------------------------------------- a whole column at once
# A roster holds a code per row: these check a column with C loops (map, int), no Python
# step per code, and agree with credit_code_problem and organization_code_problem.

# Every part of a code that credit_code_problem looks at, as a pattern: the authority, the
# kind under it, six digits, ten characters of the alphabet (the check character is
# computed below).
_CODE_CLASS = "[" + "".join(ALPHABET) + "]"
_WELL_FORMED = re.compile(
    "(?:"
    + "|".join(f"{a}[{''.join(kinds)}]" for a, (_, kinds) in AUTHORITIES.items())
    + f")[0-9]{{6}}{_CODE_CLASS}{{10}}"
)
# The check character's sum is Σ value·3^i mod 31. The first 17 characters reversed, each
# written as its value in base 34, read as one number, give Σ value·34^i, and 34 ≡ 3 (mod 31):
# int() computes the sum. The codes are joined and mapped as bytes, so that every step is one
# C loop over the column.
_AS_BASE34 = bytes.maketrans(ALPHABET.encode(), b"0123456789abcdefghijklmnopqrstu")
_CHECK_OF_SUM = bytes(ALPHABET[(31 - r) % 31].encode().translate(_AS_BASE34)[0] for r in range(31))
# GB 11714's weights are 2^(8−i) mod 11: the body read in base 35 (≡ 2 mod 11; its values,
# 0–9 and A–Y, are int()'s own digits) gives half the sum. Z does not occur in a credit code.
_ORG_CHECK_OF_HALF = bytes(
    ord("X" if c == 10 else "0" if c == 11 else str(c))
    for c in (11 - 2 * r % 11 for r in range(11))
)


# A column of well-formed codes, joined a line each.
_WELL_FORMED_LINES = re.compile(f"(?:{_WELL_FORMED.pattern}\n)*{_WELL_FORMED.pattern}")


def _all_well_formed(codes: Sequence[str]) -> bool:
    """Whether every code is well formed, matched on the column joined a line each (one C
    pass): no code may hold a line break, else the lines are not the codes."""
    joined = "\n".join(codes)
    return (
        bool(codes)
        and joined.count("\n") == len(codes) - 1
        and bool(_WELL_FORMED_LINES.fullmatch(joined))
    )


def valid_credit_codes(codes: Sequence[str]) -> list[bool]:
    """For each text, whether it is a valid 统一社会信用代码 (credit_code_problem is None)."""
    if _all_well_formed(codes):
        formed = [True] * len(codes)
    else:
        formed = list(map(bool, map(_WELL_FORMED.fullmatch, codes)))
    candidates = codes if all(formed) else list(itertools.compress(codes, formed))
    # Reversed, the column is each code's check character, then its first 17 reversed.
    backwards = "".join(candidates).encode().translate(_AS_BASE34)[::-1]
    firsts = map(operator.itemgetter(0), struct.iter_unpack("x17s", backwards))
    sums = map(int, firsts, repeat(34))
    expected = bytes(map(_CHECK_OF_SUM.__getitem__, map(operator.mod, sums, repeat(31))))
    found = backwards[::LENGTH]
    right = (
        [True] * len(candidates) if expected == found else list(map(operator.eq, expected, found))
    )
    right.reverse()
    if candidates is codes:
        return right
    checked = iter(right)
    return [f and next(checked) for f in formed]


def organization_mismatches(codes: Sequence[str]) -> list[int]:
    """Positions of the valid credit codes whose 组织机构代码 check fails
    (organization_code_problem says why)."""
    joined = "".join(codes).encode()
    bodies = map(operator.itemgetter(0), struct.iter_unpack("8x8s2x", joined))
    halves = map(operator.mod, map(int, bodies, repeat(35)), repeat(11))
    expected = bytes(map(_ORG_CHECK_OF_HALF.__getitem__, halves))
    found = joined[16::LENGTH]
    if expected == found:
        return []
    return [i for i, ok in enumerate(map(operator.eq, expected, found)) if not ok]
