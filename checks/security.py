"""Dimension `security`: TLS per HTTPS host:port, HTTP hardening, and the login-page audit.

Passive only (docs/SPEC.md §6): the crawl scans each distinct HTTPS host:port once with sslyze and
probes the plain-HTTP form of https sites (`spiders.probes.SecurityProber`), storing the facts as
probes; these checks judge the stored probes and pages offline. No form is ever submitted.

Exact meanings (docs/SPEC.md §6 "Security details", plus what the SPEC leaves open):
- TLS hosts of a site: the https hosts its pages were served from (portal, aliases its start page
  redirected to, login/e-service hosts the crawl reached as `service` pages) and the https hosts its
  login forms post to. An http-only site's https form (same port when the URL names one, else 443)
  is scanned too: a failed handshake there is `tls.no-https`.
- Certificate problems each have their own id; trust is judged apart from dates, names and algorithm
  strength (spiders/tlsscan.py), so an expired certificate is not also untrusted. A chain the server
  left incomplete but that AIA completes to a trusted root is `tls.cert-chain-incomplete` only.
- `http.no-https-redirect`, HSTS and mixed content only apply to a site that offers HTTPS: a site
  with no HTTPS at all gets `tls.no-https` alone, not also "no redirect to the https it lacks".
- `login.form-action-insecure`: a password form whose action goes to http:// from an https page, or
  is written out as an http:// URL (an http page posting to its own relative action is already
  `login.password-over-http`).
- `login.single-factor` is judged per login page; second-factor signals and captcha words live in
  auditcli/core/knowledge/security.yaml.
- Severities follow the SPEC's severities bullet: active mixed content is medium, passive low.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from auditcli.core.html import css_path, visible_text
from auditcli.core.models import Finding
from auditcli.core.security import data as knowledge
from auditcli.core.security import host_port, http_form, https_form
from checks.registry import CouldNotJudge, NotApplicable, check, page_analysis, result_block, site_analysis
from checks.siteview import Page, SiteView

REF_DJCP = "GB/T 22239-2019 信息安全技术 网络安全等级保护基本要求"
REF_DJCP_AUTH = "GB/T 22239-2019 8.1.4.1 身份鉴别（第三级：两种或两种以上组合的鉴别技术）"
REF_DJCP_TRANSPORT = "GB/T 22239-2019 8.1.2.2 通信传输（采用校验技术或密码技术保证通信过程中数据的完整性、保密性）"
REF_CRYPTO = "GB/T 39786-2021 信息安全技术 信息系统密码应用基本要求"
REF_RFC8996 = "RFC 8996 Deprecating TLS 1.0 and TLS 1.1"
REF_RFC6797 = "RFC 6797 HTTP Strict Transport Security"
REF_W3C_MIXED = "W3C Mixed Content"
LEGACY = ("SSLv2", "SSLv3", "TLSv1.0", "TLSv1.1")


# ====================================================================================== models
@dataclass
class LoginForm:
    """A page with a password field, as the login checks see it."""

    page: str                      # the page URL as served (final URL)
    kind: str                      # page | service
    action: str                    # absolute action URL ("" when the field is outside any form)
    action_raw: str
    selector: str
    snippet: str
    factors: list[str] = field(default_factory=list)    # second-factor signals found (labels)
    captcha: list[str] = field(default_factory=list)    # captcha/slider words found (not a factor)
    referrer: str | None = None                         # the page the crawl came from
    factors_en: list[str] = field(default_factory=list)

    @property
    def https_page(self) -> bool:
        return self.page.startswith("https://")


@dataclass
class HostTLS:
    host: str
    port: int
    roles: list[str]
    probe: dict[str, Any] | None

    @property
    def url(self) -> str:
        return f"https://{self.host}/" if self.port == 443 else f"https://{self.host}:{self.port}/"

    @property
    def label(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def scanned(self) -> bool:
        return bool(self.probe and self.probe.get("tls"))

    def certificate(self, as_of: date) -> dict[str, Any] | None:
        """The scanned certificate with its validity judged at the audit's as-of day (`dated_problems`)."""
        certificate = (self.probe or {}).get("certificate")
        if not certificate:
            return None
        return {**certificate, "problems": dated_problems(certificate, judged_at(self.probe or {}, as_of))}


