"""tabular.write_csv joins plain chunks itself: byte for byte what csv.writer writes."""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.core.tables import escape_formula
from shuangsuiji.storage import tabular

# Characters the csv module quotes, formula starts, escapes, line breaks and plain text.
CELLS = (
    st.none()
    | st.text(alphabet=",\"\r\n\t =+-@'a甲；\x00 ", max_size=6)
    | st.sampled_from([1, 2.5, True, "甲乙", "'=1", "=x", "a\n=b"])
)


def reference(headers, rows) -> bytes:
    """write_csv as csv.writer writes it, every cell escaped on its own."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([escape_formula(c) for c in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


@st.composite
def tables(draw):
    width = draw(st.integers(1, 4))
    headers = [f"h{i}" for i in range(width)]
    ragged = draw(st.booleans())
    row = st.lists(CELLS, min_size=0 if ragged else width, max_size=width + 1 if ragged else width)
    return headers, draw(st.lists(row, max_size=12))


@contextmanager
def _looked_at(way: str):
    """A column's cells looked at one distinct value at a time ("few"), or joined."""
    saved = tabular._few_values
    if way == "joined":
        tabular._few_values = lambda column: None
    try:
        yield
    finally:
        tabular._few_values = saved


@pytest.mark.parametrize("way", ["few", "joined"])
@settings(max_examples=400, deadline=None)
@given(table=tables())
def test_write_csv_is_csv_writer_byte_for_byte(way, table):
    headers, rows = table
    with _looked_at(way):
        assert tabular.write_csv(headers, rows) == reference(headers, rows)


@pytest.mark.parametrize("way", ["few", "joined"])
@settings(max_examples=300, deadline=None)
@given(table=tables())
def test_cells_given_back_are_what_the_csv_module_reads(way, table):
    """A chunk written unquoted gives its cells back: exactly what csv.reader reads."""
    headers, rows = table
    if not rows or len(set(map(len, rows))) != 1 or not rows[0]:
        return
    out = tabular.CsvWriter(headers)
    with _looked_at(way):
        cells = out.add_columns([list(c) for c in zip(*rows, strict=True)])
    data = out.getvalue()
    assert data == reference(headers, rows)
    if cells is not None:
        read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))[1:]
        assert read == [list(r) for r in zip(*cells, strict=True)]


def test_a_long_plain_column_is_joined_and_a_quoted_one_is_not():
    rows = [[f"B-{i}", f"单位{i}"] for i in range(100)]
    out = tabular.CsvWriter(["a", "b"])
    assert out.add_columns([list(c) for c in zip(*rows, strict=True)]) is not None
    assert out.add_columns([["x,y"], ["z"]]) is None
    assert out.getvalue() == reference(["a", "b"], [*rows, ["x,y", "z"]])
