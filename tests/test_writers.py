"""Machine formats: CSV, JUnit XML, SARIF 2.1.0 (validated against the official schema), JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from reports import FILE_MODE
from reports.scoring import load_profile, score_results
from reports.writers import (
    FINGERPRINT_KEY,
    FormatError,
    findings_csv,
    junit_xml,
    parse_formats,
    sarif_log,
    sites_csv,
    write_formats,
)

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def results() -> dict:
    data = json.loads((DATA / "results_county.json").read_text(encoding="utf-8"))
    return score_results(data, load_profile("cn-gov-2019"))


def all_findings(results: dict) -> list[dict]:
    return [f for s in results["sites"] for f in s["findings"]]


def test_findings_csv_has_one_row_per_finding(results):
    rows = list(csv.DictReader(io.StringIO(findings_csv(results))))
    referred = sum(len(f["data"]["referrers"]) - 1 for f in all_findings(results) if f["data"].get("referrers"))
    assert referred == 1  # the county's broken annual report, linked from two pages
    assert len(rows) == len(all_findings(results)) + referred
    row = next(r for r in rows if r["check"] == "a11y.image-alt")
    assert row["site_id"] == "county" and row["severity"] == "high"
    assert row["selector"] == "#banner > a:nth-child(2) > img"
    assert "WCAG 2.1 1.1.1" in row["refs"]
    assert row["fingerprint"]


def test_sites_csv_has_one_row_per_site_with_not_assessed_kept(results):
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(sites_csv(results)))}
    assert set(rows) == {"county", "town-a", "dept-edu", "town-b", "dept-health"}
    assert rows["town-a"]["score_security"] == "not-assessed"
    assert rows["town-b"]["score"] == "" and rows["town-b"]["verdict"] == "fail"
    assert "cn-gov-2019.unreachable" in rows["town-b"]["vetoes"]
    assert rows["dept-edu"]["verdict"] == "pass"


def test_csv_cells_cannot_become_spreadsheet_formulas():
    data = {"sites": [{"id": "x", "name": "=HYPERLINK(\"http://evil\")", "findings": [
        {"check": "a11y.document-title", "dimension": "accessibility", "severity": "low",
         "url": "http://127.0.0.1/", "message": "+cmd|' /C calc'!A0", "evidence": "-1"}]}]}
    rows = list(csv.reader(io.StringIO(findings_csv(data))))
    assert rows[1][1].startswith("'=")
    assert rows[1][7].startswith("'+")
    assert rows[1][9] == "-1"  # numbers stay numbers


def test_junit_parses_with_a_suite_per_site_and_a_case_per_check(results):
    root = ET.fromstring(junit_xml(results).encode("utf-8"))
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"county", "town-a", "dept-edu", "town-b", "dept-health"}
    n_checks = len(results["checks"])
    county = suites["county"]
    assert int(county.get("tests")) == n_checks + 1  # + the profile verdict
    cases = {c.get("name"): c for c in county.findall("testcase")}
    failure = cases["a11y.image-alt"].find("failure")
    assert failure is not None and "(2)" in failure.get("message")
    assert cases["a11y.assistive-tool-missing"].find("failure") is None  # info never fails
    assert cases["identity.icp-missing"].find("failure") is None  # passing check
    assert cases["verdict"].find("failure") is None  # county passes
    unreachable = suites["town-b"]
    assert unreachable.find("testcase[@name='verdict']/failure") is not None
    assert int(unreachable.get("skipped")) == n_checks
    town = {c.get("name"): c for c in suites["town-a"].findall("testcase")}
    assert town["tls.legacy-protocol"].find("skipped") is not None  # security not assessed
    assert int(root.get("failures")) == sum(int(s.get("failures")) for s in suites.values())


def broken_link(referrers: list[str], selector: str | None, located: str | None) -> dict:
    """A links.broken finding as the check writes it: the target as url, the referrers in data, the
    link's selector found on the first referrer."""
    return {"fingerprint": "b" * 40, "check": "links.broken", "dimension": "links", "severity": "medium",
            "url": "http://127.0.0.1:8101/uploads/2025/年度报告.pdf",
            "message": "附件“2025年政府信息公开工作年度报告”失效（HTTP 404），2 个页面引用，如 http://127.0.0.1:8101/zfxxgk/ndbg/",
            "message_en": "Attachment broken (HTTP 404)", "selector": selector,
            "evidence": "“2025年政府信息公开工作年度报告” → HTTP 404", "refs": [], "fix": "",
            "data": {"status": 404, "kind": "attachment", "referrers": referrers, "referrer_count": len(referrers),
                     "referrer_selector_page": located}}


