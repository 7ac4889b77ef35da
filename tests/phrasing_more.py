"""More of the phrasing dev set: openings of 一、总体情况 as real 年报 write them.

Written in the genre (the verbs, the approximate and scaled numbers, Chinese and full-width
numerals, per-channel counts, table-like lines, Markdown) and its traps (years, dates,
phone and document numbers, 第X条, percentages, 个/次/人次 counts, increases over last
year). Each case's facts are checked by hand: ``expected`` holds every stated 主动公开 total
and every stated application count (受理/收到, 办结, 上年结转); ``no_total`` marks a text
that states none (per-channel counts only, or only an increase), where a total must not
be invented. Cases reuse ``Case``/``Fact`` of ``tests/phrasing_cases.py``; each quote is the
clause of the case text that states the fact.
"""

from __future__ import annotations

import re

from tests.phrasing_cases import Case, Fact

_CLAUSE_END = "，,。；;：:\n"


def _quote(text: str, written: str) -> str:
    """The clause of ``text`` holding ``written`` (verbatim)."""
    at = text.index(written)
    start = max(text.rfind(ch, 0, at) for ch in _CLAUSE_END) + 1
    ends = [i for ch in _CLAUSE_END if (i := text.find(ch, at + len(written))) >= 0]
    return text[start : min(ends) if ends else len(text)]


def _case(
    name: str,
    phrasing: str,
    overview: str,
    total: tuple[int, str, str] | None = None,  # (value, unit, as written)
    received: tuple[int, str] | None = None,  # (value, as written)
    processed: tuple[int, str] | None = None,
    carried: tuple[int, str] | None = None,
    *,
    approximate: bool = False,
    no_total: bool = False,
    notes: str = "",
) -> Case:
    facts = []
    if total is not None:
        value, unit, written = total
        facts.append(Fact("proactive_total", value, unit, _quote(overview, written), approximate))
    for kind, given in (
        ("applications_received", received),
        ("applications_processed", processed),
        ("applications_carried_over", carried),
    ):
        if given is not None:
            value, written = given
            unit = m[0] if (m := re.search(r"[件条]", written)) else None
            facts.append(Fact(kind, value, unit, _quote(overview, written)))
    assert not (no_total and total), name
    return Case(name, phrasing, overview, tuple(facts), no_total=no_total, notes=notes)


