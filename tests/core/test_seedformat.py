"""Tests of seed formats: canonical seed text, refusals, witness commitments, drand checks."""

import hashlib
import importlib.util
import sys
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.core.algorithm import AlgorithmInputError, check_seed
from shuangsuiji.core.seedformat import (
    MAX_WITNESSES,
    QUICKNET_GENESIS,
    SECRET_MAX_LEN,
    SECRET_MIN_LEN,
    SeedFormat,
    VerifierMissing,
    canonical,
    check_commitments,
    check_reveals,
    check_secret,
    commit_secret,
    drand_round_at,
    drand_round_time,
    normalize_format,
    parse_format,
    split_reveals,
    verify_drand,
)

# A genuine quicknet beacon: the example of the PyPI package drand-verify 0.2.1 (its README),
# which that package's own verifier accepts.
QUICKNET_ROUND = 657413
QUICKNET_SIGNATURE = "b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862b98fad56e91a6b85b89cd97b"
QUICKNET_RANDOMNESS = "fc1873a13f3545aeade8401532ef5519920652eee6b0d2b19ca12643b87b3587"

# A genuine beacon of another bls-unchained-g1-rfc9380 chain ("walkthrough"), from the test
# suite of drand's own JavaScript client (drand-client, test/beacon-verification.test.ts).
WALKTHROUGH_KEY = (
    "81d320f220ee9c79e60e19dedc838c31e3ab919b15481e9feb52f643628c4f6a13fdc52129493875a818109d767272ca"
    "0541cbcdcea9335f2870d781b39b845ba8cbd44fdfe4967781cf72ca5917fc9398bcf97ca0548ed5a709016c4b1ff0f3"
)
WALKTHROUGH_ROUND = 38
WALKTHROUGH_SIGNATURE = "95c93585c513ebbcb4777ff15599b3140e5ec0295faa0e483f3deadd88fa6d43f0d3703e3a4ce106e8fd6c6987f32126"
WALKTHROUGH_RANDOMNESS = "b2fc21325a24904a6a9e81a6c63f65f6cec3f0b2400df3f4a56b214770e9ccca"

# Shape-only data (not real beacon output): the format checks never look at the values.
SOME_HEX64 = "ab" * 32
SOME_HEX128 = "cd" * 64

SEPARATORS = ["", " ", ",", "，", "、", "-", "　", ", ", " ; "]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def refused(fmt, text, *fragments, **kw):
    with pytest.raises(AlgorithmInputError) as e:
        canonical(fmt, text, **kw)
    for fragment in fragments:
        assert fragment in str(e.value)
    return str(e.value)


# ------------------------------------------------------------------ formats


@pytest.mark.parametrize(
    ("text", "kind", "arg", "canon"),
    [
        ("3d", "3d", None, "3d"),
        (" 3D ", "3d", None, "3d"),
        ("ssq", "ssq", None, "ssq"),
        ("pl5", "pl5", None, "pl5"),
        ("dice:5", "dice", 5, "dice:5"),
        ("DICE：05", "dice", 5, "dice:5"),
        ("digits:12", "digits", 12, "digits:12"),
        ("drand", "drand", None, "drand"),
        ("drand:657413", "drand", 657413, "drand:657413"),
        ("nist", "nist", None, "nist"),
        ("nist:12", "nist", 12, "nist:12"),
        ("witnesses:3", "witnesses", 3, "witnesses:3"),
        ("free", "free", None, "free"),
    ],
)
def test_parse_format(text, kind, arg, canon):
    fmt = parse_format(text)
    assert fmt == SeedFormat(kind, arg)
    assert str(fmt) == canon == normalize_format(text)
    assert parse_format(fmt) is fmt


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("dice:0", "掷骰次数应在 1 到 256 之间，收到 0"),
        ("dice:257", "收到 257"),
        ("digits:abc", "“abc”不是有效的正整数"),
        ("dice:" + "9" * 5000, "不是有效的正整数"),
        ("digits:-3", "不是有效的正整数"),
        ("digits:", "不是有效的正整数"),
        ("dice", "需要写明个数，如 dice:5"),
        ("witnesses:1", "见证人应为 2 到"),
        (f"witnesses:{MAX_WITNESSES + 1}", "见证人应为 2 到"),
        ("3d:4", "不带参数"),
        ("free:1", "不带参数"),
        ("drand:0", "drand 轮次应为正整数"),
        ("lotto", "未知的种子格式“lotto”"),
        ("", "未知的种子格式"),
    ],
)
def test_bad_formats_refused(text, fragment):
    with pytest.raises(AlgorithmInputError) as e:
        parse_format(text)
    assert fragment in str(e.value)


