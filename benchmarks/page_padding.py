"""Real-size pages for the fleet benchmark: page furniture as TRS / Hanweb county templates carry it.

A real county portal's page weighs ~39 KB at the median, the fleet farm's ~2 KB. What makes the
difference is furniture, not content: an inline `<style>` block, inline menu and statistics
scripts, a 网站群 drop-down `<select>` of every government site in the province and CMS comments.
`pad_html` adds exactly that, and only where furniture lives, until the page reaches the size asked
for: in `<head>` (style, menu script, template comment) and in a box inside the page's existing
`<div class="footer">` (the 网站群 select, the statistics snippet), so no column, date, link,
language, identity or accessibility result moves (tests/test_fleet_bench.py).

The padding is deterministic: one template per site (its seed), cut to each page's size.
"""

from __future__ import annotations

import random
from functools import cache

# (city, domain label) and the city's counties/banners (name, domain label): Inner Mongolia, as the
# fleet's footers (蒙ICP备…) say. Off-site .gov.cn hosts: never in a fleet site's scope.
CITIES: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("呼和浩特市", "huhhot", [("土默特左旗", "tmtzq"), ("托克托县", "tkt"), ("和林格尔县", "hlge"),
                            ("清水河县", "qsh"), ("武川县", "wuchuan")]),
    ("包头市", "baotou", [("土默特右旗", "tmtyq"), ("固阳县", "guyang"), ("达尔罕茂明安联合旗", "dmlhq")]),
    ("鄂尔多斯市", "ordos", [("达拉特旗", "dlt"), ("准格尔旗", "zge"), ("鄂托克前旗", "etkqq"), ("鄂托克旗", "etkq"),
                          ("杭锦旗", "hjq"), ("乌审旗", "wsq"), ("伊金霍洛旗", "yjhl")]),
    ("巴彦淖尔市", "bynr", [("五原县", "wuyuan"), ("磴口县", "dengkou"), ("乌拉特前旗", "wltqq"),
                          ("乌拉特中旗", "wltzq"), ("乌拉特后旗", "wlthq"), ("杭锦后旗", "hjhq")]),
    ("乌兰察布市", "wulanchabu", [("卓资县", "zhuozi"), ("化德县", "huade"), ("商都县", "shangdu"),
                               ("兴和县", "xinghe"), ("凉城县", "liangcheng"), ("察哈尔右翼前旗", "chyyqq"),
                               ("察哈尔右翼中旗", "chyyzq"), ("四子王旗", "szwq"), ("丰镇市", "fengzhen")]),
    ("呼伦贝尔市", "hlbe", [("阿荣旗", "arq"), ("鄂伦春自治旗", "elc"), ("陈巴尔虎旗", "cbrh"),
                          ("新巴尔虎左旗", "xbrhzq"), ("新巴尔虎右旗", "xbrhyq"), ("扎兰屯市", "zlt")]),
    ("兴安盟", "xam", [("扎赉特旗", "zltq"), ("突泉县", "tuquan"), ("科尔沁右翼前旗", "keqyyqq"),
                     ("科尔沁右翼中旗", "keqyyzq")]),
    ("通辽市", "tongliao", [("开鲁县", "kailu"), ("库伦旗", "kulun"), ("奈曼旗", "naiman"), ("扎鲁特旗", "zlut")]),
    ("赤峰市", "chifeng", [("林西县", "linxi"), ("克什克腾旗", "ksk"), ("翁牛特旗", "wnt"), ("喀喇沁旗", "klq"),
                         ("宁城县", "ningcheng"), ("敖汉旗", "aohan")]),
    ("锡林郭勒盟", "xlgl", [("阿巴嘎旗", "abg"), ("苏尼特左旗", "sntzq"), ("正蓝旗", "zlq"), ("多伦县", "duolun")]),
]
DEPARTMENTS: list[tuple[str, str]] = [
    ("发展和改革委员会", "fgw"), ("教育局", "jyj"), ("公安局", "gaj"), ("财政局", "czj"), ("人力资源和社会保障局", "rsj"),
    ("自然资源局", "zrzyj"), ("生态环境局", "sthjj"), ("住房和城乡建设局", "zjj"), ("交通运输局", "jtysj"),
    ("水利局", "slj"), ("农牧局", "nmj"), ("卫生健康委员会", "wjw"), ("市场监督管理局", "scjgj"), ("统计局", "tjj"),
    ("应急管理局", "yjglj"), ("民政局", "mzj"), ("司法局", "sfj"), ("审计局", "sjj"), ("林业和草原局", "lcj"),
]
SITE_GROUP_SIZE = 150

