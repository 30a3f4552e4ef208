"""`a11y.assistive-tool-missing`: the home page offers no 无障碍 / 适老化 (elderly care) entry.

An entry is a link, button or image whose text, alt, title or aria-label holds one of the words in
`auditcli/core/knowledge/accessibility.yaml` (无障碍, 长者模式, 关怀版, 适老化, 大字版, ...), or a known
assistive toolbar script (`<script src>` of cniil.com and the like) that draws the entry itself.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from auditcli.core.knowledge import load
from auditcli.core.models import Finding
from auditcli.core.soupcompat import soup_text
from checks.engine.registry import CouldNotJudge, check
from checks.engine.siteview import SiteView

ASSISTIVE = load("accessibility")["assistive"]
WORDS = tuple(w.lower() for w in ASSISTIVE["words"])
SCRIPTS = tuple(s.lower() for s in ASSISTIVE["scripts"])


def assistive_entry(root: HtmlElement) -> str | None:
    """What on the page (its <html>, `Page.tree`) is the assistive entry (its text or script src), or None."""
    for script in root.iter("script"):
        src = script.get("src")
        if src is not None and any(s in src.lower() for s in SCRIPTS):
            return src
    for tag in root.iter("a", "button", "img", "input", "span", "div", "li"):
        name = tag.tag
        if name in ("span", "div", "li") and not (tag.get("onclick") or tag.get("role") == "button"):
            continue
        texts = [soup_text(tag, " ") if name in ("a", "button", "span", "div", "li") else ""]
        texts += [tag.get(a, "") for a in ("alt", "title", "aria-label", "value")]
        blob = " ".join(texts).lower()
        for word in WORDS:
            if word in blob:
                return " ".join(" ".join(texts).split())[:60]
    return None


@check(
    id="a11y.assistive-tool-missing", dimension="accessibility", severity="info",
    refs=["GB/T 37668-2019", "工业和信息化部《互联网网站适老化通用设计规范》（2020）",
          "国办秘函〔2019〕19号 无障碍浏览（加分项）"],
    title={"zh": "首页无无障碍/适老化入口", "en": "No accessibility assistance entry on the home page"},
    fix={"zh": "老年人和视障用户需要从首页进入无障碍辅助工具或长者（关怀）版。在首页顶部提供“无障碍浏览”"
               "“长者模式/关怀版”入口（大字、高对比、读屏、放大镜）。",
         "en": "Older and visually impaired visitors need an entry to an assistive toolbar or an "
               "elderly-care version. Offer 无障碍浏览 / 长者模式 entries at the top of the home page "
               "(large text, high contrast, screen reading, magnifier)."},
    needs=("pages",),
)
def assistive_tool_missing(site: SiteView) -> Iterator[Finding]:
    home = site.homepage
    if home is None:
        raise CouldNotJudge("没有抓取到首页", "the home page was not fetched")
    if assistive_entry(home.tree) is None:
        yield Finding(url=home.final_url, message="首页没有无障碍浏览或适老化（长者模式/关怀版）入口",
                      message_en="the home page has no accessibility or elderly-care (适老化) entry",
                      locator="homepage")
