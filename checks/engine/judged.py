"""What the page pass concluded of each page, kept in the page store so that a re-audit reuses it.

A weekly re-audit finds most pages unchanged (the crawl's conditional requests get 304: spiders.revalidate)
and would judge them again to the same end. So the page pass writes, beside each page it judged, what each
page check found and each page analysis recorded (a *judgement*); the crawl copies a 304 page's judgement
from the previous store with its body, and the next page pass takes it instead of judging again.

A judgement is only taken when nothing it was made from has changed, and every such thing is checked,
not assumed:

- the page as stored (body, status, headers but `Date`/`Age`, URLs, kind, depth, referrer): `page_key`;
- the checks' code and knowledge (every module and data file of `checks/`, `auditcli/core/` and
  `auditcli/stores/`, the plugins' modules, the parsing libraries' versions): `code_version`;
- what each function read of the site while it judged the page. Page functions read the page and the
  site's configuration only (checks.engine.siteview.PagePass); the site they are given notes what they
  read (`Reading`): the configuration, the as-of date, each option by its key. A judgement records those
  values' digests, and is taken when they are the same now (a page check that reads the as-of date is
  judged again on a new day; one that does not is not). A function that reads anything else of the
  site (its store, other pages, a site analysis) is never kept.

Failures are never kept: a check that raised, an analysis that failed, a finding dropped for breaking the
results contract are judged again each time, so what they report is always reported.

The values are kept as tagged JSON, not pickle: a previous store can come from elsewhere
(`--since-store`), and reading it must not run code. Only dataclasses (and named tuples, enums) of this
project's own modules are rebuilt; a record of any other type makes its function not kept.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import importlib
import json
import logging
import math
import sys
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from checks.engine.registry import site_analyses

log = logging.getLogger("auditcli.checks")

OWN_MODULES = ("checks.", "auditcli.")
VOLATILE_HEADERS = frozenset({"date", "age"})  # made afresh for every response, read by no check
FORMAT = 1
# The libraries the checks read pages with (a new lxml may parse a page otherwise, a new tldextract
# snapshot tell another registrable domain): a judgement made with other versions is not taken.
LIBRARIES = ("lxml", "cssselect", "parsel", "w3lib", "tldextract", "PyYAML", "pypdf", "openpyxl", "python-docx",
             "xlrd")


class NotKept(Exception):
    """A value the judgement cannot hold (a type outside the project, a function reading beyond the page)."""


# -- the values -------------------------------------------------------------------------------
def encode(value: Any) -> Any:
    """`value` as JSON with tags for what JSON has no type for; `decode` gives back an equal value."""
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return value
    if kind is float:
        return value if math.isfinite(value) else {"~f": repr(value)}
    if kind is list:
        return [encode(item) for item in value]
    if kind is tuple:
        return {"~t": [encode(item) for item in value]}
    if kind is dict:
        if all(type(key) is str and not key.startswith("~") for key in value):
            return {key: encode(item) for key, item in value.items()}
        return {"~d": [[encode(key), encode(item)] for key, item in value.items()]}
    if kind in (set, frozenset):
        items = sorted((encode(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))
        return {"~s" if kind is set else "~fs": items}  # (sorted: equal sets, one encoding)
    if kind is date:
        return {"~date": value.isoformat()}
    if kind is datetime:
        return {"~datetime": value.isoformat()}
    name = _own_type_name(kind)
    if isinstance(value, enum.Enum):
        return {"~e": name, "v": value.name}
    if isinstance(value, tuple) and hasattr(kind, "_fields"):
        return {"~n": name, "v": [encode(item) for item in value]}
    if dataclasses.is_dataclass(value):
        state = vars(value) if hasattr(value, "__dict__") else {
            f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return {"~c": name, "f": {key: encode(item) for key, item in state.items()}}
    raise NotKept(f"a {kind.__module__}.{kind.__qualname__} value")


def decode(value: Any) -> Any:
    if type(value) is list:
        return [decode(item) for item in value]
    if type(value) is not dict:
        return value
    tag = next(iter(value), "")
    if not tag.startswith("~"):
        return {key: decode(item) for key, item in value.items()}
    body = value[tag]
    if tag == "~t":
        return tuple(decode(item) for item in body)
    if tag == "~d":
        return {decode(key): decode(item) for key, item in body}
    if tag in ("~s", "~fs"):
        return (set if tag == "~s" else frozenset)(decode(item) for item in body)
    if tag == "~f":
        return float(body)
    if tag == "~date":
        return date.fromisoformat(body)
    if tag == "~datetime":
        return datetime.fromisoformat(body)
    kind = _own_type(body)
    if tag == "~e":
        return kind[value["v"]]
    if tag == "~n":
        return kind(*(decode(item) for item in value["v"]))
    if tag == "~c" and dataclasses.is_dataclass(kind):
        made = object.__new__(kind)
        for key, item in value["f"].items():
            object.__setattr__(made, key, decode(item))  # (frozen dataclasses too; no __init__ run)
        return made
    raise NotKept(f"unknown tag {tag}")


def _own_type_name(kind: type) -> str:
    if not kind.__module__.startswith(OWN_MODULES) or "<locals>" in kind.__qualname__:
        raise NotKept(f"a {kind.__module__}.{kind.__qualname__} value")
    return f"{kind.__module__}:{kind.__qualname__}"


def _own_type(name: str) -> type:
    """The project's own class named `module:qualname`; anything else is refused, never imported."""
    module_name, _, qualname = name.partition(":")
    if not module_name.startswith(OWN_MODULES):
        raise NotKept(f"{name}: not one of the project's types")
    target: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        target = getattr(target, part)
    if not isinstance(target, type):
        raise NotKept(f"{name}: not a type")
    return target


def digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=_plain)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def _plain(value: Any) -> Any:
    """The JSON of a setting that is not plain JSON (a set of words, a date, a compiled pattern)."""
    if isinstance(value, (set, frozenset)):
        return sorted(map(str, value))
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return encode(value)
    if hasattr(value, "pattern") and hasattr(value, "flags"):
        return [value.pattern, value.flags]
    raise NotKept(f"a {type(value).__qualname__} setting")


# -- what a judgement is made from ------------------------------------------------------------------
def page_key(stored: Any) -> str:
    """The stored page: all a page function can read of it, but when it was fetched and how long that took."""
    hasher = hashlib.blake2b(digest_size=16)
    headers = {name: value for name, value in stored.headers.items() if name not in VOLATILE_HEADERS}
    head = [stored.url, stored.final_url, stored.status, headers, stored.encoding, stored.content_type,
            stored.kind, stored.depth, stored.referrer]
    hasher.update(json.dumps(head, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    hasher.update(stored.body)
    return hasher.hexdigest()


@functools.cache
def code_version() -> str:
    """The checks' code, knowledge and libraries: a judgement made by other code is never taken."""
    from importlib.metadata import PackageNotFoundError, version

    from auditcli.core.vocabulary import DIMENSIONS
    from checks.engine.registry import all_checks, page_analyses_for

    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(f"{FORMAT} {sys.version}".encode())
    top = Path(__file__).resolve().parents[2]
    roots = [top / "checks", top / "auditcli" / "core", top / "auditcli" / "stores"]  # (stores: decoding pages)
    files = {path for root in roots for path in root.rglob("*") if path.is_file() and path.suffix in (".py", ".yaml",
                                                                                                     ".yml", ".json")}
    functions = [spec.function for spec in all_checks()] + page_analyses_for(set(DIMENSIONS))
    for function in functions:  # plugins' modules, wherever they live
        module = sys.modules.get(getattr(function, "__module__", ""))
        if module is not None and getattr(module, "__file__", None):
            files.add(Path(module.__file__).resolve())
    for path in sorted(files):
        hasher.update(str(path.name).encode("utf-8"))
        hasher.update(path.read_bytes())
    for name in LIBRARIES:
        try:
            hasher.update(f"{name}=={version(name)}".encode())
        except PackageNotFoundError:
            hasher.update(f"{name} missing".encode())
    return hasher.hexdigest()


class Reading:
    """The site as one page function sees it, noting what the function reads of it (see the module)."""

    __slots__ = ("_site", "reads")
    CONFIG_READS = frozenset({"config", "id", "in_scope"})

    def __init__(self, site: Any):
        object.__setattr__(self, "_site", site)
        object.__setattr__(self, "reads", set())

    def __getattr__(self, name: str) -> Any:
        site = object.__getattribute__(self, "_site")
        reads = object.__getattribute__(self, "reads")
        if name in self.CONFIG_READS:
            reads.add("config")
        elif name == "as_of":
            reads.add("as_of")
        elif name == "options":
            return _OptionsRead(site.options, reads)
        elif name == "memo":
            return functools.partial(_memo_read, site, reads)
        else:
            reads.add("*")  # the store, other pages, a site analysis: not a page's own judgement
        return getattr(site, name)

    def __setattr__(self, name: str, value: Any) -> None:
        object.__getattribute__(self, "reads").add("*")
        setattr(object.__getattribute__(self, "_site"), name, value)


def _memo_read(site: Any, reads: set[str], function: Callable[[Any], Any]) -> Any:
    """A site analysis read by a page function (the browser's result of the site's pages): the judgement
    holds while the analysis gives the same value."""
    reads.add(f"memo:{function.__module__}:{function.__qualname__}")
    return site.memo(function)


class _OptionsRead(Mapping):
    def __init__(self, options: Mapping[str, Any], reads: set[str]):
        self._options = options
        self._reads = reads

    def __getitem__(self, key: str) -> Any:
        self._reads.add(f"option:{key}")
        return self._options[key]

    def __contains__(self, key: object) -> bool:
        self._reads.add(f"option:{key}")
        return key in self._options

    def __iter__(self) -> Iterator[str]:
        self._reads.add("option:*")
        return iter(self._options)

    def __len__(self) -> int:
        self._reads.add("option:*")
        return len(self._options)


# -- the page pass's memory -----------------------------------------------------------------------
MISSING = object()


class Judgements:
    """The judgements of one site's page pass: taken from the store when they still hold, made and
    collected (`made`, written back by whoever owns the store) when not. Without `keep` (a `check`,
    which writes nothing back) none is made: encoding them would be work for nothing."""

    def __init__(self, site: Any, keep: bool = False):
        self.site = site
        self.keeping = keep
        self.version = code_version()
        self._values: dict[str, str | None] = {}
        self.made: list[tuple[str, bytes]] = []  # (page URL, judgement) of every page judged
        self.pages = 0
        self.reused = 0  # pages whose every check and analysis was taken from their judgement
        self.taken: Counter[str] = Counter()  # function -> pages whose judgement of it was taken
        self.again: Counter[str] = Counter()  # function -> pages it judged afresh
        self._fresh = 0  # functions judged afresh on the current page
        self._page: str | None = None
        self._kept: dict[str, Any] = {}
        self._next: dict[str, Any] = {}

    def begin(self, page: Any) -> None:
        """Start a page: its stored judgement, when it was made of this very page by this very code."""
        self._next, self._kept, self._fresh = {}, {}, 0
        blob = self.site.store.judgement(self.site.id, page.url)
        self._page = page_key(page.stored) if blob is not None or self.keeping else None
        if blob is None:
            return
        try:
            kept = json.loads(zlib.decompress(blob))
        except (zlib.error, ValueError):
            return
        if kept.get("v") == self.version and kept.get("page") == self._page:
            self._kept = kept.get("f", {})

    def recall(self, name: str) -> Any:
        """What `name` (a check id, or an analysis's module:name) gave on this page, or MISSING."""
        entry = self._kept.get(name)
        if entry is None:
            return MISSING
        try:
            if any(self._value(read) != value for read, value in entry["reads"].items()):
                return MISSING
            result = decode(entry["result"])
        except Exception as exc:  # a judgement that cannot be read is made again, never trusted
            log.info("judgement of %s on %s not read (%s): judged again", name, self.site.id, exc)
            return MISSING
        if self.keeping:
            self._next[name] = entry
        self.taken[name] += 1
        return result

    def failed(self, name: str) -> None:
        """`name` failed on the page: judged afresh, and nothing kept (it will fail again, or not)."""
        self._judged_afresh(name)

    def _judged_afresh(self, name: str) -> None:
        self._fresh += 1
        self.again[name] += 1

    def watched(self) -> Any:
        """The site to give a function that judges the page afresh: one noting what the function reads of
        it when its judgement is to be kept (`keep`), the site itself otherwise."""
        return Reading(self.site) if self.keeping else self.site

    def keep(self, name: str, result: Any, watched: Any) -> None:
        """`name` judged the page afresh with `watched` (from `watched()`): its judgement kept when it can be."""
        self._judged_afresh(name)
        if not self.keeping:
            return
        reads = watched.reads
        try:
            if "*" in reads or "option:*" in reads:
                raise NotKept("it read more of the site than the page")
            values = {read: self._value(read) for read in sorted(reads)}
            self._next[name] = {"reads": values, "result": encode(result)}
        except NotKept as exc:
            log.debug("%s on a page of %s is not kept: %s", name, self.site.id, exc)

    def counts(self) -> dict[str, int]:
        """Pages judged; pages taken whole; conclusions (a function on a page) taken, and judged afresh."""
        return {"pages": self.pages, "reused": self.reused, "taken": sum(self.taken.values()),
                "judged": sum(self.again.values())}

    def end(self, url: str) -> None:
        self.pages += 1
        self.reused += not self._fresh
        if self.keeping and self._next:
            kept = {"v": self.version, "page": self._page, "f": self._next}
            self.made.append((url, zlib.compress(json.dumps(kept, ensure_ascii=False).encode("utf-8"), 1)))

    def _value(self, read: str) -> str | None:
        if read not in self._values:
            site = self.site
            if read == "config":
                value: Any = site.config.to_dict()
            elif read == "as_of":
                value = site.as_of.isoformat()
            elif read.startswith("memo:"):
                analysis = site_analyses().get(read.partition(":")[2])
                if analysis is None:
                    raise NotKept(f"{read}: not a site analysis")
                value = analysis(site)
            else:
                key = read.partition(":")[2]
                value = {"set": site.options[key]} if key in site.options else {"unset": True}
            self._values[read] = digest(value)
        return self._values[read]
