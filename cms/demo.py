"""Nanfeng-sized demo content: 40 county units and 470 officials with synthetic names.

Deterministic (a fixed random seed), so running it twice changes nothing.
"""

import random
from datetime import date
from decimal import Decimal

from django.conf import settings

from .models import Gender, NewsPage, OfficialRank, PolicyPage, UnitKind
from .services import OfficialData, official_upsert, site_structure_ensure, unit_upsert

E, M, W = UnitKind.ENFORCEMENT, UnitKind.MANAGEMENT, UnitKind.WINDOW
UNITS = [
    ("县发展和改革委员会", "县发改委", M),
    ("县市场监督管理局", "县市场监管局", E),
    ("县自然资源局", "", E),
    ("县住房和城乡建设局", "县住建局", E),
    ("县交通运输局", "", E),
    ("县公安局", "", E),
    ("县人力资源和社会保障局", "县人社局", W),
    ("县财政局", "", M),
    ("县教育体育局", "县教体局", M),
    ("县卫生健康委员会", "县卫健委", M),
    ("县生态环境局", "", E),
    ("县农业农村局", "", E),
    ("县水利局", "", E),
    ("县商务局", "", M),
    ("县应急管理局", "", E),
    ("县行政审批局", "", W),
    ("县城市管理局", "县城管局", E),
    ("县税务局", "", E),
    ("县医疗保障局", "县医保局", W),
    ("县民政局", "", M),
    ("县司法局", "", E),
    ("县文化广电新闻出版旅游局", "县文广新旅局", E),
    ("县林业局", "", E),
    ("县统计局", "", M),
    ("县审计局", "", M),
    ("县退役军人事务局", "", M),
    ("国网县供电公司", "县供电公司", W),
    ("县自来水公司", "", W),
    ("县不动产登记中心", "", W),
    ("县政务服务中心", "", W),
    ("县住房公积金管理中心", "", W),
    ("县烟草专卖局", "", E),
    ("县气象局", "", M),
    ("县工业和信息化局", "县工信局", M),
    ("县科学技术局", "县科技局", M),
    ("县信访局", "", M),
    ("县数据局", "", M),
    ("县消防救援大队", "", E),
    ("县公安局交通管理大队", "县交警大队", E),
    ("县残疾人联合会", "县残联", M),
]
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩邓冯曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷黎史龙陶贺顾毛郝龚邵万覃武钱戴严莫孔向常汤"
)
GIVEN_M = list("伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欢阳建文志国峰晨亮成东海")
GIVEN_F = list("芳娜敏静丽艳娟霞秀英慧婷玲燕红梅琳雪倩颖洁琴云莉萍兰晶佳欣怡蕾薇月")
SECTIONS = [
    "办公室",
    "政策法规股",
    "财务股",
    "人事股",
    "综合股",
    "行政审批股",
    "执法大队",
    "监督股",
    "规划股",
    "信访股",
    "安全股",
    "信息中心",
    "服务窗口",
    "机关党委",
]
DEPUTY_WORK = [
    "行政审批、政策法规工作",
    "财务、后勤保障工作",
    "执法监督、信访维稳工作",
    "项目建设、安全生产工作",
    "党建、人事、机关作风建设工作",
    "窗口服务、优化营商环境工作",
    "宣传、信息化建设工作",
    "规划编制、统计分析工作",
]
# Nanfeng county seat, around which the demo units are placed
CENTER = (27.2180, 116.5330)


def _head_post(unit_name):
    for suffix, post in (
        ("委员会", "主任"),
        ("中心", "主任"),
        ("公司", "总经理"),
        ("大队", "大队长"),
        ("联合会", "理事长"),
        ("局", "局长"),
    ):
        if unit_name.endswith(suffix):
            return post
    return "负责人"


def _name(rng, gender, used):
    while True:
        pool = GIVEN_M if gender == Gender.MALE else GIVEN_F
        given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.7 else "")
        name = rng.choice(SURNAMES) + given
        if name not in used:
            used.add(name)
            return name


