"""Self-contained pages that re-run a draw or an assignment in the reader's browser.

Each page holds the public inputs and the recorded result as one JSON block, and a script
that recomputes every ticket with WebCrypto (SHA-256 of the UTF-8 bytes), re-derives the
result exactly as `core.algorithm` does, and sets `data-ok` on `#verdict`. Nothing is
fetched: a Content-Security-Policy with the hashes of the one script and the one style
forbids every other load, so the page works offline and cannot leak what it checks.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from html import escape

from ..core import algorithm
from ..core.records import Assignment, Draw

# ------------------------------------------------------------------ inputs


@dataclass(frozen=True)
class Entry:
    """One recorded (or recomputed) unit: selected, alternate, key or forced task."""

    id: str
    ticket: str
    stratum: str | None = None
    period: str | None = None


@dataclass(frozen=True)
class StratumInputs:
    """A stratum's eligible ids and what the record says about it.

    `population` and `selected` (k) are None when the pool has the stratum but the
    record does not: the page then reports the difference.
    """

    stratum: str
    eligible: list[str]
    population: int | None
    selected: int | None
    ratio: str | None = None
    count: int | None = None
    minimum: int | None = None


@dataclass(frozen=True)
class DrawOutcome:
    selected: list[Entry]
    alternates: list[Entry]
    key: list[Entry]
    forced: list[Entry]


@dataclass(frozen=True)
class DrawInputs:
    """Everything the page needs to re-run a draw: public inputs and the recorded result."""

    algorithm: str
    seed: str
    draw_id: str
    year: int
    date: str
    seed_source: str
    commit: str
    population: int  # recorded count of the random pool
    digest: str  # recorded population digest
    alternates: int
    periods: list[str]
    strata: list[StratumInputs]
    key: list[str]
    forced: list[str]
    recorded: DrawOutcome


@dataclass(frozen=True)
class Candidates:
    """One task's eligible people, as `core.algorithm.TaskCandidates`."""

    entity: str
    officers: list[str]
    experts: list[str]
    lead: list[str]
    lead_required: bool


@dataclass(frozen=True)
class Member:
    id: str
    ticket: str
    load: int


@dataclass(frozen=True)
class Team:
    entity: str
    ticket: str
    period: str | None
    inspectors: list[Member]
    experts: list[Member]


@dataclass(frozen=True)
class AssignmentInputs:
    """Everything the page needs to re-run an assignment from its candidate lists."""

    algorithm: str
    seed: str
    draw_id: str
    year: int
    seed_source: str
    commit: str
    team_size: int
    experts: int
    parameters: dict[str, object]  # the recorded options, shown to the reader
    prior_load: dict[str, int]
    tasks: list[Candidates]
    recorded: list[Team]


def draw_inputs(record: Draw, membership: Mapping[str, str]) -> DrawInputs:
    """The page inputs of a draw record and its recomputed pool (eligible id -> stratum)."""
    groups: dict[str, list[str]] = {s.stratum: [] for s in record.strata}
    for id_, stratum in membership.items():
        groups.setdefault(stratum, []).append(id_)
    recorded = {s.stratum: s for s in record.strata}
    strata = []
    for name in sorted(groups):  # code point order, as the draw processes strata
        ids = sorted(groups[name])
        s = recorded.get(name)
        if s is None:
            strata.append(StratumInputs(name, ids, population=None, selected=None))
        else:
            strata.append(
                StratumInputs(name, ids, s.population, s.selected, s.ratio, s.count, s.minimum)
            )
    return DrawInputs(
        algorithm=record.algorithm,
        seed=record.seed,
        draw_id=record.draw_id,
        year=record.year,
        date=record.date.isoformat(),
        seed_source=record.seed_source,
        commit=record.commit,
        population=record.population.count,
        digest=record.population.digest,
        alternates=record.parameters.alternates,
        periods=list(record.parameters.periods),
        strata=strata,
        key=sorted(t.id for t in record.key),
        forced=sorted(t.id for t in record.forced),
        recorded=DrawOutcome(
            selected=[Entry(p.id, p.ticket, p.stratum, p.period) for p in record.selected],
            alternates=[Entry(p.id, p.ticket, p.stratum) for p in record.alternates],
            key=[Entry(t.id, t.ticket, period=t.period) for t in record.key],
            forced=[Entry(t.id, t.ticket, period=t.period) for t in record.forced],
        ),
    )


