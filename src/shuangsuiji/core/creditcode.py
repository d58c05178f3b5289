"""统一社会信用代码 (GB 32100-2015) check."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]
LENGTH = 18


def looks_like_credit_code(value: str) -> bool:
    """18 alphanumeric characters: meant as a credit code, so it must pass the check."""
    return len(value) == LENGTH and value.isascii() and value.isalnum()


def check_character(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why `code` is not a valid 统一社会信用代码, in Chinese; None when it is."""
    if len(code) != LENGTH:
        return f"统一社会信用代码应为 18 位，实为 {len(code)} 位"
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        shown = "、".join(f"“{c}”" for c in bad)
        return f"统一社会信用代码含有不允许的字符 {shown}（不得使用 I、O、Z、S、V 和小写字母）"
    expected = check_character(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：第 18 位应为“{expected}”，实为“{code[17]}”"
    return None


def is_valid_credit_code(code: str) -> bool:
    return credit_code_problem(code) is None
