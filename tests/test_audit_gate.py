"""`audit`/`check` take the gate's flags: the exit code is the CI verdict on real demo results."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli


@pytest.mark.parametrize("flags,code", [
    ([], 0),
    (["--fail-under", "99"], 1),          # the zombie township scores far below
    (["--fail-under", "1"], 0),
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
