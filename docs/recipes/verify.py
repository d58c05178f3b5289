#!/usr/bin/env python3
"""不用 ssj，只用 Python 标准库，核验一个工作区的全部抽取、候补替换、人员匹配和回访抽取。

Check every draw, replacement, inspector assignment and return-visit draw of an ssj
workspace clone, from its committed files alone: Python 3.10+, standard library only.

用法 / usage:  python3 verify.py 工作区目录 [记录编号 ...]
    例：python3 verify.py demo            全部记录
        python3 verify.py demo 2026-1     只核验编号为 2026-1 的抽取、替换和匹配

每条记录按 docs/algorithm.md 的规则重算：名录取自记录所写的提交（YAML 或 CSV 名录均可），
先前的记录取自加入这条记录的那次提交。全部一致时退出码为 0，有任何不一致为 1，
工作区或记录无法读取为 2。

读 YAML 不用 PyYAML：ssj 生成的记录只用块状映射和列表、单行的普通/单引号/双引号标量、
空的 {} 与 []；名录、ssj.yaml 另可有行尾注释和单行的 [a, b] 列表。超出这个子集的写法
（多行字符串、锚点、标签、非空的 {…}）本脚本拒绝读取并说明，不会猜。
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import subprocess
import sys
import unicodedata
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path

ALGORITHM = "ssj-sha256-v1"
ALL = "全部"


class Unreadable(Exception):
    """A file this script cannot read: exit 2, never a guess."""


# ------------------------------------------------------------------ YAML（受限子集）

_SINGLE = re.compile(r"'((?:[^']|'')*)'")
_DOUBLE = re.compile(r'"((?:[^"\\]|\\.)*)"')
_KEY = re.compile(r"""((?:'(?:[^']|'')*')|(?:"(?:[^"\\]|\\.)*")|[^'"#\s{\[][^#]*?):(?:\s+|$)""")


def _scalar(text: str, where: str) -> object:
    """One scalar, its comment removed; plain scalars stay text (None for null)."""
    text = text.strip()
    for pattern, decode in (
        (_SINGLE, lambda s: s.replace("''", "'")),
        (_DOUBLE, lambda s: json.loads(f'"{s}"')),
    ):
        m = pattern.match(text)
        if m:
            rest = text[m.end() :].strip()
            if rest and not rest.startswith("#"):
                raise Unreadable(f"{where}：无法解析“{text}”")
            return decode(m[1])
    text = re.sub(r"(^|\s)#.*$", "", text).strip()
    if text in ("", "~", "null", "Null", "NULL"):
        return None
    if text == "{}":
        return {}
    if text.startswith("["):
        if not text.endswith("]"):
            raise Unreadable(f"{where}：多行的 [ … ] 列表不在本脚本读取的范围内")
        inner = text[1:-1].strip()
        return [_scalar(x, where) for x in _split_flow(inner, where)] if inner else []
    if text[0] in "|>&*!{%@`?":
        raise Unreadable(f"{where}：“{text[:20]}”不在本脚本读取的 YAML 子集内")
    return text


def _split_flow(inner: str, where: str) -> list[str]:
    parts, current, quote = [], "", None
    for c in inner:
        if quote:
            current += c
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
            current += c
        elif c == ",":
            parts.append(current)
            current = ""
        elif c in "[]{}":
            raise Unreadable(f"{where}：嵌套的 [ … ] 或 {{ … }} 不在本脚本读取的范围内")
        else:
            current += c
    parts.append(current)
    return [p for p in parts if p.strip()]


def load_yaml(text: str, where: str) -> object:
    """The restricted YAML of ssj's files (see the module docstring) as dicts, lists, text."""
    rows = []
    for n, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped in ("---", "..."):
            continue
        if "\t" in line[: len(line) - len(line.lstrip())]:
            raise Unreadable(f"{where} 第 {n} 行：缩进中有制表符")
        rows.append((len(line) - len(line.lstrip(" ")), stripped, f"{where} 第 {n} 行"))
    if not rows:
        return None
    node, end = _block(rows, 0, rows[0][0])
    if end != len(rows):
        raise Unreadable(f"{rows[end][2]}：缩进不一致")
    return node


def _block(rows: list, i: int, indent: int) -> tuple[object, int]:
    if rows[i][1] == "-" or rows[i][1].startswith("- "):
        return _sequence(rows, i, indent)
    return _mapping(rows, i, indent)


def _value_after(rows: list, i: int, indent: int, rest: str, where: str) -> tuple[object, int]:
    """What follows "key:" or "-": a scalar on the line, or the nested block below it."""
    if rest and not rest.startswith("#"):
        return _scalar(rest, where), i + 1
    i += 1
    if i < len(rows) and (
        rows[i][0] > indent or (rows[i][0] == indent and rows[i][1].startswith("- "))
    ):
        return _block(rows, i, rows[i][0])
    return None, i


