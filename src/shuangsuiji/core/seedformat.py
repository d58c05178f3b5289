"""Seed formats: the shape of a seed, recorded by `draw prepare` before the seed exists.

A format turns the ways people write one result ("5 1 7", "5，1，7") into ONE canonical
seed text and refuses anything else. Recorded with the seed source before the seed exists,
it leaves an operator no room to pick another lottery, another beacon round or another
spelling afterwards. Pure: no I/O, no clock; dates and times are passed in.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .algorithm import SEED_MAX_LEN, AlgorithmInputError, check_seed
from .values import shown

LABELS = {
    "3d": "福彩3D",
    "ssq": "双色球",
    "pl5": "排列五",
    "dice": "掷骰",
    "digits": "数字",
    "drand": "drand 信标",
    "nist": "NIST 信标",
    "witnesses": "见证人",
    "free": "自由文本",
}
_COUNTED = {"dice", "digits", "witnesses"}  # the number is required
_PINNED = {"drand", "nist"}  # the round / pulse number may be fixed in advance
FORMAT_NAMES = (
    "3d、ssq、pl5、dice:N、digits:N、drand、drand:轮次、nist、nist:脉冲编号、witnesses:N、free"
)

# Witness secrets: plain ASCII so `printf '%s' S | sha256sum` gives the same hash on every
# terminal (a Chinese secret would hash differently under GBK), and short enough that the
# largest panel still fits one seed: 12 × 20 characters + 11 spaces = 251 ≤ 256.
SECRET_MIN_LEN = 8
SECRET_MAX_LEN = 20
MAX_WITNESSES = (SEED_MAX_LEN + 1) // (SECRET_MAX_LEN + 1)
REVEAL_SEPARATOR = " "
_SECRET = re.compile(r"[0-9A-Za-z._-]+")

# drand quicknet, as published by the League of Entropy (chain info of quicknet).
QUICKNET_CHAIN_HASH = "52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"
QUICKNET_PUBLIC_KEY = (
    "83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c"
    "8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb"
    "5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a"
)
QUICKNET_GENESIS = 1692803367  # Unix seconds of round 1
QUICKNET_PERIOD = 3  # seconds between rounds
_QUICKNET_DST = b"BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_"
_ROUND_MAX = 2**64 - 1  # drand signs the round as an unsigned 64-bit integer

_SEP = re.compile(r"[\s,、;/\-]+")  # after NFKC, so "，" "；" "／" and U+3000 are here too
_SSQ_BLUE = re.compile(r"[+|]")
_BEACON_SEP = re.compile(r"[\s,;:]+")
_ASCII_INT = re.compile(r"[0-9]{1,20}")  # 2**64 has 20 digits; int() of more is slow


@dataclass(frozen=True)
class SeedFormat:
    """A seed format: `kind` is a key of LABELS, `arg` its number (count, round or pulse)."""

    kind: str
    arg: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in LABELS:
            raise AlgorithmInputError(f"未知的种子格式“{shown(self.kind)}”；可用：{FORMAT_NAMES}")
        arg = self.arg
        if arg is not None and (isinstance(arg, bool) or not isinstance(arg, int)):
            raise AlgorithmInputError(f"种子格式 {self.kind} 的参数必须是整数：{arg!r}")
        if self.kind in _COUNTED and arg is None:
            raise AlgorithmInputError(f"种子格式 {self.kind} 需要写明个数，如 {self.kind}:5")
        if self.kind not in _COUNTED | _PINNED and arg is not None:
            raise AlgorithmInputError(f"种子格式 {self.kind} 不带参数，收到 {self.kind}:{arg}")
        if arg is None:
            return
        if self.kind in ("dice", "digits") and not 1 <= arg <= SEED_MAX_LEN:
            what = "掷骰次数" if self.kind == "dice" else "数字位数"
            raise AlgorithmInputError(f"{what}应在 1 到 {SEED_MAX_LEN} 之间，收到 {arg}")
        if self.kind == "witnesses" and not 2 <= arg <= MAX_WITNESSES:
            raise AlgorithmInputError(f"见证人应为 2 到 {MAX_WITNESSES} 名，收到 {arg} 名")
        if self.kind in _PINNED and not 1 <= arg <= _ROUND_MAX:
            what = "drand 轮次" if self.kind == "drand" else "NIST 脉冲编号"
            raise AlgorithmInputError(f"{what}应为正整数，收到 {arg}")

    def __str__(self) -> str:
        return self.kind if self.arg is None else f"{self.kind}:{self.arg}"

    @property
    def label(self) -> str:
        """The Chinese name shown to users, e.g. "掷骰（5 次）"."""
        name = LABELS[self.kind]
        if self.arg is None:
            return name
        unit = {"dice": "次", "digits": "位", "witnesses": "名"}.get(self.kind)
        if unit:
            return f"{name}（{self.arg} {unit}）"
        return f"{name}（第 {self.arg} {'轮' if self.kind == 'drand' else '个脉冲'}）"


def parse_format(text: str | SeedFormat) -> SeedFormat:
    """Parse "3d", "dice:5", "DRAND:123" …; case and surrounding spaces do not matter."""
    if isinstance(text, SeedFormat):
        return text
    if not isinstance(text, str):
        raise AlgorithmInputError(f"种子格式必须是文字，不能是 {type(text).__name__}：{text!r}")
    folded = unicodedata.normalize("NFKC", text).strip().lower()  # "ＤＩＣＥ：５" from an IME
    kind, colon, arg = (part.strip() for part in folded.partition(":"))
    if kind not in LABELS:
        raise AlgorithmInputError(f"未知的种子格式“{shown(text)}”；可用：{FORMAT_NAMES}")
    if not colon:
        return SeedFormat(kind)
    if not _ASCII_INT.fullmatch(arg):
        raise AlgorithmInputError(
            f"种子格式“{shown(text)}”中冒号后的“{shown(arg)}”不是有效的正整数"
        )
    return SeedFormat(kind, int(arg))


def normalize_format(text: str | SeedFormat) -> str:
    """The canonical text of a format ("DICE:05" → "dice:5"), for a pydantic validator."""
    return str(parse_format(text))


# ---------------------------------------------------------------- canonical seed text


def canonical(
    fmt: SeedFormat | str,
    text: str,
    *,
    commitments: Sequence[str] | None = None,
    names: Sequence[str] | None = None,
) -> str:
    """The one seed text for `text` written in format `fmt`, or AlgorithmInputError.

    `witnesses:N` needs the N commitments recorded at prepare time (and optionally the
    witnesses' names, for messages); `text` then holds the secrets separated by spaces.
    """
    fmt = parse_format(fmt)
    if not isinstance(text, str):
        raise AlgorithmInputError(
            f"种子必须是文字（字符串），不能是 {type(text).__name__}：{text!r}"
        )
    if fmt.kind == "free":
        return check_seed(text)
    if fmt.kind == "witnesses":
        if commitments is None:
            raise AlgorithmInputError("见证人种子需要预备记录中登记的各见证人承诺值")
        return check_reveals(check_commitments(fmt, commitments), split_reveals(text), names)
    return check_seed(_PARSERS[fmt.kind](fmt, text))


def _fold(text: str) -> str:
    """Full-width digits, letters, commas and spaces (IME input) as their ASCII forms."""
    return unicodedata.normalize("NFKC", text).strip()


def _digits(text: str, what: str, n: int) -> str:
    body = _SEP.sub("", _fold(text))
    if not body:
        raise AlgorithmInputError(f"{what}不能为空")
    if not body.isascii() or not body.isdigit():
        raise AlgorithmInputError(
            f"{what}只能包含数字和分隔符（空格、逗号、顿号、“-”），收到“{shown(text)}”"
        )
    if len(body) != n:
        raise AlgorithmInputError(f"{what}应为 {n} 位数字，收到 {len(body)} 位：{shown(text)}")
    return body


def _lottery_3d(fmt: SeedFormat, text: str) -> str:
    return _digits(text, "福彩3D 开奖号码", 3)


def _lottery_pl5(fmt: SeedFormat, text: str) -> str:
    return _digits(text, "排列五开奖号码", 5)


def _digit_string(fmt: SeedFormat, text: str) -> str:
    return _digits(text, "种子", fmt.arg or 0)


def _dice(fmt: SeedFormat, text: str) -> str:
    n = fmt.arg or 0
    body = _SEP.sub("", _fold(text))
    if not body:
        raise AlgorithmInputError("掷骰结果不能为空")
    if not body.isascii() or not body.isdigit():
        raise AlgorithmInputError(
            f"掷骰结果只能包含点数和分隔符（空格、逗号、顿号），收到“{shown(text)}”"
        )
    bad = [c for c in body if c not in "123456"]
    if bad:
        raise AlgorithmInputError(f"骰子点数只能是 1–6，收到“{shown(text)}”中的 {'、'.join(bad)}")
    if len(body) != n:
        raise AlgorithmInputError(f"掷骰结果应为 {n} 个点数，收到 {len(body)} 个：{shown(text)}")
    return body


def _ssq_numbers(part: str, text: str) -> list[int]:
    numbers = []
    for token in _SEP.split(part.strip()):
        if not token:
            continue
        if not token.isascii() or not token.isdigit():
            raise AlgorithmInputError(
                f"双色球开奖号码只能包含数字和分隔符（空格、逗号、“+”），收到“{shown(text, 60)}”"
            )
        if len(token) > 2:
            raise AlgorithmInputError(
                f"双色球每个号码为 1–2 位，号码之间要用空格或逗号分开，"
                f"收到“{shown(text, 60)}”中的 {shown(token)}"
            )
        numbers.append(int(token))
    return numbers


def _ssq(fmt: SeedFormat, text: str) -> str:
    folded = _fold(text)
    parts = _SSQ_BLUE.split(folded)
    if len(parts) > 2:
        raise AlgorithmInputError(
            f"双色球开奖号码中只能有一个“+”（红球与蓝球之间），收到“{shown(text, 60)}”"
        )
    numbers = _ssq_numbers(parts[0], text)
    if len(parts) == 2:
        blue = _ssq_numbers(parts[1], text)
        if len(numbers) != 6 or len(blue) != 1:
            raise AlgorithmInputError(
                f"双色球开奖号码应为 6 个红球 + 1 个蓝球，收到 {len(numbers)} 个红球、"
                f"{len(blue)} 个蓝球：{shown(text, 60)}"
            )
        numbers += blue
    elif len(numbers) != 7:
        raise AlgorithmInputError(
            f"双色球开奖号码应为 6 个红球加 1 个蓝球，共 7 个号码，收到 {len(numbers)} 个："
            f"{shown(text, 60)}"
        )
    reds, blue = numbers[:6], numbers[6]
    out = [r for r in reds if not 1 <= r <= 33]
    if out:
        raise AlgorithmInputError(
            f"双色球红球应在 01–33 之间，收到 {'、'.join(f'{r:02d}' for r in out)}"
        )
    repeated = sorted({r for r in reds if reds.count(r) > 1})
    if repeated:
        raise AlgorithmInputError(
            f"双色球 6 个红球不能重复，收到重复的 {'、'.join(f'{r:02d}' for r in repeated)}"
        )
    if not 1 <= blue <= 16:
        raise AlgorithmInputError(f"双色球蓝球应在 01–16 之间，收到 {blue:02d}")
    return ",".join(f"{r:02d}" for r in sorted(reds)) + f"+{blue:02d}"


def _number(value: object, what: str) -> int:
    """A round or pulse number: a JSON integer or ASCII digits, 1 to 2**64 - 1."""
    if isinstance(value, str) and _ASCII_INT.fullmatch(value):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _ROUND_MAX:
        raise AlgorithmInputError(f"{what}应为正整数，收到“{shown(str(value))}”")
    return value


def _hex(value: object, n: int, what: str) -> str:
    """Lowercase hex of exactly n digits."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9a-fA-F]*", value):
        raise AlgorithmInputError(f"{what}应为 {n} 位十六进制数，收到“{shown(str(value), 140)}”")
    if len(value) != n:
        raise AlgorithmInputError(f"{what}应为 {n} 位十六进制数，收到 {len(value)} 位")
    return value.lower()


