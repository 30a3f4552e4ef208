"""The HTML report: one self-contained file (inline CSS, SVG and a little JS).

Everything taken from audited pages is escaped by Jinja2's autoescaping, URLs become links only
when they are http(s), and a Content-Security-Policy allows only the report's own script (by
hash), so a page whose title is ``<script>…`` cannot run script in the report.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import yaml
from markupsafe import Markup

from auditcli.core.barriers import barrier_key, from_browser, site_barriers
from auditcli.core.knowledge import load
from auditcli.core.vocabulary import SEVERITY, dimension_title, dimensions_of, severity_rank
from reports import check_info, finding_fix, finding_message, finding_refs, finding_title, localized

TEMPLATES = Path(__file__).parent / "templates"
LANGS = ("zh", "en")
WORST_COLUMNS = 15
SCORE_BANDS = [(0, 10), (10, 20), (20, 30), (30, 40), (40, 50), (50, 60), (60, 70), (70, 80),
               (80, 90), (90, 101)]


@lru_cache(maxsize=1)
def _strings() -> dict:
    return yaml.safe_load((Path(__file__).parent / "i18n.yaml").read_text(encoding="utf-8"))


def _safe_url(value: Any) -> str | None:
    """A URL fit for href: only absolute http(s); anything else is shown as text only."""
    if not isinstance(value, str):
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return value.strip()
    return None


def _anchor(site_id: str) -> str:
    """A stable, HTML-safe id for a site section."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", site_id).strip("-") or "site"
    digest = hashlib.sha1(site_id.encode("utf-8")).hexdigest()[:6]
    return f"site-{slug}-{digest}"


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every template, whatever its extension
        undefined=jinja2.ChainableUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = _safe_url
    env.filters["zh"] = _mark_chinese
    env.filters["num"] = lambda v: "—" if v is None else f"{v:g}"
    env.filters["detail"] = detail_text
    env.filters["reason"] = reason_text
    return env


@lru_cache(maxsize=1)
def _detail_patterns() -> list[tuple[re.Pattern, dict]]:
    return [(re.compile(entry["pattern"]), entry) for entry in _strings()["details"]]


def reason_text(reason: object, lang: str) -> str:
    """A not-scanned reason code (the crawl's or the browser's) in the report's language."""
    if not reason:
        return "—"
    code = str(reason)
    if re.fullmatch(r"http-\d{3}", code):
        return _strings()["reasons"][lang].get(code, f"HTTP {code[5:]}")
    return _strings()["reasons"][lang].get(code, code)


def detail_text(detail: object, lang: str) -> str:
    """A status detail written in English by the crawl or the browser ("start page not fetched", "site
    budget of 600 s used up"), said in the report's language by the patterns of i18n.yaml `details`;
    what no pattern knows (an exception's own text) is kept as written."""
    if detail is None or isinstance(detail, jinja2.Undefined):
        return ""
    text = str(detail)
    if lang == "en":
        return text
    for pattern, entry in _detail_patterns():
        match = pattern.fullmatch(text)
        if match is None or lang not in entry:
            continue
        groups = match.groupdict()
        if "reason" in groups and reason_text(groups["reason"], lang) == groups["reason"]:
            continue  # "word: …" that is not a reason code
        values = {name: detail_text(value, lang) if name == "detail" else
                  reason_text(value, lang) if name == "reason" else value for name, value in groups.items()}
        return entry[lang].format(**values)
    return text


CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _mark_chinese(text: object) -> Markup | str:
    """Chinese text taken from the audited pages gets lang="zh-CN" (WCAG 3.1.2), escaped like everything else."""
    if text is None or isinstance(text, jinja2.Undefined):
        return ""
    value = str(text)
    if not CJK.search(value):
        return value
    return Markup('<span lang="zh-CN">{}</span>').format(value)


def _score_sort_key(site: dict) -> tuple:
    score = site.get("score")
    return (score is None, -(score or 0.0), site.get("name") or site.get("id"))


def _worst_first_key(view: dict) -> tuple:
    """The ranking's other order: sites not assessed (unreachable, start page blocked) first, then the
    lowest scores, vetoed before not at the same score."""
    site = view["site"]
    score = site.get("score")
    return (score is not None, score or 0.0, not site.get("vetoes"), view["rank"])


