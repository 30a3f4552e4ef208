"""What BeautifulSoup read and printed of a page, reproduced on lxml's tree (auditcli.core.tree).

The checks were written against BeautifulSoup's tree, and results carry what they read and printed
(`str(tag)` as evidence, `get_text()` of a cell or a title). These helpers give the same strings and
the same elements from lxml's tree, so moving a check to lxml leaves its results byte-identical.

Printing (`soup_markup`), as BeautifulSoup's "minimal" formatter printed, unlike lxml's serialiser:
- attributes sorted by name; a list-valued attribute (class, rel…) re-joined with single spaces;
  `"` in a value makes it single-quoted (both quotes: `&quot;`); `&`, `<`, `>` escaped;
- void elements closed with `/>`; the charset of a <meta> rewritten to utf-8;
- a string of nothing but ASCII whitespace outside <pre>/<textarea> (comments included) kept as
  one "\n" (if it had a line break) or one " " — so even an empty comment reads `<!-- -->`;
- text escaped except directly inside <script>/<style>;
- a bare boolean attribute (`<input checked>`) has the value "", where lxml's tree gives the HTML 4
  boolean attributes their name as value (`checked="checked"`) whether written bare or not: only the
  markup tells the two apart, so `soup_markup` reads it again when given it (`source`).

Text (`soup_text`, `soup_text_of`): the strings of <script>, <style>, <template>, <rt> and <rp> are
left out wherever they sit, so a tag inside one of them (a link in a Vue <template>) has no text.

The document (`soup_roots`, `soup_iter`, `soup_body`): markup after </html> (statistics scripts,
badges) is part of BeautifulSoup's document, in a second <html>; lxml keeps it as further <html>
roots beside the one auditcli.core.tree.parse returns, which `soup_iter` searches too.

Selection (`soup_select`) is cssselect's, with soupsieve's reading of an HTML document: attribute
values compared ignoring ASCII case for the attributes HTML compares so (rel="Stylesheet" is a
stylesheet), a list-valued attribute split on any whitespace, nothing inside a <template> matched.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from functools import cache, lru_cache
from itertools import chain

import lxml.html
from cssselect import HTMLTranslator
from cssselect.xpath import XPathExpr
from lxml import etree

from auditcli.core.tree import HIDDEN_TEXT_TAGS, Element, ancestors

VOID_TAGS = frozenset((
    "area", "base", "basefont", "bgsound", "br", "col", "command", "embed", "frame", "hr", "image", "img",
    "input", "isindex", "keygen", "link", "menuitem", "meta", "nextid", "param", "source", "spacer", "track",
    "wbr"))
LIST_ATTRIBUTES = {  # BeautifulSoup's multi-valued attributes: "*" for every tag
    "*": frozenset(("class", "accesskey", "dropzone")), "a": frozenset(("rel", "rev")),
    "link": frozenset(("rel", "rev")), "td": frozenset(("headers",)), "th": frozenset(("headers",)),
    "form": frozenset(("accept-charset",)), "object": frozenset(("archive",)), "area": frozenset(("rel",)),
    "icon": frozenset(("sizes",)), "iframe": frozenset(("sandbox",)), "output": frozenset(("for",)),
}
PRESERVE_WHITESPACE_TAGS = frozenset(("pre", "textarea"))
RAW_TEXT_TAGS = frozenset(("script", "style"))  # their own text is printed unescaped
ASCII_SPACES = frozenset("\x20\x0a\x09\x0c\x0d")
ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
ESCAPED = re.compile("[&<>]")
META_CHARSET = re.compile(r"((^|;)\s*charset=)([^;]*)", re.M)
BOOLEAN_ATTRIBUTES = frozenset((  # libxml2 fills these in with their name when written bare
    "checked", "compact", "declare", "defer", "disabled", "ismap", "multiple", "nohref", "noresize", "noshade",
    "nowrap", "readonly", "selected"))


def soup_roots(root: Element) -> list[Element]:
    """The <html> roots of the document `root` was parsed into: `root`, and one more after each </html>
    followed by markup (which BeautifulSoup held in its document too)."""
    if root.getnext() is None:  # nearly every page
        return [root]
    return [root, *(node for node in root.itersiblings() if isinstance(node.tag, str))]


def soup_iter(root: Element, *tags: str) -> Iterator[Element]:
    """`soup.find_all(tags)` in document order: the elements of every root (all elements without tags)."""
    roots = soup_roots(root)
    if len(roots) == 1:
        return root.iter(*tags) if tags else root.iter(etree.Element)
    return chain.from_iterable(top.iter(*tags) if tags else top.iter(etree.Element) for top in roots)


def soup_body(root: Element) -> Element:
    """`soup.body or soup`: the document's first <body>; for a document without one (a frameset), the
    document itself: <html>, or a detached <document> holding copies of every <html> root when markup
    follows </html>. For a text without markup (tree.parse's stand-in root), an empty <html>."""
    if root.tag != "html":
        return lxml.html.Element("html")
    body = next(soup_iter(root, "body"), None)
    if body is not None:
        return body
    roots = soup_roots(root)
    if len(roots) == 1:
        return root
    document = lxml.html.Element("document")
    document.extend(copy.deepcopy(top) for top in roots)
    return document


def is_list_attribute(tag: str, name: str) -> bool:
    """Did BeautifulSoup hold this attribute as a list of tokens (split on any whitespace)?"""
    return name in LIST_ATTRIBUTES["*"] or name in LIST_ATTRIBUTES.get(tag, ())


def _string(text: str, preserve: bool) -> str:
    """A string as BeautifulSoup stored it: ASCII whitespace alone collapses to one character."""
    if not preserve and all(ch in ASCII_SPACES for ch in text):
        return "\n" if "\n" in text else " "
    return text


def _escape(text: str) -> str:
    return ESCAPED.sub(lambda m: ESCAPES[m.group(0)], text)


def _quoted(value: str) -> str:
    if '"' in value:
        if "'" in value:
            return '"' + value.replace('"', "&quot;") + '"'
        return "'" + value + "'"
    return '"' + value + '"'


def _attribute_value(node: Element, name: str, value: str) -> str:
    if is_list_attribute(node.tag, name):
        return " ".join(value.split())
    if node.tag == "meta":  # BeautifulSoup writes the encoding it outputs into a charset declaration
        if name == "charset":
            return "utf-8"
        declares = (node.get("http-equiv") or "").lower() == "content-type" and node.get("charset") is None
        if name == "content" and declares:
            return META_CHARSET.sub(lambda m: m.group(1) + "utf-8", value)
    return value


def _start_tag(node: Element, bare: frozenset[str]) -> str:
    attributes = "".join(
        f" {name}={_quoted(_escape('' if name in bare else _attribute_value(node, name, value)))}"
        for name, value in sorted(node.attrib.items()))
    void = node.tag in VOID_TAGS and len(node) == 0 and node.text is None
    return f"<{node.tag}{attributes}{'/' if void else ''}>"


class _BareAttributes:
    """lxml parser target (as BeautifulSoup's parser is one): per start tag, its tag and the boolean
    attributes written without a value, which a target is given as ""."""

    def __init__(self) -> None:
        self.tags: list[tuple[str, frozenset[str]]] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.tags.append((tag, frozenset(k for k, v in attrib.items() if not v and k in BOOLEAN_ATTRIBUTES)))

    def close(self) -> list[tuple[str, frozenset[str]]]:
        return self.tags


@lru_cache(maxsize=4)
def _bare_attributes(source: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The start tags of `source` in document order, parsed as auditcli.core.tree.parse parses it."""
    if source[:1] == "\N{BYTE ORDER MARK}":
        source = source[1:]
    parser = etree.HTMLParser(target=_BareAttributes())
    parser.feed(source)
    return tuple(parser.close())


def _written(node: Element, source: str | None) -> Iterator[frozenset[str]] | None:
    """The bare boolean attributes of `node` and the elements below it in document order, read from the
    markup its tree was parsed from; None without markup or if the tree no longer matches it."""
    below = list(node.iter(etree.Element))
    if source is None or not any(el.get(name) == name for el in below for name in BOOLEAN_ATTRIBUTES):
        return None  # nothing to tell apart
    tags = _bare_attributes(source)
    start = next((k for k, el in enumerate(soup_iter(node.getroottree().getroot())) if el is node), None)
    if start is None or start + len(below) > len(tags) or any(
            tags[start + k][0] != el.tag for k, el in enumerate(below)):
        return None
    return iter(bare for _, bare in tags[start:start + len(below)])


def _markup(node: Element, preserve: bool, bare: Iterator[frozenset[str]] | None) -> Iterator[str]:
    preserve = preserve or node.tag in PRESERVE_WHITESPACE_TAGS
    yield _start_tag(node, next(bare) if bare is not None else frozenset())
    if node.tag in VOID_TAGS and len(node) == 0 and node.text is None:
        return
    if node.text is not None:
        text = _string(node.text, preserve)
        yield text if node.tag in RAW_TEXT_TAGS else _escape(text)
    for child in node:
        if isinstance(child.tag, str):
            yield from _markup(child, preserve, bare)
        elif child.tag is etree.Comment:
            yield "<!--" + _string(child.text or "", preserve) + "-->"
        if child.tail is not None:
            yield _escape(_string(child.tail, preserve))
    yield f"</{node.tag}>"


def soup_markup(node: Element, limit: int | None = None, *, source: str | None = None) -> str:
    """`str(tag)` of BeautifulSoup for this element (its tail left out); only the first `limit`
    characters when given, without printing the rest of a large element.

    `source` is the markup the tree was parsed from (the page's HTML): with it a boolean attribute
    written bare prints as BeautifulSoup printed it (`checked=""`); without it, as lxml reads it."""
    preserve = any(parent.tag in PRESERVE_WHITESPACE_TAGS for parent in ancestors(node))
    pieces = _markup(node, preserve, _written(node, source))
    if limit is None:
        return "".join(pieces)
    out: list[str] = []
    length = 0
    for piece in pieces:
        out.append(piece)
        length += len(piece)
        if length >= limit:
            break
    return "".join(out)[:limit]


RAW_TEXT_WHEN_PARSED = ("iframe", "noembed", "noframes", "xmp", "plaintext")  # libxml2 decodes no entity there


def soup_reparsed(node: Element) -> Element:
    """A copy of `node` as `BeautifulSoup(str(tag), "lxml")` read it back: the same tree, but the text of
    an element parsed as raw text (<iframe> fallback, <xmp>…) was printed escaped and so stays escaped,
    and a <plaintext> swallows the closing tags printed after it."""
    twin = copy.deepcopy(node)
    for raw in twin.iter(*RAW_TEXT_WHEN_PARSED):
        raw.text = _escape(raw.text) if raw.text else raw.text
        if raw.tag == "plaintext":
            closing = [raw]
            while closing[-1] is not twin:
                closing.append(closing[-1].getparent())
            raw.text = (raw.text or "") + "".join(f"</{el.tag}>" for el in closing)
    return twin


def _strings(node: Element, kind: str | None, want: str | None, preserve: bool, out: list[str]) -> None:
    """The strings under `node` of the type `want`: a string's type is that of the innermost <script>,
    <style>, <template>, <rt> or <rp> holding it (`kind`), None outside all of them."""
    preserve = preserve or node.tag in PRESERVE_WHITESPACE_TAGS
    if node.text is not None and kind == want:
        out.append(_string(node.text, preserve))
    for child in node:
        if isinstance(child.tag, str):
            inner = child.tag if child.tag in HIDDEN_TEXT_TAGS else kind
            if want is not None or inner is None:  # outside every container, a container is left out whole
                _strings(child, inner, want, preserve, out)
        if child.tail is not None and kind == want:
            out.append(_string(child.tail, preserve))


def _tag_strings(node: Element) -> list[str]:
    """BeautifulSoup's strings of a tag (`_all_strings`): of an ordinary tag, the strings in no <script>,
    <style>, <template>, <rt> or <rp>; of one of these, the strings its own kind holds (a <template>
    inside a <template> included). A tag inside such a container has none: its strings are the container's."""
    want = node.tag if node.tag in HIDDEN_TEXT_TAGS else None
    kind = next((a.tag for a in [node, *ancestors(node)] if a.tag in HIDDEN_TEXT_TAGS), None)
    out: list[str] = []
    if kind == want:
        _strings(node, kind, want, any(a.tag in PRESERVE_WHITESPACE_TAGS for a in ancestors(node)), out)
    return out


def soup_text_of(node: Element) -> str:
    """`" ".join(tag.get_text(" ").split())` of BeautifulSoup (text_of of the old tree)."""
    return " ".join(" ".join(_tag_strings(node)).split())


def soup_text(node: Element, separator: str = "") -> str:
    """`tag.get_text(separator)` of BeautifulSoup: the strings joined as they are, whitespace not collapsed
    (comments, and what is inside <script>, <style>, <template>, <rt>, <rp> below the tag, left out)."""
    return separator.join(_tag_strings(node))


# ---------------------------------------------------------------------------------- CSS selection
HTML_CASE_INSENSITIVE_ATTRIBUTES = frozenset((  # soupsieve's: values compared ignoring ASCII case in HTML
    "accept", "accept-charset", "align", "alink", "axis", "bgcolor", "charset", "checked", "clear",
    "codetype", "color", "compact", "declare", "defer", "dir", "direction", "disabled", "enctype",
    "face", "frame", "hreflang", "http-equiv", "lang", "language", "link", "media", "method",
    "multiple", "nohref", "noresize", "noshade", "nowrap", "readonly", "rel", "rev", "rules", "scope",
    "scrolling", "selected", "shape", "target", "text", "type", "valign", "valuetype", "vlink"))
CSS_SPACE = re.compile("[ \t\r\n\f]")
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
SOUP_NS = "urn:auditcli:soupcompat"


def _attribute_matches(context: etree._XPathContext, values: list, operator: str, word: str) -> bool:
    """soupsieve's test of `[name<operator>word]` on the element's attribute (`values`: it, or nothing)."""
    if not values:
        return operator == "!="  # [a!=b] is :not([a=b]): an element without the attribute matches
    value = str(values[0])
    name = values[0].attrname
    if is_list_attribute(context.context_node.tag, name):
        value = " ".join(value.split())
    if name.translate(ASCII_LOWER) in HTML_CASE_INSENSITIVE_ATTRIBUTES:
        value, word = value.translate(ASCII_LOWER), word.translate(ASCII_LOWER)
    if operator == "=":
        return value == word
    if operator == "!=":
        return value != word
    if operator == "~=":
        return bool(word) and not CSS_SPACE.search(word) and word in CSS_SPACE.split(value)
    if operator == "|=":
        return value == word or value.startswith(word + "-")
    if operator == "^=":
        return bool(word) and value.startswith(word)
    if operator == "$=":
        return bool(word) and value.endswith(word)
    return bool(word) and word in value  # *=


class _SoupTranslator(HTMLTranslator):
    """cssselect's HTML translator with attribute values tested by `_attribute_matches`."""

    def _soup(self, xpath: XPathExpr, name: str, operator: str, value: str | None) -> XPathExpr:
        return xpath.add_condition(
            f"soup:attribute({name}, {self.xpath_literal(operator)}, {self.xpath_literal(value or '')})")

    def xpath_attrib_equals(self, xpath: XPathExpr, name: str, value: str | None) -> XPathExpr:
        return self._soup(xpath, name, "=", value)

    def xpath_attrib_different(self, xpath: XPathExpr, name: str, value: str | None) -> XPathExpr:
        return self._soup(xpath, name, "!=", value)

    def xpath_attrib_includes(self, xpath: XPathExpr, name: str, value: str | None) -> XPathExpr:
        return self._soup(xpath, name, "~=", value)

    def xpath_attrib_dashmatch(self, xpath: XPathExpr, name: str, value: str | None) -> XPathExpr:
        return self._soup(xpath, name, "|=", value)

    def xpath_attrib_prefixmatch(self, xpath: XPathExpr, name: str, value: str | None) -> XPathExpr:
        return self._soup(xpath, name, "^=", value)

    def xpath_attrib_suffixmatch(self, xpath: XPathExpr, name: str, value: str | None) -> XPathExpr:
        return self._soup(xpath, name, "$=", value)

    def xpath_attrib_substringmatch(self, xpath: XPathExpr, name: str, value: str | None) -> XPathExpr:
        return self._soup(xpath, name, "*=", value)


@cache
def _compiled(selector: str) -> etree.XPath:
    return etree.XPath(_SoupTranslator().css_to_xpath(selector), namespaces={"soup": SOUP_NS},
                       extensions={(SOUP_NS, "attribute"): _attribute_matches})


def soup_select(root: Element, selector: str) -> list[Element]:
    """`soup.select(selector)` of the whole document `root` was parsed into (`soup_roots`), in document
    order, but none inside a <template> (its contents are no part of the document)."""
    return [el for top in soup_roots(root) for el in _compiled(selector)(top)
            if not any(a.tag == "template" for a in ancestors(el))]
