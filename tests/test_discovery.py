"""Where links hide on government CMS pages: Hanweb datastores, TRS pagers, script redirects."""

from __future__ import annotations

from parsel import Selector

from spiders.discovery import extract_links, is_attachment

BASE = "http://www.shili.gov.cn/xxgk/tzgg/index.html"


def urls(html: str, tag: str = "a") -> list[str]:
    return [link.url for link in extract_links(Selector(text=html), BASE) if link.tag == tag]


def test_plain_links_are_absolute_and_fragment_free():
    assert urls('<a href="./202610/t20261020_123.html#top">通知</a><a href="javascript:void(0)">x</a>'
                '<a href="mailto:a@b.cn">m</a>') == ["http://www.shili.gov.cn/xxgk/tzgg/202610/t20261020_123.html"]


def test_hanweb_datastore_records_are_links():
    html = ('<script type="text/xml"><datastore><recordset><record><![CDATA[<li><a href="/art/2026/11/10/'
            'art_1234_5678.html" title="t">标题</a><span>2026-11-10</span></li>]]></record></recordset>'
            "</datastore></script>")
    assert urls(html) == ["http://www.shili.gov.cn/art/2026/11/10/art_1234_5678.html"]


def test_trs_pager_expands_to_every_list_page():
    html = '<script>createPageHTML(3, 0, "index", "html");</script>'
    assert urls(html) == ["http://www.shili.gov.cn/xxgk/tzgg/index_1.html",
                          "http://www.shili.gov.cn/xxgk/tzgg/index_2.html"]


def test_script_redirect_stub_home_pages_and_window_open_menus_are_followed():
    stub = '<html><head><script>window.location.href = "/col/col1001/index.html";</script></head></html>'
    assert urls(stub) == ["http://www.shili.gov.cn/col/col1001/index.html"]
    assert urls("<script>top.location.replace('../../index.shtml')</script>") == ["http://www.shili.gov.cn/index.shtml"]
    menu = '<span onclick="window.open(\'/zwgk/index.html\',\'_blank\')">政务公开</span>'
    assert urls(menu) == ["http://www.shili.gov.cn/zwgk/index.html"]
    assert urls('<script>var a = 1; if (location.href.indexOf("x") > 0) {}</script>') == []


def test_frames_images_forms_and_alternates_are_recorded_with_their_tag():
    html = ('<frameset><frame src="/top.html"></frameset><img src="/logo.png"><form action="/search"></form>'
            '<link rel="alternate" hreflang="en" href="/en/">')
    found = {(link.tag, link.url.rsplit("/", 1)[-1]) for link in extract_links(Selector(text=html), BASE)}
    assert {("frame", "top.html"), ("img", "logo.png"), ("form", "search"), ("link-alternate", "")} <= found


def test_attachments_by_extension():
    assert is_attachment("http://x.gov.cn/uploads/2026/plan.DOCX") and is_attachment("http://x.gov.cn/a.wps")
    assert not is_attachment("http://x.gov.cn/a.html") and not is_attachment("http://x.gov.cn/pdf/index.html")


def test_doorway_pages_point_at_the_real_home_page():
    from auditcli.core.html import stub_targets

    frames = ('<html><frameset rows="80,*"><frame src="/top.html"><frame src="/main/index.html"></frameset></html>')
    assert stub_targets(frames, "http://x.gov.cn/") == ["http://x.gov.cn/top.html", "http://x.gov.cn/main/index.html"]
    script = '<html><head><script>window.location.href="/site/index.html";</script></head><body></body></html>'
    assert stub_targets(script, "http://x.gov.cn/") == ["http://x.gov.cn/site/index.html"]
    page = "<html><body>" + "<p>县政府召开常务会议，研究部署近期重点工作。</p>" * 20 + \
           '<script>if (mobile) { window.location.href = "/m/"; }</script></body></html>'
    assert stub_targets(page, "http://x.gov.cn/") == [], "a real page with a mobile redirect is no doorway"


def test_trs_pager_variables_without_the_call_expand_to_every_list_page():
    html = ('<script>var countPage = 3//共多少页\nvar currentPage = 0//当前页\nvar prefixName = "index"\n'
            'var suffixName = "shtml"</script><script src="/js/page.js"></script>')
    assert urls(html) == ["http://www.shili.gov.cn/xxgk/tzgg/index_1.shtml",
                          "http://www.shili.gov.cn/xxgk/tzgg/index_2.shtml"]


def test_jquery_pagination_counts_from_one_and_has_no_index_1():
    html = ('<div id="pagination"></div><script>var totalPage = 3; var currentPage = 1;\n'
            '$("#pagination").pagination({totalPage: totalPage, current: currentPage, jump: function(p) {\n'
            '  location.href = p == 1 ? "index.html" : "index_" + p + ".html"; }});</script>')
    assert urls(html) == ["http://www.shili.gov.cn/xxgk/tzgg/index_2.html",
                          "http://www.shili.gov.cn/xxgk/tzgg/index_3.html"]
    on_page_2 = [link.url for link in extract_links(Selector(text=html), BASE.replace("index.html", "index_2.html"))]
    assert on_page_2 == ["http://www.shili.gov.cn/xxgk/tzgg/index_2.html", "http://www.shili.gov.cn/xxgk/tzgg/index_3.html"]


def test_an_image_carousel_with_a_pagination_box_is_no_pager():
    html = ('<div class="banner"><ul class="pics"><li><img src="/a.jpg"></li></ul><div class="pagination"></div></div>'
            '<script>new Swiper(".banner", {loop: true, pagination: {el: ".pagination", clickable: true}});</script>')
    assert urls(html) == []


def test_pager_variables_on_an_article_are_not_expanded():
    html = "<script>var totalPage = 3; var countPage = 2;</script>"
    article = "http://www.shili.gov.cn/xxgk/tzgg/202611/t20261118_1001.html"
    assert [link.url for link in extract_links(Selector(text=html), article)] == []


def test_page_counts_of_ajax_lists_and_other_scripts_guess_no_pages():
    ajax = '<script>var totalPage = 5; $("#list").load("/api/list?page=" + p);</script>'
    other = "<script>var countPage = 10, order = 'id', typeOrder = 'desc';</script>"
    assert urls(ajax) == [] and urls(other) == []
