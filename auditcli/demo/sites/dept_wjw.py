"""示例县卫生健康委员会 — a department site on a 集约化 platform, its own server: lists filled by script.

Its column list pages come from the server with an empty list box; the reader's browser fills them:
卫健要闻 by `fetch()` of a JSON API, 通知公告 by a jQuery `$.ajax` call from outside the list box, 政策文件
by a Vue-style app reading an inline state object (its `v-for` template and a `v-if` 暂无信息 line are
in the HTML), 人事信息 by `document.write` inside the list, 专项工作 by `fetch()` of an empty list (it
shows 暂无信息: truly empty), 规划计划 by `$.getJSON` showing titles only (the JSON's epoch timestamps
date it: stale). 健康科普 shows its list in a same-site <iframe>. The footer carries a script too (a
technical-support line by document.write, a statistics snippet): neither fills a list.

办事指南 (a server-rendered column) carries three guides, as the provincial 政务服务网 and TRS portals write
them: 医师执业注册 complete (a table of labels and values), 母婴保健技术服务执业许可 with 设定依据 暂无, 办理时间
left blank and no 收费标准 (TRS numbered paragraphs), 出生医学证明办理 with 办理流程 "详见附件" and no attachment,
咨询电话 "—" and no 承诺时限 (a <dl>): two `service.guide-incomplete` findings, the `service` block 3/1/2.

A static audit must not call the six script-filled columns empty (needs-browser, no veto); browser mode
renders them and judges the lists they show (the key's `browser` entries). The home page's news box is
server-rendered and dates the home page.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from typing import Any

from .. import templates as T
from ..builder import Item, Layout, SiteBuilder
from ..expected import expected_finding
from ..model import Ctx, SiteBuild
from .common import (
    BADGE_COLOURS,
    NEW_WINDOW_REVIEW,
    NOTICE_TOPICS,
    add_images,
    footer,
    items,
    quiet_sub_site,
    site_metas,
)

SITE_ID = "dept-wjw"
SERVER = "dept-wjw"
NAME = "示例县卫生健康委员会"
SITE_CODE = "bm15040003"
CHINA = timezone(timedelta(hours=8))

WJW_NEWS = ["县卫健委召开冬季传染病防控工作会议", "我县启动家庭医生签约服务提质行动", "县人民医院开展义诊进社区活动",
            "县卫健委督导检查医疗机构安全生产", "我县举办基层卫生人才能力提升培训", "全县老年健康宣传周活动启动"]
NAV = [("/index.html", "首页"), ("/wjyw/index.html", "卫健要闻"), ("/tzgg/index.html", "通知公告"),
       ("/zcwj/index.html", "政策文件"), ("/rsxx/index.html", "人事信息"), ("/jkkp/index.html", "健康科普"),
       ("/zxgz/index.html", "专项工作"), ("/ghjh/index.html", "规划计划"), ("/bszn/index.html", "办事指南")]
HOME = [("/index.html", "首页")]

JQUERY_SUBSET = """/* jQuery-compatible subset the platform bundles: $(fn), $(selector).html/append, $.ajax, $.getJSON, $.each */
(function () {
  function Q(selector) { this.els = Array.prototype.slice.call(document.querySelectorAll(selector)); }
  Q.prototype.html = function (h) { this.els.forEach(function (e) { e.innerHTML = h; }); return this; };
  Q.prototype.append = function (h) { this.els.forEach(function (e) { e.insertAdjacentHTML('beforeend', h); }); return this; };
  function $(arg) {
    if (typeof arg === 'function') {
      if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', arg); } else { arg(); }
      return undefined;
    }
    return new Q(arg);
  }
  $.ajax = function (o) {
    fetch(o.url).then(function (r) { return r.json(); })
      .then(function (d) { if (o.success) { o.success(d); } })
      .catch(function (e) { if (o.error) { o.error(e); } });
  };
  $.getJSON = function (url, done) { $.ajax({url: url, success: done}); };
  $.each = function (list, fn) { for (var i = 0; i < list.length; i++) { fn(i, list[i]); } };
  window.$ = window.jQuery = $;
})();
"""

LIST_APP = """/* The platform's list app (Vue-style templates): renders v-for / v-if / :href / {{ }} from window.__INITIAL_STATE__ */
(function () {
  var state = window.__INITIAL_STATE__ || {};
  function fill(html, name, item) {
    return html.replace(new RegExp('\\\\{\\\\{\\\\s*' + name + '\\\\.(\\\\w+)\\\\s*\\\\}\\\\}', 'g'), function (_, key) { return item[key] == null ? '' : item[key]; });
  }
  document.querySelectorAll('[v-for]').forEach(function (template) {
    var parts = template.getAttribute('v-for').split(' in ');
    var name = parts[0].trim(), list = state[parts[1].trim()] || [];
    list.forEach(function (item) {
      var node = template.cloneNode(true);
      node.removeAttribute('v-for');
      node.innerHTML = fill(node.innerHTML, name, item);
      node.querySelectorAll('*').forEach(function (el) {
        var bound = el.getAttribute(':href');
        if (bound) { el.setAttribute('href', item[bound.split('.')[1]]); el.removeAttribute(':href'); }
      });
      template.parentNode.insertBefore(node, template);
    });
    template.parentNode.removeChild(template);
    document.querySelectorAll('[v-if]').forEach(function (el) { if (list.length) { el.parentNode.removeChild(el); } else { el.removeAttribute('v-if'); } });
  });
})();
"""


def build(ctx: Ctx) -> SiteBuild:
    """The site, part by part; the order fixes the article ids in the URLs and the routes' order."""
    sb = SiteBuilder(ctx, SITE_ID, SERVER, source=NAME)
    sb.layout = _layout(ctx)
    news = _script_columns(sb)
    _framed_and_static(sb)
    guides = _guides(sb)
    _home_page(sb, news)
    return sb.finish(
        config={"id": SITE_ID, "name": NAME, "level": "department", "parent": "county", "url": sb.url("/")},
        key=_answer_key(sb, guides),
    )


