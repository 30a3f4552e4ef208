"""Frames (issue 24 item 1): axe-core runs in every frame in browser mode (same-origin lists, a
cross-origin video player, a frame in a frame), its best-practice rules come out at review level,
and the static pass audits a stored same-site iframe's document as part of the page that embeds it,
reporting its barriers once, on that page."""

from __future__ import annotations

import contextlib
import time
from datetime import date
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from auditcli.core.models import SiteConfig
from auditcli.stores.pagestore import Link, PageStore, StoredPage
from checks.a11y.axe import axe_findings
from checks.engine.registry import all_checks
from checks.engine.runner import run_site
from checks.engine.siteview import SiteView
from spiders.render import RenderOptions, chromium_path, render_pages
from tests.conftest import local_server

HOME = "http://www.wjw.shili.gov.cn/"
# a 开普云 集约化 column page: the column's list is a separate document shown in an <iframe>
COLUMN = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>健康科普_示例市卫生健康委员会</title><meta name="ColumnName" content="健康科普"></head><body>
<div class="topbar">今天是：<span id="today"></span></div>
<div class="header"><h1><img src="/images/logo.png" alt="示例市卫生健康委员会"></h1></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/jkkp/">健康科普</a></li></ul></div>
<div class="main"><div class="location">当前位置：<a href="/">首页</a> &gt; 健康科普</div>
<div class="list-box"><h2>健康科普</h2>
<iframe src="{frame}" title="健康科普列表" class="list-frame" width="100%" height="600" frameborder="0"
 scrolling="no"></iframe></div>{extra}</div>
<div class="footer"><p>主办：示例市卫生健康委员会　网站标识码：1504000002</p></div>
</body></html>"""
# the framed list as the platform writes it: a bare document, no lang, an empty <title>, a list icon without alt
BARE_LIST = """<html><head><meta charset="utf-8"><title></title></head><body>
<ul class="list">
<li><img src="/images/dot.gif"><a href="./202611/t20261118_1031.html" title="冬季流感预防知识">冬季流感预防知识</a>
<span>2026-11-18</span></li>
<li><img src="/images/dot.gif"><a href="./202611/t20261112_1029.html" title="科学健身指南">科学健身指南</a>
<span>2026-11-12</span></li>
</ul></body></html>"""
# the same list written to pass: lang, a title, decorative icons marked so
GOOD_LIST = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>健康科普列表</title></head><body>
<ul class="list">
<li><img src="/images/dot.gif" alt=""><a href="./202611/t20261118_1031.html">冬季流感预防知识</a><span>2026-11-18</span></li>
<li><img src="/images/dot.gif" alt=""><a href="./202611/t20261112_1029.html">科学健身指南</a><span>2026-11-12</span></li>
</ul></body></html>"""


def _site(tmp_path: Path, pages: dict[str, str], links: list[tuple[str, str, str]]) -> SiteView:
    store = PageStore(tmp_path / "pages.sqlite")
    store.register_site("wjw", {"id": "wjw", "name": "示例市卫生健康委员会", "url": HOME})
    for url, html in pages.items():
        store.add_page(StoredPage("wjw", url, url, 200, {"content-type": "text/html; charset=utf-8"},
                                  html.encode("utf-8"), "utf-8", "text/html; charset=utf-8", "page", 1, None,
                                  0.01, time.time()))
    store.add_links("wjw", [Link(src, dst, "", tag, True, "page") for src, dst, tag in links])
    store.commit()
    return SiteView(SiteConfig(id="wjw", name="示例市卫生健康委员会", url=HOME), store, date(2026, 11, 20), {})


def _a11y(site: SiteView) -> list:
    specs = [s for s in all_checks() if s.dimension == "accessibility"]
    return [f for f in run_site(site, specs).findings if f.check.startswith("a11y.")]


# ------------------------------------------------------------------- the static pass: same-site frames


def test_a_framed_lists_barriers_are_reported_once_on_the_page_that_embeds_it(tmp_path):
    column, column_2, frame = HOME + "jkkp/index.html", HOME + "jkkp/index_1.html", HOME + "jkkp/list_frame.html"
    site = _site(tmp_path, {column: COLUMN.format(frame="list_frame.html", extra=""),
                            column_2: COLUMN.format(frame="list_frame.html", extra=""), frame: BARE_LIST},
                 [(column, frame, "iframe"), (column_2, frame, "iframe"), (column, column_2, "a")])
    found = _a11y(site)
    in_frame = [f for f in found if f.data.get("frame_url") == frame]
    # each barrier of the frame's document once, on the first page embedding it, by the frame path
    assert sorted((f.check, f.url) for f in in_frame) == [
        ("a11y.document-title", column), ("a11y.html-lang", column),
        ("a11y.image-alt", column), ("a11y.image-alt", column)]
    lang = next(f for f in in_frame if f.check == "a11y.html-lang")
    assert lang.selector == "body > div.main > div.list-box > iframe.list-frame >>> html"
    assert lang.data["embedded_in"] == [column, column_2]
    assert "list_frame.html" in lang.message and lang.severity != "info"
    # the frame's document carries nothing of its own: no <h1> is asked of a list inside a page
    assert not [f for f in found if f.url == frame]
    assert not [f for f in found if f.check == "a11y.page-heading-missing"]