def _json_object(text: str, what: str) -> dict:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise AlgorithmInputError(
            f"{what}不是有效的 JSON：{e.msg}（第 {e.pos + 1} 个字符）"
        ) from None
    except ValueError:  # an integer of thousands of digits
        raise AlgorithmInputError(f"{what}中的数字过长") from None
    if not isinstance(data, dict):
        raise AlgorithmInputError(f"{what}应为 JSON 对象（{{…}}）")
    return data


def _two_fields(text: str, what: str, example: str) -> tuple[str, str]:
    parts = [p for p in _BEACON_SEP.split(_fold(text)) if p]
    if len(parts) != 2:
        raise AlgorithmInputError(f"{what}应写为“{example}”，收到“{shown(text, 60)}”")
    return parts[0], parts[1]


def _pinned(fmt: SeedFormat, number: int, what: str) -> None:
    if fmt.arg is not None and number != fmt.arg:
        raise AlgorithmInputError(
            f"预备时登记的是{what} {fmt.arg}，收到的是 {number}，不能换用其他{what}"
        )


def _drand(fmt: SeedFormat, text: str) -> str:
    folded = _fold(text)
    if folded.startswith("{"):  # the beacon as the drand HTTP API returns it
        data = _json_object(folded, "drand 信标数据")
        round_number = _number(data.get("round"), "drand 轮次（round）")
        signature = data.get("signature")
        if signature is not None:
            signature = _hex(signature, 96, "drand quicknet 签名（signature）")
            derived = hashlib.sha256(bytes.fromhex(signature)).hexdigest()
            randomness = _hex(data.get("randomness", derived), 64, "drand 随机数（randomness）")
            if randomness != derived:
                raise AlgorithmInputError(
                    "drand 随机数（randomness）不等于签名（signature）的 SHA-256，数据有误"
                )
        else:
            randomness = _hex(data.get("randomness"), 64, "drand 随机数（randomness）")
    else:
        first, second = _two_fields(text, "drand 种子", "轮次:随机数")
        round_number = _number(first, "drand 轮次")
        randomness = _hex(second, 64, "drand 随机数（randomness）")
    _pinned(fmt, round_number, " drand 轮次")
    return f"{round_number}:{randomness}"


