"""Lists filled by script: the signs that a list page's items come from a script or a frame, and the
items of the JSON such a page fetched in browser mode.

Many portals on 集约化 platforms ship a list page whose list box is empty in the HTML: a `fetch()`/`$.ajax`
call, a Vue or React app, a `document.write` loop or an iframe fills it in the reader's browser. Read
statically, such a page looks like an empty column (空白栏目) — a false veto. checks.engine.listparse asks this
module whether an empty list page shows one of these signs; the column is then "needs-browser" until
browser mode renders it (docs/SPEC.md §6). The signs are knowledge, kept in columns.yaml `script_lists`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import cache, lru_cache
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from auditcli.core.knowledge import load
from auditcli.core.urls import join_url, normalise_url
from checks.engine import dates as D

CHINA = timezone(timedelta(hours=8))  # an epoch timestamp in a portal's JSON is dated in Beijing time
ID_REFS = re.compile(r"""getElementById\(\s*["']([\w-]+)|["']#([A-Za-z][\w-]*)""")
CLASS_REFS = re.compile(r"""getElementsByClassName\(\s*["']([\w-]+)|["']\.([A-Za-z][\w-]*)""")
JSONP = re.compile(r"^\s*[\w$.]+\s*\(\s*(.*?)\s*\)\s*;?\s*$", re.S)
MAX_JSON_ITEMS = 2000
CACHED_SCRIPT_CHARS = 8192  # longer scripts are searched anew each time (the cache holds at most ~2 M characters)


@cache
def knowledge() -> dict[str, Any]:
    return load("columns")["script_lists"]


@cache
def _patterns(name: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in knowledge()[name]))


@dataclass(frozen=True, slots=True)
class PageScript:
    """An inline script of a page that loads, writes or mounts content (never one of the page furniture's)."""

    call: str  # the call that says so, as written: "$.ajax({", "document.write("
    text: str
    in_list_box: bool  # it sits inside the page's list box: a document.write list


def page_script(text: str, in_list_box: Callable[[], bool]) -> PageScript | None:
    """The script as a possible list filler, or None for one that loads nothing of the page's own
    (statistics, share buttons) or calls nothing that fills a page. Where it sits (`in_list_box`) is asked
    only of a script that fills something: every page has scripts, few of them fillers."""
    call = _cached_fill_call(text) if len(text) <= CACHED_SCRIPT_CHARS else _fill_call(text)
    if call is None:
        return None
    return PageScript(call=call, text=text, in_list_box=in_list_box())


def _fill_call(text: str) -> str | None:
    """The call by which a script loads, writes or mounts content, as written; None for an ignored script."""
    if any(word in text for word in knowledge()["ignored_scripts"]):
        return None
    found = _patterns("framework_calls").search(text) or _patterns("loader_calls").search(text)
    return " ".join(found.group(0).split()) if found is not None else None


# A site's pages share their template's scripts (menus, pagers, statistics), and the call patterns cost
# ~0.1 ms a script to search: each script text is searched once, up to a bounded memory.
_cached_fill_call = lru_cache(maxsize=256)(_fill_call)


def is_template_script(script_type: str, text: str) -> bool:
    """<script type="text/html"> holding a list template (art-template, jsrender): rows written by script."""
    return script_type.lower() in knowledge()["template_script_types"] and bool(
        re.search(r"<(?:li|a|tr|dd)\b", text, re.I) or re.search(knowledge()["template_text"], text))


def template_in_content(body: HtmlElement, text: str) -> str | None:
    """A client-side template left in the page's content (v-for, ng-repeat, {{ item.title }}), as evidence."""
    attributes = knowledge()["template_attributes"]
    for tag in body.iter(etree.Element):
        if tag is body:
            continue
        for name, value in tag.items():
            if name in attributes:
                return f'<{tag.tag} {name}="{value[:40]}">'
    found = re.search(knowledge()["template_text"], text)
    return found.group(0) if found else None


def _targets(text: str) -> Iterator[tuple[str, str]]:
    """("id" | "class", name) of the elements a script names."""
    for m in ID_REFS.finditer(text):
        yield "id", m.group(1) or m.group(2)
    for m in CLASS_REFS.finditer(text):
        yield "class", m.group(1) or m.group(2)


def script_fill(body: HtmlElement, text: str, scripts: list[PageScript], template_scripts: int,
                fills_list: Callable[[HtmlElement], bool]) -> str | None:
    """Evidence that a page without list rows has its list filled by script, or None.

    `body` is the page's content (furniture already cut), `text` its text; `fills_list(tag)` says whether
    an element a script names can hold the page's list (a list box, a box holding one, an empty mount
    point). Signs, strongest first: a client-side template in the content; a loader script inside the
    list box (document.write rows); a loader or application script naming an element of the content
    that holds the list; a template script beside a loader script."""
    left = template_in_content(body, text)
    if left:
        return f"列表模板 {left}"
    for script in scripts:
        if script.in_list_box:
            return f"列表框内脚本 {script.call}"
    for script in scripts:
        for kind, name in _targets(script.text):
            element = _named(body, kind, name)
            if element is not None and fills_list(element):
                sign = "#" if kind == "id" else "."
                return f"脚本 {script.call} 填充 {sign}{name}"
    if template_scripts and scripts:
        return f"模板脚本与 {scripts[0].call}"
    return None


def _named(body: HtmlElement, kind: str, name: str) -> HtmlElement | None:
    """The first element below `body` with this id, or with this class among its classes."""
    for element in body.iter(etree.Element):
        if element is body:
            continue
        if kind == "id":
            if element.get("id") == name:
                return element
        elif name in (element.get("class") or "").split():
            return element
    return None


# ------------------------------------------------------------------------------------------ JSON
@dataclass
class JsonItems:
    """The items of the list responses a rendered page fetched: their dates by title and by URL."""

    by_title: dict[str, date]
    by_url: dict[str, date]  # normalised absolute URLs

    def date_of(self, title: str, url: str) -> date | None:
        return self.by_url.get(normalise_url(url)) or self.by_title.get(_title_key(title))


def _title_key(title: str) -> str:
    return "".join(title.split())[:60]


def json_items(responses: list[tuple[str, str]], as_of: date | None = None) -> JsonItems:
    """Titles and dates of every item in the (response URL, JSON or JSONP body) pairs: objects carrying a
    title field and a date field (names from columns.yaml; a date string or an epoch timestamp)."""
    items = JsonItems({}, {})
    for source, body in responses:
        data = _load(body)
        if data is None:
            continue
        for title, when, url in _walk(data):
            if when is None or (as_of is not None and when > as_of + timedelta(days=1)):
                continue
            items.by_title.setdefault(_title_key(title), when)
            absolute = join_url(source, url) if url else None
            if absolute:
                items.by_url.setdefault(normalise_url(absolute), when)
    return items


def _load(body: str) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        wrapped = JSONP.match(body)
        if wrapped is None:
            return None
        try:
            return json.loads(wrapped.group(1))
        except ValueError:
            return None


def _walk(data: Any) -> Iterator[tuple[str, date | None, str | None]]:
    """(title, date, url) of each object in the JSON tree that has a title; breadth first, bounded."""
    k = knowledge()
    title_keys, date_keys, url_keys = (set(k[name]) for name in ("json_title_keys", "json_date_keys", "json_url_keys"))
    queue, seen = [data], 0
    while queue and seen < MAX_JSON_ITEMS:
        node = queue.pop(0)
        seen += 1
        if isinstance(node, list):
            queue.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        fields = {str(key).lower().replace("_", ""): value for key, value in node.items()}
        title = next((v for key, v in fields.items() if key in title_keys and isinstance(v, str) and v.strip()), None)
        if title is not None:
            when = next((d for key, v in fields.items() if key in date_keys and (d := _json_date(v))), None)
            url = next((v for key, v in fields.items() if key in url_keys and isinstance(v, str)), None)
            yield title.strip(), when, url
        queue.extend(v for v in node.values() if isinstance(v, (dict, list)))


def _json_date(value: Any) -> date | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        seconds = value / 1000 if value > 10**11 else value  # milliseconds (JavaScript) or seconds
        if 10**8 < seconds < 10**10:
            return datetime.fromtimestamp(seconds, CHINA).date()
        return None
    if isinstance(value, str):
        found = list(D.iter_full_dates(value))
        return found[0][0] if found else None
    return None
