"""core/joint.py: the joint task file, the strictest rules of its departments, the merged
checklist (docs/joint.md)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shuangsuiji.core.joint import JointTask, joint_seeds_clash, merged_checklist, strictest
from shuangsuiji.core.models import Item


def task(**changes) -> JointTask:
    data = {
        "id": "2026-联合1",
        "year": 2026,
        "title": "加油站联合抽查",
        "lead": "应急管理局",
        "departments": [
            {"name": "应急管理局", "authority": "青岚区应急管理局"},
            {"name": "市场监管局", "authority": "青岚区市场监督管理局", "cooldown_months": 18},
            {"name": "消防救援大队", "authority": "青岚区消防救援大队", "yearly_cap": 1},
        ],
        **changes,
    }
    return JointTask.model_validate(data)


def test_every_department_rule_applies_to_the_pool():
    assert strictest(task(), cooldown_months=12, yearly_cap=2) == (18, 1)
    own_rules = [{"name": d.name, "authority": d.authority} for d in task().departments]
    assert strictest(task(departments=own_rules), cooldown_months=12, yearly_cap=2) == (12, 2)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lead": "税务局"}, "不在参与部门中"),
        ({"departments": [{"name": "应急管理局", "authority": "甲"}] * 2}, "重复"),
        ({"departments": [{"name": "应急管理局", "authority": "甲"}]}, "at least 2"),
        ({"ratio": "0.2", "count": 3}, "只能填一个"),
    ],
)
def test_a_task_that_cannot_be_run_is_refused(changes, message):
    with pytest.raises(ValidationError, match=message):
        task(**changes)


def test_a_department_name_is_a_folder_name():
    with pytest.raises(ValidationError, match="目录名"):
        task(
            departments=[
                {"name": "应急/管理局", "authority": "甲"},
                {"name": "乙", "authority": "乙"},
            ]
        )


def item(code: str, name: str) -> Item:
    return Item.model_validate(
        {"code": code, "name": name, "basis": "法", "method": "现场检查", "categories": ["通用"]}
    )


def test_the_merged_checklist_lists_each_item_once_marked_with_its_departments():
    items = {
        "应急管理局": [item("TY-01", "主要负责人履职"), item("TY-09", "隐患排查治理")],
        "市场监管局": [item("TZ-01", "特种设备使用登记"), item("SJ-01", "主要负责人履职")],
    }
    lines = merged_checklist(
        ["应急管理局", "市场监管局"],
        {"应急管理局": ["TY-01", "TY-09"], "市场监管局": ["SJ-01", "TZ-01"]},
        items,
    )
    assert [(line.name, line.departments) for line in lines] == [
        ("主要负责人履职", ("应急管理局", "市场监管局")),
        ("隐患排查治理", ("应急管理局",)),
        ("特种设备使用登记", ("市场监管局",)),
    ]
    assert lines[0].codes == (("应急管理局", "TY-01"), ("市场监管局", "SJ-01"))


def test_a_seed_repeating_another_stage_is_named():
    used = {"抽取检查对象": "517", "应急管理局匹配人员": "8801"}
    assert joint_seeds_clash("8801", used) == "应急管理局匹配人员"
    assert joint_seeds_clash("8802", used) is None
