"""Person names: by context (我叫…, 邻居…, 经办人…, a bare 叫…, 姓胡的…胡建军, …先生, …科长),
jieba's person-name tags, the names listed with a detected one (王明亮、李桂香和陈阿三), and the
names the caller passes. A detected name must be a whole token: it may not start or
end inside a common dictionary word (jieba's dictionary plus places.txt: 王府井, 工商银行,
李渡镇…) nor be one, so 工商银行卡号 and 材料齐全 stay as written."""

import logging
import re
from functools import cache
from pathlib import Path

PLACES = Path(__file__).with_name("places.txt")

COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
    "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木", "澹台", "独孤", "南宫", "西门",
)  # fmt: skip
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋"
    "蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万"
    "段曹钱汤尹黎易常武乔贺赖龚文庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍韦申尤毕聂丛焦向"
    "柳邢路岳齐梅莫庄辛管祝左涂谷祁时舒耿牟卜詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍"
    "覃霍翁隋植甘景薄单包司柏宁柯阮桂闵解强柴华车冉房边辜吉饶刁瞿戚丘古米池滕晋苑邬臧畅宫来"
    "缪苟全褚廉简娄盖符奚木穆党燕郎邸冀谈姬屠连郜晏栾郁商蒙计喻揭窦迟宇敖糜鄢冷卓花仇艾蓝都"
    "巩稽井练仲乐虞卞封竺冼原官衣楚佟栗匡宗应台巫鞠僧桑荆谌银扬明沙伏岑习胥保和蔺付肖闫雷"
)
# the words that announce a person right after them
_BEFORE = (
    "我叫|我是|名叫|叫做|本人|邻居|家属|联系人|工作人员|经办人员|办事人员|执法人员|管理人员|经办人|办事员|售货员|窗口的|科长|股长|所长|主任|"
    "师傅|房东|业主|村民|市民|员工|职工|老板|负责人|当事人|投诉人|反映人|来电人|举报人|申请人|丈夫|"
    "妻子|儿子|女儿|父亲|母亲|老公|老婆|同事|网格员|保安|医生|护士|老师|司机|租户|户主|店主|"
    "包工头|快递员|外卖员|队长|班长|组长|厂长|站长|院长|校长|村长|支书|书记|会计|出纳|店员|营业员|"
    "收银员|保洁员|护工|老人|孩子|学生|患者|病人|顾客|乘客|租客|商户|摊主|亲戚|朋友|哥哥|姐姐|弟弟|"
    "妹妹|爷爷|奶奶|外婆|外公|孙子|孙女|女婿|儿媳|侄子"
)
# titles and honorifics right after a name
_AFTER = (
    "先生|女士|同志|师傅|小姐|大爷|大妈|阿姨|科长|股长|主任|局长|所长|站长|书记|村长|组长|经理|老师|"
    "医生|警官|律师|老人|老师傅|夫妇|一家"
)
BEFORE = re.compile(rf"(?:{_BEFORE})[:：\s]*(?:是|叫|名叫)?[:：\s]*")
AFTER = re.compile(rf"(?:{_AFTER})")
_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
# a character that ends a name rather than continuing it
_NOT_GIVEN = set("在说的了是也和与等都不让把被给向对跟从到于就还又却很已将并及或们某姓称")
_STOP = _NOT_GIVEN | {"家"}
_FUNCTION = set("pcdru")  # jieba tags of prepositions, conjunctions, adverbs, pronouns, particles
COMMON = 100  # dictionary frequency from which a non-name word counts as common


class Segmenter:
    """jieba with our own dictionary additions, kept apart from the global jieba (search)."""

    def __init__(self):
        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.load_userdict(str(PLACES))
        self.pos = jieba.posseg.POSTokenizer(self.tokenizer)
        self.user_words = {
            line.split()[0] for line in PLACES.read_text(encoding="utf-8").splitlines() if line
        }

    def tokens(self, text: str) -> list[tuple[int, int, str, str]]:
        out, at = [], 0
        for pair in self.pos.cut(text):
            out.append((at, at + len(pair.word), pair.word, pair.flag))
            at += len(pair.word)
        return out

    def in_dictionary(self, word: str, flag: str) -> bool:
        """A word of the dictionary that is not a person's name: never to be broken."""
        if word in self.user_words:
            return True
        return not flag.startswith("nr") and self.tokenizer.FREQ.get(word, 0) > 0

    def common_word(self, word: str) -> bool:
        """何时, 马上: a frequent dictionary word that is not a person's name."""
        flag = self.pos.word_tag_tab.get(word, "x")
        return word in self.user_words or (
            not flag.startswith("nr") and self.tokenizer.FREQ.get(word, 0) >= COMMON
        )

    def common(self, word: str, flag: str) -> bool:
        if word in self.user_words:
            return True
        return not flag.startswith("nr") and self.tokenizer.FREQ.get(word, 0) >= COMMON


