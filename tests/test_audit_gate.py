"""`audit`/`check` take the gate's flags: the exit code is the CI verdict on real demo results."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli


@pytest.mark.parametrize("flags,code", [
    ([], 0),
    (["--fail-under", "99"], 1),          # the zombie township scores far below
    (["--fail-under", "1"], 1),           # the dead township has no score: not assessed fails a threshold
    (["--fail-on-veto"], 1),              # county and town-b carry vetoes
    (["--max-new", "0"], 1),              # without a baseline every finding is new
    (["--baseline", "BASELINE", "--max-new", "0"], 0),  # the same crawl: nothing new
])
def test_check_with_gate_flags_exits_with_the_gate_verdict(demo_audit, tmp_path, flags, code):
    flags = [str(demo_audit.out / "results.json") if f == "BASELINE" else f for f in flags]
    result = run_cli("check", str(demo_audit.out / "crawl"), "--out", str(tmp_path), "--format", "json",
                     "--no-history", "--quiet", *flags)
    assert result.returncode == code, result.stderr
    assert (tmp_path / "results.json").is_file(), "results are written whatever the gate says"
    if code == 1:
        assert "gate:" in result.stderr


def test_check_with_a_baseline_lists_the_new_findings_as_gate_does(demo_audit, tmp_path):
    import json

    baseline = json.loads((demo_audit.out / "results.json").read_text("utf-8"))
    county = next(site for site in baseline["sites"] if site["id"] == "county")
    dropped = [f for f in county["findings"] if f["severity"] != "info"]
    county["findings"] = [f for f in county["findings"] if f["severity"] == "info"]
    (tmp_path / "baseline.json").write_text(json.dumps(baseline, ensure_ascii=False), "utf-8")
    result = run_cli("check", str(demo_audit.out / "crawl"), "--out", str(tmp_path / "out"), "--format", "json,junit",
                     "--no-history", "--baseline", str(tmp_path / "baseline.json"))
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert f"gate: {len(dropped)} new finding(s):" in lines
    listed = [line for line in lines if line.startswith("gate:   + county ")]
    assert len(listed) == min(len(dropped), 50)
    if len(dropped) > 50:
        assert f"gate:   …and {len(dropped) - 50} more" in lines
    # the JUnit report fails exactly the county's new findings' checks, and the gate
    from xml.etree import ElementTree as ET

    junit = ET.parse(tmp_path / "out" / "junit.xml").getroot()
    failed = {case.get("classname").split(".")[0] for case in junit.iter("testcase") if case.find("failure") is not None}
    assert failed == {"auditcli", "county"}


def test_a_passing_gate_writes_a_green_junit_report(demo_audit, tmp_path):
    from xml.etree import ElementTree as ET

    result = run_cli("check", str(demo_audit.out / "crawl"), "--out", str(tmp_path), "--format", "junit",
                     "--no-history", "--quiet", "--baseline", str(demo_audit.out / "results.json"))
    assert result.returncode == 0, result.stderr
    junit = ET.parse(tmp_path / "junit.xml").getroot()
    assert junit.get("failures") == "0" and not list(junit.iter("failure"))
    ungated = ET.parse(demo_audit.out / "junit.xml").getroot()
    assert int(ungated.get("failures")) > 0  # the same findings without a gate


def test_fail_on_a_check_gates_audit_and_check(demo_audit, tmp_path):
    broken = [f for site in demo_audit.results["sites"] for f in site["findings"] if f["check"] == "links.broken"]
    assert broken, "the demo farm plants broken links"
    result = run_cli("check", str(demo_audit.out / "crawl"), "--out", str(tmp_path), "--format", "json",
                     "--no-history", "--quiet", "--fail-on", "links.broken")
    assert result.returncode == 1 and f"gate: {len(broken)} finding(s) of --fail-on links.broken" in result.stderr
    assert run_cli("check", str(demo_audit.out / "crawl"), "--out", str(tmp_path), "--format", "json",
                   "--no-history", "--quiet", "--fail-on", "links.brokn").returncode == 2


def test_every_run_says_where_it_was_recorded(demo_audit, tmp_path):
    store = tmp_path / "history.sqlite"
    result = run_cli("check", str(demo_audit.out / "crawl"), "--out", str(tmp_path / "out"), "--format", "json",
                     "--history", str(store), "--only", "identity")
    assert result.returncode == 0, result.stderr
    recorded = [line for line in result.stdout.splitlines() if line.startswith("recorded run ")]
    assert len(recorded) == 1 and recorded[0].endswith(f" in {store}")
    from auditcli.stores.history import HistoryStore

    run_id = recorded[0].split()[2]
    assert [row["run_id"] for row in HistoryStore(store).trend("county")] == [run_id]


def test_findings_csv_of_the_demo_puts_broken_links_on_their_referring_pages(demo_audit):
    import csv

    rows = [r for r in csv.DictReader((demo_audit.out / "findings.csv").open(encoding="utf-8-sig"))
            if r["check"] == "links.broken"]
    findings = {f["fingerprint"]: f for site in demo_audit.results["sites"] for f in site["findings"]
                if f["check"] == "links.broken"}
    assert {r["fingerprint"] for r in rows} == set(findings)
    for fingerprint, f in findings.items():
        mine = [r for r in rows if r["fingerprint"] == fingerprint]
        assert [r["url"] for r in mine] == (f["data"]["referrers"] or [f["url"]])
        assert {r["target"] for r in mine} == ({f["url"]} if f["data"]["referrers"] else {""})
        located = [r["selector"] for r in mine if r["selector"]]
        assert located == ([f["selector"]] if f["selector"] else [])


def test_audit_one_site_of_a_sites_file_lines_up_with_the_full_run(demo_farm, demo_audit, tmp_path):
    import json

    from tests.conftest import FAST

    store = tmp_path / "history.sqlite"
    result = run_cli("audit", str(demo_farm.sites_file), "--site", "town-a", "--out", str(tmp_path / "out"),
                     "--format", "json", "--history", str(store), *[f for f in FAST if f != "--quiet"])
    assert result.returncode == 0, result.stderr
    assert f" in {store}" in result.stdout
    again = json.loads((tmp_path / "out" / "results.json").read_text("utf-8"))
    assert [site["id"] for site in again["sites"]] == ["town-a"]
    full = demo_audit.sites["town-a"]
    town = again["sites"][0]
    assert town["parent"] == full["parent"] == "county"
    assert sorted(f["fingerprint"] for f in town["findings"]) == sorted(f["fingerprint"] for f in full["findings"])
    diff = run_cli("diff", str(demo_audit.out / "results.json"), str(tmp_path / "out" / "results.json"),
                   "--no-history", "--json")
    data = json.loads(diff.stdout)
    assert data["totals"]["fixed"] == 0 and data["totals"]["new"] == 0
    assert sorted(data["left_out"]) == sorted(site for site in demo_audit.sites if site != "town-a")


def test_demo_serve_on_a_busy_port_is_one_line_and_exit_2():
    import socket
    import subprocess
    import sys

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "auditcli.demo", "serve", "--base-port", str(port)],
                                capture_output=True, text=True, timeout=60)
        cli = run_cli("demo", "--base-port", str(port), "--quiet", timeout=60)
    for done in (result, cli):
        assert done.returncode == 2
        assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
        assert f"127.0.0.1:{port}-" in done.stderr and "--base-port" in done.stderr