CSS_SELECTORS = [
    "body", ".container", ".w1200", ".header .logo", ".header .search", ".search .input", ".search .btn",
    ".nav li", ".nav li a", ".nav li.on a", ".menu-sub", ".menu-sub li a", ".banner-box", ".focus-pic",
    ".location", ".location a", ".list-box", ".list-box .column-title", ".list li", ".list li a",
    ".list li span", ".page", ".page a", ".page span", ".article", ".article-title", ".article .info",
    ".article-content p", ".article-content img", ".footer", ".footer p", ".footer a", ".badges img",
    ".wzq", ".wzq select", ".share-box", ".print-box", ".font-size a", ".fl", ".fr", ".clearfix:after",
    ".tab-title li", ".tab-title li.cur", ".tab-con", ".gk-list dl", ".gk-list dt", ".gk-list dd",
    ".zwgk-nav a", ".hdjl-box", ".bszn-list li", ".zt-box img", ".ld-list .name", ".ld-list .duty",
]
CSS_DECLARATIONS = [
    "margin:0 auto", "padding:0", "width:1200px", "height:40px", "line-height:40px", "font-size:14px",
    "font-size:16px", "font-family:\"Microsoft YaHei\",\"微软雅黑\",SimSun,sans-serif", "color:#333",
    "color:#666", "color:#1a56a8", "color:#c00", "background:#f5f5f5", "background:#1a56a8",
    # (no url(): a CSS image the farm does not serve would be a broken resource the unpadded page lacks)
    "background:linear-gradient(#fff,#e6e6e6) repeat-x", "border:1px solid #ddd", "border-bottom:1px dashed #ccc",
    "overflow:hidden", "text-overflow:ellipsis", "white-space:nowrap", "float:left", "float:right",
    "text-align:center", "position:relative", "z-index:99", "cursor:pointer", "text-decoration:none",
    "list-style:none", "box-sizing:border-box", "border-radius:3px", "font-weight:bold",
]
MENU_SCRIPT = """<script type="text/javascript">
/* 导航下拉菜单 */
(function () {
  var nav = document.getElementById("nav");
  if (!nav) { return; }
  var items = nav.getElementsByTagName("li");
  for (var i = 0; i < items.length; i++) {
    items[i].onmouseover = function () {
      var sub = this.getElementsByTagName("ul")[0];
      if (sub) { sub.className = "menu-sub menu-sub-on"; }
      this.className += " on";
    };
    items[i].onmouseout = function () {
      var sub = this.getElementsByTagName("ul")[0];
      if (sub) { sub.className = "menu-sub"; }
      this.className = this.className.replace(" on", "");
    };
  }
})();
function doZoom(size) {
  var box = document.getElementById("zoom");
  if (box) { box.style.fontSize = size + "px"; }
}
function setTab(name, cursel, n) {
  for (var i = 1; i <= n; i++) {
    var menu = document.getElementById(name + i);
    var con = document.getElementById("con_" + name + "_" + i);
    if (menu) { menu.className = i == cursel ? "cur" : ""; }
    if (con) { con.style.display = i == cursel ? "block" : "none"; }
  }
}
</script>"""
STATISTICS = """<script type="text/javascript">
var _hmt = _hmt || [];
(function () {
  var hm = document.createElement("script");
  hm.src = "https://hm.baidu.com/hm.js?{key}";
  var s = document.getElementsByTagName("script")[0];
  s.parentNode.insertBefore(hm, s);
})();
</script>"""


