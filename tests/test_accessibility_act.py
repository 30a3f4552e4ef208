"""The W3C ACT test cases (tests/data/act/) through the static accessibility rules, served on 127.0.0.1.

A `failed` case must raise the mapped check on that page; `passed` and `inapplicable` cases must
raise nothing. The per-rule table in README.md is regenerated and compared, so it cannot drift.
"""

from __future__ import annotations

import pytest

from benchmarks.act_table import (
    RULE_CHECKS,
    STATIC_XFAIL,
    axe_correct,
    axe_outcomes,
    fetch,
    replace_block,
    run_static,
    serve,
    static_cases,
    table,
)
from checks.a11y.rules import rule_findings

CASES = static_cases()


@pytest.fixture(scope="module")
def act_base():
    with serve() as base:
        yield base


def _param(case):
    marks = [pytest.mark.xfail(reason=STATIC_XFAIL[case["testcaseId"]], strict=True)] \
        if case["testcaseId"] in STATIC_XFAIL else []
    return pytest.param(case, id=f"{case['ruleId']}-{case['testcaseTitle'].replace(' ', '')}", marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_act_case(case, act_base):
    url = act_base + case["relativePath"]
    content_type, text = fetch(url)
    check_id = RULE_CHECKS[case["ruleId"]]
    found = rule_findings(text, url)[check_id] if content_type == "text/html" else []
    if case["expected"] == "failed":
        assert found, f"{check_id} should fail {case['relativePath']}"
        for finding in found:
            assert finding.selector and finding.evidence and any(r.startswith("WCAG 2.1") for r in
                                                                  _refs(check_id))
    else:
        assert not found, f"{check_id} should not report {case['relativePath']}: {[f.message for f in found]}"


def _refs(check_id):
    from checks.engine.registry import all_checks

    return next(s.refs for s in all_checks() if s.id == check_id)


def test_static_subset_beats_axe_and_no_rule_is_worse(act_base):
    ours = run_static(act_base)
    axe = axe_outcomes()
    by_rule: dict[str, list[dict]] = {}
    for case in CASES:
        by_rule.setdefault(case["ruleId"], []).append(case)
    total_ours = total_axe = 0
    for rule_id, group in by_rule.items():
        good = sum((c["expected"] == "failed") == ours[c["testcaseId"]] for c in group)
        axe_good = sum(axe_correct(c["expected"], axe.get(c["testcaseId"], [])) for c in group)
        assert good >= axe_good, f"{rule_id}: {good} < axe's {axe_good}"
        total_ours, total_axe = total_ours + good, total_axe + axe_good
    assert total_axe == 245 and len(CASES) == 249
    assert total_ours > total_axe


def test_every_rule_cites_wcag_and_gbt():
    from checks.engine.registry import all_checks

    for spec in all_checks():
        if spec.dimension == "accessibility" and spec.id not in ("a11y.assistive-tool-missing", "axe.*"):
            assert any(r.startswith("WCAG 2.1 ") for r in spec.refs), spec.id
            assert any(r.startswith("GB/T 37668-2019 ") for r in spec.refs), spec.id


def test_readme_static_table_is_generated(act_base):
    from benchmarks.act_table import README

    text = README.read_text("utf-8")
    expected = replace_block(text, "static", table(CASES, run_static(act_base), "static rules"))
    assert text == expected, "README's ACT table is stale: run python benchmarks/act_table.py --write-readme"


def test_act_cases_through_the_check_runner_and_the_page_store(act_base, tmp_path):
    """The same verdicts when the cases are pages of a stored crawl judged by the runner's page pass."""
    import time
    from datetime import date
    from urllib.request import urlopen

    from auditcli.core.models import SiteConfig
    from auditcli.stores.pagestore import PageStore, StoredPage
    from checks.engine.registry import all_checks
    from checks.engine.runner import run_site
    from checks.engine.siteview import SiteView

    store = PageStore(tmp_path / "crawl")
    config = SiteConfig(id="act", name="ACT", url=act_base)
    store.register_site("act", config.to_dict())
    for case in CASES:
        url = act_base + case["relativePath"]
        with urlopen(url, timeout=10) as response:
            store.add_page(StoredPage("act", url, url, 200, {"content-type": response.headers["content-type"]},
                                      response.read(), None, response.headers.get_content_type(), "page", 1,
                                      None, 0.0, time.time()))
    store.commit()
    specs = [s for s in all_checks() if s.id in set(RULE_CHECKS.values())]
    out = run_site(SiteView(config, store, date(2026, 11, 20)), specs)
    assert out.errors == []
    reported = {(f.check, f.url) for f in out.findings}
    wrong = [case["relativePath"] for case in CASES
             if ((RULE_CHECKS[case["ruleId"]], act_base + case["relativePath"]) in reported)
             != (case["expected"] == "failed")]
    assert wrong == []
