import pytest

from shuangsuiji.core.creditcode import (
    ALPHABET,
    check_character,
    credit_code_problem,
    is_valid_credit_code,
    looks_like_credit_code,
)


def test_spec_example_is_valid():
    assert is_valid_credit_code("91350100M000100Y43")
    assert check_character("91350100M000100Y4") == "3"


@pytest.mark.parametrize("last", [c for c in ALPHABET if c != "3"])
def test_every_wrong_check_character_is_refused(last):
    problem = credit_code_problem("91350100M000100Y4" + last)
    assert problem and "校验位" in problem and "应为“3”" in problem


@pytest.mark.parametrize("bad", ["I", "O", "Z", "S", "V", "m"])
def test_characters_outside_the_alphabet(bad):
    code = "91350100" + bad + "000100Y43"
    problem = credit_code_problem(code)
    assert problem and "不允许的字符" in problem and bad in problem


def test_wrong_length():
    assert "18 位" in credit_code_problem("91350100M000100Y4")


def test_check_zero_maps_from_31():
    # A body whose weighted sum is a multiple of 31 takes "0", not "31".
    for i in range(10000):
        body = f"91350100{i:09d}"
        if check_character(body) == "0":
            assert is_valid_credit_code(body + "0")
            break
    else:
        pytest.fail("no body with check character 0 found")


def test_looks_like():
    assert looks_like_credit_code("91350100M000100Y43")
    assert not looks_like_credit_code("LS-2026-001")
