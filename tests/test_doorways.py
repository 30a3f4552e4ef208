"""Portals whose / is a doorway (frameset or script redirect) are judged on the page behind it."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

import pytest

from tests.conftest import FAST, local_server, run_cli

FOOTER = ('<div class="footer">网站标识码：1504000001 <a href="https://beian.miit.gov.cn/">蒙ICP备05001234号</a> '
          '蒙公网安备 15040202000123号 <a href="http://bszs.conac.cn/sitename?method=show&id=1"><img src="/red.png" '
          'alt="党政机关"></a> <a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html">我为政府网站找错</a></div>')
REAL_HOME = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>示例县人民政府</title>'
             '<meta name="SiteName" content="示例县人民政府"><meta name="SiteDomain" content="127.0.0.1">'
             '<meta name="SiteIDCode" content="1504000001"></head><body><ul class="list">'
             '<li><a href="/tzgg/t20261118_1.html">关于做好冬季安全生产工作的通知</a><span>2026-11-18</span></li>'
             "</ul>" + FOOTER + "</body></html>")
DOORWAYS = {
    "frameset": '<html><frameset rows="60,*"><frame src="/top.html"><frame src="/main/index.html"></frameset></html>',
    "script": '<html><head><script>window.location.href="/main/index.html";</script></head><body></body></html>',
}


def handler_for(doorway: str):
    class Portal(BaseHTTPRequestHandler):
        def do_GET(self):
            pages = {"/": DOORWAYS[doorway], "/main/index.html": REAL_HOME, "/top.html": "<html><body>顶部</body></html>",
                     "/tzgg/t20261118_1.html": "<html><body>通知正文</body></html>"}
            body = pages.get(self.path)
            data = (body or "not found").encode("utf-8")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Portal


@pytest.mark.parametrize("doorway", sorted(DOORWAYS))
def test_identity_and_home_page_are_judged_behind_the_doorway(tmp_path, doorway):
    with local_server(handler_for(doorway)) as port:
        result = run_cli("audit", f"http://127.0.0.1:{port}/", "--out", str(tmp_path),
                         "--only", "identity,freshness", "--format", "json", "--no-history", *FAST)
    assert result.returncode == 0, result.stderr
    (site,) = json.loads((tmp_path / "results.json").read_text("utf-8"))["sites"]
    footer_items = {"identity.site-code-missing", "identity.icp-missing", "identity.police-record-missing",
                    "identity.conac-missing", "identity.jiucuo-entry-missing"}
    assert [f["check"] for f in site["findings"] if f["check"] in footer_items] == []
    tags = [f for f in site["findings"] if f["check"] == "identity.page-tags-missing"]
    assert all("首页" not in f["message"] for f in tags), "the home page behind the doorway has its tags"
    assert site["homepage"]["latest_date"] == "2026-11-18"


def test_a_site_given_as_a_bare_url_is_named_by_its_home_page(tmp_path):
    with local_server(handler_for("script")) as port:
        result = run_cli("audit", f"http://127.0.0.1:{port}/", "--out", str(tmp_path),
                         "--only", "identity", "--format", "json", "--no-history", *FAST)
    assert result.returncode == 0, result.stderr
    (site,) = json.loads((tmp_path / "results.json").read_text("utf-8"))["sites"]
    assert site["name"] == "示例县人民政府"
