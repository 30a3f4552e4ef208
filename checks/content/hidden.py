"""`content.hidden-link` (暗链): links hidden from readers that point off-site.

Injected spam links hide in the page template, so every page carries them while no reader sees them.
Real portals hide many legitimate off-site links too (footer drop-downs of 政府网站/部门网站/友情链接
shown on hover, jQuery tabs, mobile menus, share buttons), so what is hidden alone decides nothing.
The rule, per link to another site (not the site's host, an alias, or a host of its registered domain):

- **certain** (critical): hidden in any way below, or written by an inline script, and its text,
  title, target or the text around it (its parent's, when the parent holds no other link) names a spam
  word or URL fragment (auditcli/core/spam.py, words in auditcli/core/knowledge/content.yaml). A text
  reporting on the words (打击/整治/警惕…) names none: a crackdown story is news.
- **needs review** (info, `data.review`): no spam word, a target that is not a government or central
  media host (content.yaml `trusted_hosts`), hidden by a method menus and tabs do not use:
  positioned off-screen (left/top/right/margin/text-indent at -500 px or further; a text-indent on an
  element with a background image is image replacement, not hiding), font-size 0 (inline, and not
  reset nearer the link), a zero-height or 1 px `<marquee>`, text coloured as its background (both
  written inline or as font/bgcolor attributes on the link or its boxes), or a box of 1 px or less
  with overflow hidden written inline on the element.
- **nothing**: display:none, visibility:hidden, opacity 0, the `hidden` attribute, a zero-size box
  of a page stylesheet rule, or a script-written link, without a spam word: that is how drop-down
  menus, tabs and footers written by script work. Links to government hosts without a spam word.

Styles read: inline `style` attributes and the page's own `<style>` rules (rules inside @media blocks
and rules cssselect cannot read, such as `:hover`, are left out: they apply to some states only);
stylesheet files are not read. One finding per site and target, on the first page carrying it
(shallowest first), with the pages that carry it in `data`. The page pass skips most links at once:
only absolute off-site hrefs are looked at, and a link to a trusted host without a spam word is not
walked at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any
from urllib.parse import urlsplit

from cssselect import HTMLTranslator, SelectorError
from cssselect.xpath import ExpressionError
from lxml import etree

from auditcli.core import knowledge
from auditcli.core.models import Finding, SiteConfig
from auditcli.core.spam import spam_url_fragments, spam_words, trusted_host
from auditcli.core.tree import Element, css_path, parse, text_of, written_by
from auditcli.core.urls import join_url, normalise_url, registered_domain
from checks.engine.registry import check, page_analysis
from checks.engine.siteview import Page, SiteView

METHODS = {  # method -> (zh, en)
    "off-screen": ("定位到屏幕之外", "positioned off-screen"),
    "font-size-0": ("字号为 0", "font-size 0"),
    "marquee": ("零高度滚动字幕（marquee）", "a zero-height <marquee>"),
    "same-colour": ("文字颜色与背景色相同", "text coloured as its background"),
    "zero-size": ("零尺寸且溢出隐藏", "a zero-size box with overflow hidden"),
    "display-none": ("display:none 隐藏", "display:none"),
    "visibility-hidden": ("visibility:hidden 隐藏", "visibility:hidden"),
    "opacity-0": ("透明度为 0", "opacity 0"),
    "hidden-attribute": ("hidden 属性隐藏", "the hidden attribute"),
    "script-written": ("由脚本写入（document.write）", "written by script (document.write)"),
}
OFFSET_PROPERTIES = ("left", "top", "right", "bottom", "margin-left", "margin-top", "text-indent")
DECLARATION = re.compile(r"([a-zA-Z-]+)\s*:\s*([^;]+)")
LENGTH = re.compile(r"(-?\d*\.?\d+)(px|em|rem|pt)?")
COMMENT = re.compile(r"/\*.*?\*/", re.S)
HEX = re.compile(r"#([0-9a-f]{3}|[0-9a-f]{6})\b")
RGB = re.compile(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)")
NAMED = {"white": "#ffffff", "black": "#000000", "red": "#ff0000", "blue": "#0000ff", "green": "#008000",
         "gray": "#808080", "grey": "#808080", "silver": "#c0c0c0", "yellow": "#ffff00"}
HIDING_WORDS = ("none", "hidden", "collapse", "-", "opacity")  # a rule holds one of these if it may hide


@cache
def _policy() -> dict[str, Any]:
    return knowledge.load("content")["hidden_link"]


@dataclass
class HiddenLink:
    """One hidden off-site link of one page."""

    page: str
    target: str
    text: str
    selector: str
    method: str                       # the method that decided (a review one first)
    methods: list[str]
    matched: list[str]
    confidence: str                   # certain | review
    hidden_by: str | None = None      # the element that hides it, when not the link itself
    evidence: str = ""
    pages: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------------ styles
def declarations(style: str | None) -> dict[str, str]:
    """A style attribute or rule body as {property: value}, lower case, !important dropped; last wins."""
    if not style:
        return {}
    return {m.group(1).lower(): m.group(2).lower().replace("!important", "").strip()
            for m in DECLARATION.finditer(style)}


def px(value: str | None) -> float | None:
    """A CSS length in px (em and rem count 16 px, pt 4/3); None for percentages, auto and the rest."""
    if not value:
        return None
    m = LENGTH.fullmatch(value.strip())
    if not m:
        return None
    number, unit = float(m.group(1)), m.group(2)
    if unit is None and number != 0:
        return None  # a bare number is no length (except 0)
    return number * {"em": 16.0, "rem": 16.0, "pt": 4 / 3}.get(unit or "px", 1.0)


def colour(value: str | None) -> str | None:
    """A colour as #rrggbb, for the forms an injected block writes (#fff, #ffffff, rgb(), white)."""
    if not value:
        return None
    value = value.strip().lower()
    if m := HEX.search(value):
        code = m.group(1)
        return "#" + ("".join(c * 2 for c in code) if len(code) == 3 else code)
    if m := RGB.search(value):
        if m.group(4) is not None and float(m.group(4)) == 0:
            return None  # transparent
        return "#" + "".join(f"{min(int(g), 255):02x}" for g in m.groups()[:3])
    for token in value.replace(",", " ").split():
        if token in NAMED:
            return NAMED[token]
    return None


