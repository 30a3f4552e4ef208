"""Stored crawls kept as test data: a crawl's page store, its bodies uncompressed, packed with xz.

Bodies are zlib-compressed one by one in a page store, which xz cannot shrink further; with raw
bodies the template furniture that repeats over thousands of pages packs ~150:1 (a 2,130-page
real-size crawl: 31 MB of store, 0.7 MB packed). `check` of a restored store is deterministic,
so its results.json, saved once, proves a rewrite of the checks changed nothing.

    python -m tests.stored_crawls save CRAWL_DIR tests/data/stored/NAME.sqlite.xz
    python -m tests.stored_crawls results NAME    # after a deliberate change of results: save them again
"""

from __future__ import annotations

import json
import lzma
import shutil
import sqlite3
import subprocess
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


def recrawl_comparable(results: Path) -> str:
    """results.json of a crawl as text, with what differs between two crawls of one unchanged site blanked:
    `comparable`'s run id and times, each site's crawl clock (`crawl.seconds`), and the order of its
    `not_scanned` and `findings` lists (crawl order: concurrent requests answer in any order), which are
    sorted. All else — every finding, page count, score and block — must be equal."""
    data = json.loads(comparable(results))
    for site in data["sites"]:
        if isinstance(site.get("crawl"), dict):
            site["crawl"]["seconds"] = "-"
        for name in ("not_scanned", "findings"):
            site[name] = sorted(site.get(name) or [], key=lambda entry: json.dumps(entry, ensure_ascii=False,
                                                                                     sort_keys=True))
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)


STORED = Path(__file__).parent / "data" / "stored"
AS_OF = "2026-11-20"  # the date the stored crawls are judged as of


def check_args(crawl: Path, out: Path, workers: str = "0") -> list[str]:
    """The `auditcli check` arguments the saved results were made with."""
    return ["check", str(crawl), "--out", str(out), "--as-of", AS_OF, "--no-history", "--format", "json",
            "--quiet", "--check-workers", workers]


def save_results(name: str) -> None:
    """Check the stored crawl NAME again and save its results as the ones to compare with."""
    with tempfile.TemporaryDirectory() as tmp:
        crawl = restore(STORED / f"{name}.sqlite.xz", Path(tmp) / "crawl")
        subprocess.run([sys.executable, "-m", "auditcli", *check_args(crawl, Path(tmp) / "out")], check=True)
        with lzma.open(STORED / f"{name}.results.json.xz", "wt", encoding="utf-8", preset=9) as out:
            out.write(comparable(Path(tmp) / "out" / "results.json"))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "save":
        save(Path(sys.argv[2]), Path(sys.argv[3]))
    elif len(sys.argv) == 3 and sys.argv[1] == "results":
        save_results(sys.argv[2])
    else:
        sys.exit(__doc__)
