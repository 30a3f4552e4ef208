"""Compare an auditcli results.json with the demo farm's answer key.

    python -m auditcli.demo compare results.json answer_key.yaml

URLs are compared by path (ports differ between farm runs). Returns/prints one line per
mismatch; an empty list means the audit found exactly what was planted: homepage date, columns,
languages, identity, not_scanned, broken links, overdue letters, accessibility barriers, and every
finding (each must be expected by the key's `expected_findings`, auditcli/demo/expected.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from .expected import IDENTITY_CHECKS, accessibility_entries, compare_findings  # noqa: F401 (re-exported)


def _p(url: str | None) -> str:
    if not url:
        return ""
    u = urlsplit(url)
    return u.path + (f"?{u.query}" if u.query else "")


def compare(results: dict[str, Any], key: dict[str, Any]) -> list[str]:
    out: list[str] = []
    got_sites = {s["id"]: s for s in results.get("sites", [])}
    for sid, exp in key["sites"].items():
        got = got_sites.get(sid)
        if got is None:
            out.append(f"{sid}: site missing from results")
            continue
        home = got.get("homepage") or {}
        if home.get("latest_date") != exp["homepage"]["latest_date"]:
            out.append(f"{sid}: homepage latest_date {home.get('latest_date')} != "
                       f"{exp['homepage']['latest_date']}")
        browser = bool((got.get("accessibility") or {}).get("browser"))
        got_cols = {_p(c["url"]): c for c in got.get("columns", [])}
        # a list filled by script: browser mode reports the list it rendered (the column's `browser` entry)
        exp_cols = {_p(c["url"]): {**c, **(c.get("browser") or {})} if browser else c for c in exp["columns"]}
        for path, c in exp_cols.items():
            g = got_cols.get(path)
            if g is None:
                out.append(f"{sid}: column {c['name']} {path} not reported")
                continue
            for field in ("status", "latest_date", "category"):
                if g.get(field) != c[field]:
                    out.append(f"{sid}: column {c['name']} {field} {g.get(field)} != {c[field]}")
            if c["status"] != "empty" and g.get("item_count") != c["item_count"]:
                out.append(f"{sid}: column {c['name']} item_count {g.get('item_count')} != "
                           f"{c['item_count']}")
        for path, g in got_cols.items():
            if path not in exp_cols:
                out.append(f"{sid}: unexpected column {g.get('name')} {path}")
        checks = {f["check"] for f in got.get("findings", [])}
        for item, check in {**IDENTITY_CHECKS, "page_tags": "identity.page-tags-missing"}.items():
            if item in exp["identity"] and (check in checks) == bool(exp["identity"][item]):
                out.append(f"{sid}: identity {item} expected {exp['identity'][item]}, "
                           f"{check} {'reported' if check in checks else 'not reported'}")
        langs: dict[str, set[str]] = {}
        for entry in got.get("languages", []):
            langs.setdefault(entry["lang"], set()).add(entry["status"])
        for lang, e in exp["languages"].items():
            if e["required"] and e["status"] not in langs.get(lang, set()):
                out.append(f"{sid}: language {lang} expected {e['status']}, got "
                           f"{sorted(langs.get(lang, set())) or 'nothing'}")
        got_ns = {_p(n["url"]): n["reason"] for n in got.get("not_scanned", [])}
        for url, reason in exp["not_scanned"].items():
            if got_ns.get(_p(url)) != reason:
                out.append(f"{sid}: not_scanned {_p(url)} expected {reason}, got {got_ns.get(_p(url))}")
        broken = {_p(f["url"]) for f in got.get("findings", []) if f["check"] == "links.broken"}
        for b in exp["broken_links"]["confirmed"] + exp["broken_links"]["suspected"]:
            if _p(b["url"]) not in broken:
                out.append(f"{sid}: broken link {_p(b['url'])} not reported")
        out += _accessibility(sid, got, exp.get("accessibility") or {})
        overdue = any(x["overdue"] for x in exp.get("letters", []))
        if overdue != ("interaction.reply-overdue" in checks):
            out.append(f"{sid}: interaction.reply-overdue expected {overdue}")
        service = got.get("service")  # the guides' counts, when the service dimension ran
        for field, value in (exp.get("service") or {}).items() if isinstance(service, dict) else ():
            if service.get(field) != value:
                out.append(f"{sid}: service {field} {service.get(field)} != {value}")
        if "expected_findings" in exp:  # exhaustive: any check of any dimension
            out += compare_findings(sid, got.get("findings", []), exp["expected_findings"], browser)
    return out


def _page(url: str) -> str:
    """A page's path with the index name dropped (/ and /index.html are one page)."""
    path = _p(url)
    return path[: -len("index.html")] if path.endswith("/index.html") else path