def _nist(fmt: SeedFormat, text: str) -> str:
    folded = _fold(text)
    if folded.startswith("{"):  # a pulse as the NIST beacon 2.0 API returns it
        data = _json_object(folded, "NIST 信标数据")
        pulse = data.get("pulse", data)
        if not isinstance(pulse, dict):
            raise AlgorithmInputError("NIST 信标数据中的 pulse 应为 JSON 对象")
        index = _number(pulse.get("pulseIndex"), "NIST 脉冲编号（pulseIndex）")
        output = _hex(pulse.get("outputValue"), 128, "NIST 输出值（outputValue）")
    else:
        first, second = _two_fields(text, "NIST 种子", "脉冲编号:输出值")
        index = _number(first, "NIST 脉冲编号")
        output = _hex(second, 128, "NIST 输出值（outputValue）")
    _pinned(fmt, index, " NIST 脉冲编号")
    return f"{index}:{output}"


_PARSERS = {
    "3d": _lottery_3d,
    "pl5": _lottery_pl5,
    "ssq": _ssq,
    "dice": _dice,
    "digits": _digit_string,
    "drand": _drand,
    "nist": _nist,
}


# ---------------------------------------------------------------- witnesses


def _witness(i: int, names: Sequence[str] | None) -> str:
    """ "第 2 位见证人（李四）": numbered from 1, in the order recorded at prepare time."""
    name = names[i] if names is not None and i < len(names) else None
    return f"第 {i + 1} 位见证人" + (f"（{name}）" if name else "")


