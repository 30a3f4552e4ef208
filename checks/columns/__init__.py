"""Columns (栏目): the `columns.*` checks, judged on the column model (checks.engine.columnmodel): empty
columns (空白栏目, a veto) and the columns whose list a script fills, which a static audit cannot judge;
duplicated columns (duplicates.py), thin disclosure (thin.py) and the audit-wide shared-content note (shared.py)."""

from __future__ import annotations

from collections.abc import Iterator

from auditcli.core.models import Finding
from checks.columns import duplicates, shared, thin  # noqa: F401  (registers their checks and blocks)
from checks.engine.columnmodel import columns_model
from checks.engine.registry import check
from checks.engine.siteview import SiteView

REFS_EMPTY = ["国办秘函〔2019〕19号 单项否决 空白栏目", "国办发〔2017〕47号 政府网站发展指引"]


@check(
    id="columns.empty",
    dimension="columns",
    severity="high",
    refs=REFS_EMPTY,
    title={"zh": "空白栏目", "en": "Empty column"},
    fix={"zh": "补充栏目内容，或撤并长期无内容的栏目", "en": "Publish content in the column, or merge it away"},
)
def empty_columns(site: SiteView) -> Iterator[Finding]:
    for c in columns_model(site).columns:
        if c.status == "empty":
            yield c.finding(f"栏目“{c.name}”无内容（{c.evidence}）",
                            f"Column “{c.name}” has no content ({c.evidence_en or c.evidence})")


@check(
    id="columns.needs-browser",
    dimension="columns",
    severity="info",
    refs=["国办秘函〔2019〕19号 空白栏目", "docs/SPEC.md §6 lists filled by script"],
    title={"zh": "栏目列表由脚本加载，需浏览器模式判断", "en": "Column list is filled by script: needs browser mode"},
    fix={"zh": "用 --browser 重新检查以判断该栏目是否空白、是否更新；列表最好在服务器端输出（搜索引擎、读屏软件"
               "和不执行脚本的检查工具都能读到）。",
         "en": "Audit again with --browser to judge whether the column is empty or stale; better, render the "
               "list on the server, where search engines, screen readers and script-less tools read it."},
)
def script_lists(site: SiteView) -> Iterator[Finding]:
    """Not a failure: a column the static pass could not judge is named, and counted towards no veto."""
    for c in columns_model(site).columns:
        if c.status == "needs-browser":
            yield c.finding(f"栏目“{c.name}”的列表由脚本加载（{c.evidence}），未经浏览器渲染无法判断是否空白或更新",
                            f"Column “{c.name}”: {c.evidence_en}")
