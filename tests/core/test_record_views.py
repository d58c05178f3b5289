"""The light forms of the draw and assignment records: same fields, same JSON, equal."""

import json

import pytest
from pydantic import ValidationError

from shuangsuiji.core import records
from shuangsuiji.core.records import Assignment, AssignmentView, Draw, DrawView

MEMBER = {"id": "P1", "ticket": "a" * 64, "load": 0}
TASKS = [
    {
        "entity": f"E{n}",
        "ticket": f"{n:064x}",
        **({"period": "1-2"} if n % 2 else {}),
        "inspectors": [MEMBER, {**MEMBER, "id": "P2"}],
        "experts": [{**MEMBER, "id": "X1"}] if n % 3 == 0 else [],
        "checklist": ["TY-01", "TY-02"] if n % 2 else ["GM-01"],
    }
    for n in range(7)
]
REF = {"path": "rosters/inspectors.csv", "sha256": "b" * 64}
HEAD = {
    "draw_id": "2026-1",
    "year": 2026,
    "assigned_at": "2026-03-01T10:00:00+08:00",
    "seed": "s",
    "seed_source": "命令行输入",
    "seed_generated": False,
    "commit": "c" * 40,
    "rosters": {"inspectors": REF, "items": REF},
    "draw_sha256": "d" * 64,
    "parameters": {"team_size": 2},
}
ROUND = {k: HEAD[k] for k in ("assigned_at", "seed", "seed_source", "seed_generated", "commit")}
ASSIGNMENT = {
    **HEAD,
    "tasks": TASKS,
    "rounds": [{**ROUND, "rosters": HEAD["rosters"], "replacements": 1, "tasks": TASKS[:3]}],
}
PICKS = [
    {"id": f"U{n}", "ticket": f"{n:064x}", "stratum": "全部", "period": "1-2"} for n in range(9)
]
DRAW = {
    "draw_id": "2026-1",
    "year": 2026,
    "date": "2026-03-01",
    "drawn_at": "2026-03-01T10:00:00+08:00",
    "seed": "s",
    "seed_source": "命令行输入",
    "seed_generated": False,
    "commit": "c" * 40,
    "rosters": {"entities": REF},
    "parameters": {
        "level": "区级",
        "cooldown_months": 6,
        "yearly_cap": 2,
        "coverage_years": 5,
        "force_uncovered": True,
    },
    "population": {"count": 9, "digest": "e" * 64},
    "key": [{"id": "K1", "ticket": "f" * 64, "period": "1-2"}],
    "selected": PICKS[:6],
    "alternates": [{k: p[k] for k in ("id", "ticket", "stratum")} for p in PICKS[6:]],
}


@pytest.fixture(autouse=True)
def small_parts(monkeypatch):
    monkeypatch.setattr(records, "_PART", 2)  # several parts, one shorter


@pytest.mark.parametrize(
    ("model", "view", "data"), [(Assignment, AssignmentView, ASSIGNMENT), (Draw, DrawView, DRAW)]
)
def test_a_view_validated_in_parts_is_the_model_in_json_and_equal(model, view, data):
    full = model.model_validate(data)
    for light in (view.in_parts(json.loads(json.dumps(data))), view.model_validate(data)):
        dumped = light.model_dump(mode="json", exclude_none=True)
        assert dumped == full.model_dump(mode="json", exclude_none=True)
        assert json.dumps(dumped) == json.dumps(full.model_dump(mode="json", exclude_none=True))
        for name in ("tasks", "selected", "alternates", "key"):
            if isinstance(getattr(full, name, None), list):
                assert getattr(light, name) == getattr(full, name)
                assert getattr(full, name) == getattr(light, name)


def test_shared_checklists_and_a_bad_task_is_refused():
    light = AssignmentView.in_parts(json.loads(json.dumps(ASSIGNMENT)))
    assert light.tasks[1].checklist is light.tasks[3].checklist
    assert light.tasks[0] != light.tasks[1]
    bad = json.loads(json.dumps(ASSIGNMENT))
    bad["tasks"][5]["inspectors"][0]["extra"] = 1
    with pytest.raises(ValidationError):
        AssignmentView.in_parts(bad)
