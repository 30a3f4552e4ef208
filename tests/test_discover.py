"""`auditcli discover`: a county portal's lists of township and department sites read into a draft sites
file that `audit` loads. Fixtures: tests/data/discover/trs_county/ (a TRS home page with select menus, a
footer script writing a 乡镇 menu, a script array of 县直单位, a GBK 开普云 网站群 page, robots.txt) and
the demo farm."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from auditcli.app.config import load_sites_file
from auditcli.app.discover import Discovery, render
from auditcli.core.subsites import judge, list_kind, name_level, pages_to_follow, read_page
from spiders.sitelist import Fetched, FetchedPage
from tests.conftest import FAST, local_server, run_cli

DATA = Path(__file__).parent / "data" / "discover"
PORTAL = DATA / "trs_county"
TRUTH = yaml.safe_load((DATA / "trs_county.truth.yaml").read_text("utf-8"))
HOME = "http://www.mmx.gov.cn/"
SPEED = ["--delay", "0", "--timeout", "5"]


def fixture_text(path: str, encoding: str = "utf-8") -> str:
    return (PORTAL / path).read_bytes().decode(encoding)


def portal_links() -> list:
    """Every link of the fixture portal's pages as if fetched from www.mmx.gov.cn, in the order discover asks
    for them (the home page, its index pages, its scripts): a site listed twice keeps its first name."""
    return (read_page(HOME, fixture_text("index.html"), "text/html; charset=utf-8")
            + read_page(HOME + "wzq/", fixture_text("wzq/index.html", "gbk"), "text/html")
            + read_page(HOME + "images/foot_link.js", fixture_text("images/foot_link.js"), "application/javascript"))


def truth(base: str) -> dict[str, tuple[str, str]]:
    """url -> (level, name) of the fixture's sub-sites, column trees on `base`."""
    out = {}
    for level, key in (("township", "townships"), ("department", "departments")):
        for site in TRUTH[key]:
            url = base.rstrip("/") + site["url"] if site["url"].startswith("/") else site["url"]
            out[url] = (level, site["name"])
    return out


def recall_precision(found: set[str], expected: set[str]) -> tuple[float, float]:
    hits = len(found & expected)
    return hits / len(expected), (hits / len(found) if found else 0.0)


# -- reading the lists -----------------------------------------------------------------------------------

def test_a_select_menu_whose_options_open_urls_is_read_under_its_first_option():
    links = read_page(HOME, fixture_text("index.html"), "text/html")
    menu = {link.name: link for link in links if link.how == "select"}
    assert menu["某某县市场监督管理局"].url == "http://scjgj.mmx.gov.cn/"
    assert menu["某某县市场监督管理局"].heading == "县直部门"
    assert menu["某某县财政局"].url == HOME + "bm/czj/"          # ./bm/czj/ made absolute
    assert menu["某某市人民政府"].heading == "国家及省市网站"
    assert "----县直部门----" not in menu and "" not in menu


def test_a_menu_a_footer_script_writes_with_document_write_is_read():
    links = read_page(HOME + "images/foot_link.js", fixture_text("images/foot_link.js"), "application/javascript")
    assert [(link.name, link.url, link.heading) for link in links] == [
        ("城关镇", "http://cgz.mmx.gov.cn/", "乡镇（街道）网站"),
        ("乙乡人民政府", "http://yx.mmx.gov.cn/", "乡镇（街道）网站"),
        ("新港街道办事处", "http://xgjd.mmx.gov.cn/", "乡镇（街道）网站"),
    ]


def test_a_script_array_of_name_and_url_is_read():
    scripted = {link.name: link.url for link in read_page(HOME, fixture_text("index.html"), "text/html")
                if link.how == "script"}
    assert scripted == {"某某县公安局": "http://gaj.mmx.gov.cn/", "某某县卫生健康局": "http://wjj.mmx.gov.cn/",
                        "12345政务服务便民热线": "http://12345.guizhou.gov.cn/"}


def test_the_link_blocks_of_a_gbk_site_group_page_are_read_under_their_headings():
    links = read_page(HOME + "wzq/", fixture_text("wzq/index.html", "gbk"), "text/html")
    headings = {link.name: link.heading for link in links}
    assert headings["哈木苏木"] == "乡镇（街道）"
    assert headings["林业和草原"] == "县直部门"
    assert headings["中国工商银行"] == "友情链接"
    assert list_kind("乡镇（街道）") == "township" and list_kind("县直部门") == "department"
    assert list_kind("友情链接") == "mixed" and list_kind("部门动态") is None


@pytest.mark.parametrize(("name", "level"), [
    ("甲镇人民政府", "township"), ("城关街道办事处", "township"), ("新港街道", "township"), ("哈木苏木", "township"),
    ("某某县乡村振兴局", "department"), ("示例县发展和改革委员会", "department"), ("县政府办公室", "department"),
    ("某某县大数据发展中心", "department"), ("某某县人民政府门户网站", "government"), ("贵州省人民政府", "government"),
    ("某某市人民政府", "government"), ("中国政府网", "government"), ("林业和草原", None), ("政务公开", None),
])
def test_names_say_their_level(name, level):
    assert name_level(name) == level


