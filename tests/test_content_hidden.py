"""content.hidden-link (暗链): injected spam links are found however they hide; the off-site links real
portals hide (footer drop-downs, hover lists, tabs, mobile menus, share buttons) are not findings."""

from __future__ import annotations

import time
from datetime import date

import pytest

from auditcli.core.models import SiteConfig
from auditcli.core.spam import spam_matches, spam_url_fragments, spam_words
from auditcli.stores.pagestore import PageStore, StoredPage
from checks.content import hidden
from checks.engine.siteview import SiteView

HOME = "http://www.shili.gov.cn/"


def site_with(tmp_path, pages: list[tuple[str, str]], encoding: str = "utf-8") -> SiteView:
    store = PageStore(tmp_path)
    for url, html in pages:
        store.add_page(StoredPage("county", url, url, 200, {"content-type": f"text/html; charset={encoding}"},
                                  html.encode(encoding), encoding, f"text/html; charset={encoding}", "page", 0,
                                  None, 0.01, time.time()))
    store.commit()
    return SiteView(SiteConfig(id="county", name="示例县人民政府", url=HOME), store, date(2026, 11, 20))


def findings(tmp_path, body: str, head: str = "", encoding: str = "utf-8"):
    html = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="{encoding}"><title>示例县人民政府</title>'
            f"{head}</head><body>{body}</body></html>")
    return list(hidden.hidden_link(site_with(tmp_path, [(HOME, html)], encoding)))


# ------------------------------------------------------------------------------- real portal templates
TRS_FOOTER = """
<div class="footer-links">
  <select onchange="if(this.value!='')window.open(this.value)">
    <option value="">---国家部委网站---</option>
    <option value="http://www.ndrc.gov.cn/">国家发展改革委</option>
    <option value="http://www.casino-news.com/">误填的地址</option>
  </select>
  <div class="yqlj"><span>友情链接</span>
    <ul class="yqlj-list" style="display:none">
      <li><a href="http://www.10086.cn/nm/" target="_blank">中国移动内蒙古公司</a></li>
      <li><a href="http://www.icbc.com.cn/" target="_blank">中国工商银行</a></li>
      <li><a href="https://www.nmgnews.com.cn/" target="_blank">内蒙古新闻网</a></li>
    </ul>
  </div>
  <div class="zfwz" onmouseover="this.getElementsByTagName('ul')[0].style.display='block'">
    <span>政府网站</span>
    <ul style="display: none;">
      <li><a href="http://www.nmg.gov.cn/" target="_blank">内蒙古自治区人民政府</a></li>
      <li><a href="http://www.baotou.gov.cn/" target="_blank">包头市人民政府</a></li>
    </ul>
  </div>
</div>"""

HANWEB_TABS = """
<div class="tab-box">
  <ul class="tab-title"><li class="on">县内要闻</li><li>国内要闻</li><li>视频新闻</li></ul>
  <div class="tab-con" style="display:block"><ul>
    <li><a href="/art/2026/11/18/art_1001_1.html">县政府召开常务会议</a><span>2026-11-18</span></li>
  </ul></div>
  <div class="tab-con" style="display:none"><ul>
    <li><a href="https://www.nmgnews.com.cn/2026/1117/123.html">自治区公安厅严厉打击网络赌博违法犯罪</a></li>
    <li><a href="http://www.news.cn/legal/2026-11/16/c_1.htm">公安部：持续打击跨境赌博 百家乐等网络赌场被查处</a></li>
    <li><a href="https://news.sina.com.cn/c/2026-11-15/doc-1.shtml">警惕“注册送彩金”网络诈骗</a></li>
  </ul></div>
  <div class="tab-con" style="display:none"><ul>
    <li><a href="https://v.qq.com/x/page/abc.html">【视频】草原上的那达慕</a></li>
  </ul></div>
</div>
<script src="/js/jquery-1.8.3.min.js"></script>
<script>$(".tab-title li").mouseover(function(){var i=$(this).index();$(".tab-con").hide().eq(i).show();});</script>"""

