"""One owner per decision: each verdict is decided once and read everywhere else.

Changing the profile (the home page's limit) or `--as-of` (a certificate's validity) on a stored
crawl changes the verdict in results.json, the HTML report, CSV, JUnit and SARIF alike; the
accessibility barriers are grouped once, into results.json, and scoring and the HTML read that block.
"""

from __future__ import annotations

import copy
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from reports.html import render_html
from reports.scoring import load_profile, score_results, score_site
from tests.conftest import DEMO_AS_OF, run_cli
from tests.tlslab import TLSLab

FORMATS = "html,csv,junit,sarif"
FINDING_OUTPUTS = ("results.json", "report.html", "findings.csv", "junit.xml", "results.sarif")
VERDICT_OUTPUTS = ("results.json", "report.html", "sites.csv", "junit.xml")

# The demo county's home page shows 2026-11-18 as its newest item: 20 days old on 2026-12-08.
LATER = "2026-12-08"
# the newest item named (its element is the finding's selector)
COUNTY_STALE = "首页最新信息“县委常委会召开会议研究部署秋冬季安全生产工作”发布于 2026-11-18，已 20 天未更新（上限 14 天）"
COUNTY_VETO = "首页最新信息已 20 天未更新（上限 14 天）"
TOWN_B_VETO_AT_30 = "首页最新信息已 218 天未更新（上限 30 天）"
PROFILE_30 = """\
schema: auditcli.profile/v1
extends: cn-gov-2019
name: home-30
vetoes:
  homepage-stale: {max_age_days: 30}
"""


def outputs(out: Path) -> dict[str, str]:
    """Every file a check run wrote, by name."""
    return {name: (out / name).read_text(encoding="utf-8-sig")
            for name in ("results.json", "report.html", "findings.csv", "sites.csv", "junit.xml", "results.sarif")}


def check(store: Path, out: Path, *args: str) -> dict[str, str]:
    done = run_cli("check", str(store), "--out", str(out), "--format", FORMATS, "--no-history", "--quiet", *args)
    assert done.returncode in (0, 1), done.stderr[-3000:]
    return outputs(out)


