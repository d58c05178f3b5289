import pytest

from shuangsuiji.core.problems import InputError
from shuangsuiji.storage import yamlio


def test_broken_yaml_names_the_line():
    with pytest.raises(InputError) as info:
        yamlio.parse("a: 1\nb: [1, 2\nc: 3\n", "f.yaml")
    [problem] = info.value.problems
    assert problem.file == "f.yaml" and problem.line is not None and "YAML" in problem.message


def test_duplicate_keys_refused():
    with pytest.raises(InputError):
        yamlio.parse("a: 1\na: 2\n", "f.yaml")


def test_roundtrip_keeps_comments():
    text = "# 头注释\nentities:\n- id: A1  # 行尾注释\n  name: 甲\n"
    document = yamlio.parse(text, "f", roundtrip=True)
    document["entities"][0]["name"] = "乙"
    out = yamlio.dump_roundtrip(document)
    assert "# 头注释" in out and "# 行尾注释" in out and "乙" in out


def test_lines_of():
    text = "entities:\n- id: A\n  name: 甲\n- id: B\n  name: 乙\n"
    assert yamlio.lines_of(text, [("entities", 1, "name"), ("entities", 0)]) == [5, 2]
