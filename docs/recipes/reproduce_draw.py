#!/usr/bin/env python3
"""不用 ssj，只用 Python 标准库（hashlib）重算一次抽取（ssj-sha256-v1）。

Reproduce an ssj draw with the Python standard library only (no ssj, no PyYAML).

用法 / usage:  python3 reproduce_draw.py 工作区目录 抽取编号      例：python3 reproduce_draw.py demo 2026-1

步骤与 reproduce_draw.sh 相同，见 docs/algorithm.md。结果与记录不符时退出码为 1。
load() 只读懂 ssj 写出的记录和一行一个字段的名录 YAML；装有 PyYAML 时可改用 yaml.safe_load
（但须把名录的 id 当作文字读入）。
"""

import hashlib
import json
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

KEY = re.compile(r"([^'\"#\s-][^:]*?|-[^\s:][^:]*?):(?: +(.*))?$")


def scalar(v):
    m = re.match(r"'((?:[^']|'')*)'|\"((?:[^\"\\]|\\.)*)\"", v)
    if m:
        return m[1].replace("''", "'") if m[1] is not None else json.loads(f'"{m[2]}"')
    v = re.sub(r"\s+#.*", "", v).strip()
    if v.startswith("["):
        return [scalar(x.strip()) for x in v[1:-1].split(",") if x.strip()]
    return {"{}": {}, "~": None, "null": None, "": None}.get(v, v)


def item(s):
    return s == "-" or s.startswith("- ")


def block(rows, i):
    """A block sequence or mapping starting at rows[i]; every scalar stays a string."""
    ind, out = rows[i][0], [] if item(rows[i][1]) else {}
    while i < len(rows) and rows[i][0] == ind and item(rows[i][1]) == isinstance(out, list):
        text = rows[i][1][2:] if isinstance(out, list) else rows[i][1]
        m = KEY.match(text)
        if isinstance(out, list) and m:  # "- key: value" opens a mapping two columns in
            rows[i] = [ind + 2, text]
            node, i = block(rows, i)
        elif isinstance(out, list):
            node, i = (scalar(text), i + 1) if text else block(rows, i + 1)
        elif not m:
            sys.exit(f"无法解析的 YAML 行：{text}")
        else:
            i += 1
            if m[2] and not m[2].startswith("#"):
                node = scalar(m[2])
            elif i < len(rows) and (rows[i][0] > ind or (rows[i][0] == ind and item(rows[i][1]))):
                node, i = block(rows, i)
            else:
                node = None
        if isinstance(out, list):
            out.append(node)
        else:
            out[m[1]] = node
    return out, i


def load(text):
    rows = [
        [len(line) - len(line.lstrip(" ")), line.strip()]
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith(("#", "---"))
    ]
    return block(rows, 0)[0]