def check_secret(secret: str, who: str = "见证人") -> str:
    """Return a witness secret unchanged if usable, else raise (never echoing the secret)."""
    if not isinstance(secret, str):
        raise AlgorithmInputError(f"{who}的秘密必须是文字，不能是 {type(secret).__name__}")
    if not _SECRET.fullmatch(secret):
        raise AlgorithmInputError(
            f"{who}的秘密只能由英文字母、数字和“.”“_”“-”组成（不能有空格或汉字）"
        )
    if not SECRET_MIN_LEN <= len(secret) <= SECRET_MAX_LEN:
        raise AlgorithmInputError(
            f"{who}的秘密应为 {SECRET_MIN_LEN}–{SECRET_MAX_LEN} 个字符，收到 {len(secret)} 个"
        )
    return secret


def commit_secret(secret: str) -> str:
    """A witness's commitment: lowercase hex SHA-256 of the UTF-8 bytes of the secret.

    The same as `printf '%s' SECRET | sha256sum`, so a witness can compute it on their own
    device and never hand the secret over before the ceremony.
    """
    return _sha256_hex(check_secret(secret))


def _sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_commitments(fmt: SeedFormat | str, commitments: Sequence[str]) -> list[str]:
    """The commitments of a `witnesses:N` format, lowercase: exactly N, distinct, 64 hex."""
    fmt = parse_format(fmt)
    if fmt.kind != "witnesses":
        raise AlgorithmInputError(f"只有 witnesses:N 格式需要见证人承诺，本次格式为 {fmt}")
    if isinstance(commitments, str) or len(commitments) != fmt.arg:
        count = 1 if isinstance(commitments, str) else len(commitments)
        raise AlgorithmInputError(f"种子格式 {fmt} 需要 {fmt.arg} 个见证人承诺，收到 {count} 个")
    return _commitments(commitments)