def _mapping(rows: list, i: int, indent: int) -> tuple[dict, int]:
    out: dict = {}
    while i < len(rows) and rows[i][0] == indent and not rows[i][1].startswith("- "):
        key, value, i = _entry(rows, i, indent, rows[i][1])
        out[key] = value
    return out, i


def _entry(rows: list, i: int, indent: int, text: str) -> tuple[object, object, int]:
    """One "key: value" (the value may be the block below it), the key at `indent`."""
    m = _KEY.match(text)
    if not m:
        raise Unreadable(f"{rows[i][2]}：无法解析“{text}”")
    key = _scalar(m[1], rows[i][2])
    value, i = _value_after(rows, i, indent, text[m.end() :], rows[i][2])
    return key, value, i


def _sequence(rows: list, i: int, indent: int) -> tuple[list, int]:
    out: list = []
    while i < len(rows) and rows[i][0] == indent and (rows[i][1] + " ").startswith("- "):
        text, where = rows[i][1][2:].strip(), rows[i][2]
        if text == "-" or text.startswith("- "):
            raise Unreadable(f"{where}：嵌套的“- -”列表不在本脚本读取的范围内")
        if _KEY.match(text):
            # "- key: value" opens a mapping whose keys sit two columns in.
            key, value, i = _entry(rows, i, indent + 2, text)
            node, i = _mapping(rows, i, indent + 2)
            node = {key: value, **node}
        else:
            node, i = _value_after(rows, i, indent, text, where)
        out.append(node)
    return out, i


# ------------------------------------------------------------------ git


class Repo:
    """The committed files of a workspace clone, read with git."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._shown: dict[tuple[str, str], bytes | None] = {}
        self._log: dict[str, list[str]] = {}

    def git(self, *args: str) -> bytes:
        done = subprocess.run(["git", "-C", str(self.root), *args], capture_output=True)
        if done.returncode:
            raise Unreadable(f"git {' '.join(args)}：{done.stderr.decode(errors='replace')}")
        return done.stdout

    def show(self, commit: str, path: str) -> bytes | None:
        """A file's bytes at a commit, None when it is not there."""
        if (commit, path) not in self._shown:
            done = subprocess.run(
                ["git", "-C", str(self.root), "show", f"{commit}:{path}"], capture_output=True
            )
            self._shown[commit, path] = done.stdout if done.returncode == 0 else None
        return self._shown[commit, path]

    def versions(self, path: str) -> list[str]:
        """The commits where a file was added or changed, oldest first."""
        if path not in self._log:
            out = self.git("log", "--reverse", "--format=%H", "--", path).decode().split()
            self._log[path] = [c for c in out if self.show(c, path) is not None]
        return self._log[path]

    def added_in(self, path: str) -> str | None:
        found = self.versions(path)
        return found[0] if found else None

    def entry_added_in(self, path: str, key: str, index: int) -> str | None:
        """The first commit where the list `key` of a growing file has entry `index`."""
        for commit in self.versions(path):
            doc = load_yaml(self.show(commit, path).decode("utf-8"), f"{path}@{commit[:10]}")
            if len((doc or {}).get(key) or []) > index:
                return commit
        return None

    def yaml_at(self, commit: str | None, path: str) -> object:
        """A YAML file as committed at `commit` (None: as in the working tree)."""
        if commit is None:
            file = self.root / path
            return load_yaml(file.read_text("utf-8"), path) if file.is_file() else None
        raw = self.show(commit, path)
        return None if raw is None else load_yaml(raw.decode("utf-8"), f"{path}@{commit[:10]}")


# ------------------------------------------------------------------ names and values

# fmt: off
HEADERS = {
    "entities": {
        "统一社会信用代码": "id", "编号": "id", "统一社会信用代码/编号": "id",
        "单位名称": "name", "企业名称": "name", "监管类别": "category", "行业": "industries",
        "所属区域": "region", "规模": "scale", "风险等级": "risk", "重点单位": "key",
        "经营状态": "status", "监管层级": "level", "标准化等级": "standardization",
        "信用标记": "flags", "地址": "address", "联系人": "contact", "联系电话": "phone",
    },
    "inspectors": {
        "执法证号": "id", "证件号": "id", "执法证编号": "id", "姓名": "name", "科室": "department",
        "角色": "role", "证件有效期至": "valid_until", "在岗状态": "status",
        "所属区域": "region", "回避单位": "conflicts",
    },
    "items": {"事项编码": "code", "事项名称": "name", "适用类别": "categories"},
}
LISTS = {"industries", "flags", "conflicts", "categories"}
# The variants people write, each mapped to the one value ssj keeps (the first of its line).
SYNONYMS = {
    "level": ["省 省级 省本级", "市 市级 地市级 设区市 设区市级 市本级 州 盟",
              "县 县级 区县级 县区级 区 区级 县本级 旗 县(区)级 县（区）级"],
    "risk": ["重大 重大风险 红 红色 红色风险", "较大 较大风险 橙 橙色 橙色风险",
             "一般 一般风险 黄 黄色 黄色风险", "低 低风险 较低 蓝 蓝色 蓝色风险"],
    "status": ["在营 存续 开业 在业 正常 营业 正常经营", "停产 停产整顿 停工", "停业 歇业",
               "注销 已注销", "吊销 已吊销 吊销未注销"],
    "role": ["执法人员 执法 行政执法人员 执法员", "专家 技术专家"],
    "duty": ["在岗 在职 正常", "离岗 调离 离职", "借调", "病休 病假 休假", "退休"],
}
YES = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "重点", "t"}
DEFAULTS = {
    "entities": {"status": "在营", "key": False},
    "inspectors": {"role": "执法人员", "status": "在岗"},
    "items": {},
}
# fmt: on
CANONICAL = {
    kind: {word: line.split()[0] for line in lines for word in line.split()}
    for kind, lines in SYNONYMS.items()
}


