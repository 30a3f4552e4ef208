"""Dimension `links`: what a reader following the site's links meets.

- `broken`: links.broken, pages and attachments that do not answer (the inspection's 错链、断链);
- `resources`: links.broken-resource, images, scripts, style sheets, CSS url() and media that do not load;
- `anchors`: links.broken-anchor, #fragment targets missing on the site's own pages (--check-anchors);
- `coverage`: coverage.*, the county tree of sub-sites.
"""

from checks.links import anchors, broken, coverage, resources  # noqa: F401  (registers the checks)
from checks.links.broken import classify_status, is_blocking  # noqa: F401  (the inspection's status policy)