def test_a_framed_list_built_to_pass_adds_nothing(tmp_path):
    column, frame = HOME + "jkkp/index.html", HOME + "jkkp/list_frame.html"
    site = _site(tmp_path, {column: COLUMN.format(frame="list_frame.html", extra=""), frame: GOOD_LIST},
                 [(column, frame, "iframe")])
    assert _a11y(site) == []


def test_a_page_only_linked_is_a_page_of_its_own(tmp_path):
    """The same bare document reached by an <a>, not embedded: judged as a page, under its own URL."""
    column, frame = HOME + "jkkp/index.html", HOME + "jkkp/list_frame.html"
    site = _site(tmp_path, {column: COLUMN.format(frame="list_frame.html", extra=""), frame: BARE_LIST},
                 [(column, frame, "a")])
    found = _a11y(site)
    assert {f.check for f in found if f.url == frame} >= {"a11y.html-lang", "a11y.page-heading-missing"}
    assert not [f for f in found if f.data.get("frame_url")]


def test_a_frame_in_a_frame_is_reported_on_the_top_page(tmp_path):
    column, outer, inner = HOME + "jkkp/index.html", HOME + "jkkp/list_frame.html", HOME + "jkkp/page_frame.html"
    outer_html = GOOD_LIST.replace("</ul>", '</ul><iframe src="page_frame.html" title="分页" class="pager"></iframe>')
    site = _site(tmp_path, {column: COLUMN.format(frame="list_frame.html", extra=""), outer: outer_html,
                            inner: '<html><head><title>分页</title></head><body><a href="index_1.html">下一页</a></body></html>'},
                 [(column, outer, "iframe"), (outer, inner, "iframe")])
    [lang] = [f for f in _a11y(site) if f.check == "a11y.html-lang"]
    assert lang.url == column and lang.data["frame_url"] == inner
    assert lang.selector == "body > div.main > div.list-box > iframe.list-frame >>> body > iframe.pager >>> html"


# ------------------------------------------------------------------- axe's results: review level, frames

REGION = {"id": "region", "impact": "moderate", "help": "All page content should be contained by landmarks",
          "helpUrl": "https://dequeuniversity.com/rules/axe/4.12/region", "tags": ["cat.keyboard", "best-practice"],
          "total": 7, "nodes": [{"target": [".topbar"], "html": '<div class="topbar">', "impact": "moderate"},
                                {"target": [".header"], "html": '<div class="header">', "impact": "moderate"}]}
TABINDEX = {"id": "tabindex", "impact": "serious", "help": "Elements should not have tabindex greater than zero",
            "tags": ["cat.keyboard", "best-practice"], "total": 1,
            "nodes": [{"target": ["#kw"], "html": '<input id="kw" tabindex="1">', "impact": "serious"}]}
FRAMED_ALT = {"id": "image-alt", "impact": "critical", "help": "Images must have alternative text",
              "tags": ["cat.text-alternatives", "wcag2a", "wcag111"], "total": 1,
              "nodes": [{"target": [".list-frame", "img"], "html": '<img src="/images/dot.gif">',
                         "impact": "critical", "frame_url": HOME + "jkkp/list_frame.html"}]}


def test_axe_best_practice_results_are_review_level_unless_a_static_rule_means_them():
    result = {"violations": [REGION, TABINDEX, FRAMED_ALT], "incomplete": []}
    [region] = axe_findings("axe.region", HOME, result)  # one piece of advice a page, with its count
    assert region.severity == "info" and region.data["review"] and region.data["best_practice"]
    assert "7" in region.message_en
    [tabindex] = axe_findings("a11y.tabindex-positive", HOME, result)  # the static rule's id and rank
    assert tabindex.severity is None and not tabindex.data["review"]
    [alt] = axe_findings("a11y.image-alt", HOME, result)
    assert alt.selector == ".list-frame >>> img" and alt.data["frame_url"] == HOME + "jkkp/list_frame.html"
    assert not alt.data["review"]


# ------------------------------------------------------------------- browser mode: axe in every frame

