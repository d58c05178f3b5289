import pytest
from hypothesis import given
from hypothesis import strategies as st

from shuangsuiji.core.creditcode import (
    ALPHABET,
    AUTHORITIES,
    check_character,
    credit_code_problem,
    credit_code_shaped,
    excel_number_problem,
    is_valid_credit_code,
    looks_like_credit_code,
    organization_check,
    organization_code_problem,
    valid_credit_codes,
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


# ---------------------------------------------------------------- GB 32100 structure


def _coded(first17: str) -> str:
    return first17 + check_character(first17)


@pytest.mark.parametrize(
    ("first", "kinds"),
    [("1", "1239"), ("5", "1239"), ("9", "123"), ("A", "19"), ("N", "1239"), ("Y", "1")],
)
def test_positions_one_and_two_come_from_the_tables(first, kinds):
    assert set(AUTHORITIES[first][1]) == set(kinds)
    for kind in kinds:
        assert is_valid_credit_code(_coded(first + kind + "350100M000100Y4"))


@pytest.mark.parametrize("first", ["0", "B", "G", "M", "X"])
def test_an_unknown_registration_authority_is_refused(first):
    problem = credit_code_problem(_coded(first + "1350100M000100Y4"))
    assert problem and "第 1 位（登记管理部门）" in problem


@pytest.mark.parametrize("code17", ["94350100M000100Y4", "Y2350100M000100Y4"])
def test_a_kind_the_authority_does_not_register_is_refused(code17):
    problem = credit_code_problem(_coded(code17))
    assert problem and "第 2 位（机构类别）" in problem


def test_the_region_code_is_digits_only():
    problem = credit_code_problem(_coded("9135A100M000100Y4"))
    assert problem and "第 3–8 位" in problem and "“35A100”" in problem


def test_agrees_with_python_stdnum_on_what_both_check():
    """stdnum.cn.uscc checks length, digits 1–8 and the check character; ssj checks those
    and the tables: every code ssj accepts with digits in 1–2, stdnum accepts too."""
    import random

    uscc = pytest.importorskip("stdnum.cn.uscc")
    rng = random.Random(20)
    for _ in range(2000):
        first = rng.choice("123456789")
        code = _coded(
            first
            + rng.choice(sorted(AUTHORITIES[first][1]))
            + "".join(rng.choice("0123456789") for _ in range(6))
            + "".join(rng.choice(ALPHABET) for _ in range(9))
        )
        assert is_valid_credit_code(code) and uscc.is_valid(code)
        broken = code[:3] + rng.choice("ABCDEFGHJKLMNPQRTUWXY") + code[4:17]
        assert not is_valid_credit_code(_coded(broken)) and not uscc.is_valid(_coded(broken))


@pytest.mark.parametrize(
    ("code", "valid"),
    [("91350100M000100Y43", True), ("91110000600037341L", True), ("9135010272081309X7", False)],
)
def test_organization_code_check_of_gb_11714(code, valid):
    assert (organization_code_problem(code) is None) is valid
    assert organization_check("60003734") == "1" and organization_check("M000100Y") == "4"


def test_organization_check_ten_and_eleven():
    bodies = [f"{i:08d}" for i in range(200)]
    assert "X" in {organization_check(b) for b in bodies}
    assert "0" in {organization_check(b) for b in bodies}


@pytest.mark.parametrize("value", ["9.13501E+17", "9.13501e17", "9.1350100E+17"])
def test_excel_scientific_notation_is_named(value):
    problem = excel_number_problem(value)
    assert problem and "Excel" in problem and "文本" in problem and "'" in problem


def test_an_eighteen_digit_number_ending_in_zeros_is_named():
    problem = credit_code_problem("913501000000000000")
    assert problem and "Excel" in problem and "校验位" not in problem
    assert excel_number_problem("LS-2026-001") is None


def test_a_real_code_with_e_and_digits_is_not_taken_for_an_excel_number():
    from shuangsuiji.core.creditcode import excel_number_problem

    for code in ("91395533519156E005", "9108614035552E1722"):  # E is a valid character
        assert excel_number_problem(code) is None
    for shown in ("9.13501E+17", "9E+17", "9.13501e17"):
        assert excel_number_problem(shown)


@given(
    st.lists(
        st.text(alphabet="09AZaz-１Ⅻé\n ", min_size=17, max_size=19)
        | st.sampled_from(["91350100M000100Y43", "LS-2026-001", "９1350100M000100Y43"])
    )
)
def test_the_ids_shaped_as_credit_codes_are_those_that_look_like_one(values):
    assert credit_code_shaped(values) == [v for v in values if looks_like_credit_code(v)]


@given(
    st.lists(
        st.sampled_from(["91350100M000100Y43", "91350102604010605L", "9135010260401060"])
        | st.text(alphabet="0123456789ABMY\n", min_size=17, max_size=37)
        | st.just("91350100M000100Y43\n91350102604010605L"),
        max_size=5,
    )
)
def test_a_column_of_codes_is_judged_as_each_code_alone(codes):
    assert valid_credit_codes(codes) == [credit_code_problem(c) is None for c in codes]
