"""Rules for personal numbers and addresses, matched on the normalised text.

Each rule yields (start, end, rule) spans in normalised coordinates; checksums decide where
they exist (GB 11643 for 18-digit ID cards, Luhn for bank cards), so a 16-digit case number
that fails Luhn stays readable. Ids that are just digits or letters (QQ, WeChat) count only
right after their keyword; digits already inside a longer number never match."""

import re
from bisect import bisect_right
from collections.abc import Iterator
from datetime import date

# a digit run may not continue on either side, even across one separator
_L = r"(?<![0-9A-Za-z])(?<![0-9][ \-])"
_R = r"(?![0-9A-Za-z])(?![ \-][0-9])"
_S = r"[ \-]?"

ID18 = re.compile(
    _L + r"[1-9]\d{5}" + _S + r"(?:18|19|20)\d{2}" + _S + r"\d{4}" + _S + r"\d{3}[0-9Xx]" + _R
)
ID15 = re.compile(_L + r"[1-9]\d{5}\d{6}\d{3}" + _R)
BANK_CARD = re.compile(_L + r"[1-9]\d{3}(?:" + _S + r"\d){12,15}" + _R)
# two mobiles written one after the other (139… 138…) are two numbers, not one run
_AFTER_MOBILE = r"(?<=1[3-9]\d{9}[ \-])"
_NEXT_MOBILE = r"(?=[ \-]1[3-9]\d{9}(?![0-9]))"
MOBILE = re.compile(
    r"(?<![0-9A-Za-z+])(?:(?<![0-9][ \-])|" + _AFTER_MOBILE + r")"
    r"(?:(?:\+|00)?86" + _S + r"|\(\+?86\)" + _S + r")?"
    r"1[3-9]\d(?:" + _S + r"\d){8}(?![0-9A-Za-z])(?:(?![ \-][0-9])|" + _NEXT_MOBILE + ")"
)
# 138.7941.2236: dots between the groups of a mobile
MOBILE_DOTTED = re.compile(r"(?<![0-9A-Za-z.])1[3-9]\d\.\d{4}\.\d{4}(?![0-9A-Za-z]|\.\d)")
LANDLINE = re.compile(
    _L + r"(?:\(0\d{2,3}\)|0\d{2,3})" + _S + r"[2-9]\d{6,7}(?:(?:-|转|ext\.?)\d{1,5})?" + _R
)
LANDLINE_AFTER_KEYWORD = re.compile(
    r"(?:电话|座机|固话|传真|联系方式|号码)[^0-9\n。；]{0,8}?(?P<v>[2-9]\d{6,7})" + _R
)
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
QQ = re.compile(
    r"(?<![A-Za-z])(?:QQ|qq|Qq|扣扣|企鹅|[Qq](?=号))\s*(?:号码|号)?\s*[:：(（]?\s*(?:是|为)?\s*(?P<v>[1-9]\d{4,11})(?!\d)"
)
WECHAT = re.compile(
    r"(?<![A-Za-z])(?:微信|薇信|威信|VX|vx|Vx|WX|wx|weixin|V信|v信)\s*(?:号码|号|ID|id)?\s*[:：(（]?"
    r"\s*(?:是|为)?\s*(?P<v>[A-Za-z][A-Za-z0-9_\-]{5,19})(?![A-Za-z0-9_\-])"
)
# keywords that make a number an ID card or an account whatever its checksum says
_ID_KEYWORD = re.compile(r"(?:身份证|证件|身份号)[^0-9]{0,6}$")
_CARD_KEYWORD = re.compile(r"(?:卡号|银行卡|账号|帐号|工资卡|账户)[^0-9]{0,6}$")

