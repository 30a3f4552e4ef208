"""Static accessibility rules axe-core does not have (issue 24 item 2), on the page's shared tree.

They run in the site's single page pass like the ACT-proven rules of checks/a11y/rules.py and share
its `Dom` (hidden state, roles, names). Severity is as an inspector ranks the barrier; a heuristic
that is not certain yields review-level results (`Hit(review=True)`: severity info, `data.review`,
listed apart in the report and never scored, as axe-core's "needs review"). Words and lists live in
auditcli/core/knowledge/accessibility.yaml (`beyond`).

Decisions (docs/SPEC.md §6 says them too):
- a vague link (更多, 详细, more…) is judged with its WCAG 2.4.4 context: the text of its sentence,
  paragraph, list item or table cell, or its parent's other text (a column heading beside 更多>>),
  or a heading before it in its box (technique H80) makes it meaningful: no finding. With only
  unmarked text in the box around it (a column title in a <div>): review. With no context: a barrier.
  "Here" words (点击这里, click here) in context are review-level (WCAG 2.4.9, AAA);
- layout tables are always review-level: WCAG does not forbid them, only their effects;
- a page's own <style> is read for removed focus outlines; linked stylesheets and the computed style
  are browser mode's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from auditcli.core.knowledge import load
from checks.a11y.dom import Dom, _strip_at_rules, declarations
from checks.a11y.rules import LINK_ROLES, rule, with_role
from checks.a11y.ruleset import Hit

BEYOND = load("accessibility")["beyond"]
ALT_PLACEHOLDERS = frozenset(BEYOND["alt_placeholders"])
IMAGE_FILE = re.compile(r"[^\s/\\]+\.(?:{})".format("|".join(BEYOND["image_extensions"])), re.I)
GENERATED_NAME = re.compile(r"(?:img|dsc|dscn|pic|image|photo|wx)?[_-]?\d{4,}[\w-]*|[0-9a-f]{16,}", re.I)
VAGUE_MORE = frozenset(w.lower() for w in BEYOND["vague_more"])
VAGUE_HERE = frozenset(w.lower() for w in BEYOND["vague_here"])
LINK_PUNCTUATION = str.maketrans("", "", BEYOND["link_punctuation"])
ARROWS = frozenset(">»›→⇒＞》〉+＋")
NEW_WINDOW_CUES = tuple(w.lower() for w in BEYOND["new_window_cues"])
PRESENTATIONAL = tuple(BEYOND["presentational_tags"])
MOVING = tuple(BEYOND["moving_tags"])
CONTEXT_CONTAINERS = frozenset(BEYOND["context_containers"])
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
SCRIPTS = {name: (re.compile(f"[{spec['range']}]+(?:[\\s\u200c\u200d\u202f]*[{spec['range']}]+)*"),
                  frozenset(spec["langs"])) for name, spec in BEYOND["scripts"].items()}
ANY_MINORITY = re.compile("[{}]".format("".join(spec["range"] for spec in BEYOND["scripts"].values())))
SCRIPT_ZH = {"mongolian": "蒙古文", "tibetan": "藏文", "arabic": "维吾尔文等阿拉伯字母文字"}
# a run of at least three Latin words, one at least with a lower-case letter (no acronym run)
LATIN_RUN = re.compile(r"(?<![\w@/.:-])[A-Za-z][A-Za-z'’]*(?:[ \t\u00a0]+(?:of|and|the|to|in|for|a|[A-Za-z][A-Za-z'’]+)){2,}"
                       r"(?![\w@/.:-]*[/@])")
CJK = re.compile(r"[\u4e00-\u9fff]")
NOT_PROSE = frozenset(("script", "style", "noscript", "template", "code", "pre", "kbd", "samp", "var",
                       "textarea", "option", "title"))
TEXT_NODES = etree.XPath("//body//text()[normalize-space() and not(parent::script or parent::style)]")
# attributes the keyboard rules read (a union of attribute steps: half the time of one element predicate)
KEYBOARD_ATTRIBUTES = etree.XPath("//@tabindex | //@accesskey | //@onfocus | //@style[contains(., 'outline')]")
# the elements the rules below read that the Dom's index does not hold: one walk for all of them
WALKED = ("blink", "marquee", "font", "center", "big", "strike", "tt", "basefont", "table", "p", "br",
          "fieldset")
FOCUSABLE_TARGETS = re.compile(r"(?:^|[\s>+~,(])(?:a|button|input|select|textarea|summary|\*)(?:$|[\s.#:\[>+~,)])")
OUTLINE_GONE = {"none", "0", "0px", "0 none", "none 0"}
# a spacer image: a transparent GIF or PNG named for what it does (spacer.gif, blank.gif, 1x1.png, kong.gif)
SPACER = re.compile(r"(?:^|[/_-])(?:spacer|space|spacing|blank|pixel|transparent|trans|clear|kong|1x1)\.(?:gif|png)"
                    r"(?:$|\?)", re.I)
FOCUS_REPLACEMENTS = ("box-shadow", "border", "background", "outline", "text-decoration", "color", "filter")


def _walked(dom: Dom) -> dict[str, list[HtmlElement]]:
    """The elements of WALKED by tag name (one lxml walk per page, kept on the Dom)."""
    cached = dom.__dict__.get("beyond_walked")
    if cached is None:
        cached = {name: [] for name in WALKED}
        for tag in dom.named(*WALKED):
            cached[tag.tag].append(tag)
        dom.__dict__["beyond_walked"] = cached
    return cached


def _attributed(dom: Dom) -> list[HtmlElement]:
    cached = dom.__dict__.get("beyond_attributed")
    if cached is None:
        found = [] if dom.html is None else KEYBOARD_ATTRIBUTES(dom.root)  # in document order
        cached = dom.__dict__["beyond_attributed"] = list(dict.fromkeys(value.getparent() for value in found))
    return cached


def _bare(text: str) -> str:
    return text.translate(LINK_PUNCTUATION).lower()


def _meaningful(text: str) -> bool:
    """Text that can say what a link is about: two Han characters, or a Latin word of three letters,
    and not itself only vague words."""
    bare = _bare(text)
    if not bare or bare in VAGUE_MORE or bare in VAGUE_HERE:
        return False
    return len(CJK.findall(text)) >= 2 or re.search(r"[A-Za-z]{3}", text) is not None


# ---------------------------------------------------------------------- images


@rule("a11y.alt-uninformative", None, "medium", ("1.1.1",),
      {"zh": "图片替代文本无意义", "en": "Image alt text says nothing"},
      {"zh": "替代文本是文件名或“图片”“image”之类的占位词时，读屏用户听到的是“图片 1.jpg”，仍不知道图片表达什么。",
       "en": "An alt that is a file name or a word like \"image\" tells screen-reader users nothing of the picture."},
      {"zh": "把 alt 改为图片所表达的内容（如“县长在座谈会上讲话”）；纯装饰图片使用 alt=\"\"。",
       "en": "Write what the image shows or does (\"The county head speaks at the forum\"); alt=\"\" if decorative."})
def alt_uninformative(dom: Dom) -> Iterator[tuple[HtmlElement, str, str] | Hit]:
    for tag in dom.in_order(dom.named("img"), dom.named("input")):
        if tag.tag == "input" and dom.input_type(tag) != "image":
            continue
        alt = (tag.get("alt") or "").strip()
        title = " ".join((tag.get("title") or "").split())
        if tag.tag == "img" and tag.get("alt") is not None and not alt and _bare(title) and not dom.hidden(tag) \
                and not SPACER.search(tag.get("src") or ""):
            # alt="" says "decorative", the title says it means something: readers hear neither (H67)
            yield Hit(tag, f"alt 为空（装饰图片）却有 title“{title[:40]}”：图片若有意义，读屏用户听不到",
                      f"empty alt (decorative) but a title \"{title[:40]}\": if the image means something, "
                      "screen-reader users do not hear it", review=True)
            continue
        if not alt or dom.hidden(tag) or dom.role(tag) == "presentation":
            continue
        if IMAGE_FILE.fullmatch(alt) or _is_src_name(alt, tag.get("src") or ""):
            yield tag, f"替代文本“{alt}”是文件名", f"the alt text \"{alt}\" is a file name"
        elif _bare(alt) in ALT_PLACEHOLDERS:
            yield tag, f"替代文本“{alt}”是占位词，没有说明图片内容", f"the alt text \"{alt}\" is a placeholder word"


def _is_src_name(alt: str, src: str) -> bool:
    """The alt is the image's own file name without its extension, a generated one (IMG_2041, a date)."""
    stem = src.rsplit("/", 1)[-1].split("?", 1)[0].rsplit(".", 1)[0]
    return bool(stem) and alt.lower() == stem.lower() and GENERATED_NAME.fullmatch(alt) is not None


