"""The accessibility rules axe-core does not have (checks/a11y/beyond.py), each failing and passing on
realistic pages: TRS / Hanweb / 开普云 portal templates (更多>> beside column titles, jQuery tabs,
footers with 备案 badges, UEditor articles) and plain HTML. A clean control page raises nothing."""

from __future__ import annotations

import pytest

from auditcli.core.barriers import accessibility_block
from checks.a11y.beyond import BEYOND
from checks.a11y.rules import rule_findings

BEYOND_IDS = ("a11y.alt-uninformative", "a11y.link-text-vague", "a11y.link-new-window", "a11y.tabindex-positive",
              "a11y.accesskey", "a11y.focus-outline-removed", "a11y.blink-marquee", "a11y.presentational-markup",
              "a11y.spacing-markup", "a11y.layout-table", "a11y.page-heading-missing", "a11y.heading-order",
              "a11y.fieldset-missing", "a11y.lang-change")


def page(body: str, head: str = "", lang: str = "zh-CN") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>示例县人民政府</title>{head}'
            f"</head><body><h1>示例县人民政府</h1>{body}</body></html>")


def found(html: str, check: str) -> list[tuple[str | None, str]]:
    """(severity, message) of one rule's findings: None is the rule's own severity, "info" review-level."""
    return [(f.severity, f.message) for f in rule_findings(html)[check]]


def review(results: list[tuple[str | None, str]]) -> bool:
    return bool(results) and all(severity == "info" for severity, _ in results)


# a clean portal page in the style of the ones below: nothing for any of the rules to say
CLEAN = page(
    '<div class="header"><img src="/images/logo.png" alt="示例县人民政府"></div>'
    '<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li></ul>'
    '<div class="main"><div class="box"><div class="box-hd"><h2>通知公告</h2>'
    '<a class="more" href="/tzgg/">更多&gt;&gt;</a></div><ul class="list">'
    '<li><a href="/tzgg/202611/t20261118_1001.html" title="关于开展冬季供暖检查的通知">关于开展冬季供暖检查的通知</a>'
    '<span>2026-11-18</span></li></ul></div>'
    '<h3>办事指南</h3><p>详细流程见<a href="/bszn/">不动产登记办事指南</a>。</p>'
    '<form action="/search"><fieldset><legend>搜索范围</legend>'
    '<label><input type="radio" name="scope" value="all" checked>全站</label>'
    '<label><input type="radio" name="scope" value="col">本栏目</label></fieldset>'
    '<label for="q">关键词</label><input id="q" name="q"><button>搜索</button></form>'
    '<table class="data"><caption>2026年财政收支</caption><tr><th scope="col">项目</th><th scope="col">金额</th></tr>'
    '<tr><td>一般公共预算收入</td><td>12.5亿元</td></tr></table></div>'
    '<div class="footer"><p>主办单位：示例县人民政府办公室　网站标识码：1504000001</p>'
    '<p><a href="https://beian.miit.gov.cn/" target="_blank" title="蒙ICP备05001234号（新窗口打开）">'
    '蒙ICP备05001234号</a> <a href="/en/" lang="en">English</a></p>'
    '<p lang="mn-Mong">ᠮᠣᠩᠭᠣᠯ ᠪᠢᠴᠢᠭ</p><p>WiFi 覆盖 APP 下载 GPS 定位 www.example.gov.cn</p></div>',
    head="<style>a:focus{outline:2px solid #1a5fb4} .nav a{outline:none;color:#fff}</style>")


def test_a_clean_portal_page_raises_nothing():
    results = rule_findings(CLEAN)
    assert {check: [f.message for f in results[check]] for check in BEYOND_IDS if results[check]} == {}


# ---------------------------------------------------------------------- alt text


@pytest.mark.parametrize("alt", ["IMG_2041.JPG", "banner.png", "图片", "image", "Photo", "logo", "20260312094512"])
def test_alt_that_is_a_file_name_or_a_placeholder_word_is_reported(alt):
    html = page(f'<div class="TRS_Editor"><p><img src="/xwzx/202603/20260312094512.jpg" alt="{alt}"></p>'
                f'<p style="text-align:center"><img src="/upload/20260312094512.jpg" alt="{alt}"></p></div>')
    assert len(found(html, "a11y.alt-uninformative")) == 2


