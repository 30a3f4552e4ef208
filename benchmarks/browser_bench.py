"""Browser mode's pages/s when pages reference a dead host, and what bounding each sub-resource costs.

    python benchmarks/browser_bench.py --dead-refs 150       # 150 pages, each referencing a dead host
    python benchmarks/browser_bench.py --live-refs 100        # pages with 100 live sub-resources (nginx):
                                                             # each sub-resource bounded vs not

`--dead-refs N`: N county-portal pages on one 127.0.0.1 server, each referencing a second local "dead"
server (a listening socket that accepts connections and never answers, as a CDN or video host that
hangs) three ways: a parser-blocking `<script src>` in `<head>`, an `<img>` and an `<iframe>`.
`--live-refs K`: `--pages` pages served by nginx, each with K small scripts, stylesheets and images on
the same host (shared by every page, as a template's are; `--distinct`: each page its own); rendered with
sub-resources bounded (`route.fetch` and the tabs' asset cache, the default) and unbounded
(`--browser-resource-timeout 0`: no request routed at all), interleaved, best of `--repeat`.
Both render with the demo's fast flags (`--delay 0 --per-host 4 --per-ip 16`) and 4 tabs.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spiders.render import RenderOptions, render_pages  # noqa: E402

FAST = {"delay": 0.0, "per_host": 4, "per_ip": 16}


@contextlib.contextmanager
def dead_server() -> Iterator[int]:
    """A port that accepts connections and never answers (they are held open until the block ends)."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    held: list[socket.socket] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                held.append(listener.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        for conn in held:
            conn.close()


def county_page(n: int, dead: str) -> str:
    """A county portal's page as TRS templates write it, with a CDN script, a banner and a video frame
    on a host that never answers."""
    items = "".join(f'<li><a href="/art/{n}-{i}.html">关于做好{i}月份重点工作的通知</a><span>2026-11-{i + 1:02d}</span></li>'
                    for i in range(12))
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>某县人民政府 第{n}站</title>'
            f'<script src="{dead}/cdn/jquery-1.12.4.min.js"></script></head><body>'
            f'<div class="top">今天是2026年11月20日</div><img src="{dead}/upload/banner.jpg" width="1000">'
            f'<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/bsfw/">办事服务</a></div>'
            f'<div class="list"><h2>通知公告</h2><ul>{items}</ul></div>'
            f'<iframe src="{dead}/video/player.html" width="400" height="300" title="宣传片"></iframe>'
            f'<div class="foot">主办：某县人民政府办公室</div></body></html>')


def page_server(pages: int, dead: str) -> type[BaseHTTPRequestHandler]:
    class Pages(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            n = int(self.path.strip("/").split("-")[-1] or 0) if self.path.startswith("/site-") else 0
            body = county_page(n, dead).encode()
            head = (f"HTTP/1.0 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n").encode()
            self.wfile.write(head + body)  # one write: no delayed-ACK stall between head and body

        def log_message(self, *args) -> None:
            pass

    return Pages


def dead_refs(count: int, options: RenderOptions) -> None:
    with dead_server() as dead_port:
        server = ThreadingHTTPServer(("127.0.0.1", 0), page_server(count, f"http://127.0.0.1:{dead_port}"))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            urls = [f"http://127.0.0.1:{server.server_address[1]}/site-{n}/" for n in range(count)]
            begun = time.perf_counter()
            results = render_pages(urls, options)
            seconds = time.perf_counter() - begun
        finally:
            server.shutdown()
            server.server_close()
    statuses = Counter(r["status"] for r in results.values())
    print(f"{count} pages referencing a dead host: {seconds:.1f} s, {count / seconds:.2f} pages/s "
          f"with {options.workers} tabs, timeout {options.timeout:g} s ({dict(statuses)})")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def nginx(root: Path) -> Iterator[int]:
    """nginx serving `root` on a free 127.0.0.1 port."""
    port = free_port()
    conf = root / "nginx.conf"
    conf.write_text(f"daemon off; worker_processes 1; pid {root}/nginx.pid; error_log {root}/error.log;\n"
                    f"events {{}} http {{ access_log off; types {{ text/html html; text/css css; "
                    f"application/javascript js; image/png png; }}\n"
                    f"server {{ listen 127.0.0.1:{port}; root {root}/www; }} }}\n")
    process = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(root), "-g", "user root;"],
                               stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.1):
                break
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(10)


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")