def assignment_inputs(
    record: Assignment,
    tasks: Sequence[algorithm.TaskCandidates],
    prior_load: Mapping[str, int],
) -> AssignmentInputs:
    """The page inputs of an assignment record, its tasks' candidates and the prior loads."""
    people = {p for t in tasks for p in (*t.officers, *t.experts)}
    return AssignmentInputs(
        algorithm=record.algorithm,
        seed=record.seed,
        draw_id=record.draw_id,
        year=record.year,
        seed_source=record.seed_source,
        commit=record.commit,
        team_size=record.parameters.team_size,
        experts=record.parameters.experts,
        parameters=record.parameters.model_dump(mode="json"),
        # Only candidates' loads can move a ranking: the others would only weigh the page.
        prior_load={p: n for p, n in sorted(prior_load.items()) if n and p in people},
        tasks=[
            Candidates(t.entity, list(t.officers), list(t.experts), list(t.lead), t.lead_required)
            for t in tasks
        ],
        recorded=[
            Team(
                t.entity,
                t.ticket,
                t.period,
                [Member(m.id, m.ticket, m.load) for m in t.inspectors],
                [Member(m.id, m.ticket, m.load) for m in t.experts],
            )
            for t in record.tasks
        ],
    )


# ------------------------------------------------------------------ pages


# A browser lays out a 20 000-row table in seconds; past this many rows the units are
# listed by stratum and by period only (their tickets stay in the embedded data).
DETAIL_ROWS_UP_TO = 1000


def draw_page(inputs: DrawInputs) -> str:
    """One HTML file that re-runs the draw in the browser and shows 一致 or 不一致."""
    rec = inputs.recorded
    about = [
        ("抽取编号", inputs.draw_id),
        ("计划年度", str(inputs.year)),
        ("抽取日期", inputs.date),
        ("算法", inputs.algorithm),
        ("种子", inputs.seed),
        ("种子来源", inputs.seed_source),
        ("名录所在提交", inputs.commit),
        ("随机池", f"{inputs.population} 个单位"),
        ("随机池摘要", inputs.digest),
        ("每层候补数", str(inputs.alternates)),
        ("检查时段", "、".join(inputs.periods) or "不分时段"),
        ("抽中单位", f"{len(rec.selected)} 个"),
        ("重点单位", f"{len(rec.key)} 个"),
        ("长期未检查单位", f"{len(rec.forced)} 个"),
    ]
    body = [
        "<h1>随机抽取结果核对</h1>",
        f'<p class="sub">抽取编号 {_e(inputs.draw_id)} · {inputs.year} 年度 · 抽取日期 {_e(inputs.date)}</p>',
        _verdict_section(),
        "<h2>抽取概况</h2>",
        _key_values(about),
        "<h2>各层抽取情况</h2>",
        _strata_table(inputs),
        *_period_section(inputs),
        "<h2>抽中单位明细</h2>",
        _detail(
            ["序号", "编号", "分层", "检查时段", "签号"],
            [
                [str(n), p.id, p.stratum or "", p.period or "—", p.ticket]
                for n, p in enumerate(rec.selected, 1)
            ],
        ),
        "<h2>重点单位与长期未检查单位</h2>",
        _detail(
            ["类别", "编号", "检查时段", "签号"],
            [["重点单位", t.id, t.period or "—", t.ticket] for t in rec.key]
            + [["长期未检查单位", t.id, t.period or "—", t.ticket] for t in rec.forced],
            none="本次抽取没有重点单位和须强制纳入的长期未检查单位。",
        ),
        _DRAW_EXPLAINED,
    ]
    title = f"抽取 {inputs.draw_id} 结果核对"
    return _page(title, "\n".join(body), {"kind": "draw", "data": asdict(inputs)})


def _grouped(entries: Sequence[Entry], by: str) -> dict[str | None, str]:
    """The ids of `entries` in their order, joined per value of the field `by`."""
    groups: dict[str | None, list[str]] = {}
    for e in entries:
        groups.setdefault(getattr(e, by), []).append(e.id)
    return {k: "、".join(v) for k, v in groups.items()}


def _strata_table(inputs: DrawInputs) -> str:
    selected = _grouped(inputs.recorded.selected, "stratum")
    spare = _grouped(inputs.recorded.alternates, "stratum")
    rows = [
        [
            s.stratum,
            _count(s.population),
            _count(s.selected),
            selected.get(s.stratum, "—"),
            spare.get(s.stratum, "—"),
        ]
        for s in inputs.strata
    ]
    return _table(["分层", "对象数", "抽取数", "抽中单位", "候补单位（按递补顺序）"], rows)


def _period_section(inputs: DrawInputs) -> list[str]:
    if not inputs.periods:
        return []
    rec = inputs.recorded
    lists = [_grouped(entries, "period") for entries in (rec.selected, rec.key, rec.forced)]
    rows = [[period] + [ids.get(period, "—") for ids in lists] for period in inputs.periods]
    return [
        "<h2>各检查时段的单位</h2>",
        _table(["检查时段", "抽中单位", "重点单位", "长期未检查单位"], rows),
    ]