def _layout(ctx: Ctx) -> Layout:
    """The platform's template: jQuery subset in <head>, clock and 无障碍 on top, a footer finished by script."""
    header = (f'<div class="topbar"><span class="clock">{T.clock(ctx.as_of)}</span>'
              '<span class="tools"><a href="/wza/index.html">无障碍</a></span></div>'
              f'<div class="header"><img src="/images/logo.png" alt="{NAME}"><h1>{NAME}</h1></div>' + T.nav(NAV))
    foot = footer(org=NAME, site_code=SITE_CODE, icp="蒙ICP备05001234号-5", police="蒙公网安备 15040202000125号",
                  conac_id="1504000001000000003", jiucuo_code=SITE_CODE, year=ctx.as_of.year,
                  address="示例县健康路6号")
    # the footer's own scripts: a support line written by document.write, a statistics snippet
    body, _, end = foot.rpartition("</div>")
    foot = (body + '<p id="support"><script>document.write("技术支持：集约化平台运维中心");</script></p>'
            '<script>var _hmt = _hmt || []; (function () { var hm = document.createElement("script"); '
            'hm.src = "/stat/hm.js"; document.getElementsByTagName("head")[0].appendChild(hm); })();</script></div>' + end)

    def layout(title: str, content: str, *, metas: dict[str, str] | None = None, lang: str | None = "zh-CN",
               charset: str = "utf-8") -> str:
        return T.document(f"{title}_{NAME}" if title != NAME else title,
                          f'{header}\n<div class="main">\n{content}\n</div>\n{foot}', metas=metas, lang=lang,
                          charset=charset, head_extra='<script src="/js/jquery.min.js"></script>\n')

    return layout


def _li_js(url: str, title: str, when: str | None) -> str:
    return f"'<li><a href=\"' + {url} + '\" target=\"_blank\">' + {title} + '</a>" + (
        f"<span>' + {when} + '</span></li>'" if when else "</li>'")