def live_site(www: Path, pages: int, refs: int, distinct: bool) -> None:
    """`pages` pages, each with `refs` sub-resources: a third scripts, a third stylesheets, a third images;
    shared by every page as a template's are, or (`distinct`) each page's own, so no cache can help."""
    for n in range(pages if distinct else 1):
        folder = www / (f"r{n}" if distinct else "r")
        folder.mkdir(parents=True)
        for i in range(refs):
            (folder / f"s{i}.js").write_text(f"window.n{i} = {i};")
            (folder / f"c{i}.css").write_text(f".c{i} {{ margin: {i % 7}px }}")
            (folder / f"i{i}.png").write_bytes(PNG)
    third = refs // 3
    for n in range(pages):
        folder = f"/r{n}" if distinct else "/r"
        head = "".join(f'<link rel="stylesheet" href="{folder}/c{i}.css">' for i in range(third))
        head += "".join(f'<script src="{folder}/s{i}.js"></script>' for i in range(third))
        images = "".join(f'<img src="{folder}/i{i}.png" alt="图{i}">' for i in range(refs - 2 * third))
        (www / f"p{n}.html").write_text(f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
                                        f'<title>第{n}页</title>{head}</head><body><h1>政务公开</h1>{images}'
                                        f'</body></html>', "utf-8")


def live_refs(pages: int, refs: int, options: RenderOptions, repeat: int, distinct: bool) -> None:
    if shutil.which("nginx") is None:
        raise SystemExit("--live-refs needs nginx")
    with tempfile.TemporaryDirectory() as tmp, nginx(Path(tmp)) as port:
        live_site(Path(tmp) / "www", pages, refs, distinct)
        urls = [f"http://127.0.0.1:{port}/p{n}.html" for n in range(pages)]
        best = {"bounded": float("inf"), "unbounded": float("inf")}
        for _ in range(repeat):
            for label, bound in (("bounded", options.resource_timeout), ("unbounded", None)):
                begun = time.perf_counter()
                results = render_pages(urls, dataclasses.replace(options, resource_timeout=bound))
                best[label] = min(best[label], time.perf_counter() - begun)
                assert all(r["status"] == "ok" for r in results.values()), results
    requests = pages * (refs + 1)
    for label, seconds in best.items():
        print(f"{pages} pages x {refs} {'distinct' if distinct else 'shared'} live sub-resources, {label:9}: "
              f"{seconds:.2f} s, {pages / seconds:.2f} pages/s")
    extra = best["bounded"] - best["unbounded"]
    print(f"  bounding costs {extra:+.2f} s: {1000 * extra / requests:+.2f} ms per request "
          f"({requests} requests, {options.workers} tabs)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dead-refs", type=int, metavar="PAGES")
    parser.add_argument("--live-refs", type=int, metavar="REFS")
    parser.add_argument("--pages", type=int, default=30, help="pages for --live-refs")
    parser.add_argument("--distinct", action="store_true", help="--live-refs: each page its own sub-resources")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per page (default: browser mode's 20)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    options = RenderOptions(workers=args.workers, timeout=args.timeout, **FAST)
    if args.dead_refs:
        dead_refs(args.dead_refs, options)
    if args.live_refs:
        live_refs(args.pages, args.live_refs, options, args.repeat, args.distinct)
    return 0


if __name__ == "__main__":
    sys.exit(main())