def _detail(columns: Sequence[str], rows: list[list[str]], none: str = "无。") -> str:
    if not rows:
        return f"<p>{_e(none)}</p>"
    if len(rows) > DETAIL_ROWS_UP_TO:
        return (
            f"<p>共 {len(rows)} 个，超过 {DETAIL_ROWS_UP_TO} 个，不逐行列出；各单位的分层和时段见上表，"
            "签号在本页内嵌的数据和抽取记录中，本页的核对逐一包括它们。</p>"
        )
    return _table(columns, rows, mono=len(columns) - 1)


def assignment_page(inputs: AssignmentInputs) -> str:
    """One HTML file that re-runs the inspector assignment in the browser."""
    candidates = {t.entity: t for t in inputs.tasks}
    rows = []
    for n, team in enumerate(inputs.recorded, 1):
        task = candidates.get(team.entity)
        rows.append(
            [
                str(n),
                team.entity,
                team.period or "—",
                str(len(task.officers)) if task else "—",
                "、".join(m.id for m in team.inspectors),
                "、".join(m.id for m in team.experts) or "—",
                team.ticket,
            ]
        )
    options = inputs.parameters
    about = [
        ("抽取编号", inputs.draw_id),
        ("计划年度", str(inputs.year)),
        ("算法", inputs.algorithm),
        ("种子", inputs.seed),
        ("种子来源", inputs.seed_source),
        ("名录所在提交", inputs.commit),
        ("每组执法人员数", str(inputs.team_size)),
        ("每组专家数", str(inputs.experts)),
        ("随机范围", "各股室内随机" if options.get("scope") == "department" else "全局内随机"),
        ("主办科室人员担任第一名", "是" if options.get("lead_department") else "否"),
        ("所所交叉", "是" if options.get("cross_region") else "否"),
        ("轮换年数", str(options.get("rotation_years", ""))),
        ("任务数", str(len(inputs.recorded))),
    ]
    body = [
        "<h1>检查人员随机匹配结果核对</h1>",
        f'<p class="sub">抽取编号 {_e(inputs.draw_id)} · {inputs.year} 年度</p>',
        _verdict_section(),
        "<h2>匹配概况</h2>",
        _key_values(about),
        "<h2>各任务检查组</h2>",
        _table(
            ["序号", "检查对象", "检查时段", "合格执法人员数", "执法人员", "专家", "任务签号"],
            rows,
            mono=6,
        ),
        _ASSIGNMENT_EXPLAINED,
    ]
    title = f"抽取 {inputs.draw_id} 人员匹配核对"
    return _page(title, "\n".join(body), {"kind": "assignment", "data": asdict(inputs)})


# ------------------------------------------------------------------ html


def _e(text: str) -> str:
    return escape(text, quote=True)


def _count(n: int | None) -> str:
    return "—" if n is None else str(n)


