"""Links as LinkChecker users expect them (issue 25, item 7): embedded resources checked once each
(links.broken-resource), #fragment targets (--check-anchors, links.broken-anchor), and the ignore /
no-follow URL patterns of the flags and the sites file. The site is a TRS (拓尔思) county template:
images under /images/, a style sheet, CSS backgrounds, a local jQuery and one from a CDN."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from parsel import Selector

from auditcli.stores.pagestore import PageStore
from spiders.discovery import extract_links
from tests.conftest import FAST, local_server

HEAD = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta name="SiteName" content="示例县人民政府" /><meta name="SiteIDCode" content="1504000001" />
<title>{title}--示例县人民政府</title>
<link href="/images/style.css" rel="stylesheet" type="text/css" />
<link rel="shortcut icon" href="/favicon.ico" />
<script type="text/javascript" src="/js/jquery-1.8.3.min.js"></script>
<script type="text/javascript" src="https://cdn.bootcdn.net/ajax/libs/jquery/1.8.3/jquery.min.js"></script>
<style type="text/css">
.top_bg {{ background: url(/images/top_bg.jpg) no-repeat center top; height: 220px; }}
.nav li:hover {{ background:url("/images/nav_hover.png") }}
</style>
</head><body>
<div class="top_bg"><img src="/images/logo.png" alt="示例县人民政府" /></div>
<div class="nav" style="background-image: url('/images/nav_bg.gif')"><ul>
<li><a href="/index.html">首页</a></li><li><a href="/xwzx/index.html">新闻中心</a></li>
<li><a href="/zfxxgk/index.html">政府信息公开</a></li></ul></div>
<div class="banner"><img src="/images/zx_banner.jpg" width="1000" height="120" /></div>
"""
FOOT = """<div class="footer"><p>主办：示例县人民政府办公室　网站标识码：1504000001</p>
<script type="text/javascript">document.write(unescape("%3Cspan id='_ideConac'%3E%3C/span%3E"));</script>
<a href="http://bszs.conac.cn/sitename?method=show&amp;id=1"><img src="/images/red.png" alt="党政机关" /></a>
</div></body></html>"""
ARTICLE = """<div class="article"><h1>示例县2026年政府工作报告</h1>
<ul class="toc"><li><a href="#sec1">一、2025年工作回顾</a></li><li><a href="#sec2">二、2026年工作安排</a></li></ul>
<img src="/images/tongji.gif" width="1" height="1" />
<h2 id="sec1">一、2025年工作回顾</h2><p>过去一年……</p>
<h2><a name="sec2"></a>二、2026年工作安排</h2><p>今年……</p>
<p><a href="#top">返回顶部</a> <a href="#">打印</a></p></div>"""
LIST = """<div class="list"><ul>
<li><a href="/xwzx/202611/t20261118_1.html#sec2">示例县2026年政府工作报告（工作安排）</a><span>2026-11-18</span></li>
<li><a href="/xwzx/202611/t20261118_1.html#sec3">示例县2026年政府工作报告（附件）</a><span>2026-11-18</span></li>
<li><a href="/xwzx/202611/t20261118_1.html#/comments">评论</a></li>
<li><a href="/zfxxgk/print.html">打印本页</a></li>
</ul></div>"""
PAGES = {
    "/index.html": ("首页", '<p><a href="/xwzx/index.html">新闻中心</a></p>'),
    "/xwzx/index.html": ("新闻中心", LIST),
    "/xwzx/202611/t20261118_1.html": ("示例县2026年政府工作报告", ARTICLE),
    "/zfxxgk/index.html": ("政府信息公开", '<p><a href="/zfxxgk/fdzdgknr/index.html">法定主动公开内容</a></p>'),
    "/zfxxgk/fdzdgknr/index.html": ("法定主动公开内容", "<p>暂无信息</p>"),
    "/zfxxgk/print.html": ("打印", "<p>打印</p>"),
}
SERVED = {  # the files the server has; /images/zx_banner.jpg, nav_bg.gif, red.png and top_bg.jpg it has not
    "/images/style.css": ("text/css", b"body{margin:0}"),
    "/js/jquery-1.8.3.min.js": ("application/javascript", b"/*! jQuery v1.8.3 */"),
    "/images/logo.png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "/images/nav_hover.png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "/favicon.ico": ("image/x-icon", b"\x00\x00\x01\x00"),
}
HEAD_REFUSED = {"/images/logo.png"}  # a servlet answering HEAD with 405, as TRS WCM images behind some WAFs do