def test_format_must_be_text():
    with pytest.raises(AlgorithmInputError, match="种子格式必须是文字"):
        parse_format(3)


def test_seedformat_checks_itself():
    with pytest.raises(AlgorithmInputError):
        SeedFormat("dice", 0)
    with pytest.raises(AlgorithmInputError):
        SeedFormat("dice", True)


def test_labels():
    assert parse_format("3d").label == "福彩3D"
    assert parse_format("dice:5").label == "掷骰（5 次）"
    assert parse_format("witnesses:3").label == "见证人（3 名）"
    assert parse_format("drand:9").label == "drand 信标（第 9 轮）"


@given(
    st.sampled_from(["dice", "digits", "witnesses", "drand", "nist"]),
    st.integers(min_value=2, max_value=MAX_WITNESSES),
)
def test_format_text_round_trip(kind, n):
    fmt = SeedFormat(kind, n)
    assert parse_format(str(fmt)) == fmt
    assert parse_format(str(fmt).upper()) == fmt


# ------------------------------------------------------------------ digit lotteries


@pytest.mark.parametrize(
    "text", ["517", "5 1 7", "5,1,7", "5，1，7", "5、1、7", "５１７", " 5-1-7 "]
)
def test_3d_variants_are_one_seed(text):
    assert canonical("3d", text) == "517"


def test_3d_refuses_four_digits():
    message = refused("3d", "5177")
    assert message == "福彩3D 开奖号码应为 3 位数字，收到 4 位：5177"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("51", "收到 2 位"),
        ("", "不能为空"),
        ("5a7", "只能包含数字和分隔符"),
        ("2022003期 517", "只能包含数字和分隔符"),
        ("5.1.7", "只能包含数字和分隔符"),
        ("5+1+7", "只能包含数字和分隔符"),
    ],
)
def test_3d_refusals(text, fragment):
    refused("3d", text, fragment)


def test_3d_keeps_leading_zeros():
    assert canonical("3d", "0 0 7") == "007"


def test_pl5():
    assert canonical("pl5", "1 2 3 4 5") == "12345"
    assert canonical("pl5", "０，９，８，７，６") == "09876"
    refused("pl5", "1234", "排列五开奖号码应为 5 位数字，收到 4 位")


def test_digits():
    assert canonical("digits:8", "2026 0301") == "20260301"
    refused("digits:8", "2026030", "种子应为 8 位数字，收到 7 位")


def separated(chars, seps):
    """Interleave chars with separators drawn for each gap."""
    return "".join(c + s for c, s in zip(chars, seps, strict=False)) + "".join(chars[len(seps) :])


@given(
    st.integers(min_value=1, max_value=40).flatmap(
        lambda n: st.tuples(
            st.text(alphabet="0123456789", min_size=n, max_size=n),
            st.lists(st.sampled_from(SEPARATORS), min_size=n - 1, max_size=n - 1),
            st.booleans(),
        )
    )
)
def test_digits_any_separators_same_seed(case):
    digits, seps, wide = case
    text = separated(digits, seps)
    if wide:
        text = text.translate(FULL_WIDTH)
    assert canonical(f"digits:{len(digits)}", text) == digits


# ------------------------------------------------------------------ dice


@pytest.mark.parametrize("text", ["36152", "3 6 1 5 2", "3,6,1,5,2", "3、6、1、5、2", "３６１５２"])
def test_dice_variants(text):
    assert canonical("dice:5", text) == "36152"


def test_dice_refusals():
    refused("dice:5", "3 6 1 5", "掷骰结果应为 5 个点数，收到 4 个")
    refused("dice:5", "3 6 7 5 0", "骰子点数只能是 1–6", "7、0")
    refused("dice:5", "3 6 x 5 2", "只能包含点数和分隔符")


