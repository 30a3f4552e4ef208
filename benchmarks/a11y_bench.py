"""What the accessibility dimension costs: `check` pages/s with and without it, and browser mode's pages/s.

    python benchmarks/a11y_bench.py --demo                  # crawl the demo farm, time check ± accessibility
    python benchmarks/a11y_bench.py --demo --browser        # ... and browser mode (sample, then all pages)
    python benchmarks/a11y_bench.py --demo --browser --workers 1 --modes sample   # one tab, no pool
    python benchmarks/a11y_bench.py --demo --browser --delay 0 --per-host 4 --per-ip 16   # the demo's fast flags
    python benchmarks/a11y_bench.py --store DIR             # a stored crawl (DIR/pages.sqlite)
    python benchmarks/a11y_bench.py --synthetic 2000        # columns_bench's synthetic county portal

Checks run in this process on the stored crawl (no network), as `auditcli check` runs them: all
dimensions, then all but accessibility (`--skip accessibility`); best of `--repeat` runs each.
Browser mode renders through one Chromium with a pool of `--workers` tabs, as polite as `audit --browser`
with the same `--delay`, `--per-host` and `--per-ip` (default: the crawl's defaults, 0.5 s, 2 and 4).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditcli.app.orchestrate import CheckOptions, check_store  # noqa: E402
from auditcli.stores.pagestore import PageStore  # noqa: E402
from spiders.options import CrawlOptions  # noqa: E402

AS_OF = date(2026, 11, 20)


def time_checks(store: Path, repeat: int) -> tuple[float, float, int]:
    """Best of `repeat` runs with and without accessibility, interleaved (the machine is shared)."""
    best = {"with": float("inf"), "without": float("inf")}
    pages = 0
    for _ in range(repeat):
        for label, skip in (("with", []), ("without", ["accessibility"])):
            begun = time.perf_counter()
            results = check_store(store, CheckOptions(as_of=AS_OF, skip=skip))
            best[label] = min(best[label], time.perf_counter() - begun)
            pages = sum(site["pages"] for site in results["sites"])
    return best["with"], best["without"], pages


def demo_crawl(root: Path) -> tuple[Path, object]:
    from auditcli.demo import DemoFarm

    farm = DemoFarm(as_of=AS_OF)
    farm.__enter__()
    out = root / "crawl"
    subprocess.run([sys.executable, "-m", "auditcli", "crawl", str(farm.sites_file), "--out", str(out),
                    "--as-of", AS_OF.isoformat(), "--delay", "0", "--per-ip", "16", "--per-host", "4",
                    "--timeout", "2", "--max-size", "1000000", "--quiet"], check=True, cwd=ROOT)
    return out, farm


def synthetic(root: Path, pages: int) -> Path:
    from benchmarks.columns_bench import synthetic_store

    store, config = synthetic_store(root / "crawl", pages)
    store.set_site_status(config.id, "ok")
    store.set_meta("as_of", AS_OF.isoformat())
    store.close()
    return root / "crawl"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--demo", action="store_true")
    source.add_argument("--store", type=Path)
    source.add_argument("--synthetic", type=int, metavar="PAGES")
    parser.add_argument("--browser", action="store_true", help="also time browser mode (needs --demo)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--modes", default="sample,all", help="browser modes to time (sample,all)")
    crawl = CrawlOptions()
    parser.add_argument("--delay", type=float, default=crawl.delay, help="seconds between page loads of one host")
    parser.add_argument("--per-host", type=int, default=crawl.per_host, help="tabs on one host at once")
    parser.add_argument("--per-ip", type=int, default=crawl.per_ip, help="tabs on one IP address at once")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    farm = None
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if args.store:
            store = root / "crawl"
            shutil.copytree(args.store, store)
            label = str(args.store)
        elif args.synthetic:
            store = synthetic(root, args.synthetic)
            label = f"synthetic county portal, {args.synthetic} pages"
        else:
            store, farm = demo_crawl(root)
            label = "demo farm (5 sites)"
        try:
            with_a11y, without, pages = time_checks(store, args.repeat)
            print(f"{label}: {pages} pages checked")
            print(f"  check, all dimensions:          {with_a11y:6.2f} s  {pages / with_a11y:7.1f} pages/s")
            print(f"  check --skip accessibility:     {without:6.2f} s  {pages / without:7.1f} pages/s")
            print(f"  accessibility costs {with_a11y - without:+.2f} s "
                  f"({1000 * (with_a11y - without) / max(pages, 1):.2f} ms per page, "
                  f"{100 * (with_a11y - without) / without:+.0f} %)")
            if args.browser:
                from auditcli.app.browser import render_store
                from spiders.render import RenderOptions

                for mode in args.modes.split(","):
                    copy = root / f"browser-{mode}"
                    shutil.copytree(store, copy)
                    options = RenderOptions(workers=args.workers, timeout=5, delay=args.delay,
                                            per_host=args.per_host, per_ip=args.per_ip)
                    run = render_store(copy, mode, options)
                    delay, per_host, _ = options.limits()
                    PageStore.open_existing(copy).close()
                    print(f"  browser mode {mode:6}: {run.ok}/{run.pages} pages rendered and scanned in "
                          f"{run.seconds:.1f} s, {run.pages / run.seconds:.2f} pages/s with {args.workers} tabs, "
                          f"per host {per_host} at once and {delay:g} s apart "
                          f"({len(run.not_scanned)} not scanned: "
                          f"{', '.join(n['reason'] for n in run.not_scanned) or '-'})")
        finally:
            if farm is not None:
                farm.__exit__(None, None, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
