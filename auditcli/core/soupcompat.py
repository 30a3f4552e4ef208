"""What BeautifulSoup read and printed of a page, reproduced on lxml's tree (auditcli.core.tree).

The checks were written against BeautifulSoup's tree, and their results carry what it read and printed
(`str(tag)` as evidence, `get_text()` of a cell or a title, what `select()` found): these give the same
strings and elements from lxml's tree, so results stay byte-identical. The one copy for every check.

- `soup_markup`: `str(tag)`, as the "minimal" formatter printed it: attributes sorted, list attributes
  (class, rel…) re-joined with one space, `"` in a value single-quoted (both quotes: `&quot;`), `&<>`
  escaped except inside <script>/<style>, void elements `<br/>`, a <meta> charset rewritten to utf-8,
  a string of ASCII whitespace alone (outside <pre>/<textarea>) kept as one "\n" or " ";
- bare boolean attributes (`<input checked>`) are "" to BeautifulSoup, their name in lxml's tree: only
  the parser's events tell them apart (`bare_attributes`, read again from the page's markup);
- `soup_text`, `soup_text_of`: `get_text()`, which leaves out the strings of <script>, <style>,
  <template>, <rt>, <rp> (typed strings), so a tag inside one of them has no text of its own;
- `select`, `soup_select`: soupsieve's `select()` through cssselect's XPath (`Translator`);
- `soup_body`: `soup.body or soup` (what a page writes after </html> is in the tree: auditcli.core.tree.parse).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from functools import lru_cache
from itertools import chain

from cssselect import HTMLTranslator, SelectorError
from cssselect.parser import Function, Pseudo, ascii_lower, parse_series
from cssselect.xpath import ExpressionError, XPathExpr, is_safe_name
from lxml import etree

from auditcli.core.tree import HIDDEN_TEXT_TAGS, Element, ancestors, nth_of_type

VOID_TAGS = frozenset((
    "area", "base", "basefont", "bgsound", "br", "col", "command", "embed", "frame", "hr", "image", "img",
    "input", "isindex", "keygen", "link", "menuitem", "meta", "nextid", "param", "source", "spacer", "track",
    "wbr"))
LIST_ATTRIBUTES = frozenset(("class", "accesskey", "dropzone"))  # on every element: a list of tokens
LIST_ATTRIBUTES_OF = {"a": frozenset(("rel", "rev")), "link": frozenset(("rel", "rev")),
                      "td": frozenset(("headers",)), "th": frozenset(("headers",)),
                      "form": frozenset(("accept-charset",)), "object": frozenset(("archive",)),
                      "area": frozenset(("rel",)), "icon": frozenset(("sizes",)),
                      "iframe": frozenset(("sandbox",)), "output": frozenset(("for",))}
PRESERVE_WHITESPACE_TAGS = frozenset(("pre", "textarea"))
RAW_TEXT_TAGS = frozenset(("script", "style"))  # their own strings are printed unescaped
ASCII_SPACES = " \n\t\f\r"
ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
ESCAPED = re.compile("[&<>]")
META_CHARSET = re.compile(r"((^|;)\s*charset=)([^;]*)", re.M)
BOOLEAN_ATTRIBUTES = frozenset((  # libxml2 gives a bare one its name as value; its parser events give ""
    "checked", "compact", "declare", "defer", "disabled", "ismap", "multiple", "nohref", "noresize", "noshade",
    "nowrap", "readonly", "selected"))
BareOf = Callable[[Element], frozenset[str]]  # an element's boolean attributes written bare


def soup_body(root: Element) -> Element:
    """`soup.body or soup`: the first <body>, else the whole document (a frameset page)."""
    return next(root.iter("body"), root)


# ---------------------------------------------------------------------------------- attributes

def is_list_attribute(tag: str, name: str) -> bool:
    """Did BeautifulSoup hold this attribute as a list of tokens (split on any whitespace)?"""
    return name in LIST_ATTRIBUTES or name in LIST_ATTRIBUTES_OF.get(tag, ())


def soup_attributes(node: Element, bare: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """The element's attributes as BeautifulSoup held them, in order: a list attribute's tokens joined by
    one space, an attribute of `bare` (written without a value) ""."""
    tag = node.tag
    return [(name, "" if name in bare else " ".join(value.split()) if is_list_attribute(tag, name) else value)
            for name, value in node.items()]


class _BareAttributes:
    """lxml parser target (BeautifulSoup's parser was one): per start tag, in document order, its tag and
    the boolean attributes written bare, which a target is given as ""."""

    def __init__(self) -> None:
        self.tags: list[tuple[str, frozenset[str]]] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.tags.append((tag, frozenset(k for k, v in attrib.items() if not v and k in BOOLEAN_ATTRIBUTES)))

    def close(self) -> list[tuple[str, frozenset[str]]]:
        return self.tags


@lru_cache(maxsize=4)
def bare_attributes(source: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """The start tags of `source` in document order (as auditcli.core.tree.parse parses it): each one's
    tag and boolean attributes written bare."""
    if source[:1] == "\N{BYTE ORDER MARK}":
        source = source[1:]
    parser = etree.HTMLParser(target=_BareAttributes())
    parser.feed(source)
    return tuple(parser.close())


def _bare_in(node: Element, source: str | None) -> BareOf | None:
    """The bare boolean attributes of `node` and the elements below it, read from the markup its tree was
    parsed from; None without markup or if the tree no longer matches it."""
    below = list(node.iter(etree.Element))
    if source is None or not any(el.get(name) == name for el in below for name in BOOLEAN_ATTRIBUTES):
        return None  # nothing to tell apart
    tags = bare_attributes(source)
    start = next((k for k, el in enumerate(node.getroottree().getroot().iter(etree.Element)) if el is node), None)
    if start is None or start + len(below) > len(tags) or any(
            tags[start + k][0] != el.tag for k, el in enumerate(below)):
        return None
    found = {el: tags[start + k][1] for k, el in enumerate(below)}
    return lambda el: found.get(el, frozenset())


# ---------------------------------------------------------------------------------- str(tag)

def soup_string(text: str, preserve: bool = False) -> str:
    """A string as BeautifulSoup stored it: ASCII whitespace alone collapses to one character."""
    if preserve or text.strip(ASCII_SPACES):
        return text
    return "\n" if "\n" in text else " "


def soup_escape(text: str) -> str:
    return ESCAPED.sub(lambda m: ESCAPES[m.group(0)], text)


def _quoted(value: str) -> str:
    if '"' in value:
        if "'" in value:
            return '"' + value.replace('"', "&quot;") + '"'
        return "'" + value + "'"
    return '"' + value + '"'


def _printed_value(node: Element, name: str, value: str) -> str:
    """BeautifulSoup writes the encoding it outputs (utf-8) into a <meta>'s charset declaration."""
    if node.tag == "meta":
        if name == "charset":
            return "utf-8"
        declares = (node.get("http-equiv") or "").lower() == "content-type" and node.get("charset") is None
        if name == "content" and declares:
            return META_CHARSET.sub(lambda m: m.group(1) + "utf-8", value)
    return value


def _is_void(node: Element) -> bool:
    return node.tag in VOID_TAGS and len(node) == 0 and not node.text


def start_tag(node: Element, bare: frozenset[str] = frozenset()) -> str:
    """The start tag `str(tag)` begins with: attributes sorted by name, values escaped and quoted."""
    attributes = "".join(f" {name}={_quoted(soup_escape(_printed_value(node, name, value)))}"
                         for name, value in sorted(soup_attributes(node, bare)))
    return f"<{node.tag}{attributes}{'/' if _is_void(node) else ''}>"


def _markup(node: Element, preserve: bool, bare: BareOf | None) -> Iterator[str]:
    preserve = preserve or node.tag in PRESERVE_WHITESPACE_TAGS
    yield start_tag(node, bare(node) if bare is not None else frozenset())
    if _is_void(node):
        return
    raw = node.tag in RAW_TEXT_TAGS
    if node.text:
        text = soup_string(node.text, preserve)
        yield text if raw else soup_escape(text)
    for child in node:
        if isinstance(child.tag, str):
            yield from _markup(child, preserve, bare)
        elif child.tag is etree.Comment:
            yield "<!--" + soup_string(child.text or "", preserve) + "-->"  # even an empty one: <!-- -->
        elif child.tag is etree.PI:
            yield f"<?{child.target} {child.text or ''}>"
        if child.tail:
            tail = soup_string(child.tail, preserve)
            yield tail if raw else soup_escape(tail)
    yield f"</{node.tag}>"


def soup_markup(node: Element, limit: int | None = None, *, source: str | None = None,
                bare: BareOf | None = None, collapsed: bool = False) -> str:
    """`str(tag)` of BeautifulSoup for this element (its tail left out), printed only as far as `limit`
    needs: cut at `limit`; with `collapsed`, `" ".join(str(tag).split())`, returned once longer than
    `limit` (the caller cuts). Bare boolean attributes print as "" (as BeautifulSoup printed them) given
    the markup the tree was parsed from (`source`) or `bare`; otherwise as lxml reads them."""
    preserve = any(parent.tag in PRESERVE_WHITESPACE_TAGS for parent in ancestors(node))
    pieces = _markup(node, preserve, bare if bare is not None else _bare_in(node, source))
    if limit is None:
        text = "".join(pieces)
        return " ".join(text.split()) if collapsed else text
    out: list[str] = []
    length, check_at = 0, limit
    for piece in pieces:
        out.append(piece)
        length += len(piece)
        if length >= check_at and not collapsed:
            break
        if length > check_at:
            text = " ".join("".join(out).split())
            if len(text) > limit:
                return text
            check_at = length + limit
    text = "".join(out)
    return " ".join(text.split()) if collapsed else text[:limit]


RAW_TEXT_WHEN_PARSED = ("iframe", "noembed", "noframes", "xmp", "plaintext")  # libxml2 decodes no entity there


def soup_reparsed(node: Element) -> Element:
    """A copy of `node` as `BeautifulSoup(str(tag), "lxml")` read it back: the same tree, but the text of
    an element parsed as raw text (<iframe> fallback, <xmp>…) was printed escaped and so stays escaped,
    and a <plaintext> swallows the closing tags printed after it."""
    twin = copy.deepcopy(node)
    for raw in twin.iter(*RAW_TEXT_WHEN_PARSED):
        raw.text = soup_escape(raw.text) if raw.text else raw.text
        if raw.tag == "plaintext":
            closing = [raw]
            while closing[-1] is not twin:
                closing.append(closing[-1].getparent())
            raw.text = (raw.text or "") + "".join(f"</{el.tag}>" for el in closing)
    return twin


# ---------------------------------------------------------------------------------- get_text()

def string_container(node: Element) -> str | None:
    """The innermost <script>, <style>, <template>, <rt> or <rp> holding `node` (or being it): the type of
    the strings right inside `node` to BeautifulSoup; None for plain strings."""
    return next((a.tag for a in chain((node,), ancestors(node)) if a.tag in HIDDEN_TEXT_TAGS), None)


def has_no_own_text(node: Element) -> bool:
    """Does `node` stand inside a <template> (<script>, <style>, <rt>, <rp>)? Its strings are then the
    container's, and its own text none."""
    return string_container(node) not in (None, node.tag)


def _strings(node: Element, kind: str | None, want: str | None, preserve: bool, out: list[str]) -> None:
    """The strings under `node` of the type `want` (`kind`: the type of those right inside `node`)."""
    preserve = preserve or node.tag in PRESERVE_WHITESPACE_TAGS
    if node.text and kind == want:
        out.append(soup_string(node.text, preserve))
    for child in node:
        if isinstance(child.tag, str):
            inner = child.tag if child.tag in HIDDEN_TEXT_TAGS else kind
            if want is not None or inner is None:  # outside every container, a container is left out whole
                _strings(child, inner, want, preserve, out)
        if child.tail and kind == want:
            out.append(soup_string(child.tail, preserve))


def soup_strings(node: Element) -> list[str]:
    """BeautifulSoup's strings of a tag (`_all_strings`): of an ordinary tag, those in no container; of a
    container, those of its own type (an inner <template> included); of a tag inside one, none."""
    want = node.tag if node.tag in HIDDEN_TEXT_TAGS else None
    out: list[str] = []
    if string_container(node) == want:
        _strings(node, want, want, any(a.tag in PRESERVE_WHITESPACE_TAGS for a in ancestors(node)), out)
    return out


def soup_text_of(node: Element) -> str:
    """`" ".join(tag.get_text(" ").split())` of BeautifulSoup (text_of of the old tree)."""
    return " ".join(" ".join(soup_strings(node)).split())


def soup_text(node: Element, separator: str = "", strip: bool = False) -> str:
    """`tag.get_text(separator, strip=strip)` of BeautifulSoup: the strings joined as they are (with
    `strip`, each stripped and the empty ones left out)."""
    if strip:
        return separator.join(s.strip() for s in soup_strings(node) if s.strip())
    return separator.join(soup_strings(node))


# ---------------------------------------------------------------------------------- select()

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
NS = "urn:auditcli:soupcompat"


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
    position, count = nth_of_type(context.context_node)
    if last:
        position = count + 1 - position
    a, b = int(a), int(b)
    if a == 0:
        return position == b
    n, rest = divmod(position - b, a)
    return rest == 0 and n >= 0


_BARE: ContextVar[BareOf | None] = ContextVar("bare_attributes", default=None)


def _written(context: etree._XPathContext, name: str) -> str:  # type: ignore[name-defined]
    """bs:written('disabled'): a boolean attribute's value as the page wrote it (`select`'s `bare`)."""
    node = context.context_node
    value = node.get(name) or ""
    bare = _BARE.get()
    return "" if value == name and bare is not None and name in bare(node) else value


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
            elif name in BOOLEAN_ATTRIBUTES:  # as written: "" for a bare one
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


def has_control_spaces(root: Element, text: str | None = None) -> bool:
    """Does a list attribute of the page hold whitespace that XPath cannot be given (a form feed...)?
    `text`, the page's HTML, answers "no" for nearly every page without walking the tree."""
    if text is not None and not CONTROL_IN_HTML.search(text):
        return False
    for node in root.iter(etree.Element):
        for name, value in node.items():
            if is_list_attribute(node.tag, name) and CONTROL.search(value):
                return True
    return False


def select(root: Element, selector: str, control_spaces: bool = False,
           bare: BareOf | None = None) -> list[Element]:
    """soupsieve's `soup.select(selector)` over the page whose <html> is `root`, in document order.
    `control_spaces`: see `has_control_spaces`; `bare`: boolean attributes written bare.
    Raises SelectorError for a selector soupsieve may read but this port does not."""
    xpath = compiled(selector, control_spaces)
    if xpath is None:
        raise ExpressionError(f"selector not read: {selector}")
    token = _BARE.set(bare)
    try:
        return xpath(root)
    except etree.XPathError as error:
        raise ExpressionError(str(error)) from error
    finally:
        _BARE.reset(token)



def soup_select(root: Element, selector: str) -> list[Element]:
    """`soup.select(selector)` of the page whose <html> is `root`, whatever whitespace its list attributes hold."""
    return select(root, selector, control_spaces=True)