def with_findings(results: dict, findings: list[dict]) -> dict:
    data = json.loads(json.dumps(results))
    data["sites"][0]["findings"] = findings
    return data


REFERRERS = ["http://127.0.0.1:8101/zfxxgk/ndbg/", "http://127.0.0.1:8101/zfxxgk/"]
LINK_SELECTOR = "#content > ul.list > li:nth-child(3) > a"


def test_findings_csv_puts_a_broken_link_on_each_referring_page(results):
    data = with_findings(results, [broken_link(REFERRERS, LINK_SELECTOR, REFERRERS[0])])
    rows = [r for r in csv.DictReader(io.StringIO(findings_csv(data))) if r["check"] == "links.broken"]
    assert [(r["url"], r["selector"]) for r in rows] == [(REFERRERS[0], LINK_SELECTOR), (REFERRERS[1], "")]
    assert {r["target"] for r in rows} == {"http://127.0.0.1:8101/uploads/2025/年度报告.pdf"}
    assert len({r["fingerprint"] for r in rows}) == 1


def resolved(run: dict, artifact: dict) -> str:
    """An artifact location's full URL, as a SARIF reader resolves it against the run's base ids."""
    base = run["originalUriBaseIds"][artifact["uriBaseId"]]["uri"] if "uriBaseId" in artifact else ""
    return urljoin(base, artifact["uri"])


def test_sarif_locates_a_broken_link_on_its_referrers_without_a_made_up_line(results):
    data = with_findings(results, [broken_link(REFERRERS, LINK_SELECTOR, REFERRERS[0])])
    run = sarif_log(data)["runs"][0]
    result = run["results"][0]
    pages = [resolved(run, loc["physicalLocation"]["artifactLocation"]) for loc in result["locations"]]
    assert pages == REFERRERS
    first, second = result["locations"]
    assert {"name": LINK_SELECTOR, "fullyQualifiedName": f"county::{LINK_SELECTOR}", "kind": "element"} \
        in first["logicalLocations"]
    assert [loc["kind"] for loc in second["logicalLocations"]] == ["module"]  # no selector known there
    assert "region" not in first["physicalLocation"]
    assert result["properties"]["evidence"] == "“2025年政府信息公开工作年度报告” → HTTP 404"
    related = result["relatedLocations"][0]["physicalLocation"]["artifactLocation"]
    assert resolved(run, related) == "http://127.0.0.1:8101/uploads/2025/年度报告.pdf"
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert list(jsonschema.Draft4Validator(schema).iter_errors(sarif_log(data))) == []


def test_sarif_gives_no_page_a_start_line(results):
    locations = [loc for r in sarif_log(results)["runs"][0]["results"] for loc in r["locations"]]
    assert locations and not [loc for loc in locations if "region" in loc["physicalLocation"]]
    image_alt = next(r for r in sarif_log(results)["runs"][0]["results"] if r["ruleId"] == "a11y.image-alt")
    assert image_alt["locations"][0]["logicalLocations"][1]["name"] == "#banner > a:nth-child(2) > img"


def test_junit_with_a_passing_gate_fails_no_testcase(results):
    from reports.gate import evaluate

    passing = evaluate(results, baseline=results)  # the same run: nothing new, every finding tolerated
    assert passing.passed
    root = ET.fromstring(junit_xml(results, gate=passing).encode("utf-8"))
    assert root.get("failures") == "0" and root.findall(".//failure") == []
    county = {c.get("name"): c for c in root.find("testsuite[@name='county']").findall("testcase")}
    assert county["a11y.image-alt"].find("system-out").text.startswith("tolerated by the gate:")
    assert root.find("testsuite[@name='gate']/testcase[@name='gate']") is not None
    ungated = ET.fromstring(junit_xml(results).encode("utf-8"))
    assert int(ungated.get("failures")) > 0  # without a gate the same findings fail


