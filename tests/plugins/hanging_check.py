"""A check plugin used by the watchdog test: one page check never returns on the home page."""

from checks.engine.registry import check

TEXTS = {"zh": "测试", "en": "test"}


@check(id="plugin.hangs", dimension="links", severity="low", refs=["test"], title=TEXTS, fix=TEXTS, scope="page")
def hangs(page, site):
    while page.depth == 0:  # a pathological loop, as on a page no one foresaw
        pass
    return ()