def _script_columns(sb: SiteBuilder) -> dict[str, Any]:
    """The six columns whose list a script fills; returns 卫健要闻 (the home page shows its newest items)."""
    A = sb.ctx.ago

    def fetch_list(api: str, box: str, rows: list[Item]) -> str:
        sb.raw(api, json.dumps({"code": 200, "data": {"total": len(rows), "list": [
            {"title": i.title, "url": i.path, "publishTime": f"{i.date:%Y-%m-%d} 09:30:00"} for i in rows]}},
            ensure_ascii=False), "application/json")
        return (f'<ul class="list" id="{box}"></ul><script>\n'
                f"fetch('{api}').then(function (r) {{ return r.json(); }}).then(function (res) {{\n"
                "  var html = '';\n  res.data.list.forEach(function (item) {\n"
                f"    html += {_li_js('item.url', 'item.title', 'item.publishTime.substring(0, 10)')};\n  }});\n"
                f"  document.getElementById('{box}').innerHTML = html || '<li class=\"no-data\">暂无信息</li>';\n}});\n"
                "</script>")

    news = sb.script_column("卫健要闻", "/wjyw/", "news", items(WJW_NEWS, A(2), 3, 12),
                            lambda rows: fetch_list("/api/wjyw/list.json", "wjyw-list", rows), column_type="新闻动态")

    def jquery_rows(rows: list[Item]) -> str:
        sb.raw("/api/tzgg.json", json.dumps({"total": len(rows), "rows": [
            {"title": i.title, "href": i.path, "pubDate": f"{i.date:%Y-%m-%d}"} for i in rows]}, ensure_ascii=False),
            "application/json")
        return '<ul class="news-list"></ul>'

    tzgg_script = ("<script>$(function () {\n  $.ajax({url: '/api/tzgg.json', dataType: 'json', success: function (res) {\n"
                   "    var html = '';\n    $.each(res.rows, function (i, row) {\n"
                   f"      html += {_li_js('row.href', 'row.title', 'row.pubDate')};\n    }});\n"
                   "    $('.news-list').html(html);\n  }});\n});</script>")
    sb.script_column("通知公告", "/tzgg/", "notice", items(NOTICE_TOPICS[:5], A(20), 18, 5), jquery_rows,
                     script=tzgg_script, column_type="通知公告")

    def inline_state(rows: list[Item]) -> str:
        state = {"list": [{"title": i.title, "url": i.path, "date": f"{i.date:%Y-%m-%d}"} for i in rows]}
        return ('<div id="app"><ul class="list"><li v-for="item in list"><a :href="item.url" target="_blank">'
                '{{ item.title }}</a><span>{{ item.date }}</span></li>'
                '<li v-if="list.length == 0" class="no-data">暂无信息</li></ul></div>'
                f"<script>window.__INITIAL_STATE__ = {json.dumps(state, ensure_ascii=False)};</script>"
                '<script src="/js/app.js"></script>')

    sb.script_column("政策文件", "/zcwj/", "policy",
                     items(["示例县卫生健康委员会关于印发《基层医疗卫生服务能力提升方案》的通知",
                            "示例县卫生健康委员会关于加强院感防控工作的通知"], A(30), 60, 4), inline_state,
                     column_type="政策文件")

    def written(rows: list[Item]) -> str:
        data = json.dumps([{"t": i.title, "u": i.path, "d": f"{i.date:%Y-%m-%d}"} for i in rows], ensure_ascii=False)
        return (f'<ul class="list"><script>\nvar rsxx = {data};\nfor (var i = 0; i < rsxx.length; i++) {{\n'
                f"  document.write({_li_js('rsxx[i].u', 'rsxx[i].t', 'rsxx[i].d')});\n}}\n</script></ul>")

    sb.script_column("人事信息", "/rsxx/", "personnel",
                     items(["示例县卫生健康委员会2026年公开招聘工作人员公告", "关于张某某等同志任职的通知",
                            "示例县卫生健康委员会2026年事业单位拟聘用人员公示"], A(100), 45, 3, suffix=False),
                     written, column_type="人事信息")
    sb.script_column("专项工作", "/zxgz/", "other", [],
                     lambda rows: fetch_list("/api/zxgz/list.json", "zxgz-list", rows), column_type="专项工作")

    def titles_only(rows: list[Item]) -> str:
        sb.raw("/api/ghjh.json", json.dumps({"datas": [
            {"docTitle": i.title, "linkUrl": i.path, "docRelTime": _epoch_ms(i.date)} for i in rows]},
            ensure_ascii=False), "application/json")
        return '<ul class="list" id="ghjh"></ul>'

    ghjh_script = ("<script>$.getJSON('/api/ghjh.json', function (res) {\n  var html = '';\n"
                   f"  $.each(res.datas, function (i, d) {{ html += {_li_js('d.linkUrl', 'd.docTitle', None)}; }});\n"
                   "  $('#ghjh').html(html);\n});</script>")
    sb.script_column("规划计划", "/ghjh/", "planning",
                     [Item(title=t, date=A(days), url_style="plain") for t, days in
                      (("示例县“十四五”卫生健康事业发展规划", 520), ("示例县医疗机构设置规划（2021—2025年）", 700))],
                     titles_only, script=ghjh_script, column_type="规划计划")
    return news


