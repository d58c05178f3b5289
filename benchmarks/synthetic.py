"""Synthetic rosters for benchmarks: valid credit codes, realistic spread, fixed seed."""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

from shuangsuiji.core.creditcode import ALPHABET, check_character

CATEGORIES = ("危险化学品", "烟花爆竹", "非煤矿山", "冶金工贸")
INDUSTRIES = ("机械", "轻工", "建材", "冶金", "粉尘涉爆", "有限空间作业", "危险化学品经营")
RISKS = ("重大", "较大", "一般", "一般", "一般", "低")
_SCIENTIFIC = re.compile(r"\d+E\d+$")
ENTITY_HEADERS = [
    "统一社会信用代码",
    "单位名称",
    "监管类别",
    "行业",
    "所属区域",
    "规模",
    "风险等级",
    "重点单位",
    "经营状态",
    "监管层级",
]
INSPECTOR_HEADERS = ["执法证号", "姓名", "科室", "角色", "证件有效期至", "在岗状态", "所属区域"]


def credit_codes(n: int, rng: random.Random):
    seen: set[str] = set()
    while len(seen) < n:
        body = (
            "91"
            + "".join(rng.choice("0123456789") for _ in range(6))
            + "".join(rng.choice(ALPHABET) for _ in range(9))
        )
        code = body + check_character(body)
        # A code of digits, one E and digits reads as a number Excel turned into
        # scientific notation, which ssj refuses: real rosters have none.
        if body not in seen and not _SCIENTIFIC.match(code):
            seen.add(body)
            yield code


def write_entities(path: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    regions = [f"第{i:02d}街道" for i in range(max(4, min(60, n // 500)))]
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(ENTITY_HEADERS)
        for i, code in enumerate(credit_codes(n, rng)):
            out.writerow(
                [
                    code,
                    f"合成单位{i:07d}有限公司",
                    rng.choice(CATEGORIES),
                    "；".join(rng.sample(INDUSTRIES, rng.choice((1, 1, 2)))),
                    rng.choice(regions),
                    rng.choice(("大型", "中型", "小型", "微型")),
                    rng.choice(RISKS),
                    "是" if i % 250 == 0 else "否",
                    "注销" if i % 97 == 0 else "在营",
                    "县",
                ]
            )


def write_inspectors(path: Path, n: int, seed: int = 2) -> None:
    rng = random.Random(seed)
    departments = ("危化股", "基础股", "执法大队")
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(INSPECTOR_HEADERS)
        for i in range(n):
            out.writerow(
                [
                    f"3501{i:07d}",
                    f"执法员{i:04d}",
                    departments[i % 3],
                    "执法人员",
                    "2030-12-31",
                    "在岗",
                    f"第{rng.randrange(20):02d}街道",
                ]
            )