# ====================================================================================== validity by date
def judged_at(probe: dict[str, Any], as_of: date) -> datetime:
    """The moment a certificate's dates are judged at: the scan's own moment moved to the as-of day. On
    the day of the scan that is the handshake itself; `auditcli check --as-of` a month later judges the
    same certificate a month on. A scan without its moment is judged at midday (UTC) of the as-of day."""
    scanned = probe.get("scanned_at")
    if not scanned:
        return datetime.combine(as_of, time(12), UTC)
    at = datetime.fromisoformat(scanned)
    return at + timedelta(days=(as_of - at.astimezone().date()).days)


def dated_problems(certificate: dict[str, Any], at: datetime) -> dict[str, Any]:
    """The certificate's problems with `expired` / `not_yet_valid` decided here, from the dates the scan
    stored, and never taken from the scan (whose clock is not the audit's day)."""
    problems = dict(certificate.get("problems") or {})
    problems["expired"] = datetime.fromisoformat(certificate["not_after"]) < at
    problems["not_yet_valid"] = datetime.fromisoformat(certificate["not_before"]) > at
    return problems


# ====================================================================================== login pages
@cache
def _signals() -> tuple[list[tuple[str, str, tuple[str, ...], tuple[str, ...]]], tuple[str, ...], tuple[str, ...]]:
    config = knowledge()
    factors = [(spec["label"]["en"], spec["label"]["zh"], tuple(w.lower() for w in spec["words"]),
                tuple(f.lower() for f in spec["fields"])) for spec in config["second_factors"].values()]
    captcha = config["captcha"]
    return factors, tuple(w.lower() for w in captcha["words"]), tuple(f.lower() for f in captcha["fields"])


def _field_words(root: Tag) -> list[str]:
    words = []
    for tag in root.find_all(["input", "button", "select", "img", "div", "span", "a"]):
        for attr in ("name", "id", "placeholder", "autocomplete", "class", "alt", "title", "value"):
            value = tag.get(attr)
            if value:
                words.append(" ".join(value) if isinstance(value, list) else str(value))
    return [w.lower() for w in words]


def read_login_forms(soup: BeautifulSoup, url: str, kind: str, referrer: str | None = None) -> list[LoginForm]:
    """Every password field of a page, with its form, the page's second-factor signals and captcha words."""
    passwords = soup.find_all("input", attrs={"type": lambda v: v and v.strip().lower() == "password"})
    if not passwords:
        return []
    body = soup.body or soup
    text = visible_text(body, alt_text=True).lower()
    fields = _field_words(body)
    factors, captcha_words, captcha_fields = _signals()
    found, found_en = [], []
    for label_en, label, words, field_names in factors:
        hit = next((w for w in words if w in text), None) or next(
            (f for f in field_names if any(f == v or f in v.split() for v in fields)), None)
        if hit:
            found.append(f"{label}（{hit}）")
            found_en.append(f"{label_en} ({hit})")
    captcha = [w for w in captcha_words if w in text]
    captcha += [f for f in captcha_fields if any(f in v for v in fields) and f not in captcha]
    forms: list[LoginForm] = []
    seen: set[int] = set()
    for password in passwords:
        form = password.find_parent("form")
        key = id(form) if form is not None else id(password)
        if key in seen:
            continue
        seen.add(key)
        raw = (form.get("action") or "").strip() if form is not None else ""
        action = urljoin(url, raw) if form is not None else ""
        holder = form if form is not None else password
        snippet = " ".join(str(holder)[:400].split())
        forms.append(LoginForm(url, kind, action, raw, css_path(holder), snippet, list(found), captcha[:4], referrer,
                               list(found_en)))
    return forms


@page_analysis(dimensions=("security",))
def login_forms(page: Page, site: SiteView) -> list[LoginForm] | None:
    """Password forms of one page of the site (read from the shared tree)."""
    if "password" not in page.text.lower():
        return None
    return read_login_forms(page.soup, page.final_url, "page", page.stored.referrer) or None


@site_analysis
def login_pages(site: SiteView) -> list[LoginForm]:
    """Login forms of the site's pages and of the login/e-service pages the crawl reached on other hosts."""
    forms = [form for record in site.page_results(login_forms) for form in record]
    for page in site.pages(kind="service"):
        if "password" in page.text.lower():
            forms += read_login_forms(page.soup, page.final_url, "service", page.stored.referrer)
        page.release()
    return forms


