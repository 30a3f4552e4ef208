"""auditcli.core.soupcompat: lxml's tree read and printed as BeautifulSoup read and printed it.

The expected strings are what BeautifulSoup 4 (lxml builder) gave for the same markup: evidence and
snippets in results were written so, and the port to lxml keeps them byte-identical.
"""

from __future__ import annotations

import pytest

from auditcli.core.soupcompat import (
    soup_body,
    soup_markup,
    soup_reparsed,
    soup_select,
    soup_text,
    soup_text_of,
)
from auditcli.core.tree import Element, parse, visible_text


def first(markup: str, tag: str) -> Element:
    return next(parse(markup).iter(tag))


@pytest.mark.parametrize(("markup", "tag", "printed"), [
    # attributes sorted, a class re-joined, quotes chosen as BeautifulSoup chooses them, & < > escaped
    ('<div class="  b   a " title=\'say "hi"\' data-x="it&#39;s &quot;q&quot;" id="x&amp;y&lt;">a &amp; b &lt;c&gt;</div>',
     "div", '<div class="b a" data-x="it\'s &quot;q&quot;" id="x&amp;y&lt;" title=\'say "hi"\'>a &amp; b &lt;c&gt;</div>'),
    ('<p><img src=a.png alt=""><br></p>', "p", '<p><img alt="" src="a.png"/><br/></p>'),
    # whitespace alone collapses outside <pre>, comments too (an empty one reads <!-- -->)
    ("<div>\n   <span> </span>\t<pre>  \n </pre><!----><!--  \n  --></div>", "div",
     "<div>\n<span> </span> <pre>  \n </pre><!-- --><!--\n--></div>"),
    ("<div><script>if (a < b && c) {}</script><style>a > b {}</style></div>", "div",
     "<div><script>if (a < b && c) {}</script><style>a > b {}</style></div>"),
    ('<form><meta http-equiv="Content-Type" content="text/html; charset=gbk"><meta charset=gb2312>'
     '<a rel="nofollow  noopener" class="">x</a></form>', "form",
     '<form><meta content="text/html; charset=utf-8" http-equiv="Content-Type"/><meta charset="utf-8"/>'
     '<a class="" rel="nofollow noopener">x</a></form>'),
])
def test_markup_is_printed_as_beautifulsoup_printed_it(markup: str, tag: str, printed: str) -> None:
    assert soup_markup(first(markup, tag)) == printed
    assert soup_markup(first(markup, tag), 20) == printed[:20]


def test_a_bare_boolean_attribute_needs_the_markup() -> None:
    markup = '<form><input type=checkbox checked><input readonly="readonly"><select><option selected>1</select></form>'
    form = first(markup, "form")
    assert soup_markup(form, source=markup) == ('<form><input checked="" type="checkbox"/><input readonly="readonly"/>'
                                                '<select><option selected="">1</option></select></form>')
    # without it, lxml's tree cannot tell `checked` from `checked="checked"`
    assert 'checked="checked"' in soup_markup(form)


def test_text_inside_a_template_is_the_templates() -> None:
    root = parse('<div><template><a href=x>in <b>t</b></a><template>nested</template><script>s</script>tt</template>'
                 '<a href=y>out<rt>r</rt></a></div>')
    assert [soup_text_of(a) for a in root.iter("a")] == ["", "out"]
    assert soup_text(next(root.iter("template")), "|") == "in |t|nested|tt"
    assert soup_text(first("<title> a \n b </title>", "title")) == " a \n b "


def test_markup_after_the_end_of_html_is_part_of_the_document() -> None:
    root = parse('<html><head><title>t</title></head><body><p>x</p></body></html>\n'
                 '<script src="http://s.example/stat.js"></script><a href="/after.html">after</a>')
    assert [el.tag for el in root.iter("script", "a")] == ["script", "a"]
    assert [el.get("src") for el in soup_select(root, "script")] == ["http://s.example/stat.js"]
    assert soup_body(root).tag == "body"
    frames = parse('<html><frameset><frame src="/a.html"></frameset></html><script src="/s.js"></script>')
    document = soup_body(frames)  # no <body>: the whole document (the script after </html> joined the page's <html>)
    assert [el.tag for el in document.iter()] == ["html", "frameset", "frame", "script"]
    trailing = soup_body(parse('<html><frameset><frame src="/a.html"></frameset></html>tail text'))
    assert visible_text(trailing) == "tail text"  # BeautifulSoup's soup.body held it too
    assert soup_body(parse("")).tag == "html" and visible_text(soup_body(parse(""))) == ""


@pytest.mark.parametrize(("rel", "stylesheet"), [
    ("stylesheet", True), ("Stylesheet", True), ("alternate STYLESHEET", True), ("icon\u3000stylesheet", True),
    ("stylesheets", False), ("", False),
])
def test_selection_matches_attribute_values_as_soupsieve_did(rel: str, stylesheet: bool) -> None:
    root = parse(f'<link rel="{rel}" href="http://a.example/x.css"><template><link rel="stylesheet"></template>')
    assert len(soup_select(root, "link[rel~=stylesheet]")) == int(stylesheet)  # never inside a <template>


def test_a_copy_reads_raw_text_as_the_reparse_of_its_printing() -> None:
    root = parse('<div class="footer"><iframe>a &amp; <b>b</b></iframe><p>c</p></div>')
    copy = soup_reparsed(next(root.iter("div")))
    assert visible_text(copy) == "a &amp;amp; &lt;b&gt;b&lt;/b&gt; c"
    assert next(root.iter("iframe")).text == "a &amp; <b>b</b>"  # the shared tree is untouched
