"""The accessibility rules read lxml's tree as they read BeautifulSoup's (auditcli.core.soupcompat, checks/a11y/markup.py): every
element of real pages (the portals and the ACT cases) and of a page of odd markup is written as
`str(tag)` wrote it (the evidence of a finding), its text is `get_text()`'s, and selectors find what
soupsieve's `select()` found; a page without any element is written as BeautifulSoup held it."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
from cssselect import SelectorError

from auditcli.core.soupcompat import select, soup_attributes, soup_markup, soup_text
from auditcli.core.tree import parse
from checks.a11y.dom import Dom
from checks.a11y.markup import Document, contents_count
from checks.a11y.rules import EVIDENCE_LIMIT, outer_html

DATA = Path(__file__).parent / "data"
ODD = """<!DOCTYPE html><html lang="zh-CN" xml:lang="zh-CN"><head><meta charset="gb2312">
<meta http-equiv="Content-Type" content="text/html; charset=gbk"><meta http-equiv="content-type" content="x; Charset=a">
<title>a &amp; b</title><style>p > a { color: red } .x<y{}</style><script>if (a < b && c > d) {}</script></head>
<body class="  a\u3000b\xa0 c " data-x='say "hi"' data-y="it's &quot;both&quot;" title="&lt;&gt;&amp;">
<!----><!--   --><!--
--><!-- real comment --><?php echo 1; ?><![CDATA[x]]>
<p accesskey=" k  l " dropzone="copy   move" rel=" a  b ">x<br>y<img src="a.png" alt><input disabled readonly="readonly"
checked=""><select multiple><option selected>1<option selected="selected">2</select></p>
<a href="/x" rel=" nofollow  noopener " rev="a  b">link</a><link rel=" icon  x"><td headers=" h1  h2 ">c</td>
<form accept-charset=" utf-8  gbk "></form><iframe sandbox=" allow-forms  allow-popups "></iframe>
<output for=" a  b "></output><object archive=" a  b "></object><area rel=" a  b "><icon sizes=" 16  32 ">
<pre>
  keep   <!--   -->  spaces