class TrsCounty(BaseHTTPRequestHandler):
    requests: Counter = Counter()
    lock = threading.Lock()

    def _answer(self, with_body: bool) -> None:
        path = self.path.split("?", 1)[0]
        with self.lock:
            self.requests[(self.command, path)] += 1
        if path == "/images/tongji.gif":  # a statistics pixel on a server that hangs: past --timeout
            time.sleep(3)
        if path == "/":
            path = "/index.html"
        if path == "/robots.txt":
            status, ctype, body = 200, "text/plain", b"User-agent: *\nDisallow:\n"
        elif path in PAGES:
            title, content = PAGES[path]
            status, ctype, body = 200, "text/html; charset=utf-8", (HEAD.format(title=title) + content + FOOT).encode()
        elif path in SERVED and not (self.command == "HEAD" and path in HEAD_REFUSED):
            status, (ctype, body) = 200, SERVED[path]
        elif path in SERVED:
            status, ctype, body = 405, "text/html", b"<h1>405 Method Not Allowed</h1>"
        else:
            status, ctype, body = 404, "text/html; charset=utf-8", "<h1>404 页面不存在</h1>".encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def do_GET(self):
        self._answer(True)

    def do_HEAD(self):
        self._answer(False)

    def log_message(self, *args):
        pass


def audit(cli, tmp_path: Path, *args: str, target: str | None = None) -> tuple[dict, Counter, int]:
    TrsCounty.requests = Counter()
    with local_server(TrsCounty) as port:
        result = cli("audit", target or f"http://127.0.0.1:{port}/", "--out", str(tmp_path), "--only", "links",
                     "--format", "json", "--no-history", *args, *FAST)
    assert result.returncode in (0, 1), result.stderr
    (site,) = json.loads((tmp_path / "results.json").read_text("utf-8"))["sites"]
    return site, TrsCounty.requests, port


def paths(site: dict, check: str) -> dict[str, dict]:
    from urllib.parse import urlsplit

    return {urlsplit(f["url"]).path: f for f in site["findings"] if f["check"] == check}


def test_stylesheets_css_urls_and_media_are_found_as_resources():
    page = Selector(text=HEAD.format(title="首页") + '<video poster="/v/p.jpg"><source src="/v/a.mp4"></video>'
                    '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">' + FOOT)
    links = {(link.url, link.tag) for link in extract_links(page, "http://127.0.0.1/xwzx/index.html")}
    base = "http://127.0.0.1"
    assert {(f"{base}/images/style.css", "stylesheet"), (f"{base}/favicon.ico", "link"),
            (f"{base}/images/top_bg.jpg", "css"), (f"{base}/images/nav_hover.png", "css"),
            (f"{base}/images/nav_bg.gif", "css"), (f"{base}/images/zx_banner.jpg", "img"),
            (f"{base}/v/p.jpg", "video"), (f"{base}/v/a.mp4", "source")} <= links
    assert not any(url.startswith("data:") for url, _ in links)


