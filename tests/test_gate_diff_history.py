"""CI gate exit codes, the diff lifecycle over three runs, the history store, and the CLI."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from auditcli.app import cli_reports
from auditcli.stores.history import HistoryStore, default_history_path
from reports.diff import diff_results
from reports.gate import evaluate
from reports.scoring import load_profile, score_results

DATA = Path(__file__).parent / "data"
PROFILE = load_profile("cn-gov-2019")


@pytest.fixture()
def base() -> dict:
    data = json.loads((DATA / "results_county.json").read_text(encoding="utf-8"))
    return score_results(data, PROFILE)


@pytest.fixture()
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITCLI_HISTORY", str(tmp_path / "default-history.sqlite"))
    app = typer.Typer()
    cli_reports.register(app)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, [str(a) for a in args])
    return invoke


def write(path: Path, results: dict) -> Path:
    path.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    return path


def run_of(base: dict, n: int, county_checks: list[str], extra: list[dict] = ()) -> dict:
    """The base results as run n, with the county site keeping only some findings."""
    results = copy.deepcopy(base)
    results["run"] = {**results["run"], "id": f"run-{n}",
                      "started_at": f"2026-0{n}-01T08:00:00+00:00", "as_of": f"2026-0{n}-01"}
    county = results["sites"][0]
    assert county["id"] == "county"
    by_check = {f["check"]: f for f in base["sites"][0]["findings"]}
    county["findings"] = [copy.deepcopy(by_check[c]) for c in county_checks] + list(extra)
    return score_results(results, PROFILE)


A, B, C = "a11y.form-label", "links.broken", "http.no-hsts"
NEW_FINDING = {"fingerprint": "e" * 40, "check": "identity.icp-missing", "dimension": "identity",
               "severity": "medium", "url": "http://127.0.0.1:8101/", "message": "缺少 ICP 备案号",
               "selector": None, "evidence": None, "refs": ["《非经营性互联网信息服务备案管理办法》"],
               "fix": "在页脚标注 ICP 备案号"}


@pytest.fixture()
def three_runs(base) -> list[dict]:
    return [
        run_of(base, 1, [A, B]),            # A and B found
        run_of(base, 2, [B, C]),            # A fixed, C new
        run_of(base, 3, [A, C], [NEW_FINDING]),  # A back (regressed), B fixed, E new
    ]


def fps(items: list[dict]) -> set[str]:
    return {f["check"] for f in items}


# ---------------------------------------------------------------- gate


def test_gate_passes_without_conditions(base):
    assert evaluate(base).passed


def test_gate_fails_under_the_score_threshold(base):
    result = evaluate(base, fail_under=80)
    assert not result.passed and result.exit_code == 1
    # accessibility by barrier, over 95 points (no content dimension); 政策解读, a top-level policy column six
    # months stale, costs the 5 points of the confirmed deduction (cn-gov-2019 policy-column-stale)
    assert any("county: score 74.1 < 80" in r for r in result.reasons)
    assert any("town-b: not assessed" in r for r in result.reasons)


def test_gate_only_new_findings_against_a_baseline(base):
    newer = copy.deepcopy(base)
    newer["sites"][2]["findings"].append(NEW_FINDING)
    assert evaluate(base, baseline=base).passed
    result = evaluate(newer, baseline=base)
    assert not result.passed
    assert [f["fingerprint"] for f in result.new_findings] == [NEW_FINDING["fingerprint"]]
    assert evaluate(newer, baseline=base, max_new=1).passed


def test_gate_max_new_without_baseline_counts_all_but_info(base):
    total = sum(1 for s in base["sites"] for f in s["findings"] if f["severity"] != "info")
    assert evaluate(base, max_new=total).passed
    assert not evaluate(base, max_new=total - 1).passed


def test_gate_cli_exit_codes(cli, tmp_path, base):
    results = write(tmp_path / "results.json", base)
    assert cli("gate", results).exit_code == 0
    assert cli("gate", results, "--fail-under", 50).exit_code == 1  # town-b has no score
    ok = copy.deepcopy(base)
    ok["sites"] = [s for s in ok["sites"] if s["id"] != "town-b"]
    ok_path = write(tmp_path / "ok.json", ok)
    assert cli("gate", ok_path, "--fail-under", 65).exit_code == 0  # dept-health 67.8 (a stale top-level 政策文件 costs 5)
    assert cli("gate", ok_path, "--fail-under", 80).exit_code == 1
    newer = copy.deepcopy(ok)
    newer["sites"][0]["findings"].append(NEW_FINDING)
    newer_path = write(tmp_path / "newer.json", newer)
    failed = cli("gate", newer_path, "--baseline", ok_path)
    assert failed.exit_code == 1 and "1 new findings since the baseline" in failed.output
    assert cli("gate", newer_path, "--baseline", ok_path, "--max-new", 1).exit_code == 0
    as_json = cli("gate", newer_path, "--baseline", ok_path, "--json")
    assert json.loads(as_json.output)["passed"] is False
    assert cli("gate", ok_path, "--fail-on-veto").exit_code == 1


def test_gate_fails_on_a_chosen_check_prefix_or_dimension(cli, tmp_path, base):
    path = write(tmp_path / "results.json", base)
    broken = sum(1 for s in base["sites"] for f in s["findings"] if f["check"] == "links.broken")
    assert broken == 1
    failed = cli("gate", path, "--fail-on", "links.broken")
    assert failed.exit_code == 1 and "1 finding(s) of --fail-on links.broken" in failed.output
    assert cli("gate", path, "--fail-on", "links.").exit_code == 1
    assert cli("gate", path, "--fail-on", "links").exit_code == 1  # the dimension
    assert cli("gate", path, "--fail-on", "content.sensitive-word").exit_code == 0  # a known check not found
    clean = copy.deepcopy(base)
    for site in clean["sites"]:
        site["findings"] = [f for f in site["findings"] if f["dimension"] != "links"]
    assert cli("gate", write(tmp_path / "clean.json", clean), "--fail-on", "links.broken,identity.").exit_code == 1
    assert cli("gate", write(tmp_path / "clean2.json", clean), "--fail-on", "links.broken").exit_code == 0
    typo = cli("gate", path, "--fail-on", "links.brokn")
    assert typo.exit_code == 2 and "unknown dimension or check id 'links.brokn'" in typo.output


def test_gate_fail_on_counts_no_info_finding(base):
    info = next(f for s in base["sites"] for f in s["findings"] if f["severity"] == "info")
    assert evaluate(base, fail_on=[info["check"]]).passed


def test_gate_without_a_condition_warns_that_it_always_passes(cli, tmp_path, base):
    result = cli("gate", write(tmp_path / "results.json", base))
    assert result.exit_code == 0
    assert "no gate condition given" in result.output and "always passes" in result.output
    assert "no gate condition" not in cli("gate", tmp_path / "results.json", "--fail-under", 1).output


def test_gate_cuts_a_long_list_of_new_findings_with_a_count(cli, tmp_path, base):
    many = copy.deepcopy(base)
    many["sites"][0]["findings"] += [{**NEW_FINDING, "fingerprint": f"{i:040x}", "url": f"http://127.0.0.1:8101/p{i}.html"}
                                     for i in range(60)]
    result = cli("gate", write(tmp_path / "many.json", many), "--baseline", write(tmp_path / "base.json", base))
    lines = result.output.splitlines()
    assert result.exit_code == 1 and "60 new finding(s):" in lines
    assert sum(1 for line in lines if line.startswith("  + ")) == 50
    assert "  …and 10 more" in lines


@pytest.mark.parametrize("content", ["{not json", '{"schema": "other/v9", "sites": []}',
                                     '{"sites": "none"}', "[]"])
def test_gate_bad_input_exits_2_without_traceback(cli, tmp_path, content):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    result = cli("gate", bad, "--fail-under", 60)
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "error:" in result.output
    assert cli("gate", tmp_path / "missing.json").exit_code == 2


# ---------------------------------------------------------------- diff and history


def test_diff_without_history(three_runs):
    run1, run2, _ = three_runs
    result = diff_results(run1, run2)
    county = result.sites[0]
    assert fps(county.new) == {C} and fps(county.fixed) == {A} and fps(county.persisting) == {B}
    assert county.regressed == []
    assert county.score_delta == round(county.new_score - county.old_score, 1)


def test_diff_lifecycle_over_three_runs_with_history(tmp_path, three_runs):
    store = HistoryStore(tmp_path / "history.sqlite")
    for results in three_runs:
        store.record(results)
    _, run2, run3 = three_runs
    result = diff_results(run2, run3, history=store)
    county = result.sites[0]
    assert fps(county.regressed) == {A}          # fixed in run 2, back in run 3
    assert fps(county.new) == {"identity.icp-missing"}
    assert fps(county.persisting) == {C}
    assert fps(county.fixed) == {B}
    assert result.totals()["regressed"] == 1
    others = [s for s in result.sites if s.site_id != "county"]
    assert all(not s.new and not s.fixed and not s.regressed for s in others)


def test_history_records_trends_and_is_idempotent(tmp_path, three_runs):
    store = HistoryStore(tmp_path / "h.sqlite")
    for results in three_runs:
        store.record(results)
    store.record(three_runs[1])  # the same run again replaces, never duplicates
    trend = store.trend("county")
    assert [t["run_id"] for t in trend] == ["run-1", "run-2", "run-3"]
    assert [t["findings"] for t in trend] == [2, 2, 3]
    assert trend[0]["new"] is None and trend[1]["new"] == 1 and trend[1]["fixed"] == 1
    assert trend[2] == trend[2] | {"new": 2, "fixed": 1}
    history = store.fingerprint_history("county")
    assert [len(h.fingerprints) for h in history] == [2, 2, 3]
    town_b = store.trend("town-b")
    assert [t["score"] for t in town_b] == [None] * 3
    assert town_b[0]["vetoes"] == ["cn-gov-2019.unreachable"]


def test_history_path_default_and_env(monkeypatch, tmp_path):
    monkeypatch.delenv("AUDITCLI_HISTORY", raising=False)
    assert str(default_history_path()).endswith(".local/share/auditcli/history.sqlite")
    monkeypatch.setenv("AUDITCLI_HISTORY", str(tmp_path / "x.sqlite"))
    assert default_history_path() == tmp_path / "x.sqlite"
    assert HistoryStore().path == tmp_path / "x.sqlite"


def test_diff_and_history_cli(cli, tmp_path, three_runs):
    db = tmp_path / "h.sqlite"
    paths = [write(tmp_path / f"run{i}.json", r) for i, r in enumerate(three_runs, start=1)]
    for path in paths:
        assert cli("report", path, "--format", "json", "--out", tmp_path / "o",
                   "--history", db, "--record").exit_code == 0
    out = cli("diff", paths[1], paths[2], "--history", db, "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    county = next(s for s in data["sites"] if s["site_id"] == "county")
    assert county["counts"] == {"new": 1, "regressed": 1, "persisting": 1, "fixed": 1}
    text = cli("diff", paths[1], paths[2], "--history", db)
    assert text.exit_code == 0 and "regressed" in text.output and "a11y.form-label" in text.output
    hist = cli("history", "county", "--history", db)
    assert hist.exit_code == 0 and "run-1" in hist.output and "run-3" in hist.output
    assert json.loads(cli("history", "county", "--history", db, "--json").output)[2]["run_id"] == \
        "run-3"
    missing = cli("history", "nowhere", "--history", db)
    assert missing.exit_code == 2 and "county" in missing.output
    assert cli("history", "county", "--history", tmp_path / "none.sqlite").exit_code == 2


def test_one_history_option_on_every_command_and_db_still_works(cli, tmp_path, three_runs):
    db = tmp_path / "h.sqlite"
    for results in three_runs:
        HistoryStore(db).record(results)
    paths = [write(tmp_path / f"run{i}.json", r) for i, r in enumerate(three_runs, start=1)]
    by_history = cli("diff", paths[1], paths[2], "--history", db)
    assert by_history.exit_code == 0 and "regressed" in by_history.output
    by_db = cli("diff", paths[1], paths[2], "--db", db)  # the old name: hidden, deprecated, still honoured
    assert by_db.exit_code == 0 and "--db is deprecated; use --history" in by_db.output
    assert "! regressed" in by_db.output
    assert cli("history", "county", "--db", db).exit_code == 0
    assert cli("history", "county", "--db", db, "--history", tmp_path / "other.sqlite").exit_code == 2


def test_a_missing_history_store_names_the_path_and_how_to_make_one(cli, tmp_path, three_runs):
    nowhere = tmp_path / "no" / "history.sqlite"
    paths = [write(tmp_path / f"run{i}.json", r) for i, r in enumerate(three_runs, start=1)]
    for args in (["history", "county", "--history", nowhere], ["diff", *paths[:2], "--history", nowhere],
                 ["report", paths[0], "--history", nowhere, "--out", tmp_path / "o"]):
        result = cli(*args)
        text = " ".join(result.output.split())
        assert result.exit_code == 2, args
        assert str(nowhere) in text and "auditcli audit SITES --history" in text, text
    assert not nowhere.exists()  # looking does not create it
    default = cli("diff", *paths[:2])  # the default store (AUDITCLI_HISTORY in this test) does not exist
    assert default.exit_code == 0
    assert f"no history store at {tmp_path / 'default-history.sqlite'}" in " ".join(default.output.split())


def test_diff_leaves_out_sites_the_new_run_did_not_audit(cli, tmp_path, three_runs):
    old, new = three_runs[0], copy.deepcopy(three_runs[1])
    new["sites"] = [s for s in new["sites"] if s["id"] == "county"]  # `audit --site county`
    result = diff_results(old, new)
    assert [s.site_id for s in result.sites] == ["county"]
    assert result.left_out == [s["id"] for s in old["sites"] if s["id"] != "county"]
    assert result.totals()["fixed"] == 1  # the county's form label, not every finding of the others
    paths = [write(tmp_path / "old.json", old), write(tmp_path / "new.json", new)]
    text = cli("diff", *paths, "--no-history")
    assert text.exit_code == 0
    assert "left out (not audited in" in text.output and "town-a" in text.output
    assert "town-a" not in text.output.split("left out")[0]
    assert json.loads(cli("diff", *paths, "--no-history", "--json").output)["left_out"] == result.left_out


def test_report_cli_renders_trends_from_history(cli, tmp_path, three_runs):
    db = tmp_path / "h.sqlite"
    store = HistoryStore(db)
    for results in three_runs:
        store.record(results)
    path = write(tmp_path / "run3.json", three_runs[2])
    out = cli("report", path, "--format", "html,csv", "--out", tmp_path / "r", "--lang", "en",
              "--history", db)
    assert out.exit_code == 0, out.output
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "Score trend" in html and "2026-01-01" in html
    assert (tmp_path / "r" / "findings.csv").exists() and (tmp_path / "r" / "sites.csv").exists()


@pytest.mark.parametrize("args, message", [
    (["--format", "pdf"], "unknown format 'pdf'"),
    (["--lang", "fr"], "--lang"),
    (["--profile", "no-such-profile"], "not a built-in profile"),
])
def test_report_cli_bad_input_exits_2(cli, tmp_path, base, args, message):
    path = write(tmp_path / "results.json", base)
    result = cli("report", path, *args)
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_report_cli_bad_profile_file_exits_2(cli, tmp_path, base):
    path = write(tmp_path / "results.json", base)
    profile = tmp_path / "p.yaml"
    profile.write_text("extends: cn-gov-2019\nname: p\npass_mark: 200\n", encoding="utf-8")
    result = cli("report", path, "--profile", profile)
    assert result.exit_code == 2 and "pass_mark" in result.output and str(profile) in \
        result.output.replace("\n", "")


def test_report_cli_rescores_with_a_profile(cli, tmp_path, base):
    path = write(tmp_path / "results.json", base)
    profile = tmp_path / "strict.yaml"
    profile.write_text("extends: cn-gov-2019\nname: strict\npass_mark: 99\n", encoding="utf-8")
    assert cli("report", path, "--format", "json", "--out", tmp_path / "o",
               "--profile", profile).exit_code == 0
    rescored = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))
    assert rescored["run"]["profile"] == "strict"
    assert {s["id"]: s["verdict"] for s in rescored["sites"]}["county"] == "fail"


def test_diff_with_a_corrupt_history_store_is_bad_input(cli, tmp_path, three_runs):
    import json as _json

    paths = []
    for index, results in enumerate(three_runs[:2]):
        path = tmp_path / f"r{index}.json"
        path.write_text(_json.dumps(results, ensure_ascii=False), "utf-8")
        paths.append(str(path))
    corrupt = tmp_path / "history.sqlite"
    corrupt.write_text("garbage", "utf-8")
    result = cli("diff", *paths, "--history", corrupt)
    assert result.exit_code == 2