def _score_change(results: dict, trend: list[dict]) -> dict | None:
    """The site's score against its previous recorded audit (the trend holds this run once recorded);
    {"first": True} for a site with no earlier run, None without history."""
    if not trend:
        return None
    run_id = (results.get("run") or {}).get("id")
    index = next((k for k, point in enumerate(trend) if point.get("run_id") == run_id), len(trend))
    current = trend[index] if index < len(trend) else None
    earlier = [p for p in trend[:index] if p.get("score") is not None]
    if not earlier:
        return {"first": True}
    before = earlier[-1]
    score = (current or {}).get("score")
    delta = None if score is None else round(float(score) - float(before["score"]), 1)
    return {"first": False, "delta": delta, "before": before.get("score"), "since": _when(before),
            "new": (current or {}).get("new"), "fixed": (current or {}).get("fixed")}


def _when(point: dict) -> str:
    """When a recorded run was made, to the minute (two audits on one day must be told apart)."""
    started = str(point.get("started_at") or "")
    if len(started) >= 16 and started[10] in "T ":
        return f"{started[:10]} {started[11:16]}"
    return str(point.get("as_of") or started[:10] or "—")


def _band(score: float) -> int:
    for index, (low, high) in enumerate(SCORE_BANDS):
        if low <= score < high:
            return index
    return len(SCORE_BANDS) - 1


def _column_view(site: dict, column: dict) -> dict:
    age, limit = column.get("age_days"), column.get("max_age_days")
    overdue = age - limit if isinstance(age, (int, float)) and isinstance(limit, (int, float)) \
        else None
    return {**column, "site": site, "overdue": overdue}


def _group_findings(results: dict, findings: list[dict], lang: str,
                    states: dict[str, str] | None = None) -> list[dict]:
    """Findings grouped by check (worst severity first), then by page; `states` marks new/regressed ones."""
    by_check: dict[str, list[dict]] = defaultdict(list)
    for finding in findings:
        by_check[str(finding.get("check"))].append(finding)
    groups = []
    for check_id, items in by_check.items():
        first = items[0]
        pages: dict[str, list[dict]] = defaultdict(list)
        for item in items:
            pages[str(item.get("url") or "")].append({
                **item,
                "text": finding_message(results, item, lang),
                "state": (states or {}).get(str(item.get("fingerprint"))),
            })
        severity = min((i.get("severity") or "info" for i in items),
                       key=severity_rank)
        groups.append({
            "check": check_id,
            "title": finding_title(results, first, lang),
            "dimension": first.get("dimension"),
            "severity": severity,
            "refs": finding_refs(results, first),
            "fix": finding_fix(results, first, lang),
            "count": len(items),
            "pages": sorted(pages.items()),
        })
    groups.sort(key=lambda g: (severity_rank(g["severity"]), -g["count"], g["check"]))
    return groups


def _accessibility_view(results: dict, site: dict, lang: str) -> dict | None:
    """The site's accessibility barriers for the report: each once, with its page count, example pages,
    why it matters and how to fix it; "needs review" results apart."""
    block = site_barriers(site)
    if block is None:
        return None

    def view(barrier: dict) -> dict:
        fix = barrier.get("fix") or {}
        why = barrier.get("why") or {}
        info = check_info(results, barrier.get("check", ""))
        title = localized(info.get("title"), lang, barrier.get("title") or barrier.get("check", ""))
        if lang == "en" and barrier.get("title_en"):
            title = barrier["title_en"]
        return {**barrier, "title": title, "why_text": localized(why, lang, ""),
                "fix_text": localized(fix, lang, "") or localized(info.get("fix"), lang, ""),
                "refs": barrier.get("refs") or info.get("refs") or [],
                "percent": round(100 * float(barrier.get("share") or 0))}

    # axe-core's "needs review" results and the static checks' review-level ones are told apart: a
    # static result must never read as axe's word
    axe = {barrier_key(f) for f in site.get("findings") or [] if from_browser(f)}
    review = [view(b) for b in block.get("review") or []]
    return {"pages": block.get("pages"), "barriers": [view(b) for b in block.get("barriers") or []],
            "review": [b for b in review if (b.get("check"), b.get("template")) in axe],
            "review_static": [b for b in review if (b.get("check"), b.get("template")) not in axe],
            "browser": block.get("browser")}


