"""Streaming check workers (auditcli.app.checkworkers): pages checked as the crawl stores them give the
results of checking the finished crawl, exactly; a page changed after it was checked is checked again."""

from __future__ import annotations

import json
import logging
import queue
import shutil
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from auditcli.app.checkworkers import CheckWorkers, _Worker
from auditcli.app.orchestrate import CheckOptions, _Judge
from auditcli.stores.pagestore import PageStore
from tests.conftest import DEMO_AS_OF, run_cli

RUN_FIELDS = ("id", "started_at", "finished_at")


def _without_run_fields(path: Path) -> dict:
    results = json.loads(path.read_text("utf-8"))
    for name in RUN_FIELDS:
        results["run"].pop(name)
    return results


def test_streamed_audit_equals_checking_its_stored_crawl(demo_audit, tmp_path):
    """The demo audit ran with streaming workers (several sites, the default workers); judging its
    stored crawl afresh in one process must give the same results.json, finding for finding."""
    result = run_cli("check", str(demo_audit.out / "crawl"), "--out", str(tmp_path), "--no-history",
                     "--format", "json", "--check-workers", "0", "--as-of", DEMO_AS_OF.isoformat())
    assert result.returncode == 0, result.stderr[-2000:]
    streamed = _without_run_fields(demo_audit.out / "results.json")
    batch = _without_run_fields(tmp_path / "results.json")
    assert streamed["sites"] and streamed == batch


def _replay_store(source: Path, target: Path) -> list[tuple]:
    """A copy of a finished crawl's store without its pages, and the pages' rows in crawl order, so that a
    test can store them again as the crawl did."""
    shutil.copy(source, target)
    db = sqlite3.connect(target)
    rows = db.execute("SELECT * FROM pages ORDER BY id").fetchall()
    db.execute("DELETE FROM pages")
    db.commit()
    db.close()
    return rows


def test_worker_checks_pages_as_they_are_stored(demo_audit, tmp_path, caplog):
    store_path = tmp_path / PageStore.FILENAME
    rows = _replay_store(demo_audit.out / "crawl" / PageStore.FILENAME, store_path)
    options = CheckOptions(as_of=DEMO_AS_OF)
    writer = sqlite3.connect(store_path)
    site_ids = [site["id"] for site in demo_audit.results["sites"]]
    worker = _Worker(str(store_path), options, site_ids, True, queue.SimpleQueue())
    fed_before_end: dict[str, int] = {}
    for start in range(0, len(rows), 40):  # the crawl commits its pages in small batches
        placeholders = ", ".join("?" * len(rows[0]))
        writer.executemany(f"INSERT INTO pages VALUES ({placeholders})", rows[start:start + 40])
        writer.commit()
        while worker._follow():
            pass
    for site_id, stream in worker.streams.items():
        fed_before_end[site_id] = len(stream.read)
    # every site with pages had them checked before it was handed over
    assert {site_id for site_id, count in fed_before_end.items() if count} == {row[1] for row in rows}

    # a page stored again after it was checked (a re-fetch, now with an image without alt text): its
    # site's pass is made again, or the new barrier would be missing
    changed = next(row for row in rows if row[1] == site_ids[0] and row[9] == "page" and row[4] == 200
                   and "html" in (row[8] or "") and b"</body>" in zlib.decompress(row[6]))
    body = zlib.decompress(changed[6]).replace(b"</body>", b'<img src="/refetched.png"></body>')
    writer.execute("UPDATE pages SET body = ?, fetched_at = fetched_at + 1 WHERE id = ?",
                   (zlib.compress(body), changed[0]))
    writer.commit()
    writer.close()

    with caplog.at_level(logging.INFO, logger="auditcli"):
        for site_id in site_ids:
            worker._judge(site_id, True)
    # the streamed passes were used, but for the one site whose page changed after it was checked
    again = [r.getMessage() for r in caplog.records if "page pass is made again" in r.getMessage()]
    assert again == [f"{changed[1]}: pages changed after they were checked; its page pass is made again"]
    streamed = {}
    while not worker.outbox.empty():
        site_id, site, error, _seconds = worker.outbox.get()
        assert error is None, error
        streamed[site_id] = site
    store = PageStore.open_existing(store_path)
    judge = _Judge(options)
    batch = {row["id"]: judge(store, row) for row in store.sites()}
    store.close()
    assert streamed.keys() == batch.keys() == set(site_ids)
    for site_id in site_ids:
        assert streamed[site_id] == batch[site_id], site_id
    assert sum(len(site["findings"]) for site in batch.values()) > 20
    assert any("refetched.png" in (finding.get("evidence") or "") for finding in batch[site_ids[0]]["findings"])


@pytest.mark.parametrize("stream", [True, False], ids=["streaming", "stored-crawl"])
def test_a_killed_check_worker_loses_no_site(demo_audit, tmp_path, stream):
    """SIGKILL one of two workers before it judged anything: its sites are judged in the main process
    (streaming: they were bound to it) or by the live worker (a stored crawl's backlog), and every
    site's results are those of judging in one process."""
    store_path = tmp_path / PageStore.FILENAME
    shutil.copy(demo_audit.out / "crawl" / PageStore.FILENAME, store_path)
    options = CheckOptions(as_of=DEMO_AS_OF)
    store = PageStore.open_existing(store_path)
    rows = store.sites()
    judge = _Judge(options)
    batch = [judge(store, row) for row in rows]
    store.close()
    workers = CheckWorkers(store_path, options, 2, [row["id"] for row in rows], stream=stream)
    try:
        workers._start()
        workers.processes[0].kill()
        workers.processes[0].join(timeout=10)
        judged = workers.results(rows)
    finally:
        workers.close()
    assert not workers.processes[0].is_alive()
    assert judged == batch
    assert [site["id"] for site in judged] == [row["id"] for row in rows]


CRAWL_LIKE_WRITER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=30)
print("writing", flush=True)
while True:
    for k in range(50):  # one transaction of 50 writes, with a response's work between them
        db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (f"crawl-{k}", "1"))
        time.sleep(0.0005)
    db.commit()
"""


def test_a_short_write_lands_while_the_crawl_keeps_writing(tmp_path):
    """The crawl's writer (another process) holds the lock from its first write to its commit, nearly
    always; a worker's `writing()` is served between two of its commits, and what it wrote is committed
    (and so is what the worker writes after it)."""
    PageStore(tmp_path).close()
    writer = subprocess.Popen([sys.executable, "-c", CRAWL_LIKE_WRITER, str(tmp_path / PageStore.FILENAME)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
        time.sleep(0.3)
        worker = PageStore.open_existing(tmp_path)
        with worker.writing(patience=20):
            worker.set_meta("site-finished", True)
            worker.set_site_status("nowhere", "ok")  # commits inside wait for the block's end
        assert writer.poll() is None  # the crawl went on writing all along
        worker.set_meta("after", 1)
        worker.close()
    finally:
        writer.kill()
        writer.wait()
    reader = PageStore.open_existing(tmp_path)
    assert reader.get_meta("site-finished") is True and reader.get_meta("after") == 1
    assert reader.get_meta("crawl-49") == 1
    reader.close()
