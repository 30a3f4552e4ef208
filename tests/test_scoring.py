"""Scoring profiles: loading, vetoes, capped deductions, not-assessed handling (docs/SPEC.md §7)."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path

import pytest

from auditcli.core.vocabulary import DIMENSIONS
from reports.scoring import ProfileError, load_profile, score_results, score_site

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def profile():
    return load_profile("cn-gov-2019")


@pytest.fixture()
def results():
    return json.loads((DATA / "results_county.json").read_text(encoding="utf-8"))


def site(**overrides) -> dict:
    """A clean, reachable site with every dimension assessed."""
    base = {
        "id": "s", "name": "某县人民政府", "status": "ok", "findings": [], "columns": [],
        "homepage": {"latest_date": "2026-11-18", "age_days": 2},
        "dimensions": {d: {"status": "assessed", "findings": 0} for d in DIMENSIONS},
    }
    base.update(overrides)
    return base


def finding(check: str, dimension: str, severity: str = "medium", **extra) -> dict:
    return {"check": check, "dimension": dimension, "severity": severity,
            "url": "http://127.0.0.1:8101/", "fingerprint": f"{check}-{len(extra)}", **extra}


def column(name: str, category: str, status: str, top_level: bool = True) -> dict:
    return {"name": name, "url": f"http://127.0.0.1:8101/{name}/", "category": category,
            "status": status, "top_level": top_level}


def rules(s: dict) -> list[str]:
    return [v["rule"] for v in s["vetoes"]]


def test_builtin_profile_follows_spec(profile):
    assert profile.name == "cn-gov-2019"
    assert profile.pass_mark == 60
    assert sum(profile.caps.values()) == 100
    assert profile.undated_counts_as_stale is True
    assert set(profile.vetoes) == {"unreachable", "homepage-stale", "stale-key-columns",
                                   "stale-columns", "empty-columns", "interaction", "serious-error", "service"}
    assert "privacy-leak" not in profile.vetoes  # shipped off: a copied profile switches it on


def test_clean_site_scores_100_and_passes(profile):
    s = site()
    score_site(s, profile)
    assert s["score"] == 100.0
    assert s["verdict"] == "pass"
    assert s["vetoes"] == [] and s["deductions"] == []
    assert all(s["dimensions"][d]["score"] == 100.0 for d in DIMENSIONS)


def test_unreachable_site_is_vetoed_and_not_scored(profile):
    s = site(status="unreachable", homepage=None)
    score_site(s, profile)
    assert rules(s) == ["cn-gov-2019.unreachable"]
    assert s["verdict"] == "fail"
    assert s["score"] is None
    assert all(s["dimensions"][d]["score"] is None for d in DIMENSIONS)


def test_homepage_stale_veto_reads_the_checks_decision_and_its_limit(profile):
    """The check judged the home page (at the limit it records in the block); the veto names it."""
    stale = finding("freshness.homepage-stale", "freshness", "high")
    s = site(homepage={"latest_date": "2026-11-01", "age_days": 19, "max_age_days": 14}, findings=[stale])
    score_site(s, profile)
    assert rules(s) == ["cn-gov-2019.homepage-stale"]
    assert s["vetoes"][0]["message_en"] == "home page not updated for 19 days (limit 14)"
    assert s["verdict"] == "fail"


def test_homepage_age_without_the_checks_finding_is_not_vetoed(profile):
    """Scoring never judges the home page's age itself: a page the check found fresh (judged at a
    profile's 30 days) is not vetoed by another profile's 14, nor is one whose check did not run."""
    judged_at_30 = site(homepage={"latest_date": "2026-10-31", "age_days": 20, "max_age_days": 30})
    score_site(judged_at_30, profile)
    assert rules(judged_at_30) == [] and judged_at_30["verdict"] == "pass"


def test_a_results_file_without_the_limit_was_judged_at_14_days(profile):
    s = site(homepage={"latest_date": "2026-11-01", "age_days": 19},
             findings=[finding("freshness.homepage-stale", "freshness", "high")])
    score_site(s, profile)
    assert s["vetoes"][0]["message_en"] == "home page not updated for 19 days (limit 14)"


def test_homepage_stale_finding_alone_is_vetoed(profile):
    s = site(homepage={}, findings=[finding("freshness.homepage-stale", "freshness", "high")])
    score_site(s, profile)
    assert "cn-gov-2019.homepage-stale" in rules(s)
    assert any(d["rule"] == "cn-gov-2019.homepage-stale" for d in s["deductions"])


def test_five_empty_columns_veto_four_do_not(profile):
    four = site(columns=[column(f"c{i}", "other", "empty") for i in range(4)])
    five = site(columns=[column(f"c{i}", "other", "empty") for i in range(5)])
    score_site(four, profile)
    score_site(five, profile)
    assert rules(four) == []
    assert rules(five) == ["cn-gov-2019.empty-columns"]


def test_ten_stale_columns_veto_with_undated_counting_as_stale(profile):
    columns = [column(f"c{i}", "planning", "stale") for i in range(7)]
    columns += [column(f"u{i}", "planning", "undated") for i in range(3)]
    s = site(columns=columns)
    score_site(s, profile)
    assert rules(s) == ["cn-gov-2019.stale-columns"]
    assert "未注明日期 3" in s["vetoes"][0]["message"]


def test_undated_does_not_count_when_the_profile_says_so(tmp_path):
    path = tmp_path / "lenient.yaml"
    path.write_text("extends: cn-gov-2019\nname: lenient\nundated_counts_as_stale: false\n",
                    encoding="utf-8")
    lenient = load_profile(str(path))
    columns = [column(f"c{i}", "planning", "stale") for i in range(7)]
    columns += [column(f"u{i}", "planning", "undated") for i in range(3)]
    s = site(columns=columns)
    score_site(s, lenient)
    assert rules(s) == []


def test_stale_key_columns_count_news_and_top_level_notices(profile):
    columns = [column("要闻", "news", "stale"), column("动态", "news", "stale", top_level=False),
               column("通知公告", "notice", "stale"), column("政策文件", "policy", "stale"),
               column("下级通知", "notice", "stale", top_level=False)]
    s = site(columns=columns)
    score_site(s, profile)
    assert rules(s) == []  # only 4 key columns: the nested notice column does not count
    columns.append(column("规划", "planning", "stale") | {"key": True})  # the analysis' flag does not decide
    s = site(columns=columns)
    score_site(s, profile)
    assert rules(s) == []
    columns.append(column("图片新闻", "news", "undated"))  # undated news counts as not updated
    s = site(columns=columns)
    score_site(s, profile)
    assert rules(s) == ["cn-gov-2019.stale-key-columns"]


def test_the_profile_defines_key_columns(profile):
    columns = [column(f"要闻{i}", "news", "stale") for i in range(6)]
    no_key = replace(profile, key_any_level=(), key_top_level=())
    s = site(columns=columns)
    score_site(s, no_key)
    assert "cn-gov-2019.stale-key-columns" not in rules(s)


def test_undated_key_columns_count_as_stale_key_columns_under_cn_gov_2019(profile):
    columns = [column(f"要闻{i}", "news", "stale") for i in range(3)]
    columns += [column(f"图片新闻{i}", "news", "undated") for i in range(2)]
    s = site(columns=columns)
    score_site(s, profile)
    assert rules(s) == ["cn-gov-2019.stale-key-columns"]  # 3 stale + 2 undated news columns = 5
    lenient = replace(profile, undated_counts_as_stale=False)
    s = site(columns=columns)
    score_site(s, lenient)
    assert rules(s) == []


def test_column_vetoes_are_counted_from_the_columns_block_only(profile):
    """One way to count: the columns block. Findings alone (no block: columns not assessed) count nothing."""
    s = site(findings=[finding("columns.empty", "columns", "high", data={"column": f"c{i}"})
                       for i in range(5)])
    score_site(s, profile)
    assert rules(s) == []
    s = site(columns=[column(f"c{i}", "other", "empty") for i in range(5)])
    score_site(s, profile)
    assert rules(s) == ["cn-gov-2019.empty-columns"]


@pytest.mark.parametrize("check", ["interaction.no-channel", "interaction.reply-overdue"])
def test_interaction_problems_veto(profile, check):
    s = site(findings=[finding(check, "interaction", "high")])
    score_site(s, profile)
    assert rules(s) == ["cn-gov-2019.interaction"]
    assert s["dimensions"]["interaction"]["score"] == 0.0


def test_a_certain_hidden_spam_link_is_a_serious_error_veto_and_a_review_level_one_is_not(profile):
    s = site(findings=[finding("content.hidden-link", "content", "critical", title="隐藏的外部链接（暗链）",
                               title_en="Hidden off-site link")])
    score_site(s, profile)
    assert rules(s) == ["cn-gov-2019.serious-error"]
    assert s["vetoes"][0]["message"] == "严重错误：隐藏的外部链接（暗链）（1 处）"
    assert "严重错误" in s["vetoes"][0]["ref"]
    s = site(findings=[finding("content.hidden-link", "content", "info", data={"review": True})])
    score_site(s, profile)
    assert rules(s) == []


def test_privacy_leak_is_a_veto_only_where_a_profile_enables_it(profile, tmp_path):
    leaked = [finding("privacy.id-number", "content", "high"), finding("privacy.mobile-number", "content", "high")]
    s = site(findings=copy.deepcopy(leaked))
    score_site(s, profile)
    assert rules(s) == [] and s["dimensions"]["content"]["score"] == 0.0  # 5 + 5 points of a 5-point cap
    text = (Path(__file__).parents[1] / "reports/profiles/cn-gov-2019.yaml").read_text("utf-8")
    strict = tmp_path / "strict.yaml"
    strict.write_text(text.replace("name: cn-gov-2019", "name: strict").replace(
        "    enabled: false\n    checks: [\"privacy.*\"]", "    enabled: true\n    checks: [\"privacy.*\"]"), "utf-8")
    s = site(findings=copy.deepcopy(leaked))
    score_site(s, load_profile(strict))
    assert rules(s) == ["strict.privacy-leak"]
    assert s["vetoes"][0]["message_en"] == "personal data exposed: privacy.id-number (1); privacy.mobile-number (1)"


def test_a_veto_severity_the_vocabulary_does_not_know_is_rejected(tmp_path):
    text = (Path(__file__).parents[1] / "reports/profiles/cn-gov-2019.yaml").read_text("utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("    severity: [critical]\n", "    severity: [fatal]\n"), "utf-8")
    with pytest.raises(ProfileError, match=r"vetoes.serious-error.severity: unknown severity 'fatal'"):
        load_profile(bad)


def test_deductions_are_capped_per_dimension_and_name_their_rule(profile):
    many = [finding("a11y.image-alt", "accessibility", "high", selector=f"img.c{i}") for i in range(40)]
    many += [finding("a11y.document-title", "accessibility", "medium")] * 40
    s = site(findings=many)
    score_site(s, profile)
    taken = sum(d["points"] for d in s["deductions"] if d["dimension"] == "accessibility")
    assert taken == profile.caps["accessibility"] == 15
    assert s["dimensions"]["accessibility"]["score"] == 0.0
    assert s["score"] == 85.0
    assert all(d["rule"].startswith("cn-gov-2019.") for d in s["deductions"])
    assert any("capped" in d["message_en"] for d in s["deductions"])


def test_accessibility_is_scored_by_barrier_and_share_of_pages_not_by_count(profile):
    def a11y_site(pages_hit: int, total: int = 100, selector: str = "div.header > img.logo") -> dict:
        found = [finding("a11y.image-alt", "accessibility", "high", selector=selector,
                         url=f"http://127.0.0.1:8101/p{k}.html") for k in range(pages_hit)]
        s = site(findings=found, pages=total)
        score_site(s, profile)
        return s

    one_template_everywhere = a11y_site(100)
    [deduction] = one_template_everywhere["deductions"]
    assert deduction["rule"] == "cn-gov-2019.a11y-barrier-high" and deduction["points"] == 6
    assert "1 barrier" in deduction["message_en"] and "100 page" in deduction["message_en"]
    assert a11y_site(50)["deductions"][0]["points"] == 3          # half the pages: half the points
    assert a11y_site(1)["deductions"][0]["points"] == 0.6         # one page: the floor share (10 %)
    # positions do not make new barriers: the same template element in different list rows
    rows = a11y_site(100, selector="ul.list > li:nth-of-type(3) > img")
    assert len(rows["deductions"]) == 1 and rows["deductions"][0]["points"] == 6


def test_info_findings_cost_nothing(profile):
    s = site(findings=[finding("a11y.assistive-tool-missing", "accessibility", "info")])
    score_site(s, profile)
    assert s["score"] == 100.0 and s["deductions"] == []


def test_not_assessed_dimension_is_none_and_excluded_from_the_score(profile):
    dims = {d: {"status": "assessed"} for d in DIMENSIONS}
    dims["security"] = {"status": "not-assessed"}
    s = site(dimensions=dims, findings=[finding("links.broken", "links")] * 10)
    score_site(s, profile)
    assert s["dimensions"]["security"]["score"] is None
    assert s["dimensions"]["links"]["score"] == 0.0
    # the links cap (5) of the 85 points of the assessed dimensions is lost: never counted as 0 or 100.
    assert s["score"] == round(100 * (1 - 5 / 85), 1)


def test_nothing_assessed_is_not_assessed(profile):
    s = site(dimensions={d: {"status": "not-assessed"} for d in DIMENSIONS})
    score_site(s, profile)
    assert s["score"] is None and s["verdict"] == "not-assessed"


def test_fixture_results(profile, results):
    score_results(results, profile)
    by_id = {s["id"]: s for s in results["sites"]}
    assert results["run"]["profile"] == "cn-gov-2019"
    assert rules(by_id["town-b"]) == ["cn-gov-2019.unreachable"]
    assert rules(by_id["town-a"]) == ["cn-gov-2019.empty-columns"]
    assert set(rules(by_id["dept-health"])) == {"cn-gov-2019.homepage-stale",
                                                "cn-gov-2019.stale-key-columns",
                                                "cn-gov-2019.interaction"}
    assert by_id["dept-edu"]["verdict"] == "pass"
    assert by_id["town-a"]["dimensions"]["security"]["score"] is None
    # written before the content dimension: it is not assessed, the score is over the other 95 points
    assessed = sum(cap for dim, cap in profile.caps.items()
                   if by_id["county"]["dimensions"][dim]["status"] == "assessed")
    assert assessed == 95
    assert by_id["county"]["score"] == pytest.approx(round(100 * (1 - sum(
        d["points"] for d in by_id["county"]["deductions"]) / assessed), 1))


def test_copied_profile_with_changed_weights(tmp_path, results):
    text = (Path(__file__).parents[1] / "reports/profiles/cn-gov-2019.yaml").read_text("utf-8")
    text = text.replace("name: cn-gov-2019", "name: strict").replace("pass_mark: 60",
                                                                     "pass_mark: 90")
    path = tmp_path / "strict.yaml"
    path.write_text(text, encoding="utf-8")
    strict = load_profile(str(path))
    assert strict.name == "strict" and strict.pass_mark == 90
    county = copy.deepcopy(results["sites"][0])
    score_site(county, strict)
    assert county["verdict"] == "fail"
    assert all(d["rule"].startswith("strict.") for d in county["deductions"])


@pytest.mark.parametrize("body, field", [
    ("name: x\npass_mark: high\n", "pass_mark"),
    ("extends: cn-gov-2019\nname: x\ndimensions:\n  freshness: {cap: -1}\n",
     "dimensions.freshness.cap"),
    ("extends: cn-gov-2019\nname: x\nvetoes:\n  empty-columns: {threshold: five}\n",
     "vetoes.empty-columns.threshold"),
    ("extends: cn-gov-2019\nname: x\nvetoes:\n  typo-veto: {}\n", "vetoes.typo-veto"),
    ("extends: cn-gov-2019\nname: x\ndeductions:\n  - {rule: r, checks: [a], points: 1, "
     "severity: [urgent]}\n", "deductions[0].severity"),
    ("extends: cn-gov-2019\nname: x\nweights: {}\n", "weights"),
    ("extends: cn-gov-2019\nname: x\ndimensions:\n  speed: {cap: 1}\n", "dimensions.speed"),
    ("name: [unclosed\n", "line 2: invalid YAML"),
])
def test_bad_profile_names_file_and_field(tmp_path, body, field):
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(str(path))
    assert str(path) in str(info.value)
    assert field in str(info.value)


def test_unknown_profile_name():
    with pytest.raises(ProfileError, match="not a built-in profile"):
        load_profile("cn-gov-2099")


def test_language_versions_nobody_required_cost_nothing(profile):
    unrequired = site(findings=[finding("language.broken", "languages", "info"),
                                finding("language.stale", "languages", "info")])
    score_site(unrequired, profile)
    assert unrequired["dimensions"]["languages"]["score"] == 100
    required = site(findings=[finding("language.broken", "languages", "medium")])
    score_site(required, profile)
    assert required["dimensions"]["languages"]["score"] < 100