def script_json(value: object) -> str:
    """JSON that can sit inside <script>: no "<", ">" or "&" survives unescaped.

    The HTML parser ends a script at "</script" and treats "<!--" specially, whatever
    the quotes; JSON's \\u escapes of those characters parse back to the same text.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def _key_values(pairs: Sequence[tuple[str, str]]) -> str:
    rows = "".join(f'<tr><th>{_e(k)}</th><td class="v">{_e(v)}</td></tr>' for k, v in pairs)
    return f'<table class="kv"><tbody>{rows}</tbody></table>'


def _table(columns: Sequence[str], rows: Sequence[Sequence[str]], mono: int | None = None) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="mono">{_e(c)}</td>' if i == mono else f"<td>{_e(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _verdict_section() -> str:
    return (
        "<h2>核对结论</h2>"
        '<p id="verdict" data-ok="pending" role="status">'
        "尚未核对：本页要在浏览器中运行其中的脚本才能重算（脚本不联网，也不读取任何其他文件）。"
        "如果一直停留在这句话，请允许本页运行脚本，或改用下文所述的其他方法核对。</p>"
        '<ol id="checks"></ol>'
    )


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _page(title: str, body: str, payload: object) -> str:
    policy = (
        f"default-src 'none'; script-src {_csp_hash(_SCRIPT)}; style-src {_csp_hash(_CSS)}; "
        "base-uri 'none'; form-action 'none'"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
        f"{body}\n</main>\n"
        f'<script type="application/json" id="inputs">{script_json(payload)}</script>\n'
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )


_CSS = """
body { margin: 0; background: #f3f3f3; color: #111; font: 15px/1.7 "PingFang SC",
  "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
h1 { font-size: 24px; text-align: center; margin: 8px 0 0; }
.sub { text-align: center; color: #555; margin: 4px 0 16px; }
h2 { font-size: 18px; border-left: 4px solid #b22; padding-left: 8px; margin: 28px 0 8px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 14px; }
th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; font-weight: 600; }
table.kv th { width: 10em; }
td.v, td.mono { word-break: break-all; }
td.mono { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 12px; }
#verdict { font-size: 18px; padding: 10px 14px; border: 2px solid #999; background: #fafafa; }
#verdict[data-ok="true"] { border-color: #1a7f37; background: #eaf7ee; color: #0d4d20; }
#verdict[data-ok="false"] { border-color: #b22; background: #fdecec; color: #7a1010; }
#checks li.bad { color: #b22; }
@media print { body { background: none; } main { padding: 0; } }
"""

_DRAW_EXPLAINED = """
<h2>本页核对了什么</h2>
<p>本页内嵌了这次抽取的全部公开输入（种子、抽取编号、算法、随机池中每一层的单位编号和抽取数、每层候补数、
检查时段、重点单位和长期未检查单位的编号）和抽取记录中的结果。打开本页时，浏览器用自带的 SHA-256
（WebCrypto）逐个重算签号，再按 ssj-sha256-v1 重新抽取，与记录逐项比对：</p>
<ol>
<li>随机池的单位数，以及随机池摘要（全部编号按 Unicode 码位排序、以换行连接后的 SHA-256）与记录相同，
说明本页用的随机池与抽取时一字不差；</li>
<li>每层的对象数与记录相同，抽取数 k 与记录中的比例（向上取整，精确计算）、数量和每层最少数相符；</li>
<li>每个单位的签号是“种子|抽取编号|单位编号”的 UTF-8 字节的 SHA-256（小写十六进制）；</li>
<li>每层签号最小的 k 个为抽中单位，紧随其后的为候补单位，顺序相同；</li>
<li>全部抽中单位合在一起按签号排序后依次轮流分配检查时段；重点单位、长期未检查单位各自按签号排序，同样分配时段；</li>
<li>以上每一项的编号、签号、分层和时段都与记录相同。</li>
</ol>
<p>本页不核对随机池是怎样从名录得出的（哪些单位因注销、冷却期、年度上限等被排除，哪些是重点单位）：
那取决于抽取时提交的名录和规则，可用 ssj 的核对功能，或按下述方法对照名录和记录中的排除清单核对。
本页只读取自身内容，不联网。</p>
<h2>如何用其他方法核对</h2>
<p>不必相信本页，也不必使用 ssj。任何能计算 SHA-256 的工具（各种编程语言的标准库、常见的命令行工具）都可以：</p>
<ol>
<li>从 git 中按记录的提交取出抽取时的检查对象名录，核对文件的 SHA-256 与记录相同；</li>
<li>名录全部编号，去掉记录列出的排除单位、重点单位和长期未检查单位，即随机池；把编号按码位排序、
以换行连接（末尾不加换行）计算 SHA-256，应等于记录中的随机池摘要；</li>
<li>对随机池中每个单位，把“种子|抽取编号|单位编号”（竖线分隔，不加空格和换行）按 UTF-8 编码后计算 SHA-256，
以小写十六进制表示，即它的签号；</li>
<li>按分层字段分组，每层按签号从小到大排列，取前 k 个（k 为比例乘以该层对象数后向上取整），其后的为候补；</li>
<li>把所有抽中单位按签号排序，第 1 个分到第 1 个时段，第 2 个分到第 2 个时段，依次轮流。</li>
</ol>
<p>所得结果应与上表完全相同。ssj 的文档附有按这一方法编写、不依赖 ssj 的两份复现脚本。</p>
"""

_ASSIGNMENT_EXPLAINED = """
<h2>本页核对了什么</h2>
<p>本页内嵌了这次人员匹配的公开输入（种子、抽取编号、每组人数、专家人数、每个任务的合格执法人员和专家名单、
主办科室人员名单、本年度此前已有的任务数）和匹配记录中的各检查组。打开本页时，浏览器用自带的 SHA-256
（WebCrypto）重算签号，按 ssj-sha256-v1 重新匹配，与记录逐项比对：</p>
<ol>
<li>任务按“种子|抽取编号|单位编号”的签号从小到大逐个处理，顺序和任务签号与记录相同；</li>
<li>每个任务的合格执法人员按（已承担任务数，“种子|抽取编号|单位编号|人员编号”的签号）从小到大排列，
取前若干名；要求主办科室人员担任第一名时，取排序中最靠前的主办科室人员作第一名，其余按原顺序递补；</li>
<li>需要专家时，专家按同样的方法另行排序选取；一个任务的人员全部选定后，他们的任务数才各加 1，
所以任务在人员之间尽量平均；</li>
<li>每名人员的编号、签号和排序时的任务数都与记录相同。</li>
</ol>
<p>各任务的合格人员名单由资格规则（证件有效、在岗、回避、所所交叉、轮换、本科室范围）在匹配前确定，
与种子无关；本页把这些名单作为输入，不重新判断资格。资格可用 ssj 的核对功能对照名录核对。
匹配之后个别人员的替换另有记录，不在本页核对之列。本页只读取自身内容，不联网。</p>
<h2>如何用其他方法核对</h2>
<p>任何能计算 SHA-256 的工具都可以复核：对每个任务计算“种子|抽取编号|单位编号”的签号并从小到大排列；
依次处理每个任务，对它的每名合格执法人员计算“种子|抽取编号|单位编号|人员编号”的签号，
先按本年度已承担的任务数、再按签号从小到大排列，取前若干名为检查组（专家另行同样排列），
然后把这些人的任务数各加 1，再处理下一个任务。所得各检查组应与上表完全相同。</p>
"""

# The page's program. It mirrors core/algorithm.py step by step; the comments name the
# Python it follows. Strings compare by code point there, so `cmpCP` does here (JS
# compares UTF-16 units); tickets are lowercase hex, for which both orders agree.
_SCRIPT = r"""
"use strict";
(function () {
const ALGORITHM = "ssj-sha256-v1";
const CHUNK = 4000;
const verdict = document.getElementById("verdict");
const list = document.getElementById("checks");
const enc = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

class Report {
  constructor() { this.failures = []; }
  pass(text) { this.add(true, text); }
  fail(text) { this.failures.push(text); this.add(false, text); }
  add(ok, text) {
    const li = document.createElement("li");
    li.className = ok ? "ok" : "bad";
    li.textContent = (ok ? "✓ " : "✗ ") + text;
    list.appendChild(li);
  }
}

function progress(text) { verdict.textContent = "正在核对：" + text; }

function hex(buffer) {
  const bytes = new Uint8Array(buffer);
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]];
  return out;
}

async function sha256(text) {
  return hex(await crypto.subtle.digest("SHA-256", enc.encode(text)));
}

// Many digests, a chunk at a time, so that 100 000 pending promises never pile up.
async function digestAll(texts, what) {
  const out = new Array(texts.length);
  for (let i = 0; i < texts.length; i += CHUNK) {
    const part = texts.slice(i, i + CHUNK);
    const done = await Promise.all(part.map(sha256));
    for (let j = 0; j < done.length; j++) out[i + j] = done[j];
    progress(`已重算${what} ${Math.min(i + CHUNK, texts.length)} / ${texts.length} 个`);
  }
  return out;
}

// Code point order (Python's str order): surrogates sort after U+E000–U+FFFF.
function unit(c) { return c >= 0xd800 && c <= 0xdfff ? c + 0x2000 : c >= 0xe000 ? c - 0x800 : c; }
function cmpCP(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x !== y) return unit(x) - unit(y);
  }
  return a.length - b.length;
}
function cmpStr(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

function shown(value) {
  const text = String(value);
  return text.length > 40 ? text.slice(0, 40) + "…" : text;
}
function short(ticket) { return ticket ? ticket.slice(0, 16) + "…" : "（无）"; }

// The checks of algorithm.check_seed / check_id that a recorded value could fail.
// Unassigned code points (Cn) are left alone: the browser's Unicode may be older or newer.
function seedProblem(seed) {
  if (typeof seed !== "string" || seed === "") return "种子为空或不是文字";
  if ([...seed].length > 256) return "种子超过 256 个字符";
  if (seed.includes("|")) return "种子含有“|”";
  if (/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}]/u.test(seed)) return "种子含有换行符、控制字符或不可见字符";
  if (seed !== seed.trim()) return "种子首尾有空白字符";
  if (seed.normalize("NFC") !== seed) return "种子不是 Unicode NFC 规范形式";
  return null;
}
function idProblem(id, what) {
  if (typeof id !== "string" || id === "") return `${what}为空或不是文字`;
  if (id.includes("|")) return `${what}“${shown(id)}”含有“|”`;
  if (/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Z}]/u.test(id)) return `${what}“${shown(id)}”含有空白、控制字符或不可见字符`;
  if (id.normalize("NFC") !== id) return `${what}“${shown(id)}”不是 Unicode NFC 规范形式`;
  return null;
}
function checkInputs(seed, drawId, report) {
  const problem = seedProblem(seed) || idProblem(drawId, "抽取编号");
  if (problem) report.fail("输入不符合算法要求：" + problem);
  return !problem;
}

