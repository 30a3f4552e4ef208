"""What the accessibility rules read of lxml's tree where BeautifulSoup used to answer for them.

The rules were written against BeautifulSoup's tree (built from lxml's parser events); they now read
lxml's own tree (`Page.tree`, auditcli.core.tree) and must give the same findings byte for byte. What
BeautifulSoup answered that lxml does not is rebuilt here:

- `soup_str` and `start_tag`: an element as `str(tag)` writes it (the evidence of a finding):
  attributes sorted, in double quotes (single ones when the value holds `"` only), `&`, `<`, `>`
  escaped except in <script> and <style>, class and the other list attributes with their tokens
  joined by one space, void elements as `<br/>`, a comment of blank text as one space or newline,
  a <meta> declaring the encoding declaring UTF-8;
- `attributes`: a bare boolean attribute (`<input disabled>`) is "" in BeautifulSoup's tree, and its
  own name in lxml's: only the parser's events tell it from `disabled="disabled"` (`bare_attributes`);
- `soup_text`: `get_text()`, which leaves out the text of <script>, <style>, <template>, <rt> and
  <rp> (BeautifulSoup files their text under string classes of their own), or keeps only theirs;
- `select`: soupsieve's `select()` through cssselect's XPath, with soupsieve's readings where the two
  differ (`Translator`);
- `Document`: what BeautifulSoup held of a page without any element (doctype and comments only).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from functools import lru_cache

from cssselect import HTMLTranslator, SelectorError
from cssselect.parser import Function, Pseudo, ascii_lower, parse_series
from cssselect.xpath import ExpressionError, XPathExpr, is_safe_name
from lxml import etree
from lxml.html import HtmlElement

# ---------------------------------------------------------------------- BeautifulSoup's reading of the tree

STRING_CONTAINERS = frozenset(("script", "style", "template", "rt", "rp"))  # text of a string class of its own
RAW_TEXT = frozenset(("script", "style"))  # text written unescaped
VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "menuitem",
                  "meta", "param", "source", "track", "wbr", "basefont", "bgsound", "command", "frame",
                  "image", "isindex", "nextid", "spacer"))
LIST_ATTRIBUTES = frozenset(("class", "accesskey", "dropzone"))  # on every element: a list of tokens
LIST_ATTRIBUTES_OF = {"a": frozenset(("rel", "rev")), "link": frozenset(("rel", "rev")),
                      "td": frozenset(("headers",)), "th": frozenset(("headers",)),
                      "form": frozenset(("accept-charset",)), "object": frozenset(("archive",)),
                      "area": frozenset(("rel",)), "icon": frozenset(("sizes",)),
                      "iframe": frozenset(("sandbox",)), "output": frozenset(("for",))}
PRESERVE_WHITESPACE = frozenset(("pre", "textarea"))
ASCII_SPACES = " \n\t\f\r"


# libxml2 gives a bare one of these (`<input disabled>`) its name as value in the tree, where its parser
# events (and so BeautifulSoup) give it "": only the events tell `disabled` from `disabled="disabled"`
BOOLEAN_ATTRIBUTES = frozenset(("checked", "compact", "declare", "defer", "disabled", "ismap", "multiple", "nohref",
                                "noresize", "noshade", "nowrap", "readonly", "selected"))
SourceValues = Callable[[HtmlElement], "dict[str, str] | None"]  # an element's boolean attributes as written


def is_list_attribute(tag: str, name: str) -> bool:
    """Does BeautifulSoup keep this attribute of this element as a list of tokens?"""
    return name in LIST_ATTRIBUTES or name in LIST_ATTRIBUTES_OF.get(tag, ())


def attributes(node: HtmlElement, source: SourceValues | None = None) -> list[tuple[str, str]]:
    """The element's attributes as BeautifulSoup holds them, in order: a list attribute's tokens joined
    by one space; a bare boolean attribute "" (`source` gives the values the page wrote, see
    `bare_attributes`; without it such a value stays as lxml has it)."""
    tag = node.tag
    items = [(name, " ".join(value.split()) if is_list_attribute(tag, name) else value)
             for name, value in node.items()]
    if source is not None and any(name in BOOLEAN_ATTRIBUTES and value == name for name, value in items):
        written = source(node) or {}
        items = [(name, written.get(name, value) if name in BOOLEAN_ATTRIBUTES else value) for name, value in items]
    return items


def bare_attributes(text: str) -> dict[int, dict[str, str]]:
    """The boolean attributes (BOOLEAN_ATTRIBUTES) of each element of the page that has one, as the
    parser's events give them ("" for a bare one), by the element's position in document order."""
    target = _BooleanAttributes()
    parser = etree.HTMLParser(target=target)
    parser.feed(text[1:] if text[:1] == "\N{BYTE ORDER MARK}" else text)
    parser.close()
    return target.found


class _BooleanAttributes:
    """lxml parser target: the start events are the tree's elements, one each, in document order."""

    def __init__(self) -> None:
        self.count = 0
        self.found: dict[int, dict[str, str]] = {}

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if not BOOLEAN_ATTRIBUTES.isdisjoint(attrib):
            self.found[self.count] = {name: value for name, value in attrib.items() if name in BOOLEAN_ATTRIBUTES}
        self.count += 1

    def end(self, tag: str) -> None:
        pass

    def close(self) -> None:
        return None


