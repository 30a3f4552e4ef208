"""The hostile-site farm (issue 13): every pathology ends as a not_scanned entry with its reason, or
an audited page, never a crash or a hang; the rest of each site and every other site are audited;
Retry-After is obeyed within its cap; a site over --site-budget is cut off and audited on what was
fetched. One fleet audit of the whole farm (a subprocess with a hard wall-time limit), then one test
per case holding it to its outcome and its own wall-time bound."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import pytest

from auditcli.demo.hostile import HostileFarm, judge
from auditcli.stores.pagestore import PageStore
from reports.html import detail_text
from tests.conftest import run_cli

TIMEOUT = 2.0
SITE_BUDGET = 14.0         # the endless site needs ~25 s for its page limit: it must be cut off
FLEET_WALL = 75.0          # the whole hostile fleet, hard limit (subprocess killed beyond it)
HOSTILE_FLAGS = ["--as-of", "2026-11-20", "--delay", "0", "--per-host", "4", "--per-ip", "16",
                 "--timeout", str(TIMEOUT), "--max-size", "4000000", "--max-pages", "60", "--max-depth", "10",
                 "--site-budget", f"{SITE_BUDGET:g}", "--max-retry-after", "5", "--contact", "audit-team@example.gov.cn",
                 "--no-history", "--format", "html", "--quiet"]


@dataclass
class HostileRun:
    farm: HostileFarm
    results: dict
    outcomes: dict
    seconds: float
    returncode: int
    stderr: str
    out: object


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> HostileRun:
    out = tmp_path_factory.mktemp("hostile")
    with HostileFarm(timeout=TIMEOUT, site_budget=SITE_BUDGET) as farm:
        started = time.monotonic()
        result = run_cli("audit", str(farm.sites_file), "--out", str(out), *HOSTILE_FLAGS, timeout=FLEET_WALL)
        seconds = time.monotonic() - started
        results = json.loads((out / "results.json").read_text("utf-8"))
        store = PageStore.open_existing(out / "crawl")
        outcomes = {o.case.id: o for o in judge(farm, results, store)}
        store.close()
        yield HostileRun(farm, results, outcomes, seconds, result.returncode, result.stderr, out)


def test_the_fleet_audit_completes_without_a_traceback(hostile):
    assert hostile.returncode == 0, hostile.stderr[-3000:]
    assert "Traceback" not in hostile.stderr
    assert hostile.seconds < FLEET_WALL
    assert all(not site["errors"] for site in hostile.results["sites"]), [s["errors"] for s in hostile.results["sites"]]


CASES = [case.id for case in HostileFarm(timeout=TIMEOUT, site_budget=SITE_BUDGET)._cases()]


@pytest.mark.parametrize("case_id", CASES)
def test_case_ends_as_expected_within_its_bound(hostile, case_id):
    outcome = hostile.outcomes[case_id]
    assert outcome.ok, f"{case_id}: got {outcome.outcome!r} ({outcome.detail}), expected one of {outcome.case.expect}"
    assert outcome.within_bound, f"{case_id}: held the crawler {outcome.seconds} s (bound {outcome.case.bound} s)"


def test_the_rest_of_the_hostile_site_and_every_other_site_are_audited(hostile):
    sites = {s["id"]: s for s in hostile.results["sites"]}
    paths = sites["paths"]
    assert paths["status"] == "partial" and paths["verdict"] != "not-assessed"
    assert paths["dimensions"]["freshness"]["status"] == "assessed"
    assert paths["homepage"]["latest_date"] == "2026-11-18"
    store = PageStore.open_existing(hostile.out / "crawl")
    assert store.page("paths", hostile.farm.url("paths", "/news/1.html")).status == 200
    assert sites["control"]["status"] == "ok" and sites["control"]["verdict"] != "not-assessed"
    # its budget's timer fires while the endless site is still crawled: a finished site is not "cut off"
    assert sites["control"]["crawl"]["cut_off"] is False and sites["control"]["crawl"]["seconds"] < SITE_BUDGET
    for name in ("robots-huge", "robots-binary"):  # a robots.txt we cannot use is no reason to skip the site
        assert sites[name]["status"] == "ok" and sites[name]["pages"] == 2


def test_retry_after_is_obeyed_in_seconds_and_as_an_http_date(hostile):
    for case_id, wait in (("retry-429-seconds", 1.0), ("retry-503-date", 1.0)):
        assert hostile.farm.requests(case_id) == 2
        assert hostile.farm.seconds(case_id) >= wait * 0.9, case_id  # the second request came after the wait
    assert hostile.farm.requests("retry-after-over-cap") == 1  # 3600 s is over the cap: not waited for, not hammered
    entry = next(n for n in {s["id"]: s for s in hostile.results["sites"]}["paths"]["not_scanned"]
                 if n["url"].endswith("/retry-too-long"))
    assert "over the cap" in entry["detail"]


def test_a_site_over_its_budget_is_cut_off_partial_and_audited_on_what_was_fetched(hostile):
    endless = {s["id"]: s for s in hostile.results["sites"]}["endless"]
    assert endless["status"] == "partial"
    assert endless["status_detail"].startswith("site-budget")
    assert endless["crawl"]["cut_off"] is True and endless["crawl"]["budget"] == SITE_BUDGET
    # cut off at the budget: queued requests dropped, only those on the wire (--per-host, each < --timeout) finish
    assert endless["crawl"]["seconds"] <= SITE_BUDGET + 5
    assert endless["pages"] > 1 and endless["verdict"] != "not-assessed"
    assert any(n["reason"] == "site-budget" for n in endless["not_scanned"])
    report = (hostile.out / "report.html").read_text("utf-8")
    # the cut-off is said in the report too, in the report's language
    assert detail_text(endless["status_detail"], "zh") in report.replace("&#39;", "'")
    assert "超出单站时间预算" in detail_text(endless["status_detail"], "zh")


def test_never_submits_forms_nor_follows_logout_or_delete_links(hostile):
    asked = {(site, target) for site, _method, target, _h in hostile.farm.seen_requests}
    assert not [t for s, t in asked if s == "paths" and t.startswith(("/form-target", "/logout", "/delete", "/user/zhuxiao", "/sso/logout"))]
    assert all(method in ("GET", "HEAD") for _s, method, _t, _h in hostile.farm.seen_requests)
    reasons = {n["url"].rsplit("/", 1)[-1]: n["reason"] for n in
               {s["id"]: s for s in hostile.results["sites"]}["paths"]["not_scanned"]}
    assert reasons["zhuxiao.html"] == "unsafe-link"


def test_user_agent_names_auditcli_and_the_contact(hostile):
    agents = {h.get("user-agent", "") for _s, _m, _t, h in hostile.farm.seen_requests}
    assert agents and all(a.startswith("auditcli/") and "contact: audit-team@example.gov.cn" in a for a in agents)
