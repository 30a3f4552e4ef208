"""What the security dimension costs: seconds per host for the TLS scan alone, and the wall time of an
audit of N HTTPS sites with and without it.

    python benchmarks/security_bench.py [--hosts 8] [--pages 30] [--delay 0]

Serves N HTTPS sites from one local nginx (the TLS lab of the tests: valid certificates from a lab
root given with --ca-bundle, TLS 1.2/1.3), each with `--pages` linked pages, then:
1. scans each host alone with `python -m spiders.tlsscan` (one process per host, one after another);
2. runs `auditcli audit` over the N sites twice: with everything, and with `--skip security`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.tlslab import HOME, TLSLab  # noqa: E402


def build(root: Path, hosts: int, pages: int) -> TLSLab:
    lab = TLSLab(root)
    for n in range(hosts):
        links = "".join(f'<li><a href="/p{i}.html">第{i}条 2026-11-{1 + i % 28:02d}</a></li>' for i in range(pages))
        site_pages = {"/index.html": HOME.format(title=f"site {n}", body=f"<ul>{links}</ul>")}
        site_pages.update({f"/p{i}.html": HOME.format(title=f"page {i}", body="<p>正文</p>") for i in range(pages)})
        lab.https(f"site{n}", pages=site_pages)
    return lab


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=8)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--delay", default="0", help="crawl --delay (0: a CPU-bound worst case; 0.5 is the polite default)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        lab = build(root / "lab", args.hosts, args.pages)
        lab.start()
        try:
            seconds = []
            for server in lab.servers.values():
                begun = time.perf_counter()
                done = subprocess.run([sys.executable, "-m", "spiders.tlsscan", "127.0.0.1", str(server.port),
                                       "--ca-bundle", str(lab.ca_bundle)], capture_output=True, text=True, cwd=ROOT)
                seconds.append(time.perf_counter() - begun)
                assert json.loads(done.stdout)["tls"], done.stdout[:300]
            print(f"TLS scan alone: {len(seconds)} hosts, median {statistics.median(seconds):.2f} s per host "
                  f"(min {min(seconds):.2f}, max {max(seconds):.2f}; process start and sslyze import included)")
            sites = root / "sites.yaml"
            sites.write_text("sites:\n" + "".join(f"  - {{id: {name}, name: {name}, url: '{server.url}'}}\n"
                                                 for name, server in lab.servers.items()))
            for label, extra in (("with security", []), ("without security (--skip security)", ["--skip", "security"])):
                begun = time.perf_counter()
                done = subprocess.run([sys.executable, "-m", "auditcli", "audit", str(sites), "--out", str(root / label[:4]),
                                       "--ca-bundle", str(lab.ca_bundle), "--no-history", "--format", "html", "--quiet",
                                       "--delay", args.delay, "--per-host", "4", "--per-ip", "16", *extra],
                                      capture_output=True, text=True, cwd=ROOT)
                wall = time.perf_counter() - begun
                results = json.loads((root / label[:4] / "results.json").read_text())
                pages = sum(s["pages"] for s in results["sites"])
                print(f"audit of {args.hosts} HTTPS sites ({pages} pages, --delay {args.delay}), {label}: "
                      f"{wall:.1f} s wall (exit {done.returncode})")
        finally:
            lab.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
