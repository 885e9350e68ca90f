"""Masking of personal data before publication: pure rules, table-driven.

Deliberate changes from the first version: a number becomes a label (〔手机号〕, not
138****1234: the visible digits plus the context narrowed a complainant down) and a name
always becomes surname + 某某 (张三 → 张某某: the length of the given name does not show)."""

import pytest

from complaints.publication.masking import (
    mask_emails,
    mask_explained,
    mask_id_cards,
    mask_long_numbers,
    mask_mobiles,
    mask_name,
    mask_names,
    mask_numbers,
    mask_text,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13812341234", "电话〔手机号〕"),
        ("电话 19912345678。", "电话 〔手机号〕。"),
        ("+86 138-1234-5678", "〔手机号〕"),
        ("8613812341234", "〔手机号〕"),
        ("138 1234 5678", "〔手机号〕"),
        ("电话１３９１２３４５６７８。", "电话〔手机号〕。"),  # full-width digits
        ("电话１３９　１２３４　５６７８", "电话〔手机号〕"),  # and ideographic spaces
        ("12812341234", "12812341234"),  # 12x is no mobile prefix
        ("138123412345", "138123412345"),  # 12 digits: not a mobile number
        ("办公电话0794-3212345", "办公电话0794-3212345"),  # a landline is another rule
    ],
)
def test_mobile_numbers_become_a_label(text, expected):
    assert mask_mobiles(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证360121199001011239", "身份证〔身份证号〕"),
        ("证件号36012120051231101X。", "证件号〔身份证号〕。"),
        ("36012120051231101x", "〔身份证号〕"),
        ("361023 19850315 0023", "361023 19850315 0023"),  # wrong check digit, no keyword
        ("身份证360121199001011234", "身份证〔身份证号〕"),  # a typo after 身份证 still goes
        ("老身份证361002761101997", "老身份证〔身份证号〕"),  # 15 digits, born 1976-11-01
        ("编号360121999901011234", "编号360121999901011234"),  # no valid birth date
        ("3601211990010112345", "3601211990010112345"),  # 19 digits is no ID card
    ],
)
def test_id_card_numbers_are_checked_and_labelled(text, expected):
    assert mask_id_cards(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6222 0212 3456 7890 128", "〔银行卡号〕"),  # groups of four, Luhn valid
        ("6222-0212-3456-7890-128", "〔银行卡号〕"),
        ("订单号6222021234567890123", "订单号6222021234567890123"),  # fails Luhn
        ("卡号6222021234567890123", "卡号〔银行卡号〕"),  # but after 卡号 it goes
    ],
)
def test_bank_cards_pass_luhn_or_follow_their_keyword(text, expected):
    assert mask_long_numbers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("邮箱zhangsan@qq.com，", "邮箱〔邮箱〕，"),
        ("mail: li.si+x@mail.example.cn", "mail: 〔邮箱〕"),
        ("没有邮箱", "没有邮箱"),
    ],
)
def test_email_addresses_become_a_label(text, expected):
    assert mask_emails(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("卡号6222021234567890123", "卡号〔银行卡号〕"),
        ("身份证360121199001011239电话13812341234", "身份证〔身份证号〕电话〔手机号〕"),
        ("座机0791-86123456", "座机〔电话〕"),
        ("(0791)86123456", "〔电话〕"),
        ("电话86123456，", "电话〔电话〕，"),
        ("QQ号123456789", "QQ号〔QQ号〕"),
        ("微信 abc_123", "微信 〔微信号〕"),
        ("家住南丰县琴城镇建设路18号3栋2单元501室", "家住南丰县琴城镇〔地址〕"),
        ("拨打12345热线，距离0.5公里，第3窗口", "拨打12345热线，距离0.5公里，第3窗口"),
        ("南丰〔2026〕12号，2026年3月5日，1280元", "南丰〔2026〕12号，2026年3月5日，1280元"),
    ],
)
def test_numbers_of_every_kind_together(text, expected):
    assert mask_numbers(text) == expected
    assert mask_numbers(expected) == expected  # idempotent


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张三", "张某某"),
        ("王小明", "王某某"),
        ("欧阳娜娜", "欧阳某某"),
        ("欧阳", "欧某某"),
        ("李", "李"),
        ("", ""),
    ],
)
def test_a_name_keeps_only_its_surname(name, expected):
    assert mask_name(name) == expected


