"""`login.*`: the passive audit of every login page (password over HTTP, insecure form action,
用户名+密码 with no second factor, the scattered login entrances)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any
from urllib.parse import urljoin, urlsplit

from auditcli.core.models import Finding
from auditcli.core.security import data as knowledge
from auditcli.core.soupcompat import soup_body, soup_markup
from auditcli.core.tree import Element, ancestors, classes, css_path, elements, visible_text
from checks.engine.registry import (
    NotApplicable,
    check,
    page_analysis,
    site_analysis,
)
from checks.engine.siteview import Page, SiteView
from checks.security.common import REF_CRYPTO, REF_DJCP, REF_DJCP_AUTH, REF_DJCP_TRANSPORT, LoginForm


# ====================================================================================== login pages
@cache
def _signals() -> tuple[list[tuple[str, str, tuple[str, ...], tuple[str, ...]]], tuple[str, ...], tuple[str, ...]]:
    config = knowledge()
    factors = [(spec["label"]["en"], spec["label"]["zh"], tuple(w.lower() for w in spec["words"]),
                tuple(f.lower() for f in spec["fields"])) for spec in config["second_factors"].values()]
    captcha = config["captcha"]
    return factors, tuple(w.lower() for w in captcha["words"]), tuple(f.lower() for f in captcha["fields"])


FIELD_TAGS = ("input", "button", "select", "img", "div", "span", "a")
FIELD_ATTRS = ("name", "id", "placeholder", "autocomplete", "class", "alt", "title", "value")


def _field_words(root: Element) -> list[str]:
    """The naming attributes of the fields and widgets under `root`; the class reads as its tokens joined by
    single spaces, and a blank one is none (BeautifulSoup's list of classes)."""
    words = []
    for tag in elements(root, *FIELD_TAGS):
        for attr in FIELD_ATTRS:
            value = " ".join(classes(tag)) if attr == "class" else tag.get(attr)
            if value:
                words.append(value)
    return [w.lower() for w in words]


def _is_password(tag: Element) -> bool:
    kind = tag.get("type")
    return bool(kind) and kind.strip().lower() == "password"


def read_login_forms(root: Element, url: str, kind: str, referrer: str | None = None,
                     source: str | None = None) -> list[LoginForm]:
    """Every password field of a page, with its form, the page's second-factor signals and captcha words.
    `source` is the page's HTML: the form's snippet prints it as written (`checked` bare or not)."""
    passwords = [tag for tag in root.iter("input") if _is_password(tag)]
    if not passwords:
        return []
    body = soup_body(root)
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
    seen: list[Element] = []  # held, so each is the one proxy of its element: compared by identity
    for password in passwords:
        form = next((parent for parent in ancestors(password) if parent.tag == "form"), None)
        holder = form if form is not None else password
        if any(holder is other for other in seen):
            continue
        seen.append(holder)
        raw = (form.get("action") or "").strip() if form is not None else ""
        action = urljoin(url, raw) if form is not None else ""
        snippet = " ".join(soup_markup(holder, 400, source=source).split())  # as BeautifulSoup's str(tag)
        forms.append(LoginForm(url, kind, action, raw, css_path(holder), snippet, list(found), captcha[:4], referrer,
                               list(found_en)))
    return forms


@page_analysis(dimensions=("security",))
def login_forms(page: Page, site: SiteView) -> list[LoginForm] | None:
    """Password forms of one page of the site (read from the shared tree)."""
    if "password" not in page.text.lower():
        return None
    return read_login_forms(page.tree, page.final_url, "page", page.stored.referrer, page.text) or None


@site_analysis
def login_pages(site: SiteView) -> list[LoginForm]:
    """Login forms of the site's pages and of the login/e-service pages the crawl reached on other hosts."""
    forms = [form for record in site.page_results(login_forms) for form in record]
    for page in site.pages(kind="service"):
        if "password" in page.text.lower():
            forms += read_login_forms(page.tree, page.final_url, "service", page.stored.referrer, page.text)
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
