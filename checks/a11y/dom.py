"""The accessibility view of one parsed page: what is hidden, each element's role, accessible names.

Computed from the page's shared tree (`Page.tree`, lxml's), without a browser, as the specifications say:
- hidden (excluded from the accessibility tree): the `hidden` attribute, `aria-hidden="true"`,
  `display:none` and `visibility:hidden|collapse` in an inline style or in a simple rule of the page's
  own `<style>` elements (a child may be `visibility:visible` again), `<input type=hidden>`, and
  everything under `<head>`, `<script>`, `<style>`, `<template>`, `<noscript>`;
- roles: the first valid token of `role` (WAI-ARIA 1.2), with presentational-role conflict
  resolution (a focusable element or one with a global ARIA attribute keeps its implicit role),
  else the implicit role from HTML-AAM for the elements the rules need;
- accessible names: W3C accname 1.2 §4.3 (aria-labelledby, aria-label, the host language's label —
  alt, <label for>, a wrapping <label>, value of buttons, <legend>, <caption>, <figcaption>, SVG
  <title> — embedded controls, name from content, title and placeholder).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from cssselect import SelectorError
from lxml import etree
from lxml.html import HtmlElement

from auditcli.core.knowledge import load
from auditcli.core.soupcompat import bare_attributes, has_control_spaces, select, soup_text, string_container
from auditcli.core.tree import elements, is_empty
from checks.a11y.markup import Document

if TYPE_CHECKING:
    from checks.engine.siteview import Page

KNOWLEDGE = load("accessibility")
ROLES = frozenset(KNOWLEDGE["roles"])
ARIA_ATTRIBUTES = frozenset(KNOWLEDGE["aria_attributes"])
ARIA_GLOBAL = frozenset(KNOWLEDGE["aria_global"])
NAME_FROM_CONTENT = frozenset(KNOWLEDGE["name_from_content"])

ALWAYS_HIDDEN = frozenset(("head", "script", "style", "template", "noscript", "title", "meta", "link", "base"))
BLOCK_TAGS = frozenset(("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
                        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
                        "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
                        "td", "th", "tr", "ul"))
DATE_INPUTS = frozenset(("date", "datetime-local", "month", "time", "week"))
TEXT_INPUTS = frozenset(("", "text", "email", "tel", "url", "password", "search"))
LABELABLE = frozenset(("input", "select", "textarea", "meter", "output", "progress", "button"))
STYLE_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
HIDING = re.compile(r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)", re.I)
SHOWING = re.compile(r"visibility\s*:\s*visible", re.I)


def declarations(style: str) -> dict[str, str]:
    """`display:none; color: red` -> {"display": "none", "color": "red"} (last one wins, as in CSS)."""
    out: dict[str, str] = {}
    for part in style.split(";"):
        name, sep, value = part.partition(":")
        if sep:
            out[name.strip().lower()] = value.replace("!important", "").strip().lower()
    return out


def _strip_at_rules(css: str) -> str:
    """Drop @media/@supports/... blocks (their rules apply only sometimes) and comments."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out, k = [], 0
    while True:
        at = css.find("@", k)
        if at < 0:
            out.append(css[k:])
            return "".join(out)
        out.append(css[k:at])
        brace, semi = css.find("{", at), css.find(";", at)
        if brace < 0 or (0 <= semi < brace):
            k = semi + 1 if semi >= 0 else len(css)
            continue
        depth, j = 0, brace
        while j < len(css):
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
            if depth == 0:
                break
        k = j


# the tag names rules read (Dom.named): gathered in the index's one walk
INDEXED = ("a", "area", "button", "frame", "h1", "h2", "h3", "h4", "h5", "h6", "iframe", "img", "input", "label",
           "meta", "select", "style", "summary", "svg", "textarea", "title")
# attributes the rules look elements up by; libxml2 writes attribute names in lowercase
ATTRIBUTES = etree.XPath("//@role | //@id | //@lang | //@*[starts-with(name(), 'aria-')]")


