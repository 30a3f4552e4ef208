"""The audit history: a SQLite file that records every run's sites, scores and fingerprints.

Path: the explicit argument, else $AUDITCLI_HISTORY, else ~/.local/share/auditcli/history.sqlite.
Recording the same run id twice replaces the earlier record (re-rendering is idempotent).
Schema 2 adds each site run's home-page snapshot (the results' `home_snapshot` block), which the next
run's `content.home-changed` compares with; a schema-1 store gains the table when next opened.
`run_stores` (created when a store is next opened, as that table was) names each run's page store, the
one the next `audit --history` asks its conditional requests from (spiders.revalidate).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SCHEMA_VERSION = 2
BUSY_TIMEOUT = 120  # seconds a writer waits for another audit's write to finish
DEFAULT_PATH = Path("~/.local/share/auditcli/history.sqlite")

_DDL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    started_at TEXT, finished_at TEXT, as_of TEXT, profile TEXT, audit_name TEXT,
    recorded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS site_runs (
    run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    site_id TEXT NOT NULL,
    name TEXT, level TEXT, parent TEXT, url TEXT, status TEXT,
    score REAL, verdict TEXT, vetoes TEXT, dimensions TEXT, findings INTEGER,
    PRIMARY KEY (run_id, site_id)
);
CREATE TABLE IF NOT EXISTS findings (
    run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    site_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    check_id TEXT, severity TEXT, url TEXT,
    PRIMARY KEY (run_id, site_id, fingerprint)
);
CREATE TABLE IF NOT EXISTS home_snapshots (
    run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,
    site_id TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (run_id, site_id)
);
CREATE TABLE IF NOT EXISTS run_stores (
    run_id TEXT PRIMARY KEY REFERENCES runs(run_id) ON DELETE CASCADE,
    path TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_site ON findings (site_id, fingerprint);
CREATE INDEX IF NOT EXISTS site_runs_site ON site_runs (site_id);
CREATE INDEX IF NOT EXISTS home_snapshots_site ON home_snapshots (site_id);
"""


class HistoryError(RuntimeError):
    """The history store cannot be opened or is not an auditcli history file."""


def default_history_path() -> Path:
    env = os.environ.get("AUDITCLI_HISTORY")
    return Path(env).expanduser() if env else DEFAULT_PATH.expanduser()


@dataclass(frozen=True)
class RunFingerprints:
    run_id: str
    started_at: str | None
    as_of: str | None
    fingerprints: frozenset[str]


def run_key(results: dict) -> str:
    run = results.get("run") or {}
    return str(run.get("id") or run.get("started_at") or run.get("as_of") or "unknown-run")


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Stamp a new store with the schema version, and bring an older one up to it (its new tables were
    just created by the DDL); a store written by a newer auditcli is refused rather than damaged."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    version = int(row[0]) if row and str(row[0]).isdigit() else 0
    if version > SCHEMA_VERSION:
        raise HistoryError(f"{path}: history store schema {version} is newer than this auditcli's ({SCHEMA_VERSION})")
    if version < SCHEMA_VERSION:
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))