def text(value: object) -> str:
    return unicodedata.normalize("NFC", "" if value is None else str(value)).strip()


def canonical(kind: str, name: str, value: object) -> object:
    """A roster cell as ssj holds it once validated: synonyms, 是/否, dates, lists."""
    if name in LISTS:
        items = value if isinstance(value, list) else re.split("[;；]", text(value))
        return [text(v) for v in items if text(v)]
    if name in ("id", "code"):
        return str(value)
    if value is None or text(value) == "":
        return DEFAULTS[kind].get(name)
    if name == "key":
        return text(value).lower() in YES
    table = {"level": "level", "risk": "risk", "role": "role"}.get(name)
    if name == "status":
        table = "status" if kind == "entities" else "duty"
    if table:
        key = text(value)
        return CANONICAL[table].get(key) or CANONICAL[table][key.replace(" ", "")]
    if name == "valid_until":
        y, m, d = re.match(
            r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$", text(value)
        ).groups()
        return date(int(y), int(m), int(d))
    return text(value)


def roster_rows(kind: str, raw: bytes, path: str) -> list[dict]:
    """A roster file (rosters/<kind>.yaml or .csv) as rows of canonical values."""
    if path.endswith(".csv"):
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            content = raw.decode("utf-16")
        else:
            try:
                content = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                content = raw.decode("gb18030")
        first = content.split("\n", 1)[0]
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
        table = list(csv.reader(io.StringIO(content, newline=""), delimiter=delimiter))
        names = {**{v: v for v in HEADERS[kind].values()}, **HEADERS[kind]}
        header = [names.get(h.replace("\ufeff", "").strip().strip("*").strip()) for h in table[0]]
        found = []
        for cells in table[1:]:
            if not any(c.strip() for c in cells):
                continue
            row = {}
            for name, cell in zip(header, cells, strict=False):
                if name:  # a spreadsheet would run =… as a formula: ssj stores '=…
                    row[name] = cell[1:] if re.match(r"'[=+\-@]", cell) else cell
            found.append(row)
    else:
        found = (load_yaml(raw.decode("utf-8-sig"), path) or {}).get(kind) or []
    fields = set(HEADERS[kind].values())
    return [
        {name: canonical(kind, name, row.get(name)) for name in fields | set(row)} for row in found
    ]


def field_text(entity: dict, name: str) -> str:
    value = entity.get(name)
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else str(value)


# ------------------------------------------------------------------ ssj-sha256-v1


def ticket(seed: str, *parts: str) -> str:
    return hashlib.sha256("|".join((seed, *parts)).encode("utf-8")).hexdigest()


def digest(ids) -> str:
    return hashlib.sha256("\n".join(sorted(ids)).encode("utf-8")).hexdigest()


