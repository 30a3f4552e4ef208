"""The fleet benchmark's real-size pages (`fleet_bench.py --page-kb N`) weigh what real county pages
weigh and move no finding: the padding is page furniture (benchmarks/page_padding.py)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from benchmarks.fleet_bench import AS_OF, FAST, page_bytes, start_python_servers, write_farm, write_sites
from benchmarks.page_padding import pad_html, site_group
from tests.conftest import run_cli


def fleet_pages(sites: int = 2) -> list[tuple[int, str, object]]:
    """(site number, path, PageSpec) of every HTML page of a small fleet, as fleet_bench builds it."""
    from auditcli.demo.model import Ctx
    from benchmarks.fleet_bench import build_site

    ctx = Ctx(as_of=AS_OF, base_urls={f"s{n:02d}": f"http://127.0.0.1:{8000 + n}/" for n in range(sites)})
    return [(number, path, spec) for number in range(sites) for path, spec in build_site(ctx, number).pages.items()
            if spec.content_type.startswith("text/html")]


def test_the_site_group_is_150_off_site_government_sites():
    group = site_group()
    assert len(group) == 150 and len(set(url for _, url in group)) == 150
    assert all(url.startswith("http://") and url.endswith(".gov.cn") for _, url in group)


@pytest.mark.parametrize("kb", [10, 40, 60])
def test_pages_are_padded_to_the_size_asked_for(kb):
    for number, _path, spec in fleet_pages()[::20]:
        size = len(page_bytes(spec, kb, number))
        assert kb * 1024 - 200 <= size <= kb * 1024 + 200, (spec.encoding, size)
    _number, _path, spec = fleet_pages()[0]
    assert page_bytes(spec, 0, 0) == spec.body_bytes()


def test_padding_lives_in_the_head_and_the_footer_only():
    number, _path, spec = next(page for page in fleet_pages() if page[2].encoding == "utf-8")
    padded = pad_html(spec.body, 40, seed=number)
    before, after = spec.body.split('<div class="footer">'), padded.split('<div class="footer">')
    assert after[0].split("</head>")[1] == before[0].split("</head>")[1]  # the body up to the footer: untouched
    assert '<select id="wzq-select"' in after[1] and "_hmt" in after[1]
    assert "<style" in padded.split("</head>")[0] and "<!-- TRS WCM" in padded


def test_padded_pages_summarise_and_link_as_before():
    """Per page: the same column summary and the same links discovered by the crawler."""
    from parsel import Selector

    from auditcli.stores.pagestore import StoredPage
    from checks.engine.listparse import summarise
    from checks.engine.siteview import Page
    from spiders.discovery import extract_links

    def summary(html: str, url: str, encoding: str) -> dict:
        stored = StoredPage(site_id="s", url=url, final_url=url, status=200, headers={}, body=html.encode(encoding),
                            encoding=encoding, content_type=f"text/html; charset={encoding}", kind="page", depth=1,
                            referrer=None, elapsed=None, fetched_at=0.0)
        return vars(summarise(Page(stored), AS_OF))

    for number, path, spec in fleet_pages()[::7]:
        url = f"http://127.0.0.1:{8000 + number}{path}"
        padded = pad_html(spec.body, 40, seed=number, encoding=spec.encoding)
        assert summary(padded, url, spec.encoding) == summary(spec.body, url, spec.encoding), path
        assert list(extract_links(Selector(text=padded), url)) == list(extract_links(Selector(text=spec.body), url))


def comparable(out: Path, bases: dict[str, str]) -> dict:
    """Per site what the audit found: status, pages, score, findings, columns, skipped URLs, errors
    (each site's 127.0.0.1:PORT written as its id, since each farm has its own ports)."""
    text = (out / "results.json").read_text("utf-8")
    for site_id, base in bases.items():
        text = text.replace(urlsplit(base).netloc, site_id)
    results = json.loads(text)
    return {site["id"]: {
        "status": site["status"], "pages": site["pages"], "score": site["score"], "verdict": site["verdict"],
        "findings": sorted((f["check"], f["url"], f.get("locator") or "", f["severity"], f["message"])
                           for f in site["findings"]),
        "columns": sorted((c["name"], c["url"], c["status"], c.get("latest_date") or "", c.get("item_count") or 0)
                          for c in site["columns"]),
        "not_scanned": sorted((n["url"], n["reason"]) for n in site["not_scanned"]),
        "errors": sorted(e["check"] for e in site["errors"]),
    } for site in results["sites"]}


def audit_fleet(tmp: Path, page_kb: int) -> dict:
    configs, servers = write_farm(tmp / "farm", 2, page_kb)
    running = start_python_servers(tmp / "farm", servers)
    try:
        result = run_cli("audit", str(write_sites(tmp / "sites.yaml", configs)), "--out", str(tmp / "out"),
                         *FAST, "--no-history", "--format", "json", "--check-workers", "0")
    finally:
        for server in running:
            server.shutdown()
            server.server_close()
    assert result.returncode == 0, result.stderr
    return comparable(tmp / "out", {c["id"]: c["url"] for c in configs})


def test_real_size_pages_move_no_finding(tmp_path):
    small, padded = audit_fleet(tmp_path / "small", 0), audit_fleet(tmp_path / "padded", 40)
    assert padded == small
    assert sum(len(site["findings"]) for site in small.values()) > 0