class HistoryStore:
    def __init__(self, path: str | Path | None = None):
        self.path = Path(path).expanduser() if path else default_history_path()

    def exists(self) -> bool:
        return self.path.is_file()

    def ensure(self) -> None:
        """Create the store, or check that it is one; raises HistoryError (bad input) otherwise."""
        with self._connect():
            pass

    @contextmanager
    def _connect(self, create: bool = True) -> Iterator[sqlite3.Connection]:
        if not create and not self.path.is_file():
            raise HistoryError(f"{self.path}: no history store (record a run first)")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT)
        except (OSError, sqlite3.Error) as exc:
            raise HistoryError(f"{self.path}: cannot open history store: {exc}") from None
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            conn.executescript(_DDL)
            _migrate(conn, self.path)
            conn.commit()  # so that a writer can BEGIN IMMEDIATE its own transaction
            with conn:
                yield conn
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"{self.path}: not a usable history store: {exc}") from None
        finally:
            conn.close()

    def record(self, results: dict, crawl_store: Path | None = None) -> str:
        """Record one run (all its sites and finding fingerprints, and where its crawl's page store is);
        returns the run id."""
        run = results.get("run") or {}
        run_id = run_key(results)
        audit = results.get("audit") or {}
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as conn:
            # One transaction for the whole run, taking the write lock first: a second audit writing
            # the same store waits (busy timeout) instead of reading a stale MAX(seq) or interleaving.
            conn.execute("BEGIN IMMEDIATE")
            existing = conn.execute("SELECT seq FROM runs WHERE run_id = ?", (run_id,)).fetchone()
            if existing is not None:
                seq = existing["seq"]
                conn.execute("DELETE FROM runs WHERE run_id = ?", (run_id,))
            else:
                seq = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM runs").fetchone()[0]
            conn.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, seq, run.get("started_at"), run.get("finished_at"), run.get("as_of"),
                 run.get("profile"),
                 (audit.get("name") if isinstance(audit, dict) else None) or run.get("name"), now))
            if crawl_store is not None:
                conn.execute("INSERT INTO run_stores VALUES (?, ?)", (run_id, str(Path(crawl_store).resolve())))
            for site in results.get("sites") or []:
                findings = site.get("findings") or []
                conn.execute(
                    "INSERT INTO site_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (run_id, site["id"], site.get("name"), site.get("level"), site.get("parent"),
                     site.get("url"), site.get("status"), site.get("score"), site.get("verdict"),
                     json.dumps(site.get("vetoes") or [], ensure_ascii=False),
                     json.dumps({d: (b or {}).get("score") for d, b in
                                 (site.get("dimensions") or {}).items()}),
                     len(findings)))
                conn.executemany(
                    "INSERT OR IGNORE INTO findings VALUES (?, ?, ?, ?, ?, ?)",
                    [(run_id, site["id"], f["fingerprint"], f.get("check"), f.get("severity"),
                      f.get("url")) for f in findings if f.get("fingerprint")])
                if site.get("home_snapshot"):
                    conn.execute("INSERT INTO home_snapshots VALUES (?, ?, ?)",
                                 (run_id, site["id"], json.dumps(site["home_snapshot"], ensure_ascii=False)))
        return run_id

    def previous_stores(self, site_ids: list[str]) -> dict[str, str]:
        """The page store of each site's latest run that reached it (ok or partial) and whose store is
        still there: what a re-audit asks its conditional requests from. Sites without one are absent."""
        wanted, found = set(site_ids), {}
        if not self.exists():
            return found
        with self._connect(create=False) as conn:
            rows = conn.execute(
                "SELECT sr.site_id, rs.path FROM site_runs sr JOIN runs r ON r.run_id = sr.run_id "
                "JOIN run_stores rs ON rs.run_id = sr.run_id WHERE sr.status IN ('ok', 'partial') ORDER BY r.seq DESC")
            for site_id, path in rows:
                if site_id in wanted and site_id not in found and Path(path).is_file():
                    found[site_id] = path
                    if len(found) == len(wanted):
                        break
        return found

    def previous_home_snapshots(self, site_ids: list[str]) -> dict[str, dict]:
        """Each site's latest recorded home-page snapshot: {site id: {"run_id", "as_of", "snapshot"}}, for
        the sites that have one (what `content.home-changed` compares the new run with)."""
        out: dict[str, dict] = {}
        with self._connect() as conn:
            for site_id in dict.fromkeys(site_ids):
                row = conn.execute(
                    "SELECT h.run_id, r.as_of, h.snapshot FROM home_snapshots h JOIN runs r USING (run_id) "
                    "WHERE h.site_id = ? ORDER BY COALESCE(r.started_at, r.as_of, '') DESC, r.seq DESC LIMIT 1",
                    (site_id,)).fetchone()
                if row is None:
                    continue
                try:
                    snapshot = json.loads(row["snapshot"])
                except ValueError:
                    continue  # a damaged record compares with nothing, as a first run does
                out[site_id] = {"run_id": row["run_id"], "as_of": row["as_of"], "snapshot": snapshot}
        return out

    def _order(self) -> str:
        return "COALESCE(r.started_at, r.as_of, ''), r.seq"

    def trend(self, site_id: str) -> list[dict]:
        """The site's runs, oldest first: score, verdict, counts, new and fixed findings."""
        with self._connect(create=False) as conn:
            rows = conn.execute(
                f"SELECT r.run_id, r.started_at, r.as_of, r.profile, s.score, s.verdict, "
                f"s.vetoes, s.findings, s.status FROM site_runs s JOIN runs r USING (run_id) "
                f"WHERE s.site_id = ? ORDER BY {self._order()}", (site_id,)).fetchall()
        history = {h.run_id: h.fingerprints for h in self.fingerprint_history(site_id)}
        out: list[dict] = []
        previous: frozenset[str] | None = None
        for row in rows:
            current = history.get(row["run_id"], frozenset())
            out.append({
                "run_id": row["run_id"], "started_at": row["started_at"], "as_of": row["as_of"],
                "profile": row["profile"], "status": row["status"], "score": row["score"],
                "verdict": row["verdict"],
                "vetoes": [v.get("rule") for v in json.loads(row["vetoes"] or "[]")],
                "findings": row["findings"],
                "new": None if previous is None else len(current - previous),
                "fixed": None if previous is None else len(previous - current),
            })
            previous = current
        return out

    def fingerprint_history(self, site_id: str) -> list[RunFingerprints]:
        """Finding fingerprints of each recorded run of the site, oldest first."""
        with self._connect(create=False) as conn:
            runs = conn.execute(
                f"SELECT r.run_id, r.started_at, r.as_of FROM site_runs s JOIN runs r "
                f"USING (run_id) WHERE s.site_id = ? ORDER BY {self._order()}",
                (site_id,)).fetchall()
            prints: dict[str, set[str]] = {row["run_id"]: set() for row in runs}
            for row in conn.execute("SELECT run_id, fingerprint FROM findings WHERE site_id = ?",
                                    (site_id,)):
                prints.setdefault(row["run_id"], set()).add(row["fingerprint"])
        return [RunFingerprints(r["run_id"], r["started_at"], r["as_of"],
                                frozenset(prints.get(r["run_id"], ()))) for r in runs]

    def lifecycle(self, results: dict) -> dict[str, dict]:
        """Per site, each current finding's state against the previous recorded run, and what was fixed.

        {site_id: {"previous_run": id, "states": {fingerprint: "new" | "regressed" | "persisting"},
                   "fixed": [{fingerprint, check, severity, url}]}}; sites with no earlier run are left out.
        """
        this_run = run_key(results)
        out: dict[str, dict] = {}
        for site in results.get("sites") or []:
            try:
                runs = [r for r in self.fingerprint_history(site["id"]) if r.run_id != this_run]
            except HistoryError:
                return {}
            if not runs:
                continue
            previous, earlier = runs[-1], frozenset().union(*(r.fingerprints for r in runs[:-1]))
            current = {f["fingerprint"] for f in site.get("findings") or [] if f.get("fingerprint")}
            states = {fp: "persisting" if fp in previous.fingerprints else "regressed" if fp in earlier else "new"
                      for fp in current}
            out[site["id"]] = {"previous_run": previous.run_id, "states": states,
                               "fixed": self._findings(previous.run_id, site["id"], previous.fingerprints - current)}
        return out

    def _findings(self, run_id: str, site_id: str, fingerprints: frozenset[str]) -> list[dict]:
        if not fingerprints:
            return []
        with self._connect(create=False) as conn:
            rows = conn.execute("SELECT fingerprint, check_id, severity, url FROM findings "
                                "WHERE run_id = ? AND site_id = ?", (run_id, site_id)).fetchall()
        return [{"fingerprint": r[0], "check": r[1], "severity": r[2], "url": r[3]}
                for r in rows if r[0] in fingerprints]

    def sites(self) -> list[str]:
        with self._connect(create=False) as conn:
            return [r[0] for r in conn.execute(
                "SELECT DISTINCT site_id FROM site_runs ORDER BY site_id")]