# ---------------------------------------------------------------------- links


@rule("a11y.link-text-vague", None, "medium", ("2.4.4", "2.4.9"),
      {"zh": "链接文字脱离上下文无意义", "en": "Link text means nothing out of context"},
      {"zh": "读屏用户常按链接列表浏览页面，只听到一串“更多”“点击这里”，无法判断每个链接去哪里。",
       "en": "Screen-reader users browse a page by its list of links: a row of \"more\" and \"click here\" says "
             "nowhere where they go."},
      {"zh": "让链接文字本身说明去向（如“更多通知公告”），或把栏目标题标为标题元素（<h2>通知公告</h2>），"
             "或用 aria-label 补全（aria-label=\"更多通知公告\"）。",
       "en": "Make the link text say where it goes (\"More notices\"), mark the column title as a heading "
             "(<h2>), or complete it with aria-label."})
def link_text_vague(dom: Dom) -> Iterator[tuple[HtmlElement, str, str] | Hit]:
    for tag in with_role(dom, LINK_ROLES):
        text = tag.text_content()
        labelled = tag.get("aria-label") is not None or tag.get("aria-labelledby") is not None
        if not labelled and (len(text) > 24 or (text.strip() and _vague_kind(text) is None)):
            continue  # most links: their text says something (the name is computed only for the rest)
        name = dom.name(tag)
        kind = _vague_kind(name)
        if kind is None:
            continue
        if _meaningful(tag.get("title") or "") or _described(dom, tag):
            continue
        context = _link_context(tag, text)
        shown_name = name[:20]
        if kind == "punctuation":
            yield tag, f"链接文字只有标点“{shown_name}”", f"the link text is only punctuation \"{shown_name}\""
        elif context == "none":
            yield tag, f"链接文字“{shown_name}”脱离上下文无法理解，周围也没有说明", \
                f"the link text \"{shown_name}\" means nothing and nothing around it says more"
        elif context == "visual":
            yield Hit(tag, f"链接文字“{shown_name}”只靠附近未标记为标题的文字说明去向",
                      f"the link text \"{shown_name}\" relies on nearby text that is not marked as a heading",
                      review=True)
        elif kind == "here":
            yield Hit(tag, f"链接文字“{shown_name}”须结合所在句子才能理解（WCAG 2.4.9）",
                      f"the link text \"{shown_name}\" needs its sentence to be understood (WCAG 2.4.9)",
                      review=True)


