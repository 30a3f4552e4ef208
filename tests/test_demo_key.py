"""The demo farm's answer key is exhaustive: every finding of an audit of the farm is expected by it."""

from __future__ import annotations

import copy

from auditcli.demo.compare import compare
from auditcli.demo.expected import compare_findings, derive, expected_finding


def test_every_finding_on_the_demo_farm_is_expected_and_every_expected_one_is_found(demo_audit) -> None:
    problems = []
    for site_id, site in demo_audit.sites.items():
        problems += compare_findings(site_id, site["findings"], demo_audit.key[site_id]["expected_findings"])
    assert problems == [], ("a finding the key does not expect is a false alarm, or a planted problem to record: add "
                            "expected_finding(check, url, ...) to the site module's key `findings` "
                            "(auditcli/demo/expected.py)")


def test_the_whole_comparison_passes_on_the_demo_farm(demo_audit) -> None:
    assert compare(demo_audit.results, {"sites": demo_audit.key}) == []


def test_a_new_false_alarm_of_any_check_fails_and_a_lost_finding_fails(demo_audit) -> None:
    results = copy.deepcopy(demo_audit.results)
    fgw = next(s for s in results["sites"] if s["id"] == "dept-fgw")
    base = fgw["url"].rstrip("/")
    # a check of a dimension nobody has built yet, and a known check on a page the key does not name
    fgw["findings"].append({"check": "policy.cookie-banner-missing", "url": base + "/", "message": "x"})
    fgw["findings"].append({"check": "columns.empty", "url": base + "/gzdt/index.html", "message": "x"})
    county = next(s for s in results["sites"] if s["id"] == "county")
    county["findings"] = [f for f in county["findings"] if f["check"] != "freshness.column-stale"]
    diffs = compare(results, {"sites": demo_audit.key})
    assert any("unexpected finding policy.cookie-banner-missing" in d for d in diffs)
    assert any("unexpected finding columns.empty at /gzdt/" in d for d in diffs)
    stale = sum(1 for c in demo_audit.key["county"]["columns"] if c["status"] == "stale")
    assert sum("freshness.column-stale" in d and "not reported" in d for d in diffs) == stale >= 2


def test_entries_match_by_check_path_selector_data_evidence_and_count() -> None:
    site = {"url": "http://127.0.0.1:9/", "columns": [], "homepage": {}, "identity": {}, "languages": {},
            "broken_links": {}, "letters": [], "interaction": {}, "findings": [
                expected_finding("a11y.image-alt", "http://127.0.0.1:9/a/index.html", selector="img.logo", count=2),
                expected_finding("http.server-version-disclosure", evidence="nginx/1.12.2", data={"header": "Server"}),
                expected_finding("tls.no-https", optional=True)]}
    expected = derive(site)
    assert [e["check"] for e in expected] == ["network.no-ipv6", "a11y.image-alt", "http.server-version-disclosure",
                                              "tls.no-https"]
    found = [{"check": "network.no-ipv6", "url": "http://127.0.0.1:1/"},
             {"check": "a11y.image-alt", "url": "http://127.0.0.1:1/a/", "selector": "img.logo"},
             {"check": "a11y.image-alt", "url": "http://127.0.0.1:1/a/index.html", "selector": "img.logo"},
             {"check": "http.server-version-disclosure", "url": "http://127.0.0.1:1/", "evidence": "Server: nginx/1.12.2",
              "data": {"header": "Server"}}]
    assert compare_findings("s", found, expected) == []
    assert compare_findings("s", found[:2] + found[3:], expected) == ["s: expected 2 × a11y.image-alt at /a/ "
                                                                      "selector=img.logo, got 1"]
    wrong = [*found[:3], {**found[3], "evidence": "Server: Apache/2.4"}]
    assert len(compare_findings("s", wrong, expected)) == 2  # unexpected, and the expected one missing


def test_auditcli_demo_reports_the_answer_key_comparison(tmp_path) -> None:
    from tests.conftest import run_cli

    result = run_cli("demo", "--out", str(tmp_path), "--as-of", "2026-11-20", "--format", "csv", "--quiet")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "answer key: 0 mismatches" in result.stdout, result.stdout


def test_planted_accessibility_security_and_login_facts_are_expected(demo_audit) -> None:
    county = demo_audit.key["county"]["expected_findings"]
    entries = {(e["check"], e.get("url", "").split("/", 3)[-1], bool(e.get("optional"))) for e in county}
    assert {("a11y.assistive-tool-missing", "", False), ("a11y.form-label", "zfxxgk/zn/index.html", False),
            ("login.password-over-http", "hdjl/login.html", False), ("http.server-version-disclosure", "", False),
            ("tls.no-https", "", False)} <= entries


def test_the_barrier_list_and_security_facts_become_required_entries() -> None:
    site = {"url": "http://127.0.0.1:9/", "accessibility": {"assistive_tool": False, "barriers": [
        {"check": "a11y.image-alt", "element": 'src="/images/logo.png"', "pages": "many"},
        {"check": "a11y.link-name", "element": '<a class="print"', "pages": ["http://127.0.0.1:9/zn/index.html"]}],
        "browser_barriers": [{"check": "a11y.color-contrast", "element": 'class="welcome"', "pages": "many"}]},
        "security": {"https": False}}
    entries = {(e["check"], e.get("url"), e.get("evidence"), bool(e.get("optional"))) for e in derive(site)}
    assert {("a11y.image-alt", None, 'src="/images/logo.png"', False),
            ("a11y.link-name", "http://127.0.0.1:9/zn/index.html", '<a class="print"', False),
            ("a11y.color-contrast", None, 'class="welcome"', True), ("tls.no-https", None, None, False)} <= entries
