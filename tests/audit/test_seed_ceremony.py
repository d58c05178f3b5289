"""The seed's source and format are committed at prepare: run takes only what was promised."""

from __future__ import annotations

from audit_kit import audit, findings

from conftest import commit_all, git
from shuangsuiji.core.seedformat import commit_secret

PREPARED = "plans/2026/draws/2026-1.prepared.yaml"
RECORD = "plans/2026/draws/2026-1.yaml"


def _prepare(ssj, root, *extra):
    result = ssj("-C", root, "draw", "prepare", "--year", "2026", "--ratio", "0.2", *extra)
    assert result.code == 0, result.out + result.err


def _run(ssj, root, *extra):
    return ssj("-C", root, "draw", "run", "--year", "2026", "--draw-id", "2026-1", *extra)


def test_a_3d_draw_takes_three_digits_from_the_committed_source(example, ssj):
    _prepare(ssj, example, "--seed-format", "3d", "--seed-source", "福彩3D 2026035期")
    text = (example / PREPARED).read_text(encoding="utf-8")
    assert "seed_format: 3d" in text and "福彩3D 2026035期" in text
    assert _run(ssj, example, "--seed", "5177").code == 2  # four digits: not a 3D result
    changed = _run(ssj, example, "--seed", "517", "--seed-source", "福彩3D 2026036期")
    assert changed.code == 2 and "预备时登记" in changed.err
    done = _run(ssj, example, "--seed", "5，1，7", "--json")
    assert done.code == 0, done.err
    assert done.json()["seed"] == "517"
    code, doc = audit(ssj, example)
    assert code == 0, findings(doc, severity="error")


def test_audit_catches_a_run_that_differs_from_its_commitment(example, ssj):
    _prepare(ssj, example, "--seed-format", "3d", "--seed-source", "福彩3D 2026035期")
    assert _run(ssj, example, "--seed", "517").code == 0
    path = example / RECORD
    git(example, "rm", "-q", "--cached", RECORD)
    path.write_text(
        path.read_text(encoding="utf-8").replace("seed: '517'", "seed: '5177'"), encoding="utf-8"
    )
    commit_all(example, "另记一次")  # removed and re-added: the record itself is rewritten
    code, doc = audit(ssj, example)
    messages = " ".join(f["message"] for f in findings(doc, "R14", "error"))
    assert code == 1 and "承诺" in messages


def test_witnesses_reveal_the_secrets_they_committed(example, ssj):
    secrets = ["zhang-2026-x1", "li-2026-y2"]
    commits = [a for s in secrets for a in ("--commitment", commit_secret(s))]
    _prepare(ssj, example, "--seed-format", "witnesses:2", "--seed-source", "两名见证人", *commits)
    wrong = _run(ssj, example, "--seed", "zhang-2026-x1 li-2026-zz")
    assert wrong.code == 2 and "第 2 位" in wrong.err
    done = _run(ssj, example, "--seed", " ".join(secrets), "--json")
    assert done.code == 0 and done.json()["seed"] == " ".join(secrets)


def test_a_witness_format_needs_its_commitments(example, ssj):
    result = ssj("-C", example, "draw", "prepare", "--year", "2026", "--seed-format", "witnesses:2")
    assert result.code == 2 and not (example / PREPARED).exists()
