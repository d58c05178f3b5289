"""ssj draw --engine duckdb: the same draw (ssj-sha256-v1) computed by DuckDB over Parquet.

For rosters of millions kept by reference (rosters/entities.ref.yaml, workspace/
reference.py). The pool, the strata's populations, the tickets and the ranking are
computed in SQL (the queries of docs/scale.md); the rest is the Python engine's own code:
the parameters and strata sizes by the same rules (drawing.check_floor,
algorithm.sample_size), the history of earlier draws (drawing.history_of), the key tasks
(drawing.fixed_tasks), the record model and its writer. The record is byte for byte the
one the Python engine writes from the same inputs (tests/workspace/test_engine_duckdb.py),
and ssj verify re-runs it here. What this engine does not compute (the inspection
ledger's caps, units forced in by R3, targeting by a list field) is refused, never drawn
differently.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..core import algorithm, values
from ..core.eligibility import (
    AT_CAP,
    CLOSED,
    COOLDOWN,
    INACTIVE,
    LIST_FIELDS,
    NOT_TARGETED,
    OTHER_LEVEL,
    REASONS,
    months_before,
    parse_where,
    stratify_fields,
)
from ..core.models import Config, Entity
from ..core.plan import Plan
from ..core.planning import effective_rules, parse_periods
from ..core.problems import InputError, Problem, Refused
from ..core.records import Draw, Exclusion, Parameters, Population, RosterRef, Stratum
from ..core.reference import RosterReference
from ..core.selection import superseded
from ..core.tables import header_map
from ..storage import yamlio
from ..storage.files import write_disposable
from . import reference
from .drawing import Request, check_floor, fixed_tasks, history_of, next_draw_id
from .load import Workspace
from .records import (
    COMPANIONS,
    GENERATED_HEADER,
    PLAN_DIR,
    added_in,
    check_draw_id,
    load_plan,
    record_path,
)

ENGINE = "duckdb"
# What DuckDB may hold in memory before it spills to disk: with the Python side's picks,
# a 10,000,000-unit draw stays well under 4 GB.
MEMORY_LIMIT = "1500MB"
_FATES = {reason: n for n, reason in enumerate(REASONS, 1)}
_KEY, _ELIGIBLE, _SKIPPED = 10, 11, 0  # skipped: an earlier draw of the year's task
TEXT_STATUSES = tuple(values.STATUSES)
LEVELS = tuple(values.LEVELS)
RISKS = values.RISK_ORDER


def connect():
    """An in-memory DuckDB with ssj's settings: byte-order text comparison (= code point
    order, what the algorithm sorts by), no progress bar, a bounded memory."""
    import duckdb

    con = duckdb.connect(
        config={
            "memory_limit": MEMORY_LIMIT,
            "preserve_insertion_order": False,
            "temp_directory": tempfile.gettempdir() + "/ssj-duckdb",
        }
    )
    con.execute("SET enable_progress_bar = false")
    con.execute("SET default_collation = ''")
    return con


@dataclass
class Large:
    """A draw before its seed, as the DuckDB engine froze it (cf. drawing.Frozen). The
    pool is the connection's table `pool(id, stratum)`."""

    con: object
    draw_id: str
    year: int
    day: date
    commit: str
    rosters: dict[str, RosterRef]
    history: list[str]
    parameters: Parameters
    population: Population
    excluded: list[Exclusion]
    key: list[str]
    counts: dict[str, int]  # stratum -> units in the pool
    strata: list[Stratum] = field(default_factory=list)
    redraw_of: str | None = None
    reason: str | None = None


# ------------------------------------------------------------------ the roster in SQL


def _column_of(path: Path, label: str) -> dict[str, str]:
    """field -> the file's column holding it (ssj's headers, or their English keys)."""
    names = header_map("entities")
    out: dict[str, str] = {}
    for column in reference.columns(path, label):
        name = names.get(column.strip())
        if name and name not in out:
            out[name] = column
    missing = [Entity.model_fields[f].title for f in ("id", "name", "category") if f not in out]
    if missing:
        raise InputError(Problem(file=label, row=1, message=f"缺少必填列：{'、'.join(missing)}"))
    return out