# ---------------------------------------------------------------- availability probes (issue 23, item 3)
# `auditcli probe` records one row per site per call; `audit`/`check` count them per day for the official
# week rule (auditcli.core.availability). Its own table, created on first use: an existing store gains it
# the first time it is probed or read (CREATE … IF NOT EXISTS is the migration), the runs tables are untouched.

_PROBES_DDL = """
CREATE TABLE IF NOT EXISTS probes (
    site_id TEXT NOT NULL,
    url TEXT NOT NULL,
    probed_at TEXT NOT NULL,   -- UTC, ISO 8601
    day TEXT NOT NULL,         -- the calendar day it counts for (China time, YYYY-MM-DD)
    ok INTEGER,                -- 1 answered, 0 failed, NULL not counted (robots.txt disallows the page)
    status INTEGER, seconds REAL, outcome TEXT, detail TEXT,
    PRIMARY KEY (site_id, url, probed_at)
);
CREATE INDEX IF NOT EXISTS probes_day ON probes (site_id, day);
"""


@dataclass(frozen=True)
class ProbeRecord:
    """One probe of a site's home page: when, what answered (status, seconds) or why it failed."""

    site_id: str
    url: str
    probed_at: datetime
    ok: bool | None
    status: int | None = None
    seconds: float | None = None
    outcome: str = "ok"        # ok, http-error, timeout, dns-error, connection-refused, tls-error, robots, …
    detail: str | None = None


def record_probes(store: HistoryStore, probes: list[ProbeRecord]) -> None:
    """Record the probes of one `auditcli probe` call (one transaction)."""
    from auditcli.core.availability import probe_day

    with store._connect() as conn:
        conn.executescript(_PROBES_DDL)
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT OR REPLACE INTO probes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(p.site_id, p.url, p.probed_at.astimezone(UTC).isoformat(timespec="milliseconds"),
              probe_day(p.probed_at), None if p.ok is None else int(p.ok), p.status,
              None if p.seconds is None else round(p.seconds, 3), p.outcome, p.detail) for p in probes])


def probe_counts(store: HistoryStore, site_ids: list[str], first_day: str, last_day: str
                 ) -> dict[str, dict[str, tuple[int, int]]]:
    """{site_id: {day: (probes, failures)}} over the days first_day…last_day; probes not counted
    (robots.txt) are left out. A site never probed is absent."""
    out: dict[str, dict[str, tuple[int, int]]] = {}
    with store._connect() as conn:
        conn.executescript(_PROBES_DDL)
        for site_id in site_ids:
            for row in conn.execute(
                    "SELECT day, COUNT(*), SUM(ok = 0) FROM probes WHERE site_id = ? AND ok IS NOT NULL "
                    "AND day BETWEEN ? AND ? GROUP BY day", (site_id, first_day, last_day)):
                out.setdefault(site_id, {})[row[0]] = (row[1], row[2] or 0)
    return out
