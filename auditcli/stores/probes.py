"""Typed probe results: what the crawl measured of a host besides its pages, as stored and as read.

A probe is made once per host:port by the crawl (spiders/probes.py, spiders/tlsscan.py, browser mode)
and judged offline by the checks. Each kind is a frozen dataclass: the spider builds one, the page store
keeps it as JSON (`PageStore.set_probe`) and gives it back typed (`PageStore.probe`, `SiteView.probe`),
so a check reads named fields, not a dict whose keys it must guess. Adding a probe-based check is one
module in checks/ plus its probe's dataclass here (registered in `PROBE_TYPES`).

Decoding is tolerant: a store written by an older version may lack a field (its default is used) or carry
one no longer known (kept in `facts` where the kind has it, else dropped).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar


@dataclass(frozen=True)
class Ipv6Probe:
    """The portal host over IPv6: an AAAA lookup, then a TCP connection (nothing sent)."""

    kind: ClassVar[str] = "ipv6"
    reachable: bool
    detail: str


@dataclass(frozen=True)
class RedirectProbe:
    """One plain-HTTP request to the http:// form of an https site: does it redirect to HTTPS?"""

    kind: ClassVar[str] = "redirect"
    url: str | None = None
    status: int | None = None
    location: str | None = None
    refused: bool = False
    error: str | None = None


@dataclass(frozen=True)
class TlsScan:
    """The sslyze scan of one HTTPS host:port. `tls` is True after a handshake, False when the port does
    not speak TLS (it answered plain HTTP, or refused), None when the scan itself could not tell (it timed
    out or failed): the TLS checks leave such a host not judged. The certificate is the leaf's facts
    (dates, names, key, chain, trust); its validity by date is judged at the audit's as-of day."""

    kind: ClassVar[str] = "tls"
    host: str = ""
    port: int = 0
    tls: bool | None = None
    error: str | None = None
    timeout: bool = False
    sni: str | None = None
    protocols: Mapping[str, bool] = field(default_factory=dict)
    ciphers: tuple[Mapping[str, Any], ...] = ()
    certificate: Mapping[str, Any] | None = None
    scanned_at: str | None = None
    elapsed: float | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)  # whatever else the scanner reported

    @property
    def enabled_protocols(self) -> list[str]:
        return [name for name, on in self.protocols.items() if on]


@dataclass(frozen=True)
class BrowserProbe:
    """That browser mode rendered a site's pages (its axe-core version and how many pages)."""

    kind: ClassVar[str] = "browser"
    mode: str = "sample"
    axe: str = "unknown"
    site: str = ""
    pages: int = 0


Probe = Ipv6Probe | RedirectProbe | TlsScan | BrowserProbe
PROBE_TYPES: dict[str, type] = {cls.kind: cls for cls in (Ipv6Probe, RedirectProbe, TlsScan, BrowserProbe)}


def encode(probe: Any) -> Any:
    """The JSON form of a probe (a dataclass of PROBE_TYPES); anything else (a plugin's dict) as it is."""
    if type(probe) not in PROBE_TYPES.values():
        return probe
    data: dict[str, Any] = {}
    for f in fields(probe):
        value = getattr(probe, f.name)
        if f.name == "facts":
            data.update(value)
            continue
        data[f.name] = list(value) if isinstance(value, tuple) else value
    return data


def decode(kind: str, data: Any) -> Any:
    """The stored JSON of a probe as its dataclass (unknown kinds, and non-objects, as stored)."""
    cls = PROBE_TYPES.get(kind)
    if cls is None or not isinstance(data, dict):
        return data
    known = {f.name for f in fields(cls)}
    values = {name: value for name, value in data.items() if name in known and name != "facts"}
    if "ciphers" in values:
        values["ciphers"] = tuple(values["ciphers"] or ())
    if "protocols" in values:
        values["protocols"] = dict(values["protocols"] or {})
    if "facts" in known:
        values["facts"] = {name: value for name, value in data.items() if name not in known}
    if cls is Ipv6Probe:
        values.setdefault("reachable", False)
        values.setdefault("detail", str(data.get("error") or ""))
    return cls(**values)
