"""docs/scale.md: ssj-sha256-v1 as SQL in DuckDB gives ssj's pool and draw, byte for byte.

The SQL and the Python that prepares its inputs are taken from the fenced blocks of
docs/scale.md (found by their first-line comment), so the document and this test cannot
drift apart. duckdb is in the test extras: this module runs wherever the tests run.
"""

from __future__ import annotations

import csv
import itertools
import os
import shutil
from collections import Counter
from datetime import date
from fractions import Fraction
from pathlib import Path

import duckdb
import pytest

from conftest import git, on, read_yaml
from scaledoc import block, write_synthetic_entities
from shuangsuiji.core.algorithm import draw, parse_ratio, population_digest, sample_size
from shuangsuiji.core.eligibility import PastTask, build_pool, stratum_of
from shuangsuiji.workspace.load import parse_roster
from spec_vectors import SEED, TICKETS

PARAMS = "-- ssj-sha256-v1：参数（DuckDB）"
POOL = "-- ssj-sha256-v1：随机池（DuckDB）"
STRATA = "-- ssj-sha256-v1：分层规则（DuckDB）"
SELECT = "-- ssj-sha256-v1：抽取（DuckDB）"
DIGEST = "-- ssj-sha256-v1：随机池摘要（DuckDB）"
SPARK_SELECT = "-- ssj-sha256-v1：抽取（Spark SQL）"
HISTORY = "# ssj-sha256-v1：先前的任务（Python）"

PERIODS = ["2-3", "5-6", "9-10", "12"]


def sql_block(first_line: str) -> str:
    return block(first_line)


def python_block(first_line: str, after: str | None = None) -> str:
    """A Python block of the doc; `after` starts it at that line (the code below an
    import of objects the doc made in an earlier block)."""
    code = block(first_line, "python")
    return code[code.index(after) :] if after else code


def set_parameters(con, seed: str, draw_id: str, alternates: int, periods: list[str]) -> None:
    """The documented parameters, bound as values (never pasted into the SQL text)."""
    con.execute("SET VARIABLE seed = ?", [seed])
    con.execute("SET VARIABLE draw_id = ?", [draw_id])
    con.execute("SET VARIABLE alternates = ?", [alternates])
    con.execute("SET VARIABLE periods = ?::VARCHAR[]", [periods])


def set_rules(con, record: dict) -> None:
    """The eligibility parameters of a draw record."""
    p = record["parameters"]
    con.execute("SET VARIABLE level = ?", [p["level"]])
    con.execute("SET VARIABLE year = ?::INTEGER", [record["year"]])
    con.execute("SET VARIABLE day = ?::DATE", [record["date"]])
    con.execute("SET VARIABLE cooldown_months = ?::INTEGER", [p["cooldown_months"]])
    con.execute("SET VARIABLE yearly_cap = ?::INTEGER", [p["yearly_cap"]])


def fraction(ratio: str | None) -> tuple[int | None, int | None]:
    return (None, None) if ratio is None else Fraction(ratio).as_integer_ratio()


def set_strata(con, rules: dict[str, tuple[str | None, int | None, int | None]]) -> None:
    """strata(stratum, numerator, denominator, count, minimum), from a record's rules."""
    con.execute(
        "CREATE OR REPLACE TABLE strata (stratum VARCHAR, numerator HUGEINT,"
        " denominator HUGEINT, count BIGINT, minimum BIGINT)"
    )
    con.executemany(
        "INSERT INTO strata VALUES (?, ?, ?, ?, ?)",
        [(s, *fraction(r), c, m) for s, (r, c, m) in rules.items()],
    )


def ssj_rows(seed, draw_id, population, rules, alternates, periods) -> list[tuple]:
    """What ssj's own algorithm records, as rows shaped like the SQL's output."""
    sizes = {
        s: sample_size(
            n,
            ratio=None if rules[s][0] is None else parse_ratio(rules[s][0]),
            count=rules[s][1],
            minimum=rules[s][2],
        )
        for s, n in Counter(population.values()).items()
    }
    result = draw(seed, draw_id, population, sizes, alternates=alternates, periods=periods)
    rows = [("selected", p.stratum, p.id, p.ticket, p.period) for p in result.selected]
    return rows + [("alternate", p.stratum, p.id, p.ticket, None) for p in result.alternates]


def run_select(con) -> list[tuple]:
    return con.execute(sql_block(SELECT)).fetchall()


def in_folder(folder: Path, con, sql: str) -> None:
    """Run a block as written, its relative file names in `folder`."""
    con.execute(f"SET file_search_path = '{folder}'")
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        con.execute(sql)
    finally:
        os.chdir(cwd)


# ---------------------------------------------------------------- the example's draws