def _quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _roster_view(con, path: Path, label: str) -> None:
    """View `roster`: the fields the draw reads, as the Python engine's rows hold them
    (an empty cell is no value; status 在营 and key 否 when empty)."""
    cols = _column_of(path, label)

    def text(name: str) -> str:
        return f"nullif({_quoted(cols[name])}, '')" if name in cols else "CAST(NULL AS VARCHAR)"

    fields = [n for n in Entity.model_fields if n not in LIST_FIELDS | {"extra", "key", "status"}]
    select = [f"{text(n)} AS {n}" for n in fields]
    select.append(f"coalesce({text('status')}, '在营') AS status")
    select.append(f"coalesce({text('key')}, '否') AS key")
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW roster AS SELECT {', '.join(select)} "
        f"FROM read_parquet('{_literal(path)}')"
    )
    _check_values(con, label)


def _literal(path: Path) -> str:
    return str(path).replace("'", "''")


def _check_values(con, label: str) -> None:
    """The values the draw depends on, in the canonical form ssj writes (`ssj roster
    export`): another spelling the Python engine would accept (存续, 县级, √) is refused
    here rather than read differently."""
    checks = [
        ("统一社会信用代码", "id", "id IS NULL"),
        ("经营状态", "status", f"status NOT IN {_tuple(TEXT_STATUSES)}"),
        ("监管层级", "level", f"level NOT IN {_tuple(LEVELS)}"),
        ("重点单位", "key", "key NOT IN ('是', '否')"),
        ("风险等级", "risk", f"risk NOT IN {_tuple(RISKS)}"),
        ("监管类别", "category", "category IS NULL"),
    ]
    for title, column, bad in checks:
        found = con.execute(f"SELECT {column} FROM roster WHERE {bad} LIMIT 1").fetchall()
        if found:
            shown = "空" if found[0][0] is None else f"“{found[0][0]}”"
            raise InputError(
                Problem(
                    file=label,
                    field=title,
                    message=f"值{shown}不是 ssj 的规范写法：以引用方式保存的名录须按 "
                    "ssj roster export 的写法（如 在营、县、是/否、重大），"
                    "请先用 ssj roster import 校验、导出后再存为 Parquet",
                )
            )
    rows, distinct = con.execute("SELECT count(*), count(DISTINCT id) FROM roster").fetchone()
    if rows != distinct:
        (twice,) = con.execute(
            "SELECT id FROM roster GROUP BY id HAVING count(*) > 1 ORDER BY id LIMIT 1"
        ).fetchone()
        raise InputError(
            Problem(file=label, field="统一社会信用代码", message=f"编号“{twice}”重复")
        )
    # ASCII printable, no space, no "|": valid as it is; any other id is checked by the
    # algorithm's own test (there are few).
    others = con.execute("SELECT id FROM roster WHERE NOT regexp_full_match(id, '[!-{}~]+')")
    for (ident,) in others.fetchall():
        algorithm.check_id(ident)


def _tuple(items: Sequence[str]) -> str:
    return "(" + ", ".join("'" + i.replace("'", "''") + "'" for i in items) + ")"


def _text_of(name: str) -> str:
    """eligibility.field_text in SQL: the value as text, "" for none."""
    return f"coalesce(r.{name}, '')"


def _stratum_sql(fields: Sequence[str]) -> str:
    if not fields:
        return f"'{algorithm.ALL_STRATUM}'"
    parts = [f"coalesce(nullif({_text_of(f)}, ''), '（空）')" for f in fields]
    return " || '/' || ".join(parts)


def _where_sql(where: dict[str, list[str]], args: list) -> str:
    """eligibility.matches in SQL (fields and, values of one field or)."""
    clauses = []
    for name, wanted in where.items():
        if name in LIST_FIELDS:
            raise Refused(
                f"DuckDB 引擎不支持按多值字段“{Entity.model_fields[name].title}”定向；"
                "请用默认的 Python 引擎抽取"
            )
        if name == "key":
            wanted = ["是" if values.parse_bool(w) else "否" for w in wanted]
        clauses.append(f"{_text_of(name)} IN ({', '.join('?' for _ in wanted)})")
        args += wanted
    return " AND ".join(clauses) or "true"