def size(n: int, ratio: str | None, count: str | None, minimum: str | None) -> int:
    """k = ceil(r × N) in exact fractions, or min(count, N); raised to min(minimum, N)."""
    if ratio is not None:
        r = Fraction(ratio)
        k = -(-r.numerator * n // r.denominator)
    else:
        k = min(int(count), n)
    if minimum is not None:
        k = max(k, min(int(minimum), n))
    return k


def period_of(periods: list, n: int) -> str | None:
    return periods[n % len(periods)] if periods else None


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier, the month's last day when it has no such day."""
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    following = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


def period_end(year: int, period: str | None) -> date:
    if not period:
        return date(year, 12, 31)
    last = int(period.split("-")[-1])
    return date(year + last // 12, last % 12 + 1, 1) - timedelta(days=1)


# ------------------------------------------------------------------ the workspace

CLOSED, INACTIVE = "已注销或吊销", "非在营（停产、停业）"
OTHER_LEVEL, NOT_TARGETED = "属其他层级监管", "不符合定向条件"
AT_CAP, COOLDOWN = "已达年度检查次数上限", "冷却期内已随机抽查"
REASONS = (CLOSED, INACTIVE, OTHER_LEVEL, NOT_TARGETED, AT_CAP, COOLDOWN)
NOT_REACHED = {"通过登记的住所(经营场所)无法联系", "已关闭停业或正在组织清算"}


class Workspace:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.repo = Repo(root)
        config = self.repo.yaml_at(None, "ssj.yaml")
        if not isinstance(config, dict):
            raise Unreadable(f"{root} 不是 ssj 工作区（没有 ssj.yaml）")
        self.zone = zone_of(config.get("timezone") or "Asia/Shanghai")
        self.departments = {c["name"]: c.get("department") for c in config.get("categories") or []}
        self.draws = sorted(
            (
                self.load(p)
                for p in self.files("draws")
                if not re.search(r"\.(prepared|cancelled|replacements)\.yaml$", p)
            ),
            key=lambda d: (instant(d["drawn_at"]), d["draw_id"]),
        )
        self.by_id = {d["draw_id"]: d for d in self.draws}
        self.assignments = sorted(
            (
                self.load(p)
                for p in self.files("assignments")
                if not p.endswith(".substitutions.yaml")
            ),
            key=lambda a: (instant(a["assigned_at"]), a["draw_id"]),
        )
        self.assigned = {a["draw_id"]: a for a in self.assignments}
        self.revisits = [
            self.load(p) for p in self.files("revisits") if p.endswith("-revisit.yaml")
        ]

    def files(self, folder: str) -> list[str]:
        return sorted(
            p.relative_to(self.root).as_posix() for p in self.root.glob(f"plans/*/{folder}/*.yaml")
        )

    def load(self, path: str) -> dict:
        return self.repo.yaml_at(None, path)

    def roster(self, kind: str, commit: str, ref: dict | None = None) -> list[dict]:
        """A roster as committed: the file the record names (its SHA-256 checked), or the
        YAML or the CSV one there is at that commit."""
        for path in [ref["path"]] if ref else [f"rosters/{kind}.yaml", f"rosters/{kind}.csv"]:
            raw = self.repo.show(commit, path)
            if raw is not None:
                break
        else:
            raise Mismatch(f"提交 {commit[:10]} 中没有{kind}名录")
        if ref and hashlib.sha256(raw).hexdigest() != ref["sha256"]:
            raise Mismatch(f"提交 {commit[:10]} 中 {path} 的 SHA-256 与记录不符")
        return roster_rows(kind, raw, path)

    def draw_path(self, d: dict) -> str:
        return f"plans/{d['year']}/draws/{d['draw_id']}.yaml"

    def swaps(self, d: dict, at: str | None) -> list[dict]:
        path = f"plans/{d['year']}/draws/{d['draw_id']}.replacements.yaml"
        doc = self.repo.yaml_at(at, path) if at or (self.root / path).is_file() else None
        return (doc or {}).get("replacements") or []

    def day(self, d: dict) -> date:
        """A draw counts from the later of the day it claims and the day it was recorded."""
        recorded = instant(d["drawn_at"]).astimezone(self.zone).date()
        return max(date.fromisoformat(d["date"]), recorded)


class Mismatch(Exception):
    """A record that its files do not reproduce, in Chinese."""


def zone_of(name: str):
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:  # no tz database (some Windows Pythons): China has had no DST since 1991
        return timezone(timedelta(hours=8))


def instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def current_picks(d: dict, swaps: list[dict]) -> dict[str, dict]:
    """Each pick's unit after the replacements, in order (A→B, then B→C: C stands for A)."""
    out = {p["id"]: p for p in d.get("selected") or []}
    for s in swaps:
        if s["entity"] in out:
            out[s["replacement"]] = out.pop(s["entity"])
    return out


def tasks_of(d: dict, swaps: list[dict]) -> list[str]:
    return [t["id"] for t in (d.get("key") or []) + (d.get("forced") or [])] + list(
        current_picks(d, swaps)
    )


# ------------------------------------------------------------------ draws


def rebuild_draw(ws: Workspace, d: dict) -> dict:
    """The draw re-run from its roster commit, its parameters and its history."""
    p = d["parameters"]
    year, day, seed, draw_id = (
        int(d["year"]),
        date.fromisoformat(d["date"]),
        d["seed"],
        d["draw_id"],
    )
    entities = ws.roster("entities", d["commit"], d["rosters"]["entities"])
    missing = [h for h in d.get("history") or [] if h not in ws.by_id]
    if missing:
        raise Mismatch(f"记录引用的历史抽取 {'、'.join(missing)} 不存在")
    history = [ws.by_id[h] for h in d.get("history") or []]
    at = ws.repo.added_in(ws.draw_path(d))
    # (unit, year, day, random) of every task the history gave, after its replacements
    past = []
    for h in history:
        swaps = ws.swaps(h, at)
        fixed = [t["id"] for t in (h.get("key") or []) + (h.get("forced") or [])]
        past += [(i, int(h["year"]), ws.day(h), False) for i in fixed]
        past += [(i, int(h["year"]), ws.day(h), True) for i in current_picks(h, swaps)]
    this_year, last_random = {}, {}
    for unit, y, when, random in past:
        if y == year:
            this_year[unit] = this_year.get(unit, 0) + 1
        if random and when > last_random.get(unit, date.min):
            last_random[unit] = when
    uncovered = set()
    coverage = int(p["coverage_years"])
    window = [h for h in history if year - coverage <= int(h["year"]) < year]
    if p["force_uncovered"] == "true" and window:
        first = min(window, key=lambda h: (int(h["year"]), instant(h["drawn_at"])))
        years_seen = {y for _, y, _, _ in past}
        if all(y in years_seen for y in range(year - coverage, year)):
            inspected = {u for u, y, _, _ in past if year - coverage <= y < year}
            then = ws.roster("entities", first["commit"])
            uncovered = {e["id"] for e in then if e["id"] not in inspected}
    already = {
        t["id"]
        for h in history
        if int(h["year"]) == year
        for t in (h.get("key") or []) + (h.get("forced") or [])
    }
    where = p.get("where") or {}
    start = months_before(day, int(p["cooldown_months"]))
    excluded = {r: [] for r in REASONS}
    key, forced, pool = [], [], {}
    for e in entities:
        reason = None
        if e["status"] in ("注销", "吊销"):
            reason = CLOSED
        elif e["status"] != "在营":
            reason = INACTIVE
        elif (e.get("level") or p["level"]) != p["level"]:
            reason = OTHER_LEVEL
        elif not targeted(e, where):
            reason = NOT_TARGETED
        elif e["id"] in already:
            continue  # an earlier draw of the year already made it a task
        elif e["key"]:
            key.append(e["id"])
            continue
        elif this_year.get(e["id"], 0) >= int(p["yearly_cap"]):
            reason = AT_CAP
        elif e["id"] in last_random and last_random[e["id"]] > start and e.get("risk") != "重大":
            reason = COOLDOWN
        elif e["id"] in uncovered:
            forced.append(e["id"])
            continue
        if reason:
            excluded[reason].append(e["id"])
        else:
            fields = p.get("stratify") or []
            pool[e["id"]] = "/".join(field_text(e, f) or "（空）" for f in fields) or ALL

    counts = {}
    for s in pool.values():
        counts[s] = counts.get(s, 0) + 1
    strata = []
    for s in d.get("strata") or []:
        n = counts.get(s["stratum"], 0)
        k = size(n, s.get("ratio"), s.get("count"), s.get("minimum"))
        strata.append({**s, "population": str(n), "selected": str(k)})
    unknown = sorted(set(counts) - {s["stratum"] for s in strata})
    if unknown:
        raise Mismatch(f"重算的分层 {'、'.join(unknown)} 不在记录中")
    sizes = {s["stratum"]: int(s["selected"]) for s in strata}

    groups = {s: [] for s in sizes}
    for i, s in pool.items():
        groups[s].append((ticket(seed, draw_id, i), i))
    selected, alternates = [], []
    for s in sorted(groups):
        ranked = sorted(groups[s])
        k, a = sizes[s], int(p["alternates"])
        selected += [(t, i, s) for t, i in ranked[:k]]
        alternates += [{"id": i, "ticket": t, "stratum": s} for t, i in ranked[k : k + a]]
    periods = p.get("periods") or []

    def fixed(ids):
        ordered = sorted((ticket(seed, draw_id, i), i) for i in ids)
        return [
            {"id": i, "ticket": t, "period": period_of(periods, n)}
            for n, (t, i) in enumerate(ordered)
        ]

    return {
        "population": {"count": str(len(pool)), "digest": digest(pool)},
        "excluded": [
            {"reason": r, "count": str(len(ids)), "ids": sorted(ids)}
            for r, ids in excluded.items()
            if ids
        ],
        "strata": strata,
        "key": fixed(key),
        "forced": fixed(forced),
        "selected": [
            {"id": i, "ticket": t, "stratum": s, "period": period_of(periods, n)}
            for n, (t, i, s) in enumerate(sorted(selected))
        ],
        "alternates": alternates,
        "_pool": pool,
    }


def targeted(e: dict, where: dict) -> bool:
    """One field's values are alternatives; different fields must all hold."""
    for name, wanted in where.items():
        wanted = wanted if isinstance(wanted, list) else [wanted]
        if name in LISTS:
            if not set(e.get(name) or []) & set(wanted):
                return False
        elif name == "key":
            if e["key"] not in {text(w).lower() in YES for w in wanted}:
                return False
        elif field_text(e, name) not in wanted:
            return False
    return True


LABELS = {
    "population": "随机池",
    "excluded": "排除名单",
    "strata": "分层",
    "key": "重点单位任务",
    "forced": "长期未检查单位任务",
    "selected": "抽中单位",
    "alternates": "候补单位",
}


def check_draw(ws: Workspace, d: dict) -> list[str]:
    again = rebuild_draw(ws, d)
    found = []
    for name, label in LABELS.items():
        mine, theirs = again[name], d.get(name) or ([] if name != "population" else {})
        if name == "excluded" and earlier_form(theirs):
            mine = [{k: v for k, v in e.items() if k != "ids"} for e in mine]
        if isinstance(theirs, list):
            theirs, mine = present(theirs), present(mine)
        if mine != theirs:
            found.append(f"{label}不一致：{first_difference(theirs, mine)}")
    return found


def earlier_form(excluded: list) -> bool:
    """Records written before every excluded id was listed gave none beyond 200 units."""
    return sum(int(e["count"]) for e in excluded) > 200 and all("ids" not in e for e in excluded)


def present(entries: list) -> list:
    """Entries without their empty fields (ssj leaves them out of its records)."""
    return [{k: v for k, v in e.items() if v not in (None, [])} for e in entries]


def first_difference(recorded, rerun) -> str:
    if isinstance(recorded, list) and isinstance(rerun, list):
        for n, (a, b) in enumerate(zip(recorded, rerun, strict=False)):
            if a != b:
                return f"第 {n + 1} 项记录为 {compact(a)}，重算为 {compact(b)}"
        return f"记录 {len(recorded)} 项，重算 {len(rerun)} 项"
    return f"记录为 {compact(recorded)}，重算为 {compact(rerun)}"


def compact(value) -> str:
    shown = json.dumps(value, ensure_ascii=False, default=str)
    return shown if len(shown) <= 160 else shown[:160] + "…"


def other_tasks(ws: Workspace, d: dict, at: str | None) -> set[str]:
    """Units another live draw of the year, committed at `at`, has as a task."""
    year = [
        o
        for o in ws.draws
        if o["year"] == d["year"] and (at is None or ws.repo.show(at, ws.draw_path(o)) is not None)
    ]
    gone = {o.get("redraw_of") for o in year if o.get("redraw_of")}
    out = set()
    for o in year:
        if o["draw_id"] != d["draw_id"] and o["draw_id"] not in gone:
            out |= set(tasks_of(o, ws.swaps(o, at)))
    return out


def check_replacements(ws: Workspace, d: dict) -> list[str]:
    """Each replacement: the first alternate of the stratum not used before it and not a
    task of another draw, as committed when it was recorded."""
    path = f"plans/{d['year']}/draws/{d['draw_id']}.replacements.yaml"
    swaps = ws.swaps(d, None)
    found = []
    for n, swap in enumerate(swaps):
        picks = current_picks(d, swaps[:n])
        where = f"第 {n + 1} 条替换（{swap['entity']}）"
        if swap["entity"] not in picks:
            found.append(f"{where}：被替换单位当时不是抽中单位")
            continue
        at = ws.repo.entry_added_in(path, "replacements", n)
        used = {s["replacement"] for s in swaps[:n]} | {s["entity"] for s in swaps[:n]}
        taken = other_tasks(ws, d, at)
        stratum = picks[swap["entity"]]["stratum"]
        spare = next(
            (
                a["id"]
                for a in d.get("alternates") or []
                if a["stratum"] == stratum and a["id"] not in used and a["id"] not in taken
            ),
            None,
        )
        if spare != swap["replacement"]:
            found.append(
                f"{where}：记录为候补 {swap['replacement']}，重算为 {spare or '该分层已无可用候补'}"
            )
    return found


# ------------------------------------------------------------------ assignments


def teams(
    ws: Workspace, a: dict, at: str | None, rounds: int | None = None
) -> dict[str, list[str]]:
    """Each task's people after substitutions, as committed at `at`."""
    path = f"plans/{a['year']}/assignments/{a['draw_id']}.yaml"
    then = a if at is None else ws.repo.yaml_at(at, path)
    if then is None:
        return {}
    later = then.get("rounds") or []
    later = later if rounds is None else later[:rounds]
    matched = (then.get("tasks") or []) + [t for r in later for t in r.get("tasks") or []]
    out = {
        t["entity"]: [m["id"] for m in (t.get("inspectors") or []) + (t.get("experts") or [])]
        for t in matched
    }
    subs_path = f"plans/{a['year']}/assignments/{a['draw_id']}.substitutions.yaml"
    subs = ws.repo.yaml_at(at, subs_path) if at or (ws.root / subs_path).is_file() else None
    for sub in (subs or {}).get("substitutions") or []:
        team = out.get(sub["task"])
        if team is not None and sub["inspector"] in team:
            team[team.index(sub["inspector"])] = sub["replacement"]
    return out


def rebuild_matching(ws: Workspace, a: dict, n: int) -> list[dict]:
    """The n-th matching of an assignment (0: the first) re-run from its files."""
    inputs = a["rounds"][n - 1] if n else a
    people = ws.roster("inspectors", inputs["commit"], inputs["rosters"]["inspectors"])
    items = ws.roster("items", inputs["commit"], inputs["rosters"]["items"])
    d = ws.by_id.get(a["draw_id"])
    if d is None:
        raise Mismatch("对应的抽取记录不存在")
    if hashlib.sha256((ws.root / ws.draw_path(d)).read_bytes()).hexdigest() != a["draw_sha256"]:
        raise Mismatch("抽取记录在匹配之后被修改过")
    path = f"plans/{a['year']}/assignments/{a['draw_id']}.yaml"
    at = ws.repo.entry_added_in(path, "rounds", n - 1) if n else ws.repo.added_in(path)
    swaps = ws.swaps(d, at)
    if n and len(swaps) != int(inputs["replacements"]):
        raise Mismatch(f"记录计入 {inputs['replacements']} 条候补替换，提交时有 {len(swaps)} 条")
    missing = [h for h in inputs.get("history") or [] if h not in ws.assigned]
    if missing:
        raise Mismatch(f"记录引用的既往匹配 {'、'.join(missing)} 不存在")
    history = [ws.assigned[h] for h in inputs.get("history") or []]
    earlier = teams(ws, a, at, rounds=n - 1) if n else {}

    # Load: the year's earlier matchings (after their substitutions) and this draw's earlier rounds.
    year = int(d["year"])
    load: dict[str, int] = {}
    past = {h["draw_id"]: teams(ws, h, at) for h in history}
    for h in history:
        if int(h["year"]) == year:
            for team in past[h["draw_id"]].values():
                for person in team:
                    load[person] = load.get(person, 0) + 1
    for team in earlier.values():
        for person in team:
            load[person] = load.get(person, 0) + 1
    rp = a["parameters"]
    rotation_years = int(rp["rotation_years"])
    rotation = set()
    if rotation_years > 0:
        recent = [
            past[h["draw_id"]] for h in history if year - rotation_years <= int(h["year"]) <= year
        ]
        rotation = {(p, e) for done in [*recent, earlier] for e, team in done.items() for p in team}

    entities = {e["id"]: e for e in ws.roster("entities", d["commit"])}
    periods = {t["id"]: t.get("period") for t in (d.get("key") or []) + (d.get("forced") or [])}
    periods.update({u: pick.get("period") for u, pick in current_picks(d, swaps).items()})
    tasks = [(entities[i], periods[i]) for i in sorted(periods) if i not in earlier]

    seed, draw_id = inputs["seed"], a["draw_id"]
    team_size, experts = int(rp["team_size"]), int(rp["experts"])
    ordered = sorted((ticket(seed, draw_id, e["id"]), e, period) for e, period in tasks)
    out = []
    for task_ticket, e, period in ordered:
        rules = Rules(
            until=period_end(year, period),
            department=ws.departments.get(e["category"]),
            rotation=rotation,
            parameters=rp,
        )
        officers = rank(seed, draw_id, e, people, "执法人员", rules, load)
        panel = rank(seed, draw_id, e, people, "专家", rules, load)
        if rp["lead_department"] == "true" and rules.department:
            first = next((r for r in officers if r[3]["department"] == rules.department), None)
            if first is None:
                raise Mismatch(f"对象 {e['id']}：主办科室无合格人员，不应有匹配结果")
            officers = [first] + [r for r in officers if r is not first]
        if len(officers) < team_size or len(panel) < experts:
            raise Mismatch(f"对象 {e['id']}：合格人员不足，不应有匹配结果")
        team, chosen = officers[:team_size], panel[:experts]
        for _, _, person, _ in team + chosen:  # loads grow once the whole task is ranked
            load[person] = load.get(person, 0) + 1
        scope = {"通用", e["category"], *e["industries"]}
        out.append(
            {
                "entity": e["id"],
                "ticket": task_ticket,
                "period": period,
                "inspectors": [{"id": i, "ticket": t, "load": str(n)} for n, t, i, _ in team],
                "experts": [{"id": i, "ticket": t, "load": str(n)} for n, t, i, _ in chosen],
                "checklist": sorted({i["code"] for i in items if scope & set(i["categories"])}),
            }
        )
    return out


class Rules:
    """What decides who may inspect one task (R6–R9)."""

    def __init__(self, until: date, department, rotation: set, parameters: dict) -> None:
        self.until, self.department, self.rotation = until, department, rotation
        self.cross_region = parameters["cross_region"] == "true"
        self.own_department = parameters["scope"] == "department"


def eligible(p: dict, e: dict, role: str, rules: Rules) -> bool:
    """Certificate valid through the period's end, on duty, no conflict, not too recent
    with this unit, not of its region (所所交叉), of its department (各股室内随机)."""
    return (
        p["role"] == role
        and p.get("valid_until") is not None
        and p["valid_until"] >= rules.until
        and p["status"] == "在岗"
        and e["id"] not in p["conflicts"]
        and (p["id"], e["id"]) not in rules.rotation
        and not (rules.cross_region and p.get("region") and p["region"] == e.get("region"))
        and not (
            rules.own_department and role == "执法人员" and p.get("department") != rules.department
        )
    )


def rank(seed, draw_id, e, people, role, rules, load) -> list[tuple]:
    """The eligible people of `role` by (load, ticket(seed, draw, unit, person))."""
    return sorted(
        (load.get(p["id"], 0), ticket(seed, draw_id, e["id"], p["id"]), p["id"], p)
        for p in people
        if eligible(p, e, role, rules)
    )


def check_assignment(ws: Workspace, a: dict) -> list[str]:
    found = []
    for n, recorded in enumerate(
        [a.get("tasks") or []] + [r.get("tasks") or [] for r in a.get("rounds") or []]
    ):
        label = f"第 {n} 次补充匹配：" if n else ""
        try:
            again = rebuild_matching(ws, a, n)
        except Mismatch as exc:
            found.append(label + str(exc))
            continue
        recorded, again = present(recorded), present(again)
        if again != recorded:
            found.append(label + "任务不一致：" + first_difference(recorded, again))
    return found


# ------------------------------------------------------------------ return-visit draws


def check_revisit(ws: Workspace, r: dict) -> list[str]:
    """The year's inspected units (a record at `commit`, result not 无法联系/已关闭) drawn
    in one stratum, k = ceil(ratio × N)."""
    year, commit = r["year"], r["commit"]
    names = ws.repo.git(
        "ls-tree", "--name-only", commit, "--", f"plans/{year}/draws/", f"plans/{year}/records/"
    )
    draws, records = [], []
    for path in names.decode("utf-8").splitlines():
        if path.startswith(f"plans/{year}/records/") and path.endswith(".yaml"):
            records.append(ws.repo.yaml_at(commit, path))
        elif path.endswith(".yaml") and not re.search(
            r"\.(prepared|cancelled|replacements)\.yaml$", path
        ):
            draws.append(ws.repo.yaml_at(commit, path))
    gone = {d.get("redraw_of") for d in draws if d.get("redraw_of")}
    population = []
    for rec in records:
        versions = rec.get("versions") or []
        live = [i for i in dict.fromkeys(v["draw_id"] for v in versions) if i not in gone]
        if any(
            [v for v in versions if v["draw_id"] == i][-1]["result"] not in NOT_REACHED
            for i in live
        ):
            population.append(rec["entity"])
    population.sort()
    found = []
    if population != (r.get("population") or []):
        found.append(f"已检查单位名单与提交 {commit[:10]} 中的检查记录不符")
    if digest(r.get("population") or []) != r["digest"]:
        found.append("已检查单位摘要与名单不符")
    ids = r.get("population") or []
    k = size(len(ids), r["ratio"], None, None)
    ranked = sorted((ticket(r["seed"], r["draw_id"], i), i) for i in ids)[:k]
    again = [{"id": i, "ticket": t} for t, i in ranked]
    if again != (r.get("selected") or []):
        found.append("抽中单位不一致：" + first_difference(r.get("selected") or [], again))
    return found


# ------------------------------------------------------------------ main


def report(kind: str, ident: str, check, *args) -> bool:
    try:
        found = check(*args)
    except Mismatch as exc:
        found = [str(exc)]
    if found:
        print(f"{kind} {ident}：不一致", file=sys.stderr)
        for line in found:
            print(f"  {line}", file=sys.stderr)
    else:
        print(f"{kind} {ident}：一致")
    return not found


def main(argv: list[str]) -> int:
    if not argv:
        print("用法：python3 verify.py 工作区目录 [记录编号 ...]", file=sys.stderr)
        return 2
    try:
        ws = Workspace(Path(argv[0]))
        only = set(argv[1:])
        ok, seen = True, 0
        for d in ws.draws:
            if only and d["draw_id"] not in only:
                continue
            seen += 1
            if (d["kind"], d["algorithm"]) != ("draw", ALGORITHM):
                raise Unreadable(f"{ws.draw_path(d)} 不是 {ALGORITHM} 的抽取记录")
            ok &= report("抽取", d["draw_id"], check_draw, ws, d)
            if ws.swaps(d, None):
                ok &= report("替换", d["draw_id"], check_replacements, ws, d)
        for a in ws.assignments:
            if not only or a["draw_id"] in only:
                seen += 1
                ok &= report("匹配", a["draw_id"], check_assignment, ws, a)
        for r in ws.revisits:
            if not only or r["draw_id"] in only:
                seen += 1
                ok &= report("回访", r["draw_id"], check_revisit, ws, r)
    except (Unreadable, KeyError, ValueError, TypeError, AttributeError) as exc:
        print(
            f"无法读取：{exc!r}" if not isinstance(exc, Unreadable) else f"无法读取：{exc}",
            file=sys.stderr,
        )
        return 2
    if only and not seen:
        print(f"找不到记录：{'、'.join(sorted(only))}", file=sys.stderr)
        return 2
    print(f"共核验 {seen} 条记录：{'全部一致' if ok else '有不一致'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
