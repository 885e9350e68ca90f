"""Demo: closed complaints that read like real ones (seed_demo), for /results/: a title, what
the person wrote, what the department found and did, across units and categories. Made through
the real workflow services (the publication demo publishes them next). Idempotent: a story
whose title exists is not made again."""

from django.contrib.auth import get_user_model

from cms.models import Unit

from .choices import Finding, HandlingAction, HandlingTier
from .models import Case, Category

T, P, F = Finding.TRUE, Finding.PARTLY, Finding.FALSE
# (unit, category code, title, text, answer, finding)
STORIES = [
    (
        "县不动产登记中心",
        "efficiency",
        "不动产登记窗口要求反复补交材料",
        "办理二手房过户，窗口三次要求补交不同的材料，每次都没有一次性告知，来回跑了三趟。",
        "经核查，窗口人员未执行一次性告知制度，已对其批评教育，并将材料清单在窗口和网站公示。",
        T,
    ),
    (
        "县不动产登记中心",
        "service-attitude",
        "登记大厅取号后长时间无人办理",
        "上午九点取号，两个窗口一直没有人，等到十一点才有人来办理。",
        "当日两名窗口人员参加培训未安排替岗，已建立请假替岗制度，高峰时段增开窗口。",
        T,
    ),
    (
        "县市场监督管理局",
        "efficiency",
        "营业执照变更十个工作日无回复",
        "网上提交营业执照经营范围变更申请，十个工作日仍显示审核中，电话一直无人接听。",
        "系统审核流转节点设置有误，申请已于次日办结，并向申请人致歉。",
        P,
    ),
    (
        "县市场监督管理局",
        "business-environment",
        "同一周内被三个部门重复检查",
        "我的小餐馆一周内被市场监管、卫健、城管先后检查，查的内容差不多，影响营业。",
        "经核实，检查分属不同事项，已纳入“双随机、一公开”联合检查，同一对象一年内原则上只查一次。",
        P,
    ),
    (
        "县行政审批局",
        "service-attitude",
        "窗口人员办事时玩手机",
        "审批大厅三号窗口工作人员一边玩手机一边办理，问问题时爱理不理。",
        "经调取监控核实，已对当事人进行约谈，并在全局通报。",
        T,
    ),
    (
        "县行政审批局",
        "efficiency",
        "施工许可审批超过承诺时限",
        "施工许可承诺十五个工作日办结，实际用了二十六个工作日，中间没有任何告知。",
        "因图审意见往返耽误时限，已向企业说明并致歉，今后超时将自动提醒经办人。",
        T,
    ),
    (
        "县人力资源和社会保障局",
        "efficiency",
        "社保转移接续半年未办好",
        "从外省转入社保关系已经半年，每次去问都说在等对方回函。",
        "已与转出地社保机构电话协调，转移手续已办结，并告知申请人查询方式。",
        P,
    ),
    (
        "县人力资源和社会保障局",
        "work-style",
        "退休审批材料被弄丢",
        "提交的退休审批档案材料被告知找不到了，需要重新准备。",
        "经查，材料在科室之间交接时未登记，已找回并办结，建立材料交接登记制度。",
        T,
    ),
    (
        "县医疗保障局",
        "efficiency",
        "医保报销窗口中午提前停办",
        "医保报销窗口十一点半就停止办理，说下午再来，白等一上午。",
        "窗口已调整为中午延时服务，工作日十二点前取号的当日办结。",
        T,
    ),
    (
        "县医疗保障局",
        "service-attitude",
        "异地就医备案电话打不通",
        "异地就医备案咨询电话连续三天打不通。",
        "咨询电话只有一条线路，已增加两条线路并开通网上备案。",
        P,
    ),
    (
        "县公安局",
        "efficiency",
        "户口迁移证明办理拖延",
        "办理户口迁移，派出所说要等所长签字，一周后仍未办好。",
        "经核实，所长外出期间未授权他人签批，已规范授权代签制度，证明已办结。",
        T,
    ),
    (
        "县公安局交通管理大队",
        "service-attitude",
        "驾驶证换证窗口态度生硬",
        "换驾驶证时问了两句材料的问题，工作人员很不耐烦，说“自己看墙上”。",
        "已对当事民警批评教育，并在窗口设置导办人员。",
        P,
    ),
    (
        "县公安局交通管理大队",
        "other",
        "学校门口早高峰无人疏导交通",
        "县一小门口早上七点半车辆拥堵严重，很少看到交警疏导。",
        "已将县一小、县二小门口纳入早晚高峰固定执勤点位。",
        P,
    ),
    (
        "县城市管理局",
        "other",
        "城东路路灯不亮已经一个月",
        "城东路从农贸市场到桥头一段路灯不亮已经一个月，晚上出行很危险。",
        "经查为线路老化，已更换电缆并修复路灯二十三盏，建立夜间巡查制度。",
        T,
    ),
    (
        "县城市管理局",
        "work-style",
        "占道经营长期无人管理",
        "人民路菜市场外摊贩占道经营，人行道无法通行，多次反映无人处理。",
        "已设置临时疏导点，安排专人早晚巡查，占道现象已改善。",
        P,
    ),
    (
        "县城市管理局",
        "other",
        "小区旁垃圾转运站臭味扰民",
        "幸福小区旁垃圾转运站夏天臭味很大，窗户都不敢开。",
        "已增加清运和冲洗频次，加装除臭设备，半年后将迁址。",
        P,
    ),
    (
        "县住房和城乡建设局",
        "efficiency",
        "商品房网签备案迟迟不办",
        "购房合同签了一个多月，网签备案一直没办，开发商说在等住建局。",
        "经查，开发商材料不全，已一次性告知所缺材料，补齐后三日内办结。",
        F,
    ),
    (
        "县住房和城乡建设局",
        "work-style",
        "工地夜间施工噪音扰民",
        "城南工地连续一周晚上十一点后还在施工，噪音很大。",
        "已责令施工单位停止夜间施工，对其违规施工行为依法处理。",
        T,
    ),
    (
        "县住房公积金管理中心",
        "efficiency",
        "公积金提取审核时间过长",
        "申请公积金提取已经二十天，还在审核中。",
        "已优化审核流程，材料齐全的提取申请三个工作日办结，本件已办结。",
        P,
    ),
    (
        "县自来水公司",
        "service-attitude",
        "停水不提前通知",
        "幸福小区周二全天停水，事先没有任何通知。",
        "因管道抢修临时停水，已要求今后通过短信和小区公告提前告知。",
        P,
    ),
    (
        "县自来水公司",
        "other",
        "水表更换后水费异常增加",
        "换了新水表后，这两个月的水费比以前多了一倍。",
        "经现场检测水表计量正常，发现户内管道渗漏，已协助用户维修。",
        F,
    ),
    (
        "国网县供电公司",
        "efficiency",
        "新装电表申请一个月未安装",
        "店面申请新装电表一个月了，一直说排队等待。",
        "已安排专人跟进，电表于三日内安装完毕，并公开办电时限。",
        T,
    ),
    (
        "国网县供电公司",
        "other",
        "频繁停电影响生产",
        "工业园区这个月已经停电四次，每次都没有通知。",
        "经查为线路设备故障，已完成线路改造，计划停电将提前三天通知。",
        P,
    ),
    (
        "县税务局",
        "efficiency",
        "发票领用网上申请被退回多次",
        "网上申请领用发票被退回三次，每次理由都不一样。",
        "经核实，审核人员未一次性告知，已批评教育并统一退回说明模板。",
        T,
    ),
    (
        "县税务局",
        "service-attitude",
        "办税服务厅排队时间过长",
        "申报期办税服务厅排队两个多小时，只开了两个窗口。",
        "申报高峰期已增开窗口并设置自助办税区，引导网上申报。",
        P,
    ),
    (
        "县教育体育局",
        "work-style",
        "入学登记材料要求不一致",
        "孩子小学入学登记，学校和教体局说的材料要求不一样。",
        "已统一入学材料清单并在官网、学校公示。",
        T,
    ),
    (
        "县教育体育局",
        "bribery",
        "学校收取资料费未出具票据",
        "学校向每个学生收取资料费八十元，没有开票据。",
        "经核查，收费未经批准，已责令学校全额退还并对相关责任人处理。",
        T,
    ),
    (
        "县卫生健康委员会",
        "service-attitude",
        "县医院挂号处工作人员态度差",
        "在县医院挂号时问了科室位置，工作人员说“不知道”。",
        "已对当事人批评教育，并在门诊大厅增设导诊台。",
        P,
    ),
    (
        "县卫生健康委员会",
        "efficiency",
        "出生医学证明补办时间长",
        "补办出生医学证明一个月还没有拿到。",
        "已加快办理，证明已发放，补办时限压缩至十个工作日。",
        P,
    ),
    (
        "县民政局",
        "efficiency",
        "低保申请长时间没有结果",
        "母亲申请低保三个月了，乡里说材料报上去了，一直没有结果。",
        "经查，申请在乡镇审核环节滞留，已督促办结，并对乡镇经办人约谈。",
        T,
    ),
    (
        "县民政局",
        "work-style",
        "婚姻登记处中午不办理",
        "中午请假去办结婚登记，婚姻登记处说中午不上班。",
        "已实行中午轮班服务和预约服务。",
        P,
    ),
    (
        "县交通运输局",
        "other",
        "乡村公路坑洼长期未修",
        "通往东坑村的公路坑洼很多，下雨后积水，多次反映没有修。",
        "已列入本年度农村公路养护计划，坑洼路段已修补完毕。",
        T,
    ),
    (
        "县交通运输局",
        "efficiency",
        "出租车投诉没有回音",
        "在交通运输局投诉出租车拒载，一个月没有任何回复。",
        "已核实并对驾驶员依法处理，投诉办理结果将在七个工作日内回复。",
        T,
    ),
    (
        "县自然资源局",
        "efficiency",
        "宅基地审批材料被退回",
        "申请宅基地审批，材料被退回两次，也没说清楚哪里不合格。",
        "已安排专人一次性指导申请人补正材料，审批已进入公示阶段。",
        P,
    ),
    (
        "县生态环境局",
        "other",
        "工厂夜间排放刺鼻气体",
        "工业园区附近晚上经常闻到刺鼻气味，怀疑有工厂偷排。",
        "经夜间突击检查，一家企业废气处理设施未正常运行，已依法立案处罚。",
        T,
    ),
    (
        "县农业农村局",
        "efficiency",
        "农机购置补贴迟迟未发放",
        "去年买的农机申请补贴，到现在还没有发放。",
        "补贴资金已拨付到位，已向申请人发放，并公开补贴发放进度。",
        P,
    ),
    (
        "县水利局",
        "other",
        "河道垃圾长期无人清理",
        "城西河段河道里垃圾很多，发出臭味。",
        "已组织清理河道垃圾，并落实河长巡河制度。",
        T,
    ),
    (
        "县商务局",
        "business-environment",
        "企业申报扶持资金流程不透明",
        "申报商贸企业扶持资金，不知道审核到哪一步，也没人告知结果。",
        "已在官网公开申报流程、审核进度和结果，并逐一电话告知申报企业。",
        P,
    ),
    (
        "县应急管理局",
        "work-style",
        "安全检查只查资料不看现场",
        "安监人员来厂里检查，只看了台账，没有到车间看。",
        "经核实，检查未按规程开展现场检查，已对检查人员批评教育并重新检查。",
        T,
    ),
    (
        "县司法局",
        "service-attitude",
        "法律援助申请被推诿",
        "申请法律援助，被告知不归这里管，让去法院问。",
        "经核查属实，已受理该法律援助申请，并对窗口人员开展业务培训。",
        T,
    ),
    (
        "县政务服务中心",
        "efficiency",
        "自助服务机经常故障",
        "大厅的自助打印机经常坏，打印不了证明。",
        "已联系厂家更换设备，并安排专人每日巡检。",
        P,
    ),
    (
        "县政务服务中心",
        "service-attitude",
        "导办人员指引错误",
        "导办人员把我指到错误的窗口，排了一个小时队才发现。",
        "已对导办人员加强培训，并在大厅设置分区指引图。",
        P,
    ),
    (
        "县文化广电新闻出版旅游局",
        "work-style",
        "图书馆周末闭馆",
        "县图书馆周末经常闭馆，上班族没有时间去。",
        "图书馆已调整开放时间，周末正常开放，周一闭馆。",
        T,
    ),
    (
        "县林业局",
        "efficiency",
        "林木采伐许可办理慢",
        "申请林木采伐许可二十多天还没有办下来。",
        "已优化审批流程，许可已办结，承诺时限压缩至七个工作日。",
        P,
    ),
]


