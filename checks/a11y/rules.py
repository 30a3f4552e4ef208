"""Static accessibility rules (SPEC §6 `a11y.*`), each the W3C ACT rule of the same meaning.

Page-scoped: they run in the site's single page pass and read the page's shared tree through one
`Dom` (hidden state, roles and names computed once per page). Each finding names the element by a
CSS selector that matches in a browser, shows its outer HTML (truncated) and cites WCAG 2.1 and
GB/T 37668-2019. `rule_findings(html, url)` runs them over one HTML string (the ACT harness uses it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from lxml import etree
from lxml.html import HtmlElement

from auditcli.core.knowledge import load
from auditcli.core.models import Finding
from auditcli.core.soupcompat import BOOLEAN_ATTRIBUTES, BareOf, soup_attributes, soup_markup, soup_text
from auditcli.core.tree import css_path, css_string, elements, parse, pieces
from checks.a11y.axe import page_axe_findings
from checks.a11y.dom import ALWAYS_HIDDEN, ARIA_ATTRIBUTES, ROLES, Dom, dom_of
from checks.a11y.markup import Document, contents_count
from checks.a11y.ruleset import RULES, Hit, Rule, Target, refs, template
from checks.engine.registry import check

KNOWLEDGE = load("accessibility")
LANG2 = frozenset(KNOWLEDGE["languages_2"])
LANG3 = frozenset(load("language_subtags")["languages_3"].split())
EVIDENCE_LIMIT = 240


def outer_html(tag: Target, limit: int = EVIDENCE_LIMIT, bare: BareOf | None = None) -> str:
    """The element's outer HTML as BeautifulSoup wrote it (soup_markup), truncated; a whole document
    or page region only by its start tag (serialising <html> to keep 240 characters of it would cost a
    page's worth of work). `bare`: boolean attributes the page wrote bare (Dom.bare)."""
    if isinstance(tag, Document):
        text = "<[document]>…" if tag.contents > 30 else " ".join(tag.markup.split())
    elif tag.tag in ("html", "head", "body") or contents_count(tag) > 30:
        attrs = "".join(f' {k}="{v}"' for k, v in soup_attributes(tag, bare(tag) if bare else frozenset()))
        text = f"<{tag.tag}{attrs}>…"
    else:
        text = soup_markup(tag, limit, bare=bare, collapsed=True)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def selector_of(tag: Target) -> str:
    """A CSS selector for the element that a browser's querySelector finds."""
    if isinstance(tag, Document):
        return tag.name
    if tag.tag == "html":
        return "html"
    if tag.tag == "meta":
        for attr in ("name", "http-equiv"):
            value = tag.get(attr)
            if value:
                return f"meta[{attr}={css_string(value)}]"
    return css_path(tag, depth=5) or tag.tag


def rule(id: str, act: str | None, severity: str, criteria: tuple[str, ...], title: dict[str, str],
         why: dict[str, str], fix: dict[str, str]):
    def register(targets: Callable[[Dom], Iterator[tuple[Target, str, str] | Hit]]):
        spec = Rule(id, act, severity, criteria, title, why, fix, targets)
        RULES.append(spec)

        @check(id=id, dimension="accessibility", severity=severity, refs=refs(act, *criteria), title=title,
               fix={"zh": f"{why['zh']} {fix['zh']}", "en": f"{why['en']} {fix['en']}"}, scope="page",
               needs=("pages",))
        def run(page, site) -> Iterator[Finding]:
            dom = dom_of(page)
            targets = list(spec.targets(dom))
            yield from (_finding(spec, target, page.final_url, dom) for target in targets)
            yield from page_axe_findings(spec.id, page, site, dom, _elements(targets))

        run.__name__ = id.replace(".", "_").replace("-", "_")
        return targets

    return register


def _elements(targets: list) -> list[HtmlElement]:
    """The elements a rule's targets name (a page without any, markup.Document, names none)."""
    return [tag for tag in (t.target if isinstance(t, Hit) else t[0] for t in targets) if not isinstance(tag, Document)]


def page_findings(spec: Rule, dom: Dom, url: str) -> Iterator[Finding]:
    for target in spec.targets(dom):
        yield _finding(spec, target, url, dom)


def _finding(spec: Rule, target: tuple[Target, str, str] | Hit, url: str, dom: Dom) -> Finding:
    hit = target if isinstance(target, Hit) else Hit(*target)
    selector = selector_of(hit.target)
    data = {"why": spec.why, "fix": spec.fix, "act": spec.act, "template": template(selector)}
    if hit.review:
        data["review"] = True
    data.update(hit.data or {})
    return Finding(url=url, message=("需人工复核：" if hit.review else "") + hit.message,
                   message_en=("needs review: " if hit.review else "") + hit.message_en, selector=selector,
                   evidence=hit.evidence if hit.evidence is not None else outer_html(hit.target, bare=_bare_of(hit.target, dom)),
                   fix=spec.fix["zh"], severity="info" if hit.review else hit.severity, data=data)


def _bare_of(tag: Target, dom: Dom) -> BareOf | None:
    """`dom.bare` where the evidence may hold a boolean attribute written bare, else None: Dom.bare parses
    the page again, which most evidences (a link, an image) do not need."""
    if isinstance(tag, Document):
        return None
    shown = [tag] if tag.tag in ("html", "head", "body") or contents_count(tag) > 30 else tag.iter(etree.Element)
    return dom.bare if any(el.get(name) == name for el in shown for name in BOOLEAN_ATTRIBUTES) else None


def rule_findings(html: str, url: str = "http://127.0.0.1/") -> dict[str, list[Finding]]:
    """Every static rule over one page (for the ACT harness and the table script)."""
    dom = Dom(parse(html), html)
    return {spec.id: list(page_findings(spec, dom, url)) for spec in RULES}


# ---------------------------------------------------------------------- helpers


def shown(dom: Dom, tags: Iterable[HtmlElement]) -> Iterator[HtmlElement]:
    for tag in tags:
        if not dom.hidden(tag):
            yield tag


# the elements whose implicit role may be one of these roles (any element may have it explicitly)
IMPLICIT_HOSTS = {
    "link": ("a", "area"), "doc-backlink": (), "doc-biblioref": (), "doc-glossref": (), "doc-noteref": (),
    "button": ("button", "input", "summary"), "heading": ("h1", "h2", "h3", "h4", "h5", "h6"),
    "img": ("img", "svg"),
    **{role: ("input", "select", "textarea") for role in ("checkbox", "combobox", "listbox", "radio", "searchbox",
                                                          "slider", "spinbutton", "textbox")},
    "menuitemcheckbox": (), "menuitemradio": (), "switch": (),
}


def with_role(dom: Dom, roles: set[str]) -> Iterator[HtmlElement]:
    """Elements included in the accessibility tree whose role is one of `roles`, in tree order."""
    names = {name for role in roles for name in IMPLICIT_HOSTS.get(role, ())}
    candidates = dom.in_order(dom.named(*names), dom.with_role_attr)
    for tag in candidates:
        if dom.role(tag) in roles and not dom.hidden(tag):
            yield tag


def valid_lang(value: str) -> bool:
    """A BCP 47 tag whose primary language subtag the IANA registry holds (two letters of ISO 639-1,
    three letters of ISO 639-3 for languages without two, `qaa`..`qtz` private use), the rest
    well-formed subtags. Grandfathered `i-*` tags are deprecated and not accepted (as ACT counts)."""
    tag = value.strip().lower()
    if not tag:
        return False
    parts = tag.split("-")
    primary = parts[0]
    if not all(re.fullmatch(r"[a-z0-9]{1,8}", p) for p in parts):
        return False
    if primary == "x":
        return len(parts) > 1
    if len(primary) == 2:
        return primary in LANG2
    return primary in LANG3 or ("qaa" <= primary <= "qtz" and len(primary) == 3)


# ---------------------------------------------------------------------- rules


@rule("a11y.image-alt", "23a2a8", "high", ("1.1.1",),
      {"zh": "图片缺少替代文本", "en": "Image has no accessible name"},
      {"zh": "读屏软件无法读出没有替代文本的图片，视障用户不知道图片表达的内容。",
       "en": "A screen reader cannot tell what an image without a text alternative shows."},
      {"zh": "为有内容的图片添加描述内容的 alt 属性；装饰性图片使用 alt=\"\"。",
       "en": "Give informative images an alt attribute that says what they show; decorative images alt=\"\"."})
def image_alt(dom: Dom):
    for tag in dom.in_order(dom.named("img"), dom.with_role_attr):
        if tag.tag == "img" or dom.explicit_role(tag) == "img":
            if dom.hidden(tag) or dom.role(tag) == "presentation":
                continue
            if tag.tag != "img" and dom.role(tag) != "img":
                continue
            if not dom.has_name(tag):
                yield tag, "图片没有替代文本（alt）", "image has no text alternative (alt)"


@rule("a11y.input-image-alt", "59796f", "high", ("1.1.1", "4.1.2"),
      {"zh": "图片按钮缺少替代文本", "en": "Image button has no accessible name"},
      {"zh": "图片按钮没有文字名称时，读屏用户不知道按下它会做什么。",
       "en": "Without a name, screen-reader users cannot tell what an image button does."},
      {"zh": "为 <input type=\"image\"> 添加说明其功能的 alt 属性（如“搜索”）。",
       "en": "Give <input type=\"image\"> an alt attribute naming its action (e.g. \"Search\")."})
def input_image_alt(dom: Dom):
    for tag in shown(dom, dom.named("input")):
        if dom.input_type(tag) == "image" and not dom.has_name(tag):
            yield tag, "图片按钮没有替代文本", "image button has no accessible name"


@rule("a11y.html-lang", "b5c3f8", "medium", ("3.1.1",),
      {"zh": "html 元素缺少 lang 属性", "en": "html element has no lang attribute"},
      {"zh": "未声明页面语言时，读屏软件可能用错误的语音朗读中文内容。",
       "en": "Without a page language, screen readers may read the text with the wrong voice."},
      {"zh": "在 <html> 上设置 lang=\"zh-CN\"（外文版使用对应语言代码）。",
       "en": "Set lang=\"zh-CN\" on <html> (the matching code on language versions)."})
def html_lang(dom: Dom):
    html = dom.html
    if html is None:
        return
    lang = html.get("lang")
    if not (lang or "").strip():
        yield html, "<html> 没有 lang 属性", "<html> has no lang attribute"


@rule("a11y.html-lang-valid", "bf051a", "medium", ("3.1.1",),
      {"zh": "html 元素的 lang 属性值无效", "en": "html element has an invalid lang value"},
      {"zh": "无效的语言代码等于没有声明语言，读屏软件无法选择正确的语音。",
       "en": "An invalid language code is as good as none: screen readers cannot pick the voice."},
      {"zh": "使用 BCP 47 语言代码，如 zh-CN、en、mn。", "en": "Use a BCP 47 language tag such as zh-CN, en, mn."})
def html_lang_valid(dom: Dom):
    html = dom.html
    if html is None:
        return
    lang = html.get("lang")
    if lang and lang.strip() and not valid_lang(lang):
        yield html, f"<html lang=\"{lang}\"> 不是有效的语言代码", f"<html lang=\"{lang}\"> is not a valid language tag"


@rule("a11y.document-title", "2779a5", "medium", ("2.4.2",),
      {"zh": "页面缺少标题", "en": "Page has no title"},
      {"zh": "页面标题是读屏用户和多标签浏览时识别页面的第一依据。",
       "en": "The title is how screen-reader users and tab lists tell pages apart."},
      {"zh": "为每个页面设置描述性的 <title>（如“通知公告 - XX县人民政府”）。",
       "en": "Give every page a descriptive <title> (e.g. \"Notices - XX County Government\")."})
def document_title(dom: Dom):
    titles = [t for t in dom.named("title") if next(t.iterancestors("svg"), None) is None]
    if not titles:
        target: Target = dom.html if dom.html is not None else (dom.document or Document())
        yield target, "页面没有 <title> 元素", "the page has no <title> element"
    elif not soup_text(titles[0]).strip():
        yield titles[0], "<title> 为空", "the <title> is empty"


FORM_ROLES = {"checkbox", "combobox", "listbox", "menuitemcheckbox", "menuitemradio", "radio", "searchbox",
              "slider", "spinbutton", "switch", "textbox"}


@rule("a11y.form-label", "e086e5", "high", ("1.3.1", "4.1.2"),
      {"zh": "表单控件缺少标签", "en": "Form field has no accessible name"},
      {"zh": "没有标签的输入框，读屏用户只听到“编辑框”，不知道该填什么。",
       "en": "A field without a label is announced as just \"edit text\": users cannot tell what to enter."},
      {"zh": "用 <label for> 关联可见的标签文字，或添加 aria-label / aria-labelledby。",
       "en": "Associate a visible <label for>, or add aria-label / aria-labelledby."})
def form_label(dom: Dom):
    for tag in with_role(dom, FORM_ROLES):
        if not dom.has_name(tag):
            yield tag, f"{tag.tag} 表单控件没有可访问名称", f"{tag.tag} form field has no accessible name"


LINK_ROLES = {"link", "doc-backlink", "doc-biblioref", "doc-glossref", "doc-noteref"}  # link and its DPUB kin


@rule("a11y.link-name", "c487ae", "high", ("2.4.4", "4.1.2"),
      {"zh": "链接缺少可读名称", "en": "Link has no accessible name"},
      {"zh": "只有图片或图标、没有文字的链接，读屏软件只能读出网址或“链接”。",
       "en": "A link with only an icon and no text is read out as its address or just \"link\"."},
      {"zh": "为链接提供文字，或为链接中的图片添加 alt，或添加 aria-label。",
       "en": "Give the link text, an alt on its image, or an aria-label."})
def link_name(dom: Dom):
    for tag in with_role(dom, LINK_ROLES):
        if not dom.has_name(tag):
            yield tag, "链接没有可访问名称", "link has no accessible name"


@rule("a11y.button-name", "97a4e1", "high", ("4.1.2",),
      {"zh": "按钮缺少可读名称", "en": "Button has no accessible name"},
      {"zh": "没有名称的按钮，读屏用户只听到“按钮”，不知道它的作用。",
       "en": "A button without a name is announced as just \"button\"."},
      {"zh": "为按钮提供文字、value 或 aria-label。", "en": "Give the button text, a value, or an aria-label."})
def button_name(dom: Dom):
    for tag in with_role(dom, {"button"}):
        if tag.tag == "input" and dom.input_type(tag) == "image":
            continue
        if not dom.has_name(tag):
            yield tag, "按钮没有可访问名称", "button has no accessible name"


def _viewport_value(value: str) -> float:
    value = value.strip().lower()
    if value in ("yes",):
        return 1.0
    if value in ("no",):
        return 0.1
    if value in ("device-width", "device-height"):
        return 10.0
    try:
        return float(value)
    except ValueError:
        return 0.0  # an unknown value counts as 0 (CSS Device Adaptation's viewport <meta> translation)


@rule("a11y.meta-viewport", "b4f0c3", "medium", ("1.4.4",),
      {"zh": "页面禁止缩放", "en": "Page disables zoom"},
      {"zh": "禁止缩放后，老年人和低视力用户无法在手机上放大文字阅读。",
       "en": "With zoom disabled, older and low-vision visitors cannot enlarge the text on phones."},
      {"zh": "从 viewport 中删除 user-scalable=no，maximum-scale 不小于 2（或删除）。",
       "en": "Remove user-scalable=no from the viewport; keep maximum-scale at 2 or more (or remove it)."})
def meta_viewport(dom: Dom):
    for tag in dom.named("meta"):
        content = tag.get("content")
        if content is None or tag.get("name", "").strip().lower() != "viewport":
            continue
        props = {}
        for part in re.split(r"[,;]", content):
            key, sep, value = part.partition("=")
            if sep:
                props[key.strip().lower()] = value.strip()
        scalable = props.get("user-scalable")
        if scalable is not None:
            number = _viewport_value(scalable)
            if -1 < number < 1:
                yield tag, f"viewport 禁止用户缩放（user-scalable={scalable}）", \
                    f"viewport disables zoom (user-scalable={scalable})"
                continue
        maximum = props.get("maximum-scale")
        if maximum is not None:
            number = _viewport_value(maximum)
            if 0 <= number < 2:
                yield tag, f"viewport 限制最大缩放（maximum-scale={maximum}）", \
                    f"viewport limits zoom (maximum-scale={maximum})"


@rule("a11y.frame-title", "cae760", "medium", ("4.1.2",),
      {"zh": "内嵌框架缺少标题", "en": "iframe has no accessible name"},
      {"zh": "读屏用户需要框架标题才能判断是否进入框架内容。",
       "en": "Screen-reader users need a frame's name to decide whether to enter it."},
      {"zh": "为 <iframe> 添加描述内容的 title 属性。", "en": "Give the <iframe> a title describing its content."})
def frame_title(dom: Dom):
    for tag in shown(dom, dom.named("iframe", "frame")):
        tabindex = tag.get("tabindex", "").strip()
        if tabindex.startswith("-") and tabindex[1:].isdigit():
            continue
        if dom.explicit_role(tag) in ("none", "presentation"):
            continue  # a frame marked presentational is not announced
        if not dom.has_name(tag):
            yield tag, "框架没有 title", "frame has no title"


def refresh_delay(content: str) -> float | None:
    """HTML's shared declarative refresh steps: the delay, or None when the content is not valid."""
    text = content.lstrip(" \t\n\f\r")
    match = re.match(r"(\d*)(\.[\d.]*)?", text)
    digits = match.group(1) if match else ""
    if not digits and not (match and match.group(2)):
        return None
    rest = text[match.end():]
    if rest and rest[0] not in ";, \t\n\f\r":
        return None
    return float(digits or 0)


@rule("a11y.meta-refresh", "bc659a", "medium", ("2.2.1", "3.2.5"),
      {"zh": "页面定时自动刷新或跳转", "en": "Page refreshes or redirects on a timer"},
      {"zh": "定时刷新会打断读屏朗读和输入，阅读较慢的用户来不及读完。",
       "en": "A timed refresh interrupts screen readers and typing; slow readers cannot finish."},
      {"zh": "去掉定时 meta refresh；必须跳转时使用服务器端 301/302 或 content=\"0\"。",
       "en": "Remove the timed meta refresh; redirect on the server (301/302) or with content=\"0\"."})
def meta_refresh(dom: Dom):
    for tag in dom.named("meta"):
        content = tag.get("content")
        if content is None or tag.get("http-equiv", "").strip().lower() != "refresh":
            continue
        delay = refresh_delay(content)
        if delay is None:
            continue
        if 0 < delay <= 72000:
            yield tag, f"页面 {delay:g} 秒后自动刷新/跳转", f"the page refreshes/redirects after {delay:g} s"
        return  # only the first valid one counts


@rule("a11y.element-lang-valid", "de46e4", "low", ("3.1.2",),
      {"zh": "元素的 lang 属性值无效", "en": "Element has an invalid lang value"},
      {"zh": "段落语言代码无效时，读屏软件会用错误的语音朗读这段文字。",
       "en": "With an invalid language code, the passage is read with the wrong voice."},
      {"zh": "使用 BCP 47 语言代码（如 en、mn、bo、ug）。", "en": "Use a BCP 47 language tag (en, mn, bo, ug)."})
def element_lang_valid(dom: Dom):
    for tag in dom.with_lang:
        if tag.tag == "html" or next(tag.iterancestors("body"), None) is None:
            continue
        lang = tag.get("lang", "")
        if not lang or valid_lang(lang):
            continue
        if _governs_shown_text(dom, tag):
            yield tag, f"lang=\"{lang}\" 不是有效的语言代码", f"lang=\"{lang}\" is not a valid language tag"


def _governs_shown_text(dom: Dom, tag: HtmlElement) -> bool:
    """Some text whose language `tag` sets is visible or in the accessibility tree: a text node, or the
    text alternative (alt, aria-label, title) of an element inside it."""

    def owner(node: HtmlElement) -> HtmlElement | None:
        if "lang" in node.attrib:
            return node
        return next((parent for parent in node.iterancestors() if "lang" in parent.attrib), None)

    for piece in pieces(tag):
        parent = piece.parent
        if not piece.text.strip() or parent.tag in ALWAYS_HIDDEN:
            continue
        if owner(parent) is tag and (dom.rendered(parent) or not dom.hidden(parent)):
            return True
    for element in elements(tag):
        named = any(element.get(a, "").strip() for a in ("alt", "aria-label", "title"))
        if named and owner(element) is tag and (dom.rendered(element) or not dom.hidden(element)):
            return True
    return False


@rule("a11y.heading-name", "ffd0e9", "medium", ("1.3.1", "2.4.6"),
      {"zh": "标题元素为空", "en": "Heading has no accessible name"},
      {"zh": "空标题会出现在读屏软件的标题列表里，却读不出任何内容，打乱页面导航。",
       "en": "An empty heading appears in the screen reader's heading list with nothing to read."},
      {"zh": "为标题填写文字，或删除空的 <h1>–<h6>。", "en": "Give the heading text, or remove the empty <h1>–<h6>."})
def heading_name(dom: Dom):
    for tag in with_role(dom, {"heading"}):
        if not dom.has_name(tag):
            yield tag, "标题没有文字", "heading has no text"


@rule("a11y.aria-role", "674b10", "medium", ("1.3.1", "4.1.2"),
      {"zh": "role 属性值无效", "en": "role attribute has no valid value"},
      {"zh": "无效的 role 会被忽略，辅助技术得到的元素类型与作者意图不符。",
       "en": "An invalid role is ignored: assistive technology gets a different element type than meant."},
      {"zh": "使用 WAI-ARIA 定义的角色（如 navigation、button、dialog），或删除 role。",
       "en": "Use a role WAI-ARIA defines (navigation, button, dialog...), or remove it."})
def aria_role(dom: Dom):
    for tag in dom.with_role_attr:
        value = tag.get("role", "")
        if not value.strip() or dom.hidden(tag):
            continue
        if not any(token in ROLES for token in value.lower().split()):
            yield tag, f"role=\"{value}\" 不是有效的 ARIA 角色", f"role=\"{value}\" is not a valid ARIA role"


@rule("a11y.aria-attr", "5f99a7", "medium", ("4.1.2",),
      {"zh": "ARIA 属性名无效", "en": "ARIA attribute is not defined"},
      {"zh": "拼错或自造的 aria-* 属性不会被辅助技术识别，控件的状态传达不出去。",
       "en": "A misspelt or invented aria-* attribute is ignored: the state never reaches assistive technology."},
      {"zh": "改为 WAI-ARIA 定义的属性名（如 aria-label、aria-expanded）。",
       "en": "Use an attribute WAI-ARIA defines (aria-label, aria-expanded...)."})
def aria_attr(dom: Dom):
    for tag in dom.with_aria:
        bad = [a for a in tag.attrib if a.lower().startswith("aria-") and a.lower() not in ARIA_ATTRIBUTES]
        if bad:
            yield tag, f"未定义的 ARIA 属性：{', '.join(bad)}", f"undefined ARIA attribute: {', '.join(bad)}"


AUTOCOMPLETE = KNOWLEDGE["autocomplete"]
FIELDS = {**AUTOCOMPLETE["fields"]}
CONTACT_FIELDS = AUTOCOMPLETE["contact_fields"]
NOT_AUTOFILL_INPUTS = {"hidden", "button", "checkbox", "file", "image", "radio", "reset", "submit"}


def autocomplete_ok(value: str) -> bool:
    """A valid autofill detail token list: [section-*] [shipping|billing] [home|work|...] field [webauthn]."""
    tokens = value.lower().split()
    if tokens and tokens[-1] == "webauthn":
        tokens = tokens[:-1]
    if tokens and tokens[0].startswith("section-"):
        tokens = tokens[1:]
    if tokens and tokens[0] in AUTOCOMPLETE["sections"]:
        tokens = tokens[1:]
    if not tokens:
        return False
    allowed = None
    if len(tokens) == 2 and tokens[0] in AUTOCOMPLETE["contact_kinds"] and tokens[1] in CONTACT_FIELDS:
        allowed = CONTACT_FIELDS[tokens[1]]
    elif len(tokens) == 1 and tokens[0] in FIELDS:
        allowed = FIELDS[tokens[0]]
    elif len(tokens) == 1 and tokens[0] in CONTACT_FIELDS:
        allowed = CONTACT_FIELDS[tokens[0]]
    return allowed is not None


@rule("a11y.autocomplete", "73f2c2", "low", ("1.3.5",),
      {"zh": "autocomplete 属性值无效", "en": "autocomplete value is not valid"},
      {"zh": "正确的 autocomplete 让浏览器和辅助工具自动填写个人信息，减轻老年人和肢体障碍用户的输入负担。",
       "en": "A correct autocomplete lets browsers and assistive tools fill personal data in for the user."},
      {"zh": "使用 HTML 定义的字段名（如 name、tel、email、street-address），并与输入框类型相符。",
       "en": "Use an HTML autofill field name (name, tel, email, street-address) that fits the field type."})
def autocomplete(dom: Dom):
    for tag in dom.named("input", "select", "textarea"):
        value = tag.get("autocomplete")
        if value is None:
            continue
        if not value.strip() or value.strip().lower() in ("on", "off"):
            continue
        if tag.tag == "input" and dom.input_type(tag) in NOT_AUTOFILL_INPUTS:
            continue
        if "disabled" in tag.attrib or tag.get("aria-disabled", "").lower() == "true":
            continue
        if dom.hidden(tag):
            continue
        if not autocomplete_ok(value):
            yield tag, f"autocomplete=\"{value}\" 无效或与输入类型不符", \
                f"autocomplete=\"{value}\" is not valid for this field"


@rule("a11y.duplicate-id", None, "low", ("4.1.1",),
      {"zh": "id 属性值重复", "en": "Duplicate id"},
      {"zh": "重复的 id 会让 label、aria-labelledby 等关联指向错误的元素。",
       "en": "Duplicate ids make <label for> and aria-labelledby point at the wrong element."},
      {"zh": "保证页面内每个 id 唯一。", "en": "Keep every id unique within the page."})
def duplicate_id(dom: Dom):
    for ident, tags in dom.ids.items():
        if len(tags) > 1:
            yield tags[1], f"id=\"{ident}\" 在页面中出现 {len(tags)} 次", f"id=\"{ident}\" occurs {len(tags)} times"