def _epoch_ms(day: date | None) -> int:
    assert day is not None
    return int(datetime(day.year, day.month, day.day, 9, 30, tzinfo=CHINA).timestamp() * 1000)


def _framed_and_static(sb: SiteBuilder) -> None:
    """健康科普 in an iframe, the 无障碍 page, the platform's scripts and the images."""
    A = sb.ctx.ago
    sb.framed_column("健康科普", "/jkkp/", "other",
                     items(["冬季流感预防知识", "老年人健康生活方式指南", "儿童疫苗接种须知", "合理膳食 健康生活"],
                           A(12), 20, 4, suffix=False), column_type="健康科普")
    sb.static_page("/wza/index.html", "无障碍", ["本网站提供无障碍浏览服务：大字幕、高对比度、语音朗读。"],
                   crumbs=[*HOME, (None, "无障碍")])
    sb.raw("/js/jquery.min.js", JQUERY_SUBSET, "application/javascript")
    sb.raw("/js/app.js", LIST_APP, "application/javascript")
    sb.raw("/stat/hm.js", "/* statistics */\n", "application/javascript")
    add_images(sb, {name: BADGE_COLOURS[name] for name in ("logo", "red", "gongan", "jiucuo")})


GUIDE_INTRO = "本指南供申请人参考，具体以窗口受理要求为准。"
COMPLETE_GUIDE = [  # 政务服务网's detail table: label cells (th scope=row) and value cells, two pairs to a row
    (("事项名称", "医师执业注册"), ("事项类型", "行政许可")),
    (("设定依据", "《中华人民共和国医师法》第十三条；《医师执业注册管理办法》第二条"),),
    (("申请条件", "取得医师资格，经执业医疗机构同意，身体健康，无不予注册情形"),),
    (("申请材料", "1.医师执业注册申请审核表；2.近6个月免冠证件照；3.医疗机构拟聘用证明"),),
    (("办理地点", "示例县政务服务中心二楼卫健窗口"), ("办理时间", "周一至周五 9:00-12:00，14:30-17:30（法定节假日除外）")),
    (("法定时限", "20个工作日"), ("承诺时限", "5个工作日")),
    (("收费标准", "不收费"), ("咨询电话", "0471-6252001")),
    (("办理流程", "网上申请→窗口受理→审查→决定→发证"),),
]


def _guide_table(rows: list[tuple[tuple[str, str], ...]]) -> str:
    def row(pairs: tuple[tuple[str, str], ...]) -> str:
        span = ' colspan="3"' if len(pairs) == 1 else ""
        return "<tr>" + "".join(f'<th scope="row">{label}</th><td{span}>{value}</td>' for label, value in pairs) + "</tr>"
    return ('<table class="bszn-table"><caption>办事指南</caption>' + "".join(row(r) for r in rows) + "</table>")


