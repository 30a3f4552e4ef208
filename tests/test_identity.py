"""Identity detectors and the broken-link policy on realistic county-portal snippets (no network)."""

from __future__ import annotations

import socket

import pytest

from auditcli.core.tree import Element, css_string, parse
from checks import identity as ident
from checks import links
from spiders.probes import ipv6_probe


def page(body: str, head: str = "") -> Element:
    return parse(f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>")


MAIN = ('<div class="header"><h1>示例县人民政府</h1></div>'
        '<div class="main"><ul class="list"><li><a href="/xwzx/t20261118_1.html">县政府召开常务会议</a>'
        '<span>2026-11-18</span></li></ul></div>')

FULL_FOOTER = (
    '<div class="footer"><p>主办单位：示例县人民政府　地址：内蒙古自治区示例县政府路1号　电话：0471-12345678</p>'
    '<p>网站标识码：1504000001　<a href="https://beian.miit.gov.cn/" target="_blank">蒙ICP备05001234号</a>　'
    '<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=15040202000123">'
    '<img src="/images/gongan.png" alt="公安备案图标">蒙公网安备 15040202000123号</a></p>'
    '<div class="badges"><a href="http://bszs.conac.cn/sitename?method=show&amp;id=1504000001000000001">'
    '<img src="/images/red.png" alt="党政机关"></a>'
    '<a href="https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action?sitecode=1504000001">'
    '<img src="/images/jiucuo.png" alt="政府网站找错"></a></div></div>'
)

BARE_FOOTER = ('<div id="foot"><p>主办单位：甲镇人民政府　联系电话：047112345678　邮编：015400</p>'
               '<p>© 2005-2026 甲镇人民政府 版权所有　建议使用1280×800分辨率浏览</p></div>')


# -------------------------------------------------------------------------- footer region
def test_footer_region_is_the_marked_element():
    region = ident.footer_region(page(MAIN + FULL_FOOTER))
    assert region.selector == "div.footer"
    assert "网站标识码" in region.text and "县政府召开常务会议" not in region.text


def test_footer_region_falls_back_to_the_tail_of_body():
    body = MAIN + "<div><p>版权所有：乙镇人民政府</p><p>网站标识码：1504000003</p></div>"
    region = ident.footer_region(page(body))
    assert region.selector is None
    assert "1504000003" in region.text
    assert ident.find_site_code(page(body)).where == "footer"


# -------------------------------------------------------------------------- 网站标识码
def test_site_code_ten_digits_with_label():
    found = ident.find_site_code(page(MAIN + FULL_FOOTER))
    assert found.where == "footer" and found.evidence.endswith("1504000001")


def test_site_code_twelve_digits_and_bm_code():
    assert ident.find_site_code(page('<div class="copyright">政府网站标识码 150400000012</div>'))
    assert ident.find_site_code(page('<div class="bottom">网站标识码：<span>bm15000001</span></div>'))


def test_site_code_label_split_across_elements():
    html = '<div class="footer"><span>网站标识码：</span><span>1504000001</span></div>'
    assert ident.find_site_code(page(html))


def test_twelve_digit_phone_number_is_not_a_site_code():
    assert ident.find_site_code(page(MAIN + BARE_FOOTER)) is None


def test_site_code_label_without_a_code_is_missing():
    assert ident.find_site_code(page('<div class="footer">网站标识码：（待分配） 电话：0471-1234567890</div>')) is None


def test_site_code_eleven_digits_is_not_a_code():
    assert ident.find_site_code(page('<div class="footer">网站标识码：15040000011</div>')) is None


def test_site_code_from_meta_tag():
    found = ident.find_site_code(page(MAIN + BARE_FOOTER, head='<meta name="SiteIDCode" content="1504000002">'))
    assert found and found.where == "meta"


def test_site_code_with_label_outside_the_footer_counts():
    html = '<div class="top">网站标识码：1504000001</div>' + MAIN + BARE_FOOTER
    found = ident.find_site_code(page(html))
    assert found and found.where == "page"


# -------------------------------------------------------------------------- ICP
def test_icp_numbers():
    assert ident.find_icp(page(MAIN + FULL_FOOTER)).evidence == "蒙ICP备05001234号"
    assert ident.find_icp(page('<div class="footer">备案号：京ICP备12345678号-1</div>')).evidence == "京ICP备12345678号-1"
    assert ident.find_icp(page('<div class="footer">苏 ICP 备 10012345 号</div>'))


def test_icp_without_number_is_missing():
    html = MAIN + '<div class="footer"><a href="https://beian.miit.gov.cn/">ICP备案查询</a> 网站标识码：1504000001</div>'
    assert ident.find_icp(page(html)) is None
    assert ident.find_icp(page(MAIN + BARE_FOOTER)) is None


# -------------------------------------------------------------------------- 公安备案
def test_police_record():
    assert "15040202000123" in ident.find_police(page(MAIN + FULL_FOOTER)).evidence
    assert ident.find_police(page('<div class="foot">京公网安备11010502030143号</div>'))
    assert ident.find_police(page('<div class="foot">公安机关备案号：15040202000123</div>'))


def test_police_mark_without_number_is_missing():
    html = '<div class="footer"><img src="/images/gongan.png" alt="公安备案图标">公网安备</div>'
    assert ident.find_police(page(MAIN + html)) is None
    assert ident.find_police(page('<div class="footer">蒙ICP备05001234号</div>')) is None


# -------------------------------------------------------------------------- 党政机关标识
def test_conac_image_link_and_script():
    assert ident.find_conac(page(MAIN + FULL_FOOTER)).where == "footer"
    script = ('<div class="footer"><span id="_ideConac"></span>'
              '<script type="text/javascript" src="https://dcs.conac.cn/js/05/000/0000/60429971/CA050000000604299710000.js">'
              "</script></div>")
    assert ident.find_conac(page(MAIN + script))


def test_conac_written_by_document_write_unescape():
    embed = ('<div class="footer"><script type="text/javascript">document.write(unescape("%3Cspan id=\'_ideConac\' '
             '%3E%3C/span%3E%3Cscript src=\'https://dcs.conac.cn/js/05/000/0000/60429971/CA050000000604299710000.js\' '
             'type=\'text/javascript\'%3E%3C/script%3E"));</script></div>')
    assert ident.find_conac(page(MAIN + embed))
    assert ident.find_conac(page(MAIN + '<div class="footer"><script>var conac = "none";</script></div>')) is None


def test_conac_missing_and_lookalike_host():
    assert ident.find_conac(page(MAIN + BARE_FOOTER)) is None
    fake = '<div class="footer"><a href="http://conac.cn.example.com/"><img src="/red.png"></a></div>'
    assert ident.find_conac(page(MAIN + fake)) is None
    assert ident.find_conac(page('<div class="footer"><a href="http://[broken/">x</a></div>')) is None


def test_hidden_conac_badge_is_shown_as_written():
    html = ('<!DOCTYPE html><html><body>' + MAIN + '<div class="footer" style="display:none">'
            '<a href="http://bszs.conac.cn/sitename?method=show&amp;id=1" target=_blank>'
            '<img src="/red.png" alt="党政机关" ismap></a></div></body></html>')
    found = ident.find_conac(parse(html), html)
    assert found.hidden and found.where == "footer"
    assert found.evidence == ('<a href="http://bszs.conac.cn/sitename?method=show&amp;id=1" target="_blank">'
                              '<img alt="党政机关" ismap="" src="/red.png"/></a>')  # BeautifulSoup's str(tag)


def test_badge_script_after_the_end_of_html_is_read():
    """What follows </html> is the end of the body, as in a browser: the badge script is read as one in the body."""
    html = ('<html><body>' + MAIN + BARE_FOOTER + '</body></html>\n<script>document.write(unescape("%3Cspan '
            "id='_ideConac'%3E%3C/span%3E%3Cscript src='https://dcs.conac.cn/js/05/000/CA05.js'%3E%3C/script%3E\"));"
            '</script>')
    found = ident.find_conac(parse(html))
    assert found.where == "page" and "https://dcs.conac.cn/js/05/000/CA05.js" in found.evidence


# -------------------------------------------------------------------------- 我为政府网站找错
def test_jiucuo_by_text_alt_link_or_script():
    assert ident.find_jiucuo(page(MAIN + FULL_FOOTER))
    assert ident.find_jiucuo(page('<a href="/jc.html"><img src="/jc.png" alt="我为政府网站找错"></a>'))
    assert ident.find_jiucuo(page('<div class="footer"><a href="/jiucuo/">我为政府网站找错</a></div>'))
    assert ident.find_jiucuo(page('<a href="https://pucha.kaipuyun.cn/exposure/jiucuo.html?site_code=1504000001">'
                                  '<img src="/jc.png"></a>'))
    assert ident.find_jiucuo(page('<script id="_jiucuo_" sitecode="1504000001" '
                                  'src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>'))


def test_jiucuo_image_link_without_alt_and_written_script():
    assert ident.find_jiucuo(page('<div class="footer"><a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code='
                                  '1504000001&url=http%3A%2F%2Fwww.shili.gov.cn%2F"><img src="/images/jiucuo.png"></a></div>'))
    assert ident.find_jiucuo(page('<div class="footer"><script>document.write(unescape("%3Cscript id=\'_jiucuo_\' '
                                  'src=\'https://zfwzgl.www.gov.cn/exposure/jiucuo.js\'%3E%3C/script%3E"));</script></div>'))


def test_jiucuo_missing():
    assert ident.find_jiucuo(page(MAIN + BARE_FOOTER)) is None


def test_headline_about_the_jiucuo_campaign_is_not_the_entry():
    news = ('<ul class="list"><li><a href="/xwzx/tzgg/202611/t20261101_1.html">'
            "关于开展“我为政府网站找错”专项整改工作的通知</a></li></ul>")
    assert ident.find_jiucuo(page(MAIN + news + BARE_FOOTER)) is None


# -------------------------------------------------------------------------- page tags
def test_head_metas_and_page_types():
    html = ('<html><head><meta name="ArticleTitle" content="关于…的通知"><META NAME=PubDate CONTENT="2026-11-18 09:30">'
            "</head><body></body></html>")
    metas = ident.head_metas(parse(html))
    assert metas == {"articletitle": "关于…的通知", "pubdate": "2026-11-18 09:30"}
    assert ident.page_type("http://x.gov.cn/xwzx/zwyw/202611/t20261118_1001.html", {}) == "article"
    assert ident.page_type("http://x.gov.cn/art/2026/11/18/art_1001_2.html", {}) == "article"
    listing = "".join(f'<li><a href="./202611/t2026111{n}_10{n}.html">要闻{n}</a></li>' for n in range(4))
    assert ident.page_type("http://x.gov.cn/xwzx/zwyw/index_2.html", {}, page(listing)) == "list"
    hub = '<ul class="sub-nav"><li><a href="/xwzx/zwyw/index.html">政务要闻</a></li></ul>'
    assert ident.page_type("http://x.gov.cn/xwzx/index.html", {}, page(hub)) is None
    assert ident.page_type("http://x.gov.cn/col/col1001/index.html", {"columnname": "要闻"}) == "list"
    assert ident.page_type("http://x.gov.cn/hdjl/xzxx/letter_4001.html", {}) is None
    assert ident.is_chinese_page(parse('<html lang="zh-CN">')) and ident.is_chinese_page(parse("<html>"))
    assert not ident.is_chinese_page(parse('<html lang="mn-Mong"><head>'))
    assert ident.is_chinese_page(parse(""))  # no markup at all: no declared language
    assert ident.missing_tags("article", metas) == ["ContentSource"]
    assert ident.missing_tags("home", {"sitename": "示例县", "sitedomain": "", "siteidcode": "1504000001"}) == ["SiteDomain"]


# -------------------------------------------------------------------------- domain and IPv6
def test_gov_domains_and_test_hosts():
    assert ident.is_gov_domain("www.example.gov.cn")
    assert ident.is_gov_domain("示例县.政务") and ident.is_gov_domain("xn--fiqs8s.xn--zfr164b")
    assert not ident.is_gov_domain("www.shilixian.com.cn")
    assert not ident.is_gov_domain("gov.cn.example.com")
    assert ident.is_test_host("127.0.0.1") and ident.is_test_host("localhost") and ident.is_test_host("[::1]")
    assert not ident.is_test_host("www.shilixian.cn")


def test_ipv4_literal_has_no_ipv6_without_any_network():
    reachable, detail = ipv6_probe("127.0.0.1", 8101)
    assert not reachable and "IPv4" in detail


def test_ipv6_probe_connects_to_a_listening_ipv6_loopback():
    try:
        server = socket.create_server(("::1", 0), family=socket.AF_INET6)
    except OSError:
        pytest.skip("this machine has no IPv6 loopback")
    with server:
        port = server.getsockname()[1]
        reachable, detail = ipv6_probe("::1", port)
        assert reachable, detail
    reachable, _ = ipv6_probe("::1", port)  # closed now: refused
    assert not reachable


# -------------------------------------------------------------------------- links policy
def test_link_status_policy():
    assert links.classify_status(404, blocked_403=False) == "confirmed"
    assert links.classify_status(410, blocked_403=False) == "confirmed"
    assert links.classify_status(403, blocked_403=False) == "confirmed"
    assert links.classify_status(403, blocked_403=True) is None
    assert links.classify_status(429, blocked_403=False) is None
    assert links.classify_status(401, blocked_403=False) is None
    assert links.classify_status(502, blocked_403=False) == "suspected"
    assert links.classify_status(200, blocked_403=False) is None


def test_site_answering_403_to_most_requests_is_blocking():
    assert links.is_blocking(n_403=40, n_total=50, homepage_status=200)
    assert links.is_blocking(n_403=1, n_total=1, homepage_status=403)
    assert not links.is_blocking(n_403=1, n_total=120, homepage_status=200)


def test_css_string_escapes_quotes():
    assert css_string('/a"b.html') == '"/a\\"b.html"'
