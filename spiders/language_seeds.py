"""Which links point at a language version of a site (English, Mongolian, …).

The spider crawls such links a little way even when they leave the site's scope (en.example.gov.cn),
so the language checks can date the version. Filled in by the language-versions capability.
"""

from __future__ import annotations

from auditcli.models import SiteConfig


def is_language_link(url: str, text: str, hreflang: str | None, site: SiteConfig) -> bool:
    return False