MORE_CASES: tuple[Case, ...] = (
    _case(
        "portal-thousands",
        "通过政府门户网站主动公开政府信息1,236条",
        "2023年，我局通过政府门户网站主动公开政府信息1,236条，涉及机构职能、政策文件、财政资金等内容。"
        "全年共收到政府信息公开申请8件，上年结转1件，办结9件。",
        (1236, "条", "1,236条"),
        (8, "申请8件"),
        (9, "办结9件"),
        (1, "结转1件"),
    ),
    _case(
        "leiji-fabu-yu",
        "累计发布各类政务信息2300余条，其中政策文件45件",
        "2023年，区发展改革委全年累计发布各类政务信息2300余条，其中政策文件45件、政策解读12篇。"
        "全年受理政府信息公开申请6件。",
        (2300, "条", "2300余条"),
        (6, "申请6件"),
        approximate=True,
    ),
    _case(
        "chinese-thousands-yu",
        "主动公开各类信息共计四千五百余条",
        "本年度，县人民政府办公室主动公开各类信息共计四千五百余条，内容涵盖政策法规、规划计划、财政预决算等。"
        "全年共收到政府信息公开申请三十二件。",
        (4500, "条", "四千五百余条"),
        (32, "申请三十二件"),
        approximate=True,
    ),
    _case(
        "shuliang-da-wan",
        "公开信息数量达1.2万条",
        "2023年，市政府坚持以公开为常态，全年公开信息数量达1.2万条，同比增长8.6%。"
        "全年新收政府信息公开申请356件。",
        (12000, "条", "1.2万条"),
        (356, "申请356件"),
    ),
    _case(
        "per-channel-push",
        "在门户网站发布信息XX条、微信公众号推送XX条（无总数）",
        "2023年，区文化和旅游局在门户网站发布信息412条、微信公众号推送186条，"
        "及时发布文旅活动、行业监管等信息。全年共收到政府信息公开申请2件。",
        None,
        (2, "申请2件"),
        no_total=True,
        notes="两个渠道各有条数，正文没有总数。",
    ),
    _case(
        "per-channel-three",
        "网站、微博、公众号分列（无总数）",
        "2022年，镇政府通过政府网站公开信息263条，通过政务微博发布信息97条，通过微信公众号推送信息154条。"
        "全年受理政府信息公开申请1件。",
        None,
        (1, "申请1件"),
        no_total=True,
    ),
    _case(
        "qizhong-paren",
        "主动公开政府信息XX条（其中规范性文件X件）",
        "2023年，区教委主动公开政府信息865条（其中规范性文件6件），政策解读材料18篇。"
        "全年共收到政府信息公开申请27件。",
        (865, "条", "865条"),
        (27, "申请27件"),
    ),
    _case(
        "tongbi-percent",
        "累计公开…XX条，同比增长X%",
        "2023年，区市场监管局累计公开政府信息3,218条，同比增长12%。"
        "全年共受理政府信息公开申请45件，办结43件。",
        (3218, "条", "3,218条"),
        (45, "申请45件"),
        (43, "办结43件"),
    ),
    _case(
        "tiaoci",
        "主动公开…XX条次",
        "本年度，区应急管理局通过各类平台主动公开政府信息2,560条次。全年收到政府信息公开申请3件。",
        (2560, "条", "2,560条次"),
        (3, "申请3件"),
    ),
    _case(
        "zhuanlan-update",
        "更新政务公开专栏信息XX条",
        "2023年，街道办事处更新政务公开专栏信息178条，做到应公开尽公开。全年未收到政府信息公开申请。",
        (178, "条", "178条"),
        (0, "未收到政府信息公开申请"),
    ),
    _case(
        "increase-trap",
        "本年度共主动公开政府信息XX条，较上年增加XX条",
        "本年度共主动公开政府信息1,502条，较上年增加216条。全年共受理政府信息公开申请19件。",
        (1502, "条", "1,502条"),
        (19, "申请19件"),
    ),
    _case(
        "increase-only",
        "只说较上年增加XX条（无总数）",
        "2023年，区审计局主动公开政府信息较上年增加36条，公开质量进一步提升。全年共收到政府信息公开申请1件。",
        None,
        (1, "申请1件"),
        no_total=True,
        notes="只有增量，没有总数：36 不是总数。",
    ),
    _case(
        "received-carried-done",
        "共收到政府信息公开申请XX件，上年结转XX件，办结XX件",
        "2023年，区住房城乡建设委主动公开政府信息642条。"
        "共收到政府信息公开申请58件，上年结转4件，办结60件，结转下年度继续办理2件。",
        (642, "条", "642条"),
        (58, "申请58件"),
        (60, "办结60件"),
        (4, "结转4件"),
    ),
    _case(
        "none-received",
        "全年未收到…申请",
        "2024年，区档案局主动公开政府信息35条。全年未收到公民、法人或其他组织提出的政府信息公开申请。",
        (35, "条", "35条"),
        (0, "未收到公民、法人或其他组织提出的政府信息公开申请"),
    ),
    _case(
        "banli-yishenqing",
        "共办理依申请公开XX件",
        "2023年，区人力社保局主动公开政府信息427条，共办理依申请公开14件，均在法定期限内答复。",
        (427, "条", "427条"),
        (14, "依申请公开14件"),
    ),
    _case(
        "table-like",
        "主动公开文件数：XX",
        "2023年政府信息公开工作主要数据如下：\n主动公开政府信息数：1,045条\n收到政府信息公开申请数：12件",
        (1045, "条", "1,045条"),
        (12, "12件"),
    ),
    _case(
        "markdown-bold",
        "Markdown **XX条**",
        "2023年，区生态环境局全年主动公开政府信息**782条**，全年共收到政府信息公开申请**15件**。",
        (782, "条", "782条"),
        (15, "15件"),
    ),
    _case(
        "markdown-bold-number",
        "Markdown **XX**条",
        "2023年，区统计局全年主动公开政府信息**391**条，全年共收到政府信息公开申请**4**件。",
        (391, "条", "391**条"),
        (4, "4**件"),
    ),
    _case(
        "space-thousands",
        "数字中有空格 1 236条",
        "2023年，区财政局全年主动公开政府信息1 236条，全年共受理政府信息公开申请21件。",
        (1236, "条", "1 236条"),
        (21, "申请21件"),
    ),
    _case(
        "fullwidth-digits",
        "全角数字",
        "２０２３年，区农业农村局全年主动公开政府信息６４８条，全年共收到政府信息公开申请７件。",
        (648, "条", "６４８条"),
        (7, "申请７件"),
    ),
    _case(
        "chinese-126",
        "一百二十六条",
        "二〇二三年，乡人民政府主动公开政府信息一百二十六条，全年受理政府信息公开申请三件。",
        (126, "条", "一百二十六条"),
        (3, "申请三件"),
    ),
    _case(
        "trap-dates-year",
        "年份与日期",
        "本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。"
        "2023年，区水务局主动公开政府信息517条。全年共收到政府信息公开申请9件。",
        (517, "条", "517条"),
        (9, "申请9件"),
    ),
    _case(
        "trap-phone",
        "联系电话",
        "2023年，区民族宗教委主动公开政府信息204条。全年共收到政府信息公开申请2件。"
        "如对本报告有疑问，请联系区民族宗教委办公室，联系电话：010-68051234，邮编100035。",
        (204, "条", "204条"),
        (2, "申请2件"),
    ),
    _case(
        "trap-doc-number",
        "文号〔2023〕5号",
        "2023年，区政府办公室印发《关于做好2023年政务公开工作的通知》（西政办发〔2023〕5号），"
        "全年主动公开政府信息1,880条。全年共收到政府信息公开申请33件。",
        (1880, "条", "1,880条"),
        (33, "申请33件"),
    ),
    _case(
        "trap-article",
        "第X条",
        "2023年，区司法局严格按照《中华人民共和国政府信息公开条例》第二十条、第二十一条规定，"
        "主动公开政府信息293条。全年共收到政府信息公开申请5件。",
        (293, "条", "293条"),
        (5, "申请5件"),
    ),
    _case(
        "trap-departments",
        "XX个部门",
        "2023年，区政府统筹全区32个部门、15个街道主动公开政府信息共计6,742条。"
        "全年共收到政府信息公开申请128件。",
        (6742, "条", "6,742条"),
        (128, "申请128件"),
    ),
    _case(
        "trap-trainings",
        "XX次培训、XX人次",
        "2023年，区商务局组织政务公开业务培训3次，参训人员120人次。全年主动公开政府信息358条。"
        "全年共收到政府信息公开申请6件。",
        (358, "条", "358条"),
        (6, "申请6件"),
    ),
    _case(
        "trap-percent-rate",
        "公开率100%",
        "2023年，区卫生健康委主动公开政府信息1,126条，主动公开率达100%。"
        "全年共受理政府信息公开申请52件，按时答复率100%。",
        (1126, "条", "1,126条"),
        (52, "申请52件"),
    ),
    _case(
        "zongshu-wei",
        "主动公开政府信息总数为XX条",
        "2023年，区城市管理委主动公开政府信息总数为2,047条，其中规范性文件4件。"
        "全年共收到政府信息公开申请24件。",
        (2047, "条", "2,047条"),
        (24, "申请24件"),
    ),
    _case(
        "gong-after-xinxi",
        "主动公开政府信息共XX条",
        "2024年度，本机关主动公开政府信息共1,315条，其中工作动态856条、通知公告214条。"
        "全年共受理政府信息公开申请10件。",
        (1315, "条", "1,315条"),
        (10, "申请10件"),
    ),
    _case(
        "channels-then-heji",
        "各渠道分列，合计XX条",
        "2023年，区政府通过门户网站发布信息1,200条，通过“西城发布”微信公众号发布信息480条，合计1,680条。"
        "全年共收到政府信息公开申请31件。",
        (1680, "条", "1,680条"),
        (31, "申请31件"),
        notes="渠道分列后明写合计：合计是总数，渠道数不是。",
    ),
    _case(
        "jiedao-received-verb",
        "接到政府信息公开申请",
        "2023年，区交通支队主动公开政府信息96条。全年共接到政府信息公开申请6件，均已按期答复。",
        (96, "条", "96条"),
        (6, "申请6件"),
    ),
    _case(
        "qunzhong-apply",
        "受理群众申请公开政府信息XX件",
        "2023年，区规划自然资源分局主动公开政府信息734条，受理群众申请公开政府信息41件。",
        (734, "条", "734条"),
        (41, "信息41件"),
    ),
    _case(
        "fabu-zhengwu-xinxi",
        "在政府信息公开平台发布政务信息XX条",
        "2023年，区退役军人事务局在政府信息公开平台发布政务信息158条，"
        "涉及优抚安置、褒扬纪念等方面。全年未收到政府信息公开申请。",
        (158, "条", "158条"),
        (0, "未收到政府信息公开申请"),
    ),
    _case(
        "kanfa-gaojian",
        "编发稿件XX篇",
        "本年度，区融媒体中心编发政务公开稿件1,024篇，全年受理政府信息公开申请2件。",
        (1024, "篇", "1,024篇"),
        (2, "申请2件"),
    ),
    _case(
        "niandu-gong",
        "2023年度共主动公开",
        "2023年度，区经济和信息化局共主动公开政府信息486条，其中政策文件21件，"
        "政策解读9篇。全年共收到政府信息公开申请11件，上年结转2件。",
        (486, "条", "486条"),
        (11, "申请11件"),
        None,
        (2, "结转2件"),
    ),
    _case(
        "review-and-lawsuit",
        "行政复议、行政诉讼",
        "2023年，区人民政府主动公开政府信息5,236条。全年共收到政府信息公开申请214件，"
        "因政府信息公开被申请行政复议3件、提起行政诉讼1件。",
        (5236, "条", "5,236条"),
        (214, "申请214件"),
    ),
    _case(
        "jin-approx",
        "近三千条",
        "2023年，区政府各部门主动公开政府信息近三千条，全年受理政府信息公开申请90余件。",
        (3000, "条", "近三千条"),
        None,
        approximate=True,
    ),
    _case(
        "chaoguo-wan",
        "超过1万条",
        "2023年，市人民政府门户网站全年主动公开政府信息超过1万条，全年新收政府信息公开申请1,208件。",
        (10000, "条", "超过1万条"),
        (1208, "申请1,208件"),
        approximate=True,
    ),
    _case(
        "zhudong-gongkai-wenjian",
        "主动公开各类文件XX件",
        "2022年，区国资委主动公开各类文件312件，全年受理政府信息公开申请4件，全部按期办结。",
        (312, "件", "312件"),
        (4, "申请4件"),
    ),
    _case(
        "fee-and-zero",
        "未收取信息处理费",
        "2023年，区体育局主动公开政府信息143条，全年共收到政府信息公开申请3件，未收取信息处理费。",
        (143, "条", "143条"),
        (3, "申请3件"),
    ),
    _case(
        "meetings-before",
        "召开会议XX次",
        "2023年，区残联召开政务公开专题会议4次，研究部署政务公开工作，全年主动公开政府信息87条。"
        "全年共受理政府信息公开申请1件。",
        (87, "条", "87条"),
        (1, "申请1件"),
    ),
    _case(
        "wangzhan-gongkai-total",
        "在区政府网站公开政府信息共计XX条，其中…",
        "2023年，区科协在区政府网站公开政府信息共计268条，其中工作动态175条、通知公告93条。"
        "全年共收到政府信息公开申请2件。",
        (268, "条", "268条"),
        (2, "申请2件"),
    ),
    _case(
        "dada-reached",
        "主动公开政府信息达XX条",
        "2023年，区委网信办主动公开政府信息达1,356条，较上年增长15.2%。全年共收到政府信息公开申请7件。",
        (1356, "条", "1,356条"),
        (7, "申请7件"),
    ),
    _case(
        "pdf-break-number",
        "PDF 断行在数字前",
        "2023年，区市场监管局依托门户网站、政务新媒体等平台，全年主动公开政府信息\n"
        "2,468条。全年共收到政府信息公开申请\n63件，办结61件。",
        (2468, "条", "2,468条"),
        (63, "63件"),
        (61, "办结61件"),
    ),
)
