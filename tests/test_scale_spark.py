"""docs/scale.md §5.1: the PySpark draw job, run in local mode, gives ssj's pool and draw.

The job and the Spark SQL query it runs are taken from the fenced blocks of docs/scale.md
(found by their first-line comment, as tests/test_scale_sql.py takes the DuckDB SQL), so the
document and this test cannot drift apart. Skipped where pyspark or Java is missing (CI's
environment has neither); run it with a Python that has pyspark installed.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from scaledoc import block, write_synthetic_entities
from shuangsuiji.core.algorithm import draw, parse_ratio, population_digest, sample_size
from shuangsuiji.core.eligibility import PastTask, build_pool, stratum_of
from shuangsuiji.workspace.load import parse_roster

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("没有 Java，无法启动 Spark", allow_module_level=True)

JOB = "# ssj-sha256-v1：抽取作业（PySpark）"
SPARK_SELECT = "-- ssj-sha256-v1：抽取（Spark SQL）"
UNITS = 4_000


@pytest.fixture(scope="module")
def spark():
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("test_scale_spark")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")  # rows spread over partitions: order matters
        .getOrCreate()
    )
    yield session
    session.stop()


# A unit's cells changed by its position, so that every rule of the pool has units to act on.
STATUSES = ("在营", "", "停业", "在营", "在营", "吊销", "在营")  # empty: 在营
LEVELS = ("县", "", "市", "县", "省", "")  # empty: the bureau's own level
KEYS = ("否", "否", "", "是", "否", "否", "否", "否", "否", "否", "否")  # empty: 否
RISKS = ("", "重大", "较大", "一般", "低")


@pytest.fixture(scope="module")
def roster(tmp_path_factory, spark):
    """A synthetic roster of a few thousand units as Parquet (text columns, Chinese headers)
    and as ssj reads it."""
    folder = tmp_path_factory.mktemp("spark")
    plain = folder / "plain.csv"
    write_synthetic_entities(plain, UNITS)
    with plain.open(encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    head = table[0]
    for n, row in enumerate(table[1:]):
        for column, cycle in (("经营状态", STATUSES), ("监管层级", LEVELS), ("重点单位", KEYS)):
            row[head.index(column)] = cycle[n % len(cycle)]
        if n % 3 == 0:
            row[head.index("风险等级")] = RISKS[n % len(RISKS)]
    sheet = folder / "entities.csv"
    with sheet.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(table)
    parquet = folder / "entities.parquet"
    schema = ", ".join(f"`{c}` STRING" for c in head)
    frame = spark.read.csv(str(sheet), header=True, schema=schema, emptyValue="")
    frame.write.parquet(str(parquet))
    entities = parse_roster("entities", sheet.read_bytes(), "rosters/entities.csv").rows
    return folder, parquet, entities


def history(entities) -> list[PastTask]:
    """Earlier tasks: this year's random picks in and out of the cooldown (one on its
    boundary, month end), last year's, units at the yearly cap, units an earlier draw of
    the year made tasks."""
    ids = [e.id for e in entities]
    grave = [e.id for e in entities if e.risk == "重大"]
    edge = date(2026, 2, 28)  # one month before 2026-03-31: outside a 1-month cooldown
    return (
        [PastTask(i, 2026, date(2026, 1, 10), True) for i in ids[0:300]]
        + [PastTask(i, 2026, edge, True) for i in ids[300:400]]
        + [PastTask(i, 2026, date(2026, 3, 1), True) for i in ids[400:500]]
        + [PastTask(i, 2025, date(2025, 2, 1), True) for i in ids[500:600]]
        + [PastTask(i, 2025, date(2025, 4, 1), True) for i in ids[600:700]]
        + [PastTask(i, 2026, date(2026, 2, 1), True) for i in grave[:40] * 2]  # at the cap
        + [PastTask(i, 2026, date(2026, 1, 10), False) for i in ids[700:760]]  # tasks
    )


def ssj_draw(entities, params: dict, fields: list[str]):
    """ssj's own pool and draw of the roster: the population, the pool and the rows of its
    record."""
    day = date.fromisoformat(params["day"])
    past = history(entities)
    pool = build_pool(
        entities,
        year=params["year"],
        day=day,
        level=params["level"],
        where={},
        history=past,
        cooldown_months=params["cooldown_months"],
        yearly_cap=params["yearly_cap"],
        uncovered=frozenset(e.id for e in entities[800:840]),
        already_key=frozenset(t.entity for t in past if t.year == 2026 and not t.random),
    )
    assert pool.key and pool.forced and len(pool.excluded) >= 5
    population = {e.id: stratum_of(e, fields) for e in pool.eligible}
    rules = {s["stratum"]: s for s in params.get("strata", [])}
    sizes = {}
    for stratum, n in Counter(population.values()).items():
        rule = rules.get(stratum, {"ratio": params.get("ratio")})
        ratio = rule.get("ratio")
        sizes[stratum] = sample_size(
            n,
            ratio=None if ratio is None else parse_ratio(ratio),
            count=rule.get("count"),
            minimum=rule.get("minimum"),
        )
    result = draw(
        params["seed"],
        params["draw_id"],
        population,
        sizes,
        alternates=params["alternates"],
        periods=params["periods"],
    )
    rows = [("selected", p.stratum, p.id, p.ticket, p.period) for p in result.selected]
    rows += [("alternate", p.stratum, p.id, p.ticket, None) for p in result.alternates]
    return population, pool, rows


def run_job(spark, roster, params: dict, pool, entities, tmp_path: Path) -> tuple[dict, list]:
    """The doc's job as spark-submit would run it, in this test's local Spark session."""
    _, parquet, _ = roster
    job = tmp_path / "draw_job.py"
    job.write_text(block(JOB, "python"), encoding="utf-8")
    (tmp_path / "select_spark.sql").write_text(block(SPARK_SELECT, "sql"), encoding="utf-8")
    (tmp_path / "params.json").write_text(json.dumps(params, ensure_ascii=False), "utf-8")
    past = history(entities)
    with (tmp_path / "past.csv").open("w", encoding="utf-8", newline="") as f:
        rows = [(t.entity, t.year, t.day, t.random) for t in past]
        csv.writer(f).writerows([("id", "year", "day", "random"), *rows])
    with (tmp_path / "forced.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([("id",), *[(e.id,) for e in pool.forced]])
    out = tmp_path / "out"
    saved = sys.argv
    sys.argv = [str(job), *(str(tmp_path / n) for n in ("params.json",)), str(parquet)]
    sys.argv += [str(tmp_path / "past.csv"), str(tmp_path / "forced.csv"), str(out)]
    try:
        code = compile(job.read_text(encoding="utf-8"), str(job), "exec")
        exec(code, {"__name__": "__main__", "__file__": str(job)})
    finally:
        sys.argv = saved
    summary = json.loads((out / "population.json").read_text(encoding="utf-8"))
    [part] = (out / "picks").glob("part-*.csv")
    with part.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        assert next(reader) == ["role", "stratum", "id", "ticket", "period"]
        picks = [(r, s, i, t, p or None) for r, s, i, t, p in reader]
    return summary, picks


def test_job_by_region_with_mixed_rules(spark, roster, tmp_path):
    """Strata by region with ratios, a count and a minimum from the record; periods."""
    _, _, entities = roster
    params = {
        "seed": "20260104-6152-3341",
        "draw_id": "2026-2",
        "alternates": 2,
        "periods": ["2-3", "5-6", "9-10", "12"],
        "level": "县",
        "year": 2026,
        "day": "2026-03-31",
        "cooldown_months": 12,
        "yearly_cap": 2,
        "stratify": ["所属区域"],
    }
    regions = sorted({e.region for e in entities})
    assert len(regions) >= 6
    rules = [{"ratio": "0.07"}, {"ratio": "0.125", "minimum": 40}, {"count": 5}, {"count": 10**6}]
    params["strata"] = [{"stratum": r, **rules[n % len(rules)]} for n, r in enumerate(regions)]
    population, pool, want = ssj_draw(entities, params, ["region"])
    summary, got = run_job(spark, roster, params, pool, entities, tmp_path)

    assert summary == {
        "population": len(population),
        "distinct_ids": len(population),
        "digest": population_digest(population),
    }
    assert len(got) == len(want) > 200
    assert got == want  # ids, tickets, strata, periods, and the record's order


def test_job_by_region_and_risk_one_ratio(spark, roster, tmp_path):
    """Two stratifying fields (an empty risk is （空）), one ratio for every stratum, no
    periods, a one-month cooldown ending at a month's end, a non-ASCII seed."""
    _, _, entities = roster
    params = {
        "seed": "福彩3D 2026003期 517",
        "draw_id": "2026-7",
        "alternates": 3,
        "periods": [],
        "level": "县",
        "year": 2026,
        "day": "2026-03-31",
        "cooldown_months": 1,
        "yearly_cap": 2,
        "stratify": ["所属区域", "风险等级"],
        "ratio": "0.1234567890123",
    }
    population, pool, want = ssj_draw(entities, params, ["region", "risk"])
    assert any(s.endswith("/（空）") for s in population.values())
    summary, got = run_job(spark, roster, params, pool, entities, tmp_path)

    assert summary["digest"] == population_digest(population)
    assert summary["population"] == summary["distinct_ids"] == len(population)
    assert got == want
    assert {p for *_, p in got} == {None}