def container_of(node: HtmlElement) -> str | None:
    """The innermost of <script>, <style>, <template>, <rt>, <rp> that holds `node` (or is it): the
    string class BeautifulSoup gives the text right inside `node`, None for a plain NavigableString."""
    current: HtmlElement | None = node
    while current is not None:
        if current.tag in STRING_CONTAINERS:
            return current.tag
        current = current.getparent()
    return None


def soup_text(node: HtmlElement, separator: str = "") -> str:
    """BeautifulSoup's `get_text(separator)`: the text of `node` outside comments, and outside the
    string containers unless `node` is one (then only the text of its kind); a text of nothing but
    spaces is one space or newline, as BeautifulSoup keeps it outside <pre> and <textarea>."""
    want = node.tag if node.tag in STRING_CONTAINERS else None
    preserve = any(parent.tag in PRESERVE_WHITESPACE for parent in node.iterancestors())
    out: list[str] = []
    _soup_text(node, container_of(node), want, preserve, out)
    return separator.join(out)


def _kept(text: str, preserve: bool) -> str:
    """A text as BeautifulSoup keeps it (its tree builder cuts a text of ASCII spaces to one)."""
    if preserve or text.strip(ASCII_SPACES):
        return text
    return "\n" if "\n" in text else " "


def _soup_text(node: HtmlElement, container: str | None, want: str | None, preserve: bool, out: list[str]) -> None:
    keep = container == want
    inner = preserve or node.tag in PRESERVE_WHITESPACE
    if node.text and keep:
        out.append(_kept(node.text, inner))
    for child in node:
        if isinstance(child.tag, str):
            _soup_text(child, child.tag if child.tag in STRING_CONTAINERS else container, want, inner, out)
        if child.tail and keep:
            out.append(_kept(child.tail, inner))


def contents_count(node: HtmlElement) -> int:
    """len(tag.contents): the text pieces, elements and comments right inside `node`."""
    count = 1 if node.text else 0
    for child in node:
        count += 2 if child.tail else 1
    return count


# ---------------------------------------------------------------------- str(tag)

def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _quoted(value: str) -> str:
    if '"' in value:
        if "'" in value:
            return '"' + value.replace('"', "&quot;") + '"'
        return "'" + value + "'"
    return '"' + value + '"'


def _is_void(node: HtmlElement) -> bool:
    return node.tag in VOID and not node.text and len(node) == 0


CHARSET = re.compile(r"((^|;)\s*charset=)([^;]*)", re.M)


