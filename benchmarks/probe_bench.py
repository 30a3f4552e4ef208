"""Benchmark: the time `auditcli probe` takes for 100 sites on local servers (one site per server, each
answering after a portal-like delay, a few failing), timed end to end as a timer would run it.

    .venv/bin/python benchmarks/probe_bench.py [--sites 100] [--latency 0.2] [--per-ip 4] [--jitter 0]

All servers are on 127.0.0.1, so `--per-ip` (default 4, the crawl's) bounds the whole run as one IP;
a real fleet spreads over many addresses. `--jitter` adds up to its value by design (default 30 s in
the CLI; 0 here measures the probing itself).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOME = "<html><head><meta charset='utf-8'><title>某某乡人民政府</title></head><body>首页</body></html>".encode()


def handler(latency: float, status: int) -> type[BaseHTTPRequestHandler]:
    class Portal(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if self.path == "/robots.txt":
                body, code = b"User-agent: *\nDisallow: /admin/\n", 200
            else:
                time.sleep(latency)
                body, code = HOME, status
            self.send_response(code)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    return Portal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--per-ip", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--jitter", type=float, default=0.0)
    args = parser.parse_args()
    servers = []
    for i in range(args.sites):
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler(args.latency, 503 if i % 25 == 0 else 200))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    with tempfile.TemporaryDirectory() as tmp:
        sites = Path(tmp) / "sites.yaml"
        sites.write_text("sites:\n" + "".join(
            f"  - id: town{i:03d}\n    name: 第{i}乡\n    level: township\n    url: http://127.0.0.1:{s.server_address[1]}/\n"
            for i, s in enumerate(servers)), "utf-8")
        history = Path(tmp) / "history.sqlite"
        begun = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "auditcli", "probe", str(sites), "--history", str(history),
                               "--jitter", str(args.jitter), "--per-ip", str(args.per_ip),
                               "--concurrency", str(args.concurrency), "--quiet"],
                              capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        seconds = time.perf_counter() - begun
        if done.returncode != 0:
            sys.exit(done.stderr)
        with sqlite3.connect(history) as conn:
            total, failed = conn.execute("SELECT COUNT(*), SUM(ok = 0) FROM probes").fetchone()
    for server in servers:
        server.shutdown()
    print(f"probe: {total} sites in {seconds:.1f}s ({failed} failed as planted), latency {args.latency}s, "
          f"--per-ip {args.per_ip}, --concurrency {args.concurrency}, --jitter {args.jitter}")


if __name__ == "__main__":
    main()