def test_the_home_page_leads_to_the_site_group_page_and_the_menu_script_but_not_to_news_lists():
    follow = pages_to_follow(HOME, fixture_text("index.html"), "text/html", HOME)
    assert follow == [HOME + "wzq/", HOME + "wzq/old/index.html", HOME + "images/foot_link.js"]


# -- judging the links -----------------------------------------------------------------------------------

def test_the_fixture_portal_s_sub_sites_are_found_with_their_levels_and_nothing_else():
    draft = judge(portal_links(), HOME, "某某县人民政府", start_page=HOME)
    found = {entry.url: (entry.level, entry.name) for entry in draft.sites}
    assert found == truth(HOME)
    assert draft.undecided == []
    assert {entry.url for entry in draft.left_out} == set(TRUTH["not_subsites"])


def test_a_home_page_without_lists_of_sites_yields_no_sub_site_from_its_columns_news_or_badges():
    """tests/data/portals/trs_county_home.html: menus, news boxes, a footer written by script, no site lists."""
    page = (DATA.parent / "portals" / "trs_county_home.html").read_text("utf-8")
    draft = judge(read_page(HOME, page, "text/html"), HOME, "某某县人民政府", start_page=HOME)
    assert (draft.sites, draft.undecided, draft.left_out) == ([], [], [])


def test_a_township_hosted_as_a_column_tree_gets_its_directory_as_url():
    draft = judge(portal_links(), HOME, "某某县人民政府", start_page=HOME)
    sites = {entry.name: entry for entry in draft.sites}
    assert sites["哈木苏木"].url == HOME + "xxgk/zfxxgkml/hmsm/"      # from …/hmsm/index.shtml
    assert sites["甲镇"].url == HOME + "xxgk/zfxxgkml/jiazhen/"
    assert "column tree" in sites["甲镇"].notes[0]
    assert "level from the list heading" in sites["林业和草原"].notes[0]


def test_an_unclear_name_on_the_county_s_own_domain_is_left_undecided_and_commented_out(tmp_path):
    page = ('<html><head><meta name="SiteName" content="某某县人民政府"></head><body><div class="wzq-box">'
            '<div class="wzq-tit">政府网站群</div><ul><li><a href="http://dj.mmx.gov.cn/">智慧党建</a></li>'
            '<li><a href="http://jyj.mmx.gov.cn/">教育局</a></li><li><a href="/zwgk/">政务公开</a></li></ul></div>'
            '</body></html>')
    draft = judge(read_page(HOME, page, "text/html"), HOME, "某某县人民政府", start_page=HOME)
    assert [entry.name for entry in draft.sites] == ["教育局"]
    assert [entry.url for entry in draft.undecided] == ["http://dj.mmx.gov.cn/"]
    out = tmp_path / "sites.yaml"
    text = render(Discovery(draft, Fetched([FetchedPage(HOME, HOME, 200, page, "text/html")], []), _today()))
    out.write_text(text, "utf-8")
    config = load_sites_file(out)
    assert [(site.id, site.level, site.parent) for site in config.sites] == [
        ("county", "county", None), ("dept-jyj", "department", "county")]
    assert "\n  # - id: site-dj\n" in text and "\n  #   url: http://dj.mmx.gov.cn/\n" in text


def test_the_draft_loads_with_the_audit_loader_ids_unique_levels_and_parents_set(tmp_path):
    draft = judge(portal_links(), HOME, "某某县人民政府", start_page=HOME)
    out = tmp_path / "sites.yaml"
    out.write_text(render(Discovery(draft, Fetched([], []), _today())), "utf-8")
    config = load_sites_file(out)
    assert config.sites[0].id == "county" and config.sites[0].url == HOME
    by_url = {site.url: site for site in config.sites[1:]}
    assert {url: (site.level, site.name) for url, site in by_url.items()} == truth(HOME)
    assert all(site.parent == "county" for site in config.sites[1:])
    assert by_url["http://jyj.mmx.gov.cn/"].id == "dept-jyj"
    assert by_url[HOME + "xxgk/zfxxgkml/jiazhen/"].id == "town-jiazhen"


def _today():
    from datetime import date

    return date(2026, 11, 20)


# -- the command, on a served portal -------------------------------------------------------------------------

