"""The static accessibility rules on the GDS accessibility tool audit (one barrier per page).

    .venv/bin/python benchmarks/gds_audit.py --corpus DIR            # a checkout of alphagov/accessibility-tool-audit
    .venv/bin/python benchmarks/gds_audit.py --corpus DIR --list     # ... and what was found on each page
    .venv/bin/python benchmarks/gds_audit.py --corpus DIR --only a11y.image-alt,a11y.link-name   # a subset of rules

The corpus (github.com/alphagov/accessibility-tool-audit, MIT licence, Crown Copyright) holds 142
test pages, each one barrier inside the same page template, with the results of 13 tools
(`tests.json`). A page counts as found when the check that means its barrier (MEANS) reports on it
something it does not report on the template itself (the control page: the template with an empty
example); findings of other checks are listed as incidental, never counted. A test whose
example is a link to one of the corpus's example pages is judged on that page too, as a crawl would.
How the audit counts a tool (the corpus's build/analysis.js, analysis.json `scoreboard.by_error_warning`,
its headline ranking): a barrier is found when the tool gave an "error", a paid-version error
("error_paid") or a "warning" ("the tool noticed the issue, but only threw up a warning"); "manual"
("user to check": the tool pointed at the code and asked the tester to judge) is counted only in a
second ranking (`error_warning_manual`); "identified" (noticed, no warning) never. SortSite's 57 (40 %)
is 50 errors + 7 paid errors, no warnings; axe-core's 41 are errors (its 2 "manual" are left out).
Our review-level results (severity info: a heuristic rule's "needs review", a best-practice axe rule, the
style probe's review rules) are warnings in that sense, so the comparable number is the second one
printed, "with review-level results"; the first (errors only) is the stricter one. No network: the
corpus is read from the directory given.

    .venv/bin/python benchmarks/gds_audit.py --corpus DIR --browser  # static rules and axe-core (browser mode)

`--browser`: the same pages served on 127.0.0.1 (the corpus's images, scripts and example pages beside
them; every other host aborted) and rendered as browser mode renders a crawl's pages: axe-core in every
frame with its best-practice rules (spiders/render.py). A page counts as found by the static rules as
above, or by an axe result that is not on the control page and means its barrier: an axe rule reported
under the static rule MEANS names (checks/a11y/axe.py AXE_TO_CHECK), or one AXE_MEANS names for it.
Best-practice and "needs review" results count as review level, as the product reports them. The
style probe's results (spiders/styleprobe.py: focus indicators from the computed style, CSS-inserted
text, text below 10px) come with axe's and count the same way (AXE_MEANS names the last two).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checks.a11y.rules import rule_findings  # noqa: E402

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Accessibility tools audit test - {name} - GDS accessibility team</title>
  <script src="../assets/javascript/jquery-1.12.0.min.js"></script>
  <script src="../assets/javascript/main.js"></script>
  <link rel="stylesheet" href="../assets/stylesheets/tests.css" />
</head>
<body>
  <h1>{name}</h1>
  <main>
    {example}
  </main>
</body>
</html>
"""
TOOLS_FOUND = ("error", "warning", "error_paid")  # what the audit counts as a tool finding the barrier
# the checks that report each test's barrier: a finding of another check on its page is incidental (the
# template's <h1> before an example's <h4>, a linked example page's missing <title>) and not counted
MEANS = {
    "Blink element found": "blink-marquee", "Marquee element found": "blink-marquee",
    "html element has an empty lang attribute": "html-lang", "html element is missing a lang attribute": "html-lang",
    "html element has an invalid value in the lang attribute": "html-lang-valid",
    "lang attribute used to identify change of language, but with invalid value": "element-lang-valid",
    "lang attribute not used to identify change of language": "lang-change",
    "Empty page title": "document-title", "Missing page title": "document-title",
    "Empty heading": "heading-name", "Missing H1": "page-heading-missing",
    "Headings not structured in a hierarchical manner": "heading-order",
    "Table used for layout": "layout-table",
    "Image with no alt attribute": "image-alt", "Image alt attribute contains image file name": "alt-uninformative",
    "Uninformative alt attribute value on image button": "alt-uninformative",
    "Image link with no alternative text": "link-name", "Blank link text": "link-name",
    "Link launches new window with no warning": "link-new-window",
    "Link contains only a full stop": "link-text-vague", "Non-specific link text": "link-text-vague",
    "Uninformative link text": "link-text-vague", "Link text does not make sense out of context": "link-text-vague",
    "Image button has no alt attribute": "input-image-alt", "Empty alt attribute on image button": "input-image-alt",
    "Empty button": "button-name",
    "Labels missing when they would look clumsy for some form controls": "form-label",
    "Form element has no label": "form-label", "Empty label found": "form-label",
    "Missing labels in checkboxes": "form-label", "Placeholder no label": "form-label",
    "Label element with for= attribute but not matching id= attribute of form control": "form-label",
    "Group of radio buttons not enclosed in a fieldset": "fieldset-missing",
    "Group of check boxes not enclosed in a fieldset": "fieldset-missing",
    "Fieldset without a legend": "fieldset-missing", "Empty legend": "fieldset-missing",
    "Tabindex greater than 0": "tabindex-positive", "Accesskey attribute used": "accesskey",
    "Keyboard focus is not indicated visually": "focus-outline-removed",
    "Focus not visible": "focus-outline-removed",
    "iframe is missing a title attribute": "frame-title", "Duplicate id": "duplicate-id",
    "Empty paragraph": "spacing-markup", "Spacer image found": "spacing-markup",
    "Image has empty alt and non-empty title": "alt-uninformative", "Deprecated center element": "presentational-markup",
    "Deprecated font element": "presentational-markup", "Invalid ARIA role names": "aria-role",
}


