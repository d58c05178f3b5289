"""Rosters kept as CSV, `ssj roster convert`, and the validated-roster cache."""

import hashlib
from pathlib import Path

import shuangsuiji.workspace.load as workspace
from conftest import commit_all, read_yaml, snapshot
from shuangsuiji.core import rows
from shuangsuiji.core.records import Draw
from shuangsuiji.storage import cache
from shuangsuiji.workspace import Workspace

SEED = "20260104-6152-3341"


def encoded(root: Path, kind: str) -> list[list]:
    return [rows.encode(kind, r) for r in Workspace(root).roster(kind, cached=False).rows]


def chain(ssj, root: Path) -> tuple[dict, dict]:
    drawn = ssj(
        "-C",
        root,
        "draw",
        "--year",
        "2026",
        "--date",
        "2026-03-01",
        "--reason",
        "补录",
        "--seed",
        SEED,
        "--json",
    )
    assert drawn.code == 0, drawn.err
    assigned = ssj("-C", root, "assign", "--year", "2026", "--seed", "assign-1", "--json")
    assert assigned.code == 0, assigned.err
    return drawn.json(), assigned.json()


def test_csv_workspace_draws_and_assigns_exactly_as_yaml(tmp_path, example, ssj):
    root = tmp_path / "csv"
    assert ssj("init", root, "--example", "--roster-format", "csv").code == 0
    assert sorted(p.name for p in (root / "rosters").iterdir() if p.is_file()) == [
        "entities.csv",
        "inspectors.csv",
        "items.csv",
    ]  # (the joint task's departments keep theirs under rosters/departments/)
    commit_all(root, "CSV 名录")
    assert ssj("-C", root, "roster", "check").code == 0
    for kind in ("entities", "inspectors", "items"):
        assert encoded(root, kind) == encoded(example, kind)
    (csv_draw, csv_assign), (yaml_draw, yaml_assign) = chain(ssj, root), chain(ssj, example)
    assert csv_draw["population"] == yaml_draw["population"]
    assert csv_draw["selected"] == yaml_draw["selected"]
    assert [t["inspectors"] for t in csv_assign["tasks"]] == [
        t["inspectors"] for t in yaml_assign["tasks"]
    ]
    assert ssj("-C", root, "verify").code == 0
    audit = ssj("-C", root, "audit", "--as-of", "2026-03-02", "--json")
    assert audit.code == 0, audit.out


def test_convert_keeps_every_row_and_refuses_two_files(example, ssj):
    before = {kind: encoded(example, kind) for kind in ("entities", "inspectors", "items")}
    result = ssj("-C", example, "roster", "convert", "--to", "csv", "--json")
    assert result.code == 0 and len(result.json()["converted"]) == 3
    assert not (example / "rosters" / "entities.yaml").exists()
    assert {kind: encoded(example, kind) for kind in before} == before
    # an edited export next to the roster: ssj does not guess which one counts
    (example / "rosters" / "entities.yaml").write_text("entities: []\n", encoding="utf-8")
    check = ssj("-C", example, "roster", "check")
    assert check.code == 2 and "只能保留一个" in check.out
    (example / "rosters" / "entities.yaml").unlink()
    assert ssj("-C", example, "roster", "convert", "--to", "yaml", "--kind", "entities").code == 0
    assert encoded(example, "entities") == before["entities"]
    again = ssj("-C", example, "roster", "convert", "--to", "yaml", "--kind", "entities")
    assert again.code == 0 and "未做改动" in again.out


def test_import_into_a_csv_roster_writes_csv(tmp_path, ssj):
    root = tmp_path / "ws"
    assert ssj("init", root, "--roster-format", "csv").code == 0
    sheet = tmp_path / "单位.csv"
    sheet.write_text(
        "统一社会信用代码,单位名称,监管类别,行业\n"
        "91350102604010605L,青岚区华顺化工有限公司,危险化学品,危险化学品生产\n",
        encoding="utf-8",
    )
    result = ssj("-C", root, "roster", "import", sheet)
    assert result.code == 0 and "已写入 rosters/entities.csv" in result.out
    text = (root / "rosters" / "entities.csv").read_text(encoding="utf-8-sig")
    assert "91350102604010605L,青岚区华顺化工有限公司" in text
    assert not (root / "rosters" / "entities.yaml").exists()


def test_a_formula_in_a_csv_roster_is_stored_escaped_and_read_back(tmp_path, ssj):
    root = tmp_path / "ws"
    assert ssj("init", root, "--roster-format", "csv").code == 0
    sheet = tmp_path / "单位.csv"
    sheet.write_text(
        "统一社会信用代码,单位名称,监管类别,行业\nA-1,=HYPERLINK(1),危险化学品,仓储\n",
        encoding="utf-8",
    )
    assert ssj("-C", root, "roster", "import", sheet).code == 0
    assert "'=HYPERLINK(1)" in (root / "rosters" / "entities.csv").read_text(encoding="utf-8-sig")
    assert Workspace(root).roster("entities").rows[0].name == "=HYPERLINK(1)"


def test_the_cache_is_filled_and_a_damaged_entry_is_ignored(example, ssj):
    ws = Workspace(example)
    first = ws.roster("entities")
    entry = example / ".ssj" / "cache" / f"entities-{first.sha256}.bin"
    assert entry.exists()
    kept = cache.load_columns(example, "entities", first.sha256)
    assert [list(r) for r in zip(*kept, strict=True)] == [
        rows.encode("entities", r) for r in first.rows
    ]
    entry.write_bytes(entry.read_bytes().replace("有限公司".encode(), "无限公司".encode()))
    again = Workspace(example).roster("entities")
    assert again.rows == first.rows  # the damaged entry failed its digest: validated anew


def test_roster_check_never_trusts_the_cache(example, ssj):
    path = example / "rosters" / "entities.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("91350102604010605L", "91350102604010605X", 1), encoding="utf-8")
    commit_all(example, "录入错误")
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    empty = [[] for _ in rows.fields("entities")]  # a forged "valid, empty" entry
    cache.save_columns(example, "entities", sha, empty, rows.layout("entities"))
    assert Workspace(example).roster("entities").rows == []  # what a draw would read
    before = snapshot(example)
    check = ssj("-C", example, "roster", "check")
    assert check.code == 2 and "校验位错误" in check.out
    assert snapshot(example) == before
    assert snapshot(example) == before


def test_a_big_generated_record_is_cached_as_written(example, ssj, monkeypatch):
    """The record's parse is primed when it is written: this machine never parses it again."""
    monkeypatch.setattr(workspace, "CACHED_RECORD_BYTES", 0)
    drawn = ssj("-C", example, "draw", "--year", "2026", "--seed", SEED, "--json")
    assert drawn.code == 0, drawn.err
    path = example / "plans" / "2026" / "draws" / "2026-1.yaml"
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert cache.load(example, "yaml", sha) == read_yaml(path)
    ws = Workspace(example)
    assert ws.load_record(Draw, path).seed == SEED
