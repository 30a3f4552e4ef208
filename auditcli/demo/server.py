"""The HTTP side of the demo farm: one ThreadingHTTPServer per demo server, serving a route manifest.

Each server directory under the farm root holds the generated files plus ``_routes.json``
(path -> status, headers, delay, redirect, file). Paths with a query string are matched exactly
first, then without the query. Files dropped into the directory without a manifest entry are
served too. GET and HEAD are answered; nothing is logged.

With ``validators`` (``DemoFarm(validators=True)``), files are served as nginx serves static files:
with an ``ETag`` and a ``Last-Modified`` made from the file's mtime and size, and a 304 for a
conditional GET that still matches (the tests of re-audits that fetch only what changed). Off by
default: the answer key was written for the farm without them.
"""

from __future__ import annotations

import json
import mimetypes
import threading
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

MANIFEST = "_routes.json"
NOT_FOUND = ('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>404 Not Found'
             "</title></head><body><h1>404 Not Found</h1><p>您访问的页面不存在。</p></body></html>\n"
             ).encode()


class DemoHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, addr: tuple[str, int], *, server_header: str = "nginx",
                 headers: dict[str, str] | None = None, validators: bool = False) -> None:
        super().__init__(addr, DemoHandler)
        self.validators = validators
        self.server_header = server_header
        self.default_headers = dict(headers or {})
        self.docroot: Path | None = None
        self.routes: dict[str, dict[str, Any]] = {}
        self.stop_event = threading.Event()
        self.serving = False  # set once a thread runs serve_forever (shutdown() would block otherwise)

    def load(self, docroot: Path) -> None:
        """Serve ``docroot`` (a server directory written by build_farm)."""
        self.docroot = docroot
        manifest = docroot / MANIFEST
        self.routes = json.loads(manifest.read_text("utf-8")) if manifest.exists() else {}

    def handle_error(self, request: Any, client_address: Any) -> None:  # no tracebacks on stderr
        pass


class DemoHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30  # idle keep-alive connections
    server: DemoHTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # silence
        pass

    def version_string(self) -> str:
        return self.server.server_header

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_POST(self) -> None:  # the farm never accepts submissions
        self._send(405, {"Allow": "GET, HEAD", "Content-Type": "text/plain; charset=utf-8"},
                   b"405 Method Not Allowed\n", head=False)

    # ------------------------------------------------------------------
    def _resolve(self) -> tuple[dict[str, Any] | None, str]:
        parts = urlsplit(self.path)
        path = unquote(parts.path) or "/"
        routes = self.server.routes
        keys = []
        if parts.query:
            keys.append(f"{path}?{parts.query}")
        keys.append(path)
        if path.endswith("/"):
            keys.append(path + "index.html")
        for k in keys:
            if k in routes:
                return routes[k], path
        if not path.endswith("/") and path + "/index.html" in routes:
            return {"status": 301, "redirect": path + "/", "headers": {}}, path
        # a file dropped into the docroot without a manifest entry
        root = self.server.docroot
        if root is not None:
            rel = (path + "index.html" if path.endswith("/") else path).lstrip("/")
            f = (root / rel).resolve()
            if f.is_file() and root.resolve() in f.parents and f.name != MANIFEST:
                ctype = mimetypes.guess_type(f.name)[0] or "application/octet-stream"
                return {"status": 200, "file": rel, "content_type": ctype, "headers": {}}, path
        return None, path

    def _serve(self, head: bool) -> None:
        route, _ = self._resolve()
        if route is None:
            self._send(404, {"Content-Type": "text/html; charset=utf-8"}, NOT_FOUND, head)
            return
        delay = float(route.get("delay") or 0)
        if delay and self.server.stop_event.wait(delay):
            return  # farm stopping: drop the connection
        headers: dict[str, str] = {}
        if route.get("content_type"):
            headers["Content-Type"] = route["content_type"]
        headers.update(route.get("headers") or {})
        if route.get("redirect"):
            headers["Location"] = route["redirect"]
        body = b""
        if route.get("file") and self.server.docroot is not None:
            path = self.server.docroot / route["file"]
            body = path.read_bytes()
            if self.server.validators and int(route.get("status", 200)) == 200 and self._unchanged(path, headers):
                self._send(304, headers, b"", head=True)
                return
        self._send(int(route.get("status", 200)), headers, body, head)

    def _unchanged(self, path: Path, headers: dict[str, str]) -> bool:
        """Add nginx's validators of a static file to `headers`; True when the request's still match."""
        stat = path.stat()
        headers.setdefault("ETag", f'"{int(stat.st_mtime):x}-{stat.st_size:x}"')
        headers.setdefault("Last-Modified", formatdate(int(stat.st_mtime), usegmt=True))
        if self.command != "GET":
            return False
        match = self.headers.get("If-None-Match")
        if match is not None:
            return headers["ETag"] in (tag.strip() for tag in match.split(","))
        since = self.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            return parsedate_to_datetime(since) == parsedate_to_datetime(headers["Last-Modified"])  # nginx: exact
        except (TypeError, ValueError):
            return False

    def _send(self, status: int, headers: dict[str, str], body: bytes, head: bool) -> None:
        try:
            self.send_response(status)
            for k, v in {**self.server.default_headers, **headers}.items():
                self.send_header(k, v)
            if status != 304:  # a 304 says nothing of the body's length
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head and body:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
