"""Columns whose list a script fills (集约化 platforms, Vue/jQuery lists, document.write, iframes): never
judged empty on the static HTML alone (needs-browser, no veto), judged from the rendered list once browser
mode has rendered it; and the truly empty columns of ordinary portals, whose pages carry scripts of their
own (pager, statistics, a footer by script), still judged empty."""

from __future__ import annotations

import json

from checks.engine.columnmodel import columns_model
from checks.engine.listparse import summarise
from checks.engine.scriptlist import json_items
from reports.scoring import column_counts, load_profile
from tests.test_columns import AS_OF, BASE, article, doc, li, make_site

JQUERY = '<script type="text/javascript" src="/js/jquery-1.12.4.min.js"></script>'
# what ordinary portals carry on every page: a statistics snippet, a footer loaded by script, a clock script
PAGE_SCRIPTS = ('<div id="footer-links"></div><script>$("#footer-links").load("/include/footer_links.html");</script>'
                '<script>var _hmt = _hmt || []; (function() { var hm = document.createElement("script");'
                ' hm.src = "https://hm.baidu.com/hm.js?0f1e2d"; var s = document.getElementsByTagName("script")[0];'
                ' s.parentNode.insertBefore(hm, s); })();</script>'
                '<script>document.getElementById("today").innerHTML = new Date().toLocaleDateString();</script>')
METAS = {"SiteName": "示例县人民政府", "ColumnName": "通知公告", "ColumnType": "通知公告"}


def list_page(body: str, *, name: str = "通知公告", after: str = "") -> str:
    metas = {**METAS, "ColumnName": name, "ColumnType": name}
    return doc(f'<div class="location">当前位置：<a href="/">首页</a> &gt; {name}</div>'
               f'<div class="list-box"><h2 class="column-title">{name}</h2>{body}</div>{after}{PAGE_SCRIPTS}',
               title=f"{name}_示例县人民政府", metas=metas)


def home(*paths: str) -> str:
    links = "".join(f'<li><a href="{p}">{n}</a></li>' for p, n in paths)
    return doc(f'<ul class="entries">{links}</ul>', metas={"SiteName": "示例县人民政府"})


# Lists as 集约化 platforms and their vendors write them
KAIPU_AJAX = list_page('<ul class="news-list" id="newsList"></ul><div class="page" id="page"></div>', after=(
    JQUERY + '<script type="text/javascript">\nvar channelId = "6f3e1c";\n$(function () { getList(1); });\n'
    'function getList(pageNo) {\n  $.ajax({ url: "/api-gateway/jpaas-publish-server/front/page/build/unit", '
    'type: "GET", data: { webId: "a1", pageId: channelId, pageNo: pageNo },\n'
    '    success: function (res) { var h = ""; for (var i = 0; i < res.data.length; i++) {'
    ' h += "<li><a href=\\"" + res.data[i].url + "\\">" + res.data[i].title + "</a><span>" + res.data[i].date + '
    '"</span></li>"; } $("#newsList").html(h); $("#page").html(res.pager); } });\n}\n</script>'))
VUE_TEMPLATE = list_page(
    '<div id="app" v-cloak><ul class="list"><li v-for="item in list" :key="item.id"><a :href="item.url" '
    'target="_blank">{{ item.title }}</a><span>{{ item.publishDate }}</span></li>'
    '<li v-if="list.length === 0" class="empty">暂无数据</li></ul></div>',
    after='<script src="/js/vue.min.js"></script><script>new Vue({ el: "#app", data: { list: [] }, mounted: '
          'function () { var vm = this; axios.get("/api/list?cid=12").then(function (r) { vm.list = r.data.rows; }); } });'
          '</script>')
DOCUMENT_WRITE = list_page(
    '<ul class="list"><script language="javascript">\nvar news = [["关于开展冬季安全检查的通知", "./202611/t20261118_2.html",'
    ' "2026-11-18"]];\nfor (var i = 0; i < news.length; i++) { document.write("<li><a href=\'" + news[i][1] + "\'>" + '
    'news[i][0] + "</a><span>" + news[i][2] + "</span></li>"); }\n</script></ul>')
ART_TEMPLATE = list_page(
    '<div class="list-con" id="listCon"></div>',
    after=JQUERY + '<script src="/js/template-web.js"></script>'
          '<script id="tpl-list" type="text/html">{{each rows item}}<li><a href="{{item.url}}">{{item.title}}</a>'
          '<span>{{item.date}}</span></li>{{/each}}</script>'
          '<script>$.getJSON("/api/list.json", function (d) { $("#listCon").html(template("tpl-list", d)); });</script>')
