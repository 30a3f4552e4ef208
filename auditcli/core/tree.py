"""The parsed page every check reads: lxml's HTML tree, and the few walks over it every layer shares.

One parse per page (`parse`), with libxml2's HTML parser fed the text as BeautifulSoup's "lxml"
builder feeds it, so the tree is the one the checks were written against; lxml builds it about
ten times faster than BeautifulSoup builds its own, and walking it (iteration, XPath) is cheaper
too (docs/SPEC.md §2, "the page pass"). Text is read as the checks read it with BeautifulSoup:

- a *text piece* is an element's `.text` or `.tail` (BeautifulSoup's NavigableString); pieces are
  joined with a space before whitespace is collapsed, so `<p>a<span>x</span>b</p>` reads "a x b";
- the text of an element leaves out what is inside `<script>`, `<style>`, `<template>`, `<rt>`
  and `<rp>` below it, and comments (`text_of`); what a visitor sees leaves out `<head>`,
  `<title>` and `<noscript>` as well (`visible_text`);
- cutting an element out of the tree (`cut`) keeps the text after it as a piece of its own, as
  BeautifulSoup's `decompose()` does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape
from urllib.parse import unquote

from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HTMLParser

Element = HtmlElement
HIDDEN_TEXT_TAGS = frozenset(("script", "style", "template", "rt", "rp"))  # text_of leaves their text out
INVISIBLE_TAGS = frozenset(("script", "style", "noscript", "template", "head", "title"))


def parse(text: str) -> HtmlElement:
    """The page's <html> element; for a text without markup (empty, blank) an empty <html> that
    `is_empty` tells apart, as BeautifulSoup gives no element at all there."""
    if text[:1] == "\N{BYTE ORDER MARK}":
        text = text[1:]
    parser = HTMLParser()
    parser.feed(text)
    root = parser.close()
    if root is None:
        return parser.makeelement("html")
    _adopt_trailing(root)
    return root


def _adopt_trailing(root: HtmlElement) -> None:
    """What a page writes after </html> (statistics scripts, a footer written by script: common on portal
    templates) libxml2 puts in a second <html> beside the first, out of the tree the checks walk; a browser
    appends it to the body, and so does this (the emptied second <html> stays, holding nothing)."""
    extras = [node for node in root.itersiblings() if isinstance(node.tag, str)]
    if not extras:
        return
    body = root.find("body")
    if body is None:
        body = root
    for extra in extras:
        for part in list(extra):
            if part.tag in ("head", "body"):
                if part.text and part.text.strip():
                    _append_text(body, part.text)
                body.extend(list(part))
            else:
                body.append(part)


def _append_text(parent: HtmlElement, text: str) -> None:
    last = parent[-1] if len(parent) else None
    if last is None:
        parent.text = (parent.text or "") + text
    else:
        last.tail = (last.tail or "") + text


def is_empty(root: HtmlElement) -> bool:
    """Is this the stand-in <html> of a page without markup (BeautifulSoup: no element)?"""
    return root.tag == "html" and len(root) == 0 and not root.text and not root.attrib






def meta_content(root: HtmlElement, name: str) -> str | None:
    """The content of the page's first <meta name=…> of that name (any case), stripped; None without one."""
    wanted = name.lower()
    for tag in root.iter("meta"):
        if (tag.get("name") or "").lower() == wanted:
            content = tag.get("content")
            return content.strip() if content is not None else None
    return None


def elements(root: HtmlElement, *names: str) -> Iterator[HtmlElement]:
    """Elements under `root` (not `root` itself), in document order; only these tag names if given
    (BeautifulSoup's `find_all`)."""
    for node in root.iter(*names) if names else root.iter(etree.Element):
        if node is not root:
            yield node




def classes(node: HtmlElement) -> list[str]:
    """The class attribute's tokens (BeautifulSoup's list)."""
    value = node.get("class")
    return value.split() if value else []


def ancestors(node: HtmlElement) -> Iterator[HtmlElement]:
    parent = node.getparent()
    while parent is not None:
        yield parent
        parent = parent.getparent()


