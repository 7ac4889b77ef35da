"""The national template's vocabulary: canonical keys, Chinese labels, column orders.

Everything here follows ``shared/spec/gipr-format.md``. Other modules import these
constants instead of spelling keys or labels themselves.
"""

from __future__ import annotations

from typing import Literal

Template = Literal["2019", "2021"]
TableName = Literal["table2", "table3", "table4"]

TABLE_LABELS: dict[str, str] = {"table2": "表二", "table3": "表三", "table4": "表四"}

# --- 表三 -------------------------------------------------------------------------

T3_COLUMNS: tuple[str, ...] = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other_org",
    "total",
)
T3_COLUMN_LABELS: dict[str, str] = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_welfare": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}

T3_ROW_LABELS: dict[str, str] = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开",
    "denied_state_secret": "（三）不予公开 1.属于国家秘密",
    "denied_prohibited_by_law": "（三）不予公开 2.其他法律行政法规禁止公开",
    "denied_three_securities": "（三）不予公开 3.危及“三安全一稳定”",
    "denied_third_party": "（三）不予公开 4.保护第三方合法权益",
    "denied_internal_affairs": "（三）不予公开 5.属于三类内部事务信息",
    "denied_process_info": "（三）不予公开 6.属于四类过程性信息",
    "denied_enforcement_file": "（三）不予公开 7.属于行政执法案卷",
    "denied_query_matter": "（三）不予公开 8.属于行政查询事项",
    "unavailable_not_held": "（四）无法提供 1.本机关不掌握相关政府信息",
    "unavailable_needs_creation": "（四）无法提供 2.没有现成信息需要另行制作",
    "unavailable_unclear": "（四）无法提供 3.补正后申请内容仍不明确",
    "unprocessed_petition": "（五）不予处理 1.信访举报投诉类申请",
    "unprocessed_duplicate": "（五）不予处理 2.重复申请",
    "unprocessed_publication": "（五）不予处理 3.要求提供公开出版物",
    "unprocessed_excessive": "（五）不予处理 4.无正当理由大量反复申请",
    "unprocessed_confirmation": "（五）不予处理 5.要求行政机关确认或重新出具已获取信息",
    "other_handling": "（六）其他处理",
    "other_no_correction": "（六）其他处理 1.申请人无正当理由逾期不补正",
    "other_no_fee": "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用",
    "other_other": "（六）其他处理 3.其他",
    "total_processed": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}

_T3_COMMON_HEAD = (
    "new_received",
    "carried_over",
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_prohibited_by_law",
    "denied_three_securities",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_query_matter",
    "unavailable_not_held",
    "unavailable_needs_creation",
    "unavailable_unclear",
    "unprocessed_petition",
    "unprocessed_duplicate",
    "unprocessed_publication",
    "unprocessed_excessive",
    "unprocessed_confirmation",
)
T3_ROWS: dict[str, tuple[str, ...]] = {
    "2019": (*_T3_COMMON_HEAD, "other_handling", "total_processed", "carried_forward"),
    "2021": (
        *_T3_COMMON_HEAD,
        "other_no_correction",
        "other_no_fee",
        "other_other",
        "total_processed",
        "carried_forward",
    ),
}

# Outcome rows summed by T3-OUTCOME-SUM: every row from granted to the last （六） row.
T3_OUTCOME_ROWS: dict[str, tuple[str, ...]] = {
    tpl: rows[rows.index("granted") : rows.index("total_processed")] for tpl, rows in T3_ROWS.items()
}

# --- 表四 -------------------------------------------------------------------------

T4_GROUPS: tuple[str, ...] = ("review", "litigation_direct", "litigation_after_review")
T4_GROUP_LABELS: dict[str, str] = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼（未经复议直接起诉）",
    "litigation_after_review": "行政诉讼（复议后起诉）",
}
T4_COLUMNS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
T4_COLUMN_LABELS: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}

# --- 表二 -------------------------------------------------------------------------

T2_ROW_LABELS: dict[str, str] = {
    "rules": "规章",
    "normative_documents": "规范性文件",
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "punishment": "行政处罚",
    "coercion": "行政强制",
    "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}

T2_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "2021": {
        "rules": ("issued", "repealed", "in_force"),
        "normative_documents": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",),
        "punishment": ("decisions",),
        "coercion": ("decisions",),
        "fees": ("amount",),
    },
    "2019": {
        "rules": ("new_made", "new_published", "total_published"),
        "normative_documents": ("new_made", "new_published", "total_published"),
        "licensing": ("previous", "change", "decisions"),
        "other_services": ("previous", "change", "decisions"),
        "punishment": ("previous", "change", "decisions"),
        "coercion": ("previous", "change", "decisions"),
        "fees": ("previous", "change"),
        "procurement": ("projects", "amount"),
    },
}
T2_COLUMN_LABELS: dict[str, str] = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "处理决定数量",
    "amount": "金额",
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "previous": "上一年项目数量",
    "change": "本年增/减",
    "projects": "采购项目数量",
}
# Columns whose values are money (kept as exact decimals with a unit), and signed columns.
T2_MONEY_COLUMNS: frozenset[tuple[str, str]] = frozenset({("fees", "amount"), ("procurement", "amount")})
T2_SIGNED_COLUMNS: frozenset[str] = frozenset({"change"})

# --- Sections ---------------------------------------------------------------------

SECTION_KEYS: tuple[str, ...] = (
    "overview",
    "proactive",
    "applications",
    "review_litigation",
    "problems",
    "other",
)
SECTION_LABELS: dict[str, str] = {
    "overview": "一、总体情况",
    "proactive": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}
# Sections whose text is narrative (sent to the narrative extractor); the others hold tables.
NARRATIVE_SECTIONS: tuple[str, ...] = ("overview", "problems", "other")


def row_label(table: str, row: str | None) -> str | None:
    """The Chinese label of a canonical row key, for messages."""
    if row is None:
        return None
    if table == "table3":
        return T3_ROW_LABELS.get(row, row)
    if table == "table4":
        return T4_GROUP_LABELS.get(row, row)
    if table == "table2":
        return T2_ROW_LABELS.get(row, row)
    return row


def column_label(table: str, column: str | None) -> str | None:
    """The Chinese label of a canonical column key, for messages."""
    if column is None:
        return None
    labels = {"table3": T3_COLUMN_LABELS, "table4": T4_COLUMN_LABELS, "table2": T2_COLUMN_LABELS}
    return labels.get(table, {}).get(column, column)
