"""Data model of the demo farm: what one URL of a demo site answers, and what a site builds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

TEXT_TYPES = ("text/", "application/xml", "application/json", "application/javascript")


@dataclass
class PageSpec:
    """One route of a demo server.

    ``body`` is bytes or str (str is encoded with ``encoding``). ``redirect`` sends a Location header
    (status defaults to 302). ``delay`` sleeps that many seconds before answering. ``headers`` are
    sent as given and override the defaults (``Content-Type`` is derived from ``content_type`` and
    ``encoding`` unless given here).
    """

    body: bytes | str = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/html"
    encoding: str = "utf-8"
    delay: float = 0.0
    redirect: str | None = None

    def __post_init__(self) -> None:
        if self.redirect and self.status == 200:
            self.status = 302

    def body_bytes(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return self.body.encode(self.encoding)

    def content_type_header(self) -> str:
        for k, v in self.headers.items():
            if k.lower() == "content-type":
                return v
        if self.content_type.startswith(TEXT_TYPES) and "charset" not in self.content_type:
            return f"{self.content_type}; charset={self.encoding}"
        return self.content_type

    def meta(self) -> dict[str, Any]:
        """JSON-serialisable route metadata (everything except the body)."""
        return {
            "status": self.status,
            "headers": dict(self.headers),
            "content_type": self.content_type_header(),
            "delay": self.delay,
            "redirect": self.redirect,
        }


@dataclass
class Ctx:
    """Build context: the reference date and the base URL of every demo server."""

    as_of: date
    base_urls: dict[str, str]

    def ago(self, days: int) -> date:
        return self.as_of - timedelta(days=days)

    def base(self, server: str) -> str:
        return self.base_urls[server].rstrip("/")


@dataclass
class SiteBuild:
    """What one site module returns: its routes (on ``server``), its sites.yaml entry, its answer key."""

    server: str
    pages: dict[str, PageSpec]
    config: dict[str, Any]
    key: dict[str, Any]