def test_broken_embedded_resources_are_reported_once_each_with_their_pages(cli, tmp_path):
    site, requests, port = audit(cli, tmp_path)
    broken = paths(site, "links.broken-resource")
    assert set(broken) == {"/images/zx_banner.jpg", "/images/nav_bg.gif", "/images/red.png", "/images/top_bg.jpg",
                           "/images/tongji.gif"}
    slow = broken["/images/tongji.gif"]
    assert (slow["severity"], slow["data"]["confidence"], slow["data"]["reason"]) == ("low", "suspected", "timeout")
    banner = broken["/images/zx_banner.jpg"]
    assert banner["severity"] == "medium" and banner["data"]["status"] == 404 and banner["data"]["tag"] == "img"
    assert banner["data"]["referrer_count"] == len(PAGES) and banner["selector"] == 'img[src="/images/zx_banner.jpg"]'
    assert broken["/images/nav_bg.gif"]["data"]["tag"] == "css" and broken["/images/nav_bg.gif"]["selector"] == "body > div.nav"
    assert broken["/images/top_bg.jpg"]["selector"] == "style"
    # never a page link finding for an image
    assert not any("/images/" in f["url"] for f in site["findings"] if f["check"] == "links.broken")
    # each resource once: a HEAD, and a GET only when the HEAD failed; the favicon and the CDN never
    for path in ("/images/style.css", "/js/jquery-1.8.3.min.js", "/images/nav_hover.png"):
        assert (requests[("HEAD", path)], requests[("GET", path)]) == (1, 0), path
    assert (requests[("HEAD", "/images/logo.png")], requests[("GET", "/images/logo.png")]) == (1, 1)
    assert (requests[("HEAD", "/images/zx_banner.jpg")], requests[("GET", "/images/zx_banner.jpg")]) == (1, 1)
    assert requests[("HEAD", "/favicon.ico")] + requests[("GET", "/favicon.ico")] == 0
    assert not any("bootcdn" in e["url"] for e in site["not_scanned"])


def test_resources_count_against_max_resources(cli, tmp_path):
    site, requests, _ = audit(cli, tmp_path, "--max-resources", "2")
    checked = {path for (method, path), n in requests.items() if method == "HEAD" and not path.endswith(".html")
               and path not in ("/", "/robots.txt")}
    assert len(checked) == 2
    limited = [e for e in site["not_scanned"] if "resource limit" in (e.get("detail") or "")]
    assert len(limited) == 7  # the other seven of the eight of the template and the article's pixel
    _, requests, _ = audit(cli, tmp_path, "--max-resources", "0")
    assert not [path for (method, path) in requests if method == "HEAD"]


def test_missing_fragment_targets_are_reported_with_check_anchors(cli, tmp_path):
    site, _, _ = audit(cli, tmp_path, "--check-anchors")
    anchors = [f for f in site["findings"] if f["check"] == "links.broken-anchor"]
    # #sec2 is an <a name>, #sec1 an id, #top and # scroll to the top, #/comments is a script route
    assert [(f["data"]["fragment"], f["url"].endswith("/xwzx/index.html")) for f in anchors] == [("sec3", True)]
    assert anchors[0]["severity"] == "low"
    assert anchors[0]["selector"] == 'a[href="/xwzx/202611/t20261118_1.html#sec3"]'


def test_anchors_are_not_judged_without_the_flag(cli, tmp_path):
    site, _, _ = audit(cli, tmp_path)
    assert not [f for f in site["findings"] if f["check"] == "links.broken-anchor"]
    assert site["outcomes"]["links.broken-anchor"]["status"] == "not-applicable"


def test_ignored_urls_are_neither_fetched_nor_reported(cli, tmp_path):
    site, requests, _ = audit(cli, tmp_path, "--ignore-url", r"zx_banner\.jpg$", "--ignore-url", "/zfxxgk/")
    assert "/images/zx_banner.jpg" not in paths(site, "links.broken-resource")
    assert not [key for key in requests if key[1].startswith("/zfxxgk/") or key[1] == "/images/zx_banner.jpg"]
    assert not [e for e in site["not_scanned"] if "/zfxxgk/" in e["url"] or "zx_banner" in e["url"]]


def test_no_follow_pages_are_checked_but_their_links_not_followed(cli, tmp_path):
    site, requests, _ = audit(cli, tmp_path, "--no-follow", "/xwzx/index")
    assert requests[("GET", "/xwzx/index.html")] == 1
    assert requests[("GET", "/xwzx/202611/t20261118_1.html")] == 0  # linked from the news list only
    assert requests[("GET", "/zfxxgk/fdzdgknr/index.html")] == 1   # other pages are followed as ever