# ------------------------------------------------------------------ freeze


def parameters_of(ws: Workspace, request: Request) -> tuple[Parameters, Config, Plan]:
    """The draw's parameters from the command line and the plan, as drawing.freeze makes
    them."""
    config = ws.config
    plan = load_plan(ws, request.year)
    rule = effective_rules(config, plan)
    if request.ratio is not None and request.count is not None:
        raise InputError("--ratio 与 --count 只能指定一个")
    stratify = stratify_fields(plan.stratify if request.stratify is None else request.stratify)
    if request.ratio is None and request.count is None:
        if plan.categories and "category" not in stratify:
            stratify.append("category")
        if plan.risk_ratios and "risk" not in stratify:
            stratify.append("risk")
    where = parse_where(request.where) if request.where else dict(plan.where)
    where = {k: list(v) if isinstance(v, list) else [v] for k, v in where.items()}
    try:
        periods = parse_periods(request.periods) if request.periods is not None else plan.periods
    except ValueError as exc:
        raise InputError(f"--periods：{exc}") from None
    parameters = Parameters(
        ratio=request.ratio,
        count=request.count,
        stratify=stratify,
        where=where,
        periods=periods,
        alternates=plan.alternates if request.alternates is None else request.alternates,
        level=config.level,
        cooldown_months=request.rules[0] if request.rules else rule.cooldown_months,
        yearly_cap=request.rules[1] if request.rules else rule.yearly_cap,
        coverage_years=rule.coverage_years,
        force_uncovered=plan.force_uncovered,
    )
    return parameters, config, plan


def source(ws: Workspace, commit: str | None) -> tuple[RosterReference, Path, str]:
    """The referenced roster (on disk, or as committed at `commit`) and its checked file."""
    found = reference.current(ws, "entities") if commit is None else None
    if commit is not None:
        found = reference.at_commit(ws, "entities", commit)
    label = reference.reference_file("entities") + (f"@{commit[:10]}" if commit else "")
    if found is None:
        raise Refused(
            "--engine duckdb 用于以引用方式保存的名录（rosters/entities.ref.yaml，"
            "指向 git 之外的 Parquet 文件，见 docs/scale.md）；名录在工作区中时请用默认引擎"
        )
    return found, reference.checked_file(ws, found, label), label


def freeze(ws: Workspace, request: Request, commit: str) -> Large:
    """drawing.freeze on DuckDB: the pool, strata and sizes of a new draw."""
    parameters, config, plan = parameters_of(ws, request)
    draw_id = request.draw_id or next_draw_id(ws, request.year)
    check_draw_id(draw_id)
    draws = [d for d in earlier_draws(ws) if d.draw_id != request.redraw_of]
    draws = [d for d in draws if d.draw_id not in superseded(draws)]
    ref, path, label = source(ws, None)
    day = request.day or ws.clock.today()
    large = _build(ws, draw_id, request.year, day, path, label, parameters, draws)
    _check_rows(large.con, ref, label)
    large.commit = commit
    large.rosters = {"entities": RosterRef(path=ref.path, sha256=ref.sha256)}
    large.redraw_of, large.reason = request.redraw_of, request.reason
    large.strata = sized(large, config, plan, request)
    return large


def _check_rows(con, ref: RosterReference, label: str) -> None:
    (rows,) = con.execute("SELECT count(*) FROM roster").fetchone()
    if rows != ref.rows:
        raise Refused(f"{label}：文件有 {rows} 行，引用中记录的是 {ref.rows} 行")


