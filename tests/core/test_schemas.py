"""The editors' JSON Schemas accept exactly what ssj accepts: a corpus of files checked
both ways, by the models (what ssj does) and by the `jsonschema` library (what an editor
does), and every record ssj writes validates against its schema."""

from __future__ import annotations

import json

import pytest

from shuangsuiji.core import schemas
from shuangsuiji.core.models import Config, EntityRoster, InspectorRoster, ItemList

jsonschema = pytest.importorskip("jsonschema")

MODELS = {
    "entities": EntityRoster,
    "inspectors": InspectorRoster,
    "items": ItemList,
    "config": Config,
}
UNIT = {"id": "91350100M000100Y43", "name": "青岚区一号化工有限公司", "category": "危险化学品"}
PERSON = {"id": "闽应急执法001", "name": "刘晓梅"}


def _validator(kind: str):
    schema = json.loads(schemas.schema_files()[f"{kind}.schema.json"])
    return jsonschema.Draft202012Validator(schema)


def _ssj_accepts(kind: str, document: dict) -> bool:
    from pydantic import ValidationError

    try:
        MODELS[kind].model_validate(document)
    except ValidationError:
        return False
    return True


def _unit(**fields):
    return ("entities", {"entities": [{**UNIT, **fields}]})


def _person(**fields):
    return ("inspectors", {"inspectors": [{**PERSON, **fields}]})


# (document, does ssj accept it): the label says what the case is for; the test checks
# that ssj and the schema both agree with it.
CORPUS = [
    (_unit(), True),
    (_unit(key="是"), True),
    (_unit(key="√"), True),
    (_unit(key="Y"), True),
    (_unit(key=True), True),
    (_unit(key=1), True),
    (_unit(key="也许"), False),
    (_unit(risk="红"), True),
    (_unit(risk="橙色风险"), True),
    (_unit(risk=""), True),
    (_unit(risk="紫"), False),
    (_unit(status="存续"), True),
    (_unit(status="营业"), True),
    (_unit(status="倒闭"), False),
    (_unit(level="县级"), True),
    (_unit(level="设区市"), True),
    (_unit(level="乡级"), False),
    (_unit(industries="危险化学品经营；加油站"), True),
    (_unit(industries=["危险化学品经营", "加油站"]), True),
    (_unit(industries={"a": 1}), False),
    (_unit(phone=13800000001), True),
    (_unit(address="工业路1号\n东门进"), True),
    (_unit(id="LS-2026-101"), True),
    (_unit(id="9135A100M000100Y4X"), False),  # letters in the region code
    (_unit(id="04350100M000100Y4X"), False),  # no such registration authority
    (_unit(id="94350100M000100Y4X"), False),  # 工商 registers no kind 4
    (_unit(id="9.13501E+17"), False),  # Excel's number
    (_unit(id="含 空格"), False),
    (_unit(name=""), False),
    (_unit(colour="红"), False),
    (_person(valid_until="2028年12月31日"), True),
    (_person(valid_until="2028/12/31"), True),
    (_person(valid_until="2028-12-31"), True),
    (_person(valid_until="明年"), False),
    (_person(role="执法"), True),
    (_person(role="司机"), False),
    (_person(status="病假"), True),
    (_person(status="出差"), False),
    (_person(conflicts="91350100M000100Y43；91350102604010605L"), True),
    (("items", {"items": [{"code": "AQ-001", "name": "安全生产责任制落实情况"}]}), True),
    (("items", {"items": [{"code": "AQ-001"}]}), False),
    (("config", {"authority": "某某区应急管理局", "level": "县级"}), True),
    (("config", {"authority": "某某区应急管理局", "level": "村"}), False),
    (("config", {"authority": "甲", "categories": [{"name": "危化", "ratio_floor": "20%"}]}), True),
    (("config", {"authority": "甲", "categories": [{"name": "危化", "ratio_floor": 0.2}]}), True),
    (("config", {"authority": "甲", "categories": [{"name": "危化", "ratio_floor": 2}]}), False),
    (("config", {"authority": "甲", "ci": {"install": "shuangsuiji==0.1.0"}}), True),
    (("config", {"authority": "甲", "anchors": ["3f2a9c1"]}), True),
    (("config", {"authority": "甲", "anchors": ["not-a-commit"]}), False),
]


@pytest.mark.parametrize(
    ("case", "accepted"), CORPUS, ids=lambda c: json.dumps(c, ensure_ascii=False)[:60]
)
def test_schema_and_ssj_agree(case, accepted):
    kind, document = case
    assert _ssj_accepts(kind, document) is accepted, "ssj"
    assert _validator(kind).is_valid(document) is accepted, "schema"


def test_the_corpus_has_both_kinds_for_every_file():
    for kind in MODELS:
        labels = {accepted for (k, _), accepted in CORPUS if k == kind}
        assert labels == {True, False}, kind


def test_records_have_schemas_and_the_code_field_its_pattern():
    files = schemas.schema_files()
    for kind in ("draw", "assignment", "record", "disclosure", "revisit", "answers"):
        assert f"{kind}.schema.json" in files
    entity = json.loads(files["entities.schema.json"])["$defs"]["Entity"]["properties"]["id"]
    assert any("pattern" in option for option in entity["anyOf"])


def test_every_record_ssj_writes_validates_against_its_schema(example, ssj, tmp_path):
    from ruamel.yaml import YAML

    from results_flow import record_all, staffed

    plan = staffed(ssj, example)
    assert record_all(ssj, example, plan, [t["entity"] for t in plan["tasks"][:2]]).code == 0
    folders = {"draws": "draw", "assignments": "assignment", "records": "record"}
    checked = 0
    for folder, kind in folders.items():
        for path in sorted((example / "plans" / "2026" / folder).glob("*.yaml")):
            document = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
            document = json.loads(json.dumps(document, default=str))  # dates as an editor sees them
            errors = [e.message for e in _validator(kind).iter_errors(document)]
            assert not errors, (path.name, errors[:3])
            checked += 1
    assert checked >= 4
