"""Records written by an earlier ssj still load and verify: verify compares data, never the
order of fields, and fields added since (later matchings) have defaults."""

from __future__ import annotations

from conftest import commit_all, on, read_yaml, write_yaml

DAY = "2026-03-01"
DRAW = "plans/2026/draws/2026-1.yaml"
ASSIGNMENT = "plans/2026/assignments/2026-1.yaml"


def _as_an_older_ssj_wrote_it(path) -> None:
    """Fields in the reverse order, the later-matchings list absent."""
    data = read_yaml(path)
    data.pop("rounds", None)
    write_yaml(path, dict(reversed(list(data.items()))))


def test_reordered_and_older_records_verify(example, ssj):
    with on(DAY):
        for args in (
            ("draw", "--year", "2026", "--ratio", "0.2", "--seed", "老记录"),
            ("assign", "--year", "2026", "--seed", "老记录的匹配"),
        ):
            assert ssj("-C", example, *args, "--no-commit").code == 0
            if args[0] == "draw":
                _as_an_older_ssj_wrote_it(example / DRAW)
                commit_all(example, "抽取（旧格式）")
        _as_an_older_ssj_wrote_it(example / ASSIGNMENT)
        assert "rounds" not in (example / ASSIGNMENT).read_text(encoding="utf-8")
        assert next(iter(read_yaml(example / DRAW))) != "kind"  # the order really changed
        commit_all(example, "匹配（旧格式）")
    verified = ssj("-C", example, "verify", "--json")
    assert verified.code == 0, verified.out
    assert [r["ok"] for r in verified.json()["results"]] == [True, True]
    audited = ssj("-C", example, "audit", "--json", "--as-of", "2026-03-02")
    assert not [f for f in audited.json()["findings"] if f["rule"] == "R14"], audited.out
