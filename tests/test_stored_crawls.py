"""The page pass's rewrites change nothing: `check` of two stored crawls (the demo farm, and 2,130 real-size
pages of the fleet benchmark at 40 KB a page) gives the results.json saved before them, byte for byte
(the run's id and clock times aside). tests/stored_crawls.py says how the data was made."""

from __future__ import annotations

import difflib
import lzma

import pytest

from tests.conftest import run_cli
from tests.stored_crawls import AS_OF, STORED, check_args, comparable, restore


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


@pytest.mark.slow
def test_judgements_kept_a_year_before_change_nothing(tmp_path):
    """The stored crawl's pages judged as of a year earlier, the judgements kept in the store (as `audit`
    keeps them, checks.engine.judged): `check` takes those that did not read the date (the accessibility
    rules, hidden links…), judges the others again, and gives the saved results all the same."""
    from datetime import date, timedelta

    from auditcli.app.orchestrate import CheckOptions, check_store
    from auditcli.stores.pagestore import PageStore

    crawl = restore(STORED / "demo.sqlite.xz", tmp_path / "crawl")
    check_store(crawl, CheckOptions(as_of=date.fromisoformat(AS_OF) - timedelta(days=400), keep_judgements=True))
    store = PageStore.open_existing(crawl)
    kept = store.db.execute("SELECT COUNT(*) FROM judged").fetchone()[0]
    store.close()
    assert kept >= 350  # every page checked (396 of the 440 fetched; the rest are redirects, errors, files)
    result = run_cli(*check_args(crawl, tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    with lzma.open(STORED / "demo.results.json.xz", "rt", encoding="utf-8") as packed:
        assert comparable(tmp_path / "out" / "results.json") == packed.read()
