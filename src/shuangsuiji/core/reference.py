"""A roster kept outside git by reference: rosters/<kind>.ref.yaml names a Parquet file
and the SHA-256 of its bytes; ssj reads that file, after checking the digest, in place
of rosters/<kind>.csv (docs/scale.md, 名录以引用方式保存)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from .models import Strict, Text

_SHA256 = re.compile(r"[0-9a-f]{64}")


def _sha256(value: str) -> str:
    if not _SHA256.fullmatch(value):
        raise ValueError("应为 64 位小写十六进制的 SHA-256 摘要")
    return value


def _parquet(value: str) -> str:
    if "://" in value and not value.startswith("file://"):
        raise ValueError("只支持本机文件（路径或 file:// 地址）；请先把文件下载到本机")
    if not value.endswith(".parquet"):
        raise ValueError("名录文件应为 Parquet（扩展名 .parquet）")
    return value


class RosterReference(Strict):
    """名录引用：存放在 git 之外的 Parquet 名录文件及其 SHA-256。"""

    path: Annotated[str, AfterValidator(_parquet)] = Field(
        title="文件",
        description="Parquet 文件的路径（相对于工作区根目录，或绝对路径，或 file:// 地址）；"
        "列与 CSV 名录相同（中文表头，各列为文字）",
    )
    sha256: Annotated[str, AfterValidator(_sha256)] = Field(
        title="SHA-256", description="文件字节的 SHA-256；文件不符时 ssj 拒绝使用"
    )
    rows: int = Field(ge=0, title="行数", description="文件中的单位数（不含表头）")
    note: Text | None = Field(None, title="说明", description="文件从哪里来、由谁导出")


def local_path(reference: RosterReference) -> str:
    """The file's path as written (a file:// address without its scheme)."""
    return reference.path.removeprefix("file://")
