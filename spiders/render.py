"""Browser mode: render pages in headless Chromium and run axe-core on them (after the crawl).

One browser, a pool of pages (one browser context each), a timeout per page: a page that hangs
(never answers, never finishes loading, or loops in a script) or crashes its tab is recorded as not
scanned (`timeout`, `crashed`, `error`) and its tab is replaced, so it never stalls the run. Playwright
drives Debian's /usr/bin/chromium (no browser download); axe-core comes from the installed
`axe-playwright-python` package (its bundled `axe.min.js`, MPL-2.0), never from the network.

Rendering is as polite as the crawl (NavigationGate): at most `per_host` tabs on one host:port and
`per_ip` on one IP address at once, and navigations to one host start at least `delay` seconds apart,
never beyond the crawl's hard floor (crawling.yaml `rate`: 20 a second, 8 at once). A navigation is one
page load; the subresources it pulls in (images, scripts, styles, its XHR) count against nothing extra.
A free tab takes the next page whose host is free, so other hosts' pages are rendered while one host
waits out its delay.

A page is loaded to DOMContentLoaded and given a settle window (the network quiet for 500 ms, at most
`settle` seconds) before axe runs; each script, style, image and child frame has `resource_timeout`
seconds of its own (spiders/subresources.py), so a dead CDN or video host costs its bound, not the
page's timeout. Pages named in `snapshot` also get their rendered DOM and JSON (spiders/snapshot.py).

axe runs in every frame, as @axe-core/playwright does it: axe's script is injected into each frame
Playwright reaches (same-origin and cross-origin alike), `axe.runPartial` runs in each, and
`axe.finishRun` merges them in a blank page of the tab (out of the page's own scripts' reach). A result
inside a frame has the frame path in its target (["iframe.list", "ul > li"]) and the frame's URL in
`frame_url`. A page without frames takes the shorter road (`axe.run` in the page). The rules run are
WCAG 2.0/2.1 A/AA and axe's best-practice ones (`frame-tested`, axe's note on frames it could not
reach, is off: every reachable frame is tested, and a frame that is not is a loading matter).
After axe, the computed-style probe (spiders/styleprobe.py: focus indicators, CSS-inserted text, tiny
text) adds its axe-shaped results (`source: "auditcli"`) to the top document's.

    render_pages(urls, RenderOptions()) -> {url: {"status": "ok", "violations": [...], "incomplete": [...]}}
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import math
import os
import shutil
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from spiders.options import CrawlOptions, politeness_floor
from spiders.snapshot import ResponseRecorder, dom_snapshot
from spiders.styleprobe import probe_styles
from spiders.subresources import AssetCache, Router

log = logging.getLogger("auditcli.browser")

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")
AXE_RULES_OFF = ("frame-tested",)  # axe's note on a frame it could not reach: every frame gets axe here
MAX_NODES = 25  # per rule and page: a barrier repeated 300 times on one page needs no 300 nodes
CRAWL_DEFAULTS = CrawlOptions()
RESOLVE_TIMEOUT = 5.0  # seconds to resolve a host for the per-IP limit; unresolved, the host is its own "IP"


class BrowserUnavailable(RuntimeError):
    """Playwright, axe-core or Chromium is missing (bad set-up: a clear message, exit 2)."""


@dataclass
class RenderOptions:
    workers: int = 4
    timeout: float = 20.0  # seconds per page: load, settle and axe
    chromium: str | None = None  # default: $AUDITCLI_CHROMIUM or the first of CHROMIUM_CANDIDATES
    rules: tuple[str, ...] | None = None  # axe rule ids; None: every rule tagged WCAG 2.0/2.1 A/AA
    # the computed-style probe after axe (spiders/styleprobe.py); None: when no axe rule ids are chosen
    style_probe: bool | None = None
    local_only: bool = False  # abort requests to hosts other than the page's own (tests, the ACT cases)
    user_agent: str | None = None
    # politeness, the crawl's flags (--delay, --per-host, --per-ip), under the same floor (see NavigationGate)
    delay: float = CRAWL_DEFAULTS.delay  # seconds between the starts of two navigations to one host
    per_host: int = CRAWL_DEFAULTS.per_host  # tabs navigating or holding a page of one host:port at once
    per_ip: int = CRAWL_DEFAULTS.per_ip  # ... of one resolved IP address (virtual hosts share a server)
    # after DOMContentLoaded, wait for the network to be quiet (500 ms) at most this long, then run axe
    settle: float = 3.0
    # seconds for each script, stylesheet, image and child frame before it is aborted, so one that never
    # answers blocks neither the parser nor the settle window; None: unbounded (nothing routed)
    resource_timeout: float | None = 5.0
    snapshot: frozenset[str] = frozenset()  # URLs (as passed) whose result also gets "dom" and "responses"
    extra: dict[str, Any] = field(default_factory=dict)

    def limits(self) -> tuple[float, int, int]:
        """(delay, per_host, per_ip) as obeyed: never faster than the crawl's floor allows."""
        min_delay, max_per_host = politeness_floor()
        return max(self.delay, min_delay), max(1, min(self.per_host, max_per_host)), max(1, self.per_ip)