</pre><textarea>  a  <!---->  </textarea><div class="a&#12;b" title="&#12;">form feed</div>
<template><p>inside <b>template</b></p></template><ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>
<svg viewBox="0 0 1 1"><title>svg title</title><use xlink:href="#a"/></svg><o:p>word</o:p>
<table><tr><td nowrap>1</td></tr></table><br/><hr><wbr><p>x<span> </span>\t\n<span>
</span></p></body></html>"""


def _pages() -> list[tuple[str, str]]:
    paths = sorted((DATA / "portals").rglob("*.html")) + sorted((DATA / "act" / "testcases").rglob("*.html"))
    return [("odd", ODD)] + [(str(path.relative_to(DATA)), path.read_text("utf-8", errors="replace"))
                             for path in paths]


def _soup(text: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        return BeautifulSoup(text, "lxml")


def _old_outer_html(tag, limit: int = EVIDENCE_LIMIT) -> str:
    """rules.outer_html as it was, over BeautifulSoup's tree."""
    if tag.name in ("html", "head", "body") or len(tag.contents) > 30:
        attrs = "".join(f' {k}="{" ".join(v) if isinstance(v, list) else v}"' for k, v in tag.attrs.items())
        text = f"<{tag.name}{attrs}>…"
    else:
        text = " ".join(str(tag).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _same_reading(name: str, text: str) -> int:
    """Assert lxml's tree of `text`, read through soupcompat, is BeautifulSoup's; the elements compared."""
    soup, root = _soup(text), parse(text)
    dom = Dom(root, text)
    tags = soup.find_all(True)
    assert [t.name for t in tags] == [e.tag for e in dom.all], name  # one tree, two readings
    for k, (tag, element) in enumerate(zip(tags, dom.all, strict=True)):
        where = f"{name}: <{tag.name}> #{k}"
        written = " ".join(str(tag).split())
        assert soup_markup(element, bare=dom.bare, collapsed=True) == written, where
        cut = soup_markup(element, EVIDENCE_LIMIT, bare=dom.bare, collapsed=True)
        assert written.startswith(cut) and (cut == written or len(cut) > EVIDENCE_LIMIT), where
        assert outer_html(element, bare=dom.bare) == _old_outer_html(tag), where
        assert contents_count(element) == len(tag.contents), where
        assert soup_text(element) == tag.get_text(), where
        assert soup_text(element, " ") == tag.get_text(" "), where
        assert dict(soup_attributes(element, dom.bare(element))) == {
            k: " ".join(v) if isinstance(v, list) else v for k, v in tag.attrs.items()}, where
    return len(tags)


def test_every_element_is_written_and_read_as_beautifulsoup_did():
    assert sum(_same_reading(name, text) for name, text in _pages()) > 2000


@pytest.mark.slow
def test_every_element_of_the_demo_farm_is_written_and_read_as_beautifulsoup_did(tmp_path):
    from auditcli.stores.pagestore import PageStore
    from tests.stored_crawls import restore

    store = PageStore.open_existing(restore(DATA / "stored" / "demo.sqlite.xz", tmp_path / "crawl"))
    pages = [(page.final_url, page.text) for site in store.sites() for page in store.pages(site["id"], kind=None)
             if page.is_html and page.text]
    store.close()
    assert len(pages) > 400
    assert sum(_same_reading(url, text) for url, text in pages) > 20_000


SELECTORS = [
    "a", "DIV P", "div > p", "p + p", "h1 ~ p", "*", "div *", "[HREF]", ".logo", ".a", ".b", ".c", "#main",
    "[id=main]", "#\\31 23", ".a\\:b", ".中文", "[class]", '[class=""]', '[class="a b"]', '[class="a  b"]',
    '[class^=" "]', "[class~=b]", "[class*=nav]", "[class^=nav]", "[class$=box]", "[rel~=nofollow]",
    '[rel="NOFOLLOW"]', "a[rel=nofollow]", "link[rel~=icon]", "[accesskey=k]", '[accesskey="k l"]',
    '[headers="h1 h2"]', "[type=hidden]", 'input[type="TEXT"]', "a[target=_BLANK]", "[align=CENTER]",
    '[lang|=""]', "[lang|=zh]", "[lang|=ZH]", "[a!=b]", "[class!=logo]", '[title~=""]', '[href$=".html"]',
    '[src*="logo"]', 'a[href^=""]', 'a[href$=""]', 'a[href="x" i]', "a[href=x s]", '[data-x=中]',
    "img[alt]", 'img[alt=""]', "input[disabled]", 'input[disabled=""]', 'select[multiple]',
    '[selected=selected]', 'option[selected=""]', "[readonly=READONLY]", '[checked=""]', "[nowrap]",
    "li:first-child", "li:last-child", "li:only-child", "li:nth-child(2n+1)", "li:nth-child(odd)",
    "li:nth-child(-n+3)", "li:nth-last-child(2)", "p:nth-of-type(2)", "li:first-of-type", ":first-of-type",
    "*:last-of-type", ":only-of-type", ":nth-of-type(2)", ":nth-last-of-type(2n+1)", "div :nth-of-type(-n+2)",
    ":empty", "p:empty", ".logo:empty", ":root", "a:scope", ":scope > body", ":not(.x)", "a:not([href])",
    "div:not(.a .b)", ":is(.a, .b)", ":where(p)", "div:has(> a)", ":has(img)", "body:has(> div)",
    ":link", ":any-link", "a:LINK", ":open", ":muted", ":required", ":optional", "a:hover", ":focus-within",
    ":not(:focus-within)", "template", "template *", "template p", "svg", "svg title", "foreignObject",
    "linearGradient", "o\\:p", "meta[name=\"viewport\"]:nth-child(10)", 'img[src$="logo.png"]', "html",
]
NOT_READ = [":checked", ":disabled", ":enabled", ":lang(zh)", ":dir(ltr)", ':contains("a")', ":read-only",
            ":placeholder-shown", ":default", ":indeterminate", ":in-range", "a:not(.b, .c)", ":is(.a .b)",
            ".a:nth-child(2n+1 of .b)"]


def test_selectors_find_what_soupsieve_found():
    pages = [p for p in _pages() if p[0] == "odd" or "portals" in p[0]] + [
        p for p in _pages() if "act" in p[0]][::4]
    for name, text in pages:
        soup, root = _soup(text), parse(text)
        dom = Dom(root, text)
        position = {id(tag): k for k, tag in enumerate(soup.find_all(True))}
        for selector in SELECTORS:
            expected = [position[id(tag)] for tag in soup.select(selector)]
            found = [dom.position[e] for e in select(root, selector, dom.control_spaces, dom.bare)]
            assert found == expected, f"{name}: {selector}"
        for selector in NOT_READ:
            with pytest.raises(SelectorError):
                select(root, selector)


def test_list_attributes_with_control_whitespace_are_matched_in_python():
    text = '<html><body><div class="a&#12;b">1</div><p class="b\x0cc" rel="x">2</p><a rel="n\x1fm">3</a></body></html>'
    soup, root = _soup(text), parse(text)
    dom = Dom(root, text)
    assert dom.control_spaces and not Dom(parse("<p class='a b'>"), "<p class='a b'>").control_spaces
    for selector in (".a", ".b", ".c", '[class="b c"]', "[class~=c]", '[rel="n m"]', "a[rel~=m]"):
        assert [e.text for e in select(root, selector, True)] == [t.string for t in soup.select(selector)], selector


@pytest.mark.parametrize("text", ["", " ", "\n\n", "\ufeff", "<!-- x -->", "<!---->", "<!--  -->",
                                  "<!DOCTYPE html>", "<!DOCTYPE html><!--c-->", '<?xml version="1.0"?>',
                                  "<![CDATA[x]]>", "<!-- a --> <!-- b -->",
                                  '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd">'])
def test_a_page_without_an_element_is_written_as_beautifulsoup_held_it(text):
    soup = _soup(text)
    assert soup.find("html") is None
    document = Document.of(text)
    assert document is not None
    assert " ".join(document.markup.split()) == " ".join(str(soup).split())
    assert document.contents == len(soup.contents)
    dom = Dom(parse(text), text)
    assert dom.html is None and dom.all == [] and dom.document is not None


@pytest.mark.parametrize("text", ["<html></html>", "<html>", "x", "<p>", "<!-- c --><html lang=zh>"])
def test_an_empty_html_the_page_wrote_is_an_element(text):
    assert _soup(text).find("html") is not None
    assert Document.of(text) is None
    dom = Dom(parse(text), text)
    assert dom.html is not None and dom.document is None