// algorithm.sample_size with the rule resize() reads from the record: exact integers.
function ratioParts(text) {
  let t = String(text).trim();
  const percent = t.endsWith("%") || t.endsWith("％");
  if (percent) t = t.slice(0, -1);
  const m = /^\+?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(t);
  if (!m || (m[1] + (m[2] || "")) === "") return null;
  const digits = m[1] + (m[2] || "");
  let exp = Number(m[3] || 0) - (m[2] || "").length - (percent ? 2 : 0);
  let p = BigInt(digits), q = 1n;
  if (exp < 0) q = 10n ** BigInt(-exp); else p *= 10n ** BigInt(exp);
  if (p <= 0n || p > q) return null;
  return [p, q];
}
function sampleSize(s, n) {
  const N = BigInt(n);
  let k;
  if (s.ratio) {
    const r = ratioParts(s.ratio);
    if (!r) return { error: `比例“${s.ratio}”无效` };
    k = (r[0] * N + r[1] - 1n) / r[1];
  } else if (s.count !== null && s.count !== undefined) {
    k = BigInt(s.count) < N ? BigInt(s.count) : N;
  } else {
    return { error: "记录中既没有比例也没有数量" };
  }
  if (s.minimum !== null && s.minimum !== undefined) {
    const m = BigInt(s.minimum) < N ? BigInt(s.minimum) : N;
    if (m > k) k = m;
  }
  return { k: Number(k) };
}

