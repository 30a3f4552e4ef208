"""The README is the front door: its commands are the ones CI runs, and its catalogue is complete."""

from __future__ import annotations

import re
import subprocess
import sys

from checks.engine.registry import all_checks
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def test_readme_opens_with_the_setup_and_test_commands_ci_runs():
    commands = re.findall(r"```sh\n(.+?)\n```", README)[:2]
    assert commands[0].endswith("auditcli demo")
    ci = (ROOT / ".ci" / "run").read_text("utf-8").strip().splitlines()
    assert ci[-1] == commands[1], "CI must run exactly the README's test command"


def test_every_registered_check_is_in_the_readme_catalogue():
    missing = [spec.id for spec in all_checks() if f"`{spec.id}`" not in README]
    assert missing == []


def _collected(*args: str) -> set[str]:
    """The test ids `pytest --collect-only` selects with `args`, in a pytest of its own."""
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return {line for line in done.stdout.splitlines() if "::" in line}


def test_the_fast_loop_the_readme_names_selects_pure_tests_only():
    assert '-m "not slow"' in README.split("## Development")[1]
    fast = _collected("-m", "not slow")
    services = _collected("-m", "browser or tls or redis or hostile")
    assert len(fast) > 1200, len(fast)  # the rules' and reports' tests, every one of them pure
    assert not fast & services
    # every kind of test that starts something has markers, and none of it is in the fast loop
    service_modules = {"tests/test_browser_real_pages.py", "tests/test_accessibility_browser.py", "tests/test_security.py",
                       "tests/test_fleet_scale.py", "tests/test_hostile.py"}
    assert service_modules <= {test.split("::")[0] for test in services}
    demo_farm = {test for test in fast if test.split("::")[0].endswith("_demo.py")}
    assert demo_farm == set() and not any(test.startswith("tests/test_security.py::") for test in fast)
    # the pure tests of a module otherwise skipped without nginx live where they always run
    assert any(test.startswith("tests/test_security_rules.py::") for test in fast)
