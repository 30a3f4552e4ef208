"""The demo sites. Each module exposes ``SITE_ID``, ``SERVER`` and ``build(ctx) -> SiteBuild``.

To add a site: write a module here and append it to ``SITE_MODULES`` (and to ``SERVERS`` if it
needs a server of its own). A site whose ``SERVER`` is another site's server is a column tree on
that portal (path-prefix scope).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import county, dept_edu, dept_fgw, dept_wjw, town_a, town_b
from .branches import dept_lyj, town_c, town_d, town_e


@dataclass(frozen=True)
class ServerDef:
    id: str
    server_header: str  # the Server: response header (planted version disclosure on some)
    headers: dict[str, str] = field(default_factory=dict)  # sent on every response


# order = port order: base_port + index
SERVERS = [
    ServerDef("county", "nginx/1.12.2"),
    ServerDef("town-a", "Apache"),
    ServerDef("town-b", "Microsoft-IIS/6.0", {"X-Powered-By": "ASP.NET"}),
    ServerDef("dept-fgw", "nginx", {
        "Content-Security-Policy": "default-src 'self'; frame-ancestors 'self'",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "SAMEORIGIN",
    }),
    # no Content-Security-Policy: the platform's inline list scripts would not run under default-src 'self'
    ServerDef("dept-wjw", "nginx", {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "SAMEORIGIN"}),
    # the county tree's dead branches (sites/branches.py): dead, parked, zombie, and one not in the sites file
    ServerDef("town-c", "nginx"),
    ServerDef("town-d", "nginx"),
    ServerDef("town-e", "nginx"),
    ServerDef("dept-lyj", "nginx"),
]

SITE_MODULES = [county, dept_edu, town_a, town_b, dept_fgw, dept_wjw, town_c, town_d, town_e, dept_lyj]
