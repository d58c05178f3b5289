"""The pool R1 judges a draw by, taken from the record itself, is the re-run's pool."""

from __future__ import annotations

import datetime

import pytest
from audit_kit import draw

from shuangsuiji.audit import data as audit_data
from shuangsuiji.audit import facts
from shuangsuiji.workspace import Workspace, drawing


def _by_stratum(pool, membership) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for entity in pool:
        out.setdefault(membership[entity.id], set()).add(entity.category)
    return out


@pytest.mark.parametrize(
    "args",
    [
        ("--ratio", "0.2"),
        ("--ratio", "0.3", "--stratify", "监管类别", "--stratify", "所属区域"),
        ("--count", "2", "--stratify", "风险等级", "--where", "监管类别=危险化学品"),
    ],
)
def test_the_recorded_pool_is_the_rerun_pool(example, ssj, args):
    draw(ssj, example, *args)
    ws = Workspace(example)
    data = audit_data.load(ws, datetime.date(2026, 3, 2))
    (found,) = data.draws
    pool = facts._recorded_pool(data, found.model)
    assert pool is not None  # the record lists every excluded unit
    frozen = drawing.refrozen(ws, found.model)
    assert sorted(e.id for e in pool) == sorted(e.id for e in frozen.pool.eligible)
    assert facts._strata_categories(data, found) == _by_stratum(
        frozen.pool.eligible, frozen.membership
    )


def test_a_record_whose_pool_does_not_add_up_falls_back_to_the_rerun(example, ssj):
    draw(ssj, example, "--ratio", "0.2", "--stratify", "监管类别")
    ws = Workspace(example)
    data = audit_data.load(ws, datetime.date(2026, 3, 2))
    (found,) = data.draws
    tampered = found.model.model_copy(update={"excluded": []})
    assert found.model.excluded and facts._recorded_pool(data, tampered) is None
    frozen = drawing.refrozen(ws, found.model)
    found.model = tampered
    assert facts._strata_categories(data, found) == _by_stratum(
        frozen.pool.eligible, frozen.membership
    )
