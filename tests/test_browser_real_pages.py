"""Browser mode end to end on pages built the way county portals build them (TRS/Hanweb-era templates:
GBK and UTF-8, a header clock, a 通知公告 marquee, a menu <ul> of <div>s, a stray <li>, a <dl> of <p>s,
an image map without alt, <blink>, a header-only table, document.write footers, a visit counter): the
CLI audits a local copy in a subprocess, axe-core rules outside the static set come out as `axe.<rule>`
findings, and results.json and every report are written. And an ordinary page: results, no traceback."""

from __future__ import annotations

import csv
import json
import mimetypes
import re
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from auditcli.stores.pagestore import PageStore
from auditcli.stores.results import validate
from spiders.render import chromium_path
from tests.conftest import FAST, local_server, run_cli

PORTAL = Path(__file__).parent / "data" / "portals" / "browser_county"
GBK_META = re.compile(rb"charset=gb2312", re.I)
FINDING_ID = re.compile(r"^[a-z0-9]+\.[a-z0-9-]+$")
# axe-core rules (WCAG A/AA) the county home page breaks that no static rule stands for (axe's blink and
# marquee mean a11y.blink-marquee: reported under it, once with the static rule's result)
EXPECTED_AXE = {"list", "listitem", "definition-list", "area-alt", "bypass", "th-has-data-cells"}

pytestmark = pytest.mark.skipif(chromium_path() is None, reason="no chromium binary on this machine")


def _files(root: Path) -> type[BaseHTTPRequestHandler]:
    """Serve `root` as the portal's server does: a page whose meta says gb2312 goes out GBK-encoded."""

    class Files(BaseHTTPRequestHandler):
        def do_GET(self):
            path = self.path.split("?")[0]
            file = root / (path.lstrip("/") or "index.html")
            if not file.is_file() or root not in file.resolve().parents:
                self._send(404, "text/html; charset=utf-8", b"<html><title>404</title></html>")
                return
            body = file.read_bytes()
            kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            if kind == "text/html" and GBK_META.search(body[:1024]):
                self._send(200, "text/html; charset=GBK", body.decode("utf-8").encode("gbk"))
            else:
                self._send(200, f"{kind}; charset=utf-8" if kind.startswith("text/") else kind, body)

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.wfile.write(f"HTTP/1.0 {status} X\r\nContent-Type: {content_type}\r\n"
                             f"Content-Length: {len(body)}\r\n\r\n".encode() + body)

        def log_message(self, *args):
            pass

    return Files


def _audit(url: str, out: Path, *extra: str) -> tuple[int, dict, str]:
    flags = [f for f in FAST if f != "--quiet"]
    result = run_cli("audit", url, "--out", str(out), "--browser", "--browser-pages", "all", "--no-history",
                     "--format", "html,json,csv,junit,sarif", "--strict", *flags, *extra)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    results = json.loads((out / "results.json").read_text("utf-8")) if (out / "results.json").exists() else {}
    return result.returncode, results, result.stderr


def test_a_county_portal_in_browser_mode_gives_axe_findings_and_every_report(tmp_path):
    out = tmp_path / "out"
    with local_server(_files(PORTAL)) as port:
        base = f"http://127.0.0.1:{port}"
        code, results, stderr = _audit(f"{base}/", out)
    assert code == 0, stderr[-3000:]  # --strict: no check crashed, no finding dropped
    validate(results)
    [site] = results["sites"]
    assert site["errors"] == [] and site["status"] == "ok"
    browser = site["accessibility"]["browser"]
    assert browser == {"scanned": 4, "not_scanned": []}, browser

    axe = [f for f in site["findings"] if f["check"].startswith("axe.")]
    assert all(FINDING_ID.match(f["check"]) for f in site["findings"]), {f["check"] for f in site["findings"]}
    rules = {f["check"].removeprefix("axe.") for f in axe}
    assert rules >= EXPECTED_AXE, rules  # six violations, bypass and th-has-data-cells for review
    assert len(EXPECTED_AXE) >= 5
    for finding in axe:
        assert f"axe-core {finding['data']['axe_rule']}" in finding["refs"]
        assert finding["check"] == f"axe.{finding['data']['axe_rule']}" and finding["selector"]
        assert finding["dimension"] == "accessibility" and finding["url"].startswith(base)
    home = {f["check"]: f for f in axe if f["url"] == f"{base}/"}
    assert home["axe.area-alt"]["selector"].startswith("area") or "area" in home["axe.area-alt"]["evidence"]
    moving = [f for f in site["findings"] if f["check"] == "a11y.blink-marquee" and f["url"] == f"{base}/"]
    assert {f["evidence"][:7] for f in moving} == {"<marque", "<blink>"}, moving
    # axe's best-practice rules ran too: the template has no landmarks (review level, never scored)
    assert home["axe.landmark-one-main"]["severity"] == "info" and home["axe.landmark-one-main"]["data"]["best_practice"]
    assert home["axe.bypass"]["data"]["review"] and home["axe.bypass"]["severity"] == "info"
    # the menu's <ul> of <div>s, on all four pages (axe names it by its shortest unique selector on each
    # page, `ul` or `.nav`, so it may come as more than one barrier)
    menus = [f for f in axe if f["check"] == "axe.list"]
    assert len(menus) == 4 and all(f["evidence"].startswith('<ul class="nav">') for f in menus)
    assert sum(b["pages"] for b in site["accessibility"]["barriers"] if b["check"] == "axe.list") == 4
    assert site["outcomes"]["axe.*"]["status"] == "failed"

    html = (out / "report.html").read_text("utf-8")
    assert all(f"axe.{rule}" in html for rule in EXPECTED_AXE)
    sarif = json.loads((out / "results.sarif").read_text("utf-8"))
    sarif_rules = {rule["id"] for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert {f"axe.{rule}" for rule in EXPECTED_AXE} <= sarif_rules
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {f"axe.{rule}" for rule in EXPECTED_AXE}
    with (out / "findings.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["check"] for row in rows} >= {f"axe.{rule}" for rule in EXPECTED_AXE}
    junit = ET.parse(out / "junit.xml").getroot()
    assert junit.iter("testcase") and (out / "sites.csv").exists()


ORDINARY = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>某镇人民政府</title></head>
<body><div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/">政务公开</a></li></ul></div>
<div class="list"><ul><li><a href="/">关于开展秋季征兵工作的通告</a> 2026-11-10</li></ul></div>
<p>主办：某镇人民政府</p></body></html>"""


def test_an_ordinary_page_with_a_list_and_no_skip_link(tmp_path):
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "index.html").write_text(ORDINARY, "utf-8")
    with local_server(_files(tmp_path / "www")) as port:
        code, results, stderr = _audit(f"http://127.0.0.1:{port}/", tmp_path / "out",
                                       "--browser-settle", "1", "--browser-resource-timeout", "2")
    assert code == 0, stderr[-3000:]
    store = PageStore.open_existing(tmp_path / "out" / "crawl" / PageStore.FILENAME)
    meta = store.get_meta("browser")
    store.close()
    assert (meta["ok"], meta["settle"], meta["resource_timeout"]) == (1, 1.0, 2.0)
    validate(results)
    [site] = results["sites"]
    assert site["errors"] == [] and site["accessibility"]["browser"]["not_scanned"] == []
    assert all(FINDING_ID.match(f["check"]) for f in site["findings"])
    axe = {f["check"] for f in site["findings"] if f["check"].startswith("axe.")}
    assert "axe.list" not in axe and "axe.listitem" not in axe  # a well-formed list is no finding
    assert (tmp_path / "out" / "report.html").exists()