def hiding_methods(decls: dict[str, str], inline: bool) -> list[tuple[str, bool]]:
    """(method, is a review method) for what these declarations do to the element's box."""
    out: list[tuple[str, bool]] = []
    if decls.get("display", "").split()[:1] == ["none"]:
        out.append(("display-none", False))
    if decls.get("visibility") in ("hidden", "collapse"):
        out.append(("visibility-hidden", False))
    try:
        if "opacity" in decls and float(decls["opacity"]) == 0:
            out.append(("opacity-0", False))
    except ValueError:
        pass
    limit = -float(_policy()["offscreen_px"])
    offsets = [px(decls.get(p)) for p in OFFSET_PROPERTIES if p != "text-indent"]
    offsets += [px(part) for part in decls.get("margin", "").split()]
    indent = px(decls.get("text-indent"))
    image = "url(" in decls.get("background", "") or "url(" in decls.get("background-image", "")
    if any(v is not None and v <= limit for v in offsets) or (indent is not None and indent <= limit and not image):
        out.append(("off-screen", True))
    overflow = {decls.get(p) for p in ("overflow", "overflow-x", "overflow-y")}
    tiny = float(_policy()["tiny_px"])
    sizes = [px(decls.get(p)) for p in ("height", "width", "max-height", "max-width")]
    if "hidden" in overflow and any(v is not None and v <= tiny for v in sizes):
        out.append(("zero-size", inline))
    return out


def _attr_px(value: str | None) -> float | None:
    """A size attribute (`height="1"`, `height="1px"`) in px."""
    value = (value or "").strip()
    return float(value) if value.isdigit() else px(value)


@lru_cache(maxsize=4096)
def _xpath(selector: str) -> etree.XPath | None:
    """The compiled XPath of a CSS selector; None for one cssselect cannot read (:hover, ::before)."""
    try:
        return etree.XPath(HTMLTranslator().css_to_xpath(selector))
    except (SelectorError, ExpressionError, etree.XPathSyntaxError, ValueError):
        return None


BRACE = re.compile(r"[{}]")
WRITTEN_LINK = re.compile(r"<a\s[^>]*href\s*=\s*[\"']?\s*(?:https?:)?//", re.I)


def top_level_rules(css: str) -> Iterator[tuple[str, str]]:
    """(selectors, body) of the rules outside any @-block (@media rules apply to some screens only)."""
    css = COMMENT.sub("", css)
    depth, start, selector = 0, 0, ""
    for m in BRACE.finditer(css):
        k = m.start()
        if m.group(0) == "{":
            if depth == 0:
                selector, start = css[start:k].strip(), k + 1
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                body = css[start:k]
                if not selector.startswith("@") and "{" not in body:
                    yield selector, body
                start = k + 1


