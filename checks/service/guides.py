"""Reading one page as a 办事指南 (service guide): which key elements it gives, which it leaves blank.

Guides are written as 政务服务网 and portal CMSs write them: a table of label and value cells
(事项名称 | 居民身份证换领), a <dl> of <dt>/<dd>, a bold or heading label followed by its text, or a
paragraph that opens with the label and a colon (三、申请材料：…). The reader walks the page's shared
lxml tree once, outside the page furniture (header, navigation, footer: a footer's 联系电话 is not the
guide's) and outside links (a link titled 办理流程 is navigation). A row of labels heading a table
(事项名称 | 办理地点 | 承诺时限 over rows of 事项) is a list of guides, not a guide: its labels count for
nothing. Labels, placeholders and guide words are data: auditcli/core/knowledge/service.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from auditcli.core.knowledge import load
from auditcli.core.tree import Element, ancestors, css_path, meta_content, text_of
from checks.engine.listparse import is_furniture

BLOCK_TAGS = frozenset(("p", "div", "li", "dd", "td", "th", "dt", "h2", "h3", "h4", "h5", "h6", "section"))
LEAF_CHECK_TAGS = frozenset(("div", "p", "li", "table", "ul", "ol", "dl", "h2", "h3", "h4", "h5", "h6", "section"))
INLINE_LABEL_TAGS = frozenset(("strong", "b", "label", "span", "em", "font"))
CELL_TAGS = frozenset(("td", "th"))
HEADINGS = frozenset(("h2", "h3", "h4", "h5", "h6"))
NUMBERING = re.compile(r"^[\s*★●·•]*(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．:：]\s*|[①-⑳]\s*)?[\s*★]*")
OTHER = "_other"  # a label of another field (事项类型): it ends the value before it and counts for nothing
SIBLINGS_READ = 12  # blocks read after a label for its value, at most


@cache
def knowledge() -> dict:
    return load("service")


@cache
def _label_table() -> list[tuple[str, str]]:
    """(label, element) pairs, longest label first, so 服务事项名称 wins over 服务名称."""
    pairs = [(label, key) for key, spec in knowledge()["elements"].items() for label in spec["labels"]]
    pairs += [(label, OTHER) for label in knowledge()["other_labels"]]
    return sorted(pairs, key=lambda p: -len(p[0]))


@cache
def _label_scan() -> re.Pattern[str]:
    """Any label anywhere in the markup: the one scan that lets most pages end early."""
    return re.compile("|".join(re.escape(label) for label, key in _label_table() if key != OTHER))


@cache
def _placeholders() -> frozenset[str]:
    return frozenset(_squeeze(p) for p in knowledge()["placeholders"])


def element_keys() -> list[str]:
    return list(knowledge()["elements"])


def element_name(key: str, lang: str = "zh") -> str:
    return knowledge()["elements"][key][lang]


@dataclass
class Guide:
    """One guide page: its name, each element's value ("" when its label stands with nothing after it)."""

    url: str
    name: str
    values: dict[str, str] = field(default_factory=dict)
    blank: list[str] = field(default_factory=list)  # elements labelled but left empty (暂无, nothing, "-")
    selector: str | None = None

    @property
    def missing(self) -> list[str]:
        """Elements without a value, in the checklist's order: no label at all, or a label left blank."""
        return [key for key in element_keys() if not self.values.get(key)]

    @property
    def complete(self) -> bool:
        return not self.missing


def _squeeze(text: str) -> str:
    return "".join(text.split()).strip("。.;；,，").lower()


def label_of(text: str) -> tuple[str, str] | None:
    """(element, rest) when `text` opens with a label: the whole text a label (rest ""), or the label, a
    colon and its value. None for prose that merely names a label (群众办理时间缩短一半)."""
    stripped = NUMBERING.sub("", text, count=1).strip()
    if not stripped:
        return None
    limit = knowledge()["max_label_chars"]
    for label, key in _label_table():
        if not stripped.startswith(label):
            continue
        rest = stripped[len(label):]
        colon = re.match(r"^[^:：]{0,8}?[:：]", rest)
        if colon:
            return key, rest[colon.end():].strip()
        if len(stripped.rstrip("*＊ ")) <= limit and not re.search(r"[，。；,;]", rest):
            return key, ""
        return None
    return None


