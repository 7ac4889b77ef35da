"""gipr-llm: read 政府信息公开工作年度报告 into checked, structured data and briefings."""

__version__ = "0.1.0"
