"""Build the demo farm (pure generation) and run it (DemoFarm: servers on 127.0.0.1)."""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .builder import MAX_AGE
from .expected import derive
from .model import Ctx, PageSpec, SiteBuild
from .server import MANIFEST, DemoHTTPServer
from .sites import SERVERS, SITE_MODULES
from .sites.county import BIG_SIZE, SLOW_DELAY

HOST = "127.0.0.1"
DEFAULT_BASE_PORT = 8101
ANSWER_KEY_SCHEMA = "auditcli.demo-answer-key/v1"


@dataclass
class FarmBuild:
    """What build_farm wrote."""

    root: Path
    as_of: date
    base_urls: dict[str, str]  # server id -> base URL
    urls: dict[str, str]  # site id -> start URL
    sites_file: Path
    answer_key: Path
    server_dirs: dict[str, Path]  # server id -> its docroot


def default_base_urls(base_port: int = DEFAULT_BASE_PORT, host: str = HOST) -> dict[str, str]:
    return {s.id: f"http://{host}:{base_port + i}/" for i, s in enumerate(SERVERS)}


def _file_name(path: str) -> str:
    if "?" in path:
        return "_q/" + hashlib.sha1(path.encode()).hexdigest() + ".bin"
    rel = path.lstrip("/")
    return rel + "index.html" if (not rel or rel.endswith("/")) else rel


def build_farm(root: Path | str, as_of: date, base_urls: dict[str, str] | None = None) -> FarmBuild:
    """Generate every demo site under ``root`` (no servers). ``base_urls`` maps server ids
    (county, town-a, town-b, dept-fgw) to their base URLs; default: ports 8101-8104."""
    root = Path(root)
    base_urls = base_urls or default_base_urls()
    missing = [s.id for s in SERVERS if s.id not in base_urls]
    if missing:
        raise ValueError(f"base_urls lacks servers: {missing}")
    ctx = Ctx(as_of=as_of, base_urls=dict(base_urls))
    builds: list[SiteBuild] = [m.build(ctx) for m in SITE_MODULES]

    routes: dict[str, dict[str, PageSpec]] = {s.id: {} for s in SERVERS}
    for b in builds:
        for path, spec in b.pages.items():
            if path in routes[b.server]:
                raise ValueError(f"path {path} defined twice on server {b.server}")
            routes[b.server][path] = spec
    server_dirs = {}
    for sid, table in routes.items():
        d = root / sid
        if d.exists():
            shutil.rmtree(d)
        manifest: dict[str, Any] = {}
        for path, spec in table.items():
            entry = spec.meta()
            body = spec.body_bytes()
            if body:
                rel = _file_name(path)
                f = d / rel
                f.parent.mkdir(parents=True, exist_ok=True)
                f.write_bytes(body)
                entry["file"] = rel
            manifest[path] = entry
        d.mkdir(parents=True, exist_ok=True)
        (d / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), "utf-8")
        server_dirs[sid] = d

    sites_file = root / "sites.yaml"
    sites_file.write_text(yaml.safe_dump(
        {"audit": {"name": "示例县政府网站季度检查（演示）", "profile": "cn-gov-2019"},
         "sites": [b.config for b in builds if not b.config.get("unlisted")]},
        allow_unicode=True, sort_keys=False), "utf-8")

    answer_key = root / "answer_key.yaml"
    answer_key.write_text(yaml.safe_dump(_answer_key(ctx, builds), allow_unicode=True,
                                         sort_keys=False, width=120), "utf-8")
    urls = {b.config["id"]: b.config["url"] for b in builds}
    return FarmBuild(root=root, as_of=as_of, base_urls=dict(base_urls), urls=urls,
                     sites_file=sites_file, answer_key=answer_key, server_dirs=server_dirs)