def test_descriptive_alt_and_decorative_images_pass():
    html = page('<img src="/images/logo.png" alt="示例县人民政府"><img src="/images/line.gif" alt="">'
                '<img src="/x.jpg" alt="县长在座谈会上讲话（2026年3月12日）"><img src="/y.png" alt="图片" role="presentation">'
                '<input type="image" src="/images/search.png" alt="搜索">')
    assert found(html, "a11y.alt-uninformative") == []


def test_an_image_button_named_click_is_reported():
    assert found(page('<form><input type="image" src="/images/submit.png" alt="click"></form>'),
                 "a11y.alt-uninformative")


# ---------------------------------------------------------------------- vague links

TRS_HOME = page(  # TRS home page: 更多>> in the column title bar, as on every county portal
    '<div class="tzgg"><div class="title"><span class="name">通知公告</span>'
    '<a href="./xwzx/tzgg/" class="more" target="_blank" title="">更多&gt;&gt;</a></div>'
    '<ul><li><a href="./xwzx/tzgg/202611/t20261118_1001.html">关于开展冬季供暖检查的通知</a></li></ul></div>'
    '<div class="zcwj"><div class="title"><span class="name">政策文件</span>'
    '<a href="./zwgk/zcwj/" class="more">更多+</a></div><ul><li><a href="./zwgk/zcwj/1.html">政策一</a></li></ul></div>')


def test_more_beside_a_column_title_is_in_context():
    assert found(TRS_HOME, "a11y.link-text-vague") == []


def test_more_under_a_list_after_a_heading_is_in_context():  # Hanweb: <h3> title, list, then the more box
    html = page('<div class="news-box"><h3>工作动态</h3><ul class="list"><li><a href="/art/1.html">乡镇召开会议</a></li>'
                '</ul><div class="more"><a href="/col/col1001/index.html">更多</a></div></div>')
    assert found(html, "a11y.link-text-vague") == []


def test_jquery_tabs_share_one_more_link_beside_the_tab_titles():
    html = page('<div class="tab-box"><div class="tab-hd"><ul><li class="on">要闻动态</li><li>乡镇动态</li></ul>'
                '<a class="more" href="javascript:;" onclick="goMore()">more</a></div>'
                '<div class="tab-bd"><ul><li><a href="/a.html">全县安全生产工作会议召开</a></li></ul></div></div>')
    assert found(html, "a11y.link-text-vague") == []


def test_more_after_an_unmarked_column_title_is_review_level():  # 开普云: the title is a <div>, not a heading
    html = page('<div class="col-box"><div class="col-hd">政策解读</div><ul><li><a href="/zcjd/1.html">解读一</a></li>'
                '</ul><div class="col-more"><a href="/zcjd/">查看更多 &gt;&gt;</a></div></div>')
    results = found(html, "a11y.link-text-vague")
    assert review(results) and len(results) == 1


def test_more_and_click_here_with_no_context_are_barriers():
    html = page('<div class="float-box"><a href="/zt/2026/">点击这里</a></div>'
                '<div class="links"><a href="/zt/">更多</a></div><div><a href="https://www.gov.uk/">.</a></div>')
    results = found(html, "a11y.link-text-vague")
    assert [severity for severity, _ in results] == [None, None, None]


def test_click_here_inside_its_sentence_is_review_level_and_a_label_or_title_settles_it():
    html = page('<p>申请表<a href="/bg/sqb.doc">点击这里</a>下载。</p>')
    assert review(found(html, "a11y.link-text-vague"))
    named = page('<div><a href="/bg/sqb.doc" aria-label="下载申请表">点击这里</a></div>'
                 '<div><a href="/zcwj/" title="更多政策文件">更多</a></div>'
                 '<div><a href="/zt/" aria-describedby="zt">详细</a></div><p id="zt">扫黑除恶专题</p>')
    assert found(named, "a11y.link-text-vague") == []


# ---------------------------------------------------------------------- new windows


def test_new_window_links_are_review_level_once_per_page():
    html = page('<ul class="list">' + "".join(
        f'<li><a href="/a/{k}.html" target="_blank" title="文章{k}">文章标题第{k}篇</a></li>' for k in range(20))
        + '</ul><div class="footer"><a href="https://beian.miit.gov.cn/" target="_blank">蒙ICP备05001234号</a></div>')
    results = found(html, "a11y.link-new-window")
    assert review(results) and len(results) == 1 and "21" in results[0][1]


