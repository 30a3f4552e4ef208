"""`http.*`: HTTP hardening judged on the stored pages and probes (redirect to HTTPS, HSTS, mixed
content, cookies, security headers, version disclosure)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from urllib.parse import urljoin, urlsplit

from auditcli.core.models import Finding
from auditcli.core.security import data as knowledge
from auditcli.core.security import host_port, http_form, https_form
from auditcli.core.soupcompat import soup_select
from checks.engine.registry import (
    CouldNotJudge,
    NotApplicable,
    check,
    page_analysis,
    site_analysis,
)
from checks.engine.siteview import Page, SiteView
from checks.security.common import REF_DJCP, REF_DJCP_TRANSPORT, REF_RFC6797, REF_W3C_MIXED


# ====================================================================================== HTTP
def start_page(site: SiteView) -> Page | None:
    page = site.page(site.config.url)
    return page if page is not None and page.status < 400 else None


@site_analysis
def https_offered(site: SiteView) -> bool | None:
    """Does the site offer HTTPS? True when its start page ends on https or its https form answers TLS;
    None when nothing tells (no probe)."""
    start = start_page(site)
    if start is not None and start.final_url.startswith("https://"):
        return True
    if site.config.url.startswith("https://"):
        return True
    probe = site.probe("tls", *https_form(site.config.url))
    if probe is None or probe.tls is None:  # not probed, or the scan itself failed or timed out
        return None
    return bool(probe.tls)


def _require_https(site: SiteView) -> None:
    offered = https_offered(site)
    if offered is None:
        raise CouldNotJudge("抓取时未探测HTTPS", "the crawl did not probe HTTPS")
    if not offered:
        raise NotApplicable("站点未提供HTTPS（见 tls.no-https）", "the site offers no HTTPS (see tls.no-https)")


@check(
    id="http.no-https-redirect", dimension="security", severity="medium", needs=("pages",),
    refs=[REF_DJCP_TRANSPORT, REF_RFC6797],
    title={"zh": "HTTP未重定向到HTTPS", "en": "HTTP does not redirect to HTTPS"},
    fix={"zh": "将站点的全部HTTP请求以301重定向到对应的HTTPS地址", "en": "Redirect every HTTP request to its HTTPS URL (301)"},
)
def no_https_redirect(site: SiteView) -> Iterator[Finding]:
    _require_https(site)
    url = site.config.url
    if url.startswith("http://"):
        start = site.page(url)
        if start is None:
            raise CouldNotJudge("首页未抓取", "the start page was not fetched")
        if not start.final_url.startswith("https://"):
            yield Finding(url=url, locator="http", evidence=f"HTTP {start.status} {start.final_url}",
                          message=f"{url} 以HTTP直接提供内容（HTTP {start.status}），未重定向到HTTPS",
                          message_en=f"{url} is served over HTTP (HTTP {start.status}) without a redirect to HTTPS")
        return
    plain = http_form(url)
    probe = site.probe("redirect", *host_port(plain))
    if probe is None:
        raise CouldNotJudge(f"抓取时未探测 {plain}", f"the crawl did not probe {plain}")
    if probe.refused or probe.status is None:
        return  # nothing listens on plain HTTP there: no content served in clear text (SPEC: not a finding)
    location = probe.location or ""
    if 300 <= probe.status < 400 and urljoin(plain, location).startswith("https://"):
        return
    evidence = f"HTTP {probe.status}" + (f" Location: {location}" if location else "")
    yield Finding(url=plain, locator="http", evidence=evidence,
                  message=f"{plain} 未重定向到HTTPS（{evidence}）",
                  message_en=f"{plain} does not redirect to HTTPS ({evidence})")


def _https_start(site: SiteView) -> Page:
    _require_https(site)
    start = start_page(site)
    if start is None or not start.final_url.startswith("https://"):
        raise NotApplicable("首页未经HTTPS抓取", "the start page was not fetched over HTTPS")
    return start


def hsts_max_age(value: str | None) -> int | None:
    match = re.search(r"max-age\s*=\s*\"?(\d+)", value or "", re.I)
    return int(match.group(1)) if match else None


@check(
    id="http.no-hsts", dimension="security", severity="low", needs=("pages",),
    refs=[REF_RFC6797, REF_DJCP_TRANSPORT],
    title={"zh": "未启用HSTS", "en": "No HSTS"},
    fix={"zh": "在HTTPS响应中加入 Strict-Transport-Security: max-age=31536000",
         "en": "Send Strict-Transport-Security: max-age=31536000 on HTTPS responses"},
)
def no_hsts(site: SiteView) -> Iterator[Finding]:
    start = _https_start(site)
    if hsts_max_age(start.headers.get("strict-transport-security")) is None:
        yield Finding(url=start.final_url, locator="hsts", evidence="Strict-Transport-Security: (absent)",
                      message="HTTPS首页未发送 Strict-Transport-Security 响应头",
                      message_en="The HTTPS home page sends no Strict-Transport-Security header")


@check(
    id="http.weak-hsts", dimension="security", severity="low", needs=("pages",),
    refs=[REF_RFC6797],
    title={"zh": "HSTS有效期过短", "en": "Weak HSTS"},
    fix={"zh": "HSTS max-age 至少设为 15552000（6个月），建议 31536000", "en": "Set HSTS max-age to at least 15552000 (6 months)"},
)
def weak_hsts(site: SiteView) -> Iterator[Finding]:
    start = _https_start(site)
    value = start.headers.get("strict-transport-security")
    age = hsts_max_age(value)
    if age is None:
        raise NotApplicable("未启用HSTS（见 http.no-hsts）", "no HSTS (see http.no-hsts)")
    if age < int(knowledge()["hsts_min_age"]):
        yield Finding(url=start.final_url, locator="hsts", evidence=f"Strict-Transport-Security: {value}",
                      message=f"HSTS max-age={age} 秒，短于6个月", message_en=f"HSTS max-age={age} s is under 6 months")


@dataclass
class MixedContent:
    page: str
    active: list[tuple[str, str]]    # (tag, url)
    passive: list[tuple[str, str]]


@page_analysis(dimensions=("security",))
def mixed_content(page: Page, site: SiteView) -> MixedContent | None:
    if not page.final_url.startswith("https://") or "http://" not in page.text:
        return None
    config = knowledge()["mixed_content"]
    found: dict[str, list[tuple[str, str]]] = {"active": [], "passive": []}
    for group in ("active", "passive"):
        for selector, attr in config[group].items():
            for tag in soup_select(page.tree, selector):  # matched as soupsieve matched BeautifulSoup's tree
                value = (tag.get(attr) or "").strip()
                if value.lower().startswith("http://"):
                    found[group].append((tag.tag, value))
    if not found["active"] and not found["passive"]:
        return None
    return MixedContent(page.final_url, found["active"], found["passive"])


@check(
    id="http.mixed-content", dimension="security", severity="medium", needs=("pages",),
    refs=[REF_W3C_MIXED, REF_DJCP_TRANSPORT],
    title={"zh": "HTTPS页面加载HTTP资源（混合内容）", "en": "Mixed content on an HTTPS page"},
    fix={"zh": "将页面引用的脚本、样式、框架、图片等资源全部改为HTTPS地址",
         "en": "Load every script, style, frame, image and media file over https://"},
)
def mixed(site: SiteView) -> Iterator[Finding]:
    _require_https(site)
    for record in site.page_results(mixed_content):
        for group, items, severity in (("active", record.active, "medium"), ("passive", record.passive, "low")):
            if not items:
                continue
            listed = ", ".join(f"<{tag}> {url}" for tag, url in items[:5])
            what = "脚本/样式/框架（主动内容，浏览器会拦截或被篡改）" if group == "active" else "图片/媒体（被动内容）"
            yield Finding(url=record.page, locator=f"mixed-{group}", severity=severity, evidence=listed,
                          message=f"HTTPS页面通过HTTP加载{len(items)}个{what}：{listed}",
                          message_en=f"The HTTPS page loads {len(items)} {group} resource(s) over HTTP: {listed}",
                          data={"kind": group, "resources": [u for _, u in items]})


@dataclass
class ResponseFacts:
    url: str
    headers: dict[str, str]


@page_analysis(dimensions=("security",))
def response_facts(page: Page, site: SiteView) -> ResponseFacts | None:
    keep = {k: v for k, v in page.headers.items() if k in ("set-cookie", "server", "x-powered-by")}
    return ResponseFacts(page.final_url, keep) if keep else None


@site_analysis
def responses(site: SiteView) -> list[ResponseFacts]:
    """Cookie and server headers of every stored response of the site: its pages, its host portal's home,
    and the login/e-service pages the crawl reached."""
    found = list(site.page_results(response_facts))
    for kind in ("host-home", "service"):
        for stored in site.store.pages(site.id, kind=kind):
            keep = {k: v for k, v in stored.headers.items() if k in ("set-cookie", "server", "x-powered-by")}
            if keep:
                found.append(ResponseFacts(stored.final_url, keep))
    start = site.page(site.config.url)
    if start is not None and not 200 <= start.status < 300:
        found.append(ResponseFacts(start.final_url, {k: v for k, v in start.headers.items()
                                                     if k in ("set-cookie", "server", "x-powered-by")}))
    return found


COOKIE_SPLIT = re.compile(r",\s*(?=[^;,=\s]+=)")


def parse_cookies(header: str) -> list[tuple[str, dict[str, str]]]:
    """Set-Cookie values (joined by ", " in the store) as (name, {attribute: value}) pairs."""
    cookies = []
    for raw in COOKIE_SPLIT.split(header or ""):
        parts = [p.strip() for p in raw.split(";") if p.strip()]
        if not parts or "=" not in parts[0]:
            continue
        name = parts[0].split("=", 1)[0].strip()
        attributes = {}
        for part in parts[1:]:
            key, _, value = part.partition("=")
            attributes[key.strip().lower()] = value.strip()
        cookies.append((name, attributes))
    return cookies


@cache
def _session_cookie() -> re.Pattern[str]:
    return re.compile(knowledge()["session_cookie_pattern"], re.I)


@check(
    id="http.insecure-cookie", dimension="security", severity="medium", needs=("pages",),
    refs=[REF_DJCP_TRANSPORT, "RFC 6265 HTTP State Management (Secure, HttpOnly)"],
    title={"zh": "会话Cookie缺少Secure/HttpOnly属性", "en": "Session cookie without Secure/HttpOnly"},
    fix={"zh": "会话Cookie设置 Secure（HTTPS站点）、HttpOnly 和 SameSite=Lax", "en": "Set Secure (on HTTPS), HttpOnly and SameSite=Lax on session cookies"},
)
def insecure_cookie(site: SiteView) -> Iterator[Finding]:
    judged = False
    seen: set[tuple[str, str, bool]] = set()  # a cookie set on every page is one finding per host
    for facts in responses(site):
        https = facts.url.startswith("https://")
        for name, attributes in parse_cookies(facts.headers.get("set-cookie", "")):
            if not _session_cookie().search(name):
                continue
            judged = True
            if (urlsplit(facts.url).netloc, name, https) in seen:
                continue
            seen.add((urlsplit(facts.url).netloc, name, https))
            missing = [flag for flag, absent in (("Secure", https and "secure" not in attributes),
                                                 ("HttpOnly", "httponly" not in attributes)) if absent]
            no_samesite = "samesite" not in attributes
            if not missing and not no_samesite:
                continue
            host = urlsplit(facts.url).netloc
            shown = "; ".join([f"{name}=…", *(k if not v else f"{k}={v}" for k, v in attributes.items())])
            if missing:
                yield Finding(url=facts.url, locator=f"cookie:{host}:{name}", evidence=f"Set-Cookie: {shown}",
                              message=f"会话Cookie {name} 缺少 {'、'.join(missing)} 属性" + ("（亦未设置SameSite）" if no_samesite else ""),
                              message_en=f"Session cookie {name} lacks {' and '.join(missing)}" + (" (and SameSite)" if no_samesite else ""),
                              data={"cookie": name, "missing": missing + (["SameSite"] if no_samesite else [])})
            else:
                yield Finding(url=facts.url, locator=f"cookie:{host}:{name}", severity="info", evidence=f"Set-Cookie: {shown}",
                              message=f"会话Cookie {name} 未设置SameSite属性", message_en=f"Session cookie {name} has no SameSite attribute",
                              data={"cookie": name, "missing": ["SameSite"]})
    if not judged:
        raise NotApplicable("未发现会话Cookie", "no session cookie was set")


def missing_headers(headers: dict[str, str]) -> list[str]:
    csp = headers.get("content-security-policy", "")
    missing = []
    for name in knowledge()["security_headers"]:
        value = headers.get(name.lower())
        if name == "X-Frame-Options" and not value and "frame-ancestors" in csp.lower():
            continue
        if not value:
            missing.append(name)
    return missing


@check(
    id="http.missing-security-headers", dimension="security", severity="low", needs=("pages",),
    refs=[REF_DJCP, "OWASP Secure Headers Project"],
    title={"zh": "缺少安全响应头", "en": "Missing security headers"},
    fix={"zh": "配置 Content-Security-Policy、X-Content-Type-Options: nosniff 和 X-Frame-Options（或CSP frame-ancestors）",
         "en": "Send Content-Security-Policy, X-Content-Type-Options: nosniff and X-Frame-Options (or CSP frame-ancestors)"},
)
def missing_security_headers(site: SiteView) -> Iterator[Finding]:
    start = start_page(site)
    if start is None:
        raise CouldNotJudge("首页未抓取", "the start page was not fetched")
    missing = missing_headers(start.headers)
    if missing:
        yield Finding(url=start.final_url, locator="headers", evidence="缺少: " + ", ".join(missing),
                      message=f"首页响应缺少安全响应头：{'、'.join(missing)}",
                      message_en=f"The home page response lacks: {', '.join(missing)}", data={"missing": missing})


VERSION = re.compile(r"\d+(?:\.\d+)+|/\d+")


@check(
    id="http.server-version-disclosure", dimension="security", severity="low", needs=("pages",),
    refs=[REF_DJCP],
    title={"zh": "响应头泄露服务器软件版本", "en": "Server software version disclosed"},
    fix={"zh": "关闭版本号输出（nginx: server_tokens off；Apache: ServerTokens Prod；"
               "IIS: web.config 中 <requestFiltering removeServerHeader=\"true\" />（IIS 10 及以上，更早版本用 "
               "URL 重写出站规则清空 Server），<customHeaders> 中 <remove name=\"X-Powered-By\" />，"
               "<httpRuntime enableVersionHeader=\"false\" />；PHP: expose_php Off）",
         "en": "Hide version numbers (nginx: server_tokens off; Apache: ServerTokens Prod; "
               "IIS: <requestFiltering removeServerHeader=\"true\" /> in web.config (IIS 10 and later; earlier, "
               "a URL Rewrite outbound rule that blanks Server), <remove name=\"X-Powered-By\" /> under "
               "<customHeaders>, <httpRuntime enableVersionHeader=\"false\" />; PHP: expose_php Off)"},
)
def server_version_disclosure(site: SiteView) -> Iterator[Finding]:
    seen: set[tuple[str, str, str]] = set()
    for facts in responses(site):
        host = urlsplit(facts.url).netloc
        for header in ("server", "x-powered-by"):
            value = facts.headers.get(header, "")
            if not value or not VERSION.search(value) or (host, header, value) in seen:
                continue
            seen.add((host, header, value))
            shown = {"server": "Server", "x-powered-by": "X-Powered-By"}[header]
            yield Finding(url=facts.url, locator=f"{host}:{header}", evidence=f"{shown}: {value}",
                          message=f"{host} 的 {shown} 响应头泄露版本号：{value}",
                          message_en=f"{host} discloses a version in {shown}: {value}")
