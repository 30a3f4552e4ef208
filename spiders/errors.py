"""Turn a failed download into a not_scanned reason: blocked, timeout, robots, tls-error, …"""

from __future__ import annotations

import re

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from twisted.internet import error as twisted_error
from twisted.python.failure import Failure

UNREACHABLE_REASONS = {"timeout", "connection-refused", "dns-error", "tls-error", "connection-error"}


def _describe(exc: BaseException) -> str:
    """One readable line: Scrapy wraps Twisted failures whose repr is noise (<twisted.python.failure.Failure …>)."""
    text = str(exc)
    inner = re.findall(r"twisted\.internet\.error\.(\w+)", text) or re.findall(r"OpenSSL\.SSL\.(\w+)", text)
    if inner:
        text = ", ".join(dict.fromkeys(inner))
    return f"{type(exc).__name__}: {text}"[:300]


def classify_failure(failure: Failure) -> tuple[str, str]:
    exc = failure.value
    text = _describe(exc)
    if isinstance(exc, IgnoreRequest):
        message = str(exc)
        if "robots.txt unavailable" in message:
            return "robots-unavailable", message
        if "unsafe redirect" in message:
            return "unsafe-link", message
        if "site budget" in message:
            return "site-budget", message
        if "max size" in message or "MAXSIZE" in message:  # a decompressed body (gzip bomb) over --max-size
            return "too-large", message[:300]
        if "robots" in message:
            return "robots", "disallowed by robots.txt"
        if "redirect" in message:
            urls = failure.request.meta.get("redirect_urls", [])
            looped = len(urls) != len(set(urls)) or failure.request.url in urls
            return ("redirect-loop" if looped else "too-many-redirects"), " → ".join(urls[:6])
        return "ignored", message
    if isinstance(exc, DownloadCancelledError) or "larger than download max size" in str(exc):
        return "too-large", str(exc)[:200]
    if isinstance(exc, DownloadTimeoutError | twisted_error.TimeoutError | twisted_error.TCPTimedOutError):
        return "timeout", text
    if isinstance(exc, CannotResolveHostError | twisted_error.DNSLookupError):
        return "dns-error", text
    if isinstance(exc, DownloadConnectionRefusedError | twisted_error.ConnectionRefusedError):
        return "connection-refused", text
    lowered = text.lower()
    if "ssl" in lowered or "tls" in lowered or "certificate" in lowered:
        return "tls-error", text
    return "connection-error", text