def _guides(sb: SiteBuilder) -> list[Item]:
    """办事指南: three guides, one complete; returns them (their URLs go in the key)."""
    A = sb.ctx.ago
    trs = ("<p>一、事项名称：母婴保健技术服务执业许可</p><p>二、设定依据：暂无</p>"
           "<p>三、申请条件：医疗机构依法取得执业许可，有符合条件的专业技术人员</p>"
           "<p>四、申请材料：1.申请书；2.医疗机构执业许可证副本；3.专业技术人员资格证明</p>"
           "<p>五、办理地点：示例县政务服务中心二楼卫健窗口</p><p>六、办理时间：</p>"
           "<p>七、承诺时限：10个工作日</p><p>八、办理流程：申请→受理→现场审查→决定</p>"
           "<p>九、咨询电话：0471-6252001</p>")
    dl = ('<dl class="bszn"><dt>事项名称</dt><dd>出生医学证明办理</dd>'
          "<dt>设定依据</dt><dd>《中华人民共和国母婴保健法》第二十三条</dd>"
          "<dt>申请条件</dt><dd>在本县助产机构出生的新生儿</dd>"
          "<dt>申请材料</dt><dd>父母双方有效身份证件、结婚证</dd>"
          "<dt>办理地点</dt><dd>示例县人民医院产科</dd><dt>办理时间</dt><dd>工作日 8:00-12:00</dd>"
          "<dt>收费标准</dt><dd>不收费</dd><dt>办理流程</dt><dd>详见附件</dd><dt>咨询电话</dt><dd>—</dd></dl>")
    guides = [Item(title="医师执业注册办事指南", date=A(40), paragraphs=[GUIDE_INTRO], extra_html=_guide_table(COMPLETE_GUIDE)),
              Item(title="母婴保健技术服务执业许可办事指南", date=A(55), paragraphs=[GUIDE_INTRO], extra_html=trs),
              Item(title="出生医学证明办理指南", date=A(70), paragraphs=[GUIDE_INTRO], extra_html=dl)]
    sb.column("办事指南", "/bszn/", "other", guides, column_type="办事指南", crumbs=HOME)
    return guides


def _home_page(sb: SiteBuilder, news: dict[str, Any]) -> None:
    """The home page: 卫健要闻's five newest items, server-rendered (they date it), and the county's 县长信箱."""
    newest = sb.column_items[news["url"]][:5]
    sb.homepage_dates.extend(i.date for i in newest if i.date)
    lis = "".join(T.list_item(i.path, i.title, f"{i.date:%Y-%m-%d}") for i in newest if i.date)
    sb.html("/index.html", NAME,
            f'<div class="block"><h2>卫健要闻<a href="/wjyw/index.html">更多</a></h2><ul class="list">{lis}</ul></div>'
            f'<div class="block"><h2>互动交流</h2><a href="{sb.ctx.base("county")}/hdjl/xzxx/index.html">县长信箱</a></div>',
            metas=site_metas(sb, NAME, SITE_CODE))
    sb.not_column("/index.html", "首页", "home")


def _answer_key(sb: SiteBuilder, guides: list[Item]) -> dict[str, Any]:
    """Six script-filled columns (needs-browser statically; under `browser`, what rendering shows: one empty,
    one stale), one framed column; identity complete; no CSP header (it would block the inline scripts);
    two incomplete guides of three."""
    e = expected_finding
    return {
        "findings": [
            e("service.guide-incomplete", sb.url(guides[1].path), count=1, data={"missing": ["basis", "hours", "fees"]},
              note="TRS guide: 设定依据 暂无, 办理时间 blank, no 收费标准"),
            e("service.guide-incomplete", sb.url(guides[2].path), count=1,
              data={"missing": ["time_limit", "process", "contact"], "blank": ["process", "contact"]},
              note="<dl> guide: no 承诺时限, 办理流程 详见附件 without an attachment, 咨询电话 —"),
        ],
        "service": {"guides": 3, "complete": 1, "incomplete": 2},
        "homepage": sb.homepage_key("/index.html"),
        "identity": {"site_code": True, "icp": True, "police": True, "conac": True, "jiucuo": True,
                     "page_tags": True},
        **quiet_sub_site("links to the parent portal's 县长信箱"),
        # the framed list (jkkp/list_frame.html) is audited as part of jkkp/index.html, which embeds it
        # (checks/a11y/frames.py): a bare list needs no <h1> of its own, the embedding page has it
        "accessibility": {"assistive_tool": True, "barriers": [], "review": [NEW_WINDOW_REVIEW]},
        "security": {"https": False, "server_version_disclosure": None, "insecure_cookie": None,
                     "missing_security_headers": ["Content-Security-Policy"]},
    }
