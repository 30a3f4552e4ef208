"""Stored crawls kept as test data: a crawl's page store, its bodies uncompressed, packed with xz.

Bodies are zlib-compressed one by one in a page store, which xz cannot shrink further; with raw
bodies the template furniture that repeats over thousands of pages packs ~150:1 (a 2,130-page
real-size crawl: 31 MB of store, 0.7 MB packed). `check` of a restored store is deterministic,
so its results.json, saved once, proves a rewrite of the checks changed nothing.

    python -m tests.stored_crawls save CRAWL_DIR tests/data/stored/NAME.sqlite.xz
"""

from __future__ import annotations

import json
import lzma
import shutil
import sqlite3
import sys
import tempfile
import zlib
from pathlib import Path

RUN_FIELDS = ("id", "started_at", "finished_at")  # what differs between two checks of one store


def _recode(db_path: Path, code) -> None:
    db = sqlite3.connect(db_path)
    rows = db.execute("SELECT rowid, body FROM pages").fetchall()
    db.executemany("UPDATE pages SET body = ? WHERE rowid = ?", [(code(body) if body else body, rowid)
                                                                 for rowid, body in rows])
    db.commit()
    db.execute("VACUUM")
    db.close()


def save(crawl: Path, packed: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "pages.sqlite"
        shutil.copy(crawl / "pages.sqlite", copy)
        _recode(copy, zlib.decompress)
        with lzma.open(packed, "wb", preset=9 | lzma.PRESET_EXTREME) as out, copy.open("rb") as raw:
            shutil.copyfileobj(raw, out)


def restore(packed: Path, crawl: Path) -> Path:
    """The stored crawl as a page store in `crawl` (a new directory), ready for `auditcli check`."""
    crawl.mkdir(parents=True)
    with lzma.open(packed, "rb") as raw, (crawl / "pages.sqlite").open("wb") as out:
        shutil.copyfileobj(raw, out)
    _recode(crawl / "pages.sqlite", lambda body: zlib.compress(body, 6))
    return crawl


def comparable(results: Path) -> str:
    """results.json as text with the run's id and clock times blanked: all else must stay byte for byte."""
    data = json.loads(results.read_text("utf-8"))
    for name in RUN_FIELDS:
        data["run"][name] = "-"
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "save":
        sys.exit(__doc__)
    save(Path(sys.argv[2]), Path(sys.argv[3]))
