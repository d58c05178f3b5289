"""Light roster rows: the same fields and properties as the models, rebuilt exactly."""

from datetime import date

import pytest

from shuangsuiji.core import rows
from shuangsuiji.core.models import ROSTERS, Entity, Inspector, Item

ENTITY = Entity.model_validate(
    {
        "id": "91350102604010605L",
        "name": "青岚区华顺化工有限公司",
        "category": "危险化学品",
        "industries": "危险化学品生产；仓储",
        "status": "注销",
        "key": "是",
        "extra": {"备注": "x"},
    }
)


@pytest.mark.parametrize("kind", sorted(ROSTERS))
def test_a_row_class_has_exactly_the_model_fields(kind):
    assert rows.fields(kind) == tuple(ROSTERS[kind][0].model_fields)
    assert rows.row_class(kind)._fields == rows.fields(kind)


def test_row_from_model_keeps_every_value_and_property():
    row = rows.Builder("entities").from_model(ENTITY)
    assert rows.as_dict("entities", row) == ENTITY.model_dump()
    assert row.active is False and ENTITY.active is False
    assert row.industries == ["危险化学品生产", "仓储"] and row.key is True
    with pytest.raises(AttributeError):
        row.name = "改名"  # read-only
    assert not hasattr(row, "__dict__")  # slotted: no per-row dictionary


def test_columns_rebuild_the_same_rows_with_their_own_lists():
    builder = rows.Builder("entities")
    first = builder.from_model(ENTITY)
    other = first._replace(id="B-2", key=False)
    columns = rows.encode_columns("entities", [first, other])
    assert columns[0] == ["91350102604010605L", "B-2"]
    again = rows.from_columns("entities", columns)
    assert again == [first, other] and again[0].active is False


def test_encoded_values_rebuild_the_same_row_with_dates():
    person = Inspector.model_validate(
        {"id": "35010000001", "name": "张三", "valid_until": "2027-06-30", "conflicts": "A；B"}
    )
    builder = rows.Builder("inspectors")
    row = builder.from_model(person)
    encoded = rows.encode("inspectors", row)
    assert "2027-06-30" in encoded  # JSON-ready
    again = rows.Builder("inspectors").from_values(list(encoded))
    assert again == row and again.valid_until == date(2027, 6, 30)


def test_repeated_strings_are_stored_once():
    builder = rows.Builder("entities")
    a = builder.from_values(rows.encode("entities", builder.from_model(ENTITY)))
    b = builder.from_values(rows.encode("entities", builder.from_model(ENTITY)))
    assert a.category is b.category


def test_item_rows_know_general_items():
    item = Item.model_validate({"code": "TY-01", "name": "通用事项"})
    assert rows.Builder("items").from_model(item).general is True