KPY_MOBILE_AND_SHARE = """
<style>
  .m-nav{display:none}
  @media (max-width:768px){.m-nav{display:block}.pc-only{position:absolute;left:-9999px}}
  .nav li .sub{display:none}
  .nav li:hover .sub{display:block}
  .sr-only{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
  .logo h1{text-indent:-9999px;background:url(/images/logo.png) no-repeat}
</style>
<a class="sr-only" href="#main">跳转到主要内容</a>
<div class="logo"><h1><a href="http://www.shili.gov.cn/">示例县人民政府</a></h1></div>
<ul class="nav"><li><a href="/zwgk/">政务公开</a><div class="sub">
  <a href="http://zwfw.nmg.gov.cn/">内蒙古政务服务网</a><a href="https://www.12345.gov.cn/">12345热线</a>
  <a href="https://www.ccb.com/">中国建设银行</a></div></li></ul>
<div class="m-nav"><a href="https://m.weibo.cn/u/123">政务微博</a><a href="http://www.xuexi.cn/">学习强国</a></div>
<div class="pc-only"><a href="https://www.toutiao.com/c/user/1/">今日头条号</a></div>
<div class="bdsharebuttonbox" style="display:none">
  <a href="http://service.weibo.com/share/share.php?url=http%3A%2F%2Fwww.shili.gov.cn%2F" class="bds_tsina">微博</a>
  <a href="https://connect.qq.com/widget/shareqq/index.html?url=x" class="bds_sqq">QQ</a>
</div>
<ul class="pics" style="font-size:0"><li style="font-size:14px;display:inline-block">
  <a href="https://www.amap.com/place/B0FFG">示例县政务服务中心位置</a></li></ul>
<div id="main"></div>"""

NEWS_ARTICLE = """
<div class="article"><h1>我县开展打击网络赌博专项行动</h1>
<div class="info">发布时间：2026-11-18　来源：县公安局</div>
<p>近日，县公安局开展打击网络赌博专项行动，查处利用“百家乐”“六合彩”等名义组织网络赌博的团伙3个，
关停赌博网站12个。警方提醒：“注册送彩金”“澳门新葡京”等网站均为赌博网站，请广大群众远离。</p>
<p>详见<a href="https://www.nmgnews.com.cn/2026/1118/456.html">内蒙古新闻网报道：自治区开展打击赌场专项整治</a>。</p>
</div>"""


def test_footer_dropdowns_tabs_mobile_menus_and_share_buttons_are_not_findings(tmp_path):
    assert findings(tmp_path, KPY_MOBILE_AND_SHARE + HANWEB_TABS + NEWS_ARTICLE + TRS_FOOTER) == []


def test_visible_story_about_a_gambling_crackdown_is_not_a_finding(tmp_path):
    assert spam_words("我县开展打击网络赌博专项行动，关停赌博网站12个") == []
    assert findings(tmp_path, NEWS_ARTICLE) == []


# ------------------------------------------------------------------------------- injected spam links
def test_offscreen_casino_block_in_the_footer_is_critical(tmp_path):
    injected = ('<div style="position:absolute;top:-1250px;left:-1250px">'
                '<a href="http://www.amxpj6688.com/" target="_blank">澳门新葡京</a>'
                '<a href="http://www.hg0088-tiyu.com/">皇冠体育</a></div>')
    found = findings(tmp_path, TRS_FOOTER + injected)
    assert {(f.severity, f.data["target"]) for f in found} == {
        ("critical", "http://www.amxpj6688.com/"), ("critical", "http://www.hg0088-tiyu.com/")}
    casino = next(f for f in found if "amxpj" in f.data["target"])
    assert casino.data["method"] == "off-screen" and casino.data["confidence"] == "certain"
    assert casino.data["matched"] == ["澳门新葡京", "amxpj"]
    assert casino.selector == "body > div:nth-of-type(2) > a:nth-of-type(1)"
    assert casino.data["hidden_by"] == "body > div:nth-of-type(2)"
    assert "top:-1250px" in casino.evidence


def test_display_none_spam_link_with_a_spam_word_is_critical(tmp_path):
    found = findings(tmp_path, '<div style="display:none"><a href="http://www.fapiao-dk.com/">代开发票</a></div>')
    assert [(f.severity, f.data["method"], f.data["matched"]) for f in found] == [
        ("critical", "display-none", ["代开发票"])]


def test_page_style_rule_hiding_a_spam_block_is_read(tmp_path):
    found = findings(tmp_path, '<div class="ft-x"><a href="http://bocai-888.net/">真人娱乐</a></div>',
                     head="<style>.ft-x{height:0;overflow:hidden}</style>")
    assert [(f.data["method"], f.data["matched"]) for f in found] == [("zero-size", ["真人娱乐", "bocai"])]


def test_link_written_by_script_with_unescape_is_found(tmp_path):
    script = ('<script type="text/javascript">document.write(unescape("%3Cdiv%20style%3D%22display%3Anone%22%3E'
              '%3Ca%20href%3D%22http%3A//www.js333-vip.com/%22%3E%u91D1%u6C99%u5A31%u4E50%3C/a%3E%3C/div%3E"));'
              "</script>")
    found = findings(tmp_path, '<div class="footer">版权所有：示例县人民政府</div>' + script)
    assert len(found) == 1
    assert found[0].data["target"] == "http://www.js333-vip.com/"
    assert set(found[0].data["methods"]) == {"display-none", "script-written"}
    assert found[0].selector == "body > script"