def _vague_kind(text: str) -> str | None:
    """"more", "here", "punctuation" (a link of only dots or dashes), or None when the text says something."""
    stripped = "".join(text.split())
    if not stripped:
        return None
    bare = _bare(stripped)
    if bare in VAGUE_MORE:
        return "more"
    if bare in VAGUE_HERE:
        return "here"
    if not bare:
        return "more" if any(ch in ARROWS for ch in stripped) else "punctuation"
    return None


def _described(dom: Dom, tag: HtmlElement) -> bool:
    for ident in (tag.get("aria-describedby") or "").split():
        target = dom.by_id(ident)
        if target is not None and _meaningful(target.text_content()):
            return True
    return False


def _link_context(tag: HtmlElement, text: str) -> str:
    """"text" (WCAG 2.4.4 context: its sentence, paragraph, list item or cell, or its parent's other text,
    or a heading before it in its box), "visual" (only unmarked text in the box around it), "none"."""
    chain = list(tag.iterancestors())[:4]
    if not chain:
        return "none"
    container = next((a for a in chain if a.tag in CONTEXT_CONTAINERS), None)
    for candidate in (container, chain[0]):
        if candidate is not None and _meaningful(_text_without(candidate, tag)):
            return "text"
    for node in (tag, chain[0]):  # a heading before it in its box, or in its parent's box (H80)
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html", "main"):
            break  # the page's own <h1> is no context of a link somewhere below it
        for sibling in node.itersiblings(preceding=True):
            if not isinstance(sibling.tag, str):
                continue
            if sibling.tag in HEADINGS or sibling.get("role") == "heading" or \
                    next(sibling.iter(*HEADINGS), None) is not None:
                return "text"
    for box in chain[1:3]:
        if box.tag in ("body", "html", "main"):
            break
        if _meaningful(_text_without(box, tag)):
            return "visual"
    return "none"


def _text_without(container: HtmlElement, link: HtmlElement) -> str:
    """The container's text less the link's own and less the text of its scripts and styles."""
    text = container.text_content()
    for node in (link, *container.iter("script", "style")):
        own = node.text_content()
        if own:
            text = text.replace(own, " ", 1)
    return text


@rule("a11y.link-new-window", None, "info", ("3.2.5",),
      {"zh": "链接在新窗口打开但未提示", "en": "Link opens a new window without saying so"},
      {"zh": "新窗口打开后“后退”失效，读屏用户和老年用户常不知道已到了新窗口，找不到原来的页面。",
       "en": "A new window breaks the Back button: screen-reader and older users often do not notice it "
             "opened and lose the page they came from."},
      {"zh": "在链接文字或 title 中注明“（新窗口打开）”，或在新窗口图标上加 alt；非必要时不使用 target=\"_blank\"。",
       "en": "Say \"(opens in a new window)\" in the link text or title, or give the icon an alt; avoid "
             "target=\"_blank\" where it is not needed."})