# addresses: a road with a house number, an estate with a building, a building with a unit,
# a village with its group; an administrative chain before them (县、镇…) stays readable
_P = r"[^\W\d_A-Za-z住在于是到去的了和与及从向往址我你他她们对把被给请将已经该号栋幢室楼]"
_N = r"[0-9一二三四五六七八九十百零〇]{1,5}"
_ROOM = rf"(?:{_N}(?:栋|幢|号楼))?(?:{_N}单元)?(?:{_N}(?:室|户|号房)|\d{{3,4}}(?![\d.]))?"
ADDRESS = re.compile(
    rf"{_P}{{1,10}}?(?:大道|大街|路|街|巷|弄|胡同)(?:[东南西北中]段)?{_N}号(?:院)?(?:附{_N}号)?{_ROOM}"
    rf"|{_P}{{1,10}}?(?:小区|花园|苑|公寓|新村|家园|大院|宿舍){_N}(?:栋|幢|号楼)(?:{_N}单元)?"
    rf"(?:{_N}(?:室|户)|\d{{3,4}}(?![\d.]))?"
    rf"|(?<![0-9]){_N}(?:栋|幢|号楼){_N}单元(?:{_N}(?:室|户)|\d{{3,4}}(?![\d.]))?"
    rf"|{_P}{{1,8}}?村{_N}组(?:{_N}号)?{_ROOM}"
)
# the address of a public body (政府, 服务中心, 医院…) is public: 县政务服务中心（建设路18号）
_BODY = (
    r"(?:政府|中心|局|派出所|医院|卫生院|学校|小学|中学|大厅|银行|支行|法院|检察院|居委会|村委会)"
)
_BODY_BEFORE = re.compile(_BODY + r"(?:位于|设在|地址[:：]?|在|\(|（)$")
_BODY_AFTER = re.compile(r"^(?:的)?[\u4e00-\u9fff]{0,10}?" + _BODY)
_ADMIN_CHAIN = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,7}?(?:省|自治区|市|自治州|(?<![小园社])区|县|镇|乡|街道|村委会|居委会))+"
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit() or c in "Xx")


def valid_date(year: int, month: int, day: int) -> bool:
    try:
        return date(1900, 1, 1) <= date(year, month, day) <= date.today()
    except ValueError:
        return False


def id18_valid(number: str) -> bool:
    """GB 11643-1999: a real birth date and the ISO 7064 MOD 11-2 check digit."""
    body, check = number[:17], number[17].upper()
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    birth = valid_date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return birth and _ID_CHECK[total % 11] == check


def id15_valid(number: str) -> bool:
    """The old 15-digit card (before 1999): region, a real yymmdd birth date in 19xx."""
    return valid_date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))


def luhn_valid(number: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(number)):
        d = int(char)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _before(text: str, start: int, pattern: re.Pattern) -> bool:
    return bool(pattern.search(text[max(0, start - 12) : start]))


Found = Iterator[tuple[int, int, str]]


def id_cards(text: str) -> Found:
    for m in ID18.finditer(text):
        if id18_valid(digits(m.group())) or _before(text, m.start(), _ID_KEYWORD):
            yield m.start(), m.end(), "id_card"
    for m in ID15.finditer(text):
        if id15_valid(m.group()):
            yield m.start(), m.end(), "id_card"


def bank_cards(text: str) -> Found:
    for m in BANK_CARD.finditer(text):
        number = digits(m.group())
        if luhn_valid(number) or _before(text, m.start(), _CARD_KEYWORD):
            yield m.start(), m.end(), "bank_card"


def mobiles(text: str) -> Found:
    for pattern in (MOBILE, MOBILE_DOTTED):
        for m in pattern.finditer(text):
            yield m.start(), m.end(), "mobile"


def landlines(text: str) -> Found:
    for m in LANDLINE.finditer(text):
        yield m.start(), m.end(), "landline"
    for m in LANDLINE_AFTER_KEYWORD.finditer(text):
        yield m.start("v"), m.end("v"), "landline"


def emails(text: str) -> Found:
    for m in EMAIL.finditer(text):
        yield m.start(), m.end(), "email"


def qq_ids(text: str) -> Found:
    for m in QQ.finditer(text):
        yield m.start("v"), m.end("v"), "qq"


def wechat_ids(text: str) -> Found:
    for m in WECHAT.finditer(text):
        yield m.start("v"), m.end("v"), "wechat"


def _token_starts(text: str) -> list[int]:
    from .names import segmenter  # jieba, loaded once the text has an address

    return [start for start, *_ in segmenter().tokens(text)] + [len(text)]


def addresses(text: str) -> Found:
    starts = None
    for m in ADDRESS.finditer(text):
        start = m.start()
        if starts is None:
            starts = _token_starts(text)
        # a whole place name: 太和镇石咀村 is not cut after 太和 (和 stops the class above)
        start = starts[bisect_right(starts, start) - 1]
        value = text[start : m.end()]
        chain = _ADMIN_CHAIN.match(value)
        if chain and chain.end() < len(value) and not value[chain.end()].isdigit():
            start += chain.end()  # 南丰县琴城镇 stays, 建设路18号 goes
        if _BODY_BEFORE.search(text[max(0, m.start() - 12) : m.start()]) or _BODY_AFTER.match(
            text[m.end() : m.end() + 14]
        ):
            continue
        yield start, m.end(), "address"


# in priority order: where two spans overlap, the earlier rule wins
RULES = {
    "email": emails,
    "id_card": id_cards,
    "bank_card": bank_cards,
    "mobile": mobiles,
    "landline": landlines,
    "qq": qq_ids,
    "wechat": wechat_ids,
    "address": addresses,
}
