import pytest
from pydantic import ValidationError

from shuangsuiji.core.models import Config, Entity, Inspector, row_problems


def entity(**kw):
    base = {"id": "91350100M000100Y43", "name": "某公司", "category": "危险化学品"}
    return Entity.model_validate({**base, **kw})


def problems(model, data):
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return row_problems(model, info.value)


def test_variants_become_canonical():
    e = entity(key="√", risk="橙", level="区县级", status="存续", industries="机械；粉尘涉爆")
    assert (e.key, e.risk, e.level, e.status) == (True, "较大", "县", "在营")
    assert e.industries == ["机械", "粉尘涉爆"]


def test_unit_without_code_uses_a_number():
    assert entity(id="LS-2026-001").id == "LS-2026-001"


def test_wrong_check_digit_names_the_field_in_chinese():
    [(_, field, message)] = problems(
        Entity, {"id": "91350100M000100Y44", "name": "x", "category": "y"}
    )
    assert field == "统一社会信用代码" and "校验位" in message


@pytest.mark.parametrize("bad", ["A|B", "a b", "a/b", "e\u0301x", ""])
def test_bad_ids(bad):
    [(_, field, _)] = problems(Entity, {"id": bad, "name": "x", "category": "y"})
    assert field == "统一社会信用代码"


def test_missing_and_unknown_fields_in_chinese():
    found = problems(Entity, {"id": "X1", "colour": "red"})
    messages = {(f, m) for _, f, m in found}
    assert ("单位名称", "缺少必填字段") in messages
    assert ("colour", "未知字段（拼写错误？）") in messages


def test_unknown_enum():
    [(_, field, message)] = problems(
        Entity, {"id": "X1", "name": "x", "category": "y", "risk": "极高"}
    )
    assert field == "风险等级" and "无法识别" in message


def test_inspector_defaults():
    person = Inspector.model_validate(
        {"id": "35010220001", "name": "张三", "valid_until": "2027/1/2"}
    )
    assert person.role == "执法人员" and person.status == "在岗"
    assert str(person.valid_until) == "2027-01-02"


def test_config_ratio_exact():
    config = Config.model_validate(
        {"authority": "某局", "categories": [{"name": "危险化学品", "ratio_floor": "30%"}]}
    )
    assert str(config.categories[0].ratio_floor) in ("0.30", "0.3")
    assert config.defaults.cooldown_months == 12