@given(st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=60), st.data())
def test_dice_property(rolls, data):
    seps = data.draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(rolls) - 1))
    text = separated([str(r) for r in rolls], seps[: len(rolls) - 1])
    assert canonical(f"dice:{len(rolls)}", text) == "".join(map(str, rolls))


# ------------------------------------------------------------------ 双色球


SSQ = "03,07,12,19,25,31+09"


@pytest.mark.parametrize(
    "text",
    [
        "03 07 12 19 25 31 09",
        "03 07 12 19 25 31 + 09",
        "03,07,12,19,25,31+09",
        "03，07，12，19，25，31＋09",
        "31 25 19 12 07 03 | 09",
        "3 7 12 19 25 31 9",
        "12、03、31、07、25、19 + 9",
        "03-07-12-19-25-31-09",
        "０３ ０７ １２ １９ ２５ ３１ ０９",
    ],
)
def test_ssq_variants_are_one_seed(text):
    assert canonical("ssq", text) == SSQ


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("03 07 12 19 25 31", "共 7 个号码，收到 6 个"),
        ("03 07 12 19 25 31 09 10", "收到 8 个"),
        ("03 07 12 19 25 + 31 09", "收到 5 个红球、2 个蓝球"),
        ("03 07 12 19 25 34 09", "红球应在 01–33 之间，收到 34"),
        ("00 07 12 19 25 31 09", "收到 00"),
        ("03 07 07 19 25 31 09", "不能重复，收到重复的 07"),
        ("03 07 12 19 25 31 17", "蓝球应在 01–16 之间，收到 17"),
        ("03 07 12 19 25 31 + 00", "收到 00"),
        ("030712192531+09", "号码之间要用空格或逗号分开"),
        ("03 07 12 19 25 31 + 09 + 01", "只能有一个“+”"),
        ("红球 03 07 12 19 25 31 蓝球 09", "只能包含数字和分隔符"),
    ],
)
def test_ssq_refusals(text, fragment):
    refused("ssq", text, fragment)


@given(
    st.lists(st.integers(min_value=1, max_value=33), min_size=6, max_size=6, unique=True),
    st.integers(min_value=1, max_value=16),
    st.sampled_from([" ", ",", "，", "、", " , "]),
    st.sampled_from([" ", "+", " + ", "|", "＋"]),
    st.booleans(),
)
def test_ssq_property(reds, blue, sep, blue_sep, padded):
    width = 2 if padded else 1
    text = sep.join(f"{r:0{width}d}" for r in reds) + blue_sep + f"{blue:0{width}d}"
    expected = ",".join(f"{r:02d}" for r in sorted(reds)) + f"+{blue:02d}"
    assert canonical("ssq", text) == expected


# ------------------------------------------------------------------ drand and NIST


@pytest.mark.parametrize(
    "text",
    [
        f"{QUICKNET_ROUND}:{QUICKNET_RANDOMNESS}",
        f"{QUICKNET_ROUND}:{QUICKNET_RANDOMNESS.upper()}",
        f" {QUICKNET_ROUND} {QUICKNET_RANDOMNESS} ",
        f"{QUICKNET_ROUND}，{QUICKNET_RANDOMNESS}",
        f"0{QUICKNET_ROUND}：{QUICKNET_RANDOMNESS}",
        f'{{"round": {QUICKNET_ROUND}, "randomness": "{QUICKNET_RANDOMNESS}",'
        f' "signature": "{QUICKNET_SIGNATURE}"}}',
        f'{{"round": {QUICKNET_ROUND}, "signature": "{QUICKNET_SIGNATURE}"}}',
        f'{{"round": {QUICKNET_ROUND}, "randomness": "{QUICKNET_RANDOMNESS}"}}',
    ],
)
def test_drand_variants_are_one_seed(text):
    expected = f"{QUICKNET_ROUND}:{QUICKNET_RANDOMNESS}"
    assert canonical("drand", text) == expected
    assert canonical(f"drand:{QUICKNET_ROUND}", text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (QUICKNET_RANDOMNESS, "应写为“轮次:随机数”"),
        (f"{QUICKNET_ROUND}:{QUICKNET_RANDOMNESS[:-1]}", "应为 64 位十六进制数，收到 63 位"),
        (f"{QUICKNET_ROUND}:{QUICKNET_RANDOMNESS[:-1]}g", "应为 64 位十六进制数"),
        (f"0:{QUICKNET_RANDOMNESS}", "drand 轮次应为正整数"),
        (f"{2**64}:{QUICKNET_RANDOMNESS}", "drand 轮次应为正整数"),
        ('{"round": 1, "randomness": 5}', "应为 64 位十六进制数"),
        ('{"round": true, "randomness": "' + SOME_HEX64 + '"}', "轮次（round）应为正整数"),
        ('{"round": 1', "不是有效的 JSON"),
        ('{"round": ' + "9" * 5000 + "}", "drand 信标数据中的数字过长"),
        ("9" * 5000 + ":" + SOME_HEX64, "drand 轮次应为正整数"),
        (
            f'{{"round": {QUICKNET_ROUND}, "randomness": "{SOME_HEX64}",'
            f' "signature": "{QUICKNET_SIGNATURE}"}}',
            "不等于签名（signature）的 SHA-256",
        ),
    ],
)
def test_drand_refusals(text, fragment):
    refused("drand", text, fragment)


