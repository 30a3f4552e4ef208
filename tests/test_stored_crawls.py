"""The page pass's rewrites change nothing: `check` of two stored crawls (the demo farm, and 2,130 real-size
pages of the fleet benchmark at 40 KB a page) gives the results.json saved before them, byte for byte
(the run's id and clock times aside). tests/stored_crawls.py says how the data was made."""

from __future__ import annotations

import difflib
import lzma

import pytest

from tests.conftest import run_cli
from tests.stored_crawls import STORED, check_args, comparable, restore


@pytest.mark.slow
@pytest.mark.parametrize("name,workers", [("demo", "0"), ("fleet-40kb", "0"), ("fleet-40kb", "2")])
def test_check_of_a_stored_crawl_gives_the_saved_results(tmp_path, name, workers):
    crawl = restore(STORED / f"{name}.sqlite.xz", tmp_path / "crawl")
    result = run_cli(*check_args(crawl, tmp_path / "out", workers))
    assert result.returncode == 0, result.stderr
    with lzma.open(STORED / f"{name}.results.json.xz", "rt", encoding="utf-8") as packed:
        saved = packed.read()
    now = comparable(tmp_path / "out" / "results.json")
    if now != saved:
        diff = difflib.unified_diff(saved.splitlines(), now.splitlines(), "saved", "now", lineterm="", n=2)
        pytest.fail("results moved:\n" + "\n".join(list(diff)[:80]))