def _close(case, *, office, handler, unit, answer, finding, measures):
    from .services import workflow

    case = workflow.case_accept(case=case, actor=office)
    case = workflow.case_assign(case=case, actor=office, department=unit)
    case = workflow.case_sign(case=case, actor=handler)
    case = workflow.case_answer(
        case=case, actor=handler, answer=answer, finding=finding, measures=measures
    )
    case = workflow.case_approve(case=case, actor=office)
    true = finding == Finding.TRUE
    return workflow.case_close(
        case=case,
        actor=office,
        solved=finding != Finding.FALSE,
        handling_tier=HandlingTier.EARLY_SIGN if true else HandlingTier.GENERAL,
        handling_action=HandlingAction.TALK if true else HandlingAction.SUPERVISION_NOTICE,
    )


def seed(progress=None):
    from .services.intake import case_submit

    User = get_user_model()
    office = User.objects.filter(username="office").first()
    if office is None:
        return {"stories": 0}
    done = set(
        Case.objects.filter(title__in=[s[2] for s in STORIES]).values_list("title", flat=True)
    )
    todo = [s for s in STORIES if s[2] not in done]
    units = {u.name: u for u in Unit.objects.filter(name__in={s[0] for s in todo})}
    categories = {c.code: c for c in Category.objects.all()}
    bar = progress(total=len(todo), desc="办结投诉", unit="件") if progress else None
    made = 0
    for unit_name, code, title, text, answer, finding in todo:
        unit = units.get(unit_name)
        handler = User.objects.filter(unit=unit).first() if unit else None
        category = categories.get(code) or categories.get("other")
        if unit is None or handler is None or category is None:
            continue
        case, _ = case_submit(
            category=category, text=text, title=title, unit=unit, with_receipt=False
        )
        measures = "举一反三，开展作风纪律专项整顿。" if finding == Finding.TRUE else ""
        _close(
            case,
            office=office,
            handler=handler,
            unit=unit,
            answer=answer,
            finding=finding,
            measures=measures,
        )
        made += 1
        if bar:
            bar.update(1)
    if bar:
        bar.close()
    return {"stories": made}