def test_drand_pinned_round_refuses_another_round():
    message = refused(f"drand:{QUICKNET_ROUND + 1}", f"{QUICKNET_ROUND}:{QUICKNET_RANDOMNESS}")
    assert f"预备时登记的是 drand 轮次 {QUICKNET_ROUND + 1}" in message


def test_nist():
    expected = f"4242:{SOME_HEX128}"
    assert canonical("nist", f"4242:{SOME_HEX128.upper()}") == expected
    assert canonical("nist:4242", f"4242 {SOME_HEX128}") == expected
    pulse = f'{{"pulse": {{"pulseIndex": 4242, "outputValue": "{SOME_HEX128.upper()}"}}}}'
    assert canonical("nist", pulse) == expected
    refused("nist", f"4242:{SOME_HEX64}", "NIST 输出值（outputValue）应为 128 位十六进制数")
    refused("nist:4243", f"4242:{SOME_HEX128}", "预备时登记的是 NIST 脉冲编号 4243")
    refused("nist", '{"pulse": 5}', "pulse 应为 JSON 对象")


# ------------------------------------------------------------------ free


def test_free_is_taken_as_it_is():
    assert canonical("free", "福彩3D 2022003期 517") == "福彩3D 2022003期 517"
    refused("free", " 517", "首尾不能有空白字符")
    refused("free", "5|1|7", "不能包含“|”")


def test_seed_must_be_text():
    refused("3d", 517, "种子必须是文字")


# ------------------------------------------------------------------ witnesses

SECRETS = ["73019284561", "alpha-7Q2x9", "k8.m3_zz01"]


def test_commit_secret_is_sha256_of_utf8():
    assert commit_secret("73019284561") == hashlib.sha256(b"73019284561").hexdigest()
    # printf '%s' 12345678 | sha256sum
    assert commit_secret("12345678") == (
        "ef797c8118f02dfb649607dd5d3f8c7623048c9c063d532cc95c5ed7a898a64f"
    )


def test_witness_round_trip():
    commitments = [commit_secret(s) for s in SECRETS]
    text = "  73019284561   alpha-7Q2x9 k8.m3_zz01 "
    seed = canonical("witnesses:3", text, commitments=commitments)
    assert seed == "73019284561 alpha-7Q2x9 k8.m3_zz01"
    assert seed == check_reveals(commitments, split_reveals(text))
    assert check_seed(seed) == seed


def test_wrong_reveal_names_the_witness():
    commitments = [commit_secret(s) for s in SECRETS]
    reveals = [SECRETS[0], "alpha-7Q2x8", SECRETS[2]]
    with pytest.raises(AlgorithmInputError) as e:
        check_reveals(commitments, reveals, names=["张三", "李四", "王五"])
    assert str(e.value) == "第 2 位见证人（李四）的秘密与预备时登记的承诺不符（SHA-256 不一致）"


def test_reveals_in_another_order_refused():
    commitments = [commit_secret(s) for s in SECRETS]
    with pytest.raises(AlgorithmInputError, match="第 1 位见证人、第 2 位见证人的秘密"):
        check_reveals(commitments, [SECRETS[1], SECRETS[0], SECRETS[2]])