def _declared_charset(node: HtmlElement, items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A <meta> declaring the page's encoding declares UTF-8 in `str(tag)`: BeautifulSoup writes the
    encoding its output is meant for (it parsed `charset`, or `content` with http-equiv Content-Type)."""
    attrs = node.attrib
    if "charset" in attrs:
        return [(name, "utf-8" if name == "charset" else value) for name, value in items]
    content = attrs.get("content")
    if content is not None and (attrs.get("http-equiv") or "").lower() == "content-type":
        declared = CHARSET.sub(lambda m: m.group(1) + "utf-8", content)
        return [(name, declared if name == "content" else value) for name, value in items]
    return items


def start_tag(node: HtmlElement, source: SourceValues | None = None) -> str:
    """The start tag `str(tag)` begins with: attributes sorted by name, values escaped and quoted."""
    items = sorted(attributes(node, source))
    if node.tag == "meta":
        items = _declared_charset(node, items)
    attrs = "".join(f" {name}={_quoted(_escape(value))}" for name, value in items)
    return f"<{node.tag}{attrs}{'/' if _is_void(node) else ''}>"


def _pieces(node: HtmlElement, preserve: bool, source: SourceValues | None) -> Iterator[str]:
    """`str(tag)` of one element, in pieces (so the writer can stop once it has enough)."""
    yield start_tag(node, source)
    if _is_void(node):
        return
    preserve = preserve or node.tag in PRESERVE_WHITESPACE
    raw = node.tag in RAW_TEXT
    if node.text:
        yield node.text if raw else _escape(node.text)
    for child in node:
        kind = child.tag
        if isinstance(kind, str):
            yield from _pieces(child, preserve, source)
        elif kind is etree.Comment:
            yield f"<!--{_kept(child.text or '', preserve)}-->"  # even an empty one
        elif kind is etree.PI:
            yield f"<?{child.target} {child.text or ''}>"
        if child.tail:
            yield child.tail if raw else _escape(child.tail)
    yield f"</{node.tag}>"


def soup_str(node: HtmlElement, limit: int | None = None, source: SourceValues | None = None) -> str:
    """`" ".join(str(tag).split())`: the element as BeautifulSoup writes it, whitespace collapsed.

    With `limit`, writing stops once the collapsed text is longer than `limit` (what is written is
    the start of the whole); a caller that cuts at `limit` gets the same text, without writing a
    whole page region for it. `source`: the boolean attributes as written (`attributes`).
    """
    preserve = any(parent.tag in PRESERVE_WHITESPACE for parent in node.iterancestors())
    parts: list[str] = []
    written, check_at = 0, limit
    for piece in _pieces(node, preserve, source):
        parts.append(piece)
        written += len(piece)
        if check_at is not None and written > check_at:
            text = " ".join("".join(parts).split())
            if len(text) > limit:  # type: ignore[operator]
                return text
            check_at = written + limit  # type: ignore[operator]
    return " ".join("".join(parts).split())


# ---------------------------------------------------------------------- a page without any element

class Document:
    """What BeautifulSoup held of a page without any element (BeautifulSoup's "[document]" itself,
    which a rule reports when the page has no <html> at all): its doctype, comments and processing
    instructions, read off lxml's parser events (lxml's tree of such a page has none of them)."""

    name = "[document]"

    def __init__(self, markup: str = "", contents: int = 0):
        self.markup, self.contents = markup, contents

    @classmethod
    def of(cls, text: str) -> Document | None:
        """The Document of `text`, or None when the parser makes an element of it."""
        events = _Events()
        parser = etree.HTMLParser(target=events)
        if text[:1] == "\N{BYTE ORDER MARK}":
            text = text[1:]
        parser.feed(text)
        parser.close()
        if events.element:
            return None
        events.end_data()
        return cls("".join(events.out), len(events.out))


class _Events:
    """lxml parser target that writes what BeautifulSoup's tree builder would have kept at the top."""

    def __init__(self) -> None:
        self.element = False
        self.out: list[str] = []
        self.data_parts: list[str] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.element = True

    def end(self, tag: str) -> None:
        pass

    def end_data(self, kind: str | None = None) -> str | None:
        if not self.data_parts:
            return None
        text = "".join(self.data_parts)
        self.data_parts = []
        if not text.strip(ASCII_SPACES):
            text = "\n" if "\n" in text else " "
        if kind is None:
            self.out.append(_escape(text))
        return text

    def data(self, text: str) -> None:
        self.data_parts.append(text)

    def comment(self, text: str) -> None:
        self.end_data()
        self.data_parts.append(text)
        self.out.append(f"<!--{self.end_data('comment') or ''}-->")

    def pi(self, target: str, data: str) -> None:
        self.end_data()
        self.out.append(f"<?{target} {data}>")

    def doctype(self, name: str | None, pubid: str | None, system: str | None) -> None:
        self.end_data()
        value = name or ""
        if pubid is not None:
            value += f' PUBLIC "{pubid}"'
            if system is not None:
                value += f' "{system}"'
        elif system is not None:
            value += f' SYSTEM "{system}"'
        self.out.append(f"<!DOCTYPE {value}>\n")

    def close(self) -> None:
        return None