def test_sites_file_patterns_apply_per_site_and_from_the_audit_block(cli, tmp_path):
    with local_server(TrsCounty) as port:
        sites = tmp_path / "sites.yaml"
        sites.write_text(f"audit:\n  name: 示例县\n  ignore_urls: ['/images/red[.]png']\nsites:\n"
                         f"  - id: county\n    url: http://127.0.0.1:{port}/\n    no_follow: ['/zfxxgk/index']\n",
                         "utf-8")
        TrsCounty.requests = Counter()
        result = cli("crawl", str(sites), "--out", str(tmp_path / "out"), *FAST)
        assert result.returncode == 0, result.stderr
    store = PageStore.open_existing(tmp_path / "out")
    fetched = {url.split(str(port), 1)[1] for url, *_ in store.fetch_statuses("county")}
    assert "/zfxxgk/index.html" in fetched and "/zfxxgk/fdzdgknr/index.html" not in fetched
    assert "/images/red.png" not in fetched and "/images/nav_bg.gif" in fetched


def test_a_bad_url_pattern_is_one_line_and_exit_2(cli, tmp_path):
    result = cli("audit", "http://127.0.0.1:9/", "--out", str(tmp_path), "--ignore-url", "(unclosed", *FAST)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error: --ignore-url: '(unclosed': not a regular expression")
    assert "Traceback" not in result.stderr
    sites = tmp_path / "sites.yaml"
    sites.write_text("sites:\n  - id: county\n    url: http://127.0.0.1:9/\n    no_follow: ['[a-']\n", "utf-8")
    result = cli("crawl", str(sites), "--out", str(tmp_path / "o"), *FAST)
    assert result.returncode == 2
    assert f"{sites}:4: sites[0].no_follow: '[a-': not a regular expression" in result.stderr


def test_resources_have_a_budget_of_their_own_locally_and_in_a_distributed_crawl():
    from auditcli.core.models import SiteConfig
    from spiders.distributed.spider import _SharedSiteState
    from spiders.portal import _SiteState

    site = SiteConfig(id="county", name="示例县", url="http://127.0.0.1:8101/")
    state = _SiteState(site)
    state.budget_cap, state.resource_cap = 1, 2
    ok, over = (lambda: ["fetch"]), (lambda: ["limit"])
    got = [list(state.claim(f"http://127.0.0.1:8101/images/{n}.png", "resource", ok, over)) for n in range(3)]
    assert got == [["fetch"], ["fetch"], ["limit"]]
    assert list(state.claim("http://127.0.0.1:8101/xwzx/", "page", ok, over)) == ["fetch"]  # pages unaffected
    shared = _SharedSiteState(site, job=None)
    shared.budget_cap, shared.resource_cap = 500, 300
    (claim,) = shared.claim("http://127.0.0.1:8101/images/a.png", "resource", ok, over)
    assert (claim["budget"], claim["cap"]) == ("resource", 300)  # Redis counts it apart from the pages


def test_url_patterns_of_the_audit_block_add_to_each_sites_own(tmp_path):
    import pytest

    from auditcli.app.config import ConfigError, load_sites_file

    sites = tmp_path / "sites.yaml"
    sites.write_text("audit:\n  name: 示例县\n  ignore_urls: ['/wcm/', '\\?print=1']\nsites:\n"
                     "  - id: county\n    url: http://www.example.gov.cn/\n    ignore_urls: ['/old/']\n"
                     "  - id: town-a\n    url: http://www.example.gov.cn/xxgk/jiazhen/\n    no_follow: ['/ysqgk/']\n",
                     "utf-8")
    county, town = load_sites_file(sites).sites
    assert county.ignore_urls == ("/old/", "/wcm/", r"\?print=1") and town.no_follow == ("/ysqgk/",)
    assert county.ignored("http://www.example.gov.cn/xwzx/t1.html?print=1")
    assert not county.ignored("http://www.example.gov.cn/xwzx/t1.html")
    assert town.not_followed("http://www.example.gov.cn/xxgk/jiazhen/ysqgk/index.html")
    table = tmp_path / "sites.csv"
    table.write_text("id,url,ignore_urls\ncounty,http://www.example.gov.cn/,/old/ \\.php$\n", "utf-8")
    assert load_sites_file(table).sites[0].ignore_urls == ("/old/", r"\.php$")
    sites.write_text("audit:\n  ignore_urls: '*.jpg'\nsites:\n  - url: http://www.example.gov.cn/\n", "utf-8")
    with pytest.raises(ConfigError, match=r"sites.yaml:2: audit.ignore_urls: '\*.jpg': not a regular expression"):
        load_sites_file(sites)