@lru_cache(maxsize=256)  # a site's pages share their <style> blocks
def hiding_rules(css: str) -> tuple[tuple[etree.XPath, dict[str, str]], ...]:
    """The rules of a <style> block that may hide what they match, compiled: (XPath, declarations)."""
    out = []
    for selectors, body in top_level_rules(css):
        if not any(word in body for word in HIDING_WORDS):
            continue
        decls = declarations(body)
        if not hiding_methods(decls, inline=False):
            continue
        for selector in selectors.split(","):
            xpath = _xpath(selector.strip()) if selector.strip() else None
            if xpath is not None:
                out.append((xpath, decls))
    return tuple(out)


@dataclass(frozen=True)
class InlineStyle:
    """What one style attribute says that the walk reads (cached per distinct attribute text)."""

    decls: dict[str, str]
    methods: tuple[tuple[str, bool], ...]
    font_size: str | None
    color: str | None
    background: str | None


@lru_cache(maxsize=8192)
def inline_style(style: str) -> InlineStyle:
    decls = declarations(style)
    return InlineStyle(decls, tuple(hiding_methods(decls, inline=True)), decls.get("font-size"),
                       decls.get("color"), decls.get("background-color") or decls.get("background"))


NO_STYLE = InlineStyle({}, (), None, None, None)


class PageStyles:
    """What the page's own <style> rules that may hide declare, per element they match (read lazily:
    most pages need no rule at all)."""

    def __init__(self, root: Element | None):
        self.root = root
        self._matched: dict[Element, dict[str, str]] | None = None if root is not None else {}

    def _build(self) -> dict[Element, dict[str, str]]:
        matched: dict[Element, dict[str, str]] = {}
        for style in self.root.iter("style") if self.root is not None else ():
            for xpath, decls in hiding_rules(style.text or ""):
                for element in xpath(self.root):
                    matched.setdefault(element, {}).update(decls)
        return matched

    def of(self, element: Element) -> dict[str, str]:
        if self._matched is None:
            self._matched = self._build()
        return self._matched.get(element, {}) if self._matched else {}


# ------------------------------------------------------------------------------------------ the walk
@dataclass
class Hiding:
    methods: list[str]
    review: str | None          # the first review-level method found, if any
    element: Element | None     # the element whose style hides the link


@dataclass(frozen=True)
class Box:
    """What an element and the boxes holding it do to its text: hiding methods (innermost first), the first
    review one, the innermost hiding element, and the nearest declared font size, colour and background."""

    methods: tuple[str, ...] = ()
    review: str | None = None
    hider: Element | None = None
    size_seen: bool = False
    size_zero: Element | None = None      # the element whose font-size 0 is the nearest font size
    fg_seen: bool = False
    fg: str | None = None
    bg_seen: bool = False
    bg: str | None = None


OUTSIDE = Box()


class Walker:
    """The boxes of one tree, each element read once however many links it holds (a page's footer holds
    dozens): `box(element)` is the element's own box merged into its parent's, memoised."""

    def __init__(self, root: Element | None):
        self.styles = PageStyles(root)
        self.boxes: dict[Element, Box] = {}

    def box(self, element: Element) -> Box:
        chain = []
        node: Element | None = element
        while node is not None and node.tag != "html" and node not in self.boxes:
            chain.append(node)
            node = node.getparent()
        box = self.boxes.get(node, OUTSIDE) if node is not None else OUTSIDE
        for node in reversed(chain):
            box = self.boxes[node] = self._merge(node, box)
        return box

    def _merge(self, element: Element, outer: Box) -> Box:
        raw = element.get("style")
        inline = inline_style(raw) if raw else NO_STYLE
        found: list[tuple[str, bool]] = []
        if element.tag != "body":
            found += inline.methods
            if ruled := self.styles.of(element):
                found += hiding_methods({k: v for k, v in ruled.items() if k not in inline.decls}, inline=False)
            if element.get("hidden") is not None:
                found.append(("hidden-attribute", False))
            if element.tag == "marquee":
                tiny = float(_policy()["tiny_px"])
                sizes = [_attr_px(element.get("height")), _attr_px(element.get("width")),
                         px(inline.decls.get("height")), px(inline.decls.get("width"))]
                if any(v is not None and v <= tiny for v in sizes):
                    found.append(("marquee", True))
        written_fg = inline.color or (element.get("color") if element.tag == "font" else None)
        written_bg = inline.background or element.get("bgcolor")
        if not (found or inline.font_size is not None or written_fg or written_bg):
            return outer
        methods = tuple(dict.fromkeys([*(m for m, _ in found), *outer.methods]))
        review = next((m for m, is_review in found if is_review), None) or outer.review
        return Box(
            methods, review, element if found else outer.hider,
            size_seen=True if inline.font_size is not None else outer.size_seen,
            size_zero=(element if px(inline.font_size) == 0 else None) if inline.font_size is not None
            else outer.size_zero,
            fg_seen=True if written_fg else outer.fg_seen,
            fg=colour(written_fg) if written_fg else outer.fg,
            bg_seen=True if written_bg else outer.bg_seen,
            bg=(None if "url(" in written_bg else colour(written_bg)) if written_bg else outer.bg,
        )

    def hiding(self, link: Element) -> Hiding:
        """How `link` is hidden: its own and its boxes' styles, attributes and <marquee>s, up to <body>."""
        box = self.box(link)
        methods, review, hider = list(box.methods), box.review, box.hider
        if box.size_zero is not None:
            methods.append("font-size-0")
            review, hider = review or "font-size-0", hider or box.size_zero
        if box.fg is not None and box.fg == box.bg:
            methods.append("same-colour")
            review, hider = review or "same-colour", hider or link
        return Hiding(methods, review, hider)


