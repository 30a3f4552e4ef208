"""The README is the front door: its commands are the ones CI runs, and its catalogue is complete."""

from __future__ import annotations

import re

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
