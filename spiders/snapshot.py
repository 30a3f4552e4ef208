"""What browser mode hands other code for chosen pages (`RenderOptions.snapshot`): the rendered DOM with
its child frames inlined, and the JSON the page fetched.

Portals build lists and menus in the browser (a `<ul>` filled from `/api/list.json`, a JSONP call, a
column list in an `<iframe>`): the stored HTML of the crawl does not have them, the rendered page does.

    result["dom"]        "<!DOCTYPE html><html>…<div data-auditcli-frame="FRAME_URL">…</div>…</html>"
    result["responses"]  [{"url": …, "status": 200, "body": "{…}"}, …]   (a "truncated": true when cut)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from typing import Any

log = logging.getLogger("auditcli.browser")

MAX_DOM = 2 * 1024 * 1024  # bytes (UTF-8) of the DOM kept: a page is rarely a tenth of it
MAX_RESPONSES = 20  # JSON bodies kept per page, in the order they arrived
MAX_BODY = 512 * 1024  # bytes kept of each body
MAX_CANDIDATES = 200  # responses whose bodies are read at most (scripts are read to find JSONP)
FRAME_SECONDS = 2.0  # to read one child frame; a frame still loading (or wedged) is inlined empty
READ_SECONDS = 5.0  # for the bodies still being read when the page is done
JSONP = re.compile(r"\s*[\w$.]+\s*\(\s*[\[{]")
CHARSET = re.compile(r"charset=([\w-]+)", re.I)

FRAME_BODY = """() => {
  for (const a of document.querySelectorAll('a[href]')) a.setAttribute('href', a.href);
  return document.body ? document.body.innerHTML : '';
}"""
# a frame that never committed a document (its host is dead) has no URL yet: its element's src says it
REPLACE_FRAME = """(element, [url, html]) => {
  const div = element.ownerDocument.createElement('div');
  div.setAttribute('data-auditcli-frame', url && url !== 'about:blank' ? url : (element.src || url));
  div.innerHTML = html;
  element.replaceWith(div);
}"""
OUTER_HTML = "() => '<!DOCTYPE html>' + document.documentElement.outerHTML"


async def dom_snapshot(page) -> dict[str, Any]:
    """{"dom": the main document's HTML with each child frame replaced by its body} (+ "dom_truncated")."""
    for frame in page.main_frame.child_frames:
        await _inline_frame(frame)
    html = await page.evaluate(OUTER_HTML)
    data = html.encode("utf-8")
    if len(data) <= MAX_DOM:
        return {"dom": html}
    return {"dom": data[:MAX_DOM].decode("utf-8", "ignore"), "dom_truncated": True}


async def _inline_frame(frame) -> None:
    """Replace the frame's element by a div holding the frame's body, its links made absolute (they
    resolve against the frame's URL, not the page's)."""
    from playwright.async_api import Error

    try:
        element = await asyncio.wait_for(frame.frame_element(), FRAME_SECONDS)
    except (Error, TimeoutError) as exc:  # detached meanwhile
        log.debug("frame %s: %s", frame.url, exc)
        return
    body = ""
    with contextlib.suppress(Error, TimeoutError):
        body = await asyncio.wait_for(frame.evaluate(FRAME_BODY), FRAME_SECONDS)
    with contextlib.suppress(Error, TimeoutError):
        await asyncio.wait_for(element.evaluate(REPLACE_FRAME, [frame.url, body]), FRAME_SECONDS)


class ResponseRecorder:
    """JSON bodies a page fetched while it loaded and settled: XHR and fetch responses that are JSON (by
    content type, or a body starting with { or [), and JSONP scripts (`cb({...})`)."""

    def __init__(self, page):
        self.page = page
        self._reads: list[asyncio.Future] = []
        page.on("response", self._on_response)

    def _on_response(self, response) -> None:
        kind = response.request.resource_type
        if kind in ("xhr", "fetch", "script") and len(self._reads) < MAX_CANDIDATES:
            self._reads.append(asyncio.ensure_future(_json_body(response, kind)))

    async def finish(self) -> list[dict[str, Any]]:
        """The JSON responses so far (bodies still being read get READ_SECONDS)."""
        if not self._reads:
            return []
        done, _ = await asyncio.wait(self._reads, timeout=READ_SECONDS)
        found = [read.result() for read in self._reads if read in done and read.exception() is None]
        return [entry for entry in found if entry is not None][:MAX_RESPONSES]

    def stop(self) -> None:
        self.page.remove_listener("response", self._on_response)
        for read in self._reads:
            read.cancel()


async def _json_body(response, kind: str) -> dict[str, Any] | None:
    from playwright.async_api import Error

    if not 200 <= response.status < 300:
        return None
    content_type = response.headers.get("content-type", "")
    try:
        text = decode(await response.body(), content_type)
    except Error:  # no body (the page moved on, or the response was aborted)
        return None
    if kind == "script":
        wanted = JSONP.match(text) is not None
    else:
        wanted = "json" in content_type.lower() or text.lstrip()[:1] in ("{", "[")
    if not wanted:
        return None
    entry: dict[str, Any] = {"url": response.url, "status": response.status, "body": text}
    data = text.encode("utf-8")
    if len(data) > MAX_BODY:
        entry.update(body=data[:MAX_BODY].decode("utf-8", "ignore"), truncated=True)
    return entry


def decode(body: bytes, content_type: str) -> str:
    """The body as text: its declared charset, else UTF-8, else GB18030 (what portals' APIs send)."""
    declared = CHARSET.search(content_type)
    if declared:
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            return body.decode(declared.group(1))
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("gb18030", "replace")