def host_key(url: str) -> str | None:
    """host:port of an http(s) URL (the unit the crawl is polite to), None for chrome:, data: and the like."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    return f"{parts.hostname}:{port}"


async def resolve_ips(hostnames: set[str]) -> dict[str, str]:
    """Each host name's first IP address (itself for an IP literal or a name that does not resolve)."""
    loop = asyncio.get_running_loop()

    async def one(name: str) -> str:
        try:
            return str(ipaddress.ip_address(name.strip("[]")))
        except ValueError:
            pass
        try:
            infos = await asyncio.wait_for(loop.getaddrinfo(name, None), timeout=RESOLVE_TIMEOUT)
            return str(infos[0][4][0])
        except (TimeoutError, OSError, IndexError):  # the navigation itself will report it
            return name

    names = sorted(hostnames)
    return dict(zip(names, await asyncio.gather(*(one(name) for name in names)), strict=True))


@dataclass
class _Host:
    ip: str
    waiting: deque[str] = field(default_factory=deque)
    open: int = 0  # tabs holding a page of this host
    next_take: float = -math.inf  # monotonic: no tab is given this host's next page before
    last_start: float = -math.inf  # monotonic: when its last navigation started


class NavigationGate:
    """Which page a free tab renders next, and when: the crawl's politeness for page loads.

    A tab holds its host from `take()` until `release()` (load, axe and, for a broken tab, its closing):
    at most `per_host` tabs per host:port (capped by the floor's max_concurrent_per_host) and `per_ip`
    per IP address. `started()` is called right before the navigation: starts on one host are at least
    `delay` apart (never below the floor's 1/max_requests_per_second_per_host). A navigation is one page
    load; its subresources count against nothing extra. `take()` hands out the first page whose host is
    free, in the order given, so a tab never idles while another host's page could be rendered.
    """

    def __init__(self, urls: list[str], ips: dict[str, str], options: RenderOptions):
        self.delay, self.per_host, self.per_ip = options.limits()
        self._hosts: dict[str, _Host] = {}
        self._pending: dict[str, _Host] = {}  # hosts with pages waiting, in the order of their first page
        self._unlimited: deque[str] = deque()  # no network host (chrome:, data:): nothing to be polite to
        self._ip_open: Counter[str] = Counter()
        self._wake = asyncio.Event()
        for url in urls:
            key = host_key(url)
            if key is None:
                self._unlimited.append(url)
                continue
            host = self._hosts.setdefault(key, _Host(ips.get(urlsplit(url).hostname or "", key)))
            host.waiting.append(url)
            self._pending[key] = host

    @classmethod
    async def for_urls(cls, urls: list[str], options: RenderOptions) -> NavigationGate:
        hostnames = {urlsplit(url).hostname for url in urls if host_key(url) is not None}
        ips = await resolve_ips({name for name in hostnames if name})
        return cls(urls, ips, options)

    def useful_tabs(self, workers: int) -> int:
        """Tabs worth opening: no more than the limits let render at once."""
        by_ip: Counter[str] = Counter()
        for host in self._hosts.values():
            by_ip[host.ip] += min(self.per_host, len(host.waiting))
        at_once = sum(min(self.per_ip, n) for n in by_ip.values()) + len(self._unlimited)
        return max(1, min(workers, at_once))

    def _ready(self, now: float) -> tuple[str | None, float]:
        """The first page a tab may take now, else (None, when a busy host's delay ends or inf)."""
        soonest = math.inf
        for key, host in self._pending.items():
            if host.open >= self.per_host or self._ip_open[host.ip] >= self.per_ip:
                continue
            if host.next_take > now:
                soonest = min(soonest, host.next_take)
                continue
            url = host.waiting.popleft()
            if not host.waiting:
                del self._pending[key]
            host.open += 1
            self._ip_open[host.ip] += 1
            host.next_take = now + self.delay
            return url, now
        return None, soonest

    async def take(self) -> str | None:
        """The next page to render, waiting while every host with pages left is busy; None when none is left."""
        while True:
            if self._unlimited:
                return self._unlimited.popleft()
            if not self._pending:
                return None
            now = time.monotonic()
            url, soonest = self._ready(now)
            if url is not None:
                return url
            wake = self._wake
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(wake.wait(), None if soonest == math.inf else soonest - now)

    async def started(self, url: str) -> None:
        """Right before the navigation: wait out what is left of the host's delay (a tab's set-up between
        `take()` and the navigation can shift starts), then record the start."""
        host = self._hosts.get(host_key(url) or "")
        if host is None:
            return
        wait = host.last_start + self.delay - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        host.last_start = time.monotonic()
        host.next_take = max(host.next_take, host.last_start + self.delay)

    def release(self, url: str) -> None:
        """The tab is done with this page (rendered, failed, or its wedged tab closed): its host is free."""
        host = self._hosts.get(host_key(url) or "")
        if host is None:
            return
        host.open -= 1
        self._ip_open[host.ip] -= 1
        self._wake.set()
        self._wake = asyncio.Event()