FRAMED = list_page('<iframe src="/tzgg/list_frame.html" title="通知公告列表" width="100%" height="600" '
                   'frameborder="0" scrolling="no"></iframe>')

# Truly empty columns of ordinary portals, with the scripts such pages carry
TRS_EMPTY = list_page(
    '<ul class="list"></ul><div class="no-data">暂无信息</div><div class="page"><script>createPageHTML(0, 0, "index", '
    '"html");</script></div>',
    after='<script type="text/javascript">var _trs_uv = "zwgk"; document.write("<img src=\'/trs_uv.gif\'>");</script>')
JQUERY_PAGER_EMPTY = list_page(
    '<ul class="list"></ul><div class="pagination" id="page"></div>',
    after=JQUERY + '<script>var totalPage = 0; $("#page").html("共 0 条记录");</script>')


def _model(tmp_path, page: str, *, extra: dict[str, str] | None = None):
    site = make_site(tmp_path, {"/index.html": home(("/tzgg/index.html", "通知公告")), "/tzgg/index.html": page,
                                **(extra or {})})
    return site, columns_model(site).columns


def test_a_list_a_script_fills_is_not_judged_empty_and_counts_towards_no_veto(tmp_path):
    cases = {"ajax": KAIPU_AJAX, "vue": VUE_TEMPLATE, "document.write": DOCUMENT_WRITE, "art-template": ART_TEMPLATE,
             "iframe": FRAMED}
    profile = load_profile("cn-gov-2019")
    for k, (name, page) in enumerate(cases.items()):
        site, columns = _model(tmp_path / str(k), page)
        [column] = columns
        assert column.status == "needs-browser", (name, column.status, column.evidence)
        assert column.evidence and column.latest is None
        counts = column_counts({"columns": [column.to_dict()]}, profile)
        assert counts["empty_columns"] == 0 and counts["stale_key_columns"] == 0, name


def test_the_sign_is_named_as_the_evidence(tmp_path):
    evidence = {name: _model(tmp_path / name, page)[1][0].evidence
                for name, page in (("a", KAIPU_AJAX), ("v", VUE_TEMPLATE), ("d", DOCUMENT_WRITE), ("f", FRAMED))}
    assert evidence["a"] == "脚本 $.ajax( 填充 #newsList"
    assert evidence["v"].startswith("列表模板 <li v-for=")
    assert evidence["d"] == "列表框内脚本 document.write("
    assert evidence["f"] == f"列表在框架中 {BASE}/tzgg/list_frame.html"


def test_truly_empty_columns_with_pager_statistics_and_footer_scripts_stay_empty(tmp_path):
    for k, page in enumerate((TRS_EMPTY, JQUERY_PAGER_EMPTY)):
        _, [column] = _model(tmp_path / str(k), page)
        assert column.status == "empty", (k, column.evidence)


def test_a_framed_list_that_was_crawled_is_the_columns_own(tmp_path):
    frame = doc(f'<ul class="list">{li("./202611/t20261112_5.html", "关于征集民生实事项目建议的公告", "2026-11-12")}'
                f'{li("./202610/t20261020_4.html", "关于调整部分公交线路的公告", "2026-10-20")}'
                f'{li("./202609/t20260903_3.html", "关于公开招聘社区工作者的公告", "2026-09-03")}</ul>',
                metas={"ColumnName": "通知公告"})
    site, columns = _model(tmp_path, FRAMED, extra={"/tzgg/list_frame.html": frame})
    [column] = columns  # the framed page is no column of its own
    assert (column.url, column.status, column.latest.isoformat(), column.item_count) == \
        (f"{BASE}/tzgg/index.html", "fresh", "2026-11-12", 3)
    assert column.selector.startswith("iframe[src*='list_frame.html'] >>> ")


def _rendered(site, url: str, dom: str, responses: list[tuple[str, object]] = ()) -> None:
    """What browser mode stores for a snapshotted page (auditcli/app/browser.py, spiders/render.py)."""
    site.store.add_rendered(site.id, url, "ok", None, {
        "final_url": url, "violations": [], "incomplete": [], "dom": dom,
        "responses": [{"url": u, "status": 200, "body": json.dumps(b, ensure_ascii=False)} for u, b in responses]})
    site.store.commit()