def _commitments(commitments: Sequence[str]) -> list[str]:
    out = []
    for i, c in enumerate(commitments):
        value = c.strip() if isinstance(c, str) else c
        out.append(_hex(value, 64, f"{_witness(i, None)}的承诺（秘密的 SHA-256）"))
    for i, c in enumerate(out):
        if c in out[:i]:
            first = out.index(c)
            raise AlgorithmInputError(
                f"{_witness(i, None)}的承诺与{_witness(first, None)}的相同：每人应有各自的秘密"
            )
    return out


def split_reveals(text: str) -> list[str]:
    """The secrets of one `--seed` text: separated by spaces, in witness order."""
    if not isinstance(text, str):
        raise AlgorithmInputError(f"见证人的秘密必须是文字，不能是 {type(text).__name__}")
    return text.split()


def check_reveals(
    commitments: Sequence[str], reveals: Sequence[str], names: Sequence[str] | None = None
) -> str:
    """The seed of a witness draw: the reveals joined by one space, in witness order.

    Raises naming every witness whose secret does not hash to their commitment.
    """
    committed = _commitments(commitments)
    if isinstance(reveals, str) or len(reveals) != len(committed):
        count = 1 if isinstance(reveals, str) else len(reveals)
        raise AlgorithmInputError(
            f"见证人共 {len(committed)} 名，收到 {count} 个秘密"
            f"（按见证人顺序写在一起，秘密之间用空格分开）"
        )
    wrong = []
    for i, (commitment, secret) in enumerate(zip(committed, reveals, strict=True)):
        who = _witness(i, names)
        if _sha256_hex(check_secret(secret, who)) != commitment:
            wrong.append(who)
    if wrong:
        raise AlgorithmInputError(
            f"{'、'.join(wrong)}的秘密与预备时登记的承诺不符（SHA-256 不一致）"
        )
    return check_seed(REVEAL_SEPARATOR.join(reveals))