# ---------------------------------------------------------------------- soupsieve's select() in XPath

# soupsieve matches these attributes' values without regard to ASCII case on HTML elements
CASE_INSENSITIVE = frozenset((
    "accept", "accept-charset", "align", "alink", "axis", "bgcolor", "charset", "checked", "clear", "codetype",
    "color", "compact", "declare", "defer", "dir", "direction", "disabled", "enctype", "face", "frame",
    "hreflang", "http-equiv", "lang", "language", "link", "media", "method", "multiple", "nohref", "noresize",
    "noshade", "nowrap", "readonly", "rel", "rev", "rules", "scope", "scrolling", "selected", "shape", "target",
    "text", "type", "valign", "valuetype", "vlink"))
NEVER_MATCHES = frozenset((  # soupsieve knows these and matches nothing with them (no state in a static tree)
    "active", "autofill", "buffering", "current", "focus", "focus-visible", "focus-within", "fullscreen",
    "future", "host", "hover", "local-link", "past", "paused", "picture-in-picture", "playing", "popover-open",
    "seeking", "stalled", "target", "target-within", "user-invalid", "volume-locked", "visited"))
UNSUPPORTED = frozenset((  # soupsieve reads them; their meaning (form state, language, text) is not ported
    "checked", "default", "indeterminate", "disabled", "enabled", "placeholder-shown", "read-only",
    "read-write", "in-range", "out-of-range", "defined", "dir", "lang", "contains", "-soup-contains",
    "-soup-contains-own"))
INPUT_REQUIRED_NOT_APPLIES = ("hidden", "range", "color", "submit", "image", "reset", "button")
UPPER, LOWER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"
# Python's whitespace (BeautifulSoup splits list attributes on it) beyond XPath's normalize-space's four;
# the first six cannot be written in XPath at all: a page holding them in a list attribute is matched
# through `bs:tokens`, in Python
CONTROL_SPACES = "\x0b\x0c\x1c\x1d\x1e\x1f"
OTHER_SPACES = "\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029" \
               "\u202f\u205f\u3000"
NS = "urn:auditcli:a11y:soupsieve"


def _tokens(context: object, values: list[str]) -> str:
    """bs:tokens(@class): the attribute's tokens joined by one space, as BeautifulSoup splits them."""
    return " ".join(str(values[0]).split()) if values else ""


def _empty(context: etree._XPathContext) -> bool:  # type: ignore[name-defined]
    """bs:empty(): soupsieve's :empty: no element inside and no text but ASCII whitespace."""
    node = context.context_node
    if node.tag == "template":
        return True  # its contents are no part of the document
    if len(node) and any(isinstance(child.tag, str) for child in node):
        return False
    texts = [node.text] + [child.tail for child in node]
    return not any(text and text.strip(ASCII_SPACES) for text in texts)