# the axe-core rules that report each test's barrier where no static rule (MEANS) stands for it
AXE_MEANS = {
    "Small text does not have a contrast ratio of at least 4.5:1 so does not meet AA": {"color-contrast"},
    "Large text does not have a contrast ratio of at least 3:1 so does not meet AA": {"color-contrast"},
    "Errors identified with a poor colour contrast": {"color-contrast"},
    # the two AAA examples fail AA too (the large one is styled as the AA example): axe's AA rule reports
    # the example's text, as the audit counted axe's 2017 result (color-contrast-enhanced, AAA, is not run)
    "Small text does not have a contrast ratio of at least 7:1 so does not meet AAA": {"color-contrast"},
    "Large text does not have a contrast ratio of at least 4.5:1 so does not meet AAA": {"color-contrast"},
    "Image with presentation role has non-empty alt": {"presentation-role-conflict", "aria-allowed-role"},
    "LI element with no parent": {"listitem"}, "Improperly nested lists": {"list"},
    "DT or DD elements that are not contained within a DL element": {"dlitem", "definition-list"},
    "Table has no table headings": {"td-has-header", "th-has-data-cells"},
    "Table that only has TH elements in it": {"th-has-data-cells"},
    "Table has an empty table header": {"empty-table-header"},
    "Image link alt text repeats text in the link": {"image-redundant-alt"},
    "Two unique labels, but identical for= attributes": {"form-field-multiple-labels"},
    "Embedded video file is missing text alternative": {"video-caption"},
    "Embedded audio file is missing text alternative": {"audio-caption"},
    "Object not embedded accessibly - wmode parameter not set to window": {"object-alt"},
    "Keyboard focus assigned to a non focusable element using tabindex=0": {"focus-order-semantics"},
    # the computed-style probe of browser mode (spiders/styleprobe.py)
    "Non-decorative content inserted using CSS": {"css-generated-text"},
    "Very small text found": {"text-too-small"},
}


def findings(html: str, only: set[str] | None) -> set[tuple[str, str, bool]]:
    """(check, message, review) of every static finding on a page."""
    out = set()
    for check_id, found in rule_findings(html, "http://127.0.0.1/tests/page.html").items():
        if only and check_id not in only:
            continue
        for f in found:
            out.add((check_id, re.sub(r"\d+", "N", f.message_en or f.message), f.severity == "info"))
    return out


