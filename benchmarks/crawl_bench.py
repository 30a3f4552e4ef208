"""Crawl throughput and memory: `auditcli crawl` against a bare Scrapy spider over the same farm.

    python benchmarks/crawl_bench.py                 # the bundled demo farm
    python benchmarks/crawl_bench.py --synthetic 3000  # plus a generated TRS-style site of N pages

Each crawler runs in its own process (the Twisted reactor runs once per process); the servers run
in this process. Prints pages/s and peak RSS of each, so the overhead of the page store and the
bookkeeping is visible, and (with --synthetic) whether RSS grows with the number of pages.
"""

from __future__ import annotations

import argparse
import http.server
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AUDITCLI = """
import resource, sys, time
from auditcli.app.cli import app
started = time.perf_counter()
try:
    app(sys.argv[1:], standalone_mode=False)
finally:
    from auditcli.stores.pagestore import PageStore
    import pathlib
    out = pathlib.Path(sys.argv[sys.argv.index('--out') + 1])
    store = PageStore.open_existing(out)
    pages = store.db.execute('SELECT COUNT(*) FROM pages').fetchone()[0]
    print(f"AUDITCLI pages={pages} seconds={time.perf_counter() - started:.2f} "
          f"rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")
"""


def synthetic_site(root: Path, pages: int) -> None:
    """A TRS-style portal: columns of 20-item list pages with pagination, each item an article."""
    per_list, columns = 20, 10
    articles_per_column = max(1, pages // columns)
    nav = "".join(f'<li><a href="/col{c}/index.html">栏目{c}</a></li>' for c in range(columns))
    (root / "index.html").write_text(f"<html><head><meta charset='utf-8'><title>合成县</title></head><body><ul>{nav}</ul></body></html>", "utf-8")
    for c in range(columns):
        col = root / f"col{c}"
        col.mkdir(parents=True, exist_ok=True)
        lists = (articles_per_column + per_list - 1) // per_list
        for page in range(lists):
            items = []
            for i in range(page * per_list, min(articles_per_column, (page + 1) * per_list)):
                items.append(f'<li><a href="./t20261020_{i}.html">文章{i}</a><span>2026-10-20</span></li>')
                body = "<p>" + "政务公开内容。" * 200 + "</p>"
                (col / f"t20261020_{i}.html").write_text(
                    f"<html><head><meta charset='utf-8'><title>文章{i}</title></head><body>{body}</body></html>", "utf-8")
            pager = f'<script>createPageHTML({lists}, {page}, "index", "html");</script>'
            # plain page-number links too, so the bare spider can paginate at the same depth
            pager += "".join(f'<a href="index_{n}.html">{n + 1}</a>' for n in range(1, lists))
            name = "index.html" if page == 0 else f"index_{page}.html"
            (col / name).write_text(f"<html><head><meta charset='utf-8'><title>栏目{c}</title></head><body><ul>{''.join(items)}</ul>{pager}</body></html>", "utf-8")


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def run(cmd: list[str]) -> str:
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    lines = [line for line in result.stdout.splitlines() if line.startswith(("AUDITCLI", "BARE"))]
    if not lines:
        raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{result.stderr[-2000:]}")
    return lines[-1]


def measure(sites_file: Path, max_pages: int, label: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ours = run([sys.executable, "-c", AUDITCLI, "crawl", str(sites_file), "--out", tmp, "--delay", "0",
                    "--per-host", "4", "--per-ip", "16", "--timeout", "3", "--max-pages", str(max_pages), "--quiet"])
    bare = run([sys.executable, str(ROOT / "benchmarks" / "bare_spider.py"), str(sites_file), str(max_pages)])
    for line in (ours, bare):
        fields = dict(part.split("=") for part in line.split()[1:])
        rate = float(fields["pages"]) / float(fields["seconds"])
        print(f"{label:<22} {line.split()[0]:<9} pages={fields['pages']:>6}  {rate:7.1f} pages/s  peak RSS {fields['rss_mb']} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--synthetic", type=int, nargs="*", default=[], help="also crawl generated sites of N pages")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo farm")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if not args.no_demo:
        from auditcli.demo import DemoFarm

        with DemoFarm(as_of=date(2026, 11, 20)) as farm:
            measure(farm.sites_file, 500, "demo farm")
    for size in args.synthetic:
        with tempfile.TemporaryDirectory() as tmp:
            synthetic_site(Path(tmp), size)
            server, url = serve(Path(tmp))
            sites = Path(tmp) / "sites.yaml"
            sites.write_text(f"sites:\n  - id: synthetic\n    name: 合成县\n    url: {url}\n", "utf-8")
            started = time.perf_counter()
            measure(sites, size + 100, f"synthetic {size} pages")
            server.shutdown()
            print(f"  ({time.perf_counter() - started:.0f}s)")


if __name__ == "__main__":
    main()
