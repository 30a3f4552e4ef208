"""The demo portal farm: deterministic pages, special routes, and an answer key that matches them."""

from __future__ import annotations

import hashlib
import http.client
import re
import socket
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from auditcli.demo import build_farm, default_base_urls
from auditcli.demo.__main__ import main as demo_main
from tests.conftest import DEMO_AS_OF

AS_OF = DEMO_AS_OF


@pytest.fixture(scope="module")
def farm(demo_farm):
    return demo_farm


@pytest.fixture(scope="module")
def key(farm):
    return yaml.safe_load(farm.answer_key.read_text("utf-8"))


def fetch(url: str, method: str = "GET", timeout: float = 5.0) -> tuple[int, dict[str, str], bytes]:
    """One request without following redirects."""
    u = urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        conn.request(method, u.path + (f"?{u.query}" if u.query else ""))
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


def test_sites_file_lists_every_site_with_real_ports(farm):
    data = yaml.safe_load(farm.sites_file.read_text("utf-8"))
    assert data["audit"]["name"]
    sites = {s["id"]: s for s in data["sites"]}
    assert set(sites) == {"county", "dept-edu", "town-a", "town-b", "dept-fgw", "dept-wjw", "town-c", "town-d", "town-e"}
    # the county links one more department that the sites file leaves out (coverage.unlisted)
    assert {k: v["url"] for k, v in sites.items()} == {k: u for k, u in farm.urls.items() if k != "dept-lyj"}
    assert sites["county"]["languages"] == ["en", "mn"]
    assert sites["dept-edu"]["url"].endswith("/bm/jyj/")
    assert sites["dept-edu"]["url"].startswith(sites["county"]["url"])
    assert all(s.get("parent") in (None, "county") for s in sites.values())
    for site_id, url in farm.urls.items():  # the dead township answers 503 everywhere (coverage.subsite-dead)
        assert fetch(url)[0] in ((503,) if site_id == "town-c" else (200, 301)), site_id


def test_head_answers_like_get_without_body(farm):
    url = farm.urls["county"]
    s1, h1, b1 = fetch(url, "GET")
    s2, h2, b2 = fetch(url, "HEAD")
    assert s1 == s2 == 200
    assert b2 == b""
    assert int(h2["content-length"]) == len(b1)
    assert h2["content-type"] == h1["content-type"] == "text/html; charset=utf-8"


def test_gbk_site_bytes_decode_as_gbk_not_gb2312(farm):
    status, headers, body = fetch(farm.urls["town-b"])
    assert status == 200
    assert headers["content-type"] == "text/html; charset=gbk"
    text = body.decode("gbk")
    assert 'charset=gb2312' in text and "喆" in text and "镕" in text
    with pytest.raises(UnicodeDecodeError):
        body.decode("gb2312")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    for pattern in (r"\d{4}年\d{1,2}月\d{1,2}日", r"二〇二六年[一二三四五六七八九十]+月", r"\[\d\d-\d\d\]",
                    r"\d{4}\.\d\d\.\d\d", r"\d{4}/\d\d/\d\d"):
        assert re.search(pattern, text), pattern


def test_special_routes(farm, key):
    base = farm.base_urls["county"]
    assert fetch(base + "xxgk/restricted.html")[0] == 403
    status, headers, _ = fetch(base + "search/index.html")
    assert status == 429 and headers["retry-after"] == "3600"
    assert fetch(base + "xwzx/old.html")[0] == 404
    assert fetch(base + "uploads/2025/report.pdf")[0] == 404
    status, headers, body = fetch(base + "uploads/2026/plan.doc")
    assert status == 200 and headers["content-type"] == "application/msword" and body
    assert fetch(base + "zwfw/index.html")[0] == 502
    s_a, h_a, _ = fetch(base + "loop/a")
    s_b, h_b, _ = fetch(base + "loop/b")
    assert (s_a, h_a["location"], s_b, h_b["location"]) == (302, "/loop/b", 302, "/loop/a")
    status, headers, _ = fetch(base + "big.html", "HEAD")
    assert int(headers["content-length"]) >= key["big_page_bytes"] == 3 * 1024 * 1024
    assert fetch(base + "bm/jyj")[0] == 301  # directory without slash


def test_slow_route_outlasts_a_short_timeout(farm, key):
    assert key["slow_delay_seconds"] >= 5
    with pytest.raises((socket.timeout, TimeoutError, urllib.error.URLError)):
        urllib.request.urlopen(farm.base_urls["county"] + "slow.html", timeout=0.4)