# ---------------------------------------------------------------- drand quicknet


def drand_round_time(round_number: int) -> datetime:
    """When quicknet publishes a round (UTC): genesis + (round - 1) × 3 s."""
    n = _number(round_number, "drand 轮次")
    return datetime.fromtimestamp(QUICKNET_GENESIS, timezone.utc) + timedelta(
        seconds=(n - 1) * QUICKNET_PERIOD
    )


def drand_round_at(moment: datetime) -> int:
    """The first quicknet round published at or after `moment` (a time zone is required)."""
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise AlgorithmInputError("换算 drand 轮次需要带时区的时间（例如北京时间 +08:00）")
    genesis = datetime.fromtimestamp(QUICKNET_GENESIS, timezone.utc)
    elapsed = moment - genesis
    if elapsed <= timedelta(0):
        return 1
    period = timedelta(seconds=QUICKNET_PERIOD)
    return -(-elapsed // period) + 1


class VerifierMissing(RuntimeError):
    """py_ecc, needed to check a drand BLS signature offline, is not installed."""


def verify_drand(
    round_number: int,
    signature_hex: str,
    randomness_hex: str,
    public_key_hex: str = QUICKNET_PUBLIC_KEY,
) -> bool:
    """True if the BLS signature is the chain's signature of the round and randomness its hash.

    Scheme bls-unchained-g1-rfc9380 (quicknet): the signature is a G1 point over
    SHA-256(round as 8 bytes big-endian), the public key a G2 point, and
    randomness = SHA-256(signature). Needs the optional package py_ecc (pure Python,
    about half a second per check); malformed hex raises AlgorithmInputError.
    """
    n = _number(round_number, "drand 轮次")
    signature = bytes.fromhex(_hex(signature_hex, 96, "drand quicknet 签名（signature）"))
    randomness = _hex(randomness_hex, 64, "drand 随机数（randomness）")
    key = bytes.fromhex(_hex(public_key_hex, 192, "drand 公钥"))
    if hashlib.sha256(signature).hexdigest() != randomness:
        return False
    try:
        from py_ecc.bls.g2_primitives import subgroup_check
        from py_ecc.bls.hash_to_curve import hash_to_G1
        from py_ecc.bls.point_compression import decompress_G1, decompress_G2
        from py_ecc.optimized_bls12_381 import FQ12, G2, final_exponentiate, is_inf, neg
        from py_ecc.optimized_bls12_381.optimized_pairing import miller_loop
    except ImportError:
        raise VerifierMissing(
            "离线验证 drand 签名需要安装 py_ecc（pip install py_ecc）；"
            "未安装时 ssj 只核对随机数是否为签名的 SHA-256"
        ) from None
    try:
        point = decompress_G1(int.from_bytes(signature, "big"))
        pub = decompress_G2((int.from_bytes(key[:48], "big"), int.from_bytes(key[48:], "big")))
    except ValueError:  # not a point of the curve: not a signature at all
        return False
    # Outside the prime-order subgroup, sig + torsion would pair the same as sig.
    if is_inf(point) or is_inf(pub) or not subgroup_check(point) or not subgroup_check(pub):
        return False
    message = hash_to_G1(
        hashlib.sha256(n.to_bytes(8, "big")).digest(), _QUICKNET_DST, hashlib.sha256
    )
    # e(sig, g2) == e(H(m), pk), as one product of Miller loops against 1.
    product = miller_loop(G2, point, final_exponentiate=False) * miller_loop(
        neg(pub), message, final_exponentiate=False
    )
    return final_exponentiate(product) == FQ12.one()