@cache
def segmenter() -> Segmenter:
    return Segmenter()


def surname_of(name: str) -> str:
    return next((s for s in COMPOUND_SURNAMES if name.startswith(s) and len(name) > 2), name[:1])


class _Text:
    def __init__(self, text: str, seg: Segmenter):
        self.text, self.seg = text, seg
        self.tokens = seg.tokens(text)
        self.covering = {}  # character index → its token
        for token in self.tokens:
            for i in range(token[0], token[1]):
                self.covering[i] = token

    def splits_word(self, at: int, *, strict: bool = True) -> bool:
        """True if a boundary at `at` would cut a dictionary word in two (strict) or a common
        one (after a context word such as 邻居, which already says a name follows)."""
        token = self.covering.get(at)
        if not token or token[0] >= at:
            return False
        test = self.seg.in_dictionary if strict else self.seg.common
        return test(token[2], token[3])

    def prefix_of_word(self, start: int, end: int) -> bool:
        """符合条 in 符合条件: the candidate is the start of one dictionary word."""
        token = self.covering.get(start)
        return bool(
            token and token[0] == start < end < token[1] and self.seg.in_dictionary(*token[2:])
        )

    def is_common_word(self, start: int, end: int) -> bool:
        token = self.covering.get(start)
        if token and token[0] == start and token[1] == end:
            return self.seg.common(token[2], token[3])
        return self.seg.tokenizer.FREQ.get(self.text[start:end], 0) >= COMMON * 10

    def acceptable(self, start: int, end: int, *, strict: bool = True) -> bool:
        name = self.text[start:end]
        if not _HAN.match(name) or "某" in name:
            return False
        surname = surname_of(name)
        if surname not in COMPOUND_SURNAMES and surname not in SURNAMES:
            return False
        given = name[len(surname) :]
        if not 1 <= len(given) <= 2 or _NOT_GIVEN & set(given) or AFTER.fullmatch(given):
            return False  # 刘老师, 王师傅: a surname and a title
        return not (
            self.splits_word(start)
            or self.splits_word(end, strict=strict)
            or self.prefix_of_word(start, end)
            or self.is_common_word(start, end)
        )

    def after(self, start: int) -> tuple[int, int] | None:
        """The name starting at `start` (after 邻居, 我叫…), its length read from the text."""
        text = self.text
        compound = next((s for s in COMPOUND_SURNAMES if text.startswith(s, start)), "")
        given_at = start + (len(compound) or 1)
        first, rest = self.covering.get(start), self.covering.get(given_at)
        if (
            not compound
            and first
            and first[:2] == (start, given_at)
            and rest
            and rest[0] == given_at
            and self.seg.in_dictionary(rest[2], rest[3])
            and (first[3][:1] in _FUNCTION or first[3][:1] == rest[3][:1] == "v")
        ):
            return None  # 我是来反映, 工作人员向上级: a verb or preposition, then a word
        lengths = [2, 1]
        third = text[given_at + 1 : given_at + 2]
        token = self.covering.get(given_at + 1)
        if not third or third in _STOP or not _HAN.match(third):
            lengths = [1]
        elif token and token[0] == given_at + 1 and token[1] > token[0] + 1:
            if self.seg.common(token[2], token[3]):
                lengths = [1]  # 李四态度: 态度 is a word of its own
        for given in lengths:
            if self.acceptable(start, given_at + given, strict=False):
                return start, given_at + given
        return None

    def before(self, end: int) -> tuple[int, int] | None:
        """The name ending at `end` (before 先生, 科长…): three characters, else two."""
        for length in (4, 3, 2):
            start = end - length
            if start < 0:
                continue
            name = self.text[start:end]
            if length == 4 and not name.startswith(COMPOUND_SURNAMES):
                continue
            first = self.covering.get(start)
            if length == 3 and first and first[1] == start + 1 and first[3][:1] in _FUNCTION:
                continue  # 向李四主任: 向 is a preposition here, not a surname
            if self.acceptable(start, end):
                return start, end
        return None

    def tagged(self):
        """Names jieba tags as persons: three characters (or a surname + a two-character
        given name it tagged apart), rare in the dictionary."""
        tokens = self.tokens
        for i, (start, end, word, flag) in enumerate(tokens):
            if not flag.startswith("nr"):
                continue
            if len(word) == 3 and self.seg.tokenizer.FREQ.get(word, 0) < COMMON:
                if self.acceptable(start, end) and not self.seg.common_word(word[:2]):
                    yield start, end
            elif len(word) == 1 and i + 1 < len(tokens):
                nxt = tokens[i + 1]
                if nxt[3].startswith("nr") and len(nxt[2]) == 2 and self.acceptable(start, nxt[1]):
                    yield start, nxt[1]

    def single(self, at: int, word: str) -> bool:
        """`word` stands at `at` as a token of its own (叫, not 叫做; 和, not 太和镇)."""
        token = self.covering.get(at)
        return bool(token and token[0] == at and token[2] == word)

    def called(self):
        """叫胡建军 (a bare 叫), and 姓胡的…胡建军: the surname the text announced."""
        text = self.text
        for m in re.finditer("叫", text):
            if self.single(m.start(), "叫") and (span := self.after(m.end())):
                if self.acceptable(*span):
                    yield span
        for surname in {m.group(1) for m in _SURNAMED.finditer(text)}:
            for m in re.finditer(rf"(?<!姓){surname}", text):
                token = self.covering.get(m.start())
                if token and token[0] == m.start() and (span := self.after(m.start())):
                    if span[1] - span[0] >= 2 and self.acceptable(*span):
                        yield span

    def _item_before(self, sep: int) -> tuple[int, int] | None:
        for length in (3, 2, 4):
            start = sep - length
            if start >= 0 and (length < 4 or self.text.startswith(COMPOUND_SURNAMES, start)):
                if self.acceptable(start, sep):
                    return start, sep
        return None

    def _item_after(self, at: int) -> tuple[int, int] | None:
        run = _RUN.match(self.text, at)
        run = run.group() if run else ""
        for length in (3, 2, 4):
            rest = run[length:]
            if length > len(run) or (length == 4 and not run.startswith(COMPOUND_SURNAMES)):
                continue
            if not rest or rest[0] in _STOP or _COUNT.fullmatch(rest):
                if self.acceptable(at, at + length, strict=False):
                    return at, at + length
        return self.after(at)

    def listed(self, found: list) -> list[tuple[int, int]]:
        """王明亮、李桂香、陈阿三三人: the names listed with a detected one, or after 有,
        包括, 涉及…; the items separated by 、和与及 standing alone."""
        chains: list[list[tuple[int, int]]] = []
        for m in _SEPARATOR.finditer(self.text):
            at = m.start()
            if not self.single(at, m.group()):
                continue
            left, right = self._item_before(at), self._item_after(at + 1)
            if not (left and right):
                continue
            if chains and chains[-1][-1] == left:
                chains[-1].append(right)
            else:
                chains.append([left, right])
        out = []
        for chain in chains:
            lead = _LIST_LEAD.search(self.text[max(0, chain[0][0] - 4) : chain[0][0]])
            if lead or any(_overlap(item, found) for item in chain):
                out.extend(chain)
        return out


def _overlap(span, found) -> bool:
    return any(span[0] < end and start < span[1] for start, end, *_ in found)


_SURNAMED = re.compile(r"姓([\u4e00-\u9fff])(?:的|叫)")
_SEPARATOR = re.compile("[、和与及]")
_RUN = re.compile(r"[\u4e00-\u9fff]{2,7}")
_COUNT = re.compile(r"(?:等|共|一共|总共)?(?:[一二两三四五六七八九十几]{1,3}[个名位]?人?)?")
_LIST_LEAD = re.compile(r"(?:有|包括|涉及|还有|以及|分别是|分别为|其中)[:：]?$")


def detect(text: str) -> list[tuple[int, int, str]]:
    """Spans (start, end, rule) of person names in `text` (normalised)."""
    doc = _Text(text, segmenter())
    found = []
    for m in BEFORE.finditer(text):
        span = doc.after(m.end())
        if span:
            found.append((*span, "name_context"))
    found.extend((*span, "name_context") for span in doc.called())
    for m in AFTER.finditer(text):
        span = doc.before(m.start())
        if span:
            found.append((*span, "name_title"))
    found.extend((start, end, "name_jieba") for start, end in doc.tagged())
    found.extend((*span, "name_context") for span in doc.listed(found))
    return found
