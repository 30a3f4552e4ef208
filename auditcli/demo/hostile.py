"""The hostile-site farm: one pathology per path or per host, served on 127.0.0.1.

Real government servers are slow, broken, behind WAFs and sometimes pathological. This farm
reproduces each pathology with a raw asyncio server (so it can reset connections, trickle bytes,
stall a TLS handshake or stream 50 MB), records when each case was first asked for and when it
last let go, and writes a sites file. `tests/test_hostile.py` audits it and holds every case to a
wall-time bound; `benchmarks/hostile_table.py` publishes the table in the README.

    with HostileFarm() as farm:
        farm.sites_file, farm.cases, farm.seconds(case)

Paths of the `paths` site (the rest of that site is ordinary and must still be audited):
  /slow /trickle /reset /huge /gzip-bomb /deep /bad-encoding /redirect-loop /chain/0 /meta-loop
  /js-loop /calendar?date=… /list?page=N /retry-429 /retry-503-date /retry-too-long /waf-403
  /waf-412 /form-target /logout.html /delete?id=1
Hosts (one port each): slow-site, reset-site, robots-huge, robots-binary, robots-500, tls-stall,
dns (a name under .invalid), soft-404, endless (for --site-budget), control.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import os
import socket
import struct
import tempfile
import threading
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

MB = 1024 * 1024
UNRESOLVABLE_HOST = "portal.auditcli-hostile.invalid"  # .invalid never resolves (RFC 6761)


@dataclass(frozen=True)
class Case:
    """One pathology: where it lives, what it does, what a correct audit makes of it."""

    id: str
    where: str            # "path" (a URL on the `paths` site) or "host" (a site of its own)
    url_path: str         # the path (and query) of the pathological URL
    pathology: str        # human words for the README table
    expect: tuple[str, ...]  # acceptable outcomes: not_scanned reasons, "audited", "finding:<check>", "status:<s>"
    bound: float          # seconds the case may hold the crawler (server side), beyond which the test fails
    site: str = "paths"   # the site id the case belongs to


@dataclass
class _Timing:
    first: float | None = None
    last: float | None = None
    requests: int = 0


@dataclass
class Request:
    method: str
    target: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


Handler = Callable[[Request, asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def html(title: str, body: str, charset: str = "utf-8") -> bytes:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="{charset}"><title>{title}</title>'
            f"</head><body>{body}</body></html>\n").encode(charset, "replace")


def response_head(status: int, headers: dict[str, str] | None = None, reason: str = "") -> bytes:
    lines = [f"HTTP/1.1 {status} {reason or 'X'}", "Server: hostile", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _page(status: int, body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str) -> bytes:
    return response_head(status, {"Content-Type": content_type, "Content-Length": str(len(body)), **headers}) + body


class HostileFarm:
    """Start every hostile server on free 127.0.0.1 ports; `sites_file` lists them as a fleet."""

    def __init__(self, timeout: float = 2.0, site_budget: float = 14.0, directory: Path | None = None):
        self.timeout = timeout       # the --timeout the audit will use: slow cases outlast it
        self.site_budget = site_budget  # the --site-budget it will use: the endless site outlasts it
        self._tmp = None if directory else tempfile.TemporaryDirectory(prefix="auditcli-hostile-")
        self.root = Path(directory or self._tmp.name)
        self.ports: dict[str, int] = {}
        self.timings: dict[str, _Timing] = {}
        self.seen_requests: list[tuple[str, str, str, dict[str, str]]] = []  # (site, method, target, headers)
        self._loop = asyncio.new_event_loop()
        self._servers: list[asyncio.AbstractServer] = []
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._retry_seen: set[str] = set()
        self._bomb: bytes | None = None
        self.cases = self._cases()

    # -- the cases ---------------------------------------------------------------------------------
    def _cases(self) -> list[Case]:
        t = self.timeout
        # a fetch and its retry, plus the Retry-After waits the `paths` host asks for (1 s + 2 s, during
        # which its other requests wait too), plus slack for a loaded machine
        fetch = 2 * t + 7
        # a host that stalls or resets every connection also holds the security dimension's TLS scan,
        # whose deadline is max(30 s, 6 × --timeout) but never more than the site budget
        tls = min(max(30.0, 6 * t), self.site_budget) + 5
        c = Case
        return [
            c("slow", "path", "/slow", f"answers after 30 s (over --timeout {t:g} s)", ("timeout",), fetch),
            c("trickle", "path", "/trickle", "sends one byte a second, forever", ("timeout",), fetch),
            c("reset", "path", "/reset", "resets the connection (TCP RST)", ("connection-error",), fetch),
            c("huge", "path", "/huge", "a 50 MB page (no Content-Length)", ("too-large",), fetch),
            c("gzip-bomb", "path", "/gzip-bomb", "gzip bomb: 100 KB that inflates to 200 MB", ("too-large",), fetch),
            c("deep", "path", "/deep", "HTML nested 10,000 levels deep", ("audited",), fetch),
            c("bad-encoding", "path", "/bad-encoding", "invalid bytes in the declared encoding (UTF-8, GBK)",
              ("audited",), fetch),
            c("redirect-loop", "path", "/redirect-loop", "redirect loop A → B → A", ("redirect-loop",), fetch),
            c("redirect-chain", "path", "/chain/0", "a chain of 30 redirects", ("too-many-redirects",), fetch),
            c("meta-refresh-loop", "path", "/meta-loop", "meta refresh loop A → B → A", ("redirect-loop",), fetch),
            c("js-redirect-loop", "path", "/js-loop", "JavaScript redirect loop A → B → A", ("audited",), fetch),
            c("calendar-trap", "path", "/calendar?date=2026-11-01", "infinite calendar (?date=… next/previous)",
              ("crawler-trap", "max-depth"), 3 * t + 8),
            c("query-trap", "path", "/list?page=1", "infinite pager (?page=N+1, ?page=N+2, …)",
              ("crawler-trap", "max-depth"), 3 * t + 8),
            c("retry-429-seconds", "path", "/retry-429", "429 with Retry-After: 1 (seconds), then 200",
              ("audited",), fetch + 1),
            c("retry-503-date", "path", "/retry-503-date", "503 with Retry-After as an HTTP-date (+2 s), then 200",
              ("audited",), fetch + 2),
            c("retry-after-over-cap", "path", "/retry-too-long", "429 with Retry-After: 3600 (over the cap)",
              ("http-429",), fetch),
            c("waf-403", "path", "/waf-403", "WAF challenge page with 403", ("waf-challenge",), fetch),
            c("waf-412", "path", "/waf-412", "WAF JavaScript challenge with 412 (瑞数-style)", ("waf-challenge",), fetch),
            c("logout-link", "path", "/logout.html", "a 退出登录 (logout) link", ("unsafe-link",), fetch),
            c("delete-link", "path", "/delete?id=1", "a 删除 (delete) link", ("unsafe-link",), fetch),
            c("logout-redirect", "path", "/jump?id=7", "a link that redirects (302) to a logout URL", ("unsafe-link",),
              fetch),
            c("form", "path", "/form-target", "a form (GET and POST) on a page", ("never-requested",), fetch),
            c("slow-site", "host", "/", f"every answer takes 30 s (over --timeout {t:g} s)", ("timeout",), tls,
              site="slow-site"),
            c("reset-site", "host", "/", "every connection is reset", ("connection-error",), tls, site="reset-site"),
            c("robots-huge", "host", "/", "robots.txt of 30 MB", ("audited",), fetch + 2, site="robots-huge"),
            c("robots-binary", "host", "/", "robots.txt of random binary bytes", ("audited",), fetch,
              site="robots-binary"),
            c("robots-500", "host", "/", "robots.txt answers 500", ("robots-unavailable",), fetch, site="robots-500"),
            c("tls-stall", "host", "/", "TLS handshake that never completes", ("timeout", "tls-error"), tls,
              site="tls-stall"),
            c("dns", "host", "/", f"host name that does not resolve ({UNRESOLVABLE_HOST})", ("dns-error",), fetch + 2,
              site="dns"),
            c("soft-404", "host", "/", "every URL answers 200 with the same 页面不存在 page", ("soft-404",), fetch,
              site="soft-404"),
            c("endless", "host", "/", "an endless slow site (1.5 s a page, 5 new links each)", ("site-budget",),
              # cut off at the budget; only the requests already on the wire still finish
              self.site_budget + 5, site="endless"),
        ]

    # -- life cycle --------------------------------------------------------------------------------
    def __enter__(self) -> HostileFarm:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        self._thread.start()
        hosts: dict[str, Handler] = {
            "paths": self._paths, "slow-site": self._slow_site, "reset-site": self._reset_site,
            "robots-huge": self._robots_huge, "robots-binary": self._robots_binary, "robots-500": self._robots_500,
            "tls-stall": self._tls_stall, "soft-404": self._soft_404, "endless": self._endless,
            "control": self._control,
        }
        for name, handler in hosts.items():
            future = asyncio.run_coroutine_threadsafe(self._serve(name, handler), self._loop)
            self.ports[name] = future.result(10)
        self.write_sites_file()

    def stop(self) -> None:
        async def close() -> None:
            for server in self._servers:
                server.close()
            for task in [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]:
                task.cancel()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        if self._tmp is not None:
            self._tmp.cleanup()

    async def _serve(self, name: str, handler: Handler) -> int:
        async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                await self._connection(name, handler, reader, writer)
            except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError, OSError):
                pass
            finally:
                self._touch(name, writer)
                with contextlib.suppress(Exception):  # the peer is gone
                    writer.close()

        server = await asyncio.start_server(on_connect, "127.0.0.1", 0, limit=256 * 1024)
        self._servers.append(server)
        return server.sockets[0].getsockname()[1]

    def url(self, site: str, path: str = "/") -> str:
        if site == "dns":
            return f"http://{UNRESOLVABLE_HOST}{path}"
        scheme = "https" if site == "tls-stall" else "http"
        return f"{scheme}://127.0.0.1:{self.ports[site]}{path}"

    def write_sites_file(self) -> Path:
        sites = [{"id": name, "name": f"hostile {name}", "level": "county", "url": self.url(name)}
                 for name in [*self.ports, "dns"]]
        self.sites_file = self.root / "hostile-sites.yaml"
        self.sites_file.write_text(yaml.safe_dump({"audit": {"name": "hostile farm"}, "sites": sites},
                                                  allow_unicode=True, sort_keys=False), "utf-8")
        return self.sites_file

    # -- timing ------------------------------------------------------------------------------------
    def _key(self, site: str, target: str) -> str:
        if site != "paths":
            return site
        path = urlsplit(target).path
        for case in self.cases:
            if case.where == "path" and path.startswith(urlsplit(case.url_path).path.rstrip("0")):
                return case.id
        for prefix, case_id in (("/redirect-loop", "redirect-loop"), ("/chain/", "redirect-chain"),
                                ("/meta-loop", "meta-refresh-loop"), ("/js-loop", "js-redirect-loop")):
            if path.startswith(prefix):
                return case_id
        return f"paths:{path}"

    def _mark(self, key: str) -> None:
        timing = self.timings.setdefault(key, _Timing())
        now = time.monotonic()
        timing.first = timing.first or now
        timing.last = now
        timing.requests += 1

    def _touch(self, site: str, writer: asyncio.StreamWriter) -> None:
        key = getattr(writer, "_hostile_key", None) or (site if site != "paths" else None)
        if key and key in self.timings:
            self.timings[key].last = time.monotonic()

    def seconds(self, case_id: str) -> float | None:
        """How long the case held the crawler: first request to the last connection it let go."""
        timing = self.timings.get(case_id)
        if timing is None or timing.first is None:
            return None
        return round((timing.last or timing.first) - timing.first, 2)

    def requests(self, case_id: str) -> int:
        timing = self.timings.get(case_id)
        return timing.requests if timing else 0

    # -- HTTP plumbing -----------------------------------------------------------------------------
    async def _connection(self, site: str, handler: Handler, reader: asyncio.StreamReader,
                          writer: asyncio.StreamWriter) -> None:
        if site == "tls-stall":
            self._mark(site)
            await handler(None, reader, writer)  # type: ignore[arg-type]
            return
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = (lines[0].split(" ") + ["", ""])[:3]
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                key, value = line.split(":", 1)
                headers[key.strip().lower()] = value.strip()
        parts = urlsplit(target)
        request = Request(method, target, parts.path, parse_qs(parts.query), headers)
        key = self._key(site, target)
        writer._hostile_key = key  # type: ignore[attr-defined]
        self._mark(key)
        self.seen_requests.append((site, method, target, headers))
        if method not in ("GET", "HEAD"):
            writer.write(_page(405, b"no", "text/plain"))
            await writer.drain()
            return
        await handler(request, reader, writer)
        await writer.drain()

    @staticmethod
    async def _hold(reader: asyncio.StreamReader, seconds: float) -> bool:
        """Wait up to `seconds` or until the client hangs up; True when the client is still there."""
        try:
            while True:
                if not await asyncio.wait_for(reader.read(4096), seconds):
                    return False
        except TimeoutError:
            return True

    @staticmethod
    def _reset(writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    # -- the `paths` site: an ordinary portal whose links lead into every pathology -----------------
    async def _paths(self, request: Request, reader, writer) -> None:
        """The site's table of contents: the ordinary portal, then each family of pathologies; a path
        none of them serves is a plain 404."""
        for serve in (self._portal_pages, self._transport_pathologies, self._markup_pathologies,
                      self._redirect_loops, self._crawler_traps, self._retries_and_wafs):
            if await serve(request, reader, writer):
                return
        writer.write(_page(404, html("404", "<p>页面不存在</p>")))

    async def _portal_pages(self, request: Request, reader, writer) -> bool:
        """robots.txt, the home page, its news and the pages a polite crawler must never ask for."""
        path, w = request.path, writer.write
        if path == "/robots.txt":
            w(_page(200, b"User-agent: *\nDisallow: /private/\n", "text/plain"))
        elif path == "/":
            w(_page(200, html("示例县人民政府", self._home_body())))
        elif path.startswith("/news/"):
            w(_page(200, html("新闻", "<h1>县政府召开常务会议</h1><p>发布日期：2026-11-18</p>"
                                    '<a href="/">返回首页</a>')))
        elif path in ("/logout.html", "/delete", "/user/zhuxiao.html", "/form-target", "/sso/logout"):
            w(_page(200, html("危险", "<p>auditcli must never ask for this</p>")))
        else:
            return False
        return True

    def _home_body(self) -> str:
        """Links into every path case (not the dangerous ones), two news rows, dangerous links and forms."""
        links = "".join(f'<li><a href="{c.url_path}">{c.id}</a></li>' for c in self.cases if c.where == "path"
                        and c.id not in ("logout-link", "delete-link", "form"))
        return (f"<h1>示例县人民政府</h1><ul>{links}</ul>"
                '<ul><li><a href="/news/1.html">县政府召开常务会议</a><span>2026-11-18</span></li>'
                '<li><a href="/news/2.html">乡村振兴工作推进会</a><span>2026-11-10</span></li></ul>'
                '<p><a href="/logout.html">退出登录</a> <a href="/delete?id=1">删除</a> '
                '<a href="/user/zhuxiao.html">注销账号</a></p>'
                '<form action="/form-target" method="post"><input name="q"><button>提交</button></form>'
                '<form action="/form-target"><input name="s"><button>搜索</button></form>')

    async def _transport_pathologies(self, request: Request, reader, writer) -> bool:
        """Slow, trickling, reset, endless and decompression-bomb responses: the fetch must give up."""
        path, w = request.path, writer.write
        if path == "/slow":
            if await self._hold(reader, 30):
                w(_page(200, html("slow", "too late")))
        elif path == "/trickle":
            w(response_head(200, {"Content-Type": "text/html; charset=utf-8", "Content-Length": "100000"}))
            for _ in range(60):
                w(b"<")
                await writer.drain()
                await asyncio.sleep(1)
        elif path == "/reset":
            self._reset(writer)
        elif path == "/huge":
            w(response_head(200, {"Content-Type": "text/html; charset=utf-8"}))
            chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"
            for _ in range(50 * MB // len(chunk)):
                w(chunk)
                await writer.drain()
        elif path == "/gzip-bomb":
            body = self.gzip_bomb()
            w(response_head(200, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip",
                                  "Content-Length": str(len(body))}) + body)
        else:
            return False
        return True

    async def _markup_pathologies(self, request: Request, reader, writer) -> bool:
        """Pages that arrive whole but are hard to parse: 10,000 levels deep, invalid bytes (UTF-8, GBK)."""
        path, w = request.path, writer.write
        if path == "/deep":
            depth = 10_000
            body = "<div>" * depth + '<p>深处的内容 <a href="/news/1.html">新闻</a></p>' + "</div>" * depth
            w(_page(200, html("深层嵌套", body)))
        elif path == "/bad-encoding":
            body = html("编码错误", "<p>正文 BAD \xff BYTES</p>").replace("BAD \xff BYTES".encode(),
                                                                      b"\xff\xfe\xc3\x28 \xa0\xa1 \xe6\x97")
            body += b'<p><a href="/bad-encoding-gbk">GBK</a></p>'
            w(_page(200, body))
        elif path == "/bad-encoding-gbk":
            body = html("编码", "<p>正文</p>", "gbk") + b"\x81\x20\xfe\xff\x80"
            w(_page(200, body, "text/html; charset=gbk"))
        else:
            return False
        return True

    async def _redirect_loops(self, request: Request, reader, writer) -> bool:
        """HTTP, meta refresh and JavaScript loops, a 30-step chain and a redirect onto a logout URL."""
        path, w = request.path, writer.write
        if path == "/redirect-loop":
            w(_page(302, b"", Location="/redirect-loop-b"))
        elif path == "/redirect-loop-b":
            w(_page(302, b"", Location="/redirect-loop"))
        elif path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1] or 0)
            w(_page(302, b"", Location=f"/chain/{n + 1}") if n < 30 else _page(200, html("end", "end of chain")))
        elif path in ("/meta-loop", "/meta-loop-b"):
            other = "/meta-loop-b" if path == "/meta-loop" else "/meta-loop"
            w(_page(200, html("刷新", f'<meta http-equiv="refresh" content="0; url={other}"><p>跳转中</p>')))
        elif path in ("/js-loop", "/js-loop-b"):
            other = "/js-loop-b" if path == "/js-loop" else "/js-loop"
            w(_page(200, html("跳转", f"<script>window.location.href = '{other}';</script><p>跳转中</p>")))
        elif path == "/jump":
            w(_page(302, b"", Location="/sso/logout?from=redirect"))
        else:
            return False
        return True

    async def _crawler_traps(self, request: Request, reader, writer) -> bool:
        """Pages that link to ever new pages: a calendar a day on either side, a list three pages on."""
        path, q, w = request.path, request.query, writer.write
        if path == "/calendar":
            day = (q.get("date") or ["2026-11-01"])[0]
            try:
                n = int(day.replace("-", ""))
            except ValueError:
                n = 20261101
            links = "".join(f'<a href="/calendar?date={n + k}">{n + k}</a> ' for k in (-1, 1))
            w(_page(200, html("活动日历", f"<h1>日历 {day}</h1><p>{links}</p>")))
        elif path == "/list":
            try:
                page = int((q.get("page") or ["1"])[0])
            except ValueError:
                page = 1
            links = "".join(f'<a href="/list?page={page + k}">{page + k}</a> ' for k in (1, 2, 3))
            w(_page(200, html("列表", f"<ul><li><a href='/news/2.html'>乡村振兴</a><span>2026-11-10</span></li></ul>"
                                    f"<div class='page'>{links}</div>")))
        else:
            return False
        return True

    async def _retries_and_wafs(self, request: Request, reader, writer) -> bool:
        """Retry-After in seconds, as a date and too long to wait for; WAF blocks (安全狗 403, 瑞数 412)."""
        path, w = request.path, writer.write
        if path in ("/retry-429", "/retry-503-date"):
            if path in self._retry_seen:
                w(_page(200, html("ok", "<p>第二次请求成功</p>")))
            else:
                self._retry_seen.add(path)
                if path == "/retry-429":
                    w(_page(429, b"slow down", "text/plain", **{"Retry-After": "1"}))
                else:
                    when = email.utils.formatdate(time.time() + 2, usegmt=True)
                    w(_page(503, b"maintenance", "text/plain", **{"Retry-After": when}))
        elif path == "/retry-too-long":
            w(_page(429, b"come back in an hour", "text/plain", **{"Retry-After": "3600"}))
        elif path == "/waf-403":
            w(_page(403, html("安全验证", "<h1>访问被拦截</h1><p>您的访问请求可能对网站造成安全威胁，已被网站防火墙拦截。</p>"
                                       "<p>安全狗 safedog 拦截</p>")))
        elif path == "/waf-412":
            w(_page(412, html("", "<script>var $_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=12345;"
                                  "$_ts.cd='qEsrrq...';</script><script src='/4QbVtADbnLVIc/c.FxJzG50F.js'></script>"),
                    **{"Set-Cookie": "FSSBBIl1UgzbN7N80S=abc; path=/"}))
        else:
            return False
        return True

    def gzip_bomb(self) -> bytes:
        if self._bomb is None:
            compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
            zeros = b"\0" * MB
            self._bomb = b"".join(compressor.compress(zeros) for _ in range(200)) + compressor.flush()
        return self._bomb

    # -- whole-host pathologies --------------------------------------------------------------------
    async def _slow_site(self, request: Request, reader, writer) -> None:
        if await self._hold(reader, 30):
            writer.write(_page(200, html("slow", "too late")))

    async def _reset_site(self, request: Request, reader, writer) -> None:
        self._reset(writer)

    async def _control(self, request: Request, reader, writer) -> None:
        if request.path == "/":
            writer.write(_page(200, html("对照县人民政府", '<h1>对照县</h1><ul><li><a href="/news/1.html">'
                                                    "县政府召开常务会议</a><span>2026-11-18</span></li></ul>")))
        elif request.path == "/news/1.html":
            writer.write(_page(200, html("新闻", "<h1>常务会议</h1><p>发布日期：2026-11-18</p>")))
        else:
            writer.write(_page(404, html("404", "<p>页面不存在</p>")))

    async def _robots_huge(self, request: Request, reader, writer) -> None:
        if request.path != "/robots.txt":
            return await self._control(request, reader, writer)
        writer.write(response_head(200, {"Content-Type": "text/plain"}))
        line = b"Disallow: /" + b"a" * 90 + b"\n"
        for _ in range(30 * MB // (len(line) * 1000)):
            writer.write(line * 1000)
            await writer.drain()

    async def _robots_binary(self, request: Request, reader, writer) -> None:
        if request.path != "/robots.txt":
            return await self._control(request, reader, writer)
        writer.write(_page(200, os.urandom(64 * 1024) + b"\0\0Disallow: /\xff\xfe", "text/plain"))

    async def _robots_500(self, request: Request, reader, writer) -> None:
        if request.path != "/robots.txt":
            return await self._control(request, reader, writer)
        writer.write(_page(500, b"Internal Server Error", "text/plain"))

    async def _tls_stall(self, request: Request | None, reader, writer) -> None:
        await reader.read(1)   # the ClientHello arrives; no ServerHello ever goes back
        await self._hold(reader, 30)

    async def _soft_404(self, request: Request, reader, writer) -> None:
        if request.path == "/robots.txt":
            writer.write(_page(404, b"", "text/plain"))
            return
        writer.write(_page(200, html("页面不存在", "<h1>抱歉，您访问的页面不存在</h1><p>请检查网址是否正确。"
                                              '<a href="/">返回首页</a> <a href="/xxgk/">信息公开</a></p>')))

    async def _endless(self, request: Request, reader, writer) -> None:
        if request.path != "/" and not request.path.startswith("/p/"):
            writer.write(_page(404, html("404", "<p>页面不存在</p>")))
            return
        await asyncio.sleep(1.5)
        n = zlib.crc32(request.target.encode()) % 10_000_000
        links = "".join(f'<li><a href="/p/{n}-{k}.html">第{n}-{k}条</a><span>2026-11-1{k}</span></li>'
                        for k in range(5))
        writer.write(_page(200, html(f"无尽站点 {n}", f"<h1>栏目 {n}</h1><ul>{links}</ul>")))


@dataclass
class Outcome:
    case: Case
    outcome: str          # a not_scanned reason, "audited", "never-requested", or what went wrong
    site_status: str
    detail: str
    seconds: float | None
    ok: bool
    within_bound: bool


def _prefix(case: Case) -> str:
    path = urlsplit(case.url_path).path
    return path.rstrip("0") if path.endswith("/0") else path


def judge(farm: HostileFarm, results: dict, store) -> list[Outcome]:
    """What the audit made of each case (from results.json and the page store), and how long it took."""
    sites = {s["id"]: s for s in results["sites"]}
    judged = []
    for case in farm.cases:
        site = sites[case.site]
        url = farm.url(case.site, case.url_path)
        entries = [n for n in site["not_scanned"] if n["url"] == url]
        detail = ""
        if case.id == "form":
            outcome = "never-requested" if farm.requests(case.id) == 0 else f"requested {farm.requests(case.id)}x"
        elif case.where == "path":
            related = entries or [n for n in site["not_scanned"]
                                  if urlsplit(n["url"]).path.startswith(_prefix(case))]
            reasons = [n["reason"] for n in related]
            page = store.page(case.site, url)
            if reasons:
                outcome = max(set(reasons), key=lambda r: (r in case.expect, reasons.count(r)))
                detail = next(n["detail"] or "" for n in related if n["reason"] == outcome)
            elif page is not None and 200 <= page.status < 300:
                outcome = "audited"
                detail = f"HTTP {page.status}, {len(page.body):,} bytes"
            else:
                outcome = "missing"
            if case.id in ("logout-link", "delete-link") and farm.requests(case.id):
                outcome = f"requested {farm.requests(case.id)}x"
        else:
            status_detail = site.get("status_detail") or ""
            if site["status"] == "ok":
                outcome, detail = "audited", f"{site['pages']} pages"
            elif status_detail.startswith("site-budget"):
                outcome, detail = "site-budget", status_detail
            elif entries:
                outcome, detail = entries[0]["reason"], entries[0]["detail"] or ""
            else:
                outcome, detail = status_detail.split(":", 1)[0] or "missing", status_detail
        seconds = farm.seconds(case.id)
        if seconds is None and (site.get("crawl") or {}).get("seconds") is not None and case.where == "host":
            seconds = site["crawl"]["seconds"]
        judged.append(Outcome(case, outcome, site["status"], " ".join(detail.split())[:160], seconds,
                              outcome in case.expect, seconds is None or seconds <= case.bound))
    return judged


def markdown_table(outcomes: list[Outcome]) -> str:
    rows = ["| case | pathology | outcome | site | seconds |", "|---|---|---|---|---|"]
    for o in outcomes:
        where = o.case.url_path if o.case.where == "path" else "own host"
        outcome = o.outcome if o.outcome in ("audited", "never-requested") else f"not scanned: `{o.outcome}`"
        seconds = "—" if o.seconds is None else f"{o.seconds:.1f}"
        rows.append(f"| {o.case.id} (`{where}`) | {o.case.pathology} | {outcome} | {o.site_status} | {seconds} |")
    return "\n".join(rows)