def site_of(text: str, site_id: str) -> dict:
    return next(s for s in json.loads(text)["sites"] if s["id"] == site_id)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The demo farm audited once; its crawl is judged again below without the network."""
    out = tmp_path_factory.mktemp("demo")
    done = run_cli("demo", "--out", str(out), "--as-of", DEMO_AS_OF.isoformat(), "--format", "csv", "--quiet")
    assert done.returncode == 0, done.stderr[-3000:]
    return out


# ------------------------------------------------------------------ the home page's limit: the check's


def test_the_profiles_home_page_limit_is_the_checks_in_every_output(demo, tmp_path):
    profile = tmp_path / "home-30.yaml"
    profile.write_text(PROFILE_30, encoding="utf-8")
    at_14 = check(demo / "crawl", tmp_path / "default", "--as-of", LATER)
    at_30 = check(demo / "crawl", tmp_path / "custom", "--as-of", LATER, "--profile", str(profile))

    for name in FINDING_OUTPUTS:  # the finding: made at 14 days, not made at 30
        assert COUNTY_STALE in at_14[name], name
        assert "县委常委会召开会议研究部署秋冬季安全生产工作”发布于 2026-11-18" not in at_30[name], name
    for name in VERDICT_OUTPUTS:  # the veto follows the finding, with the limit the check used
        assert COUNTY_VETO in at_14[name], name
        assert "首页最新信息已 20 天" not in at_30[name], name
        assert TOWN_B_VETO_AT_30 in at_30[name], name  # a home page over 30 days is still vetoed

    county_14, county_30 = site_of(at_14["results.json"], "county"), site_of(at_30["results.json"], "county")
    assert county_14["homepage"]["max_age_days"] == 14 and county_30["homepage"]["max_age_days"] == 30
    assert "cn-gov-2019.homepage-stale" in {v["rule"] for v in county_14["vetoes"]}
    assert "home-30.homepage-stale" not in {v["rule"] for v in county_30["vetoes"]}
    assert county_30["outcomes"]["freshness.homepage-stale"]["status"] == "passed"


def test_the_default_profile_judges_the_home_page_at_14_days_as_before(demo):
    results = json.loads((demo / "results.json").read_text(encoding="utf-8"))
    homes = {s["id"]: s["homepage"] for s in results["sites"] if s["status"] != "unreachable"}
    assert {h["max_age_days"] for h in homes.values()} == {14}
    town_b = site_of((demo / "results.json").read_text(encoding="utf-8"), "town-b")
    assert [v["message"] for v in town_b["vetoes"] if v["rule"] == "cn-gov-2019.homepage-stale"] == [
        "首页最新信息已 200 天未更新（上限 14 天）"]


def test_report_with_another_profile_reads_the_recorded_decision_and_says_so(demo, tmp_path):
    """`auditcli report --profile` re-scores; it cannot re-judge the home page, and says so."""
    profile = tmp_path / "home-30.yaml"
    profile.write_text(PROFILE_30, encoding="utf-8")
    shutil.copy(demo / "results.json", tmp_path / "results.json")
    done = run_cli("report", str(tmp_path / "results.json"), "--profile", str(profile), "--format", "csv,json",
                   "--out", str(tmp_path / "again"))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "judged at 14 days" in " ".join(done.stderr.split()) and "auditcli check" in done.stderr
    town_b = site_of((tmp_path / "again" / "results.json").read_text(encoding="utf-8"), "town-b")
    assert [v["message"] for v in town_b["vetoes"] if v["rule"] == "home-30.homepage-stale"] == [
        "首页最新信息已 200 天未更新（上限 14 天）"]


# ------------------------------------------------------------------ certificate validity: at --as-of


@pytest.mark.skipif(not Path(shutil.which("nginx") or "/usr/sbin/nginx").exists(), reason="nginx is not installed")
def test_certificate_validity_is_judged_at_as_of_in_every_output(tmp_path):
    """A real handshake with a certificate valid from 30 days ago for 20 more days: valid when crawled,
    expired when the stored crawl is checked as of 30 days on, not yet valid 40 days back."""
    lab = TLSLab(tmp_path / "lab")
    lab.https("short-lived", leaf_kw={"days": (-30, 20)})
    lab.start()
    today = date.today()
    try:
        out = tmp_path / "audit"
        done = run_cli("audit", lab.servers["short-lived"].url, "--out", str(out), "--ca-bundle", str(lab.ca_bundle),
                       "--only", "security", "--max-depth", "0", "--no-history", "--format", FORMATS,
                       "--as-of", today.isoformat(), "--quiet", timeout=240)
        assert done.returncode in (0, 1), done.stderr[-3000:]
    finally:
        lab.stop()
    crawled = outputs(out)
    later = check(out / "crawl", tmp_path / "later", "--as-of", (today + timedelta(days=30)).isoformat())
    earlier = check(out / "crawl", tmp_path / "earlier", "--as-of", (today - timedelta(days=40)).isoformat())
    for name in FINDING_OUTPUTS:
        assert "的证书已过期" not in crawled[name] and "的证书尚未生效" not in crawled[name], name
        assert "的证书已过期" in later[name] and "的证书尚未生效" not in later[name], name
        assert "的证书尚未生效" in earlier[name] and "的证书已过期" not in earlier[name], name
    hosts = {name: json.loads(text["results.json"])["sites"][0]["security"]["hosts"][0]
             for name, text in (("crawled", crawled), ("later", later), ("earlier", earlier))}
    assert hosts["crawled"]["grade"] != "T" and hosts["crawled"]["certificate"]["problems"] == []
    assert hosts["later"]["grade"] == "T" and hosts["later"]["certificate"]["problems"] == ["expired"]
    assert hosts["earlier"]["certificate"]["problems"] == ["not_yet_valid"]


# ------------------------------------------------------------------ barriers: grouped once, read by all


def test_scoring_and_html_read_the_barriers_block_not_the_findings(demo):
    results = json.loads((demo / "results.json").read_text(encoding="utf-8"))
    profile = load_profile("cn-gov-2019")
    county = site_of((demo / "results.json").read_text(encoding="utf-8"), "county")
    barriers = county["accessibility"]["barriers"]
    assert barriers and any(d["rule"].startswith("cn-gov-2019.a11y-barrier") for d in county["deductions"])

    edited = copy.deepcopy(results)
    site = next(s for s in edited["sites"] if s["id"] == "county")
    site["accessibility"]["barriers"][0]["template"] = "#edited-in-the-block"
    site["accessibility"]["barriers"] = site["accessibility"]["barriers"][:1]
    score_results(edited, profile)
    charged = [d for d in site["deductions"] if d["rule"].startswith("cn-gov-2019.a11y-barrier")]
    assert [d["message_en"].split(" (")[0] for d in charged] == ["1 barrier(s)"]  # the findings are all still there
    assert "#edited-in-the-block" in charged[0]["message_en"]
    assert "#edited-in-the-block" in render_html(edited, "en")


def test_a_barrier_is_charged_once_by_its_worst_severity():
    """Pages that show one barrier at two severities make one barrier, charged by the high rule only."""
    from auditcli.core.barriers import accessibility_block

    findings = [{"check": "a11y.image-alt", "dimension": "accessibility", "severity": severity,
                 "url": f"http://127.0.0.1:9/{n}.html", "selector": "#logo > img", "fingerprint": str(n)}
                for n, severity in enumerate(["high", "medium", "medium", "medium"])]
    site = {"id": "s", "status": "ok", "pages": 4, "findings": findings, "columns": [], "homepage": {},
            "dimensions": {"accessibility": {"status": "assessed"}},
            "accessibility": accessibility_block(findings, 4)}
    score_site(site, load_profile("cn-gov-2019"))
    assert [(d["rule"], d["points"], d["count"]) for d in site["deductions"]] == [
        ("cn-gov-2019.a11y-barrier-high", 6.0, 4)]
