"""Coverage of the county tree (coverage.*): the county portal's links to its township and department sites,
against the sites file and against what each sub-site's own audit found.

Two stages, because data flows one way:
- per site, from its own pages: `coverage.parked` (its home page is a registrar's parking page, a web
  server's default page or a domain for sale), `coverage.redirected-away` (its start URL lands on an
  unrelated domain), and on county-level sites the private block `_subsite_links` (the sub-sites its
  home page lists, read as `auditcli discover` reads them: auditcli.core.subsites);
- once every site is judged, `note_coverage` (called by check_store, like note_shared_content) sets the
  county's sub-sites from the sites file (`parent`) beside the links, gives the county its `coverage`
  block (the tree and the roll-up) and the cross-site findings: a linked sub-site dead
  (`coverage.subsite-dead`) or parked / redirected away (`coverage.subsite-parked`), a zombie sub-site
  (`coverage.zombie`: reachable, newest item older than the profile's `zombie_max_age_days`), a sub-site
  the portal does not link (`coverage.unlinked`), a linked sub-site missing from the file
  (`coverage.unlisted`, info). The caller re-scores the sites it changed.

A linked sub-site that is not in the sites file was not audited and is never fetched here (checks fetch
nothing; the crawl does not follow off-site links): its state is "not-audited". Patterns and the default
threshold are in auditcli/core/knowledge/coverage.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from auditcli.core import knowledge, subsites
from auditcli.core.models import Finding
from auditcli.core.tree import visible_text
from auditcli.core.urls import ip_literal, normalise_url, registered_domain
from checks.engine.registry import NotApplicable, all_checks, check, result_block
from checks.engine.siteview import Page, SiteView

PRIVATE_BLOCK = "_subsite_links"
REFS = ["国办发〔2017〕47号 政府网站发展指引：政府网站集约化，清理整合", "国办秘函〔2019〕19号 政府网站与政务新媒体检查指标"]
ACROSS = "coverage"  # the checks judged across sites, by note_coverage
LEVELS = ("township", "department")


@cache
def rules() -> dict[str, Any]:
    return knowledge.load("coverage")


def parked_kind(page: Page) -> tuple[str, str] | None:
    """(kind, the phrase it showed) when the page is a parking, default-server or for-sale page."""
    text = " ".join(visible_text(page.tree).split())
    if len(text) > int(rules()["max_text_chars"]):
        return None
    title, lowered = page.title.lower(), text.lower()
    for kind, phrases in rules()["kinds"].items():
        for phrase in phrases.get("title", []):
            if phrase.lower() in title:
                return kind, page.title
        for phrase in phrases.get("text", []):
            if phrase.lower() in lowered:
                return kind, phrase
    return None


def _domain(host: str) -> str:
    """What makes two hosts one site's: the registered domain, or the host itself (an IP, a bare name)."""
    host = host.lower()
    if ip_literal(host) is not None:
        return host
    return registered_domain(host) or host


def redirected_away(site: SiteView) -> str | None:
    """The URL the start page landed on when that is another domain (not www.x → x, not http → https)."""
    start = site.page(site.config.url)
    if start is None or not start.final_url:
        return None
    origin, landed = urlsplit(site.config.url), urlsplit(start.final_url)
    same = _domain(origin.hostname or "") == _domain(landed.hostname or "")
    if same and (ip_literal(origin.hostname or "") is None or origin.port == landed.port):
        return None
    return start.final_url


@check(id="coverage.parked", dimension="links", severity="high", refs=REFS,
       title={"zh": "网站首页为域名停放页或服务器默认页", "en": "The site's home page is a parked or default page"},
       fix={"zh": "恢复网站内容，或关停网站并从县级门户和网站群中撤下链接",
            "en": "Restore the site, or close it and remove its links from the county portal"})
def parked(site: SiteView) -> Iterator[Finding]:
    home = site.homepage
    if home is None:
        raise NotApplicable("首页无法读取", "the home page could not be read")
    found = parked_kind(home)
    if found:
        kind, evidence = found
        yield Finding(url=home.final_url, locator=normalise_url(site.config.url), evidence=evidence,
                      message=f"首页不是网站内容，而是{_KIND_ZH[kind]}（「{evidence}」）",
                      message_en=f"the home page is {_KIND_EN[kind]}, not the site (“{evidence}”)",
                      data={"kind": kind})


