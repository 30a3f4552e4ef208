"""Doorway pages: where a frameset or a script/meta redirect stub sends the browser (read with parsel's
selectors, before any page is parsed for the checks; the parsed tree's walks are in auditcli.core.tree)."""

from __future__ import annotations

import re

from parsel import Selector

from auditcli.core.urls import join_url

# what a page embeds, checked once per URL (spiders/resources.py, links.broken-resource): the tag a link was
# found in; "stylesheet" is <link rel=stylesheet>, "css" a url() or @import in a <style> or a style="…"
RESOURCE_TAGS = frozenset({"img", "script", "stylesheet", "css", "video", "audio", "source"})
CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]+))\s*\)|@import\s+(?:"([^"]+)"|'([^']+)')""", re.I)
SCRIPT_NAVIGATION = re.compile(
    r"""(?:(?:window|document|top|self|parent)\.)?location(?:\.href)?\s*=\s*["']([^"'\s]+)["']"""
    r"""|location\.(?:replace|assign)\(\s*["']([^"'\s]+)["']\s*\)"""
    r"""|window\.open\(\s*["']([^"'\s]+)["']""",
    re.I,
)
STUB_TEXT_LIMIT = 200  # visible characters: more than this is a page of its own, not a doorway




def stub_targets(html: str, base_url: str) -> list[str]:
    """Where a doorway page sends the browser: frames of a <frameset>, or a script/meta redirect.

    Many county portals answer / with such a stub; the real home page (with the footer, the dates and
    the navigation an inspector judges) is its target. Empty when the page is a page of its own.
    """
    page = Selector(text=html)
    visible = "".join(page.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]").getall())
    if len("".join(visible.split())) > STUB_TEXT_LIMIT:
        return []
    targets = [join_url(base_url, src) for src in page.xpath("//frameset//frame/@src").getall()]
    for script in page.xpath("//script[not(@src)][not(@type='text/xml')]/text()").getall():
        for match in SCRIPT_NAVIGATION.finditer(script):
            if not match.group(3):  # window.open is a menu, not a redirect
                targets.append(join_url(base_url, match.group(1) or match.group(2)))
    for refresh in page.xpath("//meta[translate(@http-equiv, 'REFSH', 'refsh')='refresh']/@content").getall():
        if "url=" in refresh.lower():
            targets.append(join_url(base_url, refresh[refresh.lower().index("url=") + 4:].strip(" '\"")))
    return [t for t in dict.fromkeys(targets) if t]  # join_url: absolute http(s), fragment dropped, or None