def _answer_key(ctx: Ctx, builds: list[SiteBuild]) -> dict[str, Any]:
    sites: dict[str, Any] = {}
    for b in builds:
        c = b.config
        if c.get("unlisted"):  # served and linked, not in the sites file: not audited (coverage.unlisted)
            continue
        site = {"id": c["id"], "name": c["name"], "level": c["level"],
                "parent": c.get("parent"), "url": c["url"], **b.key}
        site["expected_findings"] = derive(site)
        site.pop("findings", None)  # the site's own entries are part of expected_findings now
        sites[c["id"]] = site
    return {
        "schema": ANSWER_KEY_SCHEMA,
        "as_of": ctx.as_of.isoformat(),
        "servers": {k: v for k, v in ctx.base_urls.items()},
        "max_age_days": dict(MAX_AGE),
        "slow_delay_seconds": SLOW_DELAY,
        "big_page_bytes": BIG_SIZE,
        "notes": [
            "Column statuses are computed from the generated items and as_of (age > limit = stale).",
            "item_count counts every item over all list pages of the column; pages lists them.",
            "A column tree audited as its own site (dept-edu under /bm/jyj/) is left out of its host "
            "portal's scope, so its columns are judged once, under its own site.",
            "not_scanned lists what a crawl with --timeout 2, a download cap < 3 MB and robots "
            "obeyed reports; see not_scanned_conditions.",
            "broken_links.confirmed = 404/403 (docs/SPEC.md §6), suspected = other failures.",
            "language-home pages (English/Mongolian start pages) are not columns of the main site.",
            "expected_findings is exhaustive: every finding of an audit of the farm must match one of "
            "its entries (check id; url compared by path; optional selector, data subset, evidence "
            "text, count; optional: true when a run condition decides). Entries are derived from the "
            "facts above; a site module adds any other planted finding to its key's `findings` list "
            "with auditcli.demo.expected.expected_finding(check, url, ...). See auditcli/demo/expected.py.",
        ],
        "sites": sites,
    }


class DemoFarm:
    """The demo portal farm on 127.0.0.1. Starts at construction; use as a context manager.

    ``base_port=None`` binds ephemeral ports; ``base_port=8101`` binds 8101..8104.
    ``root=None`` generates into a temp dir removed by stop() (unless ``keep=True``).
    """

    def __init__(self, as_of: date | None = None, *, base_port: int | None = None,
                 root: Path | str | None = None, host: str = HOST, keep: bool = False,
                 validators: bool = False) -> None:
        self.as_of = as_of or date.today()
        self.host = host
        self._base_port = base_port
        self._own_root = root is None
        self.root = Path(root) if root is not None else Path(tempfile.mkdtemp(prefix="auditcli-demo-"))
        self._keep = keep
        self._validators = validators  # ETag / Last-Modified and 304s, as nginx serves files (server.py)
        self._servers: dict[str, DemoHTTPServer] = {}
        self._threads: list[threading.Thread] = []
        self.build: FarmBuild | None = None
        self.start()

    # ------------------------------------------------------------ lifecycle
    def start(self) -> DemoFarm:
        if self._servers:
            return self
        try:
            for i, sdef in enumerate(SERVERS):
                port = 0 if self._base_port is None else self._base_port + i
                self._servers[sdef.id] = DemoHTTPServer((self.host, port),
                                                        server_header=sdef.server_header,
                                                        headers=sdef.headers, validators=self._validators)
            base_urls = {sid: f"http://{self.host}:{srv.server_address[1]}/"
                         for sid, srv in self._servers.items()}
            self.build = build_farm(self.root, self.as_of, base_urls)
            for sid, srv in self._servers.items():
                srv.load(self.build.server_dirs[sid])
                t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1},
                                     name=f"demo-{sid}", daemon=True)
                srv.serving = True
                t.start()
                self._threads.append(t)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for srv in self._servers.values():
            srv.stop_event.set()
        stoppers = [threading.Thread(target=srv.shutdown) for srv in self._servers.values()
                    if srv.serving]  # in parallel: each waits up to one poll interval
        for t in stoppers:
            t.start()
        for t in stoppers:
            t.join()
        for srv in self._servers.values():
            srv.server_close()
        self._servers.clear()
        self._threads.clear()
        if self._own_root and not self._keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> DemoFarm:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------ what callers use
    def _built(self) -> FarmBuild:
        if self.build is None:
            raise RuntimeError("DemoFarm is not running")
        return self.build

    @property
    def sites_file(self) -> Path:
        return self._built().sites_file

    @property
    def answer_key(self) -> Path:
        return self._built().answer_key

    @property
    def urls(self) -> dict[str, str]:
        return dict(self._built().urls)

    @property
    def base_urls(self) -> dict[str, str]:
        return dict(self._built().base_urls)

    def load_answer_key(self) -> dict[str, Any]:
        return yaml.safe_load(self.answer_key.read_text("utf-8"))