def test_junit_with_a_failing_gate_fails_only_what_it_blames(results):
    from reports.gate import evaluate

    failing = evaluate(results, fail_on=["a11y.image-alt"])
    assert not failing.passed
    root = ET.fromstring(junit_xml(results, gate=failing).encode("utf-8"))
    failed = {(case.get("classname"), case.get("name")) for case in root.iter("testcase") if case.find("failure") is not None}
    assert failed == {("auditcli.gate", "gate"), ("county.accessibility", "a11y.image-alt")}


def test_sarif_validates_against_the_official_schema(results):
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    log = sarif_log(results)
    jsonschema.Draft4Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=str)
    assert errors == []


def test_sarif_results_point_at_pages_with_fingerprints_and_rules_with_help(results):
    log = sarif_log(results, "en")
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert all(r["help"]["text"] and r["shortDescription"]["text"] for r in rules)
    image_alt = next(r for r in rules if r["id"] == "a11y.image-alt")
    assert "Add an alt attribute" in image_alt["help"]["text"]
    tls = next(r for r in rules if r["id"] == "tls.legacy-protocol")
    assert tls["properties"]["security-severity"] and "security" in tls["properties"]["tags"]
    assert len(run["results"]) == len(all_findings(results))
    first = run["results"][0]
    assert rules[first["ruleIndex"]]["id"] == first["ruleId"]
    artifact = first["locations"][0]["physicalLocation"]["artifactLocation"]
    assert resolved(run, artifact).startswith("http://127.0.0.1:81")
    # GitHub code scanning takes paths only (an http: location fails the upload): each page is a path
    # relative to its origin, which the run names in originalUriBaseIds
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"] for loc in r["locations"]]
    assert uris and not any(urlsplit(u).scheme for u in uris)
    assert all(urlsplit(b["uri"]).path == "/" and urlsplit(b["uri"]).netloc for b in run["originalUriBaseIds"].values())
    fingerprints = {r["partialFingerprints"][FINGERPRINT_KEY] for r in run["results"]}
    assert fingerprints == {f["fingerprint"] for f in all_findings(results)}


def test_parse_formats():
    assert parse_formats("html, CSV,html") == ["html", "csv"]
    with pytest.raises(FormatError, match="pdf"):
        parse_formats("html,pdf")


def test_write_formats_writes_every_file_atomically(tmp_path, results):
    written = write_formats(results, tmp_path / "out", ["html", "csv", "junit", "sarif", "json"])
    names = sorted(p.name for p in written)
    assert names == ["findings.csv", "junit.xml", "report.html", "results.json",
                     "results.sarif", "sites.csv"]
    leftovers = [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]
    assert leftovers == []
    mode = (tmp_path / "out" / "report.html").stat().st_mode & 0o777
    assert mode == FILE_MODE  # as any file the user creates (umask), not mkstemp's 0600
    again = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert again["sites"][0]["verdict"] == results["sites"][0]["verdict"]
    csv_bytes = (tmp_path / "out" / "findings.csv").read_bytes()
    assert csv_bytes.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads the Chinese text


def test_write_formats_keeps_the_old_file_when_rendering_fails(tmp_path, results,
                                                                 monkeypatch):
    target = tmp_path / "junit.xml"
    target.write_text("old", encoding="utf-8")
    import reports.writers as writers

    def boom(*_args, **_kwargs):
        raise RuntimeError("disk on fire")
    monkeypatch.setattr(writers, "junit_xml", boom)
    with pytest.raises(RuntimeError):
        write_formats(results, tmp_path, ["junit"])
    assert target.read_text(encoding="utf-8") == "old"


def test_json_written_piece_by_piece_is_what_dumps_gives_and_a_failure_midway_keeps_the_old_file(tmp_path, results):
    """results.json and SARIF are written as the encoder makes them (a fleet's results are never one
    string in memory); the bytes are json.dumps', and a value that cannot be written half-way through
    leaves the previous file whole and no temporary file behind."""
    from reports import atomic_write, json_pieces

    path = atomic_write(tmp_path / "results.json", json_pieces(results))
    assert path.read_text("utf-8") == json.dumps(results, ensure_ascii=False, indent=2)
    broken = {**results, "sites": [*results["sites"], {"id": object()}]}  # fails after the first sites
    with pytest.raises(TypeError):
        atomic_write(path, json_pieces(broken))
    assert json.loads(path.read_text("utf-8")) == results
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]