const LABELS = { ticket: "签号", stratum: "分层", period: "时段", load: "排序时任务数" };
function describe(e, fields) {
  const parts = fields.filter((f) => f !== "id").map((f) => {
    const v = e[f] ?? null;
    return `${LABELS[f]} ${v === null ? "无" : f === "ticket" ? short(v) : v}`;
  });
  return `${e.id}（${parts.join("，")}）`;
}

function same(a, b, fields) {
  return fields.every((f) => (a[f] ?? null) === (b[f] ?? null));
}

// The first position where the record and the re-run differ, plus the ids only one has.
function compare(label, recorded, computed, fields, report) {
  const n = Math.max(recorded.length, computed.length);
  for (let i = 0; i < n; i++) {
    const a = recorded[i], b = computed[i];
    if (a && b && same(a, b, fields)) continue;
    let text;
    if (!a) text = `${label}：记录只有 ${recorded.length} 个，重算有 ${computed.length} 个，第 ${i + 1} 个应为 ${describe(b, fields)}`;
    else if (!b) text = `${label}：记录有 ${recorded.length} 个，重算只有 ${computed.length} 个，记录多出 ${describe(a, fields)}`;
    else text = `${label}第 ${i + 1} 个不一致：记录为 ${describe(a, fields)}，重算为 ${describe(b, fields)}`;
    const ra = new Set(recorded.map((x) => x.id)), rb = new Set(computed.map((x) => x.id));
    const onlyA = recorded.filter((x) => !rb.has(x.id)).map((x) => x.id);
    const onlyB = computed.filter((x) => !ra.has(x.id)).map((x) => x.id);
    if (onlyA.length) text += `；记录中有而重算没有：${onlyA.slice(0, 10).join("、")}`;
    if (onlyB.length) text += `；重算有而记录中没有：${onlyB.slice(0, 10).join("、")}`;
    report.fail(text);
    return false;
  }
  report.pass(`${label}：${recorded.length} 个，编号、${fields.includes("stratum") ? "分层、" : ""}签号${fields.includes("period") ? "、时段" : ""}与重算一致`);
  return true;
}

function withPeriods(entries, periods) {
  entries.sort((x, y) => cmpStr(x.ticket, y.ticket));
  entries.forEach((e, i) => { e.period = periods.length ? periods[i % periods.length] : null; });
  return entries;
}

// ---------------------------------------------------------------- draw

