"""Checks that declare what they need from the crawl (links, a page analysis): `needs` is enforced, an unmet
need makes the check "not judged" with the reason, never "passed"."""

from auditcli.core.models import Finding
from checks.engine.registry import check, page_analysis

TEXTS = {"zh": "测试", "en": "test"}


@page_analysis(dimensions=("links",))
def fragile_titles(page, site):
    """A page analysis that cannot read one page of the test crawl (news/1.html)."""
    if page.url.endswith("/news/1.html"):
        raise ValueError("planted: this page cannot be read")
    return page.title


@check(id="plugin.reads-links", dimension="links", severity="info", refs=["test"], title=TEXTS, fix=TEXTS,
       needs=("links",))
def reads_links(site):
    yield Finding(url=site.config.url, message=f"{sum(1 for _ in site.links())} links", locator="links")


@check(id="plugin.reads-titles", dimension="links", severity="info", refs=["test"], title=TEXTS, fix=TEXTS,
       needs=("analysis:fragile_titles",))
def reads_titles(site):
    yield Finding(url=site.config.url, message=f"{len(site.page_results(fragile_titles))} titles", locator="titles")