def test_robots_txt_disallows_private_and_private_page_is_linked(farm):
    base = farm.base_urls["county"]
    status, headers, body = fetch(base + "robots.txt")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    assert body.decode() == "User-agent: *\nDisallow: /private/\n"
    assert b'href="/private/internal.html"' in fetch(base)[2]
    assert fetch(base + "private/internal.html")[0] == 200


def test_answer_key_urls_exist(farm, key):
    assert key["as_of"] == AS_OF.isoformat()
    assert set(key["sites"]) == set(farm.urls) - {"dept-lyj"}  # served and linked, not in the sites file
    for site in key["sites"].values():
        for col in site["columns"]:
            assert col["status"] in {"fresh", "stale", "empty", "undated", "needs-browser"}
            assert (col["status"] == "needs-browser") == ("browser" in col)  # browser mode's answer, then
            assert col.get("browser", {}).get("status", "fresh") in {"fresh", "stale", "empty", "undated"}
            assert col["category"] in key["max_age_days"]
            for page in col["pages"]:
                assert fetch(page)[0] == 200, page
        for page in site["not_columns"]:
            assert fetch(page["url"])[0] == 200, page
        for letter in site["letters"]:
            assert fetch(letter["url"])[0] == 200
        for link in site["broken_links"]["confirmed"] + site["broken_links"]["suspected"]:
            if link.get("status") is None:  # timeout / redirect loop: checked in test_special_routes
                assert link["reason"] in ("timeout", "redirect-loop")
                continue
            assert fetch(link["url"])[0] == link["status"]
            for ref in link["referrers"]:
                assert urlsplit(link["url"]).path.encode() in fetch(ref)[2], ref
        for lang in site["languages"].values():
            if lang["status"] in ("ok", "stale", "wrong-language"):
                assert fetch(lang["url"])[0] in (200, 301)
    reasons = {"http-403": 403, "http-429": 429}
    for url, reason in key["sites"]["county"]["not_scanned"].items():
        if reason in reasons:
            assert fetch(url)[0] == reasons[reason]


def test_answer_key_planted_problems(key):
    county = {c["name"]: c for c in key["sites"]["county"]["columns"] if "subsite" not in c}
    assert county["部门动态"]["status"] == "stale" and county["部门动态"]["age_days"] == 60
    assert county["通知公告"]["status"] == "stale" and county["通知公告"]["age_days"] == 300
    assert county["人事信息"]["status"] == county["统计信息"]["status"] == "empty"
    assert county["办事指南"]["status"] == "undated" and county["办事指南"]["latest_date"] is None
    assert county["财政信息"]["status"] == "fresh" and county["财政信息"]["age_days"] == 200
    assert county["政务要闻"]["item_count"] == 28 and len(county["政务要闻"]["pages"]) == 2
    assert key["sites"]["county"]["homepage"]["age_days"] == 2
    letters = key["sites"]["county"]["letters"]
    assert sum(1 for x in letters if x["overdue"]) == 2
    town_b = key["sites"]["town-b"]
    assert town_b["homepage"]["age_days"] == 200
    assert sum(1 for c in town_b["columns"] if c["status"] == "empty") == 5
    assert town_b["identity"]["site_code"] is False
    assert town_b["languages"]["en"]["status"] == "wrong-language"
    assert key["sites"]["town-a"]["identity"]["police"] is False
    assert key["sites"]["county"]["languages"] == {
        "en": {"required": True, "status": "stale", "url": key["sites"]["county"]["url"] + "en/index.html",
               "latest_date": "2025-10-16", "lag_days": 398},
        "mn": {"required": True, "status": "missing", "url": None}}


@pytest.mark.parametrize("as_of", [date(2026, 11, 20), date(2027, 1, 5), date(2026, 3, 1),
                                   date(2028, 2, 29)])