def link_new_window(dom: Dom) -> Iterator[Hit]:
    """Review-level: warning of a new window is advisory (WCAG G201 for 3.2.5, AAA). One result per
    page, on its first such link, with their number: portals open every list item and footer badge in
    a new window, and 20 results a page would say no more than one."""
    links = []
    for tag in dom.in_order(dom.named("a"), dom.named("area")):
        if (tag.get("target") or "").strip().lower() not in ("_blank", "_new") or tag.get("href") is None:
            continue
        said = " ".join([tag.text_content(), tag.get("title") or "", tag.get("aria-label") or "",
                         *(img.get("alt") or "" for img in tag.iter("img"))]).lower()
        if not any(cue in said for cue in NEW_WINDOW_CUES) and not _cue_described(dom, tag) and not dom.hidden(tag):
            links.append(tag)
    if links:
        count = f"（本页共 {len(links)} 个）" if len(links) > 1 else ""
        count_en = f" ({len(links)} such links on the page)" if len(links) > 1 else ""
        yield Hit(links[0], f"链接在新窗口打开（target=\"_blank\"）但未告知用户{count}",
                  f"the link opens a new window (target=\"_blank\") without saying so{count_en}", review=True,
                  data={"links": len(links)})


def _cue_described(dom: Dom, tag: HtmlElement) -> bool:
    for ident in (tag.get("aria-describedby") or "").split():
        target = dom.by_id(ident)
        if target is not None and any(cue in target.text_content().lower() for cue in NEW_WINDOW_CUES):
            return True
    return False


# ---------------------------------------------------------------------- keyboard


@rule("a11y.tabindex-positive", None, "low", ("2.4.3",),
      {"zh": "tabindex 大于 0", "en": "tabindex above 0"},
      {"zh": "正数 tabindex 打乱键盘 Tab 键的焦点顺序：先跳到这些元素，再回到页面开头，键盘用户无法按阅读顺序操作。",
       "en": "A positive tabindex pulls its elements ahead of the page's order: keyboard users jump around "
             "the page instead of following it."},
      {"zh": "删除正数 tabindex，按需要的顺序排列源码；需要可聚焦时使用 tabindex=\"0\"。",
       "en": "Remove positive tabindex values and order the source instead; use tabindex=\"0\" to make "
             "an element focusable."})
def tabindex_positive(dom: Dom) -> Iterator[tuple[HtmlElement, str, str]]:
    for tag in _attributed(dom):
        value = (tag.get("tabindex") or "").strip()
        if value.isdigit() and int(value) > 0 and not dom.hidden(tag):
            yield tag, f"tabindex=\"{value}\" 打乱焦点顺序", f"tabindex=\"{value}\" reorders keyboard focus"


@rule("a11y.accesskey", None, "info", ("2.1.1", "4.1.2"),
      {"zh": "使用了 accesskey 快捷键", "en": "accesskey shortcut used"},
      {"zh": "accesskey 快捷键可能与浏览器、读屏软件的快捷键冲突，覆盖用户依赖的按键；同一键重复时只有一个生效。",
       "en": "accesskey shortcuts can clash with the browser's and the screen reader's own keys; a key used "
             "twice reaches only one element."},
      {"zh": "确认快捷键不与常用读屏软件（NVDA、争渡、永德）和浏览器冲突，并在无障碍说明页公布；重复的键必须去掉。",
       "en": "Check the keys against common screen readers and browsers and publish them; remove duplicates."})
def accesskey(dom: Dom) -> Iterator[Hit]:
    """Review-level (a conflict depends on the user's software), certain when one key is used twice."""
    seen: dict[str, HtmlElement] = {}
    for tag in _attributed(dom):
        key = (tag.get("accesskey") or "").strip()
        if not key or dom.hidden(tag):
            continue
        lower = key.lower()
        if lower in seen:
            yield Hit(tag, f"accesskey=\"{key}\" 在页面中重复使用", f"accesskey=\"{key}\" is used twice on the page",
                      severity="low")
            continue
        seen[lower] = tag
        yield Hit(tag, f"accesskey=\"{key}\" 可能与读屏软件或浏览器快捷键冲突",
                  f"accesskey=\"{key}\" may clash with screen-reader or browser shortcuts", review=True)


@rule("a11y.focus-outline-removed", None, "medium", ("2.4.7",),
      {"zh": "键盘焦点指示被去掉", "en": "Keyboard focus indicator removed"},
      {"zh": "去掉焦点轮廓（outline:none）又没有替代样式时，键盘用户看不到焦点在哪里，无法操作页面。",
       "en": "With the focus outline removed and nothing in its place, keyboard users cannot see where they are."},
      {"zh": "删除 outline:none / outline:0，或在 :focus 样式中提供清晰的替代（边框、背景色、box-shadow）；"
             "不要在 onfocus 中调用 this.blur()。",
       "en": "Remove outline:none / outline:0, or give :focus a clear replacement (border, background, "
             "box-shadow); never call this.blur() on focus."})
