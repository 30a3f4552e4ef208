"""HTML building blocks shared by the demo sites, modelled on real county portal CMSs.

Plain functions returning str; the site modules compose them. TRS (拓尔思) list pages use the
``createPageHTML`` pager script, Hanweb (大汉) lists embed their records in a
``<script type="text/xml"><datastore>`` block, articles carry the meta tags of
《政府网站发展指引》 (ArticleTitle / PubDate / ContentSource).
"""

from __future__ import annotations

from datetime import date
from html import escape

CN_DIGITS = "〇一二三四五六七八九"
WEEKDAYS = "一二三四五六日"


# ---------------------------------------------------------------- date formats used by the sites
def fmt_iso(d: date) -> str:
    return d.strftime("%Y-%m-%d")


def fmt_slash(d: date) -> str:
    return d.strftime("%Y/%m/%d")


def fmt_dot(d: date) -> str:
    return d.strftime("%Y.%m.%d")


def fmt_cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def fmt_yearless(d: date) -> str:
    return d.strftime("[%m-%d]")


def _cn_number(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n] if n else "〇"
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else CN_DIGITS[tens] + "十"
    return head + (CN_DIGITS[ones] if ones else "")


def fmt_cn_numeral(d: date) -> str:
    """二〇二六年三月五日 — the style of formal documents (公文成文日期)."""
    year = "".join(CN_DIGITS[int(c)] for c in str(d.year))
    return f"{year}年{_cn_number(d.month)}月{_cn_number(d.day)}日"


def clock(d: date) -> str:
    """The header clock most portals print: not a content date."""
    return f"今天是{d.year}年{d.month}月{d.day}日 星期{WEEKDAYS[d.weekday()]}"


# ---------------------------------------------------------------- documents
def metas_html(metas: dict[str, str] | None) -> str:
    return "".join(
        f'\n<meta name="{escape(k)}" content="{escape(v)}">' for k, v in (metas or {}).items()
    )


