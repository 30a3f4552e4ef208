"""coverage.*: parked and default pages as servers and registrars write them, a county portal's footer menu
of sub-sites, and the county tree judged across the sites of an audit (both sides of each rule)."""

from __future__ import annotations

from datetime import date

import pytest

from auditcli.core import subsites
from auditcli.demo.sites.branches import PARKED_PAGE
from auditcli.stores.pagestore import StoredPage
from checks.engine.siteview import Page
from checks.links.coverage import PRIVATE_BLOCK, note_coverage, parked_kind

AS_OF = date(2026, 11, 20)

NGINX = ("<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to nginx!</h1>"
         "<p>If you see this page, the nginx web server is successfully installed and working. Further configuration "
         "is required.</p><p><em>Thank you for using nginx.</em></p></body></html>")
IIS7 = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"><html><head><meta http-equiv="Content-Type" '
        'content="text/html; charset=iso-8859-1" /><title>IIS7</title></head><body><div id="container">'
        '<a href="http://go.microsoft.com/fwlink/?linkid=66138&amp;clcid=0x409"><img src="welcome.png" alt="IIS7" '
        'width="571" height="411" /></a></div></body></html>')
PARKING = ('<html><head><title>sxx.gov.cn - This domain is parked</title></head><body><div class="parked">'
           '<h1>sxx.gov.cn</h1><p>This domain is parked free, courtesy of GoDaddy.com.</p>'
           '<ul><li><a href="/lander?q=loans">Loans</a></li><li><a href="/lander?q=hotels">Hotels</a></li></ul>'
           '</div></body></html>')
FOR_SALE = ('<html><head><meta charset="utf-8"><title>域名出售 - sxxrmzf.com</title></head><body>'
            '<div class="sale"><h1>sxxrmzf.com</h1><p>此域名正在出售，一口价 8800 元</p><p>联系QQ：12345678</p>'
            '</div></body></html>')
PORTAL = ('<html><head><meta charset="utf-8"><title>甲镇人民政府</title></head><body><div class="header">'
          '<h1>甲镇人民政府</h1></div><div class="block"><h2>工作动态</h2><ul>'
          + "".join(f'<li><a href="/gzdt/t2026110{i}_{i}.html">甲镇召开第{i}次党委会议，研究部署冬季防火工作</a>'
                    f'<span>2026-11-0{i}</span></li>' for i in range(1, 10))
          + '</ul></div><div class="footer">主办单位：甲镇人民政府　网站标识码：1504000101　'
          '欢迎访问本站。It works! 是本镇的口号。</div>' + "<p>甲镇位于示例县东部。</p>" * 60 + "</body></html>")


def page(html: str) -> Page:
    return Page(StoredPage(site_id="s", url="http://sxx.gov.cn/", final_url="http://sxx.gov.cn/", status=200,
                           headers={"content-type": "text/html"}, body=html.encode(), encoding="utf-8",
                           content_type="text/html", kind="page", depth=0, referrer=None, elapsed=None,
                           fetched_at=0.0))


@pytest.mark.parametrize("html, kind", [(PARKED_PAGE, "default-server"), (NGINX, "default-server"),
                                        (IIS7, "default-server"), (PARKING, "parking"), (FOR_SALE, "for-sale")])
def test_parked_and_default_pages_are_recognised(html, kind):
    assert parked_kind(page(html))[0] == kind


def test_a_real_portal_home_page_is_not_parked_even_when_it_quotes_a_phrase():
    assert parked_kind(page(PORTAL)) is None


COUNTY_FOOTER = ('<div class="footer"><div class="links"><select title="乡镇街道" '
                 'onchange="if(this.value!=\'\')window.open(this.value)"><option value="">--乡镇街道--</option>'
                 '<option value="http://jz.sxx.gov.cn/">甲镇人民政府</option>'
                 '<option value="http://yz.sxx.gov.cn/">乙镇人民政府</option>'
                 '<option value="http://bz.sxx.gov.cn/">丙镇人民政府</option></select>'
                 '<select title="县直部门" onchange="window.open(this.value)"><option value="">--县直部门--</option>'
                 '<option value="http://jyj.sxx.gov.cn/">示例县教育局</option></select></div>'
                 '<p>主办：示例县人民政府办公室</p></div>')


