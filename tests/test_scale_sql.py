"""docs/scale.md: ssj-sha256-v1 as one SQL query in DuckDB gives ssj's draw, byte for byte.

The SQL is taken from the fenced blocks of docs/scale.md (found by their first-line
comment), so the document and this test cannot drift apart. duckdb is the optional extra
`shuangsuiji[scale]`; without it the module is skipped.
"""

from __future__ import annotations

import csv
import itertools
import os
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

from shuangsuiji.core.algorithm import draw, parse_ratio, population_digest, sample_size
from spec_vectors import SEED, TICKETS

duckdb = pytest.importorskip("duckdb")

ROOT = Path(__file__).resolve().parents[1]
SCALE_MD = ROOT / "docs" / "scale.md"

PREPARE = "-- ssj-sha256-v1：准备（DuckDB）"
SELECT = "-- ssj-sha256-v1：抽取（DuckDB）"
DIGEST = "-- ssj-sha256-v1：随机池摘要（DuckDB）"
SPARK_SELECT = "-- ssj-sha256-v1：抽取（Spark SQL）"

PERIODS = ["2-3", "5-6", "9-10", "12"]


def sql_block(first_line: str) -> str:
    """The one ```sql block of docs/scale.md whose first line is `first_line`."""
    text = SCALE_MD.read_text(encoding="utf-8")
    blocks = [
        b
        for b in re.findall(r"^```sql\n(.*?)^```", text, re.M | re.S)
        if b.startswith(first_line + "\n")
    ]
    assert len(blocks) == 1, f"docs/scale.md 中应恰有一个以“{first_line}”开头的 sql 代码块"
    return blocks[0]


def set_parameters(con, seed: str, draw_id: str, alternates: int, periods: list[str]) -> None:
    """The documented parameters, bound as values (never pasted into the SQL text)."""
    con.execute("SET VARIABLE seed = ?", [seed])
    con.execute("SET VARIABLE draw_id = ?", [draw_id])
    con.execute("SET VARIABLE alternates = ?", [alternates])
    con.execute("SET VARIABLE periods = ?::VARCHAR[]", [periods])


def set_strata(con, rules: dict[str, tuple[str | None, int | None, int | None]]) -> None:
    """strata(stratum, ratio, count, minimum), as copied from a draw record."""
    con.execute(
        "CREATE OR REPLACE TABLE strata (stratum VARCHAR, ratio VARCHAR, count BIGINT, minimum BIGINT)"
    )
    con.executemany(
        "INSERT INTO strata VALUES (?, ?, ?, ?)", [(s, *rule) for s, rule in rules.items()]
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


# ---------------------------------------------------------------- 100k synthetic roster


@pytest.fixture(scope="module")
def roster(tmp_path_factory):
    """docs/scale.md's “准备” block run as written on a 100,000-unit synthetic export."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from synthetic import write_entities
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    folder = tmp_path_factory.mktemp("scale")
    write_entities(folder / "entities.csv", 100_000)  # same Chinese headers as `ssj roster export`

    # ssj's pool, computed without DuckDB: the same conditions as the block's WHERE.
    with (folder / "entities.csv").open(encoding="utf-8", newline="") as handle:
        population = {
            row["统一社会信用代码"]: row["所属区域"] or "（空）"
            for row in csv.DictReader(handle)
            if row["经营状态"] == "在营" and row["监管层级"] == "县" and row["重点单位"] == "否"
        }

    con = duckdb.connect()
    # Run the block verbatim in `folder`: it reads entities.csv and writes pool.parquet
    # there; file_search_path lets the view find pool.parquet again later.
    con.execute(f"SET file_search_path = '{folder}'")
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        con.execute(sql_block(PREPARE))
    finally:
        os.chdir(cwd)
    assert (folder / "pool.parquet").stat().st_size > 0
    documented = con.execute(
        "SELECT getvariable('seed'), getvariable('draw_id'), getvariable('alternates'),"
        " getvariable('periods')"
    ).fetchone()
    rules = {s: (r, c, m) for s, r, c, m in con.execute("SELECT * FROM strata").fetchall()}
    yield con, population, documented, rules
    con.close()


def test_prepare_block_pool_equals_ssj_pool(roster):
    con, population, _, _ = roster
    assert 90_000 < len(population) < 100_000  # cancelled and key units are out
    population_count, distinct, digest = con.execute(sql_block(DIGEST)).fetchone()
    assert population_count == distinct == len(population)
    assert digest == population_digest(population)
    assert dict(con.execute("SELECT id, stratum FROM pool").fetchall()) == population


def test_documented_draw_equals_ssj_on_100k(roster):
    """The block's own parameters (seed, draw id, ratio 0.2 per stratum, 2 alternates, 4 periods)."""
    con, population, documented, rules = roster
    seed, draw_id, alternates, periods = documented
    assert set(rules) == set(population.values())
    set_parameters(con, seed, draw_id, alternates, periods)  # as the block left them,
    set_strata(con, rules)  # whichever test ran before

    got = run_select(con)
    want = ssj_rows(seed, draw_id, population, rules, alternates, periods)
    assert len(got) == len(want) > 19_000
    assert got == want  # ids, tickets, strata, periods, and the order of the record


def test_mixed_rules_equal_ssj_on_100k(roster):
    """Ratios that go wrong in floating point, counts, minimums; no periods; a non-ASCII seed."""
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
            [("甲", None, 1, None), ("乙", None, 1, None)],
            "stratum string, ratio string, count bigint, minimum bigint",
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