needs_chromium = pytest.mark.skipif(chromium_path() is None, reason="no chromium binary on this machine")
PLAYER = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>宣传片</title></head><body>
<div class="player"><video src="/video/xcp.mp4" width="400" height="300"></video>
<button class="vjs-play"></button><span class="time">00:00 / 03:25</span></div></body></html>"""


def _files(pages: dict[str, str]) -> type[BaseHTTPRequestHandler]:
    class Files(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path.split("?")[0])
            status, body = (200, body) if body is not None else (404, "<html><title>404</title></html>")
            data = body.encode("utf-8")
            self.wfile.write(f"HTTP/1.0 {status} X\r\nContent-Type: text/html; charset=utf-8\r\n"
                             f"Content-Length: {len(data)}\r\n\r\n".encode() + data)

        def log_message(self, *args):
            pass

    return Files


def _nodes(result: dict, kind: str = "violations") -> dict[str, list[dict]]:
    return {rule["id"]: rule["nodes"] for rule in result.get(kind, [])}


@needs_chromium
def test_axe_runs_in_same_origin_cross_origin_and_nested_frames():
    outer = GOOD_LIST.replace("</ul>", '</ul><iframe src="/jkkp/pager.html" title="分页"></iframe>')
    pager = '<html lang="zh-CN"><head><title>分页</title></head><body><a href="index_1.html"><img src="/images/next.gif"></a></body></html>'
    with contextlib.ExitStack() as stack:
        video_port = stack.enter_context(local_server(_files({"/player.html": PLAYER})))
        extra = f'<iframe src="http://127.0.0.1:{video_port}/player.html" title="宣传片" width="400" height="300"></iframe>'
        port = stack.enter_context(local_server(_files({
            "/jkkp/index.html": COLUMN.format(frame="list_frame.html", extra=extra),
            "/jkkp/list_frame.html": outer, "/jkkp/pager.html": pager})))
        base = f"http://127.0.0.1:{port}"
        results = render_pages([f"{base}/jkkp/index.html"], RenderOptions(workers=1, timeout=30, delay=0, settle=1))
    result = results[f"{base}/jkkp/index.html"]
    assert result["status"] == "ok", result
    nodes = _nodes(result)
    # the player's unnamed button, in a frame of another origin
    [button] = nodes["button-name"]
    assert button["target"][-1] == "button" and len(button["target"]) == 2
    assert button["frame_url"] == f"http://127.0.0.1:{video_port}/player.html"
    # the pager's image link without a name, in a frame inside the framed list
    [link] = nodes["link-name"]
    assert len(link["target"]) == 3 and link["target"][0] == ".list-frame"
    assert link["frame_url"] == f"{base}/jkkp/pager.html"
    # best-practice rules ran: the template lays out its blocks without landmarks
    assert "region" in nodes and all(n.get("frame_url") is None for n in nodes["region"] if len(n["target"]) == 1)
    # the framed list itself was built to pass: nothing names it but the landmark advice
    assert not [(rid, n["target"]) for rid, ns in nodes.items() for n in ns
                if n.get("frame_url") == f"{base}/jkkp/list_frame.html" and rid not in ("region", "landmark-one-main")]


CLEAN = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>健康科普_示例市卫生健康委员会</title></head>
<body><header><a href="#main" class="skip">跳到主要内容</a><h1>示例市卫生健康委员会</h1></header>
<nav aria-label="主导航"><ul><li><a href="/">首页</a></li><li><a href="/jkkp/">健康科普</a></li></ul></nav>
<main id="main"><h2>健康科普</h2><iframe src="/jkkp/list_frame.html" title="健康科普列表" width="100%" height="400"></iframe></main>
<footer><p>主办：示例市卫生健康委员会</p></footer></body></html>"""
CLEAN_LIST = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>健康科普列表</title></head><body>
<ul><li><a href="/jkkp/202611/t20261118_1031.html">冬季流感预防知识</a> 2026-11-18</li>
<li><a href="/jkkp/202611/t20261112_1029.html">科学健身指南</a> 2026-11-12</li></ul></body></html>"""


@needs_chromium
def test_a_framed_page_built_to_pass_has_no_violation_in_any_frame():
    with local_server(_files({"/jkkp/index.html": CLEAN, "/jkkp/list_frame.html": CLEAN_LIST})) as port:
        url = f"http://127.0.0.1:{port}/jkkp/index.html"
        result = render_pages([url], RenderOptions(workers=1, timeout=30, delay=0, settle=1))[url]
    assert result["status"] == "ok", result
    assert result["violations"] == []  # the list is inside <main> through its frame: no landmark advice either