def _require_logins(site: SiteView) -> list[LoginForm]:
    forms = login_pages(site)
    if not forms:
        raise NotApplicable("未发现带密码框的登录页", "no page with a password field was found")
    return forms


@check(
    id="login.password-over-http", dimension="security", severity="high", needs=("pages",),
    refs=[REF_DJCP_TRANSPORT, REF_CRYPTO],
    title={"zh": "登录页通过HTTP明文传输密码", "en": "Login page served over plain HTTP"},
    fix={"zh": "登录页及其提交地址全部启用HTTPS，并将HTTP请求重定向到HTTPS",
         "en": "Serve the login page and its form target over HTTPS only, redirecting HTTP to HTTPS"},
)
def password_over_http(site: SiteView) -> Iterator[Finding]:
    for form in _require_logins(site):
        if not form.https_page:
            yield Finding(
                url=form.page, selector=form.selector, evidence=form.snippet, locator=form.selector,
                message=f"登录页 {form.page} 通过HTTP提供，用户名和密码以明文传输",
                message_en=f"The login page {form.page} is served over HTTP: user names and passwords travel in clear text",
                data={"action": form.action})


@check(
    id="login.form-action-insecure", dimension="security", severity="high", needs=("pages",),
    refs=[REF_DJCP_TRANSPORT, REF_CRYPTO],
    title={"zh": "登录表单提交到HTTP地址", "en": "Login form posts to http://"},
    fix={"zh": "将登录表单的提交地址改为HTTPS", "en": "Make the login form post to an https:// URL"},
)
def form_action_insecure(site: SiteView) -> Iterator[Finding]:
    for form in _require_logins(site):
        explicit = form.action_raw.lower().startswith("http://")
        if form.action.startswith("http://") and (form.https_page or explicit):
            how = "从HTTPS页面降级为HTTP" if form.https_page else "写明为HTTP地址"
            yield Finding(
                url=form.page, selector=form.selector, evidence=form.snippet, locator=form.selector,
                message=f"登录表单提交到 {form.action}（{how}），密码以明文传输",
                message_en=f"The login form posts to {form.action}"
                           f"{' (dropping TLS from an https page)' if form.https_page else ''}: the password travels in clear text",
                data={"action": form.action})


@check(
    id="login.single-factor", dimension="security", severity="high", needs=("pages",),
    refs=[REF_DJCP_AUTH, REF_CRYPTO],
    title={"zh": "登录仅用户名+密码（单因素认证）", "en": "Login by user name and password only (single factor)"},
    fix={"zh": "增加第二种鉴别方式：短信/动态口令、数字证书/UKey、统一身份认证或App扫码登录（等保三级要求两种或两种以上组合的鉴别技术）",
         "en": "Add a second factor: SMS/one-time code, certificate/USB key, unified identity (统一身份认证) or app QR login "
               "(等保 level 3 requires two or more combined authentication techniques)"},
)
def single_factor(site: SiteView) -> Iterator[Finding]:
    for form in _require_logins(site):
        if form.factors:
            continue
        captcha = f"；有验证码/滑块（{'、'.join(form.captcha)}），但验证码不是认证因素" if form.captcha else ""
        captcha_en = f"; a captcha/slider ({', '.join(form.captcha)}) is present, which is not an authentication factor" \
            if form.captcha else ""
        yield Finding(
            url=form.page, selector=form.selector, locator=form.selector,
            evidence=(form.snippet + (f" [验证码: {'、'.join(form.captcha)}]" if form.captcha else ""))[:300],
            message=f"登录页仅用户名+密码，未发现短信/动态码、数字证书/UKey、统一身份认证或扫码登录等第二认证因素{captcha}；"
                    f"若该系统为等保三级，须采用两种或两种以上组合的鉴别技术",
            message_en=f"The login page asks for a user name and password only, with no second factor (SMS/one-time code, "
                       f"certificate/USB key, unified identity or app QR login){captcha_en}; if the system is 等保 level 3, "
                       f"two or more combined authentication techniques are required",
            data={"captcha": form.captcha})


