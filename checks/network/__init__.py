"""Network reachability: `network.no-ipv6`, reported under the identity dimension (guidance, info).

The crawl probes the portal host over IPv6 (spiders.probes: AAAA lookup, then a TCP connection, no data
sent, 2 s timeouts; an IPv4 literal host has no IPv6 by definition) and stores the probe; the check judges
the stored probe, so `auditcli check` of a stored crawl stays offline.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from auditcli.core.models import Finding
from checks.engine.registry import CouldNotJudge, check
from checks.engine.siteview import SiteView


@check(
    id="network.no-ipv6", dimension="identity", severity="info",
    refs=["《推进互联网协议第六版（IPv6）规模部署行动计划》（中共中央办公厅、国务院办公厅，2017年）：政府网站支持IPv6访问"],
    title={"zh": "网站不支持IPv6访问", "en": "Portal not reachable over IPv6"},
    fix={"zh": "为门户域名配置AAAA记录，并在服务器或CDN上开启IPv6监听。",
         "en": "Publish an AAAA record for the portal host and serve it over IPv6 (server or CDN)."},
    needs=("probe:ipv6",),
)
def no_ipv6(site: SiteView) -> Iterator[Finding]:
    """Judges the IPv6 probe the crawl made (spiders.probes), so `auditcli check` stays offline."""
    parts = urlsplit(site.config.url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    probe = site.probe("ipv6", host, port)
    if probe is None:  # an old crawl, or one that did not reach this host: not judged rather than guessed
        raise CouldNotJudge(f"抓取时未探测 {host}:{port} 的IPv6可达性", f"the crawl did not probe {host}:{port} over IPv6")
    if probe.reachable:
        return
    detail = probe.detail
    yield Finding(
        url=site.config.host_root,
        message=f"门户主机 {host} 无可访问的IPv6地址（{detail}）",
        message_en=f"The portal host {host} has no reachable IPv6 address ({detail})",
        evidence=detail,
        locator=f"ipv6:{host}:{port}",
        data={"host": host, "port": port, "detail": detail},
    )
