"""The page store: one SQLite file per crawl, holding every fetched page, link and skipped URL.

SQLite keeps a crawl inspectable with stock tools (`sqlite3 pages.sqlite`) and lets checks stream
pages one at a time, so memory does not grow with the size of the crawl. Bodies are stored
zlib-compressed exactly as received; decoding happens on read with the charset the crawler found.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from w3lib.encoding import html_to_unicode

from auditcli.stores.probes import decode, encode

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sites (
    id TEXT PRIMARY KEY, config TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending',
    detail TEXT, started_at REAL, finished_at REAL);
CREATE TABLE IF NOT EXISTS pages (
    id INTEGER PRIMARY KEY, site_id TEXT NOT NULL, url TEXT NOT NULL, final_url TEXT NOT NULL,
    status INTEGER NOT NULL, headers TEXT NOT NULL, body BLOB, encoding TEXT, content_type TEXT,
    kind TEXT NOT NULL DEFAULT 'page', depth INTEGER NOT NULL DEFAULT 0, referrer TEXT,
    elapsed REAL, fetched_at REAL NOT NULL, size INTEGER NOT NULL DEFAULT 0,
    UNIQUE (site_id, url));
CREATE INDEX IF NOT EXISTS pages_final ON pages (site_id, final_url);
CREATE TABLE IF NOT EXISTS links (
    site_id TEXT NOT NULL, src TEXT NOT NULL, dst TEXT NOT NULL, text TEXT, tag TEXT,
    in_scope INTEGER NOT NULL, kind TEXT NOT NULL, UNIQUE (site_id, src, dst, tag));
CREATE INDEX IF NOT EXISTS links_dst ON links (site_id, dst);
CREATE TABLE IF NOT EXISTS rendered (
    site_id TEXT NOT NULL, url TEXT NOT NULL, status TEXT NOT NULL, detail TEXT, result TEXT,
    UNIQUE (site_id, url));
CREATE TABLE IF NOT EXISTS judged (
    site_id TEXT NOT NULL, url TEXT NOT NULL, judgement BLOB NOT NULL, UNIQUE (site_id, url));
CREATE TABLE IF NOT EXISTS not_scanned (
    site_id TEXT NOT NULL, url TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT, referrer TEXT,
    UNIQUE (site_id, url));
"""

HTML_TYPES = ("text/html", "application/xhtml+xml")
# zlib level of stored bodies: 1 compresses a 40 KB portal page in 0.18 ms against 0.36 ms at 6 (the default
# before), for a store ~25 % larger; the crawl process is the audit's bottleneck at real page sizes
BODY_COMPRESSION = 1


class StoreError(Exception):
    """A path that holds no page store (bad input: exit code 2)."""


@dataclass
class StoredPage:
    site_id: str
    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    encoding: str | None
    content_type: str | None
    kind: str
    depth: int
    referrer: str | None
    elapsed: float | None
    fetched_at: float
    _text: str | None = field(default=None, repr=False)

    @property
    def is_html(self) -> bool:
        ctype = (self.content_type or "").split(";")[0].strip().lower()
        if ctype:
            return ctype in HTML_TYPES
        return self.body[:512].lstrip().lower().startswith((b"<!doctype html", b"<html"))

    @property
    def text(self) -> str:
        """The body decoded: HTTP charset first, then <meta charset>, then BOM/detection (GBK family safe)."""
        if self._text is None:
            header = f"charset={self.encoding}" if self.encoding else self.headers.get("content-type")
            _, self._text = html_to_unicode(header, self.body)
        return self._text


@dataclass(frozen=True)
class Link:
    src: str
    dst: str
    text: str
    tag: str
    in_scope: bool
    kind: str


@dataclass(frozen=True)
class NotScanned:
    url: str
    reason: str
    detail: str | None
    referrer: str | None


