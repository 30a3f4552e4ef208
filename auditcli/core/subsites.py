"""Read a county portal's lists of township (乡镇/街道) and department (部门) sites, and judge each entry.

Portals list their sub-sites in footer drop-downs (`<select onchange="window.open(this.value)">`
whose options' values are URLs), in link blocks headed 乡镇街道 / 县直部门 / 网站群 / 友情链接, in menus
a script writes (document.write, or an array of {name, url}), and on a 网站群 page the home page
links. This module reads those (pure functions on the text of a fetched page, on lxml's tree) and
decides for each link: a township, a department, the county itself, not a sub-site (a national or
provincial portal, the city, a news site, 12345), or undecided. The names and words it goes by are
in auditcli/core/knowledge/subsites.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from auditcli.core import knowledge, tree
from auditcli.core.urls import clean_url, ip_literal, join_url, normalise_url, registered_domain

HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6", "dt", "strong", "b", "label", "caption", "legend"))
HEADING_CLASS = re.compile(r"(?:^|[-_])(?:title|tit|bt|hd|head|header|name|tab|biaoti)(?:$|[-_\d])", re.I)
MAX_HEADING = 16
BRACKETED = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
ARTICLE_URL = re.compile(r"(?:/t\d{8}_\d+|/art/\d{4}/|/content_\d+|/\d{6}/\w+\.s?html?$|/\d{4}-\d{2}/|[?&](?:id|articleid|contentid)=\d)", re.I)
INDEX_LEAF = re.compile(r"^(?:index|default|main)\.(?:s?html?|jsp|php|aspx?)$", re.I)
# Script-built menus: {name: "教育局", url: "http://…"} (either order), ["教育局", "http://…"], new Option("教育局", "http://…").
_S = r"""(['"])((?:(?!\1)[^\\\n]|\\.)*)\1"""
JS_NAME_URL = re.compile(r"\b(?:name|title|text|label|n|mc)\s*:\s*" + _S + r"""[^{}]{0,80}?\b(?:url|href|link|value|u|dz)\s*:\s*"""
                         + _S.replace(r"\1", r"\3"), re.S)
JS_URL_NAME = re.compile(r"\b(?:url|href|link|value|u|dz)\s*:\s*" + _S + r"""[^{}]{0,80}?\b(?:name|title|text|label|n|mc)\s*:\s*"""
                         + _S.replace(r"\1", r"\3"), re.S)
JS_PAIR = re.compile(r"""(?:\[|new\s+Option\()\s*""" + _S + r"""\s*,\s*""" + _S.replace(r"\1", r"\3") + r"""\s*[\])]""")
URLISH = re.compile(r"^(?:https?:)?//|^/|^\./|^\.\./|^[\w.-]+\.(?:gov\.cn|com|cn|net|org)(?:/|$)", re.I)


@cache
def rules() -> dict[str, Any]:
    return knowledge.load("subsites")


# -- what a page lists ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Link:
    """One entry of a list on a page: its name as the portal writes it and where it points."""

    name: str
    url: str
    heading: str      # the list's heading ("" when none was found)
    how: str          # select | link | script
    page: str         # the page (or script) it was read on


def read_page(url: str, text: str, content_type: str = "") -> list[Link]:
    """Every named link of a page, a script file or the markup its scripts write."""
    if _is_script(url, content_type):
        return list(_script_links(text, url, url))
    root = tree.parse(text)
    links = list(_tree_links(root, url, how=None))
    written = tree.written_markup(root)
    if written:
        links += _tree_links(tree.parse(written), url, how="script")
    for script in root.iter("script"):
        if not script.get("src") and script.text:
            links += _array_links(script.text, url, url)
    return links


def _is_script(url: str, content_type: str) -> bool:
    return "javascript" in content_type.lower() or urlsplit(url).path.lower().endswith(".js")


def _script_links(code: str, base: str, page: str) -> Iterator[Link]:
    markup = tree.script_markup(code)
    if markup:
        yield from _tree_links(tree.parse(markup), base, how="script", page=page)
    yield from _array_links(code, base, page)


def _array_links(code: str, base: str, page: str) -> Iterator[Link]:
    for pattern, name_at, url_at in ((JS_NAME_URL, 2, 4), (JS_URL_NAME, 4, 2), (JS_PAIR, 2, 4)):
        for match in pattern.finditer(code):
            name, raw = match.group(name_at).strip(), match.group(url_at).strip()
            if pattern is JS_PAIR and not URLISH.match(raw):
                continue
            url = join_url(base, raw)
            if name and url:
                yield Link(name, url, "", "script", page)


def _tree_links(root, base: str, how: str | None, page: str | None = None) -> Iterator[Link]:
    page = page or base
    written_base = root.find(".//base")
    if written_base is not None and written_base.get("href"):
        base = join_url(base, written_base.get("href")) or base
    for select in root.iter("select"):
        yield from _select_links(select, base, how or "select", page)
    for anchor in root.iter("a", "area"):
        href = (anchor.get("href") or "").strip()
        if not href or href.lower().startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = join_url(base, href)
        name = _name_of(anchor)
        if url and name:
            yield Link(name, url, heading_of(anchor), "link", page)  # a written link is in a list only by its heading


def _name_of(node) -> str:
    name = " ".join(tree.text_of(node).split()) or (node.get("title") or "").strip()
    if not name:
        name = " ".join((img.get("alt") or "").strip() for img in node.iter("img")).strip()
    return name


def _select_links(select, base: str, how: str, page: str) -> Iterator[Link]:
    heading = (select.get("title") or select.get("aria-label") or "").strip()
    for option in select.iter("option"):
        value = (option.get("value") or option.get("data-url") or "").strip()
        name = " ".join(tree.text_of(option).split())
        group = option.getparent()
        label = group.get("label", "").strip() if group is not None and group.tag == "optgroup" else ""
        if not URLISH.match(value):
            if name and not heading and not label:
                heading = name.strip("-=—请选择：: ")  # the first option names the menu: "--县直部门--"
            continue
        url = join_url(base, value)
        if url and name:
            yield Link(name, url, label or heading or heading_of(select), how, page)


def heading_of(node) -> str:
    """The short text that heads the list holding `node`: an element before its branch in one of its
    nearest ancestors (a <h2>, a .title div, a <dt>), or the rest of its own heading element."""
    parent = node.getparent()
    if parent is not None and (parent.tag in HEADING_TAGS or _heading_like(parent)):
        own = " ".join((tree.text_of(parent).replace(tree.text_of(node), " ")).split())
        if 0 < len(own) <= MAX_HEADING:
            return own
    branch = node
    for depth, ancestor in enumerate(tree.ancestors(node)):
        if depth >= 5 or ancestor.tag in ("body", "html"):
            break
        found = ""
        for child in ancestor:
            if child is branch:
                break
            if isinstance(child.tag, str) and (child.tag in HEADING_TAGS or _heading_like(child)):
                text = " ".join(tree.text_of(child).split())
                if 0 < len(text) <= MAX_HEADING + 8:
                    found = text
        if found:
            return _without_more(found)
        branch = ancestor
    return ""


def _heading_like(node) -> bool:
    if node.tag in ("ul", "ol", "li", "a", "select", "option", "table", "tr", "td", "script", "form"):
        return False
    return any(HEADING_CLASS.search(token) for token in tree.classes(node)) or (node.get("id") or "").lower() in (
        "title", "tit", "bt")


def _without_more(text: str) -> str:
    for word in sorted(rules()["more_link_words"], key=len, reverse=True):
        text = text.replace(word, " ")
    return " ".join(text.replace(">", " ").replace("》", " ").split())[:MAX_HEADING]


def list_kind(heading: str) -> str | None:
    """township | department | mixed (a list that may hold both, or anything) | None (not a sub-site list)."""
    if not heading or any(word in heading for word in rules()["news_heading_words"]):
        return None
    words = rules()["list_headings"]
    township = any(word in heading for word in words["township"])
    department = any(word in heading for word in words["department"])
    if township and department:
        return "mixed"
    if township or department:
        return "township" if township else "department"
    return "mixed" if any(word in heading for word in words["mixed"]) else None


# -- which pages to read next ----------------------------------------------------------------------------

def pages_to_follow(url: str, text: str, content_type: str, portal: str) -> list[str]:
    """From a page of the portal: the pages that list sub-sites (网站群, 部门网站, a list's 更多 link) and the
    portal's scripts and frames that may write a link menu, index pages first."""
    if _is_script(url, content_type) or not text:
        return []
    root = tree.parse(text)
    words = rules()["index_link_words"]
    index, scripts = [], []
    for anchor in root.iter("a"):
        target = join_url(url, anchor.get("href") or "")
        if not target or not _same_portal(target, portal):
            continue
        name = _name_of(anchor)
        names_a_list = any(word in name for word in words) and len(name) <= MAX_HEADING
        if names_a_list or (_is_more(name) and list_kind(heading_of(anchor)) is not None):
            index.append(target)
    for node in root.iter("script", "iframe", "frame"):
        target = join_url(url, node.get("src") or "")
        if target and urlsplit(target).netloc.lower() == urlsplit(portal).netloc.lower():
            leaf = urlsplit(target).path.rsplit("/", 1)[-1].lower()
            if any(word in leaf for word in rules()["script_name_words"]):
                scripts.append(target)
    return list(dict.fromkeys(index + scripts))


def _is_more(name: str) -> bool:
    """A list's "更多>>" link."""
    bare = name.lower().replace(">", "").replace("》", "").replace("+", "").strip()
    return bare in rules()["more_link_words"]


def _same_portal(url: str, portal: str) -> bool:
    host, home = (urlsplit(url).hostname or "").lower(), (urlsplit(portal).hostname or "").lower()
    if host == home:
        return urlsplit(url).port == urlsplit(portal).port
    domain = registered_domain(home)
    return domain is not None and registered_domain(host) == domain


# -- judging each link -------------------------------------------------------------------------------------

@dataclass
class Entry:
    """A link judged: kept as a sub-site (level set), undecided, or left out (why)."""

    name: str
    url: str
    level: str | None
    link: Link
    notes: list[str] = field(default_factory=list)
    left_out: str | None = None   # why it is not a sub-site


@dataclass
class Draft:
    county_name: str
    county_url: str
    sites: list[Entry]
    undecided: list[Entry]
    left_out: list[Entry]


def strip_name(name: str) -> str:
    """The name without spaces, bracketed parts and endings such as 人民政府 or 门户网站."""
    bare = BRACKETED.sub("", re.sub(r"\s+", "", name)).strip("·-—_|:：>》«»")
    endings = sorted(rules()["name_endings"], key=len, reverse=True)
    while True:  # 某某县人民政府门户网站 → 某某县人民政府 → 某某县
        ending = next((e for e in endings if bare.endswith(e) and len(bare) > len(e)), None)
        if ending is None:
            return bare
        bare = bare[: -len(ending)]


def name_level(name: str) -> str | None:
    """township | department | government (another government, of this level or higher) | None."""
    bare = strip_name(name)
    levels = rules()["levels"]
    for level in ("township", "department"):
        if any(bare.endswith(suffix) and len(bare) > len(suffix) for suffix in levels[level]):
            return level
    if any(bare.endswith(suffix) for suffix in rules()["other_governments"]):
        return "government"
    return None


def place_of(name: str) -> str | None:
    """The place name a name starts with (示例县 in 示例县教育局, 乌拉特中旗 in 乌拉特中旗教育局), or None."""
    bare = strip_name(name)
    endings = "|".join(sorted(rules()["place_endings"], key=len, reverse=True))
    match = re.match(rf"^(.{{2,10}}?(?:{endings}))", bare)
    if match is None or any(match.group(1).endswith(word) for word in rules()["not_places"]):
        return None
    return match.group(1)


def judge(links: list[Link], county_url: str, county_name: str, start_page: str) -> Draft:
    """Each distinct link judged once (the first list that names it wins)."""
    county_place = place_of(county_name) or strip_name(county_name)
    home = normalise_url(county_url)
    sites: list[Entry] = []
    undecided: list[Entry] = []
    left_out: list[Entry] = []
    seen: set[str] = set()
    for link in links:
        entry = _judge_one(link, county_url, county_place, start_page)
        if entry is None:
            continue
        key = normalise_url(entry.url)
        if key in seen or key == home:
            continue
        seen.add(key)
        if entry.left_out:
            left_out.append(entry)
        elif entry.level is None:
            undecided.append(entry)
        else:
            sites.append(entry)
    return Draft(county_name, county_url, sites, undecided, left_out)


def _judge_one(link: Link, county_url: str, county_place: str, start_page: str) -> Entry | None:
    parts, portal = urlsplit(link.url), urlsplit(county_url)
    host = (parts.hostname or "").lower()
    name = link.name.strip()
    if not name or len(strip_name(name)) > rules()["max_name_length"] or _is_more(name):
        return None
    on_portal = parts.netloc.lower() == portal.netloc.lower()
    listed = list_kind(link.heading) is not None or link.how != "link"   # in a list, a menu or a script's menu
    in_list = listed or link.page != start_page                          # or on a page of sub-site lists
    excluded = _excluded(name, host)
    if excluded:
        return Entry(name, link.url, None, link, left_out=excluded) if in_list else None  # badges, beian: not listed
    level = name_level(name)
    place = place_of(name)
    if level == "government" or (level and place and place != county_place and county_place not in place):
        if on_portal or place == county_place or strip_name(name) == county_place:
            return None  # the county itself, or one of its columns (走进示例县)
        why = ("another government's site (of this level or higher)" if level == "government"
               else f"a site of another government ({place})")
        return Entry(name, link.url, None, link, left_out=why) if in_list else None
    if on_portal:
        return _column_tree(link, name, level, listed)
    kind = list_kind(link.heading)
    if level is None and kind in ("township", "department"):
        return Entry(name, clean_url(link.url), kind, link,
                     notes=[f"level from the list heading 「{link.heading}」: the name does not say it"])
    if level is None:
        if not in_list:
            return None
        if _related(host, portal.hostname or ""):
            return Entry(name, clean_url(link.url), None, link,
                         notes=["the name says neither a township nor a department"])
        return Entry(name, link.url, None, link, left_out="not a township or department name, on another domain")
    return Entry(name, clean_url(link.url), level, link)


def _column_tree(link: Link, name: str, level: str | None, listed: bool) -> Entry | None:
    """A link on the portal's own host: a sub-site only when a list or menu names it (else it is one of
    the county's columns, such as 新闻中心), as the directory its pages live under."""
    kind = list_kind(link.heading)
    if not listed or ARTICLE_URL.search(urlsplit(link.url).path + "?" + urlsplit(link.url).query):
        return None
    if level is None and kind in ("township", "department"):
        level = kind
    elif level is None:
        return None  # one of the county's own columns, listed beside its sub-sites
    parts = urlsplit(link.url)
    path = parts.path or "/"
    leaf = path.rsplit("/", 1)[-1]
    if path == "/" or (INDEX_LEAF.match(leaf) and path.count("/") == 1):
        return None  # the portal's home page
    if path.endswith("/") or INDEX_LEAF.match(leaf):
        prefix = path if path.endswith("/") else path[: -len(leaf)]
        return Entry(name, f"{parts.scheme}://{parts.netloc}{prefix}", level, link,
                     notes=["a column tree on the county portal"])
    if "." not in leaf:
        return Entry(name, f"{parts.scheme}://{parts.netloc}{path}/", level, link,
                     notes=["a column tree on the county portal"])
    return Entry(name, clean_url(link.url), None, link,
                 notes=[f"a single page on the county portal ({level}): its column tree could not be told; "
                        "give the directory its pages live under"])


def _excluded(name: str, host: str) -> str | None:
    bare = re.sub(r"\s+", "", name)
    if any(word in bare for word in rules()["excluded_names"]):
        return "a national, provincial, registration, hotline or news site"
    for excluded in rules()["excluded_hosts"]:
        if host == excluded or host.endswith("." + excluded):
            return f"not a sub-site ({excluded})"
    if host.split(".", 1)[0] in rules()["excluded_host_labels"]:
        return f"not a sub-site ({host})"
    return None


def _related(host: str, portal_host: str) -> bool:
    """A host of the county's own domain (jyj.x.gov.cn beside www.x.gov.cn), or the same IP."""
    if ip_literal(host) is not None or ip_literal(portal_host) is not None:
        return host == portal_host
    domain = registered_domain(portal_host)
    return domain is not None and registered_domain(host) == domain