def test_browser_mode_judges_the_rendered_list_dated_by_its_json(tmp_path):
    """The rendered list shows titles only; the JSON the page fetched dates them (epoch milliseconds)."""
    site, _ = _model(tmp_path, KAIPU_AJAX)
    shown = KAIPU_AJAX.replace('<ul class="news-list" id="newsList"></ul>', '<ul class="news-list" id="newsList">'
                               '<li><a href="/tzgg/content_7.html">关于开展冬季取暖安全检查的通知</a></li>'
                               '<li><a href="/tzgg/content_6.html">关于调整部分公交线路的公告</a></li></ul>')
    _rendered(site, f"{BASE}/tzgg/index.html", shown, [(f"{BASE}/api/list", {"data": [
        {"title": "关于开展冬季取暖安全检查的通知", "url": "/tzgg/content_7.html", "publishTime": 1793325600000},
        {"title": "关于调整部分公交线路的公告", "url": "/tzgg/content_6.html", "publishTime": 1788228000000}]})])
    site._analyses.clear()
    [column] = columns_model(site).columns
    assert (column.status, column.latest.isoformat(), column.item_count, column.rendered) == \
        ("fresh", "2026-10-30", 2, True)  # 2026-10-30 10:00 Beijing time, in milliseconds


def test_a_rendered_list_that_shows_no_items_is_empty(tmp_path):
    site, _ = _model(tmp_path, VUE_TEMPLATE)
    shown = VUE_TEMPLATE.replace(
        '<li v-for="item in list" :key="item.id"><a :href="item.url" target="_blank">{{ item.title }}</a>'
        '<span>{{ item.publishDate }}</span></li><li v-if="list.length === 0" class="empty">暂无数据</li>',
        '<!----><li class="empty">暂无数据</li>')
    _rendered(site, f"{BASE}/tzgg/index.html", shown, [(f"{BASE}/api/list?cid=12", {"rows": [], "total": 0})])
    site._analyses.clear()
    [column] = columns_model(site).columns
    assert (column.status, column.evidence) == ("empty", "暂无数据（浏览器渲染后）")


def test_a_stored_article_linked_from_a_script_list_is_no_column(tmp_path):
    """The home page links an item of the script-filled column: the article stays an article."""
    site = make_site(tmp_path, {
        "/index.html": home(("/tzgg/index.html", "通知公告"), ("/tzgg/202611/t20261118_2.html", "关于开展冬季安全检查的通知")),
        "/tzgg/index.html": DOCUMENT_WRITE,
        "/tzgg/202611/t20261118_2.html": article("关于开展冬季安全检查的通知", "2026-11-18")})
    assert [c.status for c in columns_model(site).columns] == ["needs-browser"]


def test_json_items_read_titles_dates_and_urls_of_list_responses():
    items = json_items([(f"{BASE}/api/list.json", json.dumps({"code": 0, "data": {"pageInfo": {"total": 2}, "records": [
        {"DOCTITLE": "关于公开招聘社区工作者的公告", "DOCRELTIME": "2026-11-02 10:00:00", "DOCPUBURL": "./202611/t1.html"},
        {"title": "没有日期的条目"}]}}, ensure_ascii=False)),
        (f"{BASE}/api/cb", 'jQuery1124({"list":[{"name":"冬季防火通告","createTime":1762000000}]})'),
        (f"{BASE}/api/bad", "<html>not json</html>")], AS_OF)
    assert items.date_of("关于公开招聘社区工作者的公告", "") == items.date_of("", f"{BASE}/api/202611/t1.html")
    assert items.date_of("关于公开招聘社区工作者的公告", "").isoformat() == "2026-11-02"
    assert items.date_of("冬季防火通告", "").isoformat() == "2025-11-01"
    assert items.date_of("没有日期的条目", "") is None


def test_the_summary_of_an_ordinary_list_page_has_no_script_sign(tmp_path):
    """A list page with rows is read as before, whatever scripts it carries."""
    site = make_site(tmp_path, {"/index.html": home(("/tzgg/index.html", "通知公告")), "/tzgg/index.html": list_page(
        f'<ul class="list">{li("./202611/t20261118_2.html", "关于开展冬季安全检查的通知", "2026-11-18")}'
        f'{li("./202611/t20261110_1.html", "关于征集民生实事项目建议的公告", "2026-11-10")}'
        f'{li("./202610/t20261009_3.html", "关于调整部分公交线路的公告", "2026-10-09")}</ul>', after=KAIPU_AJAX[-600:])})
    page = site.page(f"{BASE}/tzgg/index.html")
    summary = summarise(page, AS_OF)
    assert summary.script_list is None and len(summary.rows) == 3
