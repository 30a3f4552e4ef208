"""Accessibility on the demo farm: planted barriers found (static and browser mode), nothing else;
browser mode (Playwright + Debian's chromium + axe-core) finds the contrast barrier, lists the hanging
page as not scanned within its timeout, and its selectors match in a real browser; the ACT colour
contrast cases in browser mode beat axe-core's published results and match the README table."""

from __future__ import annotations

import json
import shutil
import time

import pytest

from auditcli.demo.compare import compare
from spiders.render import chromium_path
from tests.conftest import run_cli

A11Y = ("a11y", "assistive", "browser")


def _a11y_mismatches(results, key) -> list[str]:
    return [line for line in compare(results, {"sites": key}) if any(w in line for w in A11Y)]


def test_static_rules_find_exactly_the_planted_barriers(demo_audit):
    assert _a11y_mismatches(demo_audit.results, demo_audit.key) == []
    town_a = demo_audit.sites["town-a"]  # the clean site: nothing at all
    assert [f for f in town_a["findings"] if f["dimension"] == "accessibility"] == []
    assert town_a["accessibility"]["barriers"] == []
    county = demo_audit.sites["county"]
    logo = next(b for b in county["accessibility"]["barriers"] if "logo" in b["template"])
    assert logo["pages"] > 100 and logo["instances"] == logo["pages"] and len(logo["examples"]) == 3
    # one template repeated on every page is one barrier: it costs at most its points
    deduction = next(d for d in county["deductions"] if d["rule"] == "cn-gov-2019.a11y-barrier-high")
    assert deduction["points"] <= 6 * 6 and "barrier" in deduction["message_en"]
    # the static mode cannot judge contrast: not judged, not passed
    assert county["outcomes"]["a11y.color-contrast"]["status"] == "not-judged"


needs_chromium = pytest.mark.skipif(chromium_path() is None, reason="no chromium binary on this machine")


@pytest.fixture(scope="module")
def rendered(demo_audit, tmp_path_factory):
    """The demo audit's crawl, copied, rendered in browser mode (sample), then checked by the CLI."""
    from auditcli.app.browser import render_store
    from spiders.render import RenderOptions

    crawl = tmp_path_factory.mktemp("browser") / "crawl"
    shutil.copytree(demo_audit.out / "crawl", crawl)
    begun = time.perf_counter()
    run = render_store(crawl, "sample", RenderOptions(workers=4, timeout=10))  # roomy for a loaded CI box
    seconds = time.perf_counter() - begun
    out = crawl.parent / "out"
    result = run_cli("check", str(crawl), "--out", str(out), "--no-history", "--quiet")
    assert result.returncode == 0, result.stderr[-2000:]
    results = json.loads((out / "results.json").read_text("utf-8"))
    return run, seconds, results


@needs_chromium
def test_browser_mode_finds_contrast_and_skips_the_hanging_page_in_bounded_time(rendered, demo_audit):
    run, seconds, results = rendered
    assert run.pages >= 40 and run.ok == run.pages - 1
    [hung] = run.not_scanned
    assert hung["reason"] == "timeout" and "/zcwj/" in hung["url"]
    assert seconds < 150  # one hanging page costs its 10 s timeout, never the run
    assert _a11y_mismatches(results, demo_audit.key) == []
    sites = {s["id"]: s for s in results["sites"]}
    county = sites["county"]
    contrast = [f for f in county["findings"] if f["check"] == "a11y.color-contrast"]
    assert contrast and all("welcome" in (f["evidence"] or "") for f in contrast)
    assert contrast[0]["data"]["contrast"]["contrastRatio"] < 4.5
    assert county["outcomes"]["a11y.color-contrast"]["status"] == "failed"
    assert county["accessibility"]["browser"]["not_scanned"][0]["reason"] == "timeout"
    barrier = next(b for b in county["accessibility"]["barriers"] if b["check"] == "a11y.color-contrast")
    assert barrier["share"] == 1.0  # on every rendered page of the sample
    # axe's results on the elements the static rules reported are not reported twice
    logo = [f for f in county["findings"] if f["check"] == "a11y.image-alt" and "logo" in (f["selector"] or "")]
    assert len(logo) == len({f["url"] for f in logo})
    assert all(f["severity"] == "info" for f in county["findings"] if (f.get("data") or {}).get("review"))


@needs_chromium
def test_static_findings_selectors_match_in_a_browser(demo_audit):
    from playwright.sync_api import sync_playwright

    county = demo_audit.sites["county"]
    by_page: dict[str, list[str]] = {}
    for finding in county["findings"]:
        if finding["check"].startswith("a11y.") and finding["selector"]:
            by_page.setdefault(finding["url"], []).append(finding["selector"])
    chosen = sorted(by_page.items(), key=lambda kv: -len(kv[1]))[:4]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), headless=True, args=["--no-sandbox"])
        page = browser.new_page()
        for url, selectors in chosen:
            page.goto(url, wait_until="domcontentloaded", timeout=10000)
            for selector in selectors:
                assert page.evaluate("s => document.querySelectorAll(s).length", selector) >= 1, (url, selector)
        browser.close()


@needs_chromium
def test_act_contrast_cases_in_browser_mode_beat_axe_and_match_the_readme():
    from benchmarks.act_table import (
        BROWSER_RULES,
        README,
        axe_correct,
        axe_outcomes,
        cases,
        correct,
        replace_block,
        run_browser,
        serve,
        table,
    )

    chosen = cases(BROWSER_RULES)
    with serve() as base:
        ours = run_browser(base, chosen)
    assert all(v is not None for v in ours.values()), "every contrast case rendered"
    axe = axe_outcomes()
    for rule_id in BROWSER_RULES:
        group = [c for c in chosen if c["ruleId"] == rule_id]
        good = sum(correct(c["expected"], bool(ours[c["testcaseId"]])) for c in group)
        axe_good = sum(axe_correct(c["expected"], axe.get(c["testcaseId"], [])) for c in group)
        assert good >= axe_good, f"{rule_id}: {good} < axe's {axe_good}"
    text = README.read_text("utf-8")
    assert text == replace_block(text, "browser", table(chosen, ours, "browser mode")), \
        "README's browser-mode ACT table is stale: run python benchmarks/act_table.py --write-readme"


@needs_chromium
def test_a_tab_that_crashes_is_listed_and_the_next_page_still_rendered():
    from spiders.render import RenderOptions, render_pages

    begun = time.perf_counter()
    results = render_pages(["chrome://crash", "chrome://version"], RenderOptions(workers=1, timeout=8))
    assert results["chrome://crash"]["status"] == "crashed"
    assert results["chrome://version"]["status"] == "ok"  # same worker, a fresh tab
    assert time.perf_counter() - begun < 30


def test_browser_options_are_checked_before_any_crawl(tmp_path):
    result = run_cli("audit", "http://127.0.0.1:9/", "--out", str(tmp_path), "--browser",
                     "--browser-pages", "some", "--no-history")
    assert result.returncode == 2
    assert "--browser-pages" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "crawl").exists()