def main(ws, draw_id):
    ws = Path(ws)
    found = sorted(ws.glob(f"plans/*/draws/{draw_id}.yaml"))
    if not found:
        sys.exit(f"找不到抽取记录 plans/*/draws/{draw_id}.yaml")
    path = found[0]
    rec = load(path.read_text("utf-8"))
    if (rec["kind"], rec["algorithm"], rec["draw_id"]) != ("draw", "ssj-sha256-v1", draw_id):
        sys.exit(f"{path} 不是 ssj-sha256-v1 的抽取记录 {draw_id}")
    seed, params, ref = rec["seed"], rec["parameters"], rec["rosters"]["entities"]
    print(f"抽取 {draw_id}：种子 {seed}，名录 {ref['path']} @ {rec['commit']}")

    # 当时提交的名录，逐字节核对
    show = ["git", "-C", str(ws), "show", f"{rec['commit']}:{ref['path']}"]
    raw = subprocess.run(show, check=True, capture_output=True).stdout
    if hashlib.sha256(raw).hexdigest() != ref["sha256"]:
        sys.exit("名录 SHA-256 与记录不符")

    # 随机池 = 名录 − 排除 − 重点单位 − R3 强制单位 − 同年度先前抽取已列为任务的单位
    removed = {i for e in rec["excluded"] or [] for i in e.get("ids") or []}
    tasks = [rec]
    for h in rec["history"] or []:
        earlier = ws / "plans" / str(rec["year"]) / "draws" / f"{h}.yaml"
        if earlier.is_file():
            tasks.append(load(earlier.read_text("utf-8")))
    removed |= {t["id"] for r in tasks for t in (r["key"] or []) + (r["forced"] or [])}

    def text(v):
        return {"true": "是", "false": "否", None: "（空）", "": "（空）"}.get(v, v)

    fields = params["stratify"] or []
    pool = {
        e["id"]: "/".join(text(e.get(f)) for f in fields) or "全部"
        for e in load(raw.decode("utf-8-sig"))["entities"]
        if e["id"] not in removed
    }
    digest = hashlib.sha256("\n".join(sorted(pool)).encode()).hexdigest()
    if digest != rec["population"]["digest"]:
        sys.exit(
            f"随机池摘要不符：重算 {len(pool)} 个，记录 {rec['population']['count']} 个"
            "（记录只在排除项不多于 200 个时列出其编号；否则须按 docs/draw.md 所列的规则自行筛选名录）"
        )
    print(f"随机池 {len(pool)} 个，摘要 {digest} 与记录一致")

    def ticket(i):
        return hashlib.sha256(f"{seed}|{draw_id}|{i}".encode()).hexdigest()

    strata = {}
    for i, s in pool.items():
        strata.setdefault(s, []).append((ticket(i), i))
    recorded = {s["stratum"]: s for s in rec["strata"] or []}
    if set(recorded) != set(strata):
        sys.exit(f"分层不同：记录 {sorted(recorded)}，重算 {sorted(strata)}")
    selected, alternates, a = [], [], int(params["alternates"])
    for s in sorted(strata):
        r, n = recorded[s], len(strata[s])
        if r.get("ratio"):  # k = ceil(r × N)，分数精确运算，不经过浮点
            f = Fraction(r["ratio"])
            k = -(-f.numerator * n // f.denominator)
        else:
            k = min(int(r["count"]), n)
        if r.get("minimum"):
            k = max(k, min(int(r["minimum"]), n))
        if k != int(r["selected"]):
            sys.exit(f"分层 {s}：重算 k={k}，记录 {r['selected']}")
        ranked = sorted(strata[s])
        selected += [(t, i, s) for t, i in ranked[:k]]
        alternates += [(i, t, s) for t, i in ranked[k : k + a]]
        print(f"{s}：{' '.join(i for _, i in ranked[:k])}")

    periods = params["periods"] or []

    def period(n):
        return periods[n % len(periods)] if periods else None

    def listed(kind, *keys):
        return [tuple(x.get(key) for key in keys) for x in rec[kind] or []]

    mine = {
        "selected": [(i, t, s, period(n)) for n, (t, i, s) in enumerate(sorted(selected))],
        "alternates": alternates,
    }
    for kind in ("key", "forced"):
        ordered = sorted((ticket(x["id"]), x["id"]) for x in rec[kind] or [])
        mine[kind] = [(i, t, period(n)) for n, (t, i) in enumerate(ordered)]
    theirs = {
        "selected": listed("selected", "id", "ticket", "stratum", "period"),
        "alternates": listed("alternates", "id", "ticket", "stratum"),
        "key": listed("key", "id", "ticket", "period"),
        "forced": listed("forced", "id", "ticket", "period"),
    }
    labels = {"selected": "抽中单位", "alternates": "候补单位", "key": "重点单位时段"}
    labels["forced"] = "强制单位时段"
    ok = True
    for kind, label in labels.items():
        same = mine[kind] == theirs[kind]
        ok &= same
        print(
            f"{label}：与记录{'一致' if same else '不一致'}",
            file=sys.stdout if same else sys.stderr,
        )
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(f"用法：{sys.argv[0]} 工作区目录 抽取编号")
    sys.exit(main(*sys.argv[1:]))
