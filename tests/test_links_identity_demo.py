"""links.broken and the identity checks end to end: the demo farm, `auditcli audit`, the answer key."""

from __future__ import annotations

import pytest

from auditcli.core.urls import normalise_url
from tests.conftest import DEMO_AS_OF

AS_OF = DEMO_AS_OF
IDENTITY_ITEMS = {
    "site_code": "identity.site-code-missing",
    "icp": "identity.icp-missing",
    "police": "identity.police-record-missing",
    "conac": "identity.conac-missing",
    "jiucuo": "identity.jiucuo-entry-missing",
}


@pytest.fixture(scope="module")
def audited(demo_audit):
    return demo_audit.sites, demo_audit.key


def findings(site: dict, check_id: str) -> list[dict]:
    return [f for f in site["findings"] if f["check"] == check_id]


def with_identity_facts(key: dict) -> dict:
    """The sites whose key states identity facts: not the county's bare branches (a dead, a parked and a
    zombie township, whose expected findings are listed one by one in their own key)."""
    return {site_id: expected for site_id, expected in key.items() if expected.get("identity")}


def test_no_check_crashed(audited):
    sites, _ = audited
    for site in sites.values():
        assert [e for e in site["errors"] if e["check"].startswith(("identity.", "links.", "network."))] == []


@pytest.mark.parametrize("item", sorted(IDENTITY_ITEMS))
def test_identity_items_match_the_answer_key(audited, item):
    sites, key = audited
    for site_id, expected in with_identity_facts(key).items():
        reported = findings(sites[site_id], IDENTITY_ITEMS[item])
        assert bool(reported) == (not expected["identity"][item]), (site_id, item, reported)


def test_column_tree_site_is_judged_on_the_host_portal_footer(audited):
    sites, key = audited
    edu, county = sites["dept-edu"], key["county"]
    assert not any(f["check"] in IDENTITY_ITEMS.values() for f in edu["findings"])
    town_a = findings(sites["town-a"], "identity.police-record-missing")[0]
    assert town_a["severity"] == "medium" and town_a["selector"] == "div.footer"
    assert town_a["url"].startswith(key["town-a"]["url"]) and county["url"] != key["town-a"]["url"]


def test_page_tags_match_the_answer_key(audited):
    sites, key = audited
    for site_id, expected in with_identity_facts(key).items():
        reported = {f["data"]["page_type"]: sorted(f["data"]["missing"])
                    for f in findings(sites[site_id], "identity.page-tags-missing")}
        want = {kind: sorted(tags) for kind, tags in (expected["identity"].get("page_tags_missing") or {}).items()}
        assert reported == want, site_id
        assert all(f["severity"] == "info" for f in findings(sites[site_id], "identity.page-tags-missing"))


def test_demo_hosts_are_test_deployments_without_ipv6(audited):
    sites, _ = audited
    for site in sites.values():
        if site["status"] == "unreachable":
            continue  # judged nothing (the dead township)
        assert findings(site, "identity.domain-not-gov-cn") == []
        (ipv6,) = findings(site, "network.no-ipv6")
        assert ipv6["severity"] == "info" and ipv6["dimension"] == "identity"


def test_broken_links_match_the_answer_key(audited):
    sites, key = audited
    for site_id, expected in key.items():
        reported = {f["url"]: f for f in findings(sites[site_id], "links.broken")}
        want = {e["url"]: ("confirmed", e) for e in expected["broken_links"]["confirmed"]}
        want |= {e["url"]: ("suspected", e) for e in expected["broken_links"]["suspected"]}
        assert set(reported) == set(want), site_id
        for url, (confidence, entry) in want.items():
            finding = reported[url]
            assert finding["data"]["confidence"] == confidence
            assert finding["severity"] == ("medium" if confidence == "confirmed" else "low")
            assert finding["data"]["status"] == entry.get("status")
            # / and /index.html are one home page: referrers are compared as pages, not spellings
            got = [normalise_url(u) for u in finding["data"]["referrers"]]
            assert {normalise_url(u) for u in entry["referrers"]} <= set(got), url
            assert len(got) == len(set(got)), "each referring page counted once"


def test_broken_link_points_at_the_link_with_its_text(audited):
    sites, key = audited
    base = key["county"]["url"].rstrip("/")
    broken = {f["url"]: f for f in findings(sites["county"], "links.broken")}
    old = broken[base + "/xwzx/old.html"]
    assert old["selector"] == 'a[href="/xwzx/old.html"]'
    assert old["data"]["link_text"] in old["evidence"] and "404" in old["evidence"]
    pdf = broken[base + "/uploads/2025/report.pdf"]
    assert pdf["data"]["kind"] == "attachment" and pdf["data"]["link_text"] == "2025年度工作报告.pdf"


def test_rate_limits_robots_and_working_attachments_are_not_broken(audited):
    sites, key = audited
    base = key["county"]["url"].rstrip("/")
    broken = {f["url"] for f in findings(sites["county"], "links.broken")}
    for url in (base + "/search/index.html", base + "/private/internal.html", base + "/big.html",
                *key["county"]["broken_links"]["ok_attachments"]):
        assert url not in broken
