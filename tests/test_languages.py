"""Language versions (docs/SPEC.md §6 `language.*`): link detection and script share on real-looking snippets,
then the demo farm end to end (every status), and a version outside the site's scope crawled to depth."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from http.server import BaseHTTPRequestHandler

import pytest
import yaml
from parsel import Selector

from auditcli.core.language_links import classify_link, is_language_link, language_of_text, version_root
from auditcli.core.models import SiteConfig
from auditcli.core.tree import parse
from auditcli.stores.pagestore import PageStore
from auditcli.stores.results import validate
from checks import languages as L
from spiders.discovery import extract_links
from tests.conftest import FAST, local_server  # noqa: E402

PORTAL = SiteConfig(id="county", name="示例县人民政府", url="http://www.shili.gov.cn/")
COLUMN_TREE = SiteConfig(id="dept", name="示例县发改委", url="http://www.shili.gov.cn/bm/fgw/", level="department")


# ------------------------------------------------------------------------------------ link words
@pytest.mark.parametrize(("text", "lang"), [
    ("English", "en"), ("EN", "en"), ("English Version", "en"), ("[ENGLISH]", "en"), ("英文版", "en"),
    ("英文网站", "en"), ("蒙古文", "mn"), ("蒙文版", "mn"), ("蒙古文版", "mn"), ("ᠮᠣᠩᠭᠣᠯ", "mn"),
    ("ᠮᠣᠩᠭᠣᠯ ᠬᠡᠯᠡ", "mn"), ("Монгол хэл", "mn"), ("藏文版", "bo"), ("བོད་ཡིག", "bo"), ("维吾尔文", "ug"),
    ("ئۇيغۇرچە", "ug"), ("朝鲜文", "ko"), ("한국어", "ko"),
])
def test_language_switch_texts_are_recognised(text, lang):
    assert language_of_text(text) == lang


@pytest.mark.parametrize("text", [
    "我县举办蒙古文书法展览", "蒙古文书法展", "英文培训班开班", "OPEN", "Open Government Information", "中文",
    "简体中文", "首页", "Shili County holds Naadam Fair and invites guests from many provinces",
])
def test_headlines_and_other_texts_are_not_language_switches(text):
    assert language_of_text(text) is None


def test_image_alt_of_a_language_link_counts_as_link_text():
    html = Selector(text='<div class="top"><a href="/mgl/index.html"><img src="/images/mgl.png" alt="蒙古文版"></a></div>')
    (link,) = [lk for lk in extract_links(html, "http://www.shili.gov.cn/") if lk.tag == "a"]
    hit = classify_link(link.url, link.text, link.hreflang, PORTAL)
    assert (hit.lang, hit.found_by) == ("mn", "link-text")


def test_hreflang_alternates_are_language_links():
    html = Selector(text='<html><head><link rel="alternate" hreflang="zh-CN" href="/">'
                         '<link rel="alternate" hreflang="en" href="/english/">'
                         '<link rel="alternate" hreflang="mn-Mong" href="/mgl/"></head><body></body></html>')
    found = {lk.url: classify_link(lk.url, lk.text, lk.hreflang, PORTAL)
             for lk in extract_links(html, "http://www.shili.gov.cn/") if lk.tag == "link-alternate"}
    assert found["http://www.shili.gov.cn/"] is None
    assert (found["http://www.shili.gov.cn/english/"].lang, found["http://www.shili.gov.cn/english/"].found_by) == ("en", "hreflang")
    assert found["http://www.shili.gov.cn/mgl/"].lang == "mn"


@pytest.mark.parametrize(("url", "lang"), [
    ("http://www.shili.gov.cn/en/", "en"), ("http://www.shili.gov.cn/english/index.html", "en"),
    ("http://www.shili.gov.cn/mn/", "mn"), ("http://www.shili.gov.cn/mgw/index.html", "mn"),
    ("http://en.shili.gov.cn/", "en"), ("http://mgl.shili.gov.cn/index.html", "mn"),
    ("http://www.shili.gov.cn/zw/", None), ("http://www.shili.gov.cn/xwzx/index.html", None),
    ("http://en.other.gov.cn/", None),
])
def test_version_roots_in_urls_are_recognised(url, lang):
    hit = classify_link(url, "", None, PORTAL)
    assert (hit.lang if hit else None) == lang
    if hit:
        assert hit.found_by == "url"


def test_url_hints_of_a_column_tree_site_are_below_its_prefix():
    assert classify_link("http://www.shili.gov.cn/bm/fgw/en/", "", None, COLUMN_TREE).lang == "en"
    assert version_root("http://www.shili.gov.cn/bm/fgw/en/news/a.html", COLUMN_TREE) == "http://www.shili.gov.cn/bm/fgw/en/"


def test_national_english_sites_are_not_the_sites_own_version():
    assert not is_language_link("http://english.www.gov.cn/", "English", None, PORTAL)


def test_version_root_groups_a_versions_pages():
    assert version_root("http://www.shili.gov.cn/en/news/202511/t20251116_9000.html", PORTAL) == "http://www.shili.gov.cn/en/"
    assert version_root("http://mgl.shili.gov.cn/xw/1.html", PORTAL) == "http://mgl.shili.gov.cn/"


# ------------------------------------------------------------------------------------ script share
ENGLISH_PAGE = """<html lang="en"><head><title>Shili County People's Government</title></head><body>
<div class="header"><h1>Shili County People's Government</h1><a href="/en/index.html">Home</a></div>
<h2>Latest News</h2><ul class="list"><li><a href="#">Shili County holds Naadam Fair</a><span>2025-10-16</span></li>
<li><a href="#">County signs agricultural cooperation agreement</a><span>2025-09-16</span></li></ul>
<p><a href="/index.html">中文</a></p><div class="footer">Copyright Shili County 主办单位：示例县人民政府</div></body></html>"""
CHINESE_BEHIND_ENGLISH = """<html><head><title>English--乙镇人民政府</title></head><body>
<a href="/en/index.html">English</a> <a href="/mgl/index.html">蒙古文版</a>
<h2>英文版</h2><p>英文版网站正在建设中，敬请期待。乙镇人民政府欢迎您。</p>
<ul><li>乙镇召开春季植树造林动员会</li><li>乙镇开展春耕备耕督导检查</li></ul></body></html>"""
MONGOLIAN_PAGE = """<html lang="mn-Mong"><head><title>ᠶᠢ ᠪᠠᠯᠭᠠᠰᠤᠨ ᠤ ᠠᠷᠠᠳ ᠤᠨ ᠵᠠᠰᠠᠭ ᠤᠨ ᠭᠠᠵᠠᠷ</title></head><body>
<div style="writing-mode: vertical-lr"><h1>ᠶᠢ ᠪᠠᠯᠭᠠᠰᠤᠨ ᠤ ᠠᠷᠠᠳ ᠤᠨ ᠵᠠᠰᠠᠭ ᠤᠨ ᠭᠠᠵᠠᠷ</h1><a href="/index.html">中文</a>
<h2>ᠰᠢᠨ᠎ᠡ ᠮᠡᠳᠡᠭᠡ</h2><ul><li>ᠪᠠᠯᠭᠠᠰᠤᠨ ᠤ ᠬᠤᠷᠠᠯ ᠬᠢᠭᠰᠡᠨ ᠪᠠᠶᠢᠨ᠎ᠠ <span>᠒᠐᠒᠖-᠑᠑-᠑᠐</span></li>
<li>ᠮᠠᠯᠵᠢᠯ ᠤᠨ ᠠᠵᠤ ᠠᠬᠤᠢ ᠶᠢᠨ ᠰᠤᠷᠭᠠᠯᠲᠠ</li></ul></div></body></html>"""
CYRILLIC_PAGE = """<html lang="mn"><head><title>Шилийн сумын Хөгжил, шинэчлэлийн хороо</title></head><body>
<h1>Шилийн сумын Хөгжил, шинэчлэлийн хороо</h1><ul><li>Төслийн хуралдаан болов <span>2026-11-08</span></li>
<li>Үнийн хяналт шалгалт хийв</li></ul><p>Огноо: 2026-11-08</p></body></html>"""
TIBETAN = "བོད་ལྗོངས་རང་སྐྱོང་ལྗོངས་མི་དམངས་སྲིད་གཞུང་གི་དྲ་ཚིགས།"
UYGHUR = "شىنجاڭ ئۇيغۇر ئاپتونوم رايونلۇق خەلق ھۆكۈمىتى تور بېكىتى"
KOREAN = "연변조선족자치주 인민정부 홈페이지에 오신 것을 환영합니다"


def visible(html: str) -> str:
    return L.visible_text(parse(html))


def test_english_page_is_mostly_latin_despite_a_chinese_footer():
    share, letters = L.script_share(visible(ENGLISH_PAGE), "en")
    assert share > 0.9 and letters > 100


def test_chinese_page_behind_an_english_link_has_little_latin():
    share, _ = L.script_share(visible(CHINESE_BEHIND_ENGLISH), "en")
    assert share < 0.3
    assert L.dominant_script(visible(CHINESE_BEHIND_ENGLISH)) == "han"


def test_traditional_mongolian_counts_for_mn():
    share, _ = L.script_share(visible(MONGOLIAN_PAGE), "mn")
    assert share > 0.9
    assert L.dominant_script(visible(MONGOLIAN_PAGE)) == "mongolian"


def test_cyrillic_mongolian_counts_for_mn_but_not_for_en():
    assert L.script_share(visible(CYRILLIC_PAGE), "mn")[0] > 0.9
    assert L.script_share(visible(CYRILLIC_PAGE), "en")[0] < 0.1


@pytest.mark.parametrize(("text", "lang"), [(TIBETAN, "bo"), (UYGHUR, "ug"), (KOREAN, "ko")])
def test_tibetan_uyghur_and_hangul_scripts(text, lang):
    assert L.script_share(text, lang)[0] > 0.9
    assert L.script_share(text, "mn")[0] == 0.0


def test_digits_and_punctuation_are_not_letters():
    assert L.script_counts("2026-11-20 ©|:") == {}


def test_scripts_and_styles_are_not_visible_text():
    html = "<html><body><script>var English = 'Latin words';</script><style>.a{}</style><p>中文内容</p></body></html>"
    assert L.script_share(visible(html), "en")[0] == 0.0


def test_dates_in_mongolian_digits_and_english_month_names():
    as_of = date(2026, 11, 20)
    assert date(2026, 11, 10) in L.page_dates("http://x/mgl/1.html", visible(MONGOLIAN_PAGE), as_of)
    assert date(2025, 1, 10) in L.page_dates("http://x/en/1.html", "Posted on Jan 10, 2025 by the office", as_of)
    assert date(2025, 3, 5) in L.page_dates("http://x/en/1.html", "5 March 2025", as_of)
    assert L.page_dates("http://x/en/news/202511/t20251116_9000.html", "", as_of) == [date(2025, 11, 16)]


# ------------------------------------------------------------------------------------ the demo farm
@pytest.fixture(scope="module")
def audited(demo_audit):
    return demo_audit.results, demo_audit.sites, {"sites": demo_audit.key}


def block(sites, site_id):
    out: dict[str, dict] = {}
    for entry in sites[site_id]["languages"]:
        assert entry["lang"] not in out, "one entry per language"
        out[entry["lang"]] = entry
    return out


def findings(sites, site_id, check_id):
    return [f for f in sites[site_id]["findings"] if f["check"] == check_id]


def test_results_validate(audited):
    results, _, _ = audited
    validate(results)


def test_county_english_is_stale(audited):
    _, sites, key = audited
    en = block(sites, "county")["en"]
    expected = key["sites"]["county"]["languages"]["en"] if isinstance(key["sites"], dict) else None
    assert en["status"] == "stale" and en["required"] and en["found_by"] == "link-text"
    assert en["url"].endswith("/en/index.html")
    assert en["lag_days"] > 90 and en["script_share"] > 0.9
    if expected:
        assert (en["latest_date"], en["lag_days"]) == (expected["latest_date"], expected["lag_days"])
    (finding,) = findings(sites, "county", "language.stale")
    assert finding["severity"] == "low" and finding["url"] == en["url"]
    assert finding["selector"] == 'span.tools a[href="/en/index.html"]'
    assert en["latest_date"] in finding["message"] and "滞后" in finding["message"]
    assert finding["fix"] and finding["refs"]


def test_county_mongolian_is_missing(audited):
    _, sites, _ = audited
    mn = block(sites, "county")["mn"]
    assert (mn["status"], mn["url"], mn["required"]) == ("missing", None, True)
    (finding,) = findings(sites, "county", "language.missing")
    assert finding["severity"] == "medium" and finding["url"] == sites["county"]["url"]
    assert finding["data"]["lang"] == "mn" and finding["message_en"]


def test_chinese_page_behind_english_link_is_wrong_language(audited):
    _, sites, _ = audited
    en = block(sites, "town-b")["en"]
    assert en["status"] == "wrong-language" and en["script_share"] < 0.3
    (finding,) = findings(sites, "town-b", "language.wrong-language")
    assert finding["url"].endswith("/en/index.html") and finding["severity"] == "medium"
    assert "Han" in finding["evidence"] and "%" in finding["message"]


def test_traditional_mongolian_version_is_ok(audited):
    _, sites, _ = audited
    mn = block(sites, "town-b")["mn"]
    assert mn["status"] == "ok" and mn["url"].endswith("/mgl/index.html")
    assert mn["script_share"] > 0.9 and mn["latest_date"] == "2026-11-10" and mn["lag_days"] == 0
    assert not findings(sites, "town-b", "language.stale")


def test_cyrillic_mongolian_is_ok_and_its_dead_extra_link_is_a_broken_link_not_a_broken_version(audited):
    _, sites, _ = audited
    mn = block(sites, "dept-fgw")["mn"]
    assert mn["status"] == "ok" and mn["url"].endswith("/mn/") and mn["lang_attr"] == "mn"
    statuses = {link["url"].rsplit("/", 2)[-2]: link["status"] for link in mn["links"]}
    assert statuses == {"mn": "ok", "mgl": "broken"}
    assert findings(sites, "dept-fgw", "language.broken") == []  # Mongolian is offered, at /mn/
    (finding,) = [f for f in findings(sites, "dept-fgw", "links.broken") if f["url"].endswith("/mgl/index.html")]
    assert finding["data"]["confidence"] == "confirmed" and finding["selector"] == 'a[href="/mgl/index.html"]'


def test_hreflang_only_english_alternate_is_found(audited):
    _, sites, _ = audited
    en = block(sites, "dept-fgw")["en"]
    assert (en["status"], en["found_by"]) == ("ok", "hreflang")
    assert en["url"].endswith("/english/") and en["lag_days"] <= 90
    assert en["selector"] == 'link[rel="alternate"][hreflang="en"]'


def test_site_without_language_versions_reports_none(audited):
    _, sites, _ = audited
    assert sites["dept-edu"]["languages"] == []
    assert not [f for f in sites["dept-edu"]["findings"] if f["dimension"] == "languages"]


def test_statuses_match_the_answer_key(audited):
    _, sites, key = audited
    key_sites = key["sites"] if isinstance(key["sites"], dict) else {s["id"]: s for s in key["sites"]}
    for site_id in ("county", "town-b", "dept-fgw"):
        ours = block(sites, site_id)
        for lang, expected in key_sites[site_id]["languages"].items():
            assert ours[lang]["status"] == expected["status"], (site_id, lang)
            assert ours[lang]["url"] == expected["url"], (site_id, lang)


# ------------------------------------------------------------------------------------ out of scope
class _Versions(BaseHTTPRequestHandler):
    """A column-tree site /bm/fgw/ whose English version lives outside it at /en/, four levels deep."""

    PAGES = {
        "/bm/fgw/index.html": '<html lang="zh-CN"><body><a href="/en/index.html">English</a>'
                              '<a href="/bm/fgw/ko/index.html">한국어</a>'
                              '<a href="/bm/fgw/tzgg/index.html">通知公告</a></body></html>',
        "/bm/fgw/tzgg/index.html": '<html lang="zh-CN"><body><ul><li><a href="#">关于开展价格检查的通知</a>'
                                   "<span>2026-11-18</span></li></ul></body></html>",
        "/en/index.html": '<html lang="en"><body><h1>Development and Reform Commission</h1>'
                          '<a href="/en/news/index.html">News and announcements</a></body></html>',
        "/en/news/index.html": '<html lang="en"><body><h1>News</h1><a href="/en/news/2026/price.html">'
                               "Price inspection carried out in the county</a></body></html>",
        "/en/news/2026/price.html": '<html lang="en"><body><h1>Price inspection carried out</h1>'
                                    '<p>Date: 2026-06-01</p><a href="/en/news/2026/more/deeper.html">More</a></body></html>',
        "/en/news/2026/more/deeper.html": '<html lang="en"><body><p>Too deep: 2026-11-19</p></body></html>',
    }

    def do_GET(self):  # noqa: N802 (http.server API)
        path = self.path if not self.path.endswith("/") else self.path + "index.html"
        body = self.PAGES.get(path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        data = (body or "<html><body>not found</body></html>").encode("utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def out_of_scope(tmp_path_factory):
    from tests.conftest import run_cli

    with local_server(_Versions) as port:
        base = f"http://127.0.0.1:{port}"
        out = tmp_path_factory.mktemp("outofscope")
        sites_file = out / "sites.yaml"
        sites_file.write_text(yaml.safe_dump({"sites": [
            {"id": "fgw", "name": "发改委", "level": "department", "url": base + "/bm/fgw/", "languages": ["en"]},
        ]}, allow_unicode=True), "utf-8")
        result = run_cli("audit", str(sites_file), "--out", str(out), "--only", "languages", *FAST)
        assert result.returncode in (0, 1), result.stderr
        results = json.loads((out / "results.json").read_text("utf-8"))
        yield base, results["sites"][0], PageStore.open_existing(out / "crawl")


def test_out_of_scope_version_is_crawled_two_levels_below_its_entry(out_of_scope):
    base, _, store = out_of_scope
    kinds = {url: kind for url, _, _, kind in store.fetch_statuses("fgw")}
    assert kinds[base + "/en/index.html"] == "language"
    assert kinds[base + "/en/news/2026/price.html"] == "language"
    assert base + "/en/news/2026/more/deeper.html" not in kinds


def test_out_of_scope_version_is_dated_from_its_deepest_crawled_page(out_of_scope):
    _, site, _ = out_of_scope
    (en,) = [entry for entry in site["languages"] if entry["lang"] == "en"]
    assert (en["status"], en["latest_date"], en["main_latest_date"]) == ("stale", "2026-06-01", "2026-11-18")
    assert en["lag_days"] == 170


def test_version_nobody_required_is_listed_with_an_info_finding(out_of_scope):
    _, site, _ = out_of_scope
    ko = next(entry for entry in site["languages"] if entry["lang"] == "ko")
    assert (ko["status"], ko["required"], ko["http_status"]) == ("broken", False, 404)
    (finding,) = [f for f in site["findings"] if f["check"] == "language.broken"]
    assert finding["severity"] == "info" and "한국어" in finding["message"]


# ------------------------------------------------------------------------------------ stored crawls
def _store_with(tmp_path, pages, links=(), not_scanned=()):
    import time

    from auditcli.stores.pagestore import Link, StoredPage

    store = PageStore(tmp_path)
    for url, html, kind, status in pages:
        store.add_page(StoredPage("county", url, url, status, {"content-type": "text/html; charset=utf-8"},
                                  html.encode("utf-8"), "utf-8", "text/html; charset=utf-8", kind, 0, None, 0.01, time.time()))
    store.add_links("county", [Link(src, dst, text, "a", False, "external") for src, dst, text in links])
    for url, reason in not_scanned:
        store.add_not_scanned("county", url, reason)
    store.commit()
    return store


HOME = ('<html lang="zh-CN"><body><div id="top"><a href="http://en.shili.gov.cn/">English</a>'
        '<a href="http://mgl.shili.gov.cn/">蒙古文</a></div><ul><li>县政府召开常务会议<span>2026-11-18</span></li></ul>'
        "</body></html>")


def test_subdomain_versions_undated_counts_as_stale_and_timeout_is_broken(tmp_path):
    from checks.engine.siteview import SiteView

    site_config = SiteConfig(id="county", name="示例县", url="http://www.shili.gov.cn/", languages=("en", "mn", "bo"))
    store = _store_with(
        tmp_path,
        pages=[("http://www.shili.gov.cn/", HOME, "page", 200),
               ("http://en.shili.gov.cn/", '<html lang="en"><body><h1>Welcome to Shili County</h1>'
                "<p>Shili County lies in central Inner Mongolia, a land of grassland.</p></body></html>", "language", 200)],
        links=[("http://www.shili.gov.cn/", "http://en.shili.gov.cn/", "English"),
               ("http://www.shili.gov.cn/", "http://mgl.shili.gov.cn/", "蒙古文")],
        not_scanned=[("http://mgl.shili.gov.cn/", "timeout")],
    )
    site = SiteView(site_config, store, date(2026, 11, 20))
    versions = {v.lang: v for v in L.find_versions(site)}
    assert (versions["en"].status, versions["en"].latest_date, versions["en"].selector) == (
        "stale", None, '#top a[href="http://en.shili.gov.cn/"]')
    assert (versions["mn"].status, versions["mn"].failure) == ("broken", "timeout")
    assert versions["bo"].status == "missing"
    broken = list(L.language_broken(site))
    assert "请求超时" in broken[0].message and broken[0].locator == "mn"
    assert "no dated item" in list(L.language_stale(site))[0].message_en


def test_unreachable_site_is_not_reported_missing(tmp_path):
    from checks.engine.siteview import SiteView

    store = _store_with(tmp_path, pages=[], not_scanned=[("http://www.shili.gov.cn/", "connection-refused")])
    site = SiteView(SiteConfig(id="county", name="示例县", url="http://www.shili.gov.cn/", languages=("en",)),
                    store, date(2026, 11, 20))
    assert L.find_versions(site) == [] and not list(L.language_missing(site))


def test_version_excluded_by_robots_is_not_assessed_rather_than_ok(tmp_path):
    from checks.engine.siteview import SiteView

    store = _store_with(
        tmp_path,
        pages=[("http://www.shili.gov.cn/", HOME, "page", 200)],
        links=[("http://www.shili.gov.cn/", "http://en.shili.gov.cn/", "English")],
        not_scanned=[("http://en.shili.gov.cn/", "robots")],
    )
    site = SiteView(SiteConfig(id="county", name="示例县", url="http://www.shili.gov.cn/", languages=("en",)),
                    store, date(2026, 11, 20))
    (en,) = [entry for entry in L.languages_block(site) if entry["lang"] == "en"]
    assert en["status"] == "not-assessed" and en["assessed"] is False
    assert not list(L.language_broken(site)) and not list(L.language_missing(site))


def test_rate_limited_version_is_not_judged_and_lag_limit_comes_from_the_sites_file(tmp_path):
    from checks.engine.siteview import SiteView

    page = ('<html lang="en"><body><h1>Shili County</h1><p>County news and notices for visitors.</p>'
            "<ul><li>Spring planting begins 2026-06-01</li></ul></body></html>")
    store = _store_with(
        tmp_path,
        pages=[("http://www.shili.gov.cn/", HOME, "page", 200), ("http://en.shili.gov.cn/", page, "language", 200),
               ("http://mgl.shili.gov.cn/", "<html><body>Too many requests</body></html>", "language", 429)],
        links=[("http://www.shili.gov.cn/", "http://en.shili.gov.cn/", "English"),
               ("http://www.shili.gov.cn/", "http://mgl.shili.gov.cn/", "蒙古文")],
    )
    config = SiteConfig(id="county", name="示例县", url="http://www.shili.gov.cn/", languages=("en", "mn"))
    entries = {e["lang"]: e for e in L.languages_block(SiteView(config, store, date(2026, 11, 20)))}
    assert entries["mn"]["status"] == "not-assessed" and entries["en"]["status"] == "stale"  # 170 days > 90
    lenient = replace(config, language_lag_days=200)
    entries = {e["lang"]: e for e in L.languages_block(SiteView(lenient, store, date(2026, 11, 20)))}
    assert entries["en"]["status"] == "ok"


def test_a_wrong_language_link_misleads_whether_required_or_not(tmp_path):
    from checks.engine.siteview import SiteView

    chinese = "<html><body><h1>示例县人民政府</h1><p>" + "县政府召开常务会议研究部署重点工作。" * 10 + "</p></body></html>"
    store = _store_with(
        tmp_path,
        pages=[("http://www.shili.gov.cn/", HOME, "page", 200), ("http://en.shili.gov.cn/", chinese, "language", 200)],
        links=[("http://www.shili.gov.cn/", "http://en.shili.gov.cn/", "English")],
    )
    nobody_asked = SiteConfig(id="county", name="示例县", url="http://www.shili.gov.cn/")
    (finding,) = list(L.language_wrong(SiteView(nobody_asked, store, date(2026, 11, 20))))
    assert finding.severity is None  # the runner gives it the catalogue's severity (medium), not info
