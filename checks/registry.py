"""The check registry: every check is a small function with its metadata declared up front.

As in Lighthouse, metadata (id, dimension, severity, rule references, title, fix) lives beside
the function, and the catalogue (`auditcli checks`, the report's rule help) is generated from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from auditcli.models import DIMENSIONS, SEVERITIES, Finding

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
_ANALYZERS: dict[str, Callable[..., Any]] = {}
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

    def register(function: CheckFunction) -> CheckFunction:
        if id in _CHECKS:
            raise ValueError(f"check {id} registered twice")
        _CHECKS[id] = CheckSpec(id, dimension, severity, tuple(refs), title, fix, scope, tuple(needs),
                                function)
        return function

    return register


def analyzer(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a memoised per-site computation, read with `site.analysis(name)`."""

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        _ANALYZERS[name] = function
        return function

    return register


def load_all() -> None:
    """Import every dimension module so their decorators run, then any plugins.

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


def get_analyzer(name: str) -> Callable[..., Any] | None:
    load_all()
    return _ANALYZERS.get(name)


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
