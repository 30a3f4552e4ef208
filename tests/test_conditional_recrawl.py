"""Re-audits that fetch only what changed (issue 25 item 4): conditional requests against the previous
run's page store, a 304 reusing the stored page, and results equal to a full re-audit's."""

from __future__ import annotations

import difflib
import json
import os
import shutil
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from auditcli.demo import DemoFarm
from auditcli.stores.pagestore import PageStore
from tests.conftest import DEMO_AS_OF, FAST, run_cli
from tests.stored_crawls import recrawl_comparable

# Three pages of three sites change between the runs, each so that a finding moves: a dead link added
# to two home pages, and a TRS article's date made stale.
DEAD_LINK = '<div class="footer-links"><a href="/xwzx/wqhg-gone.html">往期回顾</a></div></body>'


def _transfer(out: Path) -> dict:
    db = sqlite3.connect(out / "crawl" / "pages.sqlite")
    try:
        return json.loads(db.execute("SELECT value FROM meta WHERE key = 'transfer'").fetchone()[0])
    finally:
        db.close()


def _judged(out: Path) -> dict[str, int]:
    """Pages the audit's page pass read, and those it took whole from the previous run's judgements."""
    db = sqlite3.connect(out / "crawl" / "pages.sqlite" if (out / "crawl").is_dir() else out / "pages.sqlite")
    try:
        counts = [json.loads(value) for (value,) in db.execute("SELECT value FROM meta WHERE key LIKE 'judged:%'")]
    finally:
        db.close()
    return {key: sum(count[key] for count in counts) for key in ("pages", "reused", "taken", "judged")}


def _statuses(out: Path) -> dict[str, int]:
    db = sqlite3.connect(out / "crawl" / "pages.sqlite")
    try:
        return dict(db.execute("SELECT url, status FROM pages"))
    finally:
        db.close()