@pytest.mark.parametrize(
    ("text", "private", "keep", "expected"),
    [
        # the complainant's own name, given explicitly
        ("我是王小明，反映问题", ["王小明"], [], "我是王某某，反映问题"),
        # names before 先生/女士/同志
        ("刘德华先生表示满意", [], [], "刘某某先生表示满意"),
        ("市民黄晓明同志反映", [], [], "市民黄某某同志反映"),
        ("欧阳娜娜女士也去了", [], [], "欧阳某某女士也去了"),
        # a lone surname before an honorific identifies nobody
        ("请赵女士到窗口办理", [], [], "请赵女士到窗口办理"),
        # names jieba recognises; officials on the roster stay readable
        (
            "窗口工作人员李建国态度恶劣，经办人陈志强",
            [],
            ["李建国"],
            "窗口工作人员李建国态度恶劣，经办人陈某某",
        ),
        (
            "张伟丽主任答复后，刘德华先生表示满意",
            [],
            ["张伟丽"],
            "张伟丽主任答复后，刘某某先生表示满意",
        ),
        # jieba splits 王明亮 into 王 + 明亮: the context reads it whole
        ("邻居王明亮在楼道堆放杂物", [], [], "邻居王某某在楼道堆放杂物"),
        ("修水管的师傅郑国强收了钱", [], [], "修水管的师傅郑某某收了钱"),
        # ordinary words are not names
        ("群众反映路灯不亮，办事效率低", [], [], "群众反映路灯不亮，办事效率低"),
        ("在工商银行卡号查询窗口，材料齐全", [], [], "在工商银行卡号查询窗口，材料齐全"),
        ("工作人员高效办理", [], [], "工作人员高效办理"),
    ],
)
def test_private_persons_names_are_masked_and_officials_kept(text, private, keep, expected):
    assert mask_names(text, private_names=private, keep_names=keep) == expected


def test_mask_text_applies_every_rule():
    text = "王小明（13812341234，zhangsan@qq.com）投诉李建国，身份证360121199001011239"
    masked = mask_text(text, private_names=["王小明"], keep_names=["李建国"])
    assert masked == "王某某（〔手机号〕，〔邮箱〕）投诉李建国，身份证〔身份证号〕"


def test_the_mask_is_cut_from_the_original_text_and_explained():
    text = "ＡＢ先生说：电话１３９－１２３４－５６７８，邻居王明亮。"
    result = mask_explained(text)
    assert result.text == "ＡＢ先生说：电话〔手机号〕，邻居王某某。"  # full-width ＡＢ kept
    assert [(s.original, s.replacement, s.rule) for s in result.spans] == [
        ("１３９－１２３４－５６７８", "〔手机号〕", "mobile"),
        ("王明亮", "王某某", "name_context"),
    ]
    for span in result.spans:
        assert text[span.start : span.end] == span.original


@pytest.mark.parametrize(
    "text",
    [
        "工作人员向上级反映后，明天给答复，程序上没有问题。",
        "我是来反映问题的。",
        "请联系刘老师",
        "王师傅说水管要换新的。",
        "对照赣府字〔2025〕8号文件，来电人符合条件。",
        "订单号6222021234567890123的快递丢了",
        "拨打0794-12345，或者12345热线",
        "文化路与人民路交叉口的红绿灯坏了。",
        "欧阳修纪念馆开放时间是几点。",
        "书记高度重视此事，队长马上到现场。",
        "跟高主任说了，请赵女士到窗口。",
        "他叫我们明天再来。",  # a bare 叫, no name after it
        "张家界和王府井都去过。",  # a list of places, not of persons
        "请问何时能把路修好？",  # jieba tags 何时能 as a person
        "超市卖的王老吉已经过期。",  # a brand (places.txt)
        "版本号是1.3.8.7941.2236",  # dots, but no mobile
    ],
)
def test_ordinary_sentences_are_left_alone(text):
    assert mask_explained(text).spans == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13912345678 13812345678", "电话〔手机号〕 〔手机号〕"),
        ("身份证360121 1990 0101 1239", "身份证〔身份证号〕"),
        ("我住在琴城镇胜利路东段32号", "我住在琴城镇〔地址〕"),
        ("家住幸福里小区7幢302", "家住〔地址〕"),
        ("经办人员王明亮已经调离岗位", "经办人员王某某已经调离岗位"),
        ("施工队的包工头黄德福拖欠工资", "施工队的包工头黄某某拖欠工资"),
        ("司机谢宏图开车打电话", "司机谢某某开车打电话"),  # 谢 is also a verb
        ("张秀英老人独居", "张某某老人独居"),
        ("向李四主任反映", "向李某某主任反映"),
        ("县人民医院位于桔都大道88号", "县人民医院位于桔都大道88号"),  # a public body
        ("手机：138.7941.2236", "手机：〔手机号〕"),
        ("Q号 356789012", "Q号 〔QQ号〕"),
        ("企鹅号356789012", "企鹅号〔QQ号〕"),
        ("我是付国华", "我是付某某"),
        ("一个姓胡的工作人员，叫胡建军", "一个姓胡的工作人员，叫胡某某"),
        ("有王明亮、李桂香、陈阿三三人", "有王某某、李某某、陈某某三人"),
        ("邻居王明亮和李桂香吵架", "邻居王某某和李某某吵架"),  # listed after a detected name
        ("南丰县太和镇石咀村3组12号", "南丰县太和镇〔地址〕"),  # 和 of 太和镇, the house number
        ("白舍镇上坪村委会下坪村5组", "白舍镇上坪村委会〔地址〕"),
        ("琴城镇桔园小区3栋2单元501室", "琴城镇〔地址〕"),  # 小区 is no 区 of the chain
    ],
)
def test_written_forms_found_after_the_corpus(text, expected):
    assert mask_text(text) == expected