def has_ancestor(node: HtmlElement, names: frozenset[str] | set[str] | tuple[str, ...]) -> bool:
    return any(parent.tag in names for parent in ancestors(node))


class Piece:
    """One text piece: `owner.text` (slot "text") or `owner.tail` (slot "tail"); its parent element is
    the element that holds it. Comments' own text is a piece too, with `comment` set."""

    __slots__ = ("owner", "slot", "comment")

    def __init__(self, owner: etree._Element, slot: str, comment: bool = False):
        self.owner, self.slot, self.comment = owner, slot, comment

    @property
    def text(self) -> str:
        return (self.owner.text if self.slot == "text" else self.owner.tail) or ""

    @property
    def parent(self) -> HtmlElement:
        return self.owner if self.slot == "text" and not self.comment else self.owner.getparent()

    def replace(self, text: str) -> None:
        """Write `text` in place of this piece; one lxml will not set (see `text_stub`) stands in a stub
        at the same place."""
        try:
            if self.slot == "text":
                self.owner.text = text
            else:
                self.owner.tail = text
        except ValueError:
            if self.slot == "text":
                self.owner.text = None
                self.owner.insert(0, text_stub(text))
            else:
                self.owner.tail = None
                self.owner.addnext(text_stub(text))


def pieces(root: HtmlElement, *, comments: bool = False) -> Iterator[Piece]:
    """Every non-empty text piece under `root` in document order (BeautifulSoup's `find_all(string=True)`,
    without its comments unless `comments`); the tail of `root` itself is outside it."""
    if root.text and isinstance(root.tag, str):
        yield Piece(root, "text")
    for child in root:
        if isinstance(child.tag, str):
            yield from pieces(child, comments=comments)
        elif comments and child.tag is etree.Comment and child.text:
            yield Piece(child, "text", comment=True)
        if child.tail:
            yield Piece(child, "tail")


def _text_parts(node: HtmlElement, out: list[str], skip: frozenset[str]) -> None:
    if node.text and isinstance(node.tag, str):
        out.append(node.text)
    for child in node:
        if isinstance(child.tag, str) and child.tag not in skip:
            _text_parts(child, out, skip)
        if child.tail:
            out.append(child.tail)


def text_of(node: HtmlElement | str) -> str:
    """The text of a node with whitespace collapsed (what a reader sees of a cell or a link)."""
    if isinstance(node, str):
        return " ".join(node.split())
    out: list[str] = []
    _text_parts(node, out, HIDDEN_TEXT_TAGS)
    return " ".join(" ".join(out).split())




def visible_text(root: HtmlElement, *, alt_text: bool = False) -> str:
    """Text a visitor can read under `root`: no scripts, styles, templates, comments or head.

    `alt_text` adds the alt and title of images and image buttons (a footer drawn as an image still
    carries its words there).
    """
    if root.tag in INVISIBLE_TAGS or has_ancestor(root, INVISIBLE_TAGS):
        parts: list[str] = []
    else:
        parts = []
        _text_parts(root, parts, INVISIBLE_TAGS)
    if alt_text:
        for node in elements(root, "img", "input"):
            for attr in ("alt", "title"):
                value = node.get(attr)
                if value and value.strip():
                    parts.append(value)
    return " ".join(" ".join(parts).split())


def cut(node: HtmlElement) -> None:
    """Take `node` out of the tree, keeping the text after it as a piece of its own (BeautifulSoup's
    `decompose()`: `<p>a<span>x</span>b</p>` then reads "a b", not "ab")."""
    parent = node.getparent()
    if parent is None:
        return
    if node.tail:
        parent.replace(node, text_stub(node.tail))
    else:
        parent.remove(node)


def text_stub(text: str) -> HtmlComment:
    """An empty comment carrying `text` as its tail: a text piece of its own. lxml refuses to set a text
    holding a control character (a vertical tab, a form feed: pages have them, and libxml2 keeps them), so
    such a text is parsed into its stub instead, as libxml2 parsed it into the page."""
    stub = HtmlComment("")
    try:
        stub.tail = text
    except ValueError:
        stub = parse(f"<body><!---->{escape(text, quote=False)}</body>").find("body")[0]
    return stub