def chromium_path(preferred: str | None = None) -> str | None:
    for candidate in (preferred, os.environ.get("AUDITCLI_CHROMIUM"), *CHROMIUM_CANDIDATES):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("chromium")
    return found


@cache
def axe_source() -> tuple[str, str]:
    """(axe.min.js, its version) from the installed axe-playwright-python package."""
    try:
        from importlib.resources import files

        script = files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise BrowserUnavailable("browser mode needs axe-core: pip install 'auditcli[browser]' "
                                 f"(axe-playwright-python) ({exc})") from None
    head = script[:200]
    version = head.split("axe v", 1)[1].split()[0] if "axe v" in head else "unknown"
    return script, version


AXE_SLIM = """(r, maxNodes) => {
  const slim = (list) => list.map(rule => ({
    id: rule.id, impact: rule.impact, help: rule.help, helpUrl: rule.helpUrl, tags: rule.tags,
    description: rule.description,
    nodes: rule.nodes.slice(0, maxNodes).map(n => ({
      target: n.target, html: n.html, impact: n.impact,
      failureSummary: n.failureSummary || null,
      data: (n.any || []).concat(n.all || [], n.none || []).map(c => c.data).filter(d => d && typeof d === 'object')[0] || null,
    })),
    total: rule.nodes.length,
  }));
  return {violations: slim(r.violations), incomplete: slim(r.incomplete), url: r.url};
}"""
AXE_RUN = f"""async ([opts, maxNodes]) => ({AXE_SLIM})(await axe.run(document, opts), maxNodes)"""
AXE_FINISH = f"""async ([partials, opts, maxNodes]) => ({AXE_SLIM})(await axe.finishRun(partials, opts), maxNodes)"""
AXE_FRAMES = "(context) => axe.utils.getFrameContexts(context)"
AXE_PARTIAL = "([context, opts]) => axe.runPartial(context, opts)"
AXE_FRAME_ELEMENT = "(selector) => axe.utils.shadowSelect(selector)"