def test_reveal_count_must_match():
    commitments = [commit_secret(s) for s in SECRETS]
    with pytest.raises(AlgorithmInputError, match="见证人共 3 名，收到 2 个秘密"):
        check_reveals(commitments, SECRETS[:2])


def test_witness_seed_needs_commitments():
    refused("witnesses:3", " ".join(SECRETS), "需要预备记录中登记的各见证人承诺值")
    refused(
        "witnesses:2",
        " ".join(SECRETS[:2]),
        "需要 2 个见证人承诺，收到 3 个",
        commitments=[commit_secret(s) for s in SECRETS],
    )


def test_check_commitments():
    commitments = [commit_secret(s).upper() for s in SECRETS]
    assert check_commitments("witnesses:3", commitments) == [c.lower() for c in commitments]
    with pytest.raises(AlgorithmInputError, match="第 3 位见证人的承诺与第 1 位见证人的相同"):
        check_commitments("witnesses:3", commitments[:2] + commitments[:1])
    with pytest.raises(AlgorithmInputError, match="第 2 位见证人的承诺（秘密的 SHA-256）应为 64"):
        check_commitments("witnesses:2", [commitments[0], "abc"])
    with pytest.raises(AlgorithmInputError, match="只有 witnesses:N 格式"):
        check_commitments("3d", commitments)


@pytest.mark.parametrize(
    ("secret", "fragment"),
    [
        ("1234567", f"应为 {SECRET_MIN_LEN}–{SECRET_MAX_LEN} 个字符，收到 7 个"),
        ("1" * (SECRET_MAX_LEN + 1), f"收到 {SECRET_MAX_LEN + 1} 个"),
        ("abc defgh", "只能由英文字母、数字"),
        ("秘密秘密秘密秘密", "只能由英文字母、数字"),
        ("abcd|efgh", "只能由英文字母、数字"),
        ("ａｂｃｄｅｆｇｈ", "只能由英文字母、数字"),
    ],
)
def test_bad_secrets_refused_without_echo(secret, fragment):
    with pytest.raises(AlgorithmInputError) as e:
        commit_secret(secret)
    assert fragment in str(e.value)
    assert secret not in str(e.value)


def test_largest_panel_fits_one_seed():
    secrets = [f"{i:02d}" + "x" * (SECRET_MAX_LEN - 2) for i in range(MAX_WITNESSES)]
    seed = check_reveals([commit_secret(s) for s in secrets], secrets)
    assert len(seed) <= 256


@settings(max_examples=50)
@given(
    st.lists(
        st.text(
            alphabet="0123456789abcdefXYZ._-", min_size=SECRET_MIN_LEN, max_size=SECRET_MAX_LEN
        ),
        min_size=2,
        max_size=MAX_WITNESSES,
        unique=True,
    ),
    st.data(),
)
def test_witness_property(secrets, data):
    commitments = [commit_secret(s) for s in secrets]
    fmt = f"witnesses:{len(secrets)}"
    assert canonical(fmt, " ".join(secrets), commitments=commitments) == " ".join(secrets)
    i = data.draw(st.integers(min_value=0, max_value=len(secrets) - 1))
    changed = list(secrets)
    changed[i] = changed[i][:-1] + ("0" if changed[i][-1] != "0" else "1")
    with pytest.raises(AlgorithmInputError, match=f"第 {i + 1} 位见证人的秘密"):
        check_reveals(commitments, changed)


# ------------------------------------------------------------------ canonical is a fixed point


@given(
    st.sampled_from(
        [
            ("3d", "5，1，7"),
            ("pl5", "０ ９ ８ ７ ６"),
            ("ssq", "31 7 3 12 19 25 + 9"),
            ("dice:4", "3、6、1、5"),
            ("digits:6", "12 34 56"),
            ("drand", f"{QUICKNET_ROUND} {QUICKNET_RANDOMNESS.upper()}"),
            ("nist", f"7:{SOME_HEX128.upper()}"),
            ("free", "福彩3D 2022003期 517"),
        ]
    )
)
def test_canonical_is_idempotent(case):
    fmt, text = case
    seed = canonical(fmt, text)
    assert canonical(fmt, seed) == seed
    assert check_seed(seed) == seed