async function verifyDraw(d, report) {
  if (!checkInputs(d.seed, d.draw_id, report)) return;
  const pool = [];
  for (const s of d.strata) for (const id of s.eligible) pool.push(id);
  const all = pool.concat(d.key, d.forced);
  const seen = new Set();
  for (const id of all) {
    const problem = idProblem(id, "单位编号");
    if (problem) { report.fail("输入不符合算法要求：" + problem); return; }
    if (seen.has(id)) { report.fail(`输入不符合算法要求：编号“${shown(id)}”重复出现`); return; }
    seen.add(id);
  }

  // population_digest: ids by code point, joined by "\n", no trailing newline.
  progress("计算随机池摘要");
  const digest = await sha256(pool.slice().sort(cmpCP).join("\n"));
  if (pool.length !== d.population) report.fail(`随机池有 ${pool.length} 个单位，记录为 ${d.population} 个`);
  else if (digest !== d.digest) report.fail(`随机池摘要不一致：记录为 ${d.digest}，本页算得 ${digest}`);
  else report.pass(`随机池 ${pool.length} 个单位，摘要 ${digest} 与记录一致`);

  const strata = [];
  let sizesOk = true;
  for (const s of d.strata) {
    if (s.selected === null || s.selected === undefined) {
      report.fail(`随机池中有分层“${s.stratum}”的 ${s.eligible.length} 个单位，记录中没有这一层`);
      sizesOk = false;
      continue;
    }
    if (s.population !== s.eligible.length) {
      report.fail(`分层“${s.stratum}”有 ${s.eligible.length} 个单位，记录为 ${s.population} 个`);
      sizesOk = false;
    }
    const size = sampleSize(s, s.eligible.length);
    if (size.error) { report.fail(`分层“${s.stratum}”：${size.error}`); sizesOk = false; }
    else if (size.k !== s.selected) {
      report.fail(`分层“${s.stratum}”应抽取 ${size.k} 个（${s.eligible.length} 个单位按记录的规则），记录为 ${s.selected} 个`);
      sizesOk = false;
    }
    if (s.selected > s.eligible.length) {
      report.fail(`分层“${s.stratum}”只有 ${s.eligible.length} 个单位，不能抽取 ${s.selected} 个`);
      return;
    }
    strata.push(s);
  }
  if (sizesOk) report.pass(`${d.strata.length} 个分层的对象数和抽取数与记录一致`);

  // ticket(seed, draw_id, id) for every pool, key and forced id.
  const prefix = d.seed + "|" + d.draw_id + "|";
  const hashes = await digestAll(all.map((id) => prefix + id), "签号");
  const ticket = new Map(all.map((id, i) => [id, hashes[i]]));
  report.pass(`已用浏览器的 SHA-256 重算 ${all.length} 个签号（种子“${shown(d.seed)}”，抽取编号 ${d.draw_id}）`);

  // algorithm.draw: strata by name; in each, the k lowest tickets, then a alternates.
  strata.sort((x, y) => cmpCP(x.stratum, y.stratum));
  const selected = [], spare = [];
  for (const s of strata) {
    const members = s.eligible.map((id) => ({ id, ticket: ticket.get(id), stratum: s.stratum, period: null }));
    members.sort((x, y) => cmpStr(x.ticket, y.ticket));
    selected.push(...members.slice(0, s.selected));
    spare.push(...members.slice(s.selected, s.selected + d.alternates));
  }
  withPeriods(selected, d.periods);
  // draws.fixed_tasks: key and forced units, each list by its own tickets.
  const fixed = (ids) => withPeriods(ids.map((id) => ({ id, ticket: ticket.get(id), period: null })), d.periods);

  const r = d.recorded;
  compare("抽中单位", r.selected, selected, ["id", "ticket", "stratum", "period"], report);
  compare("候补单位", r.alternates, spare, ["id", "ticket", "stratum"], report);
  compare("重点单位", r.key, fixed(d.key), ["id", "ticket", "period"], report);
  compare("长期未检查单位", r.forced, fixed(d.forced), ["id", "ticket", "period"], report);
}

// ---------------------------------------------------------------- assignment

function uniqueList(ids, what, entity, report) {
  const seen = new Set();
  for (const id of ids) {
    const problem = idProblem(id, what);
    if (problem) { report.fail(`对象 ${entity}：${problem}`); return false; }
    if (seen.has(id)) { report.fail(`对象 ${entity} 的${what}名单有重复编号 ${id}`); return false; }
    seen.add(id);
  }
  return true;
}

// algorithm.assign's checks on its inputs, each one a reason the record cannot be right.
function checkTasks(a, report) {
  if (!Number.isInteger(a.team_size) || a.team_size < 2) {
    report.fail(`每组执法人员至少 2 名，记录为 ${a.team_size}`);
    return false;
  }
  const entities = new Set();
  let ok = true;
  for (const t of a.tasks) {
    const problem = idProblem(t.entity, "检查对象编号");
    if (problem) { report.fail("输入不符合算法要求：" + problem); return false; }
    if (entities.has(t.entity)) { report.fail(`任务列表中检查对象 ${t.entity} 重复`); return false; }
    entities.add(t.entity);
    if (!uniqueList(t.officers, "执法人员", t.entity, report)) return false;
    if (!uniqueList(t.experts, "专家", t.entity, report)) return false;
    if (!uniqueList(t.lead, "主办科室人员", t.entity, report)) return false;
    const officers = new Set(t.officers);
    if (t.lead.some((p) => !officers.has(p))) {
      report.fail(`对象 ${t.entity} 的主办科室人员必须也在执法人员名单中`);
      return false;
    }
    if (t.experts.some((p) => officers.has(p))) {
      report.fail(`对象 ${t.entity} 有人同时列为执法人员和专家`);
      return false;
    }
    const short = [];
    if (t.officers.length < a.team_size) short.push(`需要执法人员 ${a.team_size} 名，符合条件的只有 ${t.officers.length} 名`);
    if (t.lead_required && !t.lead.length) short.push("需要主办科室人员 1 名，符合条件的只有 0 名");
    if (t.experts.length < a.experts) short.push(`需要专家 ${a.experts} 名，符合条件的只有 ${t.experts.length} 名`);
    if (short.length) { report.fail(`对象 ${t.entity}：${short.join("；")}，不可能完成匹配`); ok = false; }
  }
  return ok;
}