def focus_outline_removed(dom: Dom) -> Iterator[tuple[HtmlElement, str, str] | Hit]:
    """Static reading: the page's own <style> rules, inline styles and onfocus handlers. Linked
    stylesheets and the computed style are browser mode's."""
    for tag in _attributed(dom):
        onfocus = (tag.get("onfocus") or "").replace(" ", "").lower()
        if "blur()" in onfocus:
            yield Hit(tag, "onfocus 中调用 blur()，元素一获得焦点就失去焦点",
                      "onfocus calls blur(): the element loses focus as soon as it gets it", severity="high")
            continue
        style = tag.get("style") or ""
        if "outline" in style and Dom.focusable(tag) and _outline_gone(declarations(style)) \
                and not _replaced(declarations(style)):
            yield tag, "行内样式去掉了焦点轮廓（outline）", "an inline style removes the focus outline"
    styles = dom.named("style")
    if not styles:
        return
    removals: list[tuple[HtmlElement, str]] = []
    replaced = False
    for style in styles:
        for selector, body in _css_rules(style.text_content()):
            decl = declarations(body)
            focus = ":focus" in selector
            if focus and _replaced(decl):
                replaced = True
            if _outline_gone(decl) and (focus or _targets_focusable(selector)):
                removals.append((style, f"{selector.strip()}{{{body.strip()}}}"))
    if removals and not replaced:
        style, rule_text = removals[0]
        more = f"（共 {len(removals)} 条规则）" if len(removals) > 1 else ""
        yield Hit(style, f"页面样式去掉了焦点轮廓且 :focus 没有替代样式：{rule_text[:80]}{more}",
                  f"the page's style removes the focus outline with no :focus replacement: {rule_text[:80]}",
                  evidence=" ".join(rule_text.split())[:240])


def _css_rules(css: str) -> list[tuple[str, str]]:
    if "outline" not in css:
        return []
    return re.findall(r"([^{}]+)\{([^{}]*)\}", _strip_at_rules(css))


def _outline_gone(decl: dict[str, str]) -> bool:
    value = decl.get("outline")
    if value is not None and value.strip() in OUTLINE_GONE:
        return True
    return decl.get("outline-style", "").strip() == "none" or decl.get("outline-width", "").strip() in ("0", "0px")


def _replaced(decl: dict[str, str]) -> bool:
    """A :focus rule that draws something in the outline's place (an outline that is not none counts)."""
    for name, value in decl.items():
        if name.startswith(FOCUS_REPLACEMENTS) and value.strip() not in OUTLINE_GONE and value.strip() != "inherit":
            return True
    return False


def _targets_focusable(selector: str) -> bool:
    """A selector whose rule applies to links or controls always (not only on :hover/:active)."""
    for one in selector.split(","):
        one = one.strip().lower()
        if not one or re.search(r":(?:hover|active)\b", one):
            continue
        if FOCUSABLE_TARGETS.search(one.split()[-1] if one.split() else one):
            return True
    return False


# ---------------------------------------------------------------------- presentation


@rule("a11y.blink-marquee", None, "medium", ("2.2.2",),
      {"zh": "使用 <marquee>/<blink> 滚动或闪烁文字", "en": "Moving or blinking text (<marquee>/<blink>)"},
      {"zh": "自动滚动、闪烁的文字无法暂停，阅读慢的老年人、认知障碍用户读不完，读屏软件也难以读出。",
       "en": "Scrolling and blinking text cannot be paused: slow readers cannot finish it and it distracts "
             "users with attention deficits."},
      {"zh": "改为静态列表；必须滚动时用脚本实现并提供“暂停”按钮（鼠标悬停、键盘聚焦时停止）。",
       "en": "Use a static list; if it must scroll, script it with a pause button (and stop on hover and focus)."})
def blink_marquee(dom: Dom) -> Iterator[tuple[HtmlElement, str, str]]:
    walked = _walked(dom)
    for tag in dom.in_order(*(walked[name] for name in MOVING)):
        if not dom.hidden(tag):
            yield tag, f"<{tag.tag}> 文字自动移动或闪烁，用户无法暂停", f"<{tag.tag}> moves or blinks and cannot be paused"


@rule("a11y.presentational-markup", None, "low", ("1.3.1",),
      {"zh": "使用已废弃的表现性标签", "en": "Obsolete presentational markup"},
      {"zh": "<font>、<center> 等标签只改外观、不表达结构，用户自定义样式（大字、高对比）无法覆盖，读屏软件也得不到含义。",
       "en": "<font>, <center> and their kind change looks, not structure: user styles (large text, high "
             "contrast) cannot override them and assistive technology gets no meaning from them."},
      {"zh": "用 CSS 设置字体、颜色和对齐，用 <strong>、<em>、标题等语义标签表达强调和结构；清理编辑器粘贴带入的 <font>。",
       "en": "Set fonts, colours and alignment in CSS; use <strong>, <em> and headings for meaning; clean "
             "<font> pasted in by editors."})
def presentational_markup(dom: Dom) -> Iterator[tuple[HtmlElement, str, str]]:
    """One result per page and element name (an article pasted from Word holds hundreds of <font>)."""
    walked = _walked(dom)
    for name in PRESENTATIONAL:
        shown = [tag for tag in walked[name] if not dom.hidden(tag)]
        if shown:
            count = f"（共 {len(shown)} 处）" if len(shown) > 1 else ""
            yield shown[0], f"使用已废弃的 <{name}> 标签{count}", f"obsolete <{name}> element ({len(shown)} on the page)"


