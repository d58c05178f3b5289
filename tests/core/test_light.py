"""Light forms (core/light.py): a validated model's values, read-only, equal to the model,
its traits kept, pickled and read back without pydantic; and their JSON form, the model's."""

import pickle
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from shuangsuiji.core.light import Light, as_data, light_of, made
from shuangsuiji.core.models import Config
from shuangsuiji.core.plan import Approval, Plan
from shuangsuiji.core.records import Draw, Parameters, Population, RosterRef, Stratum
from shuangsuiji.workspace import drawing

CONFIG = Config(
    authority="青岚区应急管理局",
    categories=[{"name": "危险化学品", "department": "危化股", "ratio_floor": "0.3"}],
)
PLAN = Plan(
    year=2026,
    approval=Approval(date=date(2026, 3, 1), document="青政字〔2026〕1号"),
    categories={"危险化学品": {"ratio": "0.5"}},
    risk_ratios={"重大": "1"},
)


def test_a_light_form_holds_the_models_values_and_traits():
    config, plan = light_of(CONFIG), light_of(PLAN)
    assert isinstance(config, Light) and type(config).__name__ == "Config"
    assert config == CONFIG and config == CONFIG and plan == PLAN
    assert config.category("危险化学品").ratio_floor == Decimal("0.3")
    assert config.category("烟花爆竹") is None
    assert (
        str(plan.approval)
        == str(PLAN.approval)
        == "经区人民政府于2026年3月1日批准（青政字〔2026〕1号）"
    )
    assert plan.categories["危险化学品"].ratio == Decimal("0.5") and plan.periods == PLAN.periods
    assert light_of(Plan(year=2027)) != plan
    with pytest.raises(AttributeError):
        plan.year = 2027


def test_a_light_form_pickles_to_itself_and_validates_back():
    plan = light_of(PLAN)
    again = pickle.loads(pickle.dumps(plan, protocol=5))
    assert again == plan == PLAN and type(again) is type(plan)
    assert Plan.model_validate(as_data(plan)) == PLAN
    assert "pydantic" not in pickle.dumps(plan).decode("latin-1")


def test_the_json_form_is_the_models():
    for stamp in (
        datetime(2026, 3, 1, 10, 0),
        datetime(2026, 3, 1, 2, 0, tzinfo=timezone.utc),
        datetime(2026, 3, 1, 10, 0, 0, 123400, tzinfo=timezone(timedelta(hours=8))),
    ):
        values = {
            "draw_id": "2026-2",
            "year": 2026,
            "date": date(2026, 3, 1),
            "drawn_at": stamp,
            "seed": "种子",
            "seed_source": "摇号",
            "seed_generated": False,
            "seed_format": None,
            "prepared": "plans/2026/draws/2026-2.prepared.yaml",
            "redraw_of": "2026-1",
            "reason": "名录有误",
            "commit": "0" * 40,
            "rosters": {"entities": drawing.roster_ref("rosters/entities.csv", "a" * 64)},
            "history": ["2026-1"],
            "parameters": drawing._part("Parameters", **_parameters()),
            "population": made("Population", ("count", "digest"), (3, "b" * 64)),
            "strata": [drawing.stratum_part("危险化学品", 3, "0.5", None, None, 2)],
        }
        model = Draw.model_validate(as_data(values)).model_dump(mode="json", exclude_none=True)
        head = drawing.draw_head(**values)
        assert head == model and list(head) == list(model)


def _parameters() -> dict:
    return {
        "ratio": "0.2",
        "count": None,
        "stratify": ["category"],
        "where": {"region": ["城关街道"]},
        "periods": ["2-3", "12"],
        "alternates": 2,
        "level": "县",
        "cooldown_months": 12,
        "yearly_cap": 2,
        "coverage_years": 2,
        "force_uncovered": True,
    }


def test_the_draws_parts_have_their_models_fields_in_order():
    assert tuple(Draw.model_fields) == drawing.DRAW_FIELDS
    assert tuple(_parameters()) == tuple(Parameters.model_fields)
    assert drawing.roster_ref("p", "s")._fields == tuple(RosterRef.model_fields)
    assert drawing.stratum_part("s", 1, None, 1, None, 1)._fields == tuple(Stratum.model_fields)
    population = made("Population", ("count", "digest"), (1, "d"))
    assert population._fields == tuple(Population.model_fields)
    assert population == Population(count=1, digest="d")


def test_beyond_its_fields_a_light_form_answers_as_its_model():
    caps_config = Config(authority="局", caps={"rules": [{"category": ["危险化学品"], "cap": 2}]})
    caps = light_of(caps_config).caps
    assert caps.model_dump(mode="json") == caps_config.caps.model_dump(mode="json")
    stratum = light_of(Stratum(stratum="全部", population=30, selected=6))
    assert stratum.model_copy(update={"ratio": "0.2"}) == Stratum(
        stratum="全部", population=30, ratio="0.2", selected=6
    )
    assert stratum.as_model() == stratum and type(stratum.as_model()) is Stratum
    with pytest.raises(AttributeError):
        stratum.no_such_field  # noqa: B018
