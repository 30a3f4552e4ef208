"""Security vocabulary shared by the crawl and the checks: which links lead to login or e-service
systems, and which host:port a URL's TLS lives on (docs/SPEC.md §6, data in knowledge/security.yaml)."""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from auditcli.core import knowledge


def data() -> dict:
    return knowledge.load("security")


@cache
def _service_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    config = data()
    return (tuple(w.lower() for w in config["service_link_words"]),
            tuple(w.lower() for w in config["service_url_words"]))


def is_service_link(text: str, url: str) -> bool:
    """A link to a login or e-service system (网上办事, 政务服务, 登录, 统一身份认证, 用户中心 …)."""
    words, url_words = _service_words()
    text = (text or "").lower()
    if any(word in text for word in words):
        return True
    parts = urlsplit(url)
    where = (parts.netloc + parts.path).lower()
    return any(word in where for word in url_words)


def host_port(url: str) -> tuple[str, int]:
    """(host, port) of a URL, with the scheme's default port."""
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80)


def https_form(url: str) -> tuple[str, int]:
    """Where the HTTPS version of `url` would answer: the same port when the URL names one, else 443."""
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.port or 443


def http_form(url: str) -> str:
    """The http:// form of a URL: the same port when the URL names one, else 80 (docs/SPEC.md §6)."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return f"http://{netloc}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")
