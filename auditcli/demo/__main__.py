"""python -m auditcli.demo serve [--as-of D] [--base-port 8101] [--root DIR]
python -m auditcli.demo build DIR [--as-of D] [--base-port 8101]
python -m auditcli.demo compare RESULTS.json ANSWER_KEY.yaml
python -m auditcli.demo hostile [--timeout S]      (the hostile-site farm, until Ctrl-C)"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from datetime import date

from .farm import DEFAULT_BASE_PORT, SERVERS, DemoFarm, build_farm, default_base_urls


def busy_port_message(base_port: int | None, exc: OSError) -> str:
    """One line for a farm that cannot bind its ports (another farm, or any server, holds one)."""
    if not base_port:
        return f"error: cannot serve the demo farm on 127.0.0.1: {exc.strerror or exc}"
    last = base_port + len(SERVERS) - 1
    return (f"error: cannot serve the demo farm on 127.0.0.1:{base_port}-{last}: {exc.strerror or exc} "
            f"(another demo farm?); give another --base-port, or --base-port 0 for free ports")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m auditcli.demo", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve", help="serve the demo farm until Ctrl-C")
    s.add_argument("--as-of", type=date.fromisoformat, default=date.today())
    s.add_argument("--base-port", type=int, default=DEFAULT_BASE_PORT,
                   help="first port (default 8101); 0 = ephemeral ports")
    s.add_argument("--root", help="generate into this directory (default: a temp dir)")
    b = sub.add_parser("build", help="only generate the files, sites.yaml and answer_key.yaml")
    b.add_argument("root")
    b.add_argument("--as-of", type=date.fromisoformat, default=date.today())
    b.add_argument("--base-port", type=int, default=DEFAULT_BASE_PORT)
    c = sub.add_parser("compare", help="diff a results.json against an answer key")
    c.add_argument("results")
    c.add_argument("answer_key")
    h = sub.add_parser("hostile", help="serve the hostile-site farm (one pathology per path or host) until Ctrl-C")
    h.add_argument("--timeout", type=float, default=2.0, help="the --timeout you will audit it with (default 2)")
    a = p.parse_args(argv)
    if a.cmd == "hostile":
        from .hostile import HostileFarm

        with HostileFarm(timeout=a.timeout) as hostile:
            print(hostile.sites_file, flush=True)
            for case in hostile.cases:
                print(f"  {case.id:22} {hostile.url(case.site, case.url_path)}", file=sys.stderr)
            print("Serving the hostile farm; Ctrl-C to stop.", file=sys.stderr, flush=True)
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            try:
                while not stop.wait(0.5):
                    pass
            except KeyboardInterrupt:
                pass
        return 0
    if a.cmd == "compare":
        from .compare import compare_files

        diffs = compare_files(a.results, a.answer_key)
        for line in diffs:
            print(line)
        print(f"{len(diffs)} mismatches", file=sys.stderr)
        return 1 if diffs else 0
    if a.cmd == "build":
        fb = build_farm(a.root, a.as_of, default_base_urls(a.base_port))
        print(fb.sites_file)
        return 0
    try:
        farm = DemoFarm(as_of=a.as_of, base_port=a.base_port or None, root=a.root)
    except OSError as exc:  # a port in use: one line and exit 2, as every bad input
        print(busy_port_message(a.base_port, exc), file=sys.stderr)
        return 2
    try:
        print(farm.sites_file, flush=True)
        for sid, url in farm.urls.items():
            print(f"  {sid:10} {url}", file=sys.stderr)
        print(f"  answer key {farm.answer_key}", file=sys.stderr)
        print("Serving the demo farm; Ctrl-C to stop.", file=sys.stderr, flush=True)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        farm.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