def test_new_window_links_that_say_so_pass():
    html = page('<a href="/a.html" target="_blank">办事指南（新窗口打开）</a>'
                '<a href="https://zwfw.example.gov.cn/" target="_blank" title="政务服务网，在新窗口中打开">政务服务网</a>'
                '<a href="/x.html" target="_blank">下载<img src="/i/nw.png" alt="新窗口"></a><a href="/b.html">本窗口</a>')
    assert found(html, "a11y.link-new-window") == []


# ---------------------------------------------------------------------- keyboard


def test_positive_tabindex_is_reported_zero_and_minus_one_are_not():
    html = page('<a href="/search" tabindex="1">搜索</a><a href="/wza" tabindex="0">无障碍</a>'
                '<div tabindex="-1" id="main">正文</div>')
    assert [m for _, m in found(html, "a11y.tabindex-positive")] == ['tabindex="1" 打乱焦点顺序']


def test_accesskey_is_review_level_and_a_duplicate_key_a_barrier():
    html = page('<a href="#content" accesskey="S">跳到正文</a><a href="/wza" accesskey="s">无障碍</a>')
    assert [severity for severity, _ in found(html, "a11y.accesskey")] == ["info", "low"]
    assert found(page('<a href="/">首页</a>'), "a11y.accesskey") == []


@pytest.mark.parametrize("css", ["a{outline:none}", "a:focus{outline:0}", "*:focus { outline: none !important; }",
                                 "input, button { outline: 0 }", ".nav a:focus{outline-style:none}"])
def test_outline_removed_without_a_replacement_is_reported(css):
    html = page('<ul class="nav"><li><a href="/">首页</a></li></ul>', head=f"<style>{css}</style>")
    assert [severity for severity, _ in found(html, "a11y.focus-outline-removed")] == [None]


@pytest.mark.parametrize("css", ["a:focus{outline:none;box-shadow:0 0 0 3px #ffbf47}",
                                 "a{outline:none} a:focus{background:#ffdd00;color:#000}",
                                 "a:hover{outline:none}", ".banner{outline:none}", "a:focus{outline:2px solid}"])
def test_outline_removed_with_a_replacement_or_not_on_focus_passes(css):
    html = page('<a href="/">首页</a>', head=f"<style>{css}</style>")
    assert found(html, "a11y.focus-outline-removed") == []


def test_onfocus_blur_and_inline_outline_none_are_reported():
    html = page('<a href="/" onfocus="this.blur()">首页</a><a href="/x" style="outline: none">政务公开</a>')
    assert [severity for severity, _ in found(html, "a11y.focus-outline-removed")] == ["high", None]


# ---------------------------------------------------------------------- presentation


def test_marquee_notice_scroller_and_blink_are_reported():
    html = page('<div class="gg"><span>最新公告：</span><marquee scrollamount="3" onmouseover="this.stop()">'
                '<a href="/tzgg/1.html">关于春节期间值班安排的通知</a></marquee></div><blink>新</blink>')
    assert len(found(html, "a11y.blink-marquee")) == 2
    assert found(CLEAN, "a11y.blink-marquee") == []


def test_font_and_center_from_a_pasted_article_are_reported_once_per_element_name():
    html = page('<div class="TRS_Editor"><center><font size="4" face="宋体">关于做好冬季供暖的通知</font></center>'
                '<p><font face="仿宋_GB2312">各乡镇人民政府：</font><font face="仿宋_GB2312">现将有关事项通知如下。</font></p></div>')
    messages = [m for _, m in found(html, "a11y.presentational-markup")]
    assert messages == ["使用已废弃的 <font> 标签（共 3 处）", "使用已废弃的 <center> 标签"]


def test_empty_paragraphs_and_br_runs_from_ueditor_are_reported():
    html = page('<div class="article"><p>为进一步做好工作，现通知如下。</p><p>&nbsp;</p><p><br></p>'
                '<p>一、总体要求</p>附件：<br><br><br><br>示例县人民政府</div>')
    messages = [m for _, m in found(html, "a11y.spacing-markup")]
    assert messages == ["空段落用于排版（共 2 个）", "连续 3 个以上 <br> 用于排版"]


def test_paragraphs_filled_by_script_images_and_single_breaks_pass():
    html = page('<p id="pageHtml"></p><p><img src="/x.jpg" alt="县城全景"></p><p>地址：示例县<br>电话：0477-1234567<br></p>')
    assert found(html, "a11y.spacing-markup") == []