@rule("a11y.spacing-markup", None, "low", ("1.3.1",),
      {"zh": "用空段落或连续 <br> 排版", "en": "Empty paragraphs or <br> runs used for spacing"},
      {"zh": "空段落和成串的换行被读屏软件逐个读作“空行”，打断朗读；放大文字后版面也会错乱。",
       "en": "Screen readers announce each empty paragraph and line break as \"blank\", breaking up the "
             "reading; the layout also breaks when text is enlarged."},
      {"zh": "删除空的 <p>（包括 <p>&nbsp;</p>、<p><br></p>）、连续的 <br> 和透明占位图片（spacer.gif），"
             "用 CSS margin/padding 控制间距。",
       "en": "Remove empty <p> (also <p>&nbsp;</p>, <p><br></p>), runs of <br> and spacer images (spacer.gif); "
             "space with CSS margins."})
def spacing_markup(dom: Dom) -> Iterator[tuple[HtmlElement, str, str]]:
    walked = _walked(dom)
    empty = [p for p in walked["p"] if _empty_paragraph(p) and not dom.hidden(p)]
    if empty:
        count = f"（共 {len(empty)} 个）" if len(empty) > 1 else ""
        yield empty[0], f"空段落用于排版{count}", f"empty paragraph used for spacing ({len(empty)} on the page)"
    runs = [br for br in walked["br"] if _br_run_start(br) and not dom.hidden(br)]
    if runs:
        count = f"（共 {len(runs)} 处）" if len(runs) > 1 else ""
        yield runs[0], f"连续 3 个以上 <br> 用于排版{count}", f"a run of 3 or more <br> used for spacing ({len(runs)})"
    spacers = [img for img in dom.named("img") if SPACER.search(img.get("src") or "") and not dom.hidden(img)]
    if spacers:
        count = f"（共 {len(spacers)} 个）" if len(spacers) > 1 else ""
        yield spacers[0], f"用透明占位图片（spacer）排版{count}", f"a spacer image used for spacing ({len(spacers)})"


EMBEDDED = ("img", "input", "select", "textarea", "button", "iframe", "video", "audio", "object", "embed", "svg",
            "canvas", "a", "script")


def _empty_paragraph(p: HtmlElement) -> bool:
    if p.get("id") or (p.text_content() or "").strip(" \t\r\n\u00a0\u3000\u200b"):
        return False  # an id: a box a script fills
    return next(p.iter(*EMBEDDED), None) is None


def _br_run_start(br: HtmlElement) -> bool:
    """The first <br> of three or more in a row (only white space between them)."""
    previous = br.getprevious()
    if previous is not None and previous.tag == "br" and not (previous.tail or "").strip(" \t\r\n\u00a0\u3000"):
        return False
    count, node = 1, br
    while count < 3:
        if (node.tail or "").strip(" \t\r\n\u00a0\u3000"):
            return False
        node = node.getnext()
        if node is None or node.tag != "br":
            return False
        count += 1
    return True


@rule("a11y.layout-table", None, "info", ("1.3.1", "1.3.2"),
      {"zh": "表格用于页面布局", "en": "Table used for layout"},
      {"zh": "读屏软件会把布局表格当数据表格朗读（“表格 2 行 3 列”），内容按单元格顺序线性化后可能次序错乱。",
       "en": "Screen readers may announce a layout table as data (\"table, 2 rows, 3 columns\") and read its "
             "cells in an order that no longer makes sense."},
      {"zh": "用 CSS（flex/grid）布局；暂时无法改版时给布局表格加 role=\"presentation\"，并确认线性化后的阅读顺序正确。",
       "en": "Lay out with CSS (flex, grid); until then give the table role=\"presentation\" and check that "
             "its linear reading order makes sense."})
def layout_table(dom: Dom) -> Iterator[Hit]:
    """Review-level always: WCAG does not forbid layout tables, only what they do to reading order and
    semantics. A table is taken for layout when it has no data-table markup (th, caption, summary,
    scope, headers, a table role) and holds a nested table, page structure (headings, lists, forms,
    navigation) or only one-cell rows. Reported once for the outermost such table."""
    tables = _walked(dom)["table"]
    reported: list[HtmlElement] = []
    for table in tables:
        if any(a in reported for a in table.iterancestors("table")) or dom.hidden(table):
            continue
        reason = _layout_reason(dom, table)
        if reason:
            reported.append(table)
            yield Hit(table, f"表格没有表头、用于布局（{reason[0]}）", f"table without headers used for layout ({reason[1]})",
                      review=True)