def export_at(ssj, root: Path, commit: str, out: Path) -> None:
    """docs/scale.md §2: the roster committed at a draw's commit, exported as CSV."""
    at = root.parent / "at"
    git(root, "worktree", "add", "--detach", str(at), commit)
    try:
        result = ssj("-C", at, "roster", "export", "--kind", "entities", "--format", "csv",
                     "-o", out)  # fmt: skip
        assert result.code == 0, result.out + result.err
    finally:
        git(root, "worktree", "remove", "--force", str(at))


def test_example_draws_equal_their_records(example, ssj):
    """The doc's steps on the example: a first draw, a replacement, a second draw whose
    pool the first one's tasks decide (cooldown, key units already tasks)."""
    with on("2026-03-01"):
        first = ssj("-C", example, "draw", "--year", "2026", "--ratio", "0.2", "--stratify",
                    "region", "--seed", "20260104-6152-3341", "--json")  # fmt: skip
    assert first.code == 0, first.out + first.err
    with on("2026-03-02"):
        gone = first.json()["selected"][0]["id"]
        assert ssj("-C", example, "draw", "replace", gone, "--reason", "已注销").code == 0
    with on("2026-04-01"):
        second = ssj("-C", example, "draw", "--year", "2026", "--count", "3", "--stratify",
                     "region", "--seed", "007")  # fmt: skip
    assert second.code == 0, second.out + second.err

    history = python_block(HISTORY)
    for draw_id in ("2026-1", "2026-2"):
        record = read_yaml(example / "plans" / "2026" / "draws" / f"{draw_id}.yaml")
        export_at(ssj, example, record["commit"], example / "entities.csv")
        namespace: dict = {}
        cwd = Path.cwd()
        os.chdir(example)
        try:
            exec(history, namespace)  # the doc's own call: 2026-1
            namespace["history_csv"](f"plans/2026/draws/{draw_id}.yaml")
        finally:
            os.chdir(cwd)
        with (example / "past.csv").open(encoding="utf-8") as f:
            past = list(csv.DictReader(f))
        assert bool(past) == (draw_id == "2026-2")

        con = duckdb.connect()
        con.execute(sql_block(PARAMS))
        if draw_id == "2026-1":  # the documented parameters are the first draw's
            documented = con.execute(
                "SELECT getvariable('seed'), getvariable('draw_id'), getvariable('alternates'),"
                " getvariable('periods'), getvariable('level'), getvariable('day')"
            ).fetchone()
            p = record["parameters"]
            assert documented == (
                record["seed"], draw_id, p["alternates"], p["periods"], p["level"],
                date.fromisoformat(record["date"]),
            )  # fmt: skip
        set_parameters(con, record["seed"], draw_id, record["parameters"]["alternates"],
                       record["parameters"]["periods"])  # fmt: skip
        set_rules(con, record)
        in_folder(example, con, sql_block(POOL))
        in_folder(example, con, sql_block(STRATA))
        assert con.execute(sql_block(DIGEST)).fetchone() == (
            record["population"]["count"],
            record["population"]["count"],
            record["population"]["digest"],
        )
        # docs/scale.md §6: the strata from the record, then the rows compared with it.
        exec(python_block("from fractions import Fraction"), {"con": con, "rec": record})
        rows = run_select(con)
        check = python_block("from ruamel.yaml import YAML").replace(
            "2026-1.yaml", f"{draw_id}.yaml"
        )
        os.chdir(example)
        try:
            exec(check, {"rows": rows})  # its assert: the rows are the record's
        finally:
            os.chdir(cwd)
        assert len(rows) == len(record["selected"]) + len(record.get("alternates", []))
        con.close()
    reasons = {e["reason"] for e in record["excluded"]}
    assert "冷却期内已随机抽查" in reasons and not record.get("key")


# ---------------------------------------------------------------- 100k synthetic roster

LEVELS = ("县", "", "市", "省", "县", "")  # empty: the bureau's own level


