"""A check plugin used by the crash-isolation test: one check always raises, one always reports."""

from auditcli.core.models import Finding
from checks.engine.registry import check

TEXTS = {"zh": "测试", "en": "test"}


@check(id="plugin.always-raises", dimension="links", severity="low", refs=["test"], title=TEXTS, fix=TEXTS, scope="page")
def always_raises(page, site):
    raise RuntimeError(f"planted failure on {page.url}")


@check(id="plugin.site-raises", dimension="identity", severity="low", refs=["test"], title=TEXTS, fix=TEXTS)
def site_raises(site):
    yield Finding(url=site.config.url, message="emitted before the crash")
    raise ValueError("planted site-level failure")


@check(id="plugin.reports-home", dimension="links", severity="info", refs=["test"], title=TEXTS, fix=TEXTS)
def reports_home(site):
    yield Finding(url=site.config.url, message="首页已检查", locator="home")


@check(id="plugin.bad-finding", dimension="links", severity="low", refs=["test"], title=TEXTS, fix=TEXTS)
def bad_finding(site):
    yield Finding(url="/relative/only.html", message="")


@check(id="plugin.*", dimension="links", severity="low", refs=["test"], title=TEXTS, fix=TEXTS)
def malformed_findings(site):
    """A check family whose findings break the results contract in three ways, and one that keeps it."""
    yield Finding(url=site.config.url, message="no id of its own: the family's id is no check id")
    yield Finding(check="plugin.kept", url=site.config.url, message="keeps the contract", locator="kept")
    yield Finding(check="plugin.urgent", url=site.config.url, message="a severity nobody knows",
                  severity="urgent", locator="urgent")
    yield Finding(check="plugin.typed", url=site.config.url, message="a selector that is no string",
                  selector=42, locator="typed")  # type: ignore[arg-type]
