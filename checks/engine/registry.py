"""The check registry: every check is a small function with its metadata declared up front.

As in Lighthouse, metadata (id, dimension, severity, rule references, title, fix) lives beside
the function, and the catalogue (`auditcli checks`, the report's rule help) is generated from it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from auditcli.core.models import Finding
from auditcli.core.vocabulary import DIMENSIONS, SEVERITIES

CheckFunction = Callable[..., Iterable[Finding]]


@dataclass(frozen=True)
class CheckSpec:
    id: str
    dimension: str
    severity: str
    refs: tuple[str, ...]
    title: dict[str, str]
    fix: dict[str, str]
    scope: str  # "site" or "page"
    needs: tuple[str, ...]
    function: CheckFunction = field(compare=False, repr=False)

    def catalogue_entry(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "severity": self.severity,
            "refs": list(self.refs),
            "title": dict(self.title),
            "fix": dict(self.fix),
        }


class PluginError(Exception):
    """A check plugin that cannot be loaded (bad input: exit code 2)."""


class CheckOutcome(Exception):
    """Raised by a check to end without findings and say why; the runner records the outcome."""

    status = ""

    def __init__(self, reason: str, reason_en: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.reason_en = reason_en or reason


class NotApplicable(CheckOutcome):
    """The check has nothing to judge on this site (no login page, no image, no HTTPS host)."""

    status = "not-applicable"


class CouldNotJudge(CheckOutcome):
    """The check needed something the crawl could not give (a probe not made, a page not fetched)."""

    status = "not-judged"


_CHECKS: dict[str, CheckSpec] = {}
_PAGE_ANALYSES: dict[Callable[..., Any], tuple[str, ...]] = {}
_RESULT_BLOCKS: dict[str, tuple[Callable[[Any], Any], tuple[str, ...]]] = {}
_FINDING_PASSES: dict[Callable[..., Any], tuple[str, ...]] = {}
_SITE_ANALYSES: dict[str, Callable[[Any], Any]] = {}
T = TypeVar("T")
NEED_KINDS = ("pages", "links", "not_scanned", "probe", "analysis")
_loaded = False


def check(*, id: str, dimension: str, severity: str, refs: list[str], title: dict[str, str],
          fix: dict[str, str], scope: str = "site", needs: tuple[str, ...] | list[str] = ()
          ) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check. `scope="page"` checks get (page, site) once per HTML page; "site" checks get (site)."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"{id}: unknown dimension {dimension}")
    if severity not in SEVERITIES:
        raise ValueError(f"{id}: unknown severity {severity}")
    if scope not in ("site", "page"):
        raise ValueError(f"{id}: scope must be site or page")
    for need in needs:
        if need.split(":", 1)[0] not in NEED_KINDS:
            raise ValueError(f"{id}: unknown need {need!r} (expected {', '.join(NEED_KINDS)}, or probe:<kind>)")

    def register(function: CheckFunction) -> CheckFunction:
        if id in _CHECKS:
            raise ValueError(f"check {id} registered twice")
        _CHECKS[id] = CheckSpec(id, dimension, severity, tuple(refs), title, fix, scope, tuple(needs),
                                function)
        return function

    return register


def site_analysis(function: Callable[[Any], T]) -> Callable[[Any], T]:
    """A typed per-site computation shared by several checks, computed once per site and memoised.

    Call it like the function it wraps (`columns_model(site)`); the result is kept on the SiteView.
    """

    @functools.wraps(function)
    def memoised(site: Any) -> T:
        return site.memo(function)

    _SITE_ANALYSES[f"{function.__module__}:{function.__qualname__}"] = memoised
    return memoised


def site_analyses() -> dict[str, Callable[[Any], Any]]:
    """Every site analysis by `module:name` (a page judgement names those it read: checks.engine.judged)."""
    load_all()
    return dict(_SITE_ANALYSES)


def page_analysis(*, dimensions: tuple[str, ...]) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Register a per-page extraction run in the site's single page pass (the tree is parsed once).

    The function gets (page, site) and returns a small record (or None); site analyses read the
    records with `site.page_results(function)`. It runs when a selected check is of one of `dimensions`.
    A page analysis never mutates `page.tree`, except the one registered with `consumes_tree=True`
    semantics documented on it, which the pass runs last.
    """

    def register(function: Callable[..., T]) -> Callable[..., T]:
        _PAGE_ANALYSES[function] = tuple(dimensions)
        return function

    return register


