"""Browser mode's computed-style probe (spiders/styleprobe.py) on realistic portal pages: focus outlines
removed by a linked stylesheet (which the static rules never read), text inserted by CSS, tiny text;
and findings from the probe's results (checks/a11y/axe.py). A clean portal page raises nothing."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler

import pytest

from checks.a11y.axe import axe_findings
from spiders.render import RenderOptions, chromium_path, render_pages
from tests.conftest import local_server

needs_chromium = pytest.mark.skipif(chromium_path() is None, reason="no chromium binary on this machine")

HEAD = '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>示例县人民政府</title>' \
       '<link rel="stylesheet" href="/css/{css}.css"></head><body>'
BODY = ('<div class="top"><a class="skip" href="#main">跳到主要内容</a></div>'
        '<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
        '<li><a href="/bsfw/">办事服务</a></li></ul>'
        '<div id="main" class="box"><div class="box-hd"><h2>通知公告</h2><a class="more" href="/tzgg/">更多</a></div>'
        '<ul class="list"><li><a href="/tzgg/t1.html">关于开展冬季供暖检查的通知</a><span class="date">2026-11-18</span></li></ul>'
        '<form action="/search"><label for="q">关键词</label><input id="q" name="q"><button>搜索</button></form></div>'
        '<div class="footer"><p class="copy">主办单位：示例县人民政府办公室　网站标识码：1504000001</p></div></body></html>')
CSS = {
    # a TRS template's reset: outlines gone everywhere, the nav's colour the only change on hover (not on focus)
    "bad": "a, button, input { outline: none; } .nav a:hover { color: #c00 } .more::after { content: '更多信息' }"
           " .copy { font-size: 9px } .skip { position: absolute; left: -999px } .skip:focus { left: 0 }",
    # the same template fixed: a focus style, an arrow and an icon-font glyph by CSS, a 12px footer
    "good": "a, button, input { outline: none; } a:focus, button:focus, input:focus { box-shadow: 0 0 0 2px #1a5fb4 }"
            " .nav a { transition: all .3s } .more::after { content: ' >>' } .date::before { content: '\\e601' }"
            " .box-hd::after { content: ''; display: block; clear: both } .copy { font-size: 12px }"
            " .skip { position: absolute; left: -999px } .skip:focus { left: 0 }",
}


def _site() -> type[BaseHTTPRequestHandler]:
    class Site(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.startswith("/css/"):
                body, kind = CSS[self.path[5:-4]].encode(), "text/css"
            else:
                body, kind = (HEAD.format(css=self.path.strip("/")) + BODY).encode(), "text/html; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Site


@pytest.fixture(scope="module")
def probed() -> dict[str, dict]:
    with local_server(_site()) as port:
        urls = {name: f"http://127.0.0.1:{port}/{name}" for name in CSS}
        results = render_pages(list(urls.values()), RenderOptions(workers=2, timeout=20, settle=0.5, delay=0,
                                                                  per_host=2, local_only=True))
    return {name: results[url] for name, url in urls.items()}


def _probe_rules(result: dict) -> dict[str, dict]:
    return {rule["id"]: rule for kind in ("violations", "incomplete") for rule in result[kind]
            if rule.get("source") == "auditcli"}


@needs_chromium
def test_a_linked_reset_that_removes_every_outline_is_found_with_css_text_and_a_9px_footer(probed):
    assert probed["bad"]["status"] == "ok"
    rules = _probe_rules(probed["bad"])
    assert set(rules) == {"focus-visible", "css-generated-text", "text-too-small"}
    focus = [n["html"] for n in rules["focus-visible"]["nodes"]]
    # the nav links, the more link, the list link, the field and the button; the skip link moves on focus
    assert len(focus) == 7 and not any("skip" in html for html in focus)
    assert rules["focus-visible"] in probed["bad"]["violations"]  # an error: nothing changes at all
    assert [n["data"]["content"] for n in rules["css-generated-text"]["nodes"]] == ["更多信息"]
    assert [n["data"]["font_size"] for n in rules["text-too-small"]["nodes"]] == [9]
    assert rules["css-generated-text"] in probed["bad"]["incomplete"]


@needs_chromium
def test_the_fixed_template_with_a_focus_style_arrows_icons_and_12px_text_raises_nothing(probed):
    assert probed["good"]["status"] == "ok"
    assert _probe_rules(probed["good"]) == {}


@needs_chromium
def test_probe_results_become_findings_once_a_page_and_not_twice_beside_the_static_rule(probed):
    url = "http://127.0.0.1/bad"
    [focus] = list(axe_findings("a11y.focus-outline-removed", url, probed["bad"]))
    assert focus.severity is None and "共 7 处" in focus.message and "样式探测" in focus.message
    assert focus.data["source"] == "auditcli"
    [css] = list(axe_findings("a11y.css-generated-text", url, probed["bad"]))
    assert css.severity == "info" and css.message.startswith("需人工复核：CSS")
    # the static rule reported the page's own <style>: the probe's result is not added to it
    assert list(axe_findings("a11y.focus-outline-removed", url, probed["bad"], reported={object()})) == []