def test_layout_tables_are_review_level_data_tables_and_presentation_tables_pass():
    layout = page('<table width="1000" align="center" border="0"><tr><td><table><tr><td><img src="/top.png" alt="乙镇">'
                  '</td></tr></table></td></tr><tr><td><h2>工作动态</h2><ul><li>动态一</li></ul></td></tr></table>')
    results = found(layout, "a11y.layout-table")
    assert review(results) and len(results) == 1  # the outer table only
    one_cell_rows = page('<table width="100%"><tr><td>首页</td></tr><tr><td>政务公开</td></tr></table>')
    assert review(found(one_cell_rows, "a11y.layout-table"))
    data = page('<table border="1"><tr><td>项目</td><td>金额</td></tr><tr><td>收入</td><td>12</td></tr></table>'
                '<table role="presentation"><tr><td><ul><li>a</li></ul></td></tr></table>'
                '<table><tr><th>姓名</th></tr><tr><td><table><tr><td>x</td></tr></table></td></tr></table>')
    assert found(data, "a11y.layout-table") == []


# ---------------------------------------------------------------------- structure


def test_a_page_without_h1_is_reported_and_a_frameset_or_empty_shell_is_not():
    old_template = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "x.dtd"><html lang="zh-CN"><head>'
                    '<title>乙镇人民政府</title></head><body><div class="logo"><img src="/top.png" alt="乙镇人民政府"></div>'
                    '<h2>工作动态</h2><ul><li>动态一</li></ul></body></html>')
    assert found(old_template, "a11y.page-heading-missing")
    hidden = old_template.replace("<h2>工作动态</h2>", '<h1 style="display:none">乙镇</h1><h2>工作动态</h2>')
    assert found(hidden, "a11y.page-heading-missing")
    frameset = '<html lang="zh-CN"><head><title>t</title></head><frameset><frame src="a.html" title="a"></frameset></html>'
    shell = '<html lang="zh-CN"><head><title>t</title><script>location.href="/index.html"</script></head><body></body></html>'
    role_heading = page("").replace("<h1>示例县人民政府</h1>", '<div role="heading" aria-level="1">示例县</div>')
    for html in (frameset, shell, role_heading, CLEAN):
        assert found(html, "a11y.page-heading-missing") == []


def test_skipped_heading_levels_are_reported_and_going_back_up_is_not():
    html = page('<h2>政务公开</h2><h4>政策文件</h4><h2>办事服务</h2><h3>个人办事</h3><h2>互动交流</h2>')
    assert [m for _, m in found(html, "a11y.heading-order")] == ["标题从 h2 跳到 h4"]


def test_radio_and_checkbox_groups_need_a_fieldset_with_a_legend():
    html = page('<form class="search"><input type="radio" name="scope" id="s1" checked><label for="s1">全站</label>'
                '<input type="radio" name="scope" id="s2"><label for="s2">本栏目</label></form>'
                '<form><p>您关注的领域：</p><label><input type="checkbox" name="field" value="1">教育</label>'
                '<label><input type="checkbox" name="field" value="2">医疗</label></form>'
                '<form><fieldset>联系方式<input name="tel" aria-label="电话"></fieldset>'
                '<fieldset><legend></legend></fieldset></form>')
    assert len(found(html, "a11y.fieldset-missing")) == 4
    grouped = page('<div role="radiogroup" aria-label="满意度"><label><input type="radio" name="my">满意</label>'
                   '<label><input type="radio" name="my">不满意</label></div>'
                   '<input type="checkbox" name="agree" id="a"><label for="a">同意</label>')
    assert found(grouped, "a11y.fieldset-missing") == []


# ---------------------------------------------------------------------- language


def test_mongolian_tibetan_and_uyghur_without_lang_are_reported():
    html = page('<div class="header"><h2>ᠰᠢᠯᠢ ᠬᠣᠰᠢᠭᠤ</h2></div><p>བོད་ཀྱི་སྐད་ཡིག</p><p>شىلى ناھىيىسى</p>'
                '<p lang="mn-Mong">ᠮᠣᠩᠭᠣᠯ</p><p lang="bo">བོད</p><p lang="ug">ئۇيغۇر</p>')
    results = found(html, "a11y.lang-change")
    assert [severity for severity, _ in results] == [None, None, None]
    assert ["蒙古文" in results[0][1], "藏文" in results[1][1], "阿拉伯" in results[2][1]] == [True, True, True]