def _accessibility(sid: str, got: dict[str, Any], exp: dict[str, Any]) -> list[str]:
    """Accessibility findings against the planted barriers: each barrier found (on exactly its pages,
    or on several for a site-wide template), nothing else reported; the 适老化 entry as planted."""
    out: list[str] = []
    found = [f for f in got.get("findings", []) if str(f.get("check", "")).startswith(("a11y.", "axe."))]
    missing_entry = any(f["check"] == "a11y.assistive-tool-missing" for f in found)
    if "assistive_tool" in exp and missing_entry == bool(exp["assistive_tool"]):
        out.append(f"{sid}: assistive entry expected {exp['assistive_tool']}, "
                   f"a11y.assistive-tool-missing {'reported' if missing_entry else 'not reported'}")
    if "barriers" not in exp:
        return out
    browser = (got.get("accessibility") or {}).get("browser")
    barriers = exp["barriers"] + (exp.get("browser_barriers", []) if browser else [])
    if browser:
        got_ns = {_page(n["url"]): n["reason"] for n in browser.get("not_scanned", [])}
        for url, reason in exp.get("browser_not_scanned", {}).items():
            if got_ns.get(_page(url)) != reason:
                out.append(f"{sid}: browser not_scanned {_p(url)} expected {reason}, got {got_ns.get(_page(url))}")
        for path, reason in got_ns.items():
            if path not in {_page(u) for u in exp.get("browser_not_scanned", {})}:
                out.append(f"{sid}: browser mode did not scan {path} ({reason})")
    pages: dict[int, set[str]] = {k: set() for k in range(len(barriers))}
    review = exp.get("review", [])  # review-level results the site carries (info, never barriers)
    for f in found:
        if f["check"] == "a11y.assistive-tool-missing" or f.get("severity") == "info" or any(
                r["check"] == f["check"] and r["element"] in (f.get("evidence") or "") for r in review):
            continue
        match = next((k for k, b in enumerate(barriers)
                      if b["check"] == f["check"] and b["element"] in (f.get("evidence") or "")), None)
        if match is None:
            out.append(f"{sid}: unexpected {f['check']} on {_p(f['url'])}: {(f.get('evidence') or '')[:80]}")
        else:
            pages[match].add(_page(f["url"]))
    for k, barrier in enumerate(barriers):
        want = barrier["pages"]
        if want == "many" and len(pages[k]) < 2:
            out.append(f"{sid}: {barrier['check']} {barrier['element']} expected on many pages, "
                       f"found on {len(pages[k])}")
        elif want != "many" and pages[k] != {_page(u) for u in want}:
            out.append(f"{sid}: {barrier['check']} {barrier['element']} expected on "
                       f"{sorted(_page(u) for u in want)}, found on {sorted(pages[k])}")
    return out


def compare_files(results_json: Path | str, answer_key: Path | str) -> list[str]:
    results = json.loads(Path(results_json).read_text("utf-8"))
    key = yaml.safe_load(Path(answer_key).read_text("utf-8"))
    return compare(results, key)