def site_group() -> list[tuple[str, str]]:
    """(name, URL) of the ~150 government sites a province's 网站群 drop-down lists."""
    sites: list[tuple[str, str]] = [("内蒙古自治区人民政府", "http://www.nmg.gov.cn")]
    for city, label, counties in CITIES:
        sites.append((f"{city}人民政府", f"http://www.{label}.gov.cn"))
        sites += [(f"{county}人民政府", f"http://www.{slug}.gov.cn") for county, slug in counties]
    for department, slug in DEPARTMENTS:
        for city, label, _counties in CITIES:
            sites.append((f"{city}{department}", f"http://{slug}.{label}.gov.cn"))
    return sites[:SITE_GROUP_SIZE]


@cache
def template(seed: int) -> tuple[list[str], list[str], list[str]]:
    """One site's furniture: head pieces, footer pieces (each in the order they are added), and CSS
    rules to fill whatever is left."""
    rng = random.Random(seed)
    rules = []
    for selector in CSS_SELECTORS * 4:
        body = ";".join(rng.sample(CSS_DECLARATIONS, rng.randint(2, 6)))
        rules.append(f"{selector}{{{body}}}\n")
    head = [f"<!-- TRS WCM 模板：政府门户网站 通用页 模板编号 {seed:04d} 请勿删除 -->\n",
            '<style type="text/css">\n' + "".join(rules[:60]) + "</style>\n",
            MENU_SCRIPT + "\n"]
    key = "".join(rng.choice("0123456789abcdef") for _ in range(32))
    options = "".join(f'<option value="{url}">{name}</option>' for name, url in site_group())
    group = ('<!--组件：网站群 开始--><div class="wzq"><label for="wzq-select">网站群</label>'
             '<select id="wzq-select" onchange="if(this.value){window.open(this.value);}">'
             f'<option value="">—— 自治区政府网站群 ——</option>{options}</select></div><!--组件：网站群 结束-->')
    foot = [group, STATISTICS.replace("{key}", key), "<!-- TRS WCM 模板 页脚 结束 -->"]
    return head, foot, rules[60:]


def pad_html(html: str, kb: int, *, seed: int = 0, encoding: str = "utf-8") -> str:
    """`html` grown to ~`kb` KB (in `encoding`) with furniture in `<head>` and inside its footer box.

    Pieces are added in order while they fit; CSS rules then fill the rest (a second `<style>`).
    A page without `</head>` is returned as it is; one without a footer box gets one before `</body>`.
    """
    target = kb * 1024
    size = len(html.encode(encoding, "replace"))
    if kb <= 0 or size >= target or "</head>" not in html:
        return html
    head_pieces, foot_pieces, fill_rules = template(seed)
    head, foot = [], []
    for where, pieces in ((head, head_pieces), (foot, foot_pieces)):
        for piece in pieces:
            weight = len(piece.encode(encoding))
            if size + weight > target:
                break
            where.append(piece)
            size += weight
    extra, overhead = [], len('<style type="text/css">\n</style>\n')
    k = 0
    while size + overhead < target:
        rule = fill_rules[k % len(fill_rules)]
        if k >= len(fill_rules):
            rule = f".m{k}{rule[rule.index('{'):]}"  # more rules than the template has: numbered boxes
        extra.append(rule)
        size += len(rule.encode(encoding))
        k += 1
    if extra:
        head.append('<style type="text/css">\n' + "".join(extra) + "</style>\n")
    html = html.replace("</head>", "".join(head) + "</head>", 1)
    box = "".join(foot)
    if not box:
        return html
    at = html.rfind('<div class="footer">')
    if at >= 0:
        at += len('<div class="footer">')
        return html[:at] + box + html[at:]
    return html.replace("</body>", f'<div class="footer">{box}</div></body>', 1)