@check(id="coverage.redirected-away", dimension="links", severity="high", refs=REFS,
       title={"zh": "网站地址跳转到无关网站", "en": "The site's address redirects to an unrelated site"},
       fix={"zh": "核实域名归属，恢复网站或撤下链接", "en": "Check who holds the domain; restore the site or remove its links"})
def redirected(site: SiteView) -> Iterator[Finding]:
    landed = redirected_away(site)
    if landed:
        yield Finding(url=site.config.url, locator=normalise_url(site.config.url), evidence=landed,
                      message=f"网站地址跳转到另一个域名：{landed}",
                      message_en=f"the site's address redirects to another domain: {landed}",
                      data={"landed": landed})


_KIND_ZH = {"default-server": "服务器默认页", "parking": "域名停放页", "for-sale": "域名出售页"}
_KIND_EN = {"default-server": "a web server's default page", "parking": "a domain parking page",
            "for-sale": "a domain-for-sale page"}


def _across(check_id: str, severity: str, title: tuple[str, str], fix: tuple[str, str]) -> None:
    """A check judged by note_coverage once every site is judged: per site it has nothing to say."""
    def judged_across(site: SiteView) -> Iterator[Finding]:
        raise NotApplicable("跨网站判断（县级网站与其子网站）", "judged across sites (a county site and its sub-sites)")
        yield  # pragma: no cover

    judged_across.__name__ = check_id.replace(".", "_").replace("-", "_")
    check(id=check_id, dimension="links", severity=severity, refs=REFS, title={"zh": title[0], "en": title[1]},
          fix={"zh": fix[0], "en": fix[1]})(judged_across)


_across("coverage.subsite-dead", "high", ("县级门户链接的子网站无法访问", "A sub-site the county portal links is dead"),
        ("恢复子网站，或撤下门户上的链接", "Bring the sub-site back, or remove the portal's link"))
_across("coverage.subsite-parked", "high",
        ("县级门户链接的子网站为停放页、默认页或跳转到无关网站",
         "A sub-site the county portal links is parked, a default page or redirected away"),
        ("恢复子网站，或撤下门户上的链接", "Bring the sub-site back, or remove the portal's link"))
_across("coverage.zombie", "high", ("僵尸网站：子网站长期未更新", "Zombie site: a sub-site not updated for a long time"),
        ("恢复更新，或按集约化要求关停整合", "Update it, or close it and merge it into the county platform"))
_across("coverage.unlinked", "low", ("子网站未在县级门户上链接", "A sub-site the county portal does not link"),
        ("在门户的乡镇/部门网站列表中加入链接", "Add it to the portal's list of township and department sites"))
_across("coverage.unlisted", "info", ("门户链接的子网站不在检查名单中", "A sub-site the portal links is not in the sites file"),
        ("将其加入网站清单并检查", "Add it to the sites file and audit it"))


@result_block(PRIVATE_BLOCK, dimensions=("links",))
def subsite_links_block(site: SiteView) -> list[dict[str, Any]] | None:
    """A county-level site's sub-site links on its home page (name, URL, level), for note_coverage only."""
    home = site.homepage
    if site.config.level != "county" or home is None:
        return None
    links = subsites.read_page(home.final_url, home.text, (home.headers or {}).get("content-type", ""))
    draft = subsites.judge(links, home.final_url, site.config.name, start_page=home.final_url)
    return [{"name": e.name, "url": e.url, "level": e.level, "page": e.link.page}
            for e in draft.sites + draft.undecided]


# -- across the sites ----------------------------------------------------------------------------------------

def _key(url: str) -> tuple[str, str]:
    """(host:port without www., the path's directory) of a URL."""
    parts = urlsplit(normalise_url(url))
    netloc = re.sub(r"^www\.", "", parts.netloc.lower())
    path = parts.path or "/"
    return netloc, path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