def entrances(site: SiteView) -> list[dict[str, Any]]:
    """Distinct login entrances (login pages by host and path), each with the pages that link to it."""
    grouped: dict[str, dict[str, Any]] = {}
    for form in login_pages(site):
        parts = urlsplit(form.page)
        key = f"{parts.scheme}://{parts.netloc.lower()}{parts.path}"
        entry = grouped.setdefault(key, {"url": form.page, "kind": form.kind, "actions": [], "factors": [],
                                         "factors_en": [], "captcha": [], "https": form.https_page,
                                         "linked_from": [], "referrer": form.referrer})
        for name, values in (("actions", [form.action] if form.action else []), ("factors", form.factors),
                             ("factors_en", form.factors_en), ("captcha", form.captcha)):
            entry[name] += [v for v in values if v not in entry[name]]
    for entry in grouped.values():
        referrer = entry.pop("referrer")
        linked = [u for u in site.referrers(entry["url"]) if u != entry["url"]][:10]
        entry["linked_from"] = linked or ([referrer] if referrer else [])
    return list(grouped.values())


@check(
    id="login.entrances", dimension="security", severity="info", needs=("pages",),
    refs=["国办发〔2017〕47号 政府网站发展指引（统一身份认证、用户注册登录统一）", REF_DJCP],
    title={"zh": "登录入口清单", "en": "Login entrances"},
    fix={"zh": "整合分散的登录入口，接入统一身份认证，避免用户在多个入口重复注册",
         "en": "Bring scattered logins together behind unified identity (统一身份认证), so users do not register again and again"},
)
def login_entrances(site: SiteView) -> Iterator[Finding]:
    _require_logins(site)
    listed = entrances(site)
    names = "；".join(e["url"] for e in listed)
    yield Finding(
        url=site.config.url, locator="login-entrances",
        message=f"本站发现 {len(listed)} 个登录入口：{names}",
        message_en=f"{len(listed)} login entrance(s) found: {names}",
        evidence=names[:300], data={"entrances": listed})


# ====================================================================================== HTTP
def _start(site: SiteView) -> Page | None:
    page = site.page(site.config.url)
    return page if page is not None and page.status < 400 else None


@site_analysis
def https_offered(site: SiteView) -> bool | None:
    """Does the site offer HTTPS? True when its start page ends on https or its https form answers TLS;
    None when nothing tells (no probe)."""
    start = _start(site)
    if start is not None and start.final_url.startswith("https://"):
        return True
    if site.config.url.startswith("https://"):
        return True
    probe = site.store.probe("tls", *https_form(site.config.url))
    if probe is None or probe.get("tls") is None:  # not probed, or the scan itself failed or timed out
        return None
    return bool(probe.get("tls"))


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
    probe = site.store.probe("redirect", *host_port(plain))
    if probe is None:
        raise CouldNotJudge(f"抓取时未探测 {plain}", f"the crawl did not probe {plain}")
    if probe.get("refused") or probe.get("status") is None:
        return  # nothing listens on plain HTTP there: no content served in clear text (SPEC: not a finding)
    location = probe.get("location") or ""
    if 300 <= probe["status"] < 400 and urljoin(plain, location).startswith("https://"):
        return
    evidence = f"HTTP {probe['status']}" + (f" Location: {location}" if location else "")
    yield Finding(url=plain, locator="http", evidence=evidence,
                  message=f"{plain} 未重定向到HTTPS（{evidence}）",
                  message_en=f"{plain} does not redirect to HTTPS ({evidence})")


def _https_start(site: SiteView) -> Page:
    _require_https(site)
    start = _start(site)
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
            for tag in page.soup.select(selector):
                value = (tag.get(attr) or "").strip()
                if value.lower().startswith("http://"):
                    found[group].append((tag.name, value))
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
    start = _start(site)
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
    fix={"zh": "关闭版本号输出（nginx: server_tokens off；Apache: ServerTokens Prod；PHP: expose_php Off）",
         "en": "Hide version numbers (nginx: server_tokens off; Apache: ServerTokens Prod; PHP: expose_php Off)"},
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


# ====================================================================================== TLS
@site_analysis
def tls_hosts(site: SiteView) -> list[HostTLS]:
    """Every distinct HTTPS host:port of the site, with its stored scan (None when not scanned)."""
    roles: dict[tuple[str, int], list[str]] = {}

    def add(url: str, role: str) -> None:
        if url.startswith("https://"):
            key = host_port(url)
            roles.setdefault(key, [])
            if role not in roles[key]:
                roles[key].append(role)

    add(site.config.url, "portal")
    for _url, final_url, _status, kind in site.fetch_statuses():
        if kind in ("page", "host-home", "duplicate"):
            add(final_url, "portal")
        elif kind == "service":
            add(final_url, "service")
    for form in login_pages(site):
        add(form.page, "login")
        add(form.action, "login-action")
    if site.config.url.startswith("http://"):
        host, port = https_form(site.config.url)
        probe = site.store.probe("tls", host, port)
        if probe and probe.get("tls"):
            roles.setdefault((host, port), []).append("portal")
    return [HostTLS(host, port, role, site.store.probe("tls", host, port)) for (host, port), role in roles.items()]