def test_intended_statuses_hold_for_any_as_of(tmp_path, as_of):
    fb = build_farm(tmp_path, as_of, default_base_urls())
    key = yaml.safe_load(fb.answer_key.read_text("utf-8"))
    got = {(sid, c["name"]): c["status"] for sid, s in key["sites"].items() for c in s["columns"]
           if "subsite" not in c}
    expected = {
        ("county", "政务要闻"): "fresh", ("county", "部门动态"): "stale",
        ("county", "通知公告"): "stale", ("county", "图片新闻"): "fresh",
        ("county", "工作动态"): "fresh", ("county", "媒体聚焦"): "fresh",
        ("county", "公示公告"): "empty",
        ("county", "政策文件"): "fresh", ("county", "政策解读"): "fresh",
        ("county", "规划计划"): "fresh", ("county", "财政信息"): "fresh",
        ("county", "人事信息"): "empty", ("county", "统计信息"): "empty",
        ("county", "政府信息公开年报"): "fresh", ("county", "办事指南"): "undated",
        ("county", "统计公报"): "stale",
        ("dept-edu", "教育动态"): "fresh", ("dept-edu", "通知公告"): "fresh",
        ("dept-edu", "招生考试"): "empty", ("dept-edu", "教育资讯"): "fresh", ("dept-edu", "学校动态"): "fresh",
        ("town-a", "镇内要闻"): "fresh", ("town-a", "通知公告"): "fresh",
        ("town-a", "乡镇动态"): "stale", ("town-a", "政策文件"): "fresh",
        ("town-a", "财政预决算"): "fresh",
        ("town-b", "工作动态"): "stale", ("town-b", "通知公告"): "stale",
        ("town-b", "政策文件"): "stale", ("town-b", "规划计划"): "fresh",
        ("town-b", "党建工作"): "fresh", ("town-b", "政务公开"): "empty",
        ("town-b", "民生服务"): "empty", ("town-b", "财政信息"): "empty",
        ("town-b", "人事任免"): "empty", ("town-b", "统计数据"): "empty",
        ("dept-fgw", "工作动态"): "fresh", ("dept-fgw", "通知公告"): "fresh",
        ("dept-fgw", "政策文件"): "fresh", ("dept-fgw", "发展规划"): "fresh",
        ("dept-fgw", "价格监测"): "fresh",
        **{("dept-wjw", name): "needs-browser" for name in ("卫健要闻", "通知公告", "政策文件", "人事信息", "专项工作",
                                                           "规划计划")},
        ("dept-wjw", "健康科普"): "fresh", ("dept-wjw", "办事指南"): "fresh",
        ("town-e", "工作动态"): "stale", ("town-e", "通知公告"): "stale",  # the zombie township (500 days)
    }
    assert got == expected
    rendered = {c["name"]: c["browser"]["status"] for c in key["sites"]["dept-wjw"]["columns"] if "browser" in c}
    assert rendered == {"卫健要闻": "fresh", "通知公告": "fresh", "政策文件": "fresh", "人事信息": "fresh",
                        "专项工作": "empty", "规划计划": "stale"}
    homes = {sid: s["homepage"]["stale"] for sid, s in key["sites"].items()}
    assert homes == {"county": False, "dept-edu": False, "town-a": False, "town-b": True,
                     "dept-fgw": False, "dept-wjw": False, "town-c": None, "town-d": None, "town-e": True}


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def test_generation_is_deterministic(tmp_path):
    a = build_farm(tmp_path / "a", AS_OF, default_base_urls(9101))
    b = build_farm(tmp_path / "b", AS_OF, default_base_urls(9101))
    assert _digest(a.root) == _digest(b.root)
    assert "127.0.0.1:9101" in a.sites_file.read_text("utf-8")


def test_trs_pager_and_hanweb_datastore(farm):
    base = farm.base_urls["county"]
    page = fetch(base + "xwzx/zwyw/index.html")[2].decode()
    assert 'createPageHTML(2, 0, "index", "html")' in page
    assert fetch(base + "xwzx/zwyw/index_1.html")[0] == 200
    page = fetch(farm.base_urls["town-a"] + "col/col1001/index.html")[2].decode()
    assert '<script type="text/xml">' in page and "<datastore>" in page and "<recordset>" in page
    assert page.count("<record><![CDATA[") == 30
    art = page[page.index("/art/"):].split('"', 1)[0]
    assert fetch(farm.base_urls["town-a"].rstrip("/") + art)[0] == 200
    nxt = page[page.index("/module/web/jpage/dataproxy.jsp"):].split('"', 1)[0]
    assert "&amp;" not in nxt  # CDATA: the href is raw, as Hanweb writes it
    status, headers, _ = fetch(farm.base_urls["town-a"].rstrip("/") + nxt)
    assert status == 200 and headers["content-type"].startswith("text/xml")