def judge(corpus: Path, only: set[str] | None) -> list[dict]:
    tests = json.loads((corpus / "tests.json").read_text("utf-8"))
    control = {(c, review) for c, _, review in findings(TEMPLATE.format(name="Control", example=""), only)}
    rows = []
    for category, group in tests.items():
        for name, test in group.items():
            pages = [TEMPLATE.format(name=name, example=test["example"])]
            for href in re.findall(r'href="(example-pages/[^"]+)"', test["example"]):
                path = corpus / href
                if path.exists():
                    pages.append(path.read_text("utf-8"))
            found = set()
            for page in pages:
                found |= {f for f in findings(page, only) if (f[0], f[2]) not in control}
            incidental = sorted({c for c, _, _ in found if c != f"a11y.{MEANS.get(name, '')}"})
            found = {f for f in found if f[0] == f"a11y.{MEANS.get(name, '')}"}
            tools = {tool: result for tool, result in test["results"].items()}
            rows.append({"category": category, "name": name, "errors": sorted({c for c, _, r in found if not r}),
                         "review": sorted({c for c, _, r in found if r} - {c for c, _, r in found if not r}),
                         "incidental": incidental, "tools": tools})
    return rows


def _server(corpus: Path, pages: dict[str, str]):
    """The corpus on 127.0.0.1: `pages` (path -> HTML) as given, every other path from the directory
    (an example page linked from a test is found beside it, as the static judge reads it)."""
    import mimetypes
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Files(BaseHTTPRequestHandler):
        def do_GET(self):
            path = self.path.split("?")[0]
            if path in pages:
                body, kind = pages[path].encode("utf-8"), "text/html; charset=utf-8"
            else:
                rel = path.lstrip("/")
                if "example-pages/" in rel:
                    rel = "example-pages/" + rel.split("example-pages/", 1)[1]
                file = (corpus / rel).resolve()
                if corpus.resolve() not in file.parents or not file.is_file():
                    self.send_error(404)
                    return
                body, kind = file.read_bytes(), mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return ThreadingHTTPServer(("127.0.0.1", 0), Files)


def _axe_found(result: dict) -> set[tuple[str, str, bool]]:
    """(axe rule, the check it is reported under, review) of one rendered page's axe results."""
    from checks.a11y.axe import AXE_TO_CHECK

    out = set()
    for kind in ("violations", "incomplete"):
        for rule in result.get(kind) or []:
            best_practice = not any(str(t).startswith("wcag") for t in rule.get("tags") or [])
            check = AXE_TO_CHECK.get(rule["id"], f"axe.{rule['id']}")
            out.add((rule["id"], check, kind == "incomplete" or (best_practice and check.startswith("axe."))))
    return out


