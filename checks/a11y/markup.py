"""What the accessibility rules need of BeautifulSoup's reading beyond auditcli.core.soupcompat (which
gives `str(tag)`, `get_text()`, `select()` and the bare boolean attributes for every check): the count of
a tag's contents, and the document BeautifulSoup held of a page without any element, which a rule reports."""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement

from auditcli.core.soupcompat import soup_escape, soup_string


def contents_count(node: HtmlElement) -> int:
    """len(tag.contents): the text pieces, elements and comments right inside `node`."""
    count = 1 if node.text else 0
    for child in node:
        count += 2 if child.tail else 1
    return count


class Document:
    """What BeautifulSoup held of a page without any element (BeautifulSoup's "[document]" itself,
    which a rule reports when the page has no <html> at all): its doctype, comments and processing
    instructions, read off lxml's parser events (lxml's tree of such a page has none of them)."""

    name = "[document]"

    def __init__(self, markup: str = "", contents: int = 0):
        self.markup, self.contents = markup, contents

    @classmethod
    def of(cls, text: str) -> Document | None:
        """The Document of `text`, or None when the parser makes an element of it."""
        events = _Events()
        parser = etree.HTMLParser(target=events)
        if text[:1] == "\N{BYTE ORDER MARK}":
            text = text[1:]
        parser.feed(text)
        parser.close()
        if events.element:
            return None
        events.end_data()
        return cls("".join(events.out), len(events.out))


class _Events:
    """lxml parser target that writes what BeautifulSoup's tree builder would have kept at the top."""

    def __init__(self) -> None:
        self.element = False
        self.out: list[str] = []
        self.data_parts: list[str] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.element = True

    def end(self, tag: str) -> None:
        pass

    def end_data(self, kind: str | None = None) -> str | None:
        if not self.data_parts:
            return None
        text = soup_string("".join(self.data_parts))
        self.data_parts = []
        if kind is None:
            self.out.append(soup_escape(text))
        return text

    def data(self, text: str) -> None:
        self.data_parts.append(text)

    def comment(self, text: str) -> None:
        self.end_data()
        self.data_parts.append(text)
        self.out.append(f"<!--{self.end_data('comment') or ''}-->")

    def pi(self, target: str, data: str) -> None:
        self.end_data()
        self.out.append(f"<?{target} {data}>")

    def doctype(self, name: str | None, pubid: str | None, system: str | None) -> None:
        self.end_data()
        value = name or ""
        if pubid is not None:
            value += f' PUBLIC "{pubid}"'
            if system is not None:
                value += f' "{system}"'
        elif system is not None:
            value += f' SYSTEM "{system}"'
        self.out.append(f"<!DOCTYPE {value}>\n")

    def close(self) -> None:
        return None