def _content_view(results: dict, site: dict, lang: str) -> dict | None:
    """The 内容安全 section: the content findings (their evidence is masked by the checks) and one line per
    attachment the site links to, with what became of it and what was found in it. None when the content
    dimension did not run."""
    attachments = site.get("attachments")
    findings = [f for f in site.get("findings") or [] if f.get("dimension") == "content"]
    if attachments is None and not findings:
        return None
    words = _strings()["attachments"][lang]
    reasons = {**_strings()["reasons"][lang], **words["reasons"]}
    lines = []
    for entry in attachments or []:
        found = [f"{words['kinds'].get(kind, kind)} {n}" for kind, n in (entry.get("found") or {}).items() if n]
        reason = entry.get("reason")
        lines.append({**entry, "status_text": words["statuses"].get(entry.get("status"), entry.get("status")),
                      "reason_text": reasons.get(reason, reason) if reason else "",
                      "found_text": ("、" if lang == "zh" else ", ").join(found)})
    return {"findings": [{**f, "text": finding_message(results, f, lang), "title": finding_title(results, f, lang)}
                         for f in sorted(findings, key=lambda f: (severity_rank(f.get("severity") or "info"),
                                                                  str(f.get("check")), str(f.get("url"))))],
            "attachments": lines}


def _trend_points(trend: list[dict]) -> dict | None:
    """Polyline geometry for a score sparkline (0–100 on the y axis)."""
    scored = [t for t in trend if t.get("score") is not None]
    if not scored:
        return None
    width, height, pad = 160, 40, 3
    step = (width - 2 * pad) / max(1, len(scored) - 1)
    points = []
    for index, point in enumerate(scored):
        x = pad + index * step
        y = pad + (height - 2 * pad) * (1 - float(point["score"]) / 100)
        points.append((round(x, 1), round(y, 1)))
    return {"width": width, "height": height,
            "polyline": " ".join(f"{x},{y}" for x, y in points), "last": points[-1]}


def _changes(results: dict, life: dict | None, lang: str) -> dict | None:
    """What changed since the site's previous recorded audit: counts, and the findings that were fixed."""
    if not life:
        return None
    states = list(life["states"].values())
    fixed = [{**f, "title": finding_title(results, f, lang)} for f in life["fixed"]]
    return {"counts": {state: states.count(state) for state in ("new", "regressed", "persisting")}
            | {"fixed": len(fixed)}, "fixed": fixed}