def _of_type(context: etree._XPathContext, a: float, b: float, last: bool) -> bool:  # type: ignore[name-defined]
    """bs:of-type(a, b, last): the element is the (a·n+b)th of its parent's children of its own tag
    (counted from the end with `last`), for `*:nth-of-type()` and kin that cssselect does not write."""
    node = context.context_node
    parent = node.getparent()
    siblings = [node] if parent is None else [s for s in parent if s.tag == node.tag]
    if last:
        siblings.reverse()
    position = next(k for k, s in enumerate(siblings, 1) if s is node)
    a, b = int(a), int(b)
    if a == 0:
        return position == b
    n, rest = divmod(position - b, a)
    return rest == 0 and n >= 0


_SOURCE: ContextVar[SourceValues | None] = ContextVar("written_values", default=None)


def _written(context: etree._XPathContext, name: str) -> str:  # type: ignore[name-defined]
    """bs:written('disabled'): a boolean attribute's value as the page wrote it (`select`'s `source`)."""
    node = context.context_node
    value = node.get(name) or ""
    source = _SOURCE.get()
    if value == name and source is not None:
        value = (source(node) or {}).get(name, value)
    return value


EXTENSIONS = {(NS, "tokens"): _tokens, (NS, "empty"): _empty, (NS, "of-type"): _of_type, (NS, "written"): _written}