def _scanned_hosts(site: SiteView) -> list[HostTLS]:
    hosts = tls_hosts(site)
    if not hosts:
        raise NotApplicable("站点没有HTTPS主机", "the site has no HTTPS host")
    scanned = [h for h in hosts if h.scanned]
    if not scanned:
        raise CouldNotJudge("HTTPS主机未完成TLS扫描", "no HTTPS host of the site was TLS-scanned")
    return scanned


@check(
    id="tls.no-https", dimension="security", severity="high", needs=("probe:tls",),
    refs=[REF_DJCP_TRANSPORT, REF_CRYPTO],
    title={"zh": "站点未启用HTTPS", "en": "No HTTPS"},
    fix={"zh": "为站点部署受信任的证书并启用HTTPS（TLS 1.2及以上），HTTP重定向到HTTPS",
         "en": "Deploy a trusted certificate, serve the site over HTTPS (TLS 1.2+) and redirect HTTP to it"},
)
def no_https(site: SiteView) -> Iterator[Finding]:
    offered = https_offered(site)
    if offered is None:
        host, port = https_form(site.config.url)
        raise CouldNotJudge(f"抓取时未探测 {host}:{port} 的TLS", f"the crawl did not probe TLS on {host}:{port}")
    if offered:
        return
    host, port = https_form(site.config.url)
    probe = site.store.probe("tls", host, port) or {}
    yield Finding(url=site.config.url, locator=f"{host}:{port}", evidence=str(probe.get("error") or "")[:300],
                  message=f"站点仅以HTTP提供，{host}:{port} 上没有可用的HTTPS（TLS握手失败）",
                  message_en=f"The site is served over HTTP only: no HTTPS on {host}:{port} (TLS handshake failed)",
                  data={"host": host, "port": port})


def _cert_check(site: SiteView, *problems: str) -> Iterator[tuple[HostTLS, dict[str, Any]]]:
    """Scanned hosts whose certificate has one of `problems`."""
    for host in _scanned_hosts(site):
        certificate = host.certificate(site.as_of)
        if certificate and any(certificate["problems"].get(p) for p in problems):
            yield host, certificate


def _cert_evidence(certificate: dict[str, Any]) -> str:
    names = ", ".join(certificate.get("names") or []) or certificate.get("common_name") or "-"
    return (f"subject {certificate['subject']}; issuer {certificate['issuer']}; names {names}; "
            f"valid {certificate['not_before'][:10]} – {certificate['not_after'][:10]}")


def _cert_finding(host: HostTLS, certificate: dict[str, Any], zh: str, en: str, **data: Any) -> Finding:
    return Finding(url=host.url, locator=host.label, evidence=_cert_evidence(certificate)[:300],
                   message=f"{host.label} {zh}", message_en=f"{host.label}: {en}",
                   data={"host": host.host, "port": host.port, **data})


CERT_FIX = {"zh": "向受信任的CA申请有效证书（RSA≥2048位或ECDSA，SHA-256签名，含完整中间证书链，域名匹配）并按期续期",
            "en": "Get a valid certificate from a trusted CA (RSA ≥ 2048 or ECDSA, SHA-256, full intermediate chain, matching names) and renew it in time"}
CERT_REFS = [REF_CRYPTO, REF_DJCP_TRANSPORT]


@check(id="tls.cert-expired", dimension="security", severity="high", needs=("probe:tls",), refs=CERT_REFS,
       title={"zh": "证书已过期", "en": "Certificate expired"}, fix=CERT_FIX)
def cert_expired(site: SiteView) -> Iterator[Finding]:
    for host, certificate in _cert_check(site, "expired", "not_yet_valid"):
        early = certificate["problems"].get("not_yet_valid")
        yield _cert_finding(host, certificate,
                            f"的证书{'尚未生效' if early else '已过期'}（有效期 {certificate['not_before'][:10]} 至 {certificate['not_after'][:10]}）",
                            f"the certificate {'is not valid yet' if early else 'has expired'} "
                            f"(valid {certificate['not_before'][:10]} to {certificate['not_after'][:10]})")