def is_cut(node: HtmlElement, root: HtmlElement) -> bool:
    """Has `node` (or a box holding it) been cut out of `root`'s tree (BeautifulSoup's `decomposed`)?"""
    top = node
    while (parent := top.getparent()) is not None:
        top = parent
    return top is not root


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


def written_markup(root: HtmlElement) -> str:
    """The markup a page's inline scripts write with document.write (footers and badges of many portals,
    often through unescape("%3Cdiv…")): the string literals of every script that calls document.write,
    decoded and joined. Empty when no script writes markup."""
    return "\n".join(markup for _, markup in script_writes(root))


def script_writes(root: HtmlElement) -> Iterator[tuple[HtmlElement, str]]:
    """Each inline script that writes markup with document.write, with that markup (see `written_markup`)."""
    for script in root.iter("script"):
        markup = written_by(script)
        if markup:
            yield script, markup


def written_by(script: HtmlElement) -> str | None:
    """The markup one inline script writes with document.write, or None."""
    if script.get("src") or (script.get("type") or "").lower() in ("text/xml", "text/template"):
        return None
    return script_markup(script.text or "") or None


def script_markup(code: str) -> str:
    """The markup one script's code writes with document.write (its string literals, decoded and
    joined), as `written_markup` reads inline scripts; a script file (a footer's link menu) too."""
    if not WRITE_CALL.search(code):
        return ""
    text = "".join(_js_unescape(m.group(1) if m.group(1) is not None else m.group(2) or "")
                   for m in JS_STRING.finditer(code))
    if "%3C" in text.upper() or "unescape(" in code:
        text = unquote(text)
    return text if "<" in text else ""


# ------------------------------------------------------------------ selectors that match in a browser
CSS_IDENT = re.compile(r"[A-Za-z_][\w-]*")


def css_string(value: str) -> str:
    """A CSS string literal, quoted and escaped: a[href="/a\\"b.html"]."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ") + '"'


def nth_of_type(node: HtmlElement) -> tuple[int, int]:
    """(position, count) of `node` among its parent's element children of the same tag, as CSS counts."""
    parent = node.getparent()
    if parent is None:
        return 1, 1
    siblings = [s for s in parent if s.tag == node.tag]
    return next((k + 1 for k, s in enumerate(siblings) if s is node), 1), len(siblings)


def combinator(node: HtmlElement) -> str:
    """How `node` joins its parent's selector: a row parsed straight under <table> sits in the <tbody>
    a browser inserts, so `table > tr` would match nothing there; `table tr` matches in both."""
    parent = node.getparent()
    return " " if node.tag == "tr" and parent is not None and parent.tag == "table" else " > "


def css_path(node: HtmlElement, depth: int = 4) -> str:
    """A short CSS selector for an element: tag#id or tag.class, up to `depth` ancestors."""
    parts: list[tuple[str, str]] = []  # (selector of one element, combinator to its parent), leaf first
    current: HtmlElement | None = node
    while current is not None and current.tag != "html" and len(parts) < depth:
        ident = current.get("id")
        if ident and ident.strip() and not ident.strip()[0].isdigit():
            ident = ident.strip()
            # `#a.b` would mean id a and class b: an id that is no CSS identifier is matched as an attribute
            by_id = f"#{ident}" if CSS_IDENT.fullmatch(ident) else f"[id={css_string(ident)}]"
            parts.append((f"{current.tag}{by_id}", ""))
            break
        names = [c for c in classes(current) if CSS_IDENT.fullmatch(c)]
        part = current.tag + "".join(f".{c}" for c in names[:2])
        if not names:
            position, count = nth_of_type(current)
            if count > 1:
                part += f":nth-of-type({position})"
        parts.append((part, combinator(current)))
        current = current.getparent()
    out = parts[-1][0] if parts else ""
    for k in range(len(parts) - 2, -1, -1):
        out += parts[k][1] + parts[k][0]
    return out