def test_footer_written_by_script_without_spam_words_is_not_a_finding(tmp_path):
    script = ("<script>document.write('<div class=\"ft\"><a href=\"http://www.nmg.gov.cn/\">内蒙古自治区人民政府</a>"
              "<a href=\"https://www.icbc.com.cn/\">工商银行</a></div>');</script>")
    assert findings(tmp_path, script) == []


def test_gbk_page_with_font_size_zero_spam_is_found(tmp_path):
    body = ('<p>县政府召开常务会议。<span style="font-size:0px"><a href="http://www.weinisiren-yl.com/">'
            "威尼斯人娱乐</a></span></p>")
    found = findings(tmp_path, body, encoding="gbk")
    assert [(f.data["method"], f.data["link_text"]) for f in found] == [("font-size-0", "威尼斯人娱乐")]


# ------------------------------------------------------------------------------- needs review
@pytest.mark.parametrize(("body", "method"), [
    ('<div style="text-indent:-8000px;overflow:hidden;height:20px"><a href="http://www.lvyou-abc.com/">旅游</a></div>',
     "off-screen"),
    ('<marquee height="1" width="1" scrollamount="3000"><a href="http://www.abc-shop.com/">商城</a></marquee>',
     "marquee"),
    ('<div style="background-color:#FFFFFF"><font color="#fff"><a href="http://www.abc-game.com/">游戏</a></font></div>',
     "same-colour"),
    ('<div style="height:1px;overflow:hidden"><a href="http://www.abc-loan.com/">贷款</a></div>', "zero-size"),
    ('<span style="font-size:0"><a href="http://www.abc-shop.com/">商城</a></span>', "font-size-0"),
])
def test_suspicious_hiding_of_a_commercial_link_needs_review(tmp_path, body, method):
    found = findings(tmp_path, body)
    assert [(f.severity, f.data["method"], f.data["confidence"], f.data["review"]) for f in found] == [
        ("info", method, "review", True)]
    assert found[0].message.startswith("需人工复核")


@pytest.mark.parametrize("body", [
    '<div style="position:absolute;left:-9999px"><a href="http://www.nmg.gov.cn/">内蒙古自治区人民政府</a></div>',
    '<div style="height:0;overflow:hidden"><a href="http://www.people.com.cn/">人民网</a></div>',
    '<ul style="font-size:0"><li style="font-size:14px"><a href="https://www.icbc.com.cn/">工商银行</a></li></ul>',
    '<div style="color:#fff;background:#c00"><a href="https://www.icbc.com.cn/">工商银行</a></div>',
    '<div style="display:none"><a href="https://www.icbc.com.cn/">工商银行</a></div>',
    '<div style="position:absolute;left:-9999px"><a href="/zwgk/index.html">政务公开</a></div>',
    '<div style="position:absolute;left:-9999px"><a href="http://en.shili.gov.cn/">English</a></div>',
])
def test_not_findings(tmp_path, body):
    assert findings(tmp_path, body) == []


def test_one_finding_per_target_across_the_site_on_its_shallowest_page(tmp_path):
    footer = '<div style="display:none"><a href="http://www.xpj8888.com/">新葡京</a></div>'
    page = "<html><body><p>{}</p>" + footer + "</body></html>"
    site = site_with(tmp_path, [(HOME + "zwgk/xxgk/a.html", page.format("文章")), (HOME, page.format("首页")),
                                (HOME + "zwgk/index.html", page.format("栏目"))])
    found = list(hidden.hidden_link(site))
    assert len(found) == 1
    assert found[0].url == HOME
    assert found[0].data["page_count"] == 3 and found[0].data["pages"][0] == HOME


# ------------------------------------------------------------------------------- the word lists
def test_spam_url_fragments_need_no_letter_before_them():
    assert spam_url_fragments("http://www.xpjyule8.com/") == ["xpj"]
    assert spam_url_fragments("http://www.alphabet.com/") == []
    assert spam_url_fragments("http://abc.com/%E4%BB%A3%E5%BC%80%E5%8F%91%E7%A5%A8.html") == ["代开发票"]
    assert spam_matches("澳门新葡京", "http://amxpj.com/") == ["澳门新葡京", "amxpj"]


def test_spam_words_skip_everyday_portal_words():
    assert spam_words("成人教育 办证大厅 打击赌博 金沙县 皇冠假日酒店") == []
    assert spam_words("Bet365 官方开户送彩金") == ["bet365", "开户送", "彩金"]