@check(id="tls.cert-untrusted", dimension="security", severity="high", needs=("probe:tls",), refs=CERT_REFS,
       title={"zh": "证书不受信任（自签名或未知根证书）", "en": "Certificate not trusted (self-signed or unknown root)"}, fix=CERT_FIX)
def cert_untrusted(site: SiteView) -> Iterator[Finding]:
    for host, certificate in _cert_check(site, "untrusted"):
        reason = certificate["problems"].get("untrusted_reason") or ""
        zh = "为自签名证书" if reason == "self-signed" else f"的证书链不能到达受信任的根证书（{reason}）"
        en = "self-signed certificate" if reason == "self-signed" else f"the chain does not reach a trusted root ({reason})"
        yield _cert_finding(host, certificate, zh, en, reason=reason)


@check(id="tls.cert-hostname-mismatch", dimension="security", severity="high", needs=("probe:tls",), refs=CERT_REFS,
       title={"zh": "证书与域名不匹配", "en": "Certificate name mismatch"}, fix=CERT_FIX)
def cert_hostname_mismatch(site: SiteView) -> Iterator[Finding]:
    for host, certificate in _cert_check(site, "hostname_mismatch"):
        names = ", ".join(certificate.get("names") or []) or certificate.get("common_name") or "-"
        yield _cert_finding(host, certificate, f"的证书不包含该主机名（证书名称：{names}）",
                            f"the certificate does not name this host (it names {names})")


@check(id="tls.cert-chain-incomplete", dimension="security", severity="high", needs=("probe:tls",), refs=CERT_REFS,
       title={"zh": "证书链不完整", "en": "Incomplete certificate chain"},
       fix={"zh": "在服务器上配置完整的中间证书链（证书文件中依次放入站点证书和中间证书）",
            "en": "Serve the intermediate certificates with the site certificate (full chain file)"})
def cert_chain_incomplete(site: SiteView) -> Iterator[Finding]:
    for host, certificate in _cert_check(site, "chain_incomplete"):
        fetched = ", ".join(host.probe["certificate"].get("aia_fetched") or [])
        yield _cert_finding(host, certificate, f"未发送中间证书，证书链需从AIA下载才能验证（{fetched}）",
                            f"the server does not send its intermediate certificate(s); the chain only validates after an AIA download ({fetched})")


@check(id="tls.cert-weak-key", dimension="security", severity="high", needs=("probe:tls",), refs=CERT_REFS,
       title={"zh": "证书密钥过短", "en": "Weak certificate key"}, fix=CERT_FIX)
def cert_weak_key(site: SiteView) -> Iterator[Finding]:
    for host, certificate in _cert_check(site, "weak_key"):
        weak = "; ".join(f"{c['subject']} {c['key']}" for c in certificate["problems"]["weak_key"])
        yield _cert_finding(host, certificate, f"证书密钥过短（RSA应≥2048位）：{weak}", f"weak certificate key (RSA must be ≥ 2048 bits): {weak}")


@check(id="tls.cert-weak-signature", dimension="security", severity="high", needs=("probe:tls",), refs=CERT_REFS,
       title={"zh": "证书使用弱签名算法（SHA-1/MD5）", "en": "Certificate signed with SHA-1 or MD5"}, fix=CERT_FIX)
def cert_weak_signature(site: SiteView) -> Iterator[Finding]:
    for host, certificate in _cert_check(site, "weak_signature"):
        weak = "; ".join(f"{c['subject']} ({c['signature_hash']})" for c in certificate["problems"]["weak_signature"])
        yield _cert_finding(host, certificate, f"证书使用弱签名算法：{weak}", f"certificate signed with a weak hash: {weak}")


def protocols_of(probe: dict[str, Any]) -> list[str]:
    return [name for name, on in (probe.get("protocols") or {}).items() if on]