class PageStore:
    """Writer and reader of one crawl. Safe to open read-only while nothing writes."""

    FILENAME = "pages.sqlite"
    BUSY_TIMEOUT = 30.0  # seconds a write waits for another writer (SQLite's busy handler)

    def __init__(self, path: Path | str):
        path = Path(path)
        if path.is_dir() or path.suffix == "":
            path.mkdir(parents=True, exist_ok=True)
            path = path / self.FILENAME
        self.path = path
        self.db = sqlite3.connect(path, timeout=self.BUSY_TIMEOUT)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self._pending = 0
        self._writing = False  # inside `writing()`: commits wait for its end
        self._asked_at = 0.0  # when the writer last looked for another process waiting to write

    @classmethod
    def open_existing(cls, path: Path | str) -> PageStore:
        """Open a crawl's store for reading; anything that is not one is refused without being touched."""
        path = Path(path)
        candidate = path / cls.FILENAME if path.is_dir() else path
        if not candidate.is_file():
            raise StoreError(f"{path}: no page store ({cls.FILENAME}) here")
        try:
            probe = sqlite3.connect(f"file:{candidate}?mode=ro", uri=True)
            try:
                tables = {row[0] for row in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            finally:
                probe.close()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{candidate}: not a page store ({exc})") from None
        if not {"pages", "links", "not_scanned", "sites", "meta"} <= tables:
            raise StoreError(f"{candidate}: an SQLite file, but not an auditcli page store")
        return cls(candidate)

    @classmethod
    def open_read_only(cls, path: Path | str) -> PageStore:
        """A previous crawl's store, read beside a new crawl (`--since-store`) and never written: no schema,
        no WAL switch, so a store another audit still reads is left exactly as it is."""
        store = cls.open_existing(path)  # refuses what is not a page store
        store.db.close()
        store.db = sqlite3.connect(f"file:{store.path}?mode=ro", uri=True, timeout=cls.BUSY_TIMEOUT)
        return store

    # -- writing -------------------------------------------------------------------------------
    def set_meta(self, key: str, value: Any) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value, ensure_ascii=False)))
        self.commit()

    def register_site(self, site_id: str, config: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT INTO sites (id, config, started_at) VALUES (?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET config = excluded.config",
            (site_id, json.dumps(config, ensure_ascii=False), time.time()),
        )
        self.commit()

    def set_site_status(self, site_id: str, status: str, detail: str | None = None) -> None:
        self.db.execute(
            "UPDATE sites SET status = ?, detail = ?, finished_at = ? WHERE id = ?",
            (status, detail, time.time(), site_id),
        )
        self.commit()

    def add_page(self, page: StoredPage) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO pages (site_id, url, final_url, status, headers, body, encoding, "
            "content_type, kind, depth, referrer, elapsed, fetched_at, size) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                page.site_id, page.url, page.final_url, page.status,
                json.dumps(page.headers, ensure_ascii=False), zlib.compress(page.body, BODY_COMPRESSION),
                page.encoding, page.content_type, page.kind, page.depth, page.referrer,
                page.elapsed, page.fetched_at, len(page.body),
            ),
        )
        # A page that was fetched after all is no longer "not scanned".
        self.db.execute("DELETE FROM not_scanned WHERE site_id = ? AND url IN (?, ?)", (page.site_id, page.url, page.final_url))
        self._tick()

    def keep_judgements(self, site_id: str, judged: list[tuple[str, bytes]]) -> None:
        """What the page pass concluded of each page (checks.engine.judged), for a re-audit to reuse."""
        self.db.executemany("INSERT OR REPLACE INTO judged VALUES (?, ?, ?)",
                            [(site_id, url, judgement) for url, judgement in judged])
        self._tick()

    def set_page_kind(self, site_id: str, url: str, kind: str) -> None:
        """Re-file a fetched page (a page found to be a soft 404 is kept as evidence, not checked)."""
        self.db.execute("UPDATE pages SET kind = ? WHERE site_id = ? AND url = ?", (kind, site_id, url))
        self._tick()

    def add_links(self, site_id: str, links: list[Link]) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO links VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(site_id, lk.src, lk.dst, lk.text, lk.tag, int(lk.in_scope), lk.kind) for lk in links],
        )
        self._tick()

    def add_not_scanned(self, site_id: str, url: str, reason: str, detail: str | None = None,
                        referrer: str | None = None, fetched: bool = False) -> None:
        """Record a URL the crawl could not scan. `fetched` marks answers that arrived but were blocked (403/429)."""
        if not fetched and self.db.execute("SELECT 1 FROM pages WHERE site_id = ? AND (url = ? OR final_url = ?)", (site_id, url, url)).fetchone():
            return
        self.db.execute("INSERT OR REPLACE INTO not_scanned VALUES (?, ?, ?, ?, ?)", (site_id, url, reason, detail, referrer))
        self._tick()

    def add_rendered(self, site_id: str, url: str, status: str, detail: str | None = None,
                     result: Any = None) -> None:
        """A page rendered in the browser (browser mode): its status (ok, timeout, crashed, error) and
        the axe-core result, judged offline by the accessibility checks."""
        self.db.execute("INSERT OR REPLACE INTO rendered VALUES (?, ?, ?, ?, ?)",
                        (site_id, url, status, detail,
                         json.dumps(result, ensure_ascii=False) if result is not None else None))
        self._tick()

    def _tick(self) -> None:
        self._pending += 1
        if self._pending >= 50:
            self.commit()
        elif not self._writing and self._someone_waits():
            self.commit()
            self._give_way()

    # A check worker's `writing()` waits for a gap between two of the crawl's transactions. Left to chance,
    # the gap (the moment between a commit and the next write) is microseconds wide and the wait seconds
    # long; so a waiting process leaves a marker file beside the store, and the writer, seeing it, commits
    # and pauses until the waiter has the lock.
    WANTED = "-wanted-"
    ASK_INTERVAL = 0.005  # the writer looks for markers at most this often (a directory listing)
    GIVE_WAY = 0.05  # and waits at most this long for the waiter to take the lock

    def _markers(self) -> list[str]:
        """The markers of processes waiting to write; one left by a process that died waiting (killed
        with -9) is removed, or the writer would pause for it forever."""
        prefix = self.path.name + self.WANTED
        try:
            names = [name for name in os.listdir(self.path.parent) if name.startswith(prefix)]
        except OSError:
            return []
        waiting = []
        for name in names:
            if _alive(name[len(prefix):].split("-")[0]):
                waiting.append(name)
            else:
                (self.path.parent / name).unlink(missing_ok=True)
        return waiting

    def _someone_waits(self) -> bool:
        now = time.monotonic()
        if now - self._asked_at < self.ASK_INTERVAL:
            return False
        self._asked_at = now
        return bool(self._markers())

    def _give_way(self) -> None:
        deadline = time.monotonic() + self.GIVE_WAY
        while self._markers() and time.monotonic() < deadline:
            time.sleep(0.001)

    def commit(self) -> None:
        if not self._writing:
            self.db.commit()
            self._pending = 0

    @contextmanager
    def writing(self, patience: float = BUSY_TIMEOUT) -> Iterator[None]:
        """One short write transaction, for a process writing beside the crawl (a check worker finishing
        a site). The crawl's writer holds the lock from its first write to its commit, nearly always;
        SQLite's busy handler sleeps up to 100 ms between tries and so can miss the gaps for seconds. Here
        the lock is asked for every millisecond, a marker beside the store asks the writer to make a gap
        (`_tick`), and the lock is held only for the writes."""
        self.commit()
        self.db.execute("PRAGMA busy_timeout = 0")
        marker = self.path.with_name(f"{self.path.name}{self.WANTED}{os.getpid()}-{id(self)}")
        deadline = time.monotonic() + patience
        try:
            with suppress(OSError):  # the writer's cue; without it (a read-only directory) the wait is longer
                marker.touch()
            while True:
                try:
                    self.db.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.001)
        finally:
            marker.unlink(missing_ok=True)
            self.db.execute(f"PRAGMA busy_timeout = {int(self.BUSY_TIMEOUT * 1000)}")
        self._writing = True
        try:
            yield
        except BaseException:
            self._writing = False
            self.db.rollback()
            raise
        self._writing = False
        self.commit()

    def close(self) -> None:
        self.commit()
        self.db.close()

    # -- reading -------------------------------------------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def metas(self, prefix: str) -> dict[str, Any]:
        """Every meta value under `prefix` (`judged:` gives each site's), by the rest of its key."""
        rows = self.db.execute("SELECT key, value FROM meta WHERE substr(key, 1, ?) = ?", (len(prefix), prefix))
        return {key[len(prefix):]: json.loads(value) for key, value in rows}

    # Network probes made at crawl time (IPv6 reachability, TLS scans), judged offline by the checks.
    @staticmethod
    def probe_key(kind: str, host: str, port: int) -> str:
        return f"probe:{kind}:{host}:{port}"

    def set_probe(self, kind: str, host: str, port: int, value: Any) -> None:
        """Store a probe's outcome (a dataclass of auditcli.stores.probes, or a plugin's JSON value)."""
        self.set_meta(self.probe_key(kind, host, port), encode(value))

    def has_links(self, site_id: str) -> bool:
        """Did the crawl record any link of the site (the input of the link checks)?"""
        return self.db.execute("SELECT 1 FROM links WHERE site_id = ? LIMIT 1", (site_id,)).fetchone() is not None

    def has_probe(self, kind: str) -> bool:
        row = self.db.execute("SELECT 1 FROM meta WHERE key LIKE ? LIMIT 1", (f"probe:{kind}:%",)).fetchone()
        return row is not None

    def probe(self, kind: str, host: str, port: int) -> Any:
        """The stored outcome of a probe, typed (auditcli.stores.probes), or None when the crawl did not make it."""
        value = self.get_meta(self.probe_key(kind, host, port))
        return None if value is None else decode(kind, value)

    def sites(self) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT id, config, status, detail FROM sites ORDER BY rowid").fetchall()
        return [self._site_row(r) for r in rows]

    def site(self, site_id: str) -> dict[str, Any] | None:
        """One row of `sites()`: a fleet of thousands is not read whole for each site."""
        row = self.db.execute("SELECT id, config, status, detail FROM sites WHERE id = ?", (site_id,)).fetchone()
        return self._site_row(row) if row else None

    @staticmethod
    def _site_row(row: tuple) -> dict[str, Any]:
        return {"id": row[0], "config": json.loads(row[1]), "status": row[2], "detail": row[3]}

    def site_status(self, site_id: str) -> tuple[str, str | None]:
        row = self.db.execute("SELECT status, detail FROM sites WHERE id = ?", (site_id,)).fetchone()
        return (row[0], row[1]) if row else ("pending", None)

    _PAGE_COLUMNS = "site_id, url, final_url, status, headers, body, encoding, content_type, kind, depth, referrer, elapsed, fetched_at"

    def _row_to_page(self, row: tuple) -> StoredPage:
        return StoredPage(
            site_id=row[0], url=row[1], final_url=row[2], status=row[3], headers=json.loads(row[4]),
            body=zlib.decompress(row[5]) if row[5] else b"", encoding=row[6], content_type=row[7],
            kind=row[8], depth=row[9], referrer=row[10], elapsed=row[11], fetched_at=row[12],
        )

    def pages(self, site_id: str, kind: str | None = "page") -> Iterator[StoredPage]:
        """Stream pages of a site in crawl order; one row in memory at a time."""
        for _, page in self.numbered_pages(site_id, kind):
            yield page

    def numbered_pages(self, site_id: str, kind: str | None = "page", after: int = 0) -> Iterator[tuple[int, StoredPage]]:
        """(row id, page) of a site's pages stored after row `after`, in crawl order (ids only grow)."""
        sql = f"SELECT id, {self._PAGE_COLUMNS} FROM pages WHERE site_id = ? AND id > ?"
        args: tuple = (site_id, after)
        if kind is not None:
            sql += " AND kind = ?"
            args += (kind,)
        for row in self.db.execute(sql + " ORDER BY id", args):
            yield row[0], self._row_to_page(row[1:])

    def page_versions(self, site_id: str, kind: str = "page") -> list[tuple[int, float]]:
        """(row id, fetched_at) of a site's pages in crawl order: which fetch of which page each row holds."""
        return self.db.execute("SELECT id, fetched_at FROM pages WHERE site_id = ? AND kind = ? ORDER BY id",
                               (site_id, kind)).fetchall()

    def stored_since(self, after: int, limit: int = 500) -> list[tuple[int, str, str]]:
        """(row id, site, kind) of the pages stored after row `after`: what a reader following the crawl
        has not seen yet (committed rows only; bodies are read with `page_by_id`)."""
        return self.db.execute("SELECT id, site_id, kind FROM pages WHERE id > ? ORDER BY id LIMIT ?",
                               (after, limit)).fetchall()

    def page_by_id(self, row_id: int) -> StoredPage | None:
        row = self.db.execute(f"SELECT {self._PAGE_COLUMNS} FROM pages WHERE id = ?", (row_id,)).fetchone()
        return self._row_to_page(row) if row else None

    def page(self, site_id: str, url: str) -> StoredPage | None:
        row = self.db.execute(
            f"SELECT {self._PAGE_COLUMNS} FROM pages WHERE site_id = ? AND (url = ? OR final_url = ?) ORDER BY id LIMIT 1",
            (site_id, url, url),
        ).fetchone()
        return self._row_to_page(row) if row else None

    def validators(self, site_id: str, url: str) -> tuple[str, int, str, dict[str, str], int] | None:
        """(final_url, status, kind, headers, stored body size) of the fetch of exactly `url`, without its
        body: what a conditional re-fetch of `url` asks with (spiders.revalidate)."""
        row = self.db.execute("SELECT final_url, status, kind, headers, size FROM pages WHERE site_id = ? AND url = ?",
                              (site_id, url)).fetchone()
        return (row[0], row[1], row[2], json.loads(row[3]), row[4]) if row else None

    def judgement(self, site_id: str, url: str) -> bytes | None:
        """The page pass's judgement of the page at `url` (checks.engine.judged), if one was kept; a store
        from before judgements were kept has none."""
        try:
            row = self.db.execute("SELECT judgement FROM judged WHERE site_id = ? AND url = ?", (site_id, url)).fetchone()
        except sqlite3.OperationalError:  # no such table
            return None
        return row[0] if row else None

    def fetched(self, site_id: str, url: str) -> StoredPage | None:
        """The fetch of exactly `url` (not a page it redirected to), body included."""
        row = self.db.execute(f"SELECT {self._PAGE_COLUMNS} FROM pages WHERE site_id = ? AND url = ?",
                              (site_id, url)).fetchone()
        return self._row_to_page(row) if row else None

    def fetch_statuses(self, site_id: str) -> Iterator[tuple[str, str, int, str]]:
        """(url, final_url, status, kind) of every fetched URL, without bodies."""
        yield from self.db.execute("SELECT url, final_url, status, kind FROM pages WHERE site_id = ? ORDER BY id", (site_id,))

    def crawled(self, site_id: str) -> Iterator[tuple[str, str, str, int]]:
        """(url, final_url, kind, depth) of every fetched URL: what a resumed crawl must not fetch again."""
        yield from self.db.execute("SELECT url, final_url, kind, depth FROM pages WHERE site_id = ? ORDER BY id", (site_id,))

    def count_checked_pages(self, site_id: str) -> int:
        """Pages of the site that were fetched whole (2xx) and so could be checked."""
        return self.db.execute("SELECT COUNT(*) FROM pages WHERE site_id = ? AND kind = 'page' "
                               "AND status BETWEEN 200 AND 299", (site_id,)).fetchone()[0]

    def count_pages(self, site_id: str, kind: str | None = "page") -> int:
        if kind is None:
            return self.db.execute("SELECT COUNT(*) FROM pages WHERE site_id = ?", (site_id,)).fetchone()[0]
        return self.db.execute("SELECT COUNT(*) FROM pages WHERE site_id = ? AND kind = ?", (site_id, kind)).fetchone()[0]

    def links(self, site_id: str) -> Iterator[Link]:
        for row in self.db.execute("SELECT src, dst, text, tag, in_scope, kind FROM links WHERE site_id = ? ORDER BY rowid", (site_id,)):
            yield Link(row[0], row[1], row[2] or "", row[3] or "", bool(row[4]), row[5])

    def referrers(self, site_id: str, url: str) -> list[str]:
        rows = self.db.execute("SELECT DISTINCT src FROM links WHERE site_id = ? AND dst = ? ORDER BY src", (site_id, url))
        return [r[0] for r in rows]

    def rendered(self, site_id: str) -> Iterator[tuple[str, str, str | None, Any]]:
        """(url, status, detail, axe result) of every page rendered in browser mode, in render order."""
        rows = self.db.execute("SELECT url, status, detail, result FROM rendered WHERE site_id = ? ORDER BY rowid",
                               (site_id,))
        for url, status, detail, result in rows:
            yield url, status, detail, json.loads(result) if result else None

    def rendered_status(self, site_id: str) -> list[tuple[str, str, str | None]]:
        """(url, status, detail) of the pages rendered in browser mode, without their results."""
        return list(self.db.execute("SELECT url, status, detail FROM rendered WHERE site_id = ? ORDER BY rowid",
                                    (site_id,)))

    def not_scanned(self, site_id: str) -> list[NotScanned]:
        rows = self.db.execute("SELECT url, reason, detail, referrer FROM not_scanned WHERE site_id = ? ORDER BY rowid", (site_id,))
        return [NotScanned(*r) for r in rows]


def _alive(pid: str) -> bool:
    """Whether the process `pid` (as written in a marker's name) still runs."""
    if not pid.isdigit() or int(pid) == 0:
        return False
    try:
        os.kill(int(pid), 0)
    except PermissionError:  # another user's process
        return True
    except (ProcessLookupError, OverflowError):  # gone, or no process could have that number
        return False
    return True
