"""`ssj draw --engine duckdb` writes the record the Python engine writes, byte for byte, from
a roster kept by reference (Parquet outside git, its SHA-256 in rosters/entities.ref.yaml);
`ssj verify` re-runs it on DuckDB; a referenced file that changed is refused."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from conftest import commit_all, git, on, read_yaml

duckdb = pytest.importorskip("duckdb")

HEADERS = ["统一社会信用代码", "单位名称", "监管类别", "行业", "所属区域", "风险等级", "重点单位"]
HEADERS += ["经营状态", "监管层级"]
REGIONS = ["城关街道", "河西街道", "东湖镇", "北山乡", "南岭镇", ""]
RISKS = ["重大", "较大", "一般", "低", ""]
DRAWS = [
    ("2026-03-01", ["--ratio", "0.3", "--stratify", "region", "--alternates", "2"]),
    ("2026-05-10", ["--ratio", "37.5%", "--stratify", "所属区域", "--stratify", "风险等级"]),
    ("2026-07-01", ["--count", "40", "--stratify", "region", "--periods", "2-3,5-6,9-10,12"]),
    ("2026-09-01", ["--where", "监管类别=冶金工贸", "--alternates", "1", "--periods", "8,11"]),
]


def roster_rows(n: int) -> list[list[str]]:
    """Units of every kind the draw tells apart: closed, idle, another level, no level, key
    units, every risk grade (重大 ones are not cooled down), empty regions; ids as codes
    and as plain numbers with leading zeros."""
    out = []
    for i in range(n):
        ident = f"{i:05d}" if i % 7 == 0 else f"DK{i:06d}"
        status = "注销" if i % 31 == 0 else "吊销" if i % 37 == 0 else "停产" if i % 41 == 0 else ""
        out.append(
            [
                ident,
                f"单位{i}",
                "冶金工贸" if i % 3 else "危险化学品",
                "机械" if i % 2 else "轻工；建材",
                REGIONS[i % len(REGIONS)],
                RISKS[i % len(RISKS)],
                "是" if i % 29 == 0 else "否",
                status or "在营",
                "市" if i % 43 == 0 else "" if i % 5 == 0 else "县",
            ]
        )
    return out


def write_reference(root: Path, data: Path, rows: list[list[str]]) -> Path:
    """The roster as Parquet outside the workspace, and rosters/entities.ref.yaml."""
    data.mkdir(exist_ok=True)
    sheet, parquet = data / "entities.csv", data / "entities.parquet"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADERS, *rows])
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * FROM read_csv('{sheet}', all_varchar = true, header = true)) "
        f"TO '{parquet}' (FORMAT parquet)"
    )
    con.close()
    digest = hashlib.sha256(parquet.read_bytes()).hexdigest()
    for old in ("entities.yaml", "entities.csv"):
        (root / "rosters" / old).unlink(missing_ok=True)
    (root / "rosters" / "entities.ref.yaml").write_text(
        f"path: {parquet}\nsha256: {digest}\nrows: {len(rows)}\n", encoding="utf-8"
    )
    return parquet


@pytest.fixture
def referenced(empty_ws, tmp_path) -> Path:
    with on("2026-01-05"):
        write_reference(empty_ws, tmp_path / "data", roster_rows(400))
        commit_all(empty_ws, "名录以引用方式保存")
    return empty_ws


def _draw(ssj, root: Path, day: str, args: list[str], engine: str) -> bytes:
    draw_id = f"2026-{day[5:7]}"
    done = ssj(
        "-C", root, "draw", "--year", "2026", "--date", day, "--seed", "引擎-种子-7",
        "--draw-id", draw_id, "--no-commit", "--engine", engine, *args,
    )  # fmt: skip
    assert done.code == 0, done.out + done.err
    path = root / "plans" / "2026" / "draws" / f"{draw_id}.yaml"
    raw = path.read_bytes()
    path.unlink()
    return raw


def test_each_draw_is_the_python_engines_record_byte_for_byte(referenced, ssj):
    """Four draws of a year, each after the one before is committed: cooldown, the yearly
    cap and key tasks already listed come from the earlier ones."""
    for day, args in DRAWS:
        with on(day):
            python = _draw(ssj, referenced, day, args, "python")
            large = _draw(ssj, referenced, day, args, "duckdb")
            assert large == python
            record = referenced / "plans" / "2026" / "draws" / f"2026-{day[5:7]}.yaml"
            record.write_bytes(large)
            commit_all(referenced, f"抽取 {day}")
    last = read_yaml(record)
    reasons = {
        e["reason"] for e in read_yaml(referenced / "plans/2026/draws/2026-05.yaml")["excluded"]
    }
    assert {
        "已注销或吊销",
        "非在营（停产、停业）",
        "属其他层级监管",
        "冷却期内已随机抽查",
    } <= reasons
    assert (
        last["selected"]
        and last["key"] == []
        and last["rosters"]["entities"]["path"].endswith("entities.parquet")
    )
    assert {p["period"] for p in last["selected"]} == {"8", "11"}
    with on("2026-09-02"):
        for engine in ("duckdb", "python"):
            done = ssj("-C", referenced, "verify", "--engine", engine, "--json")
            assert done.code == 0, done.out
            assert [r["id"] for r in done.json()["results"]] == [f"2026-{d[5:7]}" for d, _ in DRAWS]


def test_verify_reruns_on_duckdb_by_default_and_finds_a_changed_record(
    referenced, ssj, monkeypatch
):
    from shuangsuiji.workspace import engine_duckdb

    with on("2026-03-01"):
        assert ssj("-C", referenced, "draw", "--year", "2026", "--seed", "s-1", "--engine",
                   "duckdb", "--ratio", "0.2").code == 0  # fmt: skip
    rerun = []
    real = engine_duckdb.rebuilt
    monkeypatch.setattr(engine_duckdb, "rebuilt", lambda *a: rerun.append(1) or real(*a))
    assert ssj("-C", referenced, "verify").code == 0
    assert rerun
    path = referenced / "plans" / "2026" / "draws" / "2026-1.yaml"
    text = path.read_text(encoding="utf-8")
    first = read_yaml(path)["selected"][0]["id"]
    other = read_yaml(path)["alternates"][0]["id"]
    path.write_text(text.replace(f"id: {first}\n", f"id: {other}\n", 1), encoding="utf-8")
    done = ssj("-C", referenced, "verify", "2026-1")
    assert done.code == 1
    assert "抽中单位不一致" in done.out


def test_a_referenced_file_that_changed_is_refused(referenced, ssj, tmp_path):
    parquet = tmp_path / "data" / "entities.parquet"
    with on("2026-03-01"):
        assert ssj("-C", referenced, "draw", "--year", "2026", "--seed", "s-1", "--engine",
                   "duckdb", "--ratio", "0.2").code == 0  # fmt: skip
    (tmp_path / "other" / "rosters").mkdir(parents=True)
    write_reference(tmp_path / "other", tmp_path / "changed", roster_rows(401))
    parquet.write_bytes((tmp_path / "changed" / "entities.parquet").read_bytes())
    for engine in ("duckdb", "python"):
        with on("2026-03-02"):
            done = ssj("-C", referenced, "draw", "--year", "2026", "--seed", "s-2",
                       "--engine", engine, "--ratio", "0.2")  # fmt: skip
        assert done.code == 1
        assert "SHA-256" in done.err and "不符" in done.err
    done = ssj("-C", referenced, "verify")
    assert done.code == 1 and "不符" in done.out
    assert git(referenced, "status", "--porcelain") == ""


def test_what_the_engine_does_not_compute_is_refused(referenced, ssj):
    with on("2026-03-01"):
        refusals = []
        for engine in ("python", "duckdb"):  # R1's floor: the same refusal
            low = ssj("-C", referenced, "draw", "--year", "2026", "--seed", "s-1", "--engine",
                      engine, "--ratio", "0.1", "--stratify", "region")  # fmt: skip
            refusals.append((low.code, low.err))
        assert refusals[0] == refusals[1] and "最低比例" in refusals[0][1]
        done = ssj("-C", referenced, "draw", "--year", "2026", "--seed", "s-1", "--engine",
                   "duckdb", "--where", "行业=机械")  # fmt: skip
    assert done.code == 1 and "多值字段" in done.err


# Ids YAML would read as another type (quoted when written), with quotes and indicators.
ODD_IDS = ["00007", "true", "-5", "1e3", "'x", "a'b", '"q', "#1", "&a", "统一:码", "é", "null"]


def test_earlier_draws_read_light_give_the_records_tasks(referenced, ssj):
    """light_record, what a later draw's pool reads of an earlier draw's record, holds its
    fields and tasks as the full record does, ids of every kind included."""
    from shuangsuiji.storage import yamlio
    from shuangsuiji.workspace import engine_duckdb
    from shuangsuiji.workspace.load import Workspace
    from shuangsuiji.workspace.records import GENERATED_HEADER, load_record

    with on("2026-03-01"):
        done = ssj("-C", referenced, "draw", "--year", "2026", "--seed", "s-1", "--engine",
                   "duckdb", "--ratio", "0.3", "--periods", "2-3,9")  # fmt: skip
        assert done.code == 0, done.err
    path = referenced / "plans" / "2026" / "draws" / "2026-1.yaml"
    data = read_yaml(path)
    for pick, odd in zip(data["selected"], ODD_IDS, strict=False):
        pick["id"] = odd
    data["key"] = [{"id": "'k", "ticket": "0" * 64, "period": "9"}]
    path.write_text(yamlio.dump_fast(data, GENERATED_HEADER), encoding="utf-8")
    ws = Workspace(referenced)
    full, light = load_record(ws, path), engine_duckdb.light_record(path, "2026-1.yaml")
    assert [p.id for p in light.selected] == [p.id for p in full.selected]
    assert [p.id for p in light.selected][: len(ODD_IDS)] == ODD_IDS
    left_out = {"key", "forced", "selected", "excluded", "alternates"}
    assert light.model_dump(exclude=left_out) == full.model_dump(exclude=left_out)
    assert [t.id for t in light.key] == [t.id for t in full.key] == ["'k"]
    assert not light.alternates and not light.excluded
    assert [d.draw_id for d in engine_duckdb.earlier_draws(ws)] == ["2026-1"]
    assert engine_duckdb.earlier_draw(ws, "2026-1").tasks() == full.tasks()
