"""The demo farm's expected findings: every finding an audit of the farm may report, per site.

The answer key lists them under each site's ``expected_findings``, so the comparison is exhaustive:
a finding of any check that no entry expects is a false alarm, an entry no finding meets is a miss.

Most entries are derived from the key's facts (column statuses, the home page, identity items,
languages, broken links, overdue letters, IPv6, the accessibility barriers, the security and login
facts). Anything else a site plants goes in its module's
key as ``findings`` — a list of entries in the same format (``expected_finding(...)`` writes one):

    check: a11y.image-alt            # the check id (required), of any dimension
    url: http://127.0.0.1:8101/x.html  # the finding's page, compared by path (ports differ per run);
                                     # omitted: any page of the site
    selector: img.logo               # optional: the finding's selector, exactly
    data: {page_type: article}       # optional: these keys of the finding's `data`, exactly
    evidence: "nginx/1.12.2"         # optional: text the finding's evidence contains
    count: 2                         # optional: exactly this many findings match; default at least one
    optional: true                   # optional: may be absent (a condition of the run, e.g. a timeout)
    mode: static                     # optional: expected only in a static audit (static) or only in
                                     # browser mode (browser); default both
    note: why it is planted          # free text

Several entries may describe the findings of one check; a finding is expected when one entry matches it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from auditcli.core.urls import normalise_url

IDENTITY_CHECKS = {
    "site_code": "identity.site-code-missing",
    "icp": "identity.icp-missing",
    "police": "identity.police-record-missing",
    "conac": "identity.conac-missing",
    "jiucuo": "identity.jiucuo-entry-missing",
}
COLUMN_CHECKS = {"empty": "columns.empty", "stale": "freshness.column-stale", "undated": "freshness.undated-column",
                 "needs-browser": "columns.needs-browser"}
LANGUAGE_CHECKS = {"missing": "language.missing", "stale": "language.stale", "broken": "language.broken",
                   "wrong-language": "language.wrong-language"}
ENTRY_FIELDS = {"check", "url", "selector", "data", "evidence", "count", "optional", "mode", "note"}


def expected_finding(check: str, url: str | None = None, *, note: str | None = None, **fields: Any) -> dict[str, Any]:
    """One entry of `expected_findings` (see the module docstring for the fields)."""
    unknown = set(fields) - ENTRY_FIELDS
    if unknown:
        raise ValueError(f"unknown expected-finding fields {sorted(unknown)}")
    entry: dict[str, Any] = {"check": check}
    if url is not None:
        entry["url"] = url
    entry.update({k: v for k, v in fields.items() if v is not None})
    if note:
        entry["note"] = note
    return entry


def derive(site: dict[str, Any]) -> list[dict[str, Any]]:
    """The findings a site's key facts imply, then the site's own `findings` entries."""
    e = expected_finding
    if site.get("unreachable"):  # a dead site is not assessed: no finding of its own
        return list(site.get("findings", []))
    out: list[dict[str, Any]] = []
    for col in site.get("columns", []):
        rendered = col.get("browser")  # a list filled by script: browser mode judges the list it shows
        if col["status"] in COLUMN_CHECKS:
            out.append(e(COLUMN_CHECKS[col["status"]], col["url"], mode="static" if rendered else None,
                         note=f"column {col['name']} is {col['status']}"))
        if rendered and rendered["status"] in COLUMN_CHECKS:
            out.append(e(COLUMN_CHECKS[rendered["status"]], col["url"], mode="browser",
                         note=f"column {col['name']} is {rendered['status']} once rendered"))
    home = site.get("homepage") or {}
    if home.get("stale"):
        out.append(e("freshness.homepage-stale", home["url"], note="home page newest item over 14 days"))
    identity = site.get("identity") or {}
    for item, check in IDENTITY_CHECKS.items():
        if identity.get(item) is False:
            out.append(e(check, note=f"identity item {item} missing"))
    for kind in (identity.get("page_tags_missing") or {}):
        out.append(e("identity.page-tags-missing", data={"page_type": kind}, note=f"{kind} pages lack page tags"))
    for lang, spec in (site.get("languages") or {}).items():
        if spec.get("required") and spec["status"] in LANGUAGE_CHECKS:
            out.append(e(LANGUAGE_CHECKS[spec["status"]], data={"lang": lang}, note=f"language {lang} {spec['status']}"))
        for link in spec.get("links", []):
            if link.get("status") == "broken":
                out.append(e("language.broken", link["url"], optional=True,
                             note="a broken language link beside a working version: links.broken reports it"))
    broken = site.get("broken_links") or {}
    conditions = site.get("not_scanned_conditions") or {}
    for link in broken.get("confirmed", []) + broken.get("suspected", []):
        out.append(e("links.broken", link["url"], optional=True if link["url"] in conditions else None,
                     note=link.get("note") or f"broken link ({link.get('status') or link.get('reason')})"))
    overdue = [x for x in site.get("letters", []) if x["overdue"]]
    if overdue:
        out.append(e("interaction.reply-overdue", count=len(overdue), note="letters answered late or not at all"))
    interaction = site.get("interaction") or {}
    if interaction.get("channel") is False:
        out.append(e("interaction.no-channel", note="no consultation channel"))
    if urlsplit(site["url"]).hostname in ("127.0.0.1", "localhost", "::1"):
        out.append(e("network.no-ipv6", note="the demo farm listens on 127.0.0.1 only"))
    out.extend(_accessibility_and_security(site))
    out.extend(site.get("findings", []))
    return out


def _accessibility_and_security(site: dict[str, Any]) -> list[dict[str, Any]]:
    """Required entries for the accessibility barriers (the key's `barriers`; `browser_barriers`
    optional, a static audit cannot see them) and the security and login problems the key plants."""
    return accessibility_entries(site.get("accessibility") or {}) + security_entries(site)


def security_entries(site: dict[str, Any]) -> list[dict[str, Any]]:
    """Required entries for the security and login problems the key plants (the security dimension,
    checks/security.py): the farm is plain HTTP, so `tls.no-https` on every site; each fact names its
    finding exactly (the Server value in the evidence, the cookie, the missing headers)."""
    e = expected_finding
    security = site.get("security") or {}
    out: list[dict[str, Any]] = []
    if security.get("https") is False:
        out.append(e("tls.no-https", count=1, note="the demo farm is served over plain HTTP"))
    if security.get("server_version_disclosure"):
        for value in str(security["server_version_disclosure"]).split(","):
            value = value.strip()
            if any(ch.isdigit() for ch in value):  # "X-Powered-By ASP.NET" carries no version
                out.append(e("http.server-version-disclosure", evidence=value, count=1, note="planted Server header"))
    if security.get("insecure_cookie"):
        cookie = str(security["insecure_cookie"]).split()[0]
        out.append(e("http.insecure-cookie", data={"cookie": cookie}, count=1, note=security["insecure_cookie"]))
    if security.get("missing_security_headers"):
        out.append(e("http.missing-security-headers", data={"missing": list(security["missing_security_headers"])},
                     count=1, note="planted: no security headers"))
    logins = site.get("login") or []
    if logins:
        out.append(e("login.entrances", count=1, note="the site's login entrances, listed (info)"))
    for login in logins:
        for fact, check in (("password_over_http", "login.password-over-http"),
                            ("form_action_insecure", "login.form-action-insecure"),
                            ("single_factor", "login.single-factor")):
            if login.get(fact):
                out.append(e(check, login["url"], count=1, note="planted login problem"))
    return out


def accessibility_entries(a11y: dict[str, Any]) -> list[dict[str, Any]]:
    """The planted accessibility problems of a site's key as finding entries (check, url compared by
    path, text the evidence contains, optional): the format of an exhaustive expected-findings list.
    Browser-mode barriers are optional (a static audit cannot see them); `review` lists the
    review-level (info) results the site's pages carry, required as barriers are; `browser_review`
    the ones axe-core adds in browser mode (required there, absent from a static audit). Every farm
    template lays its pages out without landmarks (templates.py: no <main>, <nav>): axe's best-practice
    `region` and `landmark-one-main` are review-level results of every site in browser mode."""
    out: list[dict[str, Any]] = []
    if a11y.get("assistive_tool") is False:
        out.append({"check": "a11y.assistive-tool-missing", "note": "no 无障碍/适老化 entry planted"})
    for key, optional in (("barriers", False), ("browser_barriers", True), ("review", False)):
        for barrier in a11y.get(key, []):
            entry = {"check": barrier["check"], "evidence": barrier["element"],
                     "note": ("review-level accessibility result" if key == "review" else
                              "planted accessibility barrier" + (" (browser mode only)" if optional else ""))}
            if optional:
                entry["optional"] = True
            if barrier["pages"] == "many":
                out.append(entry)
            else:
                out += [{**entry, "url": url} for url in barrier["pages"]]
    for barrier in a11y.get("browser_review", []):
        entry = {"check": barrier["check"], "evidence": barrier["element"], "mode": "browser",
                 "note": "review-level result of axe-core's (browser mode)"}
        out += [entry] if barrier["pages"] == "many" else [{**entry, "url": url} for url in barrier["pages"]]
    if "barriers" in a11y or "review" in a11y:  # a site with pages of the farm's templates
        out += [{"check": check, "mode": "browser", "note": "farm templates have no landmarks (axe best practice)"}
                for check in ("axe.region", "axe.landmark-one-main")]
    return out


def _path(url: str | None) -> str:
    """The page a URL names, without host and port (farm ports differ per run): /a/index.html is /a/."""
    if not url:
        return ""
    u = urlsplit(normalise_url(url))
    return (u.path or "/") + (f"?{u.query}" if u.query else "")


def matches(finding: dict[str, Any], entry: dict[str, Any]) -> bool:
    if finding.get("check") != entry["check"]:
        return False
    if "url" in entry and _path(finding.get("url")) != _path(entry["url"]):
        return False
    if "selector" in entry and finding.get("selector") != entry["selector"]:
        return False
    if "evidence" in entry and entry["evidence"] not in (finding.get("evidence") or ""):
        return False
    data = finding.get("data") or {}
    return all(data.get(k) == v for k, v in (entry.get("data") or {}).items())


def describe(entry: dict[str, Any]) -> str:
    where = _path(entry.get("url")) or "any page"
    extra = "".join(f" {k}={entry[k]}" for k in ("selector", "data", "evidence") if k in entry)
    return f"{entry['check']} at {where}{extra}"


def compare_findings(site_id: str, findings: list[dict[str, Any]], expected: list[dict[str, Any]],
                     browser: bool = False) -> list[str]:
    """Unexpected findings (no entry matches them) and missed entries (too few findings match them); the
    entries of the other mode (static or browser) are left out."""
    mode = "browser" if browser else "static"
    expected = [entry for entry in expected if entry.get("mode", mode) == mode]
    out = []
    for f in findings:
        if not any(matches(f, entry) for entry in expected):
            out.append(f"{site_id}: unexpected finding {f.get('check')} at {_path(f.get('url'))}"
                       f" ({(f.get('message') or '')[:80]})")
    for entry in expected:
        n = sum(1 for f in findings if matches(f, entry))
        if "count" in entry and n != entry["count"] and not (n == 0 and entry.get("optional")):
            out.append(f"{site_id}: expected {entry['count']} × {describe(entry)}, got {n}")
        elif n == 0 and not entry.get("optional"):
            out.append(f"{site_id}: expected finding {describe(entry)} not reported")
    return out