def result_block(name: str, *, dimensions: tuple[str, ...]) -> Callable[[Callable[[Any], T]], Callable[[Any], T]]:
    """Register the producer of a results.json site block (homepage, columns, languages, counts),
    written when a selected check is of one of `dimensions`."""

    def register(function: Callable[[Any], T]) -> Callable[[Any], T]:
        _RESULT_BLOCKS[name] = (function, tuple(dimensions))
        return function

    return register


def page_findings_pass(*, dimensions: tuple[str, ...]) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Register a pass over the page checks' findings, run once the site's pages are all in (its links
    too): (site, findings) -> findings, free to move, merge or drop them. For what one page cannot tell
    while the crawl streams it to the checks (a page that is shown inside another page's frame)."""

    def register(function: Callable[..., T]) -> Callable[..., T]:
        _FINDING_PASSES[function] = tuple(dimensions)
        return function

    return register


def page_findings_passes_for(dimensions: set[str]) -> list[Callable[..., Any]]:
    load_all()
    return [f for f, dims in _FINDING_PASSES.items() if set(dims) & dimensions]


def page_analyses_for(dimensions: set[str]) -> list[Callable[..., Any]]:
    """Page analyses the selected dimensions need, in registration order, tree consumers last."""
    load_all()
    chosen = [f for f, dims in _PAGE_ANALYSES.items() if set(dims) & dimensions]
    return sorted(chosen, key=lambda f: bool(getattr(f, "consumes_tree", False)))


def result_blocks() -> dict[str, tuple[Callable[[Any], Any], tuple[str, ...]]]:
    load_all()
    return dict(_RESULT_BLOCKS)


def load_all() -> None:
    """Import every dimension package (checks/<dimension>/) so their decorators run, then any plugins.

    Plugins are modules named in the environment variable AUDITCLI_PLUGINS (comma-separated) or
    published under the entry-point group `auditcli.checks`; they register checks the same way.
    """
    import importlib
    import os
    import pkgutil
    from importlib.metadata import entry_points

    import checks

    global _loaded
    if _loaded:
        return
    for module in pkgutil.iter_modules(checks.__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"checks.{module.name}")
    for name in filter(None, (part.strip() for part in os.environ.get("AUDITCLI_PLUGINS", "").split(","))):
        try:
            importlib.import_module(name)
        except ImportError as exc:
            raise PluginError(f"AUDITCLI_PLUGINS: cannot import check plugin {name!r} ({exc})") from None
    for entry in entry_points(group="auditcli.checks"):
        try:
            entry.load()
        except ImportError as exc:
            raise PluginError(f"entry point {entry.name!r} (auditcli.checks): cannot import it ({exc})") from None
    _loaded = True


def all_checks() -> list[CheckSpec]:
    load_all()
    return sorted(_CHECKS.values(), key=lambda spec: (DIMENSIONS.index(spec.dimension), spec.id))


def select(specs: list[CheckSpec], only: list[str] | None, skip: list[str] | None) -> list[CheckSpec]:
    """--only/--skip accept dimension names, check ids, or id prefixes such as `identity.`."""

    def matches(spec: CheckSpec, patterns: list[str]) -> bool:
        return any(p == spec.dimension or p == spec.id or (p.endswith(".") and spec.id.startswith(p))
                   or (p.endswith("*") and spec.id.startswith(p[:-1])) for p in patterns)

    chosen = [s for s in specs if not only or matches(s, only)]
    return [s for s in chosen if not skip or not matches(s, skip)]


def known_selectors() -> set[str]:
    specs = all_checks()
    return {s.id for s in specs} | {s.dimension for s in specs} | set(DIMENSIONS)