async function verifyAssignment(a, report) {
  if (!checkInputs(a.seed, a.draw_id, report)) return;
  if (!checkTasks(a, report)) return;
  const texts = [], where = [];
  const base = a.seed + "|" + a.draw_id + "|";
  a.tasks.forEach((t) => { texts.push(base + t.entity); });
  a.tasks.forEach((t, i) => {
    for (const p of t.officers.concat(t.experts)) { texts.push(base + t.entity + "|" + p); where.push([i, p]); }
  });
  const hashes = await digestAll(texts, "签号");
  const n = a.tasks.length;
  const people = a.tasks.map(() => new Map());
  where.forEach(([i, p], j) => people[i].set(p, hashes[n + j]));
  report.pass(`已用浏览器的 SHA-256 重算 ${texts.length} 个签号（种子“${shown(a.seed)}”，抽取编号 ${a.draw_id}）`);

  // Tasks by ticket; in each, people by (load, ticket); loads grow after the whole task.
  const order = a.tasks.map((t, i) => ({ task: t, ticket: hashes[i], i }));
  order.sort((x, y) => cmpStr(x.ticket, y.ticket));
  const load = new Map(Object.entries(a.prior_load));
  const rank = (ids, tickets) => ids
    .map((id) => ({ id, load: load.get(id) || 0, ticket: tickets.get(id) }))
    .sort((x, y) => x.load - y.load || cmpStr(x.ticket, y.ticket) || cmpCP(x.id, y.id));
  const computed = [];
  for (const { task, ticket, i } of order) {
    let ranked = rank(task.officers, people[i]);
    if (task.lead.length) {
      const lead = new Set(task.lead);
      const first = ranked.find((k) => lead.has(k.id));
      ranked = [first].concat(ranked.filter((k) => k !== first));
    }
    const team = ranked.slice(0, a.team_size);
    const panel = rank(task.experts, people[i]).slice(0, a.experts);
    for (const m of team.concat(panel)) load.set(m.id, (load.get(m.id) || 0) + 1);
    computed.push({ entity: task.entity, ticket, inspectors: team, experts: panel });
  }

  const asEntry = (t) => ({ id: t.entity, ticket: t.ticket });
  if (!compare("任务顺序", a.recorded.map(asEntry), computed.map(asEntry), ["id", "ticket"], report)) return;
  let teamsOk = true;
  a.recorded.forEach((rec, i) => {
    const mine = computed[i];
    const fields = ["id", "ticket", "load"];
    const check = (label, x, y) => {
      const bad = Math.max(x.length, y.length);
      for (let j = 0; j < bad; j++) {
        if (x[j] && y[j] && same(x[j], y[j], fields)) continue;
        const was = x[j] ? describe(x[j], fields) : "（无）";
        const now = y[j] ? describe(y[j], fields) : "（无）";
        report.fail(`任务 ${rec.entity}（第 ${i + 1} 个）的${label}第 ${j + 1} 名不一致：记录为 ${was}，重算为 ${now}`);
        teamsOk = false;
        return;
      }
    };
    check("执法人员", rec.inspectors, mine.inspectors);
    check("专家", rec.experts, mine.experts);
  });
  if (teamsOk) report.pass(`${computed.length} 个任务的检查组（执法人员、专家及其签号、排序时的任务数）与重算一致`);
}

// ---------------------------------------------------------------- run

async function main() {
  const report = new Report();
  const payload = JSON.parse(document.getElementById("inputs").textContent);
  const data = payload.data;
  if (data.algorithm !== ALGORITHM) {
    report.fail(`记录的算法是“${shown(data.algorithm)}”，本页只能核对 ${ALGORITHM}`);
  } else if (!(window.crypto && crypto.subtle)) {
    report.fail("本浏览器不提供 WebCrypto（crypto.subtle），无法重算签号：请用较新的浏览器直接打开本文件");
  } else if (payload.kind === "draw") {
    await verifyDraw(data, report);
  } else if (payload.kind === "assignment") {
    await verifyAssignment(data, report);
  } else {
    report.fail("本页内嵌的数据类型无法识别");
  }
  return report;
}

function finish(ok, text) {
  verdict.dataset.ok = ok ? "true" : "false";
  verdict.textContent = text;
}

main().then((report) => {
  if (report.failures.length) finish(false, "不一致：" + report.failures[0]);
  else finish(true, "一致：本页在浏览器中重算的结果与记录完全相同。");
}, (error) => finish(false, "无法完成核对：" + (error && error.message ? error.message : error)));
})();
"""