def build_view(results: dict, lang: str = "zh",
               history_trends: dict[str, list[dict]] | None = None,
               lifecycle: dict[str, dict] | None = None) -> dict:
    """Everything the templates show, computed once (templates only lay it out)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    strings = _all_strings(results)
    sites = sorted(results.get("sites") or [], key=_score_sort_key)
    by_id = {s["id"]: s for s in sites}
    dimensions = dimensions_of(results)
    site_views = [_site_view(results, site, rank, lang, dimensions, by_id,
                             (history_trends or {}).get(site["id"]) or [],
                             (lifecycle or {}).get(site["id"]))
                  for rank, site in enumerate(sites, start=1)]
    for worst, view in enumerate(sorted(site_views, key=_worst_first_key), start=1):
        view["worst"] = worst
    columns_all = [c for view in site_views for c in view["columns"]]
    overdue = sorted((c for c in columns_all if c.get("status") == "stale"
                      and c["overdue"] is not None), key=lambda c: -c["overdue"])[:WORST_COLUMNS]
    empty = [c for c in columns_all if c.get("status") in ("empty", "undated", "needs-browser")][:WORST_COLUMNS]
    run = results.get("run") or {}
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    return {
        "t": strings[lang], "lang": lang, "strings": strings, "results": results, "run": run,
        "title": _report_title(results, strings[lang], lang), "counts": _counts(sites),
        "sites": site_views, "anchors": {v["site"]["id"]: v["anchor"] for v in site_views},
        "rollup": _rollup(sites, by_id),
        "bands": _bands(sites, float(run.get("pass_mark", 60))),
        "dim_avg": _dimension_averages(results, dimensions, site_views, lang),
        "overdue": overdue, "empty": empty,
        "levels": sorted({s.get("level") for s in sites if s.get("level")}),
        "has_history": any(view["change"] is not None for view in site_views),
        "script": script,
        "script_hash": base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode(),
    }


def _all_strings(results: dict) -> dict:
    """The report's strings; the vocabulary's labels come from it (and the run's own dimensions), not
    from i18n.yaml."""
    return {**_strings(),
            "severities": {lang_: {s.name: s.label[lang_] for s in SEVERITY.values()} for lang_ in LANGS},
            "dimension_names": {lang_: {d: dimension_title(results, d, lang_) for d in dimensions_of(results)}
                                for lang_ in LANGS}}


def _report_title(results: dict, t: dict, lang: str) -> str:
    """The audit's name from the sites file, else the report's default title."""
    run = results.get("run") or {}
    audit = results.get("audit") or {}
    name = localized(audit.get("name"), lang) or run.get("name")
    return name if name and name != "auditcli" else t["report_title"]


def _rollup(sites: list[dict], by_id: dict[str, dict]) -> list[dict]:
    """Each parent site with its children (recursively): how many failed and their average score."""
    children: dict[str, list[dict]] = defaultdict(list)
    for site in sites:
        parent = site.get("parent")
        if parent and parent in by_id and parent != site["id"]:
            children[parent].append(site)

    def roll(site: dict, seen: frozenset) -> dict:
        kids = [roll(k, seen | {site["id"]}) for k in children.get(site["id"], [])
                if k["id"] not in seen]
        scores = [k["site"]["score"] for k in kids if k["site"].get("score") is not None]
        return {"site": site, "children": kids,
                "failed": sum(1 for k in kids if k["site"].get("verdict") == "fail"),
                "avg": round(sum(scores) / len(scores), 1) if scores else None}

    roots = [s for s in sites if not (s.get("parent") in by_id and s.get("parent") != s["id"])]
    return [roll(s, frozenset()) for s in roots if children.get(s["id"])]


def _counts(sites: list[dict]) -> dict[str, int]:
    """Sites by verdict, the vetoed ones, the partly crawled and unreachable ones, and all findings."""
    counts = {"total": len(sites), "pass": 0, "fail": 0, "not-assessed": 0, "vetoed": 0,
              "findings": 0, "partial": 0, "unreachable": 0}
    for site in sites:
        verdict = site.get("verdict") or "not-assessed"
        counts[verdict] = counts.get(verdict, 0) + 1
        if site.get("status") in ("partial", "unreachable"):
            counts[site["status"]] += 1
        counts["vetoed"] += bool(site.get("vetoes"))
        counts["findings"] += len(site.get("findings") or [])
    return counts


def _bands(sites: list[dict], pass_mark: float) -> list[dict]:
    """The score distribution's bars: sites per band of ten points, the bands under the pass mark marked."""
    bands = [0] * len(SCORE_BANDS)
    for site in sites:
        if site.get("score") is not None:
            bands[_band(float(site["score"]))] += 1
    band_max = max(bands) or 1
    return [{"label": f"{lo}–{hi - 1}" if hi <= 100 else f"{lo}–100", "n": n,
             "h": round(60 * n / band_max, 1), "fail": lo < pass_mark}
            for (lo, hi), n in zip(SCORE_BANDS, bands, strict=True)]


def _dimension_averages(results: dict, dimensions: list[str], site_views: list[dict],
                        lang: str) -> list[dict]:
    """Each dimension's average score over the sites where it was assessed."""
    scores: dict[str, list[float]] = {d: [] for d in dimensions}
    for view in site_views:
        for dim in view["dims"]:
            if dim["score"] is not None:
                scores[dim["id"]].append(float(dim["score"]))
    return [{"id": d, "name": dimension_title(results, d, lang),
             "value": round(sum(v) / len(v), 1) if v else None, "n": len(v)}
            for d, v in scores.items()]


def _site_view(results: dict, site: dict, rank: int, lang: str, dimensions: list[str],
               by_id: dict[str, dict], trend: list[dict], life: dict | None) -> dict:
    """One site's section of the report."""
    findings = site.get("findings") or []
    a11y = _accessibility_view(results, site, lang)
    content = _content_view(results, site, lang)
    return {
        "site": site, "rank": rank, "anchor": _anchor(site["id"]),
        "verdict": site.get("verdict") or "not-assessed",
        "dims": [_dimension_view(results, site, dim, lang) for dim in dimensions],
        "columns": [_column_view(site, c) for c in site.get("columns") or []],
        "a11y": a11y,
        "content": content,
        # accessibility findings are shown once per barrier in their own section, content ones in theirs
        "groups": _group_findings(results, [f for f in findings if (not a11y or f.get("dimension") != "accessibility")
                                            and (not content or f.get("dimension") != "content")], lang,
                                  (life or {}).get("states")),
        "changes": _changes(results, life, lang),
        "parent": by_id.get(site.get("parent") or ""),
        "trend": [{**point, "when": _when(point)} for point in trend], "trend_chart": _trend_points(trend),
        "change": _score_change(results, trend),
        "vetoes": [{**v, "text": _message(v, lang)} for v in site.get("vetoes") or []],
        "availability": _availability_line(site.get("availability"), lang),
        "service": _service_view(site.get("service"), lang),
        "coverage": _coverage_view(site.get("coverage"), lang),
        "shared": _shared_view(site.get("shared_content"), lang),
        "deductions": [{**d, "text": _message(d, lang)} for d in site.get("deductions") or []],
    }


def _availability_line(block: dict | None, lang: str) -> str | None:
    """One line: how availability was judged (the week's probes, or this visit only) and on how many probes."""
    if not isinstance(block, dict) or "rule" not in block:
        return None
    t = _strings()[lang]
    probes, failures = block.get("probes") or 0, block.get("failures") or 0
    window, needed = block.get("window") or {}, block.get("needed") or {}
    key = "availability_probes" if block["rule"] == "probes" else "availability_single"
    return t[key].format(days=block.get("days"), probes=probes, failures=failures,
                         share=f"{100.0 * failures / probes:.1f}" if probes else "0",
                         window_from=window.get("from", "?"), window_to=window.get("to", "?"),
                         need_days=needed.get("days", "?"), per_day=needed.get("per_day", "?"))


def _service_view(block: dict | None, lang: str) -> dict | None:
    """The `service` block in one line (guides found, complete, lacking elements; the platform elsewhere)
    and the guides that lack elements, each with what it lacks."""
    if not isinstance(block, dict) or "guides" not in block:
        return None
    t = _strings()[lang]
    names = load("service")["elements"]
    line = t["service_line"].format(guides=block["guides"], complete=block.get("complete", 0),
                                    incomplete=block.get("incomplete", 0))
    if block.get("platform_links"):
        line += t["service_platform"].format(n=block["platform_links"])
    elif block.get("no_service"):
        line += t["service_none"]
    sep = "、" if lang == "zh" else ", "
    guides = [{"url": g.get("url"), "name": g.get("name") or g.get("url"),
               "missing": sep.join((names.get(k) or {}).get(lang, k) for k in g.get("missing") or [])}
              for g in block.get("incomplete_guides") or []]
    return {"line": line, "guides": guides}


def _coverage_view(block: dict | None, lang: str) -> dict | None:
    """The county's sub-site tree (the `coverage` block): the roll-up in one line, then each branch
    with its state, newest item and why."""
    if not isinstance(block, dict) or not isinstance(block.get("rollup"), dict):
        return None
    t = _strings()[lang]
    states = t["coverage_states"]
    rollup = block["rollup"]
    line = t["coverage_line"].format(expected=rollup.get("expected", 0), linked=rollup.get("linked", 0),
                                     reachable=rollup.get("reachable", 0), kept_up=rollup.get("kept_up", 0),
                                     unlisted=rollup.get("unlisted", 0), limit=block.get("zombie_max_age_days", "?"))
    branches = [{"name": b.get("name") or b.get("site") or b.get("url"), "url": b.get("url"), "level": b.get("level"),
                 "listed": b.get("listed"), "linked": b.get("linked"), "state": b.get("state"),
                 "state_label": states.get(b.get("state"), b.get("state")), "newest": b.get("newest"),
                 "age_days": b.get("age_days"), "detail": b.get("detail")}
                for b in block.get("tree") or []]
    return {"line": line, "branches": branches}


def _shared_view(shared: list | None, lang: str) -> list[dict]:
    """Columns that carry another audited site's items (`shared_content`): a note, never a fault."""
    out = []
    for entry in shared or []:
        for other in entry.get("shared_with") or []:
            out.append({"column": entry.get("column"), "url": entry.get("url"), "site": other.get("site"),
                        "other_column": other.get("column"), "other_url": other.get("url"),
                        "items": other.get("shared_items")})
    return out


def _dimension_view(results: dict, site: dict, dim: str, lang: str) -> dict:
    """A site's score in one dimension; none where it was not assessed."""
    block = (site.get("dimensions") or {}).get(dim) or {}
    score = block.get("score")
    assessed = block.get("status", "assessed") == "assessed" and score is not None
    return {"id": dim, "name": dimension_title(results, dim, lang),
            "score": score if assessed else None,
            "value": score if assessed else None,
            "findings": block.get("findings", 0)}


def _message(entry: dict, lang: str) -> str:
    """A veto's or deduction's message in the report's language (Chinese when there is no English)."""
    return entry.get("message_en") if lang == "en" and entry.get("message_en") else entry.get("message", "")


def render_html(results: dict, lang: str = "zh",
                history_trends: dict[str, list[dict]] | None = None,
                lifecycle: dict[str, dict] | None = None) -> str:
    """Render the whole report to one HTML string."""
    view = build_view(results, lang, history_trends, lifecycle)
    return _env().get_template("report.html.j2").render(**view)
