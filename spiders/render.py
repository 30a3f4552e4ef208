"""Browser mode: render pages in headless Chromium and run axe-core on them (after the crawl).

One browser, a pool of pages (one browser context each), a timeout per page: a page that hangs
(never answers, never finishes loading, or loops in a script) or crashes its tab is recorded as not
scanned (`timeout`, `crashed`, `error`) and its tab is replaced, so it never stalls the run. Playwright
drives Debian's /usr/bin/chromium (no browser download); axe-core comes from the installed
`axe-playwright-python` package (its bundled `axe.min.js`, MPL-2.0), never from the network.

    render_pages(urls, RenderOptions()) -> {url: {"status": "ok", "violations": [...], "incomplete": [...]}}
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger("auditcli.browser")

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
MAX_NODES = 25  # per rule and page: a barrier repeated 300 times on one page needs no 300 nodes


class BrowserUnavailable(RuntimeError):
    """Playwright, axe-core or Chromium is missing (bad set-up: a clear message, exit 2)."""


@dataclass
class RenderOptions:
    workers: int = 4
    timeout: float = 20.0  # seconds per page: load, settle and axe
    chromium: str | None = None  # default: $AUDITCLI_CHROMIUM or the first of CHROMIUM_CANDIDATES
    rules: tuple[str, ...] | None = None  # axe rule ids; None: every rule tagged WCAG 2.0/2.1 A/AA
    local_only: bool = False  # abort requests to hosts other than the page's own (tests, the ACT cases)
    user_agent: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


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


AXE_RUN = """async ([opts, maxNodes]) => {
  const r = await axe.run(document, opts);
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


async def _render_all(urls: list[str], options: RenderOptions, executable: str, script: str, version: str,
                      progress) -> dict[str, dict[str, Any]]:
    from playwright.async_api import async_playwright

    results: dict[str, dict[str, Any]] = {}
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    axe_options: dict[str, Any] = {"resultTypes": ["violations", "incomplete"]}
    if options.rules:
        axe_options["runOnly"] = {"type": "rule", "values": list(options.rules)}
    else:
        axe_options["runOnly"] = {"type": "tag", "values": list(AXE_TAGS)}

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=executable, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--mute-audio"])
        lock = asyncio.Lock()

        async def fresh_browser():
            nonlocal browser
            async with lock:
                if not browser.is_connected():
                    log.warning("browser disconnected; starting a new one")
                    browser = await playwright.chromium.launch(
                        executable_path=executable, headless=True,
                        args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--mute-audio"])
            return browser

        async def new_tab():
            current = await fresh_browser()
            context = await current.new_context(user_agent=options.user_agent, java_script_enabled=True,
                                                ignore_https_errors=True, service_workers="block")
            context.set_default_timeout(options.timeout * 1000)
            return context, await context.new_page()

        async def close(context) -> None:
            with contextlib.suppress(Exception):  # a wedged tab: the browser reaps it
                await asyncio.wait_for(context.close(), timeout=5)

        async def worker() -> None:
            context, page = await new_tab()
            while True:
                try:
                    url = queue.get_nowait()
                except asyncio.QueueEmpty:
                    break
                begun = time.perf_counter()
                crashed = asyncio.Event()
                page.once("crash", lambda *_, event=crashed: event.set())
                scan = asyncio.ensure_future(_scan(page, url, options, script, axe_options))
                waiter = asyncio.ensure_future(crashed.wait())
                done, _ = await asyncio.wait({scan, waiter}, timeout=options.timeout,
                                             return_when=asyncio.FIRST_COMPLETED)
                if scan in done and scan.exception() is None:
                    result = {"status": "ok", **scan.result()}
                    healthy = True
                else:
                    healthy = False
                    if scan in done and waiter not in done:  # a navigation aborted by a crash: let the event land
                        with contextlib.suppress(asyncio.TimeoutError):
                            await asyncio.wait_for(asyncio.shield(waiter), timeout=0.5)
                    if waiter.done():
                        result = {"status": "crashed", "detail": "the tab crashed while rendering"}
                    elif scan in done:
                        exc = scan.exception()
                        crashed_text = "page crashed" in str(exc).lower() or "target crashed" in str(exc).lower()
                        result = {"status": "crashed" if crashed_text else "error",
                                  "detail": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}
                    else:
                        result = {"status": "timeout", "detail": f"not rendered and scanned within {options.timeout:g} s"}
                for task in (scan, waiter):
                    if not task.done():
                        task.cancel()
                result["elapsed"] = round(time.perf_counter() - begun, 3)
                result["axe"] = version
                results[url] = result
                if progress is not None:
                    progress(url, result)
                if not healthy:  # the tab may be wedged in a script loop: replace it
                    await close(context)
                    context, page = await new_tab()
            await close(context)

        await asyncio.gather(*(worker() for _ in range(max(1, min(options.workers, len(urls))))))
        with contextlib.suppress(Exception):
            await asyncio.wait_for(browser.close(), timeout=10)
    return results


async def _scan(page, url: str, options: RenderOptions, script: str, axe_options: dict[str, Any]) -> dict[str, Any]:
    if options.local_only:
        own = urlsplit(url).netloc

        async def route(route):
            if urlsplit(route.request.url).netloc in (own, "") or route.request.url.startswith(("data:", "blob:")):
                await route.continue_()
            else:
                await route.abort()

        await page.route("**/*", route)
    response = await page.goto(url, wait_until="load", timeout=options.timeout * 1000)
    status = response.status if response is not None else None
    await page.evaluate(script)
    found = await page.evaluate(AXE_RUN, [axe_options, MAX_NODES])
    return {"http_status": status, "final_url": page.url, "violations": found["violations"],
            "incomplete": found["incomplete"]}