# ------------------------------------------------------------------ drand quicknet timing


def test_drand_round_times():
    genesis = datetime.fromtimestamp(QUICKNET_GENESIS, timezone.utc)
    assert drand_round_time(1) == genesis
    assert drand_round_time(QUICKNET_ROUND) == datetime(2023, 9, 15, 11, 0, 3, tzinfo=timezone.utc)
    assert drand_round_at(genesis - timedelta(days=1)) == 1
    beijing = timezone(timedelta(hours=8))
    assert drand_round_at(datetime(2023, 9, 15, 19, 0, 3, tzinfo=beijing)) == QUICKNET_ROUND
    assert drand_round_at(datetime(2023, 9, 15, 19, 0, 4, tzinfo=beijing)) == QUICKNET_ROUND + 1
    with pytest.raises(AlgorithmInputError, match="需要带时区的时间"):
        drand_round_at(datetime(2026, 3, 1, 10, 0))


@given(st.integers(min_value=1, max_value=10**10), st.integers(min_value=0, max_value=2999))
def test_drand_round_at_property(n, millis):
    published = drand_round_time(n)
    assert drand_round_at(published) == n
    if millis:
        assert drand_round_at(published - timedelta(milliseconds=millis)) == n


# ------------------------------------------------------------------ drand BLS verification


def test_verify_drand_without_py_ecc(monkeypatch):
    monkeypatch.setitem(sys.modules, "py_ecc.bls.g2_primitives", None)
    with pytest.raises(VerifierMissing, match="pip install py_ecc"):
        verify_drand(QUICKNET_ROUND, QUICKNET_SIGNATURE, QUICKNET_RANDOMNESS)


def test_verify_drand_randomness_must_hash_signature():
    # Decided before any curve arithmetic, so it holds with or without py_ecc.
    assert not verify_drand(QUICKNET_ROUND, QUICKNET_SIGNATURE, SOME_HEX64)


def test_verify_drand_malformed_input_raises():
    with pytest.raises(AlgorithmInputError, match="签名（signature）应为 96 位十六进制数"):
        verify_drand(QUICKNET_ROUND, QUICKNET_SIGNATURE[:-2], QUICKNET_RANDOMNESS)
    with pytest.raises(AlgorithmInputError, match="drand 轮次应为正整数"):
        verify_drand(0, QUICKNET_SIGNATURE, QUICKNET_RANDOMNESS)


needs_py_ecc = pytest.mark.skipif(importlib.util.find_spec("py_ecc") is None, reason="no py_ecc")


@needs_py_ecc
def test_verify_drand_genuine_quicknet_round():
    assert verify_drand(QUICKNET_ROUND, QUICKNET_SIGNATURE, QUICKNET_RANDOMNESS)


@needs_py_ecc
def test_verify_drand_refuses_another_round():
    assert not verify_drand(QUICKNET_ROUND + 1, QUICKNET_SIGNATURE, QUICKNET_RANDOMNESS)


@needs_py_ecc
def test_verify_drand_refuses_another_chain_key():
    assert not verify_drand(
        QUICKNET_ROUND, QUICKNET_SIGNATURE, QUICKNET_RANDOMNESS, public_key_hex=WALKTHROUGH_KEY
    )


@needs_py_ecc
def test_verify_drand_other_rfc9380_chain():
    assert verify_drand(
        WALKTHROUGH_ROUND,
        WALKTHROUGH_SIGNATURE,
        WALKTHROUGH_RANDOMNESS,
        public_key_hex=WALKTHROUGH_KEY,
    )


@needs_py_ecc
def test_verify_drand_refuses_a_non_point():
    # One bit of x flipped: either no curve point has that x, or it is not the signature.
    forged = f"{int(QUICKNET_SIGNATURE, 16) ^ 1:096x}"
    randomness = hashlib.sha256(bytes.fromhex(forged)).hexdigest()
    assert not verify_drand(QUICKNET_ROUND, forged, randomness)


def test_check_secret_names_the_witness():
    assert check_secret("73019284561") == "73019284561"
    with pytest.raises(AlgorithmInputError, match=r"^第 2 位见证人（李四）的秘密应为"):
        check_secret("1234", "第 2 位见证人（李四）")