def _matches(link_url: str, site_url: str) -> bool:
    """The link leads into the site: same host, under the site's directory."""
    link, site = _key(link_url), _key(site_url)
    return link[0] == site[0] and link[1].startswith(site[1])


def _newest(site: dict[str, Any]) -> date | None:
    """The newest item the site's audit recorded: its home page's and its columns' latest dates."""
    dates = [(site.get("homepage") or {}).get("latest_date")]
    dates += [c.get("latest_date") for c in site.get("columns") or [] if isinstance(c, dict)]
    found = [date.fromisoformat(d) for d in dates if isinstance(d, str)]
    return max(found) if found else None


def _state(site: dict[str, Any], as_of: date, limit: int) -> tuple[str, date | None, str | None]:
    """dead | parked | redirected | zombie | kept-up | unknown, the newest item, and why."""
    if site.get("status") == "unreachable":
        return "dead", None, site.get("status_detail")
    own = {f.get("check"): f for f in site.get("findings") or []}
    if "coverage.parked" in own:
        return "parked", None, own["coverage.parked"].get("evidence")
    if "coverage.redirected-away" in own:
        return "redirected", None, own["coverage.redirected-away"].get("evidence")
    if site.get("verdict") == "not-assessed" and not site.get("findings"):
        return "unknown", None, site.get("status_detail")
    newest = _newest(site)
    if newest is None:
        return "unknown", None, "no dated item found"
    return ("zombie" if (as_of - newest).days > limit else "kept-up"), newest, None


def note_coverage(sites: list[dict[str, Any]], as_of: date, settings: dict[str, Any]) -> list[int]:
    """Give every county-level site with sub-site links read its `coverage` block and cross-site findings;
    drop the private link blocks. Returns the indexes of the sites changed (to score again)."""
    limit = int(settings.get("zombie_max_age_days") or rules()["zombie_max_age_days"])
    specs = {spec.id: spec for spec in all_checks() if spec.id.startswith("coverage.")}
    counties = [i for i, s in enumerate(sites) if s.get("level") == "county"]
    changed = []
    for index, site in enumerate(sites):
        links = site.pop(PRIVATE_BLOCK, None)
        if links is None or index not in counties:
            continue
        children = [s for s in sites if s is not site and s.get("level") != "county"
                    and (s.get("parent") == site["id"] or (s.get("parent") is None and len(counties) == 1))]
        tree, found = _tree(site, children, links, as_of, limit)
        judged = [i for i in specs if i in ACROSS_IDS and (site.get("outcomes") or {}).get(i)]
        findings = [_finding(specs[check_id], site, **data) for check_id, data in found if check_id in judged]
        _record(site, judged, findings)
        site["coverage"] = {"zombie_max_age_days": limit, "tree": tree, "rollup": _rollup(tree)}
        changed.append(index)
    return changed


ACROSS_IDS = ("coverage.subsite-dead", "coverage.subsite-parked", "coverage.zombie", "coverage.unlinked",
              "coverage.unlisted")


def _tree(county: dict[str, Any], children: list[dict[str, Any]], links: list[dict[str, Any]], as_of: date,
          limit: int) -> tuple[list[dict[str, Any]], list[tuple[str, dict[str, Any]]]]:
    """Each branch (a sub-site of the file, then each linked one not in it) and the findings it calls for."""
    tree, found, used = [], [], set()
    for child in children:
        link = next((link for link in links if _matches(link["url"], child["url"])), None)
        if link is not None:
            used.add(link["url"])
        state, newest, detail = _state(child, as_of, limit)
        branch = {"site": child["id"], "name": child.get("name") or child["id"], "url": child["url"],
                  "level": child.get("level"), "listed": True, "linked": link is not None,
                  "linked_as": link["name"] if link else None, "linked_from": link["page"] if link else None,
                  "state": state, "newest": newest.isoformat() if newest else None,
                  "age_days": (as_of - newest).days if newest else None, "detail": detail}
        tree.append(branch)
        if link is None:
            found.append(("coverage.unlinked", branch))
        elif state == "dead":
            found.append(("coverage.subsite-dead", branch))
        elif state in ("parked", "redirected"):
            found.append(("coverage.subsite-parked", branch))
        if state == "zombie":
            found.append(("coverage.zombie", branch))
    for link in links:
        if link["url"] in used or link["level"] not in LEVELS:
            continue
        branch = {"site": None, "name": link["name"], "url": link["url"], "level": link["level"], "listed": False,
                  "linked": True, "linked_as": link["name"], "linked_from": link["page"], "state": "not-audited",
                  "newest": None, "age_days": None, "detail": None}
        tree.append(branch)
        found.append(("coverage.unlisted", branch))
    return tree, found


