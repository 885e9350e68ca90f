"""Masking of personal data before publication: pure rules, table-driven."""

import pytest

from complaints.publication.masking import (
    mask_emails,
    mask_id_cards,
    mask_mobiles,
    mask_name,
    mask_names,
    mask_numbers,
    mask_text,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13812341234", "电话138****1234"),
        ("电话 19912345678。", "电话 199****5678。"),
        ("+86 138-1234-5678", "138****5678"),
        ("8613812341234", "138****1234"),
        ("138 1234 5678", "138****5678"),
        ("12812341234", "12812341234"),  # 12x is no mobile prefix
        ("138123412345", "138123412345"),  # 12 digits: not a mobile number
        ("办公电话0794-3212345", "办公电话0794-3212345"),  # landlines of offices stay
    ],
)
def test_mobile_numbers_are_masked_to_first_three_and_last_four(text, expected):
    assert mask_mobiles(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证360121199001011234", "身份证360121********1234"),
        ("证件号36012120051231123X。", "证件号360121********123X。"),
        ("36012120051231123x", "360121********123x"),
        ("编号360121999901011234", "编号360121999901011234"),  # no valid birth date
        ("3601211990010112345", "3601211990010112345"),  # 19 digits is no ID card
    ],
)
def test_id_card_numbers_hide_the_birth_date(text, expected):
    assert mask_id_cards(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("邮箱zhangsan@qq.com，", "邮箱z***@qq.com，"),
        ("mail: li.si+x@mail.example.cn", "mail: l***@mail.example.cn"),
        ("没有邮箱", "没有邮箱"),
    ],
)
def test_email_addresses_keep_only_the_first_letter_and_domain(text, expected):
    assert mask_emails(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("卡号6222021234567890123", "卡号****0123"),
        ("身份证360121199001011234电话13812341234", "身份证360121********1234电话138****1234"),
    ],
)
def test_numbers_of_every_kind_together(text, expected):
    assert mask_numbers(text) == expected
    assert mask_numbers(expected) == expected  # idempotent


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张三", "张某"),
        ("王小明", "王某某"),
        ("欧阳娜娜", "欧阳某某"),
        ("欧阳", "欧某"),
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
        # ordinary words are not names
        ("群众反映路灯不亮，办事效率低", [], [], "群众反映路灯不亮，办事效率低"),
    ],
)
def test_private_persons_names_are_masked_and_officials_kept(text, private, keep, expected):
    assert mask_names(text, private_names=private, keep_names=keep) == expected


def test_mask_text_applies_every_rule():
    text = "王小明（13812341234，zhangsan@qq.com）投诉李建国，身份证360121199001011234"
    masked = mask_text(text, private_names=["王小明"], keep_names=["李建国"])
    assert masked == ("王某某（138****1234，z***@qq.com）投诉李建国，身份证360121********1234")