def render_pages(urls: list[str], options: RenderOptions | None = None, progress=None) -> dict[str, dict[str, Any]]:
    """Render each URL and run axe on it; every URL gets a result with a status (never raises for a page)."""
    options = options or RenderOptions()
    if not urls:
        return {}
    try:
        import playwright.async_api  # noqa: F401
    except ModuleNotFoundError:
        raise BrowserUnavailable("browser mode needs Playwright: pip install 'auditcli[browser]'") from None
    executable = chromium_path(options.chromium)
    if executable is None:
        raise BrowserUnavailable("browser mode needs Chromium: install Debian's chromium (apt-get install chromium) "
                                 "or set AUDITCLI_CHROMIUM")
    script, version = axe_source()
    return asyncio.run(_render_all(list(dict.fromkeys(urls)), options, executable, script, version, progress))


CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--mute-audio")


async def _render_all(urls: list[str], options: RenderOptions, executable: str, script: str, version: str,
                      progress) -> dict[str, dict[str, Any]]:
    from playwright.async_api import async_playwright

    gate = await NavigationGate.for_urls(urls, options)
    async with async_playwright() as playwright:
        pool = _TabPool(playwright, executable, options, gate, _axe_options(options), script, version, progress)
        return await pool.run()


def _axe_options(options: RenderOptions) -> dict[str, Any]:
    """axe-core's run options: violations and needs-review results of the chosen rules (or WCAG tags)."""
    axe_options: dict[str, Any] = {"resultTypes": ["violations", "incomplete"]}
    if options.rules:
        axe_options["runOnly"] = {"type": "rule", "values": list(options.rules)}
    else:
        axe_options["runOnly"] = {"type": "tag", "values": list(AXE_TAGS)}
        axe_options["rules"] = {rule: {"enabled": False} for rule in AXE_RULES_OFF}
    return axe_options


@dataclass
class _Tab:
    context: Any
    page: Any
    router: Router
    finisher: Any = None  # a blank page of the context where axe.finishRun merges a framed page's results