def _rollup(tree: list[dict[str, Any]]) -> dict[str, int]:
    """Sub-sites expected (in the file) / linked / reachable / kept up, and the linked ones not in the file."""
    listed = [b for b in tree if b["listed"]]
    return {"expected": len(listed), "linked": sum(1 for b in listed if b["linked"]),
            "reachable": sum(1 for b in listed if b["state"] in ("kept-up", "zombie", "unknown")),
            "kept_up": sum(1 for b in listed if b["state"] == "kept-up"),
            "unlisted": sum(1 for b in tree if not b["listed"])}


_STATE_ZH = {"dead": "无法访问", "parked": "为停放页或默认页", "redirected": "跳转到无关网站", "zombie": "长期未更新",
             "kept-up": "正常更新", "unknown": "状态不明", "not-audited": "未检查"}


def _finding(spec, county: dict[str, Any], **branch: Any) -> Finding:
    name, url, state = branch["name"], branch["url"], branch["state"]
    age = f"，最新信息 {branch['newest']}（{branch['age_days']} 天前）" if branch.get("newest") else ""
    age_en = f", newest item {branch['newest']} ({branch['age_days']} days ago)" if branch.get("newest") else ""
    detail = f"（{branch['detail']}）" if branch.get("detail") else ""
    messages = {
        "coverage.subsite-dead": (f"门户链接的「{name}」无法访问{detail}", f"the portal links “{name}”, which is dead"),
        "coverage.subsite-parked": (f"门户链接的「{name}」{_STATE_ZH[state]}{detail}",
                                    f"the portal links “{name}”, which is {state} ({branch.get('detail')})"),
        "coverage.zombie": (f"「{name}」为僵尸网站{age}", f"“{name}” is a zombie site{age_en}"),
        "coverage.unlinked": (f"名单中的「{name}」未在县级门户上链接", f"“{name}” of the sites file is not linked"),
        "coverage.unlisted": (f"门户链接的「{name}」不在检查名单中", f"the portal links “{name}”, not in the sites file"),
    }
    zh, en = messages[spec.id]
    finding = Finding(url=url, message=zh, message_en=en, locator=normalise_url(url), evidence=branch.get("linked_as"),
                      data={k: branch[k] for k in ("site", "name", "level", "state", "newest", "age_days",
                                                   "linked_from")})
    finding.check, finding.dimension, finding.severity = spec.id, spec.dimension, spec.severity
    finding.title, finding.title_en = spec.title.get("zh", spec.id), spec.title.get("en", spec.id)
    finding.refs, finding.fix = list(spec.refs), spec.fix.get("zh", "")
    finding.fingerprint = finding.compute_fingerprint()
    return finding


def _record(site: dict[str, Any], judged: list[str], findings: list[Finding]) -> None:
    """The findings, the checks' outcomes (passed / failed, no longer not-applicable) and the dimension counts."""
    site.setdefault("findings", []).extend(f.to_dict() for f in findings)
    dimension = (site.get("dimensions") or {}).get("links")
    for check_id in judged:
        failed = any(f.check == check_id for f in findings)
        site["outcomes"][check_id] = {"status": "failed" if failed else "passed"}
        if dimension is not None:
            dimension["checks"] = dimension.get("checks", 0) + 1
            dimension["status"] = "assessed"
    if dimension is not None:
        dimension["findings"] = dimension.get("findings", 0) + len(findings)