# ------------------------------------------------------------------------------------------ targets
class Targets:
    """Which hrefs of a site's page go to another site."""

    def __init__(self, site: SiteView):
        self.config = site.config

    def off_site(self, base: str, href: str | None) -> str | None:
        """The absolute target when `href` goes to another site, else None."""
        if not href:
            return None
        href = href.strip()
        if not href[:8].lower().startswith(("http://", "https://", "//")):
            return None  # relative: on this site (a <base> elsewhere is rare and not followed)
        return _off_site(self.config, base[:5].lower() == "https", href)


@lru_cache(maxsize=8192)  # a site's templates repeat their links on every page
def _off_site(config: SiteConfig, https: bool, href: str) -> str | None:
    url = join_url("https://x/" if https else "http://x/", href)
    if url is None or config.on_host(url):
        return None
    home = registered_domain(urlsplit(config.url).hostname or "")
    if home is not None and registered_domain(urlsplit(url).hostname or "") == home:
        return None  # en.example.gov.cn of www.example.gov.cn
    return url


@lru_cache(maxsize=4096)
def _words_around(link: Element, text: str) -> list[str]:
    """Spam words of the link's text and title, and of its parent's text when the parent holds no other link."""
    words = spam_words(f"{text} {link.get('title') or ''}")
    parent = link.getparent()
    if parent is not None and sum(1 for _ in parent.iter("a")) == 1:
        around = text_of(parent)
        if len(around) <= 200:
            words += [w for w in spam_words(around) if w not in words]
    return words


def _judge(link: Element, target: str, how: Hiding) -> tuple[str, Hiding, list[str]] | None:
    """(confidence, hiding, matched) for a link to another site hidden `how`, or None when it is no finding."""
    if not how.methods:
        return None  # shown to readers: no hidden link, whatever it says
    matched = list(dict.fromkeys([*_words_around(link, text_of(link)), *spam_url_fragments(target)]))
    if matched:
        return "certain", how, matched
    if how.review and not trusted_host(urlsplit(target).hostname or ""):
        return "review", how, matched
    return None


def _record(page: Page, link: Element, target: str, confidence: str, how: Hiding, matched: list[str],
            selector: str) -> HiddenLink:
    method = how.review or how.methods[0]
    hider = how.element
    if hider is not None and hider.getroottree().getroot() is not page.tree:
        hider = None  # a box of the markup a script writes: the selector names the script
    style = (hider.get("style") or "").strip() if hider is not None else ""
    if not style and how.element is not None:
        style = (how.element.get("style") or "").strip()
    text = text_of(link) or (link.get("title") or "").strip()
    evidence = f"“{text}” → {target}" + (f"（{style[:80]}）" if style else "")
    return HiddenLink(page.final_url, target, text, selector, method, how.methods, matched, confidence,
                      css_path(hider) if hider is not None and hider is not link else None, evidence)