@dataclass
class Index:
    """What one page holds that the rules look for (Dom.index)."""

    by_name: dict[str, list[HtmlElement]] = field(default_factory=dict)
    with_role: list[HtmlElement] = field(default_factory=list)
    ids: dict[str, list[HtmlElement]] = field(default_factory=dict)
    with_lang: list[HtmlElement] = field(default_factory=list)
    with_aria: list[HtmlElement] = field(default_factory=list)


class Dom:
    """Hidden state, roles and names of one page's elements, computed lazily and kept for the page.

    Elements are lxml's (`Page.tree`). The caches are keyed by the elements themselves, never by id():
    lxml makes a new Python object for a node whenever none is held, and a dict key holds its own.
    `text`, the page's HTML, is parsed again only where lxml's tree lost what BeautifulSoup kept: a page
    without any element (`document`), a bare boolean attribute in an evidence (`bare`).
    Without it such a page is taken for one without markup, and `disabled` is written as lxml has it."""

    def __init__(self, root: HtmlElement, text: str | None = None):
        self.root = root
        self.text = text
        self._states: dict[HtmlElement, tuple[bool, bool]] = {}
        self._names: dict[HtmlElement, str] = {}
        self._named: dict[frozenset[str], list[HtmlElement]] = {}

    # ------------------------------------------------------------------ structure

    @cached_property
    def document(self) -> Document | None:
        """The page as BeautifulSoup held it when it has no element (no <html>: doctype, comments), else None.

        lxml gives such a page an empty stand-in <html>; an empty <html> that the page wrote is a real one."""
        root = self.root
        if root.tag == "html" and not is_empty(root):
            return None
        if self.text is None:
            return Document()
        return Document.of(self.text)

    @cached_property
    def _bare_attributes(self) -> tuple[tuple[str, frozenset[str]], ...]:
        return bare_attributes(self.text) if self.text is not None else ()

    def bare(self, tag: HtmlElement) -> frozenset[str]:
        """The boolean attributes `tag` was written with bare ("" to BeautifulSoup, their name in lxml's
        tree). Parses the page again, once, the first time asked."""
        position = self.position.get(tag)
        tags = self._bare_attributes
        return tags[position][1] if position is not None and position < len(tags) else frozenset()

    @cached_property
    def html(self) -> HtmlElement | None:
        return self.root if self.document is None else None

    @cached_property
    def index(self) -> Index:
        """Elements by name (the names the rules read, in one walk), elements with a role, ids, elements
        with lang, elements with an aria-* attribute (in one XPath over the attributes): every rule reads
        these instead of walking the tree again. Both are walked in C: no Python object is made for the
        elements nobody asks about (most of a page), the cost of a walk in Python over lxml's tree."""
        index = Index()
        if self.html is None:
            return index
        by_name = index.by_name
        for tag in self.root.iter(*INDEXED):
            named = by_name.get(tag.tag)
            if named is None:
                by_name[tag.tag] = [tag]
            else:
                named.append(tag)
        for value in ATTRIBUTES(self.root):  # in document order; an element's attributes one after another
            name, tag = value.attrname, value.getparent()
            if name == "id":
                if value:
                    index.ids.setdefault(str(value), []).append(tag)
                continue
            found = index.with_role if name == "role" else index.with_lang if name == "lang" else index.with_aria
            if not found or found[-1] is not tag:
                found.append(tag)
        return index

    @cached_property
    def all(self) -> list[HtmlElement]:
        """Every element, in tree order."""
        return [] if self.html is None else list(self.root.iter(etree.Element))

    @cached_property
    def position(self) -> dict[HtmlElement, int]:
        return {tag: k for k, tag in enumerate(self.all)}

    def in_order(self, *groups: list[HtmlElement]) -> list[HtmlElement]:
        """The elements of several lists, each in tree order, in tree order and once each (only a merge of
        two non-empty lists needs every element's position: one walk, the first time)."""
        filled = [group for group in groups if group]
        if len(filled) <= 1:
            return list(filled[0]) if filled else []
        position = self.position
        return sorted(dict.fromkeys(tag for group in filled for tag in group), key=lambda tag: position.get(tag, 0))

    def named(self, *names: str) -> list[HtmlElement]:
        """Elements of these tag names, in tree order."""
        if len(names) == 1:
            by_name = self.index.by_name
            found = by_name.get(names[0])
            if found is None:
                if names[0] in INDEXED or self.html is None:
                    return []
                found = by_name[names[0]] = list(self.root.iter(names[0]))
            return found
        key = frozenset(names)
        found = self._named.get(key)
        if found is None:  # lxml walks the names in tree order, whatever their order
            found = self._named[key] = list(self.root.iter(*names)) if names and self.html is not None else []
        return found

    @property
    def with_role_attr(self) -> list[HtmlElement]:
        return self.index.with_role

    @property
    def ids(self) -> dict[str, list[HtmlElement]]:
        return self.index.ids

    @property
    def with_lang(self) -> list[HtmlElement]:
        return self.index.with_lang

    @property
    def with_aria(self) -> list[HtmlElement]:
        return self.index.with_aria

    def by_id(self, ident: str) -> HtmlElement | None:
        tags = self.ids.get(ident)
        return tags[0] if tags else None

    @cached_property
    def label_for(self) -> dict[str, list[HtmlElement]]:
        out: dict[str, list[HtmlElement]] = {}
        for label in self.named("label"):
            target = label.get("for")
            if target is not None:
                out.setdefault(target, []).append(label)
        return out

    @cached_property
    def control_spaces(self) -> bool:
        """Does a list attribute hold whitespace XPath cannot be given (soupcompat.select matches in Python then)?"""
        return has_control_spaces(self.root, self.text)

    @cached_property
    def _style_rules(self) -> tuple[dict[HtmlElement, str], dict[HtmlElement, bool]]:
        """Elements a simple rule of the page's own stylesheets hides or shows again."""
        display: dict[HtmlElement, str] = {}
        visible: dict[HtmlElement, bool] = {}
        styles = self.named("style")
        if not styles:
            return display, visible
        for style in styles:
            for selector, hides_display, vis in _hiding_rules(soup_text(style)):
                try:
                    matched = select(self.root, selector, self.control_spaces, self.bare)
                except SelectorError:  # a selector this port does not read (soupcompat.Translator): ignore the rule
                    continue
                for tag in matched:
                    if hides_display:
                        display[tag] = "none"
                    if vis:
                        visible[tag] = vis == "visible"
        return display, visible

    # ------------------------------------------------------------------ hidden

    def display_none(self, tag: HtmlElement) -> bool:
        style = tag.get("style")
        return self._display_none(tag, declarations(style) if style else None)

    def _display_none(self, tag: HtmlElement, own: dict[str, str] | None) -> bool:
        """`own`: the declarations of the element's style attribute (None: it has none)."""
        name = tag.tag
        if name in ALWAYS_HIDDEN or tag.get("hidden") is not None:
            return True
        if name == "input" and (tag.get("type") or "").strip().lower() == "hidden":
            return True
        display = own.get("display") if own else None
        if display is not None:
            return display == "none"
        return self._style_rules[0].get(tag) == "none"

    def visibility(self, tag: HtmlElement) -> bool | None:
        """True visible, False hidden, None inherited."""
        style = tag.get("style")
        return self._visibility(tag, declarations(style) if style else None)

    def _visibility(self, tag: HtmlElement, own: dict[str, str] | None) -> bool | None:
        value = own.get("visibility") if own else None
        if value is not None:
            return value == "visible"
        return self._style_rules[1].get(tag)

    def _state(self, tag: HtmlElement) -> tuple[bool, bool]:
        """(gone, invisible) of `tag`: gone = display:none/aria-hidden/hidden on it or an ancestor
        (absolute); invisible = visibility hidden, inherited until an element makes itself visible."""
        states = self._states
        known = states.get(tag)
        if known is not None:
            return known
        chain: list[HtmlElement] = []
        node: HtmlElement | None = tag
        state = (False, False)
        while node is not None:
            known = states.get(node)
            if known is not None:
                state = known
                break
            chain.append(node)
            node = node.getparent()
        gone, invisible = state
        for element in reversed(chain):
            style = element.get("style")
            own = declarations(style) if style else None
            if not gone:
                gone = (self._display_none(element, own)
                        or (element.get("aria-hidden") or "").strip().lower() == "true")
            visible = self._visibility(element, own)
            if visible is not None:
                invisible = not visible
            states[element] = (gone, invisible)
        return gone, invisible

    def hidden(self, tag: HtmlElement) -> bool:
        """Excluded from the accessibility tree (ACT 'included in the accessibility tree', negated)."""
        gone, invisible = self._state(tag)
        return gone or invisible

    def rendered(self, tag: HtmlElement) -> bool:
        """Drawn on the screen (no display:none or visibility:hidden up the tree); aria-hidden content is."""
        invisible = False
        chain = [tag, *tag.iterancestors()]
        for element in reversed(chain):
            if self.display_none(element):
                return False
            own = self.visibility(element)
            if own is not None:
                invisible = not own
        return not invisible

    # ------------------------------------------------------------------ roles

    @staticmethod
    def input_type(tag: HtmlElement) -> str:
        return (tag.get("type") or "").strip().lower()

    @staticmethod
    def focusable(tag: HtmlElement) -> bool:
        name, attrs = tag.tag, tag.attrib
        if "disabled" in attrs and name in ("button", "input", "select", "textarea"):
            return False
        tabindex = attrs.get("tabindex")
        if tabindex is not None and tabindex.strip().lstrip("-").isdigit():
            return True
        if name in ("a", "area") and "href" in attrs:
            return True
        if name == "input":
            return Dom.input_type(tag) != "hidden"
        if name in ("audio", "video"):
            return "controls" in attrs
        return name in ("button", "select", "textarea", "iframe", "summary") or \
            attrs.get("contenteditable", "false").lower() in ("", "true")

    def explicit_role(self, tag: HtmlElement) -> str | None:
        """The first role token a browser recognises, or None."""
        value = tag.get("role")
        if value is None:
            return None
        for token in value.lower().split():
            if token in ROLES:
                return "img" if token == "image" else token
        return None

    @staticmethod
    def has_global_aria(tag: HtmlElement) -> bool:
        return any(attr in ARIA_GLOBAL for attr in tag.attrib)

    def role(self, tag: HtmlElement) -> str | None:
        explicit = self.explicit_role(tag)
        if explicit in ("none", "presentation"):
            if self.focusable(tag) or self.has_global_aria(tag):
                return self.implicit_role(tag)
            return "presentation"
        return explicit or self.implicit_role(tag)

    def implicit_role(self, tag: HtmlElement) -> str | None:
        name = tag.tag
        if name in ("a", "area"):
            return "link" if "href" in tag.attrib else None
        if name == "button":
            return "button"
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return "heading"
        if name == "img":
            alt = tag.get("alt")
            if alt == "" and not self.has_global_aria(tag) and not self.focusable(tag):
                return "presentation"
            return "img"
        if name == "input":
            kind = self.input_type(tag)
            if kind in ("button", "submit", "reset", "image"):
                return "button"
            if kind in ("checkbox", "radio"):
                return kind
            if kind == "range":
                return "slider"
            if kind == "number":
                return "spinbutton"
            if kind in DATE_INPUTS:
                return "textbox"  # browsers expose date fields as editable text (ACT e086e5 counts them)
            if kind in TEXT_INPUTS or kind not in KNOWN_INPUT_TYPES:
                if "list" in tag.attrib:
                    return "combobox"
                if kind == "search":
                    return "searchbox"
                return "textbox"
            return None
        if name == "select":
            size = (tag.get("size") or "").strip()
            if "multiple" in tag.attrib or (size.isdigit() and int(size) > 1):
                return "listbox"
            return "combobox"
        if name == "textarea":
            return "textbox"
        if name == "svg":
            return "graphics-document"
        return IMPLICIT_SIMPLE.get(name)

    # ------------------------------------------------------------------ names

    def has_name(self, tag: HtmlElement) -> bool:
        """Whether the accessible name is non-empty. A shown element whose role takes its name from its
        content and that holds text directly has one whatever else names it (accname steps 2B-2F), so
        most links, buttons and headings are decided without computing the name."""
        label = tag.get("aria-label")
        if label is not None and label.strip():
            return True
        if self.role(tag) in NAME_FROM_CONTENT and not self.hidden(tag) and _holds_text(tag):
            return True
        return bool(self.name(tag).strip())

    def name(self, tag: HtmlElement) -> str:
        """The accessible name of `tag` (whitespace collapsed)."""
        name = self._names.get(tag)
        if name is None:
            name = self._names[tag] = " ".join(self._name(tag, root=tag, visited=set(), labelledby=False,
                                                          hidden_ok=False).split())
        return name

    def _name(self, tag: HtmlElement, *, root: HtmlElement, visited: set[HtmlElement], labelledby: bool,
              hidden_ok: bool) -> str:
        if tag in visited:
            return ""
        visited.add(tag)
        if not hidden_ok and self.hidden(tag):
            return ""
        # 2B aria-labelledby (not followed twice)
        ids = tag.get("aria-labelledby")
        if ids is not None and not labelledby:
            parts = []
            for ident in ids.split():
                target = self.by_id(ident)
                if target is not None:
                    parts.append(self._name(target, root=target, visited=visited, labelledby=True,
                                            hidden_ok=self.hidden(target)))
            text = " ".join(p for p in parts if p.strip())
            if text.strip():
                return text
        role = self.role(tag)
        in_recursion = tag is not root
        # 2C embedded control inside another element's name
        if in_recursion:
            control = self._embedded_value(tag, role)
            if control is not None:
                return control
        # 2C aria-label
        label = tag.get("aria-label")
        if label is not None and label.strip():
            return label
        # 2D host language label
        if role != "presentation":
            native = self._native_name(tag, visited, hidden_ok)
            if native.strip():
                return native
        # 2F name from content
        if (role in NAME_FROM_CONTENT) or in_recursion or labelledby or tag.tag in ("label", "legend", "caption",
                                                                                       "figcaption", "summary"):
            text = self._content(tag, root=root, visited=visited, hidden_ok=hidden_ok)
            if text.strip():
                return text
        # 2I tooltip, then the placeholder browsers fall back to
        for attr in ("title", "placeholder", "aria-placeholder"):
            value = tag.get(attr)
            if value is not None and value.strip() and (attr == "title" or tag.tag in ("input", "textarea")
                                                         or attr == "aria-placeholder"):
                return value
        return ""

    def _embedded_value(self, tag: HtmlElement, role: str | None) -> str | None:
        name = tag.tag
        if role == "textbox" and name in ("input", "textarea"):
            return tag.get("value", "") if name == "input" else soup_text(tag)
        if role in ("combobox", "listbox") and name == "select":
            options = list(elements(tag, "option"))
            chosen = [o for o in options if "selected" in o.attrib] or options[:1]
            return " ".join(soup_text(o) for o in chosen)
        if role in ("slider", "spinbutton") and name == "input":
            return tag.get("aria-valuetext") or tag.get("aria-valuenow") or tag.get("value", "")
        return None

    def _native_name(self, tag: HtmlElement, visited: set[HtmlElement], hidden_ok: bool) -> str:
        name = tag.tag
        if name in ("img", "area") or (name == "input" and self.input_type(tag) == "image"):
            return tag.get("alt", "")
        if name == "input" and self.input_type(tag) in ("button", "submit", "reset"):
            value = tag.get("value")
            if value is not None:
                return value
            return {"submit": "Submit", "reset": "Reset"}.get(self.input_type(tag), "")
        if name in LABELABLE:
            parts = []
            ident = tag.get("id")
            labels = list(self.label_for.get(ident, [])) if ident else []
            wrapping = next(tag.iterancestors("label"), None)
            if wrapping is not None and "for" not in wrapping.attrib and wrapping not in labels:
                labels.append(wrapping)
            for label in labels:
                parts.append(self._content(label, root=tag, visited=visited, hidden_ok=True, skip=tag))
            return " ".join(p for p in parts if p.strip())
        if name == "fieldset":
            return self._first_child_text(tag, "legend", visited)
        if name == "table":
            return self._first_child_text(tag, "caption", visited)
        if name == "figure":
            return self._first_child_text(tag, "figcaption", visited)
        if name == "svg":
            title = tag.find("title")
            return soup_text(title) if title is not None else ""
        return ""

    def _first_child_text(self, tag: HtmlElement, child: str, visited: set[HtmlElement]) -> str:
        found = tag.find(child)
        return self._content(found, root=tag, visited=visited, hidden_ok=False) if found is not None else ""

    def _content(self, tag: HtmlElement, *, root: HtmlElement, visited: set[HtmlElement], hidden_ok: bool,
                 skip: HtmlElement | None = None) -> str:
        out: list[str] = []
        if tag.text:
            out.append(tag.text)
        for child in tag:
            name = child.tag
            if isinstance(name, str) and not (
                    child is skip or name in ALWAYS_HIDDEN or (not hidden_ok and self.hidden(child))):
                # `skip`: the control a wrapping label names is not part of its own name
                text = self._name(child, root=root, visited=visited, labelledby=False, hidden_ok=hidden_ok)
                if name in BLOCK_TAGS:
                    text = f" {text} "
                out.append(text)
            if child.tail:  # the text after an element or a comment
                out.append(child.tail)
        return "".join(out)