def _own_label(node: Element) -> tuple[str, str] | None:
    """The label a candidate element carries, if it is one: a cell, a <dt>, a heading, a leaf block
    opening with a label, or a bold label at the start of its block."""
    tag = node.tag
    if tag in INLINE_LABEL_TAGS:
        parent = node.getparent()
        if parent is None or (parent.text or "").strip() or node is not _first_element(parent):
            return None
    elif tag not in HEADINGS and any(child.tag in LEAF_CHECK_TAGS for child in node.iterdescendants()):
        return None  # a box of blocks (a layout cell, a panel): its own blocks carry the labels
    text = text_of(node)
    if not text or len(text) > 400:
        return None
    return label_of(text)


def _first_element(parent: Element) -> Element | None:
    return next((child for child in parent if isinstance(child.tag, str)), None)


def _blocked(node: Element) -> bool:
    """Inside a link or the page furniture: no guide label there."""
    return any(a.tag == "a" or is_furniture(a) for a in ancestors(node)) or is_furniture(node)


def _value_after(node: Element, rest: str) -> tuple[str, bool]:
    """(text, carries a link) of the value a label stands for; a label block alone in its cell
    (<td><p>办理地点</p></td>) reads the cells after it."""
    value = _value_of(node, rest)
    parent = node.getparent()
    if not value[0] and parent is not None and parent.tag in (*CELL_TAGS, "dt") and text_of(parent) == text_of(node):
        return _value_of(parent, "")
    return value


def _value_of(node: Element, rest: str) -> tuple[str, bool]:
    if rest:
        parent = node.getparent() if node.tag in INLINE_LABEL_TAGS else node
        return rest, parent is not None and parent.find(".//a[@href]") is not None
    if node.tag in CELL_TAGS:
        return _cells_after(node)
    if node.tag == "dt":
        return _siblings_text(node, stop_tags=("dt",))
    if node.tag in INLINE_LABEL_TAGS:
        parent = node.getparent()
        label_text = text_of(node)
        after = text_of(parent)[len(label_text):].strip() if parent is not None else ""
        if after:
            return after, parent.find(".//a[@href]") is not None
        node = parent if parent is not None else node
    return _siblings_text(node)


def _cells_after(cell: Element) -> tuple[str, bool]:
    """The cells after a label cell up to the next label cell; a label cell alone in its row reads the next row."""
    texts, link = [], False
    followers = [s for s in cell.itersiblings() if s.tag in CELL_TAGS]
    for sibling in followers:
        if _own_label(sibling):
            break
        texts.append(text_of(sibling))
        link = link or sibling.find(".//a[@href]") is not None
    if not followers:
        row = cell.getparent()
        nxt = next((r for r in row.itersiblings() if r.tag == "tr"), None) if row is not None else None
        if nxt is not None and not any(_own_label(c) for c in nxt if c.tag in CELL_TAGS):
            return text_of(nxt), nxt.find(".//a[@href]") is not None
    return " ".join(t for t in texts if t), link


def _siblings_text(node: Element, stop_tags: tuple[str, ...] = ()) -> tuple[str, bool]:
    """The text of the blocks after `node` up to the next label or heading."""
    texts, link = [], False
    for count, sibling in enumerate(node.itersiblings()):
        if count >= SIBLINGS_READ or not isinstance(sibling.tag, str) or sibling.tag in stop_tags:
            break
        if sibling.tag in ("h1", "h2", "h3", "h4", "h5", "h6") or _carries_label(sibling):
            break
        texts.append(text_of(sibling))
        link = link or sibling.tag == "a" or sibling.find(".//a[@href]") is not None
    return " ".join(t for t in texts if t), link