def test_an_english_phrase_in_a_chinese_page_is_review_level_acronyms_urls_and_brands_are_not():
    html = page('<div class="footer"><p>Copyright © 2026 All Rights Reserved 示例县人民政府</p></div>')
    assert review(found(html, "a11y.lang-change"))
    plain = page('<p>全县 5G 基站 320 个，WiFi 覆盖 APP 下载量、GDP 增长、PM2.5 浓度见 http://www.example.gov.cn/tjsj/ '
                 '或 tjj@example.gov.cn。</p><p lang="en">Shili County holds Naadam Fair</p>')
    assert found(plain, "a11y.lang-change") == []
    assert found(page("<p>Welcome to Shili County</p>", lang="en"), "a11y.lang-change") == []


# ---------------------------------------------------------------------- catalogue and barriers


def test_every_new_rule_has_texts_in_both_languages_refs_and_a_spec_entry():
    from pathlib import Path

    from checks.engine.registry import all_checks

    spec = (Path(__file__).resolve().parents[1] / "docs" / "SPEC.md").read_text("utf-8")
    checks = {c.id: c for c in all_checks()}
    for check_id in BEYOND_IDS:
        c = checks[check_id]
        assert c.title["zh"] and c.title["en"] and c.fix["zh"] and c.fix["en"], check_id
        assert any(r.startswith("WCAG 2.1 ") for r in c.refs) and any(r.startswith("GB/T 37668-2019 ") for r in c.refs)
        assert f"`{check_id}`" in spec, check_id
    assert BEYOND["vague_more"] and BEYOND["alt_placeholders"]


def test_review_level_results_are_listed_apart_from_barriers():
    html = page('<div class="col-box"><div class="col-hd">政策解读</div><div class="col-more"><a href="/zcjd/">更多</a>'
                '</div></div><div><a href="/zt/">详细</a></div>')
    results = rule_findings(html)["a11y.link-text-vague"]
    dicts = [{**f.to_dict(), "check": "a11y.link-text-vague", "dimension": "accessibility",
              "severity": f.severity or "medium"} for f in results]
    block = accessibility_block(dicts, pages=1)
    assert [b["severity"] for b in block["barriers"]] == ["medium"]
    assert [b["severity"] for b in block["review"]] == ["info"]
    assert results[0].data["review"] is True and "review" not in results[1].data


# ---------------------------------------------------------------------- issue 24 item 3: spacer images, alt="" with a title


def test_spacer_gifs_of_an_old_trs_table_template_are_spacing_markup_once_a_page():
    html = page('<table width="980" border="0" cellpadding="0" cellspacing="0"><tr>'
                '<td><img src="/images/spacer.gif" width="1" height="10" alt=""></td>'
                '<td><a href="/zwgk/">政务公开</a><img src="../images/blank.gif" width="20" height="1"></td></tr></table>')
    results = found(html, "a11y.spacing-markup")
    assert len(results) == 1 and "占位图片" in results[0][1] and "共 2 个" in results[0][1]


def test_ordinary_gifs_and_pngs_are_not_spacers():
    html = page('<img src="/images/logo.png" alt="示例县人民政府"><img src="/images/new.gif" alt="新">'
                '<img src="/uploads/space_station.png" alt="空间站"><img src="/images/blankform.gif" alt="空白表格">')
    assert found(html, "a11y.spacing-markup") == []


def test_an_empty_alt_with_a_title_is_review_level():
    html = page('<div class="banner"><a href="/ztzl/"><img src="/images/zt_2026.jpg" alt="" title="学习贯彻党的二十大精神"></a>'
                '<span>学习贯彻党的二十大精神</span></div>')
    results = found(html, "a11y.alt-uninformative")
    assert review(results) and "title" in results[0][1]


def test_an_empty_alt_without_title_a_spacer_with_title_and_a_hidden_image_pass():
    html = page('<img src="/images/line.png" alt=""><img src="/images/spacer.gif" alt="" title=" ">'
                '<img src="/images/spacer.gif" alt="" title="spacer"><img src="/images/x.png" alt="" title="提示" hidden>')
    assert found(html, "a11y.alt-uninformative") == []
