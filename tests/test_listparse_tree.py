"""The column summary reads lxml's tree (Page.tree) as it read BeautifulSoup's soup: the whole document,
not only its first <html> (what follows </html> libxml2 puts in an <html> of its own), the doctype and the
comments around <html> as strings of the document, and texts lxml will not write back (control characters)."""

from __future__ import annotations

from datetime import date

from auditcli.stores.pagestore import StoredPage
from checks.engine.listparse import summarise
from checks.engine.siteview import Page

AS_OF = date(2026, 11, 20)
URL = "http://www.sl.gov.cn/xxgk/tzgg/index.html"
XHTML = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
         '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">')
CLOCK_PAGE = ('<html><head><title>通知公告</title></head><body><div class="main"><p>今天是2026年11月20日 星期五</p>'
              '<p>暂无信息</p></div></body></html>')


def summary(html: str):
    stored = StoredPage(site_id="s", url=URL, final_url=URL, status=200, headers={}, body=html.encode("utf-8"),
                        encoding="utf-8", content_type="text/html; charset=utf-8", kind="page", depth=1,
                        referrer=None, elapsed=None, fetched_at=0.0)
    return summarise(Page(stored), AS_OF)


def test_a_script_written_after_the_closing_html_tag_still_fills_the_list():
    s = summary('<html><body><div class="list" id="newsList"></div></body></html>'
                '<script>$.ajax({url: "/api/list"}); $("#newsList").html(h);</script>')
    assert s.rows == [] and s.script_list == "脚本 $.ajax( 填充 #newsList"


def test_a_short_page_of_a_clock_without_links_goes_whole_when_its_doctype_names_a_version():
    # the doctype's "1.0" is a string of the document, read with the clock: the document is a clock box
    assert summary(XHTML + CLOCK_PAGE).placeholder is None and summary(XHTML + CLOCK_PAGE).main_text_len == 0
    plain = summary("<!DOCTYPE html>" + CLOCK_PAGE)  # no such string: only the clock's own box goes
    assert plain.placeholder == "暂无信息" and plain.main_text_len == 4
    assert summary(CLOCK_PAGE).placeholder == "暂无信息"  # the doctype libxml2 implies is no string of the page


def test_a_clock_beside_a_control_character_is_blanked():
    s = summary('<html><body><div class="main"><p>今天是2026年11月20日 星期五\x0b</p><ul class="list">'
                '<li><a href="/xxgk/tzgg/202611/t20261118_1.html">关于冬季供暖的通知</a>\x0c<span>2026-11-18</span></li>'
                '<li><a href="/xxgk/tzgg/202611/t20261110_2.html">关于征集建议的公告</a><span>2026-11-10</span></li>'
                '</ul></div><script>var a = 1;</script>\x1f</body></html>')
    assert [r.date for r in s.rows] == [date(2026, 11, 18), date(2026, 11, 10)]
    assert date(2026, 11, 20) not in s.content_dates


def test_a_breadcrumb_inside_a_template_names_nothing():
    s = summary('<html><body><template><div class="location">首页 &gt; 模板里的栏目</div></template>'
                '<h2>通知公告</h2><p>正文</p></body></html>')
    assert s.heading == "通知公告"