def _carries_label(node: Element) -> bool:
    """Does a block open with a label (itself, or its first element: <p><strong>办理时间</strong>…)?"""
    if _own_label(node) is not None:
        return True
    first = _first_element(node)
    return first is not None and not (node.text or "").strip() and _own_label(first) is not None


def _header_row(cell: Element) -> bool:
    """A table row of labels (事项名称 | 办理地点 | 承诺时限) heads a list of 事项: a cell followed straight
    by another label cell is a column heading."""
    nxt = next((s for s in cell.itersiblings() if s.tag in CELL_TAGS), None)
    return nxt is not None and _own_label(nxt) is not None


def is_blank(value: str, has_link: bool) -> bool:
    """A value that says nothing: empty, a placeholder (暂无, "-", 待补充), or 详见附件 without any attachment."""
    squeezed = _squeeze(value)
    if not squeezed or squeezed in _placeholders():
        return True
    if any(squeezed.startswith(p) for p in ("暂无", "待补充", "待完善")):
        return True
    words = knowledge()["reference_words"]
    return not has_link and any(squeezed.startswith(w) for w in words) and len(squeezed) <= 12


def _says_guide(root: Element) -> bool:
    k = knowledge()
    title = next(root.iter("title"), None)
    h1 = next(root.iter("h1"), None)
    heads = [text_of(title) if title is not None else "", text_of(h1) if h1 is not None else "",
             meta_content(root, "ColumnName") or "", meta_content(root, "ArticleTitle") or ""]
    crumbs = [text_of(n) for n in root.iter("div", "nav", "p") if any(w in (n.get("class") or "").lower()
                                                                      for w in ("crumb", "position", "location", "dqwz"))]
    return any(word in head for head in heads + crumbs[:2] for word in k["guide_words"])


def _guide_name(root: Element) -> str:
    name = meta_content(root, "ArticleTitle")
    if name:
        return name
    h1 = next((h for h in root.iter("h1") if text_of(h) and not _blocked(h)), None)
    if h1 is not None:
        return text_of(h1)
    title = next(root.iter("title"), None)
    return re.split(r"[_|－—-]", text_of(title))[0].strip() if title is not None else ""


def read_guide(html: str, url: str, root: Element) -> Guide | None:
    """The guide a page is, or None: labels of at least `min_elements` elements on a page that says it is a
    guide, or of `min_elements_unnamed` on any page. Reads `root` (the shared tree) only."""
    k = knowledge()
    if not _enough_labels(html, k["min_elements"]):
        return None  # most pages end at this one scan of the markup
    body = root.find("body")
    if body is None:
        return None
    found: dict[str, list[tuple[str, bool]]] = {}
    first: Element | None = None
    for node in body.iter(*BLOCK_TAGS, *INLINE_LABEL_TAGS):
        label = _own_label(node)
        if label is None or _blocked(node):
            continue
        key, rest = label
        if key == OTHER:
            continue
        if node.tag in CELL_TAGS and not rest and _header_row(node):
            continue
        found.setdefault(key, []).append(_value_after(node, rest))
        first = first if first is not None else node
    named = _says_guide(root)
    if len(found) < (k["min_elements"] if named else k["min_elements_unnamed"]):
        return None
    guide = Guide(url=url, name=_guide_name(root), selector=css_path(first) if first is not None else None)
    for key, values in found.items():
        good = next((v for v, link in values if not is_blank(v, link)), "")
        guide.values[key] = good
        if not good:
            guide.blank.append(key)
    if guide.values.get("name"):
        guide.name = guide.values["name"]
    elif "name" not in found and guide.name:
        guide.values["name"] = guide.name  # the guide's heading names the item: an inspector reads it there
    return guide


def _enough_labels(html: str, wanted: int) -> bool:
    """Does the markup name labels of `wanted` distinct elements? Stops at the `wanted`-th."""
    keys: set[str] = set()
    for m in _label_scan().finditer(html):
        keys.update(_keys_of(m.group(0)))
        if len(keys) >= wanted:
            return True
    return False


@cache
def _keys_of(label: str) -> tuple[str, ...]:
    return tuple(key for text, key in _label_table() if text == label and key != OTHER)