class _TabPool:
    """One headless Chromium and a pool of tabs taking pages from the navigation gate. A tab that
    crashes, hangs or errs is closed and replaced (and a browser that died, relaunched), so one bad
    page costs its own timeout and nothing else."""

    def __init__(self, playwright, executable: str, options: RenderOptions, gate: NavigationGate,
                 axe_options: dict[str, Any], script: str, version: str, progress):
        self.playwright = playwright
        self.executable = executable
        self.options = options
        self.gate = gate
        self.axe_options = axe_options
        self.script = script
        self.version = version
        self.progress = progress
        self.results: dict[str, dict[str, Any]] = {}
        self.browser = None
        self.lock = asyncio.Lock()
        self.cache = AssetCache()  # the tabs' shared cache of scripts, styles and images

    async def run(self) -> dict[str, dict[str, Any]]:
        self.browser = await self._launch()
        await asyncio.gather(*(self._tab() for _ in range(self.gate.useful_tabs(self.options.workers))))
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.browser.close(), timeout=10)
        return self.results

    async def _launch(self):
        return await self.playwright.chromium.launch(executable_path=self.executable, headless=True,
                                                     args=list(CHROMIUM_ARGS))

    async def _fresh_browser(self):
        async with self.lock:
            if not self.browser.is_connected():
                log.warning("browser disconnected; starting a new one")
                self.browser = await self._launch()
        return self.browser

    async def _new_tab(self) -> _Tab:
        current = await self._fresh_browser()
        context = await current.new_context(user_agent=self.options.user_agent, java_script_enabled=True,
                                            ignore_https_errors=True, service_workers="block")
        context.set_default_timeout(self.options.timeout * 1000)
        page = await context.new_page()
        router = Router(page, self.options.resource_timeout, self.cache, self.options.local_only)
        if self.options.local_only or self.options.resource_timeout is not None:
            await page.route("**/*", router.handle)  # (Playwright turns the browser's cache off for it)
        return _Tab(context, page, router)

    @staticmethod
    async def _close(context) -> None:
        with contextlib.suppress(Exception):  # a wedged tab: the browser reaps it
            await asyncio.wait_for(context.close(), timeout=5)

    async def _tab(self) -> None:
        tab = await self._new_tab()
        while (url := await self.gate.take()) is not None:
            begun = time.perf_counter()
            try:
                result, healthy = await self._render_one(tab, url)
                if not healthy:  # the tab may be wedged in a script loop, still loading: close it first
                    await self._close(tab.context)
            finally:
                self.gate.release(url)
            result["elapsed"] = round(time.perf_counter() - begun, 3)
            result["axe"] = self.version
            self.results[url] = result
            if self.progress is not None:
                self.progress(url, result)
            if not healthy:
                tab = await self._new_tab()
        await self._close(tab.context)

    async def _render_one(self, tab: _Tab, url: str) -> tuple[dict[str, Any], bool]:
        """(the page's result, whether its tab is still healthy)."""
        crashed = asyncio.Event()
        tab.page.once("crash", lambda *_, event=crashed: event.set())
        scan = asyncio.ensure_future(_scan(tab, url, self.options, self.script, self.axe_options, self.gate))
        waiter = asyncio.ensure_future(crashed.wait())
        done, _ = await asyncio.wait({scan, waiter}, timeout=self.options.timeout,
                                     return_when=asyncio.FIRST_COMPLETED)
        try:
            if scan in done and scan.exception() is None:
                return {"status": "ok", **scan.result()}, True
            if scan in done and waiter not in done:  # a navigation aborted by a crash: let the event land
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(asyncio.shield(waiter), timeout=0.5)
            if waiter.done():
                return {"status": "crashed", "detail": "the tab crashed while rendering"}, False
            if scan in done:
                return _failed(scan.exception()), False
            return {"status": "timeout", "detail": f"not rendered and scanned within {self.options.timeout:g} s"}, False
        finally:
            for task in (scan, waiter):
                if not task.done():
                    task.cancel()