def links_of_footer() -> list[dict]:
    home = "http://www.sxx.gov.cn/"
    draft = subsites.judge(subsites.read_page(home, f"<html><body>{COUNTY_FOOTER}</body></html>"), home,
                           "示例县人民政府", start_page=home)
    return [{"name": e.name, "url": e.url, "level": e.level, "page": home} for e in draft.sites]


def site(sid, url, *, level="township", status="ok", latest=None, findings=(), verdict="fail"):
    return {"id": sid, "name": sid, "url": url, "level": level, "parent": None if level == "county" else "county",
            "status": status, "status_detail": "connection-refused" if status == "unreachable" else None,
            "verdict": "not-assessed" if status == "unreachable" else verdict,
            "homepage": {"url": url, "latest_date": latest, "age_days": None}, "columns": [],
            "findings": list(findings), "outcomes": {}, "dimensions": {"links": {"findings": 0, "checks": 0}}}


def county_with(links):
    county = site("county", "http://www.sxx.gov.cn/", level="county")
    county[PRIVATE_BLOCK] = links
    county["outcomes"] = {i: {"status": "not-applicable"} for i in (
        "coverage.subsite-dead", "coverage.subsite-parked", "coverage.zombie", "coverage.unlinked", "coverage.unlisted")}
    return county


def test_the_county_tree_finds_dead_parked_zombie_unlinked_and_unlisted_branches_and_nothing_on_kept_up_ones():
    sites = [county_with(links_of_footer()),
             site("jz", "http://jz.sxx.gov.cn/", latest="2026-11-18"),                       # kept up
             site("yz", "http://yz.sxx.gov.cn/", status="unreachable"),                      # dead
             site("jyj", "http://jyj.sxx.gov.cn/", level="department",
                  findings=[{"check": "coverage.parked", "evidence": "没有找到站点"}]),       # parked
             site("dz", "http://dz.sxx.gov.cn/", latest="2025-06-01")]                       # zombie, not linked
    changed = note_coverage(sites, AS_OF, {"zombie_max_age_days": 365})
    assert changed == [0]
    county = sites[0]
    found = {(f["check"], f["data"]["site"] or f["data"]["name"]) for f in county["findings"]}
    assert found == {("coverage.subsite-dead", "yz"), ("coverage.subsite-parked", "jyj"), ("coverage.zombie", "dz"),
                     ("coverage.unlinked", "dz"), ("coverage.unlisted", "丙镇人民政府")}
    assert county["coverage"]["rollup"] == {"expected": 4, "linked": 3, "reachable": 2, "kept_up": 1, "unlisted": 1}
    assert county["outcomes"]["coverage.zombie"] == {"status": "failed"}
    assert PRIVATE_BLOCK not in county


def test_a_sub_site_just_under_the_threshold_is_kept_up_and_a_fully_linked_tree_has_no_finding():
    sites = [county_with([links_of_footer()[0]]), site("jz", "http://jz.sxx.gov.cn/", latest="2025-11-21")]
    note_coverage(sites, AS_OF, {"zombie_max_age_days": 365})
    assert sites[0]["findings"] == []
    assert sites[0]["coverage"]["tree"][0]["state"] == "kept-up"
    assert {o["status"] for o in sites[0]["outcomes"].values()} == {"passed"}


def test_a_check_left_out_by_skip_adds_no_finding():
    county = county_with(links_of_footer())
    del county["outcomes"]["coverage.unlisted"]
    note_coverage([county], AS_OF, {})
    assert {f["check"] for f in county["findings"]} == set()
    assert len(county["coverage"]["tree"]) == 4
