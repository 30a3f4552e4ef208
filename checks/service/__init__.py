"""Dimension `service` (办事服务): are the site's 办事指南 usable (国办秘函〔2019〕19号 单项否决 服务不实用)?

- `service.guide-incomplete` (medium): a guide page (checks/service/guides.py) missing key elements —
  事项名称, 设定依据, 申请条件, 办理材料, 办理地点, 办理时间, 办理时限, 收费标准, 办理流程, 咨询电话 — a label
  absent, or left blank (暂无, "-", nothing, 详见附件 without an attachment). One finding per guide.
- The `service` block of results.json: guides found, complete, incomplete (each with what it lacks), links
  to the service platform elsewhere (政务服务网: another host, not crawled) and on-site service entries,
  and `no_service` — no guide, no service entry, no link to a platform. Scoring's `service` veto reads
  this block (one owner per decision): N incomplete guides or more, or no service at all on a site of a
  level the profile names (a township or department whose services are on the county's or province's
  platform links to it, so it has services elsewhere; docs/SPEC.md §7).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from auditcli.core.models import Finding
from checks.engine.registry import check, page_analysis, result_block, site_analysis
from checks.engine.siteview import Page, SiteView
from checks.service.guides import Guide, element_keys, element_name, knowledge, read_guide

REFS = ["国办秘函〔2019〕19号 单项否决 服务不实用（办事指南要素缺失）", "国办发〔2017〕47号 政府网站发展指引 办事服务"]
LISTED = 20  # incomplete guides the block lists by name (the findings carry all of them)
PLATFORM_EXAMPLES = 5


@page_analysis(dimensions=("service",))
def page_guide(page: Page, site: SiteView) -> Guide | None:
    return read_guide(page.text, page.final_url, page.tree)


@site_analysis
def guides(site: SiteView) -> list[Guide]:
    """The site's guides, one per page URL, in crawl order."""
    seen: dict[str, Guide] = {}
    for guide in site.page_results(page_guide):
        seen.setdefault(guide.url, guide)
    return list(seen.values())


def _platform_link(url: str, text: str, site: SiteView) -> bool:
    """A link to a service platform on another host: by its text (政务服务网, 网上办事大厅) or its host (zwfw.…)."""
    k = knowledge()
    host = (urlsplit(url).hostname or "").lower()
    if not host or site.config.on_host(url):
        return False
    return (any(word in (text or "") for word in k["platform_words"])
            or any(part in label for label in host.split(".") for part in k["platform_host_parts"]))


@site_analysis
def service_links(site: SiteView) -> tuple[list[str], int]:
    """(platform URLs elsewhere, distinct, in link order; on-site links naming a service entry)."""
    words = knowledge()["platform_words"]
    platform: list[str] = []
    entries: set[str] = set()
    for link in site.links():
        if _platform_link(link.dst, link.text, site):
            if link.dst not in platform:
                platform.append(link.dst)
        elif site.config.on_host(link.dst) and any(word in (link.text or "") for word in words):
            entries.add(link.dst)
    return platform, len(entries)


@result_block("service", dimensions=("service",))
@site_analysis
def service_block(site: SiteView) -> dict[str, Any]:
    """results.json `service`: the one record of the guides' decision that scoring and the report read."""
    found = guides(site)
    incomplete = [g for g in found if not g.complete]
    platform, entries = service_links(site)
    return {
        "guides": len(found), "complete": len(found) - len(incomplete), "incomplete": len(incomplete),
        "incomplete_guides": [{"url": g.url, "name": g.name, "missing": g.missing} for g in incomplete[:LISTED]],
        "platform_links": len(platform), "platform": platform[:PLATFORM_EXAMPLES], "entries": entries,
        "no_service": not found and not platform and not entries,
    }


@check(
    id="service.guide-incomplete",
    dimension="service",
    severity="medium",
    refs=REFS,
    title={"zh": "办事指南要素缺失", "en": "Service guide lacks key elements"},
    fix={"zh": "补全办事指南的事项名称、设定依据、申请条件、办理材料、办理地点、办理时间、办理时限、收费标准、办理流程、咨询电话等要素，"
               "不以“暂无”“详见附件”（无附件）代替",
         "en": "Complete the guide: name, legal basis, conditions, documents, place, hours, time limit, fees, "
               "procedure and enquiry phone; no 暂无 or “see attachment” without one"},
    needs=("pages", "analysis:page_guide"),
)
def guide_incomplete(site: SiteView) -> Iterator[Finding]:
    for guide in guides(site):
        missing = guide.missing
        if not missing:
            continue
        zh = "、".join(element_name(key) + ("（空白）" if key in guide.blank else "") for key in missing)
        en = ", ".join(element_name(key, "en") + (" (blank)" if key in guide.blank else "") for key in missing)
        present = [key for key in element_keys() if key not in missing]
        yield Finding(url=guide.url, message=f"办事指南“{guide.name}”缺少 {len(missing)} 项要素：{zh}",
                      message_en=f"Service guide “{guide.name}” lacks {len(missing)} element(s): {en}",
                      selector=guide.selector, locator="service-guide",
                      evidence="；".join(f"{element_name(k)}：{guide.values[k][:30]}" for k in present[:4]) or None,
                      data={"name": guide.name, "missing": missing, "blank": guide.blank, "present": present})