def refrozen(ws: Workspace, record: Draw) -> Large:
    """drawing.refrozen on DuckDB: a recorded draw's pool and strata, from the referenced
    roster at its commit and the earlier draws as committed with the record."""
    ref, path, label = source(ws, record.commit)
    if ref.sha256 != record.rosters["entities"].sha256:
        raise Refused(f"{record.draw_id}：提交 {record.commit[:10]} 中的名录摘要与记录不符（R14）")
    earlier = [earlier_draw(ws, h) for h in record.history]
    large = _build(
        ws,
        record.draw_id,
        record.year,
        record.date,
        path,
        label,
        record.parameters,
        earlier,
        at=added_in(ws, record_path(ws, record.year, record.draw_id)),
        inputs=record.commit,
    )
    _check_rows(large.con, ref, label)
    large.commit, large.rosters = record.commit, record.rosters
    large.redraw_of, large.reason = record.redraw_of, record.reason
    large.strata = resized(large, record.strata)
    return large


def _build(
    ws: Workspace,
    draw_id: str,
    year: int,
    day: date,
    path: Path,
    label: str,
    parameters: Parameters,
    draws: Sequence[Draw],
    at: str | None = None,
    inputs: str | None = None,
) -> Large:
    """drawing.build in SQL: the roster split into the pool, key tasks and the excluded,
    by build_pool's rules in build_pool's order."""
    from .inspections import capped_units

    history = history_of(ws, draws, at)
    ledger = capped_units(ws, year, [], history, parameters.yearly_cap, parameters.level, inputs)
    if ledger is not None:
        raise Refused(
            "本年度有检查台账或频次上限表（R15）：DuckDB 引擎不计台账中的检查，"
            "不能按同样的规则抽取；请用默认的 Python 引擎"
        )
    _refuse_uncovered(parameters, draws, history, year)
    con = connect()
    _roster_view(con, path, label)
    groups: dict[tuple, list[str]] = {}
    for task in history:  # most of them: one draw's picks, on one day
        groups.setdefault((task.year, task.day, task.random), []).append(task.entity)
    con.execute("CREATE TEMP TABLE past (id VARCHAR, year INTEGER, day DATE, random BOOLEAN)")
    for (task_year, task_day, random), ids in groups.items():
        _insert_ids(con, "past", ids, [task_year, task_day, random])
    already = sorted({t.id for d in draws if d.year == year for t in d.key + d.forced})
    con.execute("CREATE TEMP TABLE already (id VARCHAR)")
    _insert_ids(con, "already", already, [])
    args: list = []
    where = _where_sql(parameters.where, args)
    fields = parameters.stratify
    slashed = " OR ".join(f"contains({_text_of(f)}, '/')" for f in fields) or "false"
    con.execute(
        f"""
        CREATE TEMP TABLE fates AS
        WITH counts AS (
            SELECT id, count(*) FILTER (WHERE year = ?) AS n,
                max(day) FILTER (WHERE random) AS last_random
            FROM past GROUP BY id
        )
        SELECT
            r.id, {_stratum_sql(fields)} AS stratum, r.category, r.risk,
            CASE
                WHEN r.status IN ('注销', '吊销') THEN {_FATES[CLOSED]}
                WHEN r.status <> '在营' THEN {_FATES[INACTIVE]}
                WHEN coalesce(r.level, ?) <> ? THEN {_FATES[OTHER_LEVEL]}
                WHEN NOT ({where}) THEN {_FATES[NOT_TARGETED]}
                WHEN r.id IN (SELECT id FROM already) THEN {_SKIPPED}
                WHEN r.key = '是' THEN {_KEY}
                WHEN coalesce(c.n, 0) >= ? THEN {_FATES[AT_CAP]}
                WHEN c.last_random > ? AND r.risk IS DISTINCT FROM '重大' THEN {_FATES[COOLDOWN]}
                ELSE {_ELIGIBLE}
            END AS fate,
            ({slashed}) AS slashed
        FROM roster AS r LEFT JOIN counts AS c ON c.id = r.id
        """,
        [
            year,
            parameters.level,
            parameters.level,
            *args,
            parameters.yearly_cap,
            months_before(day, parameters.cooldown_months),
        ],
    )
    bad = con.execute(
        f"SELECT stratum FROM fates WHERE fate = {_ELIGIBLE} AND slashed LIMIT 1"
    ).fetchall()
    if bad:  # the algorithm's own message (a value holding "/")
        for part in bad[0][0].split("/"):
            algorithm.stratum_key([part])
        algorithm.stratum_key(["/"])
    con.execute(
        f"CREATE TEMP TABLE pool AS SELECT id, stratum, category, risk FROM fates WHERE fate = {_ELIGIBLE}"
    )
    excluded: dict[int, list[str]] = {}
    listed = con.execute(
        f"SELECT fate, list(id ORDER BY id) FROM fates WHERE fate BETWEEN 1 AND {len(REASONS)} "
        "GROUP BY fate ORDER BY fate"
    ).fetchall()
    for fate, ids in listed:
        excluded[fate] = ids
    key = [i for (i,) in con.execute(f"SELECT id FROM fates WHERE fate = {_KEY}").fetchall()]
    count, digest = con.execute(
        "SELECT count(*), sha256(coalesce(string_agg(id, chr(10) ORDER BY id), '')) FROM pool"
    ).fetchone()
    counts = dict(con.execute("SELECT stratum, count(*) FROM pool GROUP BY stratum").fetchall())
    return Large(
        con=con,
        draw_id=draw_id,
        year=year,
        day=day,
        commit="",
        rosters={},
        history=[d.draw_id for d in draws],
        parameters=parameters,
        population=Population(count=count, digest=digest),
        excluded=[
            Exclusion(reason=REASONS[fate - 1], count=len(ids), ids=ids)
            for fate, ids in sorted(excluded.items())
        ],
        key=key,
        counts=counts,
    )