class Translator(HTMLTranslator):
    """cssselect's HTML translator reading selectors as soupsieve reads them over BeautifulSoup's tree.

    - a list attribute (class, rel of links...) is matched on its tokens joined by one space, its
      tokens split on Python's whitespace (BeautifulSoup's list), so `.a` matches a class "x a" whose
      space is an ideographic one;
    - `type`, `rel`, `lang` and the other HTML attributes soupsieve reads without regard to case;
    - the value of a boolean attribute (`disabled`...) as written: "" for a bare one (`bs:written`);
    - what is inside a <template> is outside the document: never selected;
    - the pseudo-classes soupsieve matches nothing with match nothing; `:link`, `:any-link`, `:empty`,
      `:scope`, `:open`, `:muted`, `:required`, `:optional` as soupsieve defines them; `*:nth-of-type()`
      and kin, which cssselect refuses, through `bs:of-type`;
    - those whose meaning is not ported (`UNSUPPORTED`: form state, `:lang()`, `:dir()`, `:contains()`)
      raise, so the rule naming them is left out rather than matched otherwise.
    """

    def __init__(self, control_spaces: bool = False):
        super().__init__()
        self.control_spaces = control_spaces

    def _tokens(self, attrib: str) -> str:
        if self.control_spaces:
            return f"bs:tokens({attrib})"
        spaces = " " * len(OTHER_SPACES)
        return f"normalize-space(translate({attrib}, {self.xpath_literal(OTHER_SPACES)}, '{spaces}'))"

    def xpath_attrib(self, selector):  # type: ignore[no-untyped-def]
        if selector.namespace:
            raise ExpressionError("attributes in a namespace are not ported")
        operator = self.attribute_operator_mapping[selector.operator]
        name = ascii_lower(selector.attrib)
        present = "@" + name if is_safe_name(name) else f"attribute::*[name() = {self.xpath_literal(name)}]"
        xpath = self.xpath(selector.selector)
        if selector.value is None:
            return xpath.add_condition(present)
        value = selector.value.value
        fold = selector.flag == "i" or (selector.flag is None and name in CASE_INSENSITIVE)
        if fold:
            value = ascii_lower(value)
        if operator == "different":  # [a!=b]: :not([a=b]), so also where there is no a
            return xpath.add_condition(f"not({self._attrib_condition(name, present, 'equals', value, fold)})")
        return xpath.add_condition(self._attrib_condition(name, present, operator, value, fold))

    def _attrib_condition(self, name: str, present: str, operator: str, value: str, fold: bool) -> str:
        """`present and (test)`, the test on the value as BeautifulSoup holds it: a list attribute's
        tokens joined by one space (for rel and the like only on the elements where it is a list)."""

        def test(expression: str) -> str:
            if fold:
                expression = f"translate({expression}, '{UPPER}', '{LOWER}')"
            return self._value_test(operator, expression, value)

        if name in LIST_ATTRIBUTES:
            condition = test(self._tokens(present))
        else:
            hosts = [tag for tag, names in LIST_ATTRIBUTES_OF.items() if name in names]
            if hosts:
                host = " or ".join(f"self::{tag}" for tag in hosts)
                condition = f"(({host}) and ({test(self._tokens(present))})) or (not({host}) and ({test(present)}))"
            elif name in BOOLEAN_ATTRIBUTES:  # as written: "" for a bare one (`attributes`)
                condition = test(f"bs:written({self.xpath_literal(name)})")
            else:
                condition = test(present)
        return f"{present} and ({condition})"

    def _value_test(self, operator: str, value_of: str, value: str) -> str:
        """soupsieve's pattern for one operator (css_parser.parse_attribute_pattern) in XPath."""
        literal = self.xpath_literal(value)
        if operator == "equals":
            return f"{value_of} = {literal}"
        if operator == "dashmatch":
            return f"{value_of} = {literal} or starts-with({value_of}, {self.xpath_literal(value + '-')})"
        if not value:
            return "0"  # ^= $= *= ~= with nothing to find match nothing
        if operator == "prefixmatch":
            return f"starts-with({value_of}, {literal})"
        if operator == "suffixmatch":
            return f"substring({value_of}, string-length({value_of}) - {len(value) - 1}) = {literal}"
        if operator == "substringmatch":
            return f"contains({value_of}, {literal})"
        if operator == "includes":
            if any(space in value for space in " \t\n\r\f"):
                return "0"
            return f"contains(concat(' ', normalize-space({value_of}), ' '), {self.xpath_literal(f' {value} ')})"
        raise ExpressionError(f"attribute operator {operator} is not ported")

    def xpath_class(self, class_selector):  # type: ignore[no-untyped-def]
        xpath = self.xpath(class_selector.selector)
        token = self.xpath_literal(f" {class_selector.class_name} ")
        return xpath.add_condition(f"@class and contains(concat(' ', {self._tokens('@class')}, ' '), {token})")

    def xpath_pseudo(self, pseudo: Pseudo) -> XPathExpr:
        if pseudo.ident in NEVER_MATCHES:
            return self.xpath(pseudo.selector).add_condition("0")
        if pseudo.ident in UNSUPPORTED:
            raise ExpressionError(f":{pseudo.ident} is not ported")
        return super().xpath_pseudo(pseudo)

    def xpath_function(self, function: Function) -> XPathExpr:
        if function.name in UNSUPPORTED:
            raise ExpressionError(f":{function.name}() is not ported")
        return super().xpath_function(function)

    def xpath_link_pseudo(self, xpath: XPathExpr) -> XPathExpr:
        return xpath.add_condition("(self::a or self::area) and @href")

    xpath_any_link_pseudo = xpath_link_pseudo

    def xpath_scope_pseudo(self, xpath: XPathExpr) -> XPathExpr:
        return xpath.add_condition("not(parent::*)")  # select() over the whole page: its root

    def xpath_empty_pseudo(self, xpath: XPathExpr) -> XPathExpr:
        return xpath.add_condition("bs:empty()")

    def xpath_open_pseudo(self, xpath: XPathExpr) -> XPathExpr:
        return xpath.add_condition("(self::details or self::dialog) and @open")

    def xpath_muted_pseudo(self, xpath: XPathExpr) -> XPathExpr:
        return xpath.add_condition("(self::video or self::audio) and @muted")

    def _type_in(self, types: tuple[str, ...]) -> str:
        kind = f"translate(@type, '{UPPER}', '{LOWER}')"
        return " or ".join(f"{kind} = '{t}'" for t in types)

    def xpath_required_pseudo(self, xpath: XPathExpr) -> XPathExpr:
        return xpath.add_condition(f"@required and ((self::input and not({self._type_in(INPUT_REQUIRED_NOT_APPLIES)}))"
                                   " or self::textarea or self::select)")

    def xpath_optional_pseudo(self, xpath: XPathExpr) -> XPathExpr:
        return xpath.add_condition(f"((self::input or self::textarea or self::select) and not(@required))"
                                   f" or (self::input and ({self._type_in(INPUT_REQUIRED_NOT_APPLIES)}))")

    def _of_type(self, xpath: XPathExpr, a: int, b: int, last: bool) -> XPathExpr:
        return xpath.add_condition(f"bs:of-type({a}, {b}, {'true()' if last else 'false()'})")

    def xpath_first_of_type_pseudo(self, xpath: XPathExpr) -> XPathExpr:
        if xpath.element == "*":
            return self._of_type(xpath, 0, 1, False)
        return super().xpath_first_of_type_pseudo(xpath)

    def xpath_last_of_type_pseudo(self, xpath: XPathExpr) -> XPathExpr:
        if xpath.element == "*":
            return self._of_type(xpath, 0, 1, True)
        return super().xpath_last_of_type_pseudo(xpath)

    def xpath_only_of_type_pseudo(self, xpath: XPathExpr) -> XPathExpr:
        if xpath.element == "*":
            return self._of_type(self._of_type(xpath, 0, 1, False), 0, 1, True)
        return super().xpath_only_of_type_pseudo(xpath)

    def _nth_of_type(self, xpath: XPathExpr, function: Function, last: bool) -> XPathExpr:
        try:
            a, b = parse_series(function.arguments)
        except ValueError as error:
            raise ExpressionError(f"Invalid series: {function.arguments!r}") from error
        return self._of_type(xpath, a, b, last)

    def xpath_nth_of_type_function(self, xpath: XPathExpr, function: Function) -> XPathExpr:
        if xpath.element == "*":
            return self._nth_of_type(xpath, function, False)
        return super().xpath_nth_of_type_function(xpath, function)

    def xpath_nth_last_of_type_function(self, xpath: XPathExpr, function: Function) -> XPathExpr:
        if xpath.element == "*":
            return self._nth_of_type(xpath, function, True)
        return super().xpath_nth_last_of_type_function(xpath, function)