@page_analysis(dimensions=("content",))
def hidden_links(page: Page, site: SiteView) -> list[HiddenLink] | None:
    """The page's hidden off-site links that are findings (certain or needs review)."""
    root = page.tree
    targets = Targets(site)
    base = page.final_url
    walker: Walker | None = None
    found: list[HiddenLink] = []
    for link in root.iter("a", "area"):
        target = targets.off_site(base, link.get("href"))
        if target is None:
            continue
        if trusted_host(urlsplit(target).hostname or "") and not _words_around(link, text_of(link)):
            continue  # a government or central media site, named plainly: whatever hides it, no finding
        walker = walker or Walker(root)
        judged = _judge(link, target, walker.hiding(link))
        if judged:
            found.append(_record(page, link, target, *judged, css_path(link)))
    for script in root.iter("script"):
        code = script.text
        if not code or "document.write" not in code or "href" not in code.lower():
            continue  # writes no link (an unescape()d link still spells href)
        markup = written_by(script)
        if markup and WRITTEN_LINK.search(markup):
            walker = walker or Walker(root)
            outer = walker.hiding(script)  # the script may sit in a hidden box of the page
            fragment = parse(f"<body>{markup}</body>")
            inner = Walker(None)
            for link in fragment.iter("a"):
                target = targets.off_site(base, link.get("href"))
                if target is None:
                    continue
                how = inner.hiding(link)
                how = Hiding(list(dict.fromkeys([*how.methods, *outer.methods, "script-written"])),
                             how.review or outer.review,
                             how.element if how.element is not None else outer.element)
                judged = _judge(link, target, how)
                if judged:
                    found.append(_record(page, link, target, *judged, css_path(script)))
    return found or None


# ------------------------------------------------------------------------------------------ the check
def _shallow_first(url: str) -> tuple[int, int, str]:
    path = urlsplit(url).path or "/"
    return path.rstrip("/").count("/"), len(url), url


def site_hidden_links(site: SiteView) -> list[HiddenLink]:
    """One record per target across the site: the shallowest page's, with every page carrying it."""
    by_target: dict[str, HiddenLink] = {}
    records = [r for page in site.page_results(hidden_links) for r in page]
    for record in sorted(records, key=lambda r: _shallow_first(r.page)):
        key = normalise_url(record.target)
        kept = by_target.get(key)
        if kept is None:
            kept = by_target[key] = record
        elif record.confidence == "certain" and kept.confidence != "certain":
            record.pages = kept.pages
            kept = by_target[key] = record
        if record.page not in kept.pages:
            kept.pages.append(record.page)
    return sorted(by_target.values(), key=lambda r: (r.confidence != "certain", _shallow_first(r.page), r.target))


@check(
    id="content.hidden-link",
    dimension="content",
    severity="critical",
    refs=["国办秘函〔2019〕19号 《政府网站与政务新媒体检查指标》 单项否决：发布或链接反动、暴力、色情等内容",
          "《网络信息内容生态治理规定》 第六条、第七条"],
    title={"zh": "隐藏的站外链接（暗链）", "en": "Hidden off-site link (spam link injection)"},
    fix={"zh": "在网页模板和页面源码中删除该隐藏链接，排查网站被篡改或植入的途径（模板文件、CMS 账号、"
               "服务器后门），修复后全站重新发布并加强防篡改监测。",
         "en": "Remove the hidden link from the page template and source, find how it was planted (template "
               "files, CMS accounts, a server backdoor), republish the site and monitor it for tampering."},
    needs=("analysis:hidden_links",),
)
def hidden_link(site: SiteView) -> Iterator[Finding]:
    max_pages = 10
    for record in site_hidden_links(site):
        zh, en = METHODS[record.method]
        n = len(record.pages)
        if record.confidence == "certain":
            message = (f"隐藏链接（暗链）指向站外 {record.target}，命中“{'、'.join(record.matched)}”，"
                       f"隐藏方式：{zh}；{n} 个页面含此链接")
            message_en = (f"Hidden link to {record.target} matching {', '.join(record.matched)} "
                          f"({en}), on {n} page(s)")
        else:
            message = f"需人工复核：指向站外 {record.target} 的链接被{zh}，读者看不到；{n} 个页面含此链接"
            message_en = f"needs review: a link to {record.target} is hidden from readers ({en}), on {n} page(s)"
        yield Finding(
            url=record.page,
            message=message,
            message_en=message_en,
            selector=record.selector,
            evidence=record.evidence,
            locator=record.target,
            severity="critical" if record.confidence == "certain" else "info",
            data={"method": record.method, "methods": record.methods, "target": record.target,
                  "matched": record.matched, "confidence": record.confidence,
                  "review": record.confidence == "review", "link_text": record.text,
                  "hidden_by": record.hidden_by, "pages": record.pages[:max_pages], "page_count": n},
        )