def _layout_reason(dom: Dom, table: HtmlElement) -> tuple[str, str] | None:
    if dom.explicit_role(table) is not None or table.get("summary"):
        return None  # role=presentation says layout already; a table role or a summary says data
    border = (table.get("border") or "").strip()
    if border.isdigit() and int(border) > 0:
        return None
    if next(table.iter("th", "caption"), None) is not None:
        return None
    if next(iter(table.xpath(".//*[@scope or @headers]")), None) is not None:
        return None
    if table.find(".//table") is not None:
        return "内嵌表格", "nested tables"
    if next(table.iter(*HEADINGS, "ul", "ol", "form", "nav", "iframe"), None) is not None:
        return "单元格内有标题、列表或表单", "headings, lists or forms in its cells"
    rows = [tr for tr in table.iter("tr") if next(tr.iterancestors("table")) is table]
    if len(rows) >= 2 and all(sum(1 for c in tr if c.tag in ("td", "th")) == 1 for tr in rows):
        return "每行只有一个单元格", "one cell per row"
    return None


# ---------------------------------------------------------------------- structure


@rule("a11y.page-heading-missing", None, "low", ("1.3.1", "2.4.1"),
      {"zh": "页面没有一级标题", "en": "Page has no level-one heading"},
      {"zh": "读屏用户按标题跳转浏览，没有 <h1> 时无法直接跳到页面主要内容，也不知道页面讲什么。",
       "en": "Screen-reader users jump by headings: without an <h1> they cannot reach the main content "
             "directly or tell what the page is about."},
      {"zh": "把页面主标题（文章标题、栏目名）标为 <h1>，网站名称用图片时为图片加 alt。",
       "en": "Mark the page's main title (the article or column name) as <h1>."})
def page_heading_missing(dom: Dom) -> Iterator[tuple[HtmlElement, str, str]]:
    html = dom.html
    if html is None or html.find("frameset") is not None:
        return
    body = html.find("body")
    if body is None or not (body.text_content() or "").strip():
        return  # a redirect or frame shell: nothing to head
    for tag in dom.in_order(dom.named("h1"), dom.with_role_attr):
        if tag.tag == "h1" and dom.explicit_role(tag) in (None, "heading") and not dom.hidden(tag):
            if tag.get("aria-level") in (None, "1"):
                return
        elif dom.explicit_role(tag) == "heading" and tag.get("aria-level", "").strip() == "1" and not dom.hidden(tag):
            return
    yield html, "页面没有 <h1> 一级标题", "the page has no <h1>"


@rule("a11y.heading-order", None, "low", ("1.3.1", "2.4.10"),
      {"zh": "标题层级跳级", "en": "Heading levels skipped"},
      {"zh": "标题从 h2 直接跳到 h4 时，读屏用户会以为漏掉了内容，页面结构也无法被正确理解。",
       "en": "A jump from h2 to h4 makes screen-reader users think content is missing and blurs the page's "
             "structure."},
      {"zh": "按层级使用标题（h1 → h2 → h3），需要小号字时用 CSS 调整字号而不是换用低级标题。",
       "en": "Nest headings level by level (h1, h2, h3); style the size with CSS instead of picking a lower level."})
def heading_order(dom: Dom) -> Iterator[tuple[HtmlElement, str, str]]:
    previous = 0
    for tag in with_role(dom, {"heading"}):
        level = _level(tag)
        if previous and level > previous + 1:
            yield tag, f"标题从 h{previous} 跳到 h{level}", f"the headings jump from h{previous} to h{level}"
        previous = level


