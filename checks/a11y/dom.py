"""The accessibility view of one parsed page: what is hidden, each element's role, accessible names.

Computed from the page's shared tree (`Page.soup`), without a browser, as the specifications say:
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
from functools import cached_property

from bs4 import BeautifulSoup, NavigableString, Tag

from auditcli.core.knowledge import load

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


class Dom:
    """Hidden state, roles and names of one page's elements, computed lazily and kept for the page."""

    def __init__(self, soup: BeautifulSoup):
        self.soup = soup
        self._states: dict[int, tuple[bool, bool]] = {}
        self._names: dict[int, str] = {}

    # ------------------------------------------------------------------ structure

    @cached_property
    def html(self) -> Tag | None:
        return self.soup.find("html")

    @cached_property
    def index(self) -> tuple[dict[str, list[Tag]], list[Tag], dict[str, list[Tag]], list[Tag], list[Tag], list[Tag]]:
        """One walk over the tree: elements by name, elements with a role, ids, elements with lang,
        elements with an aria-* attribute. Every rule reads these instead of walking the tree again."""
        by_name: dict[str, list[Tag]] = {}
        with_role: list[Tag] = []
        ids: dict[str, list[Tag]] = {}
        with_lang: list[Tag] = []
        with_aria: list[Tag] = []
        everything = self.soup.find_all(True)
        for tag in everything:
            by_name.setdefault(tag.name, []).append(tag)
            attrs = tag.attrs
            if not attrs:
                continue
            if "role" in attrs:
                with_role.append(tag)
            ident = attrs.get("id")
            if isinstance(ident, str) and ident:
                ids.setdefault(ident, []).append(tag)
            if "lang" in attrs:
                with_lang.append(tag)
            if any(name[:5].lower() == "aria-" for name in attrs):
                with_aria.append(tag)
        return by_name, with_role, ids, with_lang, with_aria, everything

    @cached_property
    def position(self) -> dict[int, int]:
        return {id(tag): k for k, tag in enumerate(self.all)}

    def in_order(self, tags) -> list[Tag]:
        unique = {id(tag): tag for tag in tags}
        return sorted(unique.values(), key=lambda tag: self.position.get(id(tag), 0))

    def named(self, *names: str) -> list[Tag]:
        """Elements of these tag names, in tree order."""
        by_name = self.index[0]
        if len(names) == 1:
            return by_name.get(names[0], [])
        return self.in_order(tag for name in names for tag in by_name.get(name, []))

    @property
    def all(self) -> list[Tag]:
        """Every element, in tree order."""
        return self.index[5]

    @property
    def with_role_attr(self) -> list[Tag]:
        return self.index[1]

    @property
    def ids(self) -> dict[str, list[Tag]]:
        return self.index[2]

    @property
    def with_lang(self) -> list[Tag]:
        return self.index[3]

    @property
    def with_aria(self) -> list[Tag]:
        return self.index[4]

    def by_id(self, ident: str) -> Tag | None:
        tags = self.ids.get(ident)
        return tags[0] if tags else None

    @cached_property
    def label_for(self) -> dict[str, list[Tag]]:
        out: dict[str, list[Tag]] = {}
        for label in self.named("label"):
            if label.has_attr("for"):
                out.setdefault(str(label["for"]), []).append(label)
        return out

    @cached_property
    def _style_rules(self) -> tuple[dict[int, str], dict[int, bool]]:
        """Elements a simple rule of the page's own stylesheets hides or shows again."""
        display: dict[int, str] = {}
        visible: dict[int, bool] = {}
        for style in self.named("style"):
            css = _strip_at_rules(style.get_text())
            for selector, body in STYLE_RULE.findall(css):
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
                    try:
                        matched = self.soup.select(one)
                    except Exception:  # a selector soupsieve does not know: ignore the rule
                        continue
                    for tag in matched:
                        if hides_display:
                            display[id(tag)] = "none"
                        if vis:
                            visible[id(tag)] = vis == "visible"
        return display, visible

    # ------------------------------------------------------------------ hidden

    def _own_style(self, tag: Tag) -> dict[str, str]:
        style = tag.get("style")
        return declarations(style) if isinstance(style, str) and style else {}

    def display_none(self, tag: Tag) -> bool:
        if tag.name in ALWAYS_HIDDEN or tag.has_attr("hidden"):
            return True
        if tag.name == "input" and str(tag.get("type", "")).strip().lower() == "hidden":
            return True
        own = self._own_style(tag).get("display")
        if own is not None:
            return own == "none"
        return self._style_rules[0].get(id(tag)) == "none"

    def visibility(self, tag: Tag) -> bool | None:
        """True visible, False hidden, None inherited."""
        own = self._own_style(tag).get("visibility")
        if own is not None:
            return own == "visible"
        return self._style_rules[1].get(id(tag))

    def _state(self, tag: Tag) -> tuple[bool, bool]:
        """(gone, invisible) of `tag`: gone = display:none/aria-hidden/hidden on it or an ancestor
        (absolute); invisible = visibility hidden, inherited until an element makes itself visible."""
        chain: list[Tag] = []
        node: Tag | None = tag
        state = (False, False)
        while isinstance(node, Tag) and node.name != "[document]":
            known = self._states.get(id(node))
            if known is not None:
                state = known
                break
            chain.append(node)
            node = node.parent
        gone, invisible = state
        for element in reversed(chain):
            if not gone:
                gone = (self.display_none(element)
                        or str(element.get("aria-hidden", "")).strip().lower() == "true")
            own = self.visibility(element)
            if own is not None:
                invisible = not own
            self._states[id(element)] = (gone, invisible)
        return gone, invisible

    def hidden(self, tag: Tag) -> bool:
        """Excluded from the accessibility tree (ACT 'included in the accessibility tree', negated)."""
        gone, invisible = self._state(tag)
        return gone or invisible

    def rendered(self, tag: Tag) -> bool:
        """Drawn on the screen (no display:none or visibility:hidden up the tree); aria-hidden content is."""
        invisible = False
        node: Tag | None = tag
        chain = []
        while isinstance(node, Tag) and node.name != "[document]":
            chain.append(node)
            node = node.parent
        for element in reversed(chain):
            if self.display_none(element):
                return False
            own = self.visibility(element)
            if own is not None:
                invisible = not own
        return not invisible

    # ------------------------------------------------------------------ roles

    @staticmethod
    def input_type(tag: Tag) -> str:
        return str(tag.get("type", "")).strip().lower()

    @staticmethod
    def focusable(tag: Tag) -> bool:
        if tag.has_attr("disabled") and tag.name in ("button", "input", "select", "textarea"):
            return False
        if tag.has_attr("tabindex") and str(tag.get("tabindex")).strip().lstrip("-").isdigit():
            return True
        if tag.name in ("a", "area") and tag.has_attr("href"):
            return True
        if tag.name == "input":
            return Dom.input_type(tag) != "hidden"
        if tag.name in ("audio", "video"):
            return tag.has_attr("controls")
        return tag.name in ("button", "select", "textarea", "iframe", "summary") or \
            str(tag.get("contenteditable", "false")).lower() in ("", "true")

    def explicit_role(self, tag: Tag) -> str | None:
        """The first role token a browser recognises, or None."""
        value = tag.get("role")
        if not isinstance(value, str):
            return None
        for token in value.lower().split():
            if token in ROLES:
                return "img" if token == "image" else token
        return None

    @staticmethod
    def has_global_aria(tag: Tag) -> bool:
        return any(attr in ARIA_GLOBAL for attr in tag.attrs)

    def role(self, tag: Tag) -> str | None:
        explicit = self.explicit_role(tag)
        if explicit in ("none", "presentation"):
            if self.focusable(tag) or self.has_global_aria(tag):
                return self.implicit_role(tag)
            return "presentation"
        return explicit or self.implicit_role(tag)

    def implicit_role(self, tag: Tag) -> str | None:
        name = tag.name
        if name in ("a", "area"):
            return "link" if tag.has_attr("href") else None
        if name == "button":
            return "button"
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return "heading"
        if name == "img":
            alt = tag.get("alt")
            if isinstance(alt, str) and alt == "" and not self.has_global_aria(tag) and not self.focusable(tag):
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
                if tag.has_attr("list"):
                    return "combobox"
                if kind == "search":
                    return "searchbox"
                return "textbox"
            return None
        if name == "select":
            size = str(tag.get("size", "")).strip()
            if tag.has_attr("multiple") or (size.isdigit() and int(size) > 1):
                return "listbox"
            return "combobox"
        if name == "textarea":
            return "textbox"
        if name == "svg":
            return "graphics-document"
        return IMPLICIT_SIMPLE.get(name)

    # ------------------------------------------------------------------ names

    def has_name(self, tag: Tag) -> bool:
        """Whether the accessible name is non-empty. A shown element whose role takes its name from its
        content and that holds text directly has one whatever else names it (accname steps 2B-2F), so
        most links, buttons and headings are decided without computing the name."""
        label = tag.get("aria-label")
        if isinstance(label, str) and label.strip():
            return True
        if self.role(tag) in NAME_FROM_CONTENT and not self.hidden(tag):
            for child in tag.children:
                if type(child) is NavigableString and child.strip():
                    return True
        return bool(self.name(tag).strip())

    def name(self, tag: Tag) -> str:
        """The accessible name of `tag` (whitespace collapsed)."""
        key = id(tag)
        if key not in self._names:
            self._names[key] = " ".join(self._name(tag, root=tag, visited=set(), labelledby=False,
                                                   hidden_ok=False).split())
        return self._names[key]

    def _name(self, tag: Tag, *, root: Tag, visited: set[int], labelledby: bool, hidden_ok: bool) -> str:
        if id(tag) in visited:
            return ""
        visited.add(id(tag))
        if not hidden_ok and self.hidden(tag):
            return ""
        # 2B aria-labelledby (not followed twice)
        ids = tag.get("aria-labelledby")
        if isinstance(ids, str) and not labelledby:
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
        if isinstance(label, str) and label.strip():
            return label
        # 2D host language label
        if role != "presentation":
            native = self._native_name(tag, visited, hidden_ok)
            if native.strip():
                return native
        # 2F name from content
        if (role in NAME_FROM_CONTENT) or in_recursion or labelledby or tag.name in ("label", "legend", "caption",
                                                                                        "figcaption", "summary"):
            text = self._content(tag, root=root, visited=visited, hidden_ok=hidden_ok)
            if text.strip():
                return text
        # 2I tooltip, then the placeholder browsers fall back to
        for attr in ("title", "placeholder", "aria-placeholder"):
            value = tag.get(attr)
            if isinstance(value, str) and value.strip() and (attr == "title" or tag.name in ("input", "textarea")
                                                              or attr == "aria-placeholder"):
                return value
        return ""

    def _embedded_value(self, tag: Tag, role: str | None) -> str | None:
        if role == "textbox" and tag.name in ("input", "textarea"):
            return str(tag.get("value", "")) if tag.name == "input" else tag.get_text()
        if role in ("combobox", "listbox") and tag.name == "select":
            options = tag.find_all("option")
            chosen = [o for o in options if o.has_attr("selected")] or options[:1]
            return " ".join(o.get_text() for o in chosen)
        if role in ("slider", "spinbutton") and tag.name == "input":
            return str(tag.get("aria-valuetext") or tag.get("aria-valuenow") or tag.get("value", ""))
        return None

    def _native_name(self, tag: Tag, visited: set[int], hidden_ok: bool) -> str:
        name = tag.name
        if name in ("img", "area") or (name == "input" and self.input_type(tag) == "image"):
            alt = tag.get("alt")
            return alt if isinstance(alt, str) else ""
        if name == "input" and self.input_type(tag) in ("button", "submit", "reset"):
            value = tag.get("value")
            if isinstance(value, str):
                return value
            return {"submit": "Submit", "reset": "Reset"}.get(self.input_type(tag), "")
        if name in LABELABLE:
            parts = []
            ident = tag.get("id")
            labels = list(self.label_for.get(str(ident), [])) if isinstance(ident, str) and ident else []
            wrapping = tag.find_parent("label")
            if wrapping is not None and not wrapping.has_attr("for") and wrapping not in labels:
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
            title = tag.find("title", recursive=False)
            return title.get_text() if title else ""
        return ""

    def _first_child_text(self, tag: Tag, child: str, visited: set[int]) -> str:
        found = tag.find(child, recursive=False)
        return self._content(found, root=tag, visited=visited, hidden_ok=False) if found else ""

    def _content(self, tag: Tag, *, root: Tag, visited: set[int], hidden_ok: bool, skip: Tag | None = None) -> str:
        out: list[str] = []
        for child in tag.children:
            if isinstance(child, NavigableString):
                if type(child).__name__ in ("Comment", "CData", "ProcessingInstruction", "Doctype", "Declaration"):
                    continue
                out.append(str(child))
            elif isinstance(child, Tag):
                if child is skip or child.name in ALWAYS_HIDDEN or (not hidden_ok and self.hidden(child)):
                    continue  # `skip`: the control a wrapping label names is not part of its own name
                text = self._name(child, root=root, visited=visited, labelledby=False, hidden_ok=hidden_ok)
                if child.name in BLOCK_TAGS:
                    text = f" {text} "
                out.append(text)
        return "".join(out)


KNOWN_INPUT_TYPES = frozenset(("hidden", "text", "search", "tel", "url", "email", "password", "date", "month",
                               "week", "time", "datetime-local", "number", "range", "color", "checkbox",
                               "radio", "file", "submit", "image", "reset", "button"))
IMPLICIT_SIMPLE = {"nav": "navigation", "main": "main", "ul": "list", "ol": "list", "li": "listitem",
                   "table": "table", "form": "form", "dialog": "dialog", "iframe": None, "p": "paragraph",
                   "option": "option", "fieldset": "group", "figure": "figure", "article": "article",
                   "aside": "complementary", "hr": "separator", "progress": "progressbar", "meter": "meter",
                   "output": "status", "section": "region", "tr": "row", "td": "cell", "th": "columnheader",
                   "summary": "button", "math": "math"}


def dom_of(page) -> Dom:
    """The page's Dom, made once per parsed tree and dropped with it."""
    soup = page.soup
    cached = page.__dict__.get("a11y_dom")
    if cached is None or cached.soup is not soup:
        cached = Dom(soup)
        page.__dict__["a11y_dom"] = cached
    return cached
