"""The page's tree (auditcli.core.tree) reads text as the checks always read it: pieces joined by a space,
scripts and styles left out, a cut box leaving the text after it in place; on real pages (the portal
fixtures, GBK included) its selectors are the ones the checks wrote before and match in lxml's CSS engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml.cssselect import CSSSelector

from auditcli.core import tree as T

PORTALS = sorted((Path(__file__).parent / "data" / "portals").rglob("*.htm*"))


def test_text_pieces_are_joined_by_a_space_and_scripts_styles_templates_and_comments_left_out():
    root = T.parse("<html><head><title>某县 人民政府</title><style>p{color:red}</style></head><body>"
                   "<p>通知<span>公告</span>2026-11-20<!-- 2025-01-01 --><script>var d='2024-01-01'</script>止</p>"
                   "<template><i>模板</i></template><noscript>请启用脚本</noscript></body></html>")
    paragraph = next(root.iter("p"))
    assert T.text_of(paragraph) == "通知 公告 2026-11-20 止"
    assert T.text_of(next(root.iter("script"))) == "var d='2024-01-01'"  # its own text, asked of it
    assert T.visible_text(root.find("body")) == "通知 公告 2026-11-20 止"  # noscript is not seen either
    assert T.text_of(root.find("body")) == "通知 公告 2026-11-20 止 请启用脚本"
    assert [p.text for p in T.pieces(paragraph, comments=True)] == ["通知", "公告", "2026-11-20", " 2025-01-01 ",
                                                                   "var d='2024-01-01'", "止"]


def test_a_cut_box_leaves_the_text_after_it_as_its_own_piece():
    root = T.parse("<p>a<span class='nav'>menu</span>b<em>c</em></p>")
    paragraph = next(root.iter("p"))
    span, em = next(root.iter("span")), next(root.iter("em"))
    T.cut(span)
    T.cut(em)
    assert T.text_of(paragraph) == "a b"  # not "ab": the cut box's tail stays a piece
    assert T.is_cut(span, root) and not T.is_cut(paragraph, root)
    assert [e.tag for e in T.elements(paragraph)] == []


def test_a_page_without_markup_has_an_empty_stand_in_root():
    assert T.is_empty(T.parse("")) and T.is_empty(T.parse("   "))
    assert not T.is_empty(T.parse("<html lang='zh-CN'></html>"))
    assert not T.is_empty(T.parse("just text"))


def test_selectors_and_written_markup_on_real_portal_pages():
    checked = 0
    for path in PORTALS:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
        root = T.parse(text)
        for node in list(root.iter(T.etree.Element))[::3]:
            selector = T.css_path(node, depth=5)
            if selector:
                assert node in CSSSelector(selector)(root), (path.name, selector)
                checked += 1
        T.written_markup(root)
    assert checked > 80


@pytest.mark.parametrize("markup,selector", [
    ("<table><tr><td>1</td></tr><tr><td>2</td></tr></table>", "body > table tr:nth-of-type(2) > td"),
    ("<div id='a.b'><ul><li>1</li><li>2</li></ul></div>", 'div[id="a.b"] > ul > li:nth-of-type(2)'),
])
def test_css_path_writes_what_browsers_match(markup, selector):
    root = T.parse(markup)
    target = [node for node in root.iter("li", "td")][-1]
    assert T.css_path(target) == selector


def test_cut_and_replace_keep_a_text_lxml_will_not_set():
    """A vertical tab or form feed in a page's text (libxml2 keeps them; lxml refuses to set them): cutting the box
    before it, or rewriting it, keeps the text as a piece of its own instead of failing the page."""
    root = T.parse("<p>a<span class='nav'>menu</span>b\x0bc<em>d</em></p>")
    paragraph = next(root.iter("p"))
    T.cut(next(root.iter("span")))
    assert T.text_of(paragraph) == "a b c d"  # the vertical tab is white space to a reader
    tail = next(piece for piece in T.pieces(paragraph) if "\x0b" in piece.text)
    tail.replace("x\x0cy")
    assert T.text_of(paragraph) == "a x y d"