def official_rows(unit_count=None, official_count=None):
    """Yield (unit_index, OfficialData-without-unit kwargs) for a deterministic roster."""
    unit_count = unit_count or settings.DEMO_UNITS
    official_count = official_count or settings.DEMO_OFFICIALS
    rng = random.Random(2013_05)
    used = {"张伟丽"}
    base, extra = divmod(official_count, unit_count)
    seq = 0
    for u in range(unit_count):
        unit_name = UNITS[u % len(UNITS)][0]
        size = base + (1 if u < extra else 0)
        sections = rng.sample(SECTIONS, k=min(len(SECTIONS), max(size - 3, 0)))
        for k in range(size):
            seq += 1
            gender = Gender.MALE if rng.random() < 0.68 else Gender.FEMALE
            name = "张伟丽" if seq == 1 else _name(rng, gender, used)
            if seq == 1:
                gender = Gender.FEMALE
            if k == 0:
                rank, post, work = (
                    OfficialRank.HEAD,
                    "党组书记、" + _head_post(unit_name),
                    "主持全面工作",
                )
            elif k <= 2:
                rank = OfficialRank.DEPUTY
                post = "副" + _head_post(unit_name)
                work = "分管" + rng.choice(DEPUTY_WORK)
            else:
                section = sections[(k - 3) % len(sections)] if sections else "综合股"
                rank = OfficialRank.SECTION
                post = section + ("主任" if section.endswith(("室", "中心")) else "负责人")
                work = f"负责{section}日常工作"
            yield (
                u,
                dict(
                    name=name,
                    gender=gender,
                    post=post,
                    rank=rank,
                    work_in_charge=work,
                    term_start=date(2021 + rng.randint(0, 3), rng.randint(1, 12), 1),
                    display_order=k,
                    roster_code=f"NF{seq:04d}",
                ),
            )


def seed_content(progress=None):
    """Units, roster, news and policies. Returns counts of what was created."""
    sections = site_structure_ensure()
    roster = sections["officials"]
    rng = random.Random(40)
    units = []
    for i, (name, short, kind) in enumerate(UNITS[: settings.DEMO_UNITS]):
        unit, _ = unit_upsert(
            name=name,
            short_name=short,
            kind=kind,
            display_order=i + 1,
            address=f"南丰县琴城镇{rng.choice(['建设路', '人民路', '子固路', '广场路', '沿河路'])}{rng.randint(1, 300)}号",
            latitude=Decimal(f"{CENTER[0] + rng.uniform(-0.02, 0.02):.6f}"),
            longitude=Decimal(f"{CENTER[1] + rng.uniform(-0.02, 0.02):.6f}"),
        )
        units.append(unit)
    created = 0
    for unit_index, row in official_rows():
        data = OfficialData(unit=units[unit_index], **row)
        _, status = official_upsert(data=data, roster=roster)
        created += status == "created"
        if progress:
            progress.update(1)
    for unit, (_, head_name) in zip(units, _heads(), strict=False):
        unit_upsert(name=unit.name, head=head_name)
    _seed_articles(sections)
    return {"units": len(units), "officials_created": created}


def _heads():
    for unit_index, row in official_rows():
        if row["display_order"] == 0:
            yield unit_index, row["name"]


NEWS = [
    (
        "县纪委监委开展行政效能网上测评工作",
        "全县40个重点单位的一把手及重要岗位负责人共470名测评对象的基本信息在网上公开，接受网民评价。",
    ),
    (
        "网上投诉110全天候受理群众投诉",
        "前台受理、后台办理，通过电子公文交换平台转交责任单位限期办理，办理结果网上公布。",
    ),
    ("聘请70名发展环境监测员", "在社会各界和重点企业中聘请发展环境网络监测员，每月发布监测信息。"),
]
POLICIES = [
    (
        "行政效能网上测评办法",
        "县纪委监委",
        "测评内容包括服务态度、办事效率、工作作风，实行四级预警。",
    ),
    (
        "效能投诉受理办理规定",
        "县效能办",
        "对一般性问题下发预警告知函限期整改；对苗头性问题开展廉政约谈、诫勉谈话。",
    ),
]


def _seed_articles(sections):
    for i, (title, text) in enumerate(NEWS):
        if not NewsPage.objects.filter(title=title).exists():
            sections["news"].add_child(
                instance=NewsPage(
                    title=title,
                    slug=f"news-{i + 1}",
                    date=date(2026, 10, 1 + i * 7),
                    summary=text[:100],
                    body=f"<p>{text}</p>",
                    live=True,
                )
            )
    for i, (title, issuer, text) in enumerate(POLICIES):
        if not PolicyPage.objects.filter(title=title).exists():
            sections["policies"].add_child(
                instance=PolicyPage(
                    title=title,
                    slug=f"policy-{i + 1}",
                    date=date(2026, 9, 1 + i * 10),
                    issuer=issuer,
                    body=f"<p>{text}</p>",
                    live=True,
                )
            )