def document(
    title: str,
    body: str,
    *,
    lang: str | None = "zh-CN",
    charset: str = "utf-8",
    metas: dict[str, str] | None = None,
    head_extra: str = "",
    old_style: bool = False,
) -> str:
    """A full HTML document. ``old_style`` gives an XHTML 1.0 doctype and http-equiv charset."""
    lang_attr = f' lang="{lang}"' if lang else ""
    if old_style:
        head = (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml"{lang_attr}>\n<head>\n'
            f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        )
    else:
        head = (
            f"<!DOCTYPE html>\n<html{lang_attr}>\n<head>\n<meta charset=\"{charset}\">"
            '\n<meta name="viewport" content="width=device-width, initial-scale=1">'
        )
    return (
        f"{head}\n<title>{escape(title)}</title>{metas_html(metas)}\n{head_extra}</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def link(href: str, text: str, **attrs: str) -> str:
    extra = "".join(f' {k.rstrip("_").replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return f'<a href="{escape(href)}"{extra}>{text}</a>'


def nav(items: list[tuple[str, str]], cls: str = "nav") -> str:
    lis = "".join(f"<li>{link(h, escape(t))}</li>" for h, t in items)
    return f'<ul class="{cls}">{lis}</ul>'


def breadcrumb(parts: list[tuple[str | None, str]]) -> str:
    out = []
    for href, text in parts:
        out.append(link(href, escape(text)) if href else escape(text))
    return '<div class="location">当前位置：' + " &gt; ".join(out) + "</div>"


# ---------------------------------------------------------------- list pages
def list_item(href: str, title: str, date_text: str | None, *, pinned: bool = False) -> str:
    t = escape(title)
    label = ('<b class="top">[置顶]</b>' if pinned else "") + t
    a = f'<a href="{escape(href)}" title="{t}" target="_blank">{label}</a>'
    span = f"<span>{escape(date_text)}</span>" if date_text else ""
    cls = ' class="top"' if pinned else ""
    return f"<li{cls}>{a}{span}</li>"


TRS_PAGER_FUNCTION = """<script type="text/javascript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount <= 1){ return; }
  var nCurrIndex = _nCurrIndex || 0;
  if(nCurrIndex == 0) document.write("<span>首页</span> <span>上一页</span> ");
  else {
    document.write("<a href=\\"" + _sPageName + "." + _sPageExt + "\\">首页</a> ");
    var prev = nCurrIndex == 1 ? _sPageName + "." + _sPageExt : _sPageName + "_" + (nCurrIndex - 1) + "." + _sPageExt;
    document.write("<a href=\\"" + prev + "\\">上一页</a> ");
  }
  if(nCurrIndex + 1 < _nPageCount)
    document.write("<a href=\\"" + _sPageName + "_" + (nCurrIndex + 1) + "." + _sPageExt + "\\">下一页</a> ");
  document.write("<a href=\\"" + _sPageName + "_" + (_nPageCount - 1) + "." + _sPageExt + "\\">尾页</a>");
}
</script>"""


def trs_pager(page_count: int, current: int) -> str:
    """TRS WCM pager: the links only exist after the script runs."""
    return (
        f'<div class="page">{TRS_PAGER_FUNCTION}\n<script type="text/javascript">'
        f'createPageHTML({page_count}, {current}, "index", "html");</script></div>'
    )


def trs_pager_vars(page_count: int, current: int, ext: str = "html") -> str:
    """TRS pager variables only; a shared script (not on the page) calls createPageHTML with them."""
    return (
        '<div class="page" id="page"><script type="text/javascript">\n'
        f"var countPage = {page_count}//共多少页\nvar currentPage = {current}//当前页\n"
        f'var prefixName = "index"//网页名称\nvar suffixName = "{ext}"//网页后缀\n'
        '</script><script type="text/javascript" src="/js/trs_page.js"></script></div>'
    )


def jquery_pager(page_count: int, current: int) -> str:
    """A jQuery pagination plugin, 1-based: index.html is page 1, index_2.html page 2 (no index_1.html)."""
    return (
        '<div class="pagination-box"><div id="pagination"></div></div>'
        f'<script type="text/javascript">var totalPage = {page_count}; var currentPage = {current};\n'
        '$(function(){ $("#pagination").pagination({totalPage: totalPage, currentPage: currentPage, '
        'jump: function(p){ location.href = p == 1 ? "index.html" : "index_" + p + ".html"; }}); });</script>'
    )


def carousel(images: list[tuple[str, str]]) -> str:
    """A SuperSlide image carousel whose dots box is class="pagination": no pager, no list."""
    imgs = "".join(f'<img src="{src}" alt="{alt}">' for src, alt in images)
    dots = "".join("<span></span>" for _ in images)
    return (
        f'<div class="pic-list slide">{imgs}<div class="pagination">{dots}</div></div>'
        '<script type="text/javascript">jQuery(".slide").slide({titCell: ".pagination span", '
        'mainCell: ".pic-list", effect: "fold", autoPlay: true});</script>'
    )


def static_empty_pager() -> str:
    """A pager rendered for a list with nothing in it (still empty, docs/SPEC.md §6)."""
    return (
        '<div class="page">共 0 条记录 第 1/1 页 <a href="index.html">首页</a> '
        '<a href="index.html">上一页</a> <a href="index.html">下一页</a> '
        '<a href="index.html">尾页</a></div>'
    )


def hanweb_datastore(records: list[str], nextgroup_href: str, total: int, per_page: int = 25) -> str:
    """Hanweb jpage list: records as CDATA inside a text/xml script, shown by JavaScript."""
    recs = "\n".join(f"<record><![CDATA[\n{r}\n]]></record>" for r in records)
    return (
        '<div id="3927"><script type="text/xml">\n<datastore>\n'
        f'<nextgroup><![CDATA[<a href="{nextgroup_href}">下一页</a>]]></nextgroup>\n'
        f"<recordset>\n{recs}\n</recordset>\n</datastore>\n</script>\n"
        '<script language="javascript" src="/module/jslib/jquery/jpage/dataproxy.js"></script>\n'
        f'<script>$(function(){{ $("#3927").jpage({{dataStore: dataStore, totalRecord: {total}, '
        f'perPage: {per_page}, proxyUrl: "/module/web/jpage/dataproxy.jsp"}}); }});</script></div>'
    )


# ---------------------------------------------------------------- articles
def article_body(title: str, paragraphs: list[str], *, info: str, extra_html: str = "") -> str:
    ps = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<div class="article"><h1 class="article-title">{escape(title)}</h1>'
        f'<div class="info">{info}</div>'
        f'<div class="article-content">{ps}{extra_html}</div></div>'
    )