class PortalHandler(BaseHTTPRequestHandler):
    """tests/data/discover/trs_county as its server sends it: the GBK page without a charset in the header."""

    requested: list[str] = []
    lock = threading.Lock()

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path = urlsplit(self.path).path
        with self.lock:
            self.requested.append(path)
        file = PORTAL / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
        if not file.is_file() or PORTAL not in file.resolve().parents:
            self.send_error(404)
            return
        body = file.read_bytes()
        kind = {".js": "application/javascript", ".txt": "text/plain"}.get(file.suffix, "text/html")
        if file.suffix == ".html" and b"charset=utf-8" in body[:400]:
            kind += "; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_discover_on_a_served_county_portal_finds_every_sub_site_and_obeys_robots(tmp_path):
    PortalHandler.requested = []
    out = tmp_path / "sites.yaml"
    with local_server(PortalHandler) as port:
        base = f"http://127.0.0.1:{port}/"
        result = run_cli("discover", base, "--out", str(out), *SPEED)
    assert result.returncode == 0, result.stderr[-2000:]
    config = load_sites_file(out)
    found = {site.url: (site.level, site.name) for site in config.sites if site.id != "county"}
    expected = truth(base)
    recall, precision = recall_precision(set(found), set(expected))
    assert (recall, precision) == (1.0, 1.0), sorted(set(found) ^ set(expected))
    assert found == expected                      # levels and names (the GBK page's names read right) too
    text = out.read_text("utf-8")
    assert "/wzq/old/index.html (robots)" in text  # linked, disallowed, not fetched
    assert "/wzq/old/index.html" not in PortalHandler.requested
    assert "/xwzx/bmdt/" not in PortalHandler.requested  # a news column's 更多 is no list of sites
    assert sorted(PortalHandler.requested) == ["/", "/images/foot_link.js", "/robots.txt", "/wzq/"]
    assert "http://www.guizhou.gov.cn/" in text.split("# Left out")[1]


def test_max_pages_bounds_what_discover_reads(tmp_path):
    PortalHandler.requested = []
    out = tmp_path / "sites.yaml"
    with local_server(PortalHandler) as port:
        result = run_cli("discover", f"http://127.0.0.1:{port}/", "--out", str(out), "--max-pages", "1", *SPEED)
    assert result.returncode == 0, result.stderr[-2000:]
    assert sorted(PortalHandler.requested) == ["/", "/robots.txt"]
    names = {site.name for site in load_sites_file(out).sites}
    assert "某某县教育局" in names and "哈木苏木" not in names and "城关镇" not in names


def test_discover_refuses_a_bad_url_or_out_path_with_exit_2_before_any_fetch(tmp_path):
    for url in ("ftp://www.mmx.gov.cn/", "www.mmx.gov.cn", "http://:80/"):
        result = run_cli("discover", url, "--out", str(tmp_path / "s.yaml"))
        assert result.returncode == 2, (url, result.stderr)
        assert "COUNTY_URL" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("discover", "http://127.0.0.1:9/", "--out", str(tmp_path / "no" / "s.yaml"))
    assert result.returncode == 2 and "no such directory" in result.stderr
    assert not (tmp_path / "s.yaml").exists()


def test_discover_exits_3_when_the_home_page_cannot_be_read(tmp_path):
    out = tmp_path / "sites.yaml"
    out.write_text("sites: [{url: 'http://keep.example/'}]\n", "utf-8")
    with local_server(PortalHandler) as port:
        pass  # the port is free again: connections are refused
    result = run_cli("discover", f"http://127.0.0.1:{port}/", "--out", str(out), *SPEED)
    assert result.returncode == 3, result.stderr
    assert "home page could not be fetched (connection-refused" in result.stderr
    assert out.read_text("utf-8") == "sites: [{url: 'http://keep.example/'}]\n"   # left as it was


def test_discover_on_the_demo_farm_finds_its_linked_sub_sites_and_the_draft_audits(demo_farm, tmp_path):
    out = tmp_path / "sites.yaml"
    result = run_cli("discover", demo_farm.urls["county"], "--out", str(out), *SPEED)
    assert result.returncode == 0, result.stderr[-2000:]
    draft = load_sites_file(out)
    hand = {site.url: site for site in load_sites_file(demo_farm.sites_file).sites}
    found = {site.url: site for site in draft.sites}
    farm_subsites = {url for url, site in hand.items() if site.level != "county"}
    lyj = demo_farm.base_urls["dept-lyj"]  # linked from the county portal, left out of the hand-written file
    recall, precision = recall_precision(set(found) - {demo_farm.urls["county"], lyj}, farm_subsites)
    # every sub-site the county portal links (dept-wjw too, since the tree's coverage is judged), and nothing else
    assert precision == 1.0 and recall == 1.0, sorted(set(found) ^ set(hand))
    assert set(found) - set(hand) == {lyj} and found[lyj].level == "department"
    for url, site in ((u, s) for u, s in found.items() if u != lyj):
        assert (site.level, site.name, site.parent) == (hand[url].level, hand[url].name, hand[url].parent)
    audit_out = tmp_path / "audit"
    result = run_cli("audit", str(out), "--out", str(audit_out), "--format", "html", "--no-history", *FAST, timeout=600)
    assert result.returncode in (0, 1), result.stderr[-3000:]
    results = yaml.safe_load((audit_out / "results.json").read_text("utf-8"))
    assert {site["id"] for site in results["sites"]} == {site.id for site in draft.sites}
    dead = demo_farm.urls["town-c"]  # answers 503: the tree's dead branch
    assert all(site["status"] == ("unreachable" if site["url"] == dead else "ok")
               for site in results["sites"] if site["url"] != demo_farm.urls["county"])