@lru_cache(maxsize=4096)
def compiled(selector: str, control_spaces: bool = False) -> etree.XPath | None:
    """The XPath that finds what soupsieve's `select(selector)` finds on a page, None for a selector
    this port does not read (cached either way: a site's pages share their template's selectors)."""
    try:
        path = Translator(control_spaces).css_to_xpath(selector)
        # the contents of a <template> are no part of the document
        return etree.XPath(f"({path})[not(ancestor::template)]", namespaces={"bs": NS}, extensions=EXTENSIONS)
    except (SelectorError, etree.XPathError):
        return None


CONTROL = re.compile(f"[{CONTROL_SPACES}]")
# those characters, or a character reference that may stand for one, in the page's HTML
CONTROL_IN_HTML = re.compile(f"[{CONTROL_SPACES}]"
                             r"|&#0*(?:1[12]|2[89]|3[01])(?!\d)|&#[xX]0*(?:[bcBC]|1[c-fC-F])(?![\da-fA-F])")


def has_control_spaces(root: HtmlElement, text: str | None = None) -> bool:
    """Does a list attribute of the page hold whitespace that XPath cannot be given (a form feed...)?
    `text`, the page's HTML, answers "no" for nearly every page without walking the tree."""
    if text is not None and not CONTROL_IN_HTML.search(text):
        return False
    for node in root.iter(etree.Element):
        for name, value in node.items():
            if is_list_attribute(node.tag, name) and CONTROL.search(value):
                return True
    return False


def select(root: HtmlElement, selector: str, control_spaces: bool = False,
           source: SourceValues | None = None) -> list[HtmlElement]:
    """soupsieve's `soup.select(selector)` over the page whose <html> is `root`, in document order.
    `control_spaces`: see `has_control_spaces`; `source`: boolean attributes as written (`attributes`).
    Raises SelectorError for a selector soupsieve may read but this port does not."""
    xpath = compiled(selector, control_spaces)
    if xpath is None:
        raise ExpressionError(f"selector not read: {selector}")
    token = _SOURCE.set(source)
    try:
        return xpath(root)
    except etree.XPathError as error:
        raise ExpressionError(str(error)) from error
    finally:
        _SOURCE.reset(token)

