"""End to end on the demo farm: `auditcli audit` must judge every column as the answer key does."""

from __future__ import annotations

import tempfile
from urllib.parse import urlsplit

import pytest
import yaml

from auditcli.core.urls import normalise_url
from auditcli.demo import build_farm
from tests.conftest import DEMO_AS_OF

AS_OF = DEMO_AS_OF


@pytest.fixture(scope="module")
def audited(demo_audit):
    return demo_audit.sites, demo_audit.key


def _path(url: str) -> str:
    return urlsplit(url).path  # servers listen on ephemeral ports: a column is (site, path)


def pytest_generate_tests(metafunc):
    if "column_case" in metafunc.fixturenames:
        # one test per answer-key column, from a throwaway build of the farm (no servers)
        with tempfile.TemporaryDirectory() as tmp:
            key = yaml.safe_load(build_farm(tmp, AS_OF).answer_key.read_text("utf-8"))
        cases = [(site_id, _path(col["url"])) for site_id, site in key["sites"].items() for col in site["columns"]]
        metafunc.parametrize("column_case", cases, ids=[f"{s}:{p}" for s, p in cases])


def test_every_answer_key_column_matches(audited, column_case) -> None:
    sites, key = audited
    site_id, path = column_case
    [wanted] = [c for c in key[site_id]["columns"] if _path(c["url"]) == path]
    got = {normalise_url(c["url"]): c for c in sites[site_id]["columns"]}.get(normalise_url(wanted["url"]))
    assert got is not None, f"column {wanted['name']} ({wanted['url']}) not found"
    assert (got["status"], got["latest_date"]) == (wanted["status"], wanted["latest_date"]), got
    assert (got["category"], got["max_age_days"]) == (wanted["category"], wanted["max_age_days"]), got
    assert got["item_count"] == wanted["item_count"], got


def test_no_column_outside_the_answer_key(audited) -> None:
    sites, key = audited
    for site_id, site in sites.items():
        known = {normalise_url(c["url"]) for c in key[site_id]["columns"]}
        extra = [c["url"] for c in site["columns"] if normalise_url(c["url"]) not in known]
        assert not extra, f"{site_id}: false columns {extra}"


def test_not_columns_are_never_reported(audited) -> None:
    sites, key = audited
    for site_id, site in sites.items():
        reported = {normalise_url(c["url"]) for c in site["columns"]}
        for page in key[site_id].get("not_columns", []):
            assert normalise_url(page["url"]) not in reported, (site_id, page)


def test_homepage_block_matches(audited) -> None:
    sites, key = audited
    for site_id, site in sites.items():
        if site["status"] == "unreachable":
            continue  # the dead township: nothing to date
        want = key[site_id]["homepage"]
        assert site["homepage"]["latest_date"] == want["latest_date"], site_id
        if want["latest_date"] is None:
            continue  # a parked page: nothing dated, judged by whatever second-level page there is
        assert site["homepage"]["judged_by"] == want.get("judged_by", "homepage"), site_id
        stale = any(f["check"] == "freshness.homepage-stale" for f in site["findings"])
        assert stale == bool(want["stale"]), site_id


def test_findings_mirror_the_columns_block(audited) -> None:
    sites, _ = audited
    for site in sites.values():
        for status, check_id in (("empty", "columns.empty"), ("stale", "freshness.column-stale"),
                                 ("undated", "freshness.undated-column")):
            columns = sorted(normalise_url(c["url"]) for c in site["columns"] if c["status"] == status)
            found = sorted(normalise_url(f["url"]) for f in site["findings"] if f["check"] == check_id)
            assert columns == found, (site["id"], status)


def test_interaction_matches_the_key(audited) -> None:
    sites, key = audited
    for site_id, site in sites.items():
        if "reply_overdue" not in key[site_id].get("interaction", {}):
            continue  # a dead or parked township: its key lists its findings one by one
        want = key[site_id]["interaction"]
        checks = {f["check"] for f in site["findings"]}
        assert ("interaction.no-channel" not in checks) == want["channel"], site_id
        assert ("interaction.reply-overdue" in checks) == want["reply_overdue"], site_id
        overdue = sorted(letter["url"] for letter in key[site_id].get("letters", []) if letter["overdue"])
        found = sorted(f["data"]["letter"] for f in site["findings"] if f["check"] == "interaction.reply-overdue")
        assert found == overdue, site_id