@check(
    id="tls.legacy-protocol", dimension="security", severity="medium", needs=("probe:tls",),
    refs=[REF_RFC8996, REF_CRYPTO],
    title={"zh": "支持过时的SSL/TLS协议版本", "en": "Legacy SSL/TLS protocol supported"},
    fix={"zh": "关闭 SSLv2、SSLv3、TLS 1.0 和 TLS 1.1，只保留 TLS 1.2 和 TLS 1.3", "en": "Disable SSLv2, SSLv3, TLS 1.0 and 1.1; keep TLS 1.2 and 1.3"},
)
def legacy_protocol(site: SiteView) -> Iterator[Finding]:
    for host in _scanned_hosts(site):
        on = protocols_of(host.probe)
        legacy = [p for p in on if p in LEGACY]
        if legacy:
            yield Finding(url=host.url, locator=host.label, evidence="protocols: " + ", ".join(on),
                          message=f"{host.label} 支持过时协议：{'、'.join(legacy)}（支持的协议：{', '.join(on)}）",
                          message_en=f"{host.label} accepts legacy protocols: {', '.join(legacy)} (all accepted: {', '.join(on)})",
                          data={"host": host.host, "port": host.port, "protocols": on, "legacy": legacy})


def weak_cipher_reason(cipher: dict[str, Any]) -> str | None:
    """Why a suite is weak per docs/SPEC.md §6 (NULL, EXPORT, anonymous, RC4, 3DES/DES, DH < 2048), or None.
    CBC or SHA-1 MAC suites alone are not weak."""
    name = (cipher.get("name") or "").upper()
    if "_NULL_" in name or name.endswith("_NULL") or "WITH_NULL" in name:
        return "NULL"
    if "EXPORT" in name:
        return "EXPORT"
    if cipher.get("anonymous") or "_ANON_" in name or "_anon_" in (cipher.get("name") or ""):
        return "anonymous"
    if "RC4" in name:
        return "RC4"
    if "3DES" in name or "DES_CBC" in name or "DES192" in name or "_DES_" in name:
        return "3DES/DES"
    if cipher.get("kex") == "DH" and cipher.get("kex_bits") and cipher["kex_bits"] < int(knowledge()["tls"]["min_dh_bits"]):
        return f"DH {cipher['kex_bits']}"
    return None


@check(
    id="tls.weak-cipher", dimension="security", severity="medium", needs=("probe:tls",),
    refs=[REF_CRYPTO, "RFC 7465 Prohibiting RC4", "NIST SP 800-52r2"],
    title={"zh": "支持弱密码套件", "en": "Weak cipher suites supported"},
    fix={"zh": "关闭 NULL、EXPORT、匿名、RC4、3DES 密码套件，DH参数至少2048位（或只用ECDHE）",
         "en": "Disable NULL, EXPORT, anonymous, RC4 and 3DES suites; use DH parameters of 2048 bits or more (or ECDHE only)"},
)
def weak_cipher(site: SiteView) -> Iterator[Finding]:
    for host in _scanned_hosts(site):
        weak = [(c, weak_cipher_reason(c)) for c in host.probe.get("ciphers") or []]
        weak = [(c, r) for c, r in weak if r]
        if weak:
            listed = ", ".join(dict.fromkeys(f"{c['name']} ({r}, {c['protocol']})" for c, r in weak))
            yield Finding(url=host.url, locator=host.label, evidence=listed[:300],
                          message=f"{host.label} 支持弱密码套件：{listed}", message_en=f"{host.label} accepts weak cipher suites: {listed}",
                          data={"host": host.host, "port": host.port,
                                "ciphers": [{"name": c["name"], "protocol": c["protocol"], "reason": r} for c, r in weak]})