def _table(con, name: str, columns: dict[str, str], lists: list[list]) -> None:
    """A temporary table from Python lists, one per column, passed whole (not row by row)."""
    names = ", ".join(f"{c} {t}" for c, t in columns.items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({names})")
    if lists[0]:
        typed = ", ".join(f"unnest(?::{t}[])" for t in columns.values())
        con.execute(f"INSERT INTO {name} SELECT {typed}", lists)


def _insert_ids(con, name: str, ids: list[str], constants: list) -> None:
    """Rows (id, *constants) into a table, the ids passed as a file of lines: DuckDB reads
    2,000,000 of them in half a second, ten times faster than a bound list. An id holds no
    line break, no "|" and no space (algorithm.check_id), so every line is one id as it is."""
    if not ids:
        return
    with tempfile.TemporaryDirectory(prefix="ssj-ids-") as folder:
        lines = Path(folder) / "ids.txt"
        write_disposable(lines, [("\n".join(ids) + "\n").encode("utf-8")])  # scratch: no fsync
        marks = "".join(", ?" for _ in constants)
        con.execute(
            f"INSERT INTO {name} SELECT id{marks} FROM read_csv('{_literal(lines)}', "
            "columns = {'id': 'VARCHAR'}, header = false, delim = '|', quote = '', "
            "escape = '', auto_detect = false)",
            constants,
        )


def _refuse_uncovered(
    parameters: Parameters, draws: Sequence[Draw], history: Sequence, year: int
) -> None:
    """R3 forces in units with no task in the coverage window, once the workspace has
    tasks in every year of it (eligibility.uncovered_ids): not computed here."""
    if not parameters.force_uncovered:
        return
    window = range(year - parameters.coverage_years, year)
    if not any(d.year in window for d in draws):
        return
    seen = {t.year for t in history}
    if all(y in seen for y in window):
        raise Refused(
            "方案要求强制纳入长期未检查的单位（R3）：DuckDB 引擎不计算这一项，"
            "不能按同样的规则抽取；请用默认的 Python 引擎"
        )


# ------------------------------------------------------------------ strata sizes


def sized(large: Large, config: Config, plan: Plan, request: Request) -> list[Stratum]:
    """drawing.sized_strata from the pool's per-stratum counts, categories and risks."""
    rows = large.con.execute(
        "SELECT stratum, count(*), list(DISTINCT category), list(DISTINCT coalesce(risk, '')) "
        "FROM pool GROUP BY stratum"
    ).fetchall()
    out = []
    for stratum, n, cats, risks in sorted(rows):
        plans = [plan.categories[c] for c in cats if c in plan.categories]
        ratio = count = minimum = None
        if request.count is not None:
            count = request.count
        elif request.ratio is not None:
            ratio = algorithm.parse_ratio(request.ratio)
        else:
            own = [p.ratio for p in plans if p.ratio] or [plan.ratio]
            by_risk = [plan.risk_ratios[r] for r in risks if r in plan.risk_ratios]
            counts = [p.count for p in plans if p.count]
            if counts and not by_risk:
                count = max(counts)
            else:
                ratio = max(own + by_risk)
            minimum = max((p.minimum for p in plans if p.minimum), default=None)
        k = algorithm.sample_size(n, ratio=ratio, count=count, minimum=minimum)
        check_floor(config, plan, stratum, set(cats), n, k)
        out.append(
            Stratum(
                stratum=stratum,
                population=n,
                ratio=None if ratio is None else str(ratio),
                count=count,
                minimum=minimum,
                selected=k,
            )
        )
    return out


def resized(large: Large, recorded: Sequence[Stratum]) -> list[Stratum]:
    """drawing.resize: the recorded ratios and counts applied to the pool as re-computed."""
    out = []
    for s in recorded:
        n = large.counts.get(s.stratum, 0)
        ratio = algorithm.parse_ratio(s.ratio) if s.ratio else None
        k = algorithm.sample_size(
            n, ratio=ratio, count=s.count if ratio is None else None, minimum=s.minimum
        )
        out.append(s.model_copy(update={"population": n, "selected": k}))
    missing = sorted(set(large.counts) - {s.stratum for s in recorded})
    out += [Stratum(stratum=m, population=large.counts[m], selected=-1) for m in missing]
    return out


# ------------------------------------------------------------------ execute


@dataclass
class Drawn:
    """A draw made (or re-made) by this engine: the record's bytes and its small parts."""

    record: Draw  # without its picks (they may be millions): see `raw`
    raw: bytes
    data: dict
    selected: int
    alternates: int

    def as_json(self) -> dict:
        r = self.record
        return {
            "engine": ENGINE,
            "draw_id": r.draw_id,
            "year": r.year,
            "seed": r.seed,
            "seed_source": r.seed_source,
            "seed_generated": r.seed_generated,
            "algorithm": r.algorithm,
            "commit": r.commit,
            "population": r.population.model_dump(),
            "strata": [
                {"stratum": s.stratum, "population": s.population, "selected": s.selected}
                for s in r.strata
            ],
            "selected": self.selected,
            "alternates": self.alternates,
            "key": len(r.key),
            "excluded": {e.reason: e.count for e in r.excluded},
        }


def execute(
    large: Large,
    seed: str,
    seed_source: str,
    generated: bool,
    prepared: str | None,
    now: datetime,
    seed_format: str | None = None,
) -> Drawn:
    """drawing.execute on DuckDB: tickets, per-stratum ranks, picks, periods, the record."""
    algorithm.check_seed(seed)
    algorithm.check_id(large.draw_id, "抽取编号")
    periods = large.parameters.periods
    alternates = large.parameters.alternates
    for s in large.strata:
        if s.selected < 0:
            raise algorithm.AlgorithmInputError(f"分层“{s.stratum}”没有给出抽查数量")
    con = large.con
    strata = large.strata
    sizes = [[s.stratum for s in strata], [s.selected for s in strata]]
    _table(con, "sizes", {"stratum": "VARCHAR", "k": "BIGINT"}, sizes)
    picked = con.execute(
        """
        WITH ranked AS (
            SELECT p.id, p.stratum, sha256(? || '|' || ? || '|' || p.id) AS ticket
            FROM pool AS p
        ),
        placed AS (
            SELECT r.*, row_number() OVER (PARTITION BY r.stratum ORDER BY r.ticket) AS pos
            FROM ranked AS r
        )
        SELECT p.id, p.ticket, p.stratum, p.pos <= s.k AS chosen
        FROM placed AS p JOIN sizes AS s ON s.stratum = p.stratum
        WHERE p.pos <= s.k + ?
        ORDER BY NOT chosen, CASE WHEN chosen THEN NULL ELSE p.stratum END, p.ticket
        """,
        [seed, large.draw_id, alternates],
    ).fetchall()
    con.close()
    head = Draw(
        draw_id=large.draw_id,
        year=large.year,
        date=large.day,
        drawn_at=now,
        seed=seed,
        seed_source=seed_source,
        seed_generated=generated,
        seed_format=seed_format,
        prepared=prepared,
        redraw_of=large.redraw_of,
        reason=large.reason,
        commit=large.commit,
        rosters=large.rosters,
        history=large.history,
        parameters=large.parameters,
        population=large.population,
        excluded=large.excluded,
        strata=large.strata,
        key=fixed_tasks(seed, large.draw_id, large.key, periods),
        forced=[],
    )
    data = head.model_dump(mode="json", exclude_none=True)
    chosen = sum(1 for row in picked if row[3])
    if periods:
        n = len(periods)
        data["selected"] = [
            {"id": i, "ticket": t, "stratum": s, "period": periods[j % n]}
            for j, (i, t, s, _) in enumerate(picked[:chosen])
        ]
    else:
        data["selected"] = [{"id": i, "ticket": t, "stratum": s} for i, t, s, _ in picked[:chosen]]
    data["alternates"] = [{"id": i, "ticket": t, "stratum": s} for i, t, s, _ in picked[chosen:]]
    del picked
    raw = yamlio.dump_fast_bytes(data, GENERATED_HEADER)
    return Drawn(head, raw, data, chosen, len(data["alternates"]))


def refuse_empty(large: Large) -> None:
    """Nothing to draw: as the Python engine says it (services/draw.refuse_empty)."""
    if large.population.count or large.key:
        return
    left_out = "，".join(f"{e.reason} {e.count} 个" for e in large.excluded)
    raise InputError(
        "没有可抽取的对象：随机池为空，也没有重点单位或须强制纳入的单位"
        + (f"（未入随机池：{left_out}）" if left_out else "（检查对象名录库中没有单位）")
        + "。请先导入名录（ssj roster import）并提交，或调整定向条件；未写入任何文件"
    )


# ------------------------------------------------------------------ verify


def recorded_head(path: Path) -> tuple[Draw, bytes]:
    """A draw record's fields but its long lists (the excluded, the tasks, the picks),
    read without parsing its millions of picks, and the file's bytes."""
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    head = _head(text, str(path))
    if head is None:  # not as ssj writes a record: read in full
        return Draw.model_validate(yamlio.parse(text, str(path)) or {}), raw
    return Draw.model_validate(head), raw


def _head(text: str, label: str) -> dict | None:
    """The fields of a record as ssj writes it (in the model's order: the parameters
    first, the strata between the excluded and the key tasks) but its lists of ids; None
    for a file written otherwise."""
    cut = text.find("\nexcluded:")
    strata = text.find("\nstrata:", max(cut, 0))
    end = text.find("\nkey:", max(strata, 0))
    if min(cut, strata, end) < 0:
        return None
    head = yamlio.parse(text[: cut + 1], label) or {}
    head.update(yamlio.parse(text[strata + 1 : end + 1], label) or {})
    return head


@dataclass(frozen=True, slots=True)
class _Task:
    """A task or pick as the history of later draws reads it (drawing.history_of,
    core.selection.current_picks, the year's tasks): the unit only."""

    id: str


_LISTED_ID = re.compile(r"^- id: (.*)$", re.M)


def light_record(path: Path, label: str) -> Draw:
    """A draw record as a later draw's pool reads it (drawing.history_of, superseded, the
    year's tasks): its fields, and its key tasks, forced tasks and picks as their units;
    not the excluded, the tickets or the alternates. The 10,000,000-unit record read in
    full as models took over 6 GB; this reads it as 2,000,000 short texts."""
    text = path.read_text(encoding="utf-8")
    head = _head(text, label)
    cuts = [text.find("\nkey:")]
    for name in ("forced", "selected", "alternates"):
        cuts.append(text.find(f"\n{name}:", max(cuts[-1], 0)))
    if head is None or min(cuts[:3]) < 0:  # not as ssj writes a record: read in full
        return Draw.model_validate(yamlio.parse(text, label) or {})
    if cuts[3] < 0:
        cuts[3] = len(text)
    lists = {
        name: [_Task(_id_text(s, label)) for s in _LISTED_ID.findall(text, start, end)]
        for name, start, end in zip(("key", "forced", "selected"), cuts[:3], cuts[1:], strict=True)
    }
    return Draw.model_validate(head).model_copy(update=lists)


def _id_text(scalar: str, label: str) -> str:
    """An id as the record's YAML gives it: ssj writes one plain unless YAML would read it
    as another type (then quoted)."""
    if scalar.startswith("'") and scalar.endswith("'"):
        return scalar[1:-1].replace("''", "'")
    if scalar.startswith('"'):
        return yamlio.parse(scalar, label)
    return scalar


def earlier_draws(ws: Workspace) -> list[Draw]:
    """records.all_draws, each record read by light_record."""
    found = [
        light_record(path, ws.rel(path))
        for path in sorted((ws.root / PLAN_DIR).glob("*/draws/*.yaml"))
        if not path.name.endswith(COMPANIONS)
    ]
    return sorted(found, key=lambda d: (d.drawn_at, d.draw_id))


def earlier_draw(ws: Workspace, draw_id: str) -> Draw:
    """records.find_draw, the record read by light_record."""
    check_draw_id(draw_id)  # also makes the glob below match this one file name only
    for path in (ws.root / PLAN_DIR).glob(f"*/draws/{draw_id}.yaml"):
        return light_record(path, ws.rel(path))
    raise InputError(f"没有编号为“{draw_id}”的抽取记录")


def rebuilt(ws: Workspace, record: Draw) -> Drawn:
    """A recorded draw re-run on DuckDB from its record and the roster at its commit."""
    large = refrozen(ws, record)
    return execute(
        large,
        record.seed,
        record.seed_source,
        record.seed_generated,
        record.prepared,
        record.drawn_at,
        record.seed_format,
    )


def by_reference(ws: Workspace, record: Draw) -> bool:
    """Whether the draw was made from a roster kept by reference (re-run on DuckDB)."""
    return bool(record.commit) and reference.at_commit(ws, "entities", record.commit) is not None


def differences(ws: Workspace, record: Draw, raw: bytes, path: Path) -> list[str]:
    """A recorded draw against its re-run here: the same bytes, or (only then parsed in
    full) drawing.differences between the record and the re-run."""
    again = rebuilt(ws, record)
    if again.raw == raw:
        return []
    from .drawing import differences as compared
    from .records import load_record

    return compared(load_record(ws, path), Draw.model_validate(again.data)) or [
        "记录文件与重算写出的不同（内容相同，写法不同：记录生成后被改写过）"
    ]


def verify_draws(ws: Workspace, only: str | None, engine: str | None) -> list:
    """verification.verify_draws with the draws from a roster kept by reference re-run on
    DuckDB, their records read field by field only when they differ; the others (and with
    `engine` python, all) re-run by the Python engine."""
    from . import drawing
    from .records import load_record, replacements_path
    from .verification import Verdict

    heads = []
    for path in sorted((ws.root / PLAN_DIR).glob("*/draws/*.yaml")):
        if not path.name.endswith(COMPANIONS):
            head, raw = recorded_head(path)
            heads.append((head, raw, path))
    heads.sort(key=lambda h: (h[0].drawn_at, h[0].draw_id))
    out = []
    for head, raw, path in heads:
        if only and head.draw_id != only:
            continue
        shown = ws.rel(path)
        try:
            if engine != "python" and by_reference(ws, head):
                found = differences(ws, head, raw, path)
            else:
                record = load_record(ws, path)
                found = drawing.differences(record, drawing.rebuild(ws, record))
        except (Refused, InputError) as exc:
            found = [str(exc)]
        out.append(Verdict("抽取", head.draw_id, shown, not found, found))
        swaps = replacements_path(ws, head.year, head.draw_id)
        if swaps.is_file():
            try:
                found = drawing.replacement_differences(ws, load_record(ws, path))
            except (Refused, InputError) as exc:
                found = [str(exc)]
            out.append(Verdict("替换", head.draw_id, ws.rel(swaps), not found, found))
    return out