def _level(tag: HtmlElement) -> int:
    value = (tag.get("aria-level") or "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    return int(tag.tag[1]) if tag.tag in HEADINGS else 2


@rule("a11y.fieldset-missing", None, "medium", ("1.3.1", "3.3.2"),
      {"zh": "单选/复选组缺少分组标题", "en": "Radio or checkbox group has no group label"},
      {"zh": "一组单选或复选框没有用 <fieldset> 和 <legend> 分组时，读屏用户只听到“是”“否”，不知道回答的是哪个问题。",
       "en": "Without a <fieldset> and <legend>, screen-reader users hear \"Yes\", \"No\" without the question."},
      {"zh": "用 <fieldset> 包住同一组选项，并用 <legend> 写出问题；或用 role=\"radiogroup\"/\"group\" 加 aria-labelledby。",
       "en": "Wrap the group in a <fieldset> with a <legend> stating the question, or role=\"radiogroup\" / "
             "\"group\" with aria-labelledby."})
def fieldset_missing(dom: Dom) -> Iterator[tuple[HtmlElement, str, str]]:
    groups: dict[tuple[Any, str, str], list[HtmlElement]] = {}
    for tag in dom.named("input"):
        kind = dom.input_type(tag)
        name = (tag.get("name") or "").strip()
        if kind in ("radio", "checkbox") and name and not dom.hidden(tag):
            form = next(tag.iterancestors("form"), None)
            groups.setdefault((form, kind, name), []).append(tag)
    for (_, kind, name), inputs in groups.items():
        if len(inputs) < 2 or _grouped(dom, inputs[0]):
            continue
        what = "单选" if kind == "radio" else "复选"
        yield inputs[0], f"{len(inputs)} 个{what}框（name=\"{name}\"）没有 fieldset/legend 分组标题", \
            f"{len(inputs)} {kind} inputs (name=\"{name}\") have no fieldset/legend group label"
    for fieldset in _walked(dom)["fieldset"]:
        if dom.hidden(fieldset) or dom.explicit_role(fieldset) in ("none", "presentation"):
            continue
        if not dom.has_name(fieldset):
            legend = fieldset.find("legend")
            yield fieldset, "fieldset 的 legend 为空" if legend is not None else "fieldset 没有 legend", \
                "the fieldset's legend is empty" if legend is not None else "the fieldset has no legend"


def _grouped(dom: Dom, tag: HtmlElement) -> bool:
    for ancestor in tag.iterancestors():
        if ancestor.tag == "fieldset":
            return True  # an unnamed fieldset is reported as such below
        if dom.explicit_role(ancestor) in ("radiogroup", "group") and dom.has_name(ancestor):
            return True
    return False


# ---------------------------------------------------------------------- language


@rule("a11y.lang-change", None, "medium", ("3.1.2",),
      {"zh": "语言变化处未标注 lang", "en": "Change of language without lang"},
      {"zh": "页面中的蒙古文、藏文、维吾尔文或英文段落没有标注语言时，读屏软件用中文语音朗读，听不懂或读不出来。",
       "en": "A Mongolian, Tibetan, Uyghur or English passage without its language is read with the Chinese "
             "voice: garbled or silent."},
      {"zh": "在该段文字的元素上设置 lang（蒙古文 mn-Mong，藏文 bo，维吾尔文 ug，英文 en）。",
       "en": "Set lang on the passage's element (mn-Mong, bo, ug, en)."})
def lang_change(dom: Dom) -> Iterator[tuple[HtmlElement, str, str] | Hit]:
    """Mongolian, Tibetan and Arabic script inside a Chinese page: certain. Latin phrases (three
    words or more, not acronyms, addresses or numbers): review-level, as brand names and
    product names are no change of language."""
    html = dom.html
    if html is None:
        return
    page_lang = (html.get("lang") or html.get("xml:lang") or "").strip().lower()
    if page_lang and not page_lang.startswith("zh"):
        return
    body = html.find("body")
    if body is None:
        return
    # most pages: two searches over the body's text (scripts' too: a sieve, never a finding), no walk
    everything = etree.tostring(body, method="text", encoding=str, with_tail=False)
    minority = ANY_MINORITY.search(everything) is not None
    if not minority and LATIN_RUN.search(everything) is None:
        return
    texts = TEXT_NODES(html)
    if not page_lang and sum(len(CJK.findall(t)) for t in texts[:200]) < 20:
        return  # no lang and hardly any Chinese: not a Chinese page
    seen: set[HtmlElement] = set()
    for text in texts:
        parent = text.getparent()
        if parent is not None and text.is_tail:
            parent = parent.getparent()
        if parent is None or parent in seen or parent.tag in NOT_PROSE:
            continue
        found = _script_change(text, minority)
        if found is None:
            continue
        script, run = found
        lang = _lang_of(parent)
        if script == "latin":
            if lang and not lang.startswith("zh"):
                continue
            seen.add(parent)
            if not dom.hidden(parent):
                yield Hit(parent, f"中文页面中的英文短语“{run[:40]}”未标注 lang",
                          f"the Latin phrase \"{run[:40]}\" in a Chinese page has no lang", review=True)
        elif lang.split("-")[0] not in SCRIPTS[script][1]:
            seen.add(parent)
            if not dom.hidden(parent):
                yield parent, f"{SCRIPT_ZH[script]}文字“{run[:20]}”未标注 lang", \
                    f"{script} script \"{run[:20]}\" has no lang of its language"


def _script_change(text: str, minority: bool) -> tuple[str, str] | None:
    if minority:
        for script, (pattern, _) in SCRIPTS.items():
            found = pattern.search(text)
            if found:
                return script, found.group()
    if not CJK.search(text) and len(text) < 12:
        return None
    for found in LATIN_RUN.finditer(text):
        run = found.group()
        words = run.split()
        if sum(1 for w in words if any(c.islower() for c in w)) < 2:
            continue  # acronyms and names in capitals
        if re.search(r"https?|www|\.(?:com|cn|gov|org|net)", text[max(0, found.start() - 8):found.end() + 8], re.I):
            continue
        return "latin", run
    return None


def _lang_of(tag: HtmlElement) -> str:
    for node in (tag, *tag.iterancestors()):
        value = node.get("lang")
        if value is None:
            value = node.get("{http://www.w3.org/XML/1998/namespace}lang") or node.get("xml:lang")
        if value is not None:
            return value.strip().lower()
    return ""