def _holds_text(tag: HtmlElement) -> bool:
    """Does `tag` hold non-blank text right inside it, as a plain NavigableString (text inside
    <script>, <style>, <template>, <rt>, <rp> is of string classes of their own)?"""
    if (tag.text and tag.text.strip()) or any(child.tail and child.tail.strip() for child in tag):
        return string_container(tag) is None
    return False


@lru_cache(maxsize=256)
def _hiding_rules(css: str) -> tuple[tuple[str, bool, str | None], ...]:
    """The (selector, hides with display:none, visibility) of each rule of a stylesheet that hides or
    shows again, one selector each; cached, as a site's pages share their template's stylesheet."""
    out = []
    for selector, body in STYLE_RULE.findall(_strip_at_rules(css)):
        if "display" not in body and "visibility" not in body:
            continue  # most of a template's rules (fonts, colours, boxes): nothing to hide or show
        decl = declarations(body)
        hides_display = decl.get("display") == "none"
        vis = decl.get("visibility")
        if not hides_display and vis not in ("hidden", "collapse", "visible"):
            continue
        for one in selector.split(","):
            one = one.strip()
            if not one or "::" in one or re.search(r":(?:hover|focus|active|before|after|visited)", one):
                continue
            out.append((one, hides_display, vis))
    return tuple(out)


KNOWN_INPUT_TYPES = frozenset(("hidden", "text", "search", "tel", "url", "email", "password", "date", "month",
                               "week", "time", "datetime-local", "number", "range", "color", "checkbox",
                               "radio", "file", "submit", "image", "reset", "button"))
IMPLICIT_SIMPLE = {"nav": "navigation", "main": "main", "ul": "list", "ol": "list", "li": "listitem",
                   "table": "table", "form": "form", "dialog": "dialog", "iframe": None, "p": "paragraph",
                   "option": "option", "fieldset": "group", "figure": "figure", "article": "article",
                   "aside": "complementary", "hr": "separator", "progress": "progressbar", "meter": "meter",
                   "output": "status", "section": "region", "tr": "row", "td": "cell", "th": "columnheader",
                   "summary": "button", "math": "math"}


def dom_of(page: Page) -> Dom:
    """The page's Dom, made once per parsed tree and dropped with it."""
    root = page.tree
    cached = page.__dict__.get("a11y_dom")
    if cached is None or cached.root is not root:
        cached = Dom(root, page.text)
        page.__dict__["a11y_dom"] = cached
    return cached
