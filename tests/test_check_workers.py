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
import threading
import time
import zlib
from pathlib import Path

import pytest

from auditcli.app.checkworkers import CheckWorkers, _Worker
from auditcli.app.orchestrate import CheckOptions, _Judge
from auditcli.stores.pagestore import Link, PageStore
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
import sys, time
from auditcli.stores.pagestore import Link, PageStore
store = PageStore(sys.argv[1])
print("writing", flush=True)
k = 0
while True:  # the crawl's writer: a transaction of 50 writes, with a response's work between them
    store.add_links("crawl", [Link("http://a.test/", f"http://a.test/{k}", "", "a", True, "page")])
    k += 1
    time.sleep(0.0005)
"""


def test_a_short_write_lands_while_the_crawl_keeps_writing(tmp_path):
    """The crawl's writer (another process) holds the lock from its first write to its commit, nearly
    always; a worker's `writing()` is served between two of its commits, and what it wrote is committed.
    The block leaves the connection as it found it (no open transaction, the busy timeout back), so the
    worker's next block lands too. (A plain write outside a block would wait on SQLite's busy handler,
    which can miss the writer's gaps for longer than its timeout on a loaded machine: workers never make
    one beside the crawl.)"""
    PageStore(tmp_path).close()
    writer = subprocess.Popen([sys.executable, "-c", CRAWL_LIKE_WRITER, str(tmp_path / PageStore.FILENAME)],
                              stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
        time.sleep(0.3)
        worker = PageStore.open_existing(tmp_path)
        with worker.writing(patience=20):
            worker.set_meta("site-finished", True)
            worker.set_site_status("nowhere", "ok")  # commits inside wait for the block's end
        assert writer.poll() is None  # the crawl went on writing all along
        assert not worker.db.in_transaction
        assert worker.db.execute("PRAGMA busy_timeout").fetchone()[0] == int(PageStore.BUSY_TIMEOUT * 1000)
        with worker.writing(patience=20):
            worker.set_meta("after", 1)
        assert writer.poll() is None
        worker.close()
    finally:
        writer.kill()
        writer.wait()
    reader = PageStore.open_existing(tmp_path)
    assert reader.get_meta("site-finished") is True and reader.get_meta("after") == 1
    assert reader.db.execute("SELECT count(*) FROM links").fetchone()[0] >= 50
    assert not list(tmp_path.glob("*-wanted-*"))  # no marker left behind
    reader.close()


def test_the_crawls_writer_makes_way_for_a_waiting_worker(tmp_path):
    """The writer commits when a worker waits, not only every 50 writes: a worker asking while the
    writer's transaction is open gets the lock before the writer's 50th write."""
    writer = PageStore(tmp_path)
    writer.add_links("crawl", [Link("http://a.test/", "http://a.test/0", "", "a", True, "page")])
    assert writer.db.in_transaction  # the writer holds the lock
    served = threading.Event()

    def worker() -> None:
        store = PageStore.open_existing(tmp_path)
        with store.writing(patience=30):
            store.set_meta("site-finished", True)
        store.close()
        served.set()

    thread = threading.Thread(target=worker)
    thread.start()
    for k in range(1, 40):  # fewer than the 50 writes after which the writer commits anyway
        if served.is_set():
            break
        time.sleep(0.002)
        writer.add_links("crawl", [Link("http://a.test/", f"http://a.test/{k}", "", "a", True, "page")])
    writer.commit()  # lets a worker still waiting finish, so the thread ends either way
    thread.join(timeout=60)
    assert served.is_set() and k < 39, "the worker waited for the writer's own commit"
    writer.close()


def test_a_worker_that_died_waiting_does_not_stop_the_crawls_writer(tmp_path):
    """A marker left by a worker killed while it waited (its process is gone) is removed by the writer,
    which goes on without pausing for it."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    writer = PageStore(tmp_path)
    marker = tmp_path / f"{PageStore.FILENAME}{PageStore.WANTED}{dead.pid}-1"
    impossible = tmp_path / f"{PageStore.FILENAME}{PageStore.WANTED}{10 ** 30}-1"  # no process has that number
    marker.touch()
    impossible.touch()
    time.sleep(PageStore.ASK_INTERVAL)
    writer.add_links("crawl", [Link("http://a.test/", "http://a.test/0", "", "a", True, "page")])
    assert not marker.exists() and not impossible.exists()
    assert writer.db.in_transaction  # no commit for a waiter that is not there
    writer.close()