# ====================================================================================== grade
def grade(probe: dict[str, Any] | None, hsts_age: int | None = None,
          certificate: dict[str, Any] | None = None) -> dict[str, Any]:
    """An SSL-Labs-like grade (A+ … F, T untrusted, M name mismatch) with every cap that applies, worst first;
    `certificate` is the probe's as judged at the as-of day (`HostTLS.certificate`)."""
    config = knowledge()["tls"]
    caps_table = config["caps"]
    if not probe or not probe.get("tls"):
        cap = caps_table["no-tls"]
        return {"grade": cap[0], "cap": "no-tls", "caps": [{"id": "no-tls", "grade": cap[0], "zh": cap[1], "en": cap[2]}]}
    on = set(protocols_of(probe))
    ciphers = probe.get("ciphers") or []
    reasons = {weak_cipher_reason(c) or "" for c in ciphers}
    certificate = certificate or probe.get("certificate") or {}
    problems = certificate.get("problems") or {}
    applies = {
        "untrusted": bool(problems.get("untrusted")),
        "expired": bool(problems.get("expired") or problems.get("not_yet_valid")),
        "weak-signature": bool(problems.get("weak_signature")),
        "hostname-mismatch": bool(problems.get("hostname_mismatch")),
        "sslv2": "SSLv2" in on,
        "export": "EXPORT" in reasons,
        "null-anon": bool({"NULL", "anonymous"} & reasons),
        "weak-key-1024": certificate.get("key_type") in ("RSA", "DSA") and (certificate.get("key_bits") or 0) < 1024,
        "dh-1024": any(c.get("kex") == "DH" and (c.get("kex_bits") or 9999) < 1024 for c in ciphers),
        "sslv3": "SSLv3" in on,
        "rc4": "RC4" in reasons,
        "3des": "3DES/DES" in reasons,
        "no-tls12": not ({"TLSv1.2", "TLSv1.3"} & on),
        "legacy-tls": bool({"TLSv1.0", "TLSv1.1"} & on),
        "weak-key": bool(problems.get("weak_key")),
        "dh-2048": any(c.get("kex") == "DH" and (c.get("kex_bits") or 9999) < int(config["min_dh_bits"]) for c in ciphers),
        "chain-incomplete": bool(problems.get("chain_incomplete")),
        "no-forward-secrecy": bool(ciphers) and not any(c.get("kex") or c.get("protocol") == "TLSv1.3" for c in ciphers),
    }
    order = ["F", "T", "M", "C", "B", "A-", "A", "A+"]
    caps = [{"id": key, "grade": caps_table[key][0], "zh": caps_table[key][1], "en": caps_table[key][2]}
            for key, on_ in applies.items() if on_]
    caps.sort(key=lambda c: order.index(c["grade"]))
    if caps:
        return {"grade": caps[0]["grade"], "cap": caps[0]["id"], "caps": caps}
    strong_hsts = hsts_age is not None and hsts_age >= int(knowledge()["hsts_min_age"])
    return {"grade": "A+" if strong_hsts else "A", "cap": None, "caps": []}


@result_block("security", dimensions=("security",))
def security_block(site: SiteView) -> dict[str, Any]:
    """results.json `security`: every HTTPS host with its grade, protocols and certificate; the login entrances."""
    start = _start(site)
    hsts = {}
    for stored in [start] if start is not None and start.final_url.startswith("https://") else []:
        hsts[host_port(stored.final_url)] = hsts_max_age(stored.headers.get("strict-transport-security"))
    hosts = []
    for host in tls_hosts(site):
        probe = host.probe or {}
        certificate = host.certificate(site.as_of) or {}
        entry = {"host": host.host, "port": host.port, "url": host.url, "roles": host.roles,
                 "scanned": host.scanned, "error": probe.get("error"),
                 "protocols": protocols_of(probe), "weak_ciphers": sorted({c["name"] for c in probe.get("ciphers") or []
                                                                           if weak_cipher_reason(c)}),
                 "scan_seconds": probe.get("elapsed")}
        entry.update(grade(probe, hsts.get((host.host, host.port)), certificate) if host.scanned
                     else {"grade": None, "cap": None, "caps": []})  # not scanned, failed or timed out: no grade
        if certificate:
            problems = certificate.get("problems") or {}
            entry["certificate"] = {
                "subject": certificate.get("subject"), "issuer": certificate.get("issuer"),
                "names": certificate.get("names") or [], "not_before": certificate.get("not_before"),
                "not_after": certificate.get("not_after"), "key": f"{certificate.get('key_type')} {certificate.get('key_bits')}",
                "signature_hash": certificate.get("signature_hash"), "trusted_by": certificate.get("trusted_by"),
                "problems": [name for name in ("expired", "not_yet_valid", "untrusted", "hostname_mismatch",
                                               "chain_incomplete", "weak_key", "weak_signature") if problems.get(name)],
            }
        hosts.append(entry)
    no_tls = None
    if https_offered(site) is False:
        host, port = https_form(site.config.url)
        no_tls = {"host": host, "port": port, **grade(site.store.probe("tls", host, port))}
    return {"https": https_offered(site), "hosts": hosts, "no_https": no_tls,
            "login_entrances": entrances(site) if login_pages(site) else []}

