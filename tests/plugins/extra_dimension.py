"""A check plugin that adds a dimension of its own: proof that a dimension is one registration plus its checks."""

from auditcli.core.models import Finding
from auditcli.core.vocabulary import register_dimension
from checks.engine.registry import NotApplicable, check

register_dimension("policy", {"zh": "政策告知", "en": "Policies"}, cap=10)
TEXTS = {"zh": "首页未链接隐私政策", "en": "Home page links no privacy policy"}


@check(id="policy.privacy-missing", dimension="policy", severity="critical", refs=["plugin test"],
       title=TEXTS, fix={"zh": "在首页底部链接隐私政策", "en": "Link a privacy policy from the home page"})
def policy_missing(site):
    home = site.homepage
    if home is None:
        raise NotApplicable("没有首页", "no home page")
    if "隐私" not in home.text:
        yield Finding(url=home.final_url, message="首页未链接隐私政策", message_en="No privacy policy link",
                      selector="body", locator="privacy-policy")
