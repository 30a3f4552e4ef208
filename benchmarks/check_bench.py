"""`check` CPU per page on one core, on a stored crawl, and where the time goes.

    .venv/bin/python benchmarks/check_bench.py              # the stored 2,130-page real-size crawl (40 KB pages)
    .venv/bin/python benchmarks/check_bench.py --store DIR  # any page store (e.g. fleet_bench.py --keep DIR: DIR/audit/crawl)
    .venv/bin/python benchmarks/check_bench.py --top 10     # more of the profile

Runs `auditcli check --check-workers 0` in this process (so one core does every check), first
plain for the CPU time per page, then under cProfile for the functions that spend the most time of
their own (cProfile slows everything about twice: its shares, not its seconds, are the figures).
The default store is tests/data/stored/fleet-40kb.sqlite.xz: the fleet benchmark's farm at 40 KB a
page, crawled once and kept, so before/after figures of a change compare the same pages.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
STORED = ROOT / "tests" / "data" / "stored" / "fleet-40kb.sqlite.xz"


def check(store: Path, out: Path) -> None:
    from auditcli.app.cli import app

    app(["check", str(store), "--out", str(out), "--as-of", "2026-11-20", "--no-history", "--format", "json",
         "--quiet", "--check-workers", "0"], standalone_mode=False)


def pages_in(store: Path) -> int:
    from auditcli.stores.pagestore import PageStore

    return PageStore.open_existing(store).db.execute("SELECT COUNT(*) FROM pages").fetchone()[0]


def source(filename: str) -> str:
    """A profiled function's file, short: bs4/element.py, checks/a11y/dom.py, or '~' for built-ins."""
    path = Path(filename)
    for base in (*(Path(p) for p in sys.path if p.endswith("site-packages")), ROOT):
        if path.is_relative_to(base):
            return str(path.relative_to(base))
    return path.name


def module_of(filename: str) -> str:
    """What a function's time is charged to: a library (bs4, lxml), a module of ours, or built-ins."""
    short = source(filename)
    if short in ("~", "") or short.startswith("<"):
        return "built-ins (re, str, ...)"
    top = short.split("/")[0]
    return short if top in ("auditcli", "checks", "spiders", "reports") else top.removesuffix(".py")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=None, help="a page store (default: the stored 40 KB crawl)")
    parser.add_argument("--top", type=int, default=5, help="profile entries to show")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="auditcli-check-bench-") as name:
        tmp = Path(name)
        store = args.store
        if store is None:
            from tests.stored_crawls import restore

            store = restore(STORED, tmp / "crawl")
        pages = pages_in(store)
        check(store, tmp / "warm")  # imports, knowledge files, regex compilation: not per page
        started, cpu = time.perf_counter(), time.process_time()
        check(store, tmp / "plain")
        cpu, wall = time.process_time() - cpu, time.perf_counter() - started
        print(f"check, one core: {pages} pages, {cpu:.2f} s CPU ({wall:.2f} s wall): {cpu / pages * 1000:.2f} ms/page")
        profile = cProfile.Profile()
        profile.runcall(check, store, tmp / "profiled")
        stats = pstats.Stats(profile)
        total = sum(entry[2] for entry in stats.stats.values())  # type: ignore[attr-defined]
        ranked = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)  # type: ignore[attr-defined]
        print(f"top {args.top} by own time (cProfile, {total:.1f} s profiled):")
        for (filename, line, function), (_calls, _primitive, own, cumulative, _callers) in ranked[:args.top]:
            print(f"  {own / total:6.1%} own  {cumulative / total:6.1%} with callees  "
                  f"{source(filename)}:{line}({function})")
        modules: dict[str, float] = {}
        for (filename, _line, _function), entry in stats.stats.items():  # type: ignore[attr-defined]
            modules[module_of(filename)] = modules.get(module_of(filename), 0.0) + entry[2]
        print(f"top {args.top} modules by own time:")
        for module, own in sorted(modules.items(), key=lambda item: item[1], reverse=True)[:args.top]:
            print(f"  {own / total:6.1%}  {module}")


if __name__ == "__main__":
    main()