def _change(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, path
    path.write_text(text.replace(old, new, 1), "utf-8")
    later = time.time() + 120  # a new mtime, as an edit in the CMS gives: a new ETag and Last-Modified
    os.utime(path, (later, later))


@pytest.mark.slow
def test_second_run_fetches_only_the_changed_pages_and_equals_a_fresh_audit(tmp_path):
    history = tmp_path / "history.sqlite"
    with DemoFarm(as_of=DEMO_AS_OF, root=tmp_path / "farm", validators=True) as farm:
        def audit(out: Path, *extra: str, env: dict[str, str] | None = None) -> Path:
            result = run_cli("audit", str(farm.sites_file), "--out", str(out), "--format", "json", *FAST, *extra,
                             env=env)
            assert result.returncode == 0, result.stderr[-3000:]
            return out / "results.json"

        first = audit(tmp_path / "run", "--history", str(history))
        before, first_results = _transfer(tmp_path / "run"), recrawl_comparable(first)
        shutil.copytree(tmp_path / "run" / "crawl", tmp_path / "first-crawl")
        assert before["not_modified"] == 0
        shutil.copy(history, tmp_path / "history-before.sqlite")  # what the fresh audit knows of the past
        changed = {
            "county": farm.root / "county" / "index.html",
            "town-a": farm.root / "town-a" / "index.html",
        }
        for page in changed.values():
            _change(page, "</body>", DEAD_LINK)
        article = next(p for p in sorted((farm.root / "county").rglob("t2026*.html"))
                       if 'content="2026-' in p.read_text("utf-8"))
        text = article.read_text("utf-8")
        stamp = text[text.index('content="2026-') + 9:text.index('content="2026-') + 19]
        _change(article, f'content="{stamp}', 'content="2019-01-02')

        second = audit(tmp_path / "run", "--history", str(history))  # the same --out: its store set aside first
        after = _transfer(tmp_path / "run")
        # a full re-audit knows the same past (the default store: no conditional requests from it)
        fresh = audit(tmp_path / "fresh", env={"AUDITCLI_HISTORY": str(tmp_path / "history-before.sqlite")})
        edited = [page.read_bytes() for page in [*changed.values(), article]]

    # The second run answered from the stored pages for everything but the three changed ones.
    statuses = _statuses(tmp_path / "run")
    full = _transfer(tmp_path / "fresh")
    assert after["requests"] == full["requests"] and full["not_modified"] == 0
    assert after["not_modified"] >= 0.8 * sum(1 for s in statuses.values() if s == 200)
    assert after["response_bytes"] < min(before["response_bytes"], full["response_bytes"]) / 4
    assert not (tmp_path / "run" / "crawl" / "pages.previous.sqlite").exists()  # set aside, then dropped
    fresh_store = _statuses(tmp_path / "fresh")
    assert statuses == fresh_store  # the same pages, each with its real status (a 304 is stored as its 200)
    # ...and its results are a full re-audit's, the changes included.
    conditional, full_audit = recrawl_comparable(second), recrawl_comparable(fresh)
    assert conditional == full_audit, "".join(difflib.unified_diff(
        full_audit.splitlines(True), conditional.splitlines(True), "fresh", "conditional", n=2))[:4000]
    assert recrawl_comparable(second) != first_results
    assert "wqhg-gone.html" in second.read_text("utf-8")
    # the three edited pages were fetched in full: their new bodies are in the new store
    store = PageStore.open_existing(tmp_path / "run" / "crawl")
    bodies = {page.body for site in store.sites() for page in store.pages(site["id"], kind=None)}
    store.close()
    assert all(body in bodies for body in edited)
    # Its page pass took what the first run concluded of the unchanged pages and judged the rest again.
    first_judged, second_judged = _judged(tmp_path / "first-crawl"), _judged(tmp_path / "run")
    assert first_judged["reused"] == 0 and first_judged["pages"] == second_judged["pages"]
    assert second_judged["reused"] >= 0.9 * second_judged["pages"]
    assert second_judged["pages"] - second_judged["reused"] >= 3  # the changed pages at least
    from auditcli.app.cli import reaudit_line

    said = reaudit_line(tmp_path / "run" / "crawl")
    assert said is not None and f"{after['not_modified']} of {after['requests']} requests answered 304" in said
    assert f"{second_judged['pages'] - second_judged['reused']} of {second_judged['pages']} pages judged again" in said
    share = 100 * second_judged["taken"] / (second_judged["taken"] + second_judged["judged"])
    assert share >= 95 and f"{share:.0f} % of the page checks' conclusions taken" in said
    assert reaudit_line(tmp_path / "fresh" / "crawl") is None  # a full audit saved nothing, and says nothing


class _Validating(BaseHTTPRequestHandler):
    """/a.html answers with an ETag and, asked conditionally, redirects to /b.html, which answers 304 to
    any conditional request: a 304 for a page the previous crawl never stored."""

    protocol_version = "HTTP/1.1"
    seen: list[tuple[str, str | None]] = []
    moved = False

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        _Validating.seen.append((self.path, self.headers.get("If-None-Match")))
        if self.path == "/robots.txt" or self.path.startswith("/auditcli-no-such"):
            self._send(404, b"")
        elif self.path == "/a.html" and _Validating.moved:
            self.send_response(301)
            self.send_header("Location", "/b.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.headers.get("If-None-Match"):
            self.send_response(304)
            self.send_header("ETag", '"v1"')
            self.end_headers()
        else:
            name = "b" if self.path == "/b.html" else "a"
            body = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{name}</title></head>'
                    f'<body><p>页面{name}</p></body></html>').encode()
            self._send(200, body, {"ETag": '"v1"', "Content-Type": "text/html; charset=utf-8"})

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_a_304_for_a_page_the_old_store_does_not_hold_is_fetched_again_in_full(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Validating)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/a.html"
    try:
        first = run_cli("crawl", url, "--out", str(tmp_path / "one"), "--max-depth", "0", *FAST)
        assert first.returncode == 0, first.stderr
        _Validating.seen.clear()
        _Validating.moved = True  # /a.html now redirects to /b.html, which says "not modified" to anything
        second = run_cli("crawl", url, "--out", str(tmp_path / "two"), "--max-depth", "0", "--since-store",
                         str(tmp_path / "one"), *FAST)
        assert second.returncode == 0, second.stderr
    finally:
        server.shutdown()
        server.server_close()
    # asked conditionally, redirected, 304 for /b.html: not what was stored, so asked again without validators
    assert ("/a.html", '"v1"') in _Validating.seen and ("/b.html", '"v1"') in _Validating.seen
    assert ("/b.html", None) in _Validating.seen
    db = sqlite3.connect(tmp_path / "two" / "pages.sqlite")
    (status, final, body), = db.execute("SELECT status, final_url, size FROM pages WHERE kind = 'page'")
    assert status == 200 and final.endswith("/b.html") and body > 0


def test_since_store_that_is_not_a_page_store_is_refused(tmp_path):
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("not a database", "utf-8")
    result = run_cli("crawl", "http://127.0.0.1:9/", "--out", str(tmp_path / "out"), "--since-store", str(bogus), *FAST)
    assert result.returncode == 2
    assert "--since-store" in result.stderr and "notes.sqlite" in result.stderr
    assert "Traceback" not in result.stderr