@pytest.fixture(scope="module")
def roster(tmp_path_factory):
    """The doc's blocks on a 100,000-unit synthetic export with several levels and a
    history: units drawn at random this year and last, units at the yearly cap, units an
    earlier draw of the year made tasks, units forced in."""
    folder = tmp_path_factory.mktemp("scale")
    plain = folder / "plain.csv"
    write_synthetic_entities(plain, 100_000)  # same Chinese headers as `ssj roster export`
    with plain.open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    column = table[0].index("监管层级")
    for n, row in enumerate(table[1:]):
        row[column] = LEVELS[n % len(LEVELS)]
    with (folder / "entities.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(table)

    entities = parse_roster(
        "entities", (folder / "entities.csv").read_bytes(), "rosters/entities.csv"
    ).rows
    ids = [e.id for e in entities]
    grave = [e.id for e in entities if e.risk == "重大"]
    past = (
        [PastTask(i, 2026, date(2026, 1, 10), True) for i in ids[0:6000]]  # cooldown
        + [PastTask(i, 2025, date(2025, 2, 1), True) for i in ids[6000:7000]]  # before it
        + [PastTask(i, 2025, date(2025, 4, 1), True) for i in ids[7000:8000]]  # within it
        + [PastTask(i, 2026, date(2026, 2, 1), True) for i in grave[:300] * 2]  # at the cap
        + [PastTask(i, 2026, date(2026, 1, 10), False) for i in ids[8000:8500]]  # tasks
    )
    already = frozenset(t.entity for t in past if t.year == 2026 and not t.random)
    pool = build_pool(
        entities,
        year=2026,
        day=date(2026, 3, 1),
        level="县",
        where={},
        history=past,
        cooldown_months=12,
        yearly_cap=2,
        uncovered=frozenset(ids[9000:9100]),
        already_key=already,
    )
    assert {"属其他层级监管", "冷却期内已随机抽查", "已达年度检查次数上限"} <= set(pool.excluded)
    assert pool.forced
    with (folder / "past.csv").open("w", encoding="utf-8", newline="") as f:
        rows = [(t.entity, t.year, t.day, t.random) for t in past]
        csv.writer(f).writerows([("id", "year", "day", "random"), *rows])
    with (folder / "forced.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([("id",), *[(e.id,) for e in pool.forced]])
    population = {e.id: stratum_of(e, ["region"]) for e in pool.eligible}

    con = duckdb.connect()
    con.execute(sql_block(PARAMS))
    documented = con.execute(
        "SELECT getvariable('seed'), getvariable('draw_id'), getvariable('alternates'),"
        " getvariable('periods')"
    ).fetchone()
    in_folder(folder, con, sql_block(POOL))
    in_folder(folder, con, sql_block(STRATA))
    assert (folder / "pool.parquet").stat().st_size > 0
    rules = {
        s: (None if p is None else str(Fraction(p, q)), c, m)
        for s, p, q, c, m in con.execute("SELECT * FROM strata").fetchall()
    }
    assert set(rules.values()) == {("1/5", None, None)}
    rules = {s: ("0.2", None, None) for s in rules}
    yield con, population, documented, rules
    con.close()


def test_pool_block_equals_ssj_pool(roster):
    con, population, _, _ = roster
    assert 30_000 < len(population) < 70_000  # other levels, closed, key and history out
    population_count, distinct, digest = con.execute(sql_block(DIGEST)).fetchone()
    assert population_count == distinct == len(population)
    assert digest == population_digest(population)
    assert dict(con.execute("SELECT id, stratum FROM pool").fetchall()) == population


def test_documented_draw_equals_ssj_on_100k(roster):
    """The block's own parameters (seed, draw id, ratio 1/5 per stratum, 2 alternates, 4 periods)."""
    con, population, documented, rules = roster
    seed, draw_id, alternates, periods = documented
    assert set(rules) == set(population.values())
    set_parameters(con, seed, draw_id, alternates, periods)  # as the block left them,
    set_strata(con, rules)  # whichever test ran before

    got = run_select(con)
    want = ssj_rows(seed, draw_id, population, rules, alternates, periods)
    assert len(got) == len(want) > 8_000
    assert got == want  # ids, tickets, strata, periods, and the order of the record


def test_mixed_rules_equal_ssj_on_100k(roster):
    """Ratios that go wrong in floating point or fixed point, counts, minimums; no periods;
    a non-ASCII seed."""
    con, population, _, _ = roster
    seed, draw_id, alternates = "福彩3D 2026003期 517", "2026-7", 3
    cycle = itertools.cycle(
        [
            ("0.07", None, None),
            ("0.125", None, 200),  # the minimum raises k
            (None, 5, None),
            (None, 10**6, None),  # the count is capped at N
            ("1", None, None),  # every unit selected, no alternates left
            ("0.001", None, 3),
            ("0.20", None, None),  # how the record writes --ratio 20%
            ("0.1234567890123", None, None),  # more places than DECIMAL(10, 9) keeps
            ("1E-7", None, None),  # how the record writes --ratio 0.00001%
        ]
    )
    rules = {s: next(cycle) for s in sorted(set(population.values()))}
    set_parameters(con, seed, draw_id, alternates, [])
    set_strata(con, rules)

    got = run_select(con)
    assert got == ssj_rows(seed, draw_id, population, rules, alternates, [])
    assert {p for *_, p in got} == {None}


# ---------------------------------------------------------------- spec test vectors


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def load_pool(con, population: dict[str, str]) -> None:
    con.execute("CREATE OR REPLACE TABLE pool (id VARCHAR, stratum VARCHAR)")
    if population:
        con.executemany("INSERT INTO pool VALUES (?, ?)", list(population.items()))


def test_spec_vector_one_stratum(con):
    load_pool(con, dict.fromkeys(TICKETS, "全部"))
    set_parameters(con, SEED, "2022-1", 2, PERIODS)
    set_strata(con, {"全部": ("0.2", None, None)})

    assert run_select(con) == [
        ("selected", "全部", "E006", TICKETS["E006"], "2-3"),
        ("selected", "全部", "E009", TICKETS["E009"], "5-6"),
        ("alternate", "全部", "E001", TICKETS["E001"], None),
        ("alternate", "全部", "E005", TICKETS["E005"], None),
    ]
    # With every unit selected, the query lists the spec's full order with its tickets.
    set_strata(con, {"全部": ("1", None, None)})
    order = ["E006", "E009", "E001", "E005", "E003", "E007", "E004", "E010", "E008", "E002"]
    assert [(i, t) for _, _, i, t, _ in run_select(con)] == [(i, TICKETS[i]) for i in order]

    assert con.execute(sql_block(DIGEST)).fetchone() == (
        10,
        10,
        "fe61630ddf2088dfebca6a9af1d1ad483c07d03a69c7a4bc6a2d8276d96b0961",
    )


def test_spec_vector_two_strata(con):
    """docs/algorithm.md: odd ids 甲, even ids 乙, k = 1, 1 alternate, periods 上, 下."""
    load_pool(con, {i: "甲" if int(i[1:]) % 2 else "乙" for i in TICKETS})
    set_parameters(con, SEED, "2022-1", 1, ["上", "下"])
    set_strata(con, {"甲": (None, 1, None), "乙": (None, 1, None)})

    assert run_select(con) == [
        ("selected", "乙", "E006", TICKETS["E006"], "上"),
        ("selected", "甲", "E009", TICKETS["E009"], "下"),
        ("alternate", "乙", "E004", TICKETS["E004"], None),
        ("alternate", "甲", "E001", TICKETS["E001"], None),
    ]


def test_spec_vector_non_ascii_seed(con):
    load_pool(con, {"E001": "全部"})
    set_parameters(con, "福彩3D 2022003期 517", "2022-1", 0, [])
    set_strata(con, {"全部": (None, 1, None)})
    assert run_select(con) == [
        (
            "selected",
            "全部",
            "E001",
            "0f6cec10c3127edb6792b884dcd459557dcf5f6219841a8b7b26790fa0d82073",
            None,
        )
    ]


@pytest.mark.parametrize(
    ("n", "ratio", "k"),
    [(100, "0.07", 7), (35, "0.2", 7), (36, "0.2", 8), (9, "0.125", 2), (9, "0.12500", 2)],
)
def test_spec_vector_sample_size(con, n, ratio, k):
    """k = ceil(r × N) exactly: 0.07 × 100 is 7, never the floating-point 8."""
    load_pool(con, {f"U{i:04d}": "全部" for i in range(n)})
    set_parameters(con, SEED, "2022-1", 0, [])
    set_strata(con, {"全部": (ratio, None, None)})
    assert len(run_select(con)) == k == sample_size(n, ratio=parse_ratio(ratio))


def test_empty_pool_digest(con):
    load_pool(con, {})
    assert con.execute(sql_block(DIGEST)).fetchone() == (0, 0, population_digest([]))


# ---------------------------------------------------------------- Spark SQL (optional)


def test_spark_sql_spec_vectors():
    """The Spark block on the spec vectors; runs only where pyspark and Java are installed."""
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("没有 Java，无法启动 Spark")
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[1]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    try:
        spark.createDataFrame(
            [(i, "甲" if int(i[1:]) % 2 else "乙") for i in TICKETS], "id string, stratum string"
        ).createOrReplaceTempView("pool")
        spark.createDataFrame(
            [("甲", None, None, 1, None), ("乙", None, None, 1, None)],
            "stratum string, numerator bigint, denominator bigint, count bigint, minimum bigint",
        ).createOrReplaceTempView("strata")
        args = {"seed": SEED, "draw_id": "2022-1", "alternates": 1, "periods": ["上", "下"]}
        rows = [tuple(r) for r in spark.sql(sql_block(SPARK_SELECT), args=args).collect()]
    finally:
        spark.stop()
    assert rows == [
        ("selected", "乙", "E006", TICKETS["E006"], "上"),
        ("selected", "甲", "E009", TICKETS["E009"], "下"),
        ("alternate", "乙", "E004", TICKETS["E004"], None),
        ("alternate", "甲", "E001", TICKETS["E001"], None),
    ]
