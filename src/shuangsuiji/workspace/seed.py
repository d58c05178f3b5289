"""Seeds: the one given on the command line, checked, or one from the OS's CSPRNG."""

from __future__ import annotations

import secrets

from ..core import algorithm


def new_seed() -> str:
    """20 decimal digits from the operating system's CSPRNG."""
    return "".join(secrets.choice("0123456789") for _ in range(20))


def choose_seed(seed: str | None, source: str | None) -> tuple[str, str, bool]:
    if seed is None:
        return new_seed(), source or "ssj 生成（操作系统安全随机数 secrets）", True
    algorithm.check_seed(seed)
    return seed, source or "命令行输入", False