def test_language_versions(farm):
    mgl = fetch(farm.base_urls["town-b"] + "mgl/index.html")[2].decode("utf-8")
    assert sum(1 for ch in mgl if 0x1800 <= ord(ch) <= 0x18AF) > 20
    fgw = farm.base_urls["dept-fgw"]
    home = fetch(fgw)[2].decode()
    assert 'hreflang="en" href="/english/"' in home and ">English<" not in home
    assert "Монгол хэл" in fetch(fgw + "mn/")[2].decode()
    assert fetch(fgw + "mgl/index.html")[0] == 404
    assert fetch(fgw + "english/")[0] == 200
    en_b = fetch(farm.base_urls["town-b"] + "en/index.html")[2].decode("gbk")
    assert "乙镇" in en_b


def test_security_headers_differ_by_site(farm):
    _, county, _ = fetch(farm.urls["county"])
    _, fgw, _ = fetch(farm.urls["dept-fgw"])
    assert county["server"] == "nginx/1.12.2" and "x-frame-options" not in county
    assert "HttpOnly" not in county["set-cookie"]
    assert fgw["server"] == "nginx" and fgw["x-content-type-options"] == "nosniff"
    assert "HttpOnly" in fgw["set-cookie"]


def test_cli_build_writes_sites_file(tmp_path, capsys):
    assert demo_main(["build", str(tmp_path), "--as-of", "2026-11-20", "--base-port", "8101"]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "sites.yaml")
    assert (tmp_path / "answer_key.yaml").exists()


def _results_from_key(key: dict) -> dict:
    """A results.json that reports exactly what the answer key expects (findings from expected_findings)."""
    sites = []
    for sid, s in key["sites"].items():
        findings = [{"check": e["check"], "url": e.get("url", s["url"]), "selector": e.get("selector"),
                     "evidence": e.get("evidence"), "data": dict(e.get("data") or {})}
                    for e in s["expected_findings"] for _ in range(e.get("count", 1))
                    if (not e.get("optional") or e["check"] == "links.broken")  # the broken-link list wants all
                    and e.get("mode") != "browser"]  # a static audit
        for b in (s.get("accessibility") or {}).get("barriers", []):  # a template barrier is on many pages
            if b["pages"] == "many":
                findings.append({"check": b["check"], "url": s["url"] + "x.html", "evidence": b["element"]})
        sites.append({
            "id": sid, "homepage": s["homepage"], "columns": [dict(c) for c in s["columns"]],
            "findings": findings,
            "languages": [{"lang": k, "status": v["status"]} for k, v in s["languages"].items()],
            "not_scanned": [{"url": u, "reason": r} for u, r in s["not_scanned"].items()],
        })
    return {"sites": sites}


def test_compare_reports_exact_match_and_mismatches(key):
    from auditcli.demo.compare import compare

    results = _results_from_key(key)
    assert compare(results, key) == []
    county = results["sites"][0]
    i = next(n for n, c in enumerate(county["columns"]) if c["name"] == "部门动态")
    county["columns"][i] = {**county["columns"][i], "status": "fresh"}
    county["not_scanned"] = county["not_scanned"][1:]
    diffs = compare(results, key)
    assert any("部门动态 status fresh != stale" in d for d in diffs)
    assert any("restricted.html expected http-403" in d for d in diffs)
    county["findings"].append({"check": "a11y.link-name", "url": "http://127.0.0.1/a.html",
                               "evidence": "<a href=\"/\"></a>"})
    county["findings"] = [f for f in county["findings"] if f.get("evidence") != 'name="code"']
    diffs = compare(results, key)
    assert any("unexpected a11y.link-name" in d for d in diffs)
    assert any("a11y.form-label name=\"code\" expected on" in d for d in diffs)


def test_the_farms_workbooks_carry_no_save_time():
    """openpyxl stamps the save time on a workbook's zip entries and its core properties: the farm's XLSX
    would differ from one second to the next (test_generation_is_deterministic failed when a build
    crossed a second)."""
    import io
    import zipfile

    from auditcli.demo.assets import xlsx

    book = zipfile.ZipFile(io.BytesIO(xlsx("名单", [["姓名", "联系电话"], ["张三", "13800000000"]])))
    assert {entry.date_time for entry in book.infolist()} == {(2026, 1, 1, 0, 0, 0)}
    assert b"2026-01-01T00:00:00Z" in book.read("docProps/core.xml")