def _failed(exc: BaseException | None) -> dict[str, Any]:
    """A scan that raised: a crash Playwright reported as an error, a Playwright timeout (the navigation's
    own, set to the page's timeout, can fire a moment before the run's clock does: a timeout all the same),
    or another error."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    crashed_text = "page crashed" in str(exc).lower() or "target crashed" in str(exc).lower()
    status = "crashed" if crashed_text else "timeout" if isinstance(exc, PlaywrightTimeout) else "error"
    return {"status": status, "detail": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"}


async def _scan(tab: _Tab, url: str, options: RenderOptions, script: str, axe_options: dict[str, Any],
                gate: NavigationGate) -> dict[str, Any]:
    """Load to DOMContentLoaded, let the page settle, run axe (and take the snapshot if one is wanted)."""
    page = tab.page
    tab.router.own = urlsplit(url).netloc
    recorder = ResponseRecorder(page) if url in options.snapshot else None
    try:
        await gate.started(url)
        response = await page.goto(url, wait_until="domcontentloaded", timeout=options.timeout * 1000)
        await _settle(page, options.settle)
        status = response.status if response is not None else None
        found = await run_axe(tab, script, axe_options)
        result = {"http_status": status, "final_url": page.url, "violations": found["violations"],
                  "incomplete": found["incomplete"]}
        if recorder is not None:
            result.update(await dom_snapshot(page), responses=await recorder.finish())
        if options.style_probe if options.style_probe is not None else options.rules is None:
            for probed in await probe_styles(page, MAX_NODES):  # after the snapshot: it moves focus
                result["incomplete" if probed.pop("review") else "violations"].append(probed)
        return result
    finally:
        if recorder is not None:
            recorder.stop()


async def _settle(page, seconds: float) -> None:
    """Wait for the network to be quiet for 500 ms (Playwright's networkidle, every frame), at most
    `seconds`: late scripts fill lists and menus, but a request that never ends costs no more than this."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    if seconds > 0:
        with contextlib.suppress(PlaywrightTimeout):
            await page.wait_for_load_state("networkidle", timeout=seconds * 1000)


async def run_axe(tab: _Tab, script: str, axe_options: dict[str, Any]) -> dict[str, Any]:
    """axe-core on the tab's page and every frame in it: {"violations", "incomplete"}, each node of a
    frame with its frame path in `target` and the frame's URL in `frame_url`."""
    page = tab.page
    await page.evaluate(script)
    if not await page.main_frame.evaluate(AXE_FRAMES, {"include": [], "exclude": []}):
        return await page.evaluate(AXE_RUN, [axe_options, MAX_NODES])  # no frame: one plain run
    frame_urls: dict[str, str] = {}
    partials = await _partials(page.main_frame, None, script, axe_options, frame_urls, top=True)
    if tab.finisher is None:  # a blank page of the tab's context: finishRun out of the page's scripts' reach
        tab.finisher = await tab.context.new_page()
        await tab.finisher.evaluate(script)
    found = await tab.finisher.evaluate(AXE_FINISH, [partials, axe_options, MAX_NODES])
    for kind in ("violations", "incomplete"):
        for rule in found[kind]:
            for node in rule["nodes"]:
                target = node.get("target") or []
                if len(target) > 1:
                    node["frame_url"] = frame_urls.get(_frame_key(target[:-1]))
    return found


def _frame_key(path: list[Any]) -> str:
    """A frame's path of selectors (axe's target without its last part), as a dictionary key."""
    return json.dumps(path, ensure_ascii=False, separators=(",", ":"))


async def _partials(frame, context: dict[str, Any] | None, script: str, axe_options: dict[str, Any],
                    frame_urls: dict[str, str], top: bool = False) -> list[Any]:
    """axe.runPartial in `frame` and, depth first, in each frame axe finds in it: the list finishRun
    reads (a frame that could not be tested is a None standing for its whole subtree). `frame_urls`
    gets each tested frame's URL under its path of selectors as axe's targets will write it."""
    context = context or {"include": [], "exclude": []}
    try:
        if not top:
            await frame.evaluate(script)
        children = await frame.evaluate(AXE_FRAMES, context)
        own = asyncio.ensure_future(frame.evaluate(AXE_PARTIAL, [context, axe_options]))
    except Exception:
        if top:
            raise
        return [None]
    subtrees: list[tuple[list[Any], str | None, dict[str, str]]] = []
    for child in children:
        subtree: list[Any] = [None]
        url, below = None, {}
        try:
            handle = await frame.evaluate_handle(AXE_FRAME_ELEMENT, child["frameSelector"])
            element = handle.as_element()
            content = await element.content_frame() if element is not None else None
            if content is not None:
                url = content.url
                subtree = await _partials(content, child.get("frameContext"), script, axe_options, below)
        except Exception as exc:  # a frame gone or never loaded: axe's finishRun is told by the None
            log.debug("frame %s not tested: %s", child.get("frameSelector"), exc)
        subtrees.append((subtree, url, below))
    try:
        result = await own
    except Exception:
        if top:
            raise
        return [None]
    # the frames' selectors as the merged targets write them: the short ones of the frame's own partial
    specs = [spec.get("selector") if isinstance(spec, dict) else None for spec in result.get("frames") or []]
    for (_, url, below), selector in zip(subtrees, specs, strict=False):
        if selector is None or url is None:
            continue
        selector = selector if isinstance(selector, list) else [selector]  # ["iframe.x"]; deeper in shadow roots
        frame_urls[_frame_key(selector)] = url
        for key, inner in below.items():
            frame_urls[_frame_key([*selector, *json.loads(key)])] = inner
    return [result, *(part for subtree, _, _ in subtrees for part in subtree)]