def judge_browser(corpus: Path, rows: list[dict], only: set[str] | None) -> dict:
    """Render every test page (and the example pages it links) with axe in every frame; add to `rows`
    what axe found of each barrier. Returns the control page's results (axe's and the static rules')."""
    import threading

    from spiders.render import RenderOptions, render_pages

    tests = json.loads((corpus / "tests.json").read_text("utf-8"))
    pages = {"/tests/control.html": TEMPLATE.format(name="Control", example="")}
    cases = []
    for category, group in tests.items():
        for name, test in group.items():
            path = f"/tests/case-{len(cases)}.html"
            pages[path] = TEMPLATE.format(name=name, example=test["example"])
            linked = [f"/tests/{href}" for href in re.findall(r'href="(example-pages/[^"]+)"', test["example"])
                      if (corpus / href).exists()]
            cases.append((category, name, [path, *linked]))
    server = _server(corpus, pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        urls = [base + path for path in dict.fromkeys([*pages, *(p for _, _, paths in cases for p in paths)])]
        results = render_pages(urls, RenderOptions(workers=4, timeout=30, settle=1.0, local_only=True,
                                                   delay=0, per_host=4, per_ip=16))
    finally:
        server.shutdown()
    control = results[base + "/tests/control.html"]
    control_found = {(rule, review) for rule, _, review in _axe_found(control)}
    by_name = {(r["category"], r["name"]): r for r in rows}
    for category, name, paths in cases:
        row = by_name[(category, name)]
        found = set()
        for path in paths:
            result = results.get(base + path) or {}
            row.setdefault("not_rendered", []).extend([path] if result.get("status") != "ok" else [])
            found |= {f for f in _axe_found(result) if (f[0], f[2]) not in control_found}
        means = {f"a11y.{MEANS[name]}"} if name in MEANS else set()
        meant = {f for f in found if f[1] in means or f[0] in AXE_MEANS.get(name, set())}
        if only:
            meant = {f for f in meant if f[1] in only or f[0] in only}
        row["axe_errors"] = sorted({rule for rule, _, review in meant if not review})
        row["axe_review"] = sorted({rule for rule, _, review in meant if review} - set(row["axe_errors"]))
        row["axe_incidental"] = sorted({rule for rule, _, _ in found} - {rule for rule, _, _ in meant})
    return {"status": control.get("status"), "axe": sorted(rule for rule, _ in control_found),
            "static": sorted(c for c, _, _ in findings(pages["/tests/control.html"], only))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a checkout of alphagov/accessibility-tool-audit")
    parser.add_argument("--only", default="", help="comma-separated check ids (default: every static rule)")
    parser.add_argument("--list", action="store_true", help="list what was found on each page")
    parser.add_argument("--browser", action="store_true", help="also axe-core in browser mode (Debian's chromium)")
    args = parser.parse_args()
    only = {c.strip() for c in args.only.split(",") if c.strip()} or None
    rows = judge(args.corpus, only)
    if args.browser:
        browser(args.corpus, rows, only, args.list)
        return
    total = len(rows)
    errors = sum(1 for r in rows if r["errors"])
    either = sum(1 for r in rows if r["errors"] or r["review"])
    if args.list:
        for r in rows:
            if r["errors"] or r["review"] or r["incidental"]:
                print(f"{r['category']} / {r['name']}: {', '.join(r['errors']) or '-'}"
                      + (f" (review: {', '.join(r['review'])})" if r["review"] else "")
                      + (f" [incidental, not counted: {', '.join(r['incidental'])}]" if r["incidental"] else ""))
    print(f"static rules: {errors}/{total} barriers found ({errors / total:.0%}), "
          f"{either}/{total} ({either / total:.0%}) with review-level results")
    tools = Counter()
    for r in rows:
        for tool, result in r["tools"].items():
            tools[tool] += result in TOOLS_FOUND
    for tool, n in tools.most_common(4):
        print(f"  {tool}: {n}/{total} ({n / total:.0%}) (the audit's published results)")


def browser(corpus: Path, rows: list[dict], only: set[str] | None, listing: bool) -> None:
    control = judge_browser(corpus, rows, only)
    total = len(rows)
    if listing:
        for r in rows:
            if r["axe_errors"] or r["axe_review"] or r["errors"] or r["review"] or r["axe_incidental"]:
                print(f"{r['category']} / {r['name']}: static {', '.join(r['errors'] + r['review']) or '-'}; "
                      f"axe {', '.join(r['axe_errors']) or '-'}"
                      + (f" (review: {', '.join(r['axe_review'])})" if r["axe_review"] else "")
                      + (f" [incidental: {', '.join(r['axe_incidental'])}]" if r["axe_incidental"] else "")
                      + (f" NOT RENDERED {r['not_rendered']}" if r.get("not_rendered") else ""))
    axe_alone = sum(1 for r in rows if r["axe_errors"])
    axe_any = sum(1 for r in rows if r["axe_errors"] or r["axe_review"])
    errors = sum(1 for r in rows if r["errors"] or r["axe_errors"])
    either = sum(1 for r in rows if r["errors"] or r["review"] or r["axe_errors"] or r["axe_review"])
    print(f"control page: {control['status']}, axe-core {control['axe'] or 'nothing'}, "
          f"static rules {control['static'] or 'nothing'}")
    print(f"axe-core (every frame, best practice): {axe_alone}/{total} ({axe_alone / total:.0%}), "
          f"{axe_any}/{total} ({axe_any / total:.0%}) with review-level results")
    print(f"browser mode (static rules and axe-core): {errors}/{total} barriers found ({errors / total:.0%}), "
          f"{either}/{total} ({either / total:.0%}) with review-level results")


if __name__ == "__main__":
    main()
