"""HTML helpers every layer shares: visible text, CSS selectors that match in a browser, doorway pages.

One implementation each, over the parsed tree (BeautifulSoup with lxml) or parsel's selectors,
never regular expressions over markup.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from bs4 import Tag
from parsel import Selector

from auditcli.core.urls import join_url

INVISIBLE_TAGS = ("script", "style", "noscript", "template", "head", "title")
NON_TEXT_STRINGS = ("Comment", "CData", "ProcessingInstruction", "Doctype", "Declaration")


def text_of(node: Tag | str) -> str:
    """The text of a node with whitespace collapsed (what a reader sees of a cell or a link)."""
    if isinstance(node, str):
        return " ".join(node.split())
    return " ".join(node.get_text(" ").split())


def visible_text(root: Tag, *, alt_text: bool = False) -> str:
    """Text a visitor can read under `root`: no scripts, styles, templates, comments or head.

    `alt_text` adds the alt and title of images and image buttons (a footer drawn as an image still
    carries its words there).
    """
    parts = []
    for string in root.find_all(string=True):
        if type(string).__name__ in NON_TEXT_STRINGS:
            continue
        if any(parent.name in INVISIBLE_TAGS for parent in string.parents if isinstance(parent, Tag)):
            continue
        parts.append(str(string))
    if alt_text:
        for img in root.find_all(["img", "input"]):
            for attr in ("alt", "title"):
                value = img.get(attr)
                if isinstance(value, str) and value.strip():
                    parts.append(value)
    return " ".join(" ".join(parts).split())


JS_STRING = re.compile(r"'((?:[^'\\\n]|\\.)*)'" + r'|"((?:[^"\\\n]|\\.)*)"')
JS_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
WRITE_CALL = re.compile(r"document\.write(?:ln)?\s*\(")


def _js_unescape(literal: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = m.group(1)
        if code[0] in "ux" and len(code) > 1:
            return chr(int(code[1:], 16))
        return {"n": "\n", "t": "\t", "r": ""}.get(code, code)
    return JS_ESCAPE.sub(one, literal)


def written_markup(soup: Tag) -> str:
    """The markup a page's inline scripts write with document.write (footers and badges of many portals,
    often through unescape("%3Cdiv…")): the string literals of every script that calls document.write,
    decoded and joined. Empty when no script writes markup."""
    out = []
    for script in soup.find_all("script"):
        if script.get("src") or str(script.get("type") or "").lower() in ("text/xml", "text/template"):
            continue
        code = script.string or script.get_text()
        if not WRITE_CALL.search(code):
            continue
        text = "".join(_js_unescape(m.group(1) if m.group(1) is not None else m.group(2) or "")
                       for m in JS_STRING.finditer(code))
        if "%3C" in text.upper() or "unescape(" in code:
            text = unquote(text)
        if "<" in text:
            out.append(text)
    return "\n".join(out)


def css_string(value: str) -> str:
    """A CSS string literal, quoted and escaped: a[href="/a\\"b.html"]."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") + '"'


def nth_of_type(tag: Tag) -> tuple[int, int]:
    """(position, count) of `tag` among its parent's element children of the same tag, as CSS counts."""
    parent = tag.parent
    if not isinstance(parent, Tag):
        return 1, 1
    siblings = parent.find_all(tag.name, recursive=False)
    return next((k + 1 for k, s in enumerate(siblings) if s is tag), 1), len(siblings)


def combinator(tag: Tag) -> str:
    """How `tag` joins its parent's selector: a row parsed straight under <table> sits in the <tbody>
    a browser inserts, so `table > tr` would match nothing there; `table tr` matches in both."""
    parent = tag.parent
    return " " if tag.name == "tr" and isinstance(parent, Tag) and parent.name == "table" else " > "


def css_path(tag: Tag, depth: int = 4) -> str:
    """A short CSS selector for an element: tag#id or tag.class, up to `depth` ancestors."""
    parts: list[tuple[str, str]] = []  # (selector of one element, combinator to its parent), leaf first
    node: Tag | None = tag
    while node is not None and isinstance(node, Tag) and node.name not in ("[document]", "html") and len(parts) < depth:
        ident = node.get("id")
        if isinstance(ident, str) and ident.strip() and not ident.strip()[0].isdigit():
            ident = ident.strip()
            # `#a.b` would mean id a and class b: an id that is no CSS identifier is matched as an attribute
            by_id = f"#{ident}" if re.fullmatch(r"[A-Za-z_][\w-]*", ident) else f"[id={css_string(ident)}]"
            parts.append((f"{node.name}{by_id}", ""))
            break
        classes = [c for c in (node.get("class") or []) if re.fullmatch(r"[A-Za-z_][\w-]*", c)]
        part = node.name + "".join(f".{c}" for c in classes[:2])
        if not classes:
            position, count = nth_of_type(node)
            if count > 1:
                part += f":nth-of-type({position})"
        parts.append((part, combinator(node)))
        node = node.parent
    out = parts[-1][0] if parts else ""
    for k in range(len(parts) - 2, -1, -1):
        out += parts[k][1] + parts[k][0]
    return out


SCRIPT_NAVIGATION = re.compile(
    r"""(?:(?:window|document|top|self|parent)\.)?location(?:\.href)?\s*=\s*["']([^"'\s]+)["']"""
    r"""|location\.(?:replace|assign)\(\s*["']([^"'\s]+)["']\s*\)"""
    r"""|window\.open\(\s*["']([^"'\s]+)["']""",
    re.I,
)
STUB_TEXT_LIMIT = 200  # visible characters: more than this is a page of its own, not a doorway




def stub_targets(html: str, base_url: str) -> list[str]:
    """Where a doorway page sends the browser: frames of a <frameset>, or a script/meta redirect.

    Many county portals answer / with such a stub; the real home page (with the footer, the dates and
    the navigation an inspector judges) is its target. Empty when the page is a page of its own.
    """
    page = Selector(text=html)
    visible = "".join(page.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall())
    if len("".join(visible.split())) > STUB_TEXT_LIMIT:
        return []
    targets = [join_url(base_url, src) for src in page.xpath("//frameset//frame/@src").getall()]
    for script in page.xpath("//script[not(@src)][not(@type='text/xml')]/text()").getall():
        for match in SCRIPT_NAVIGATION.finditer(script):
            if not match.group(3):  # window.open is a menu, not a redirect
                targets.append(join_url(base_url, match.group(1) or match.group(2)))
    for refresh in page.xpath("//meta[translate(@http-equiv, 'REFSH', 'refsh')='refresh']/@content").getall():
        if "url=" in refresh.lower():
            targets.append(join_url(base_url, refresh[refresh.lower().index("url=") + 4:].strip(" '\"")))
    return [t for t in dict.fromkeys(targets) if t]  # join_url: absolute http(s), fragment dropped, or None
