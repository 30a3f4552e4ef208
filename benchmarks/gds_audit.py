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
Results at review level (severity info) are counted apart, as the audit counts tools' warnings apart
from their errors. No network: the corpus is read from the directory given.
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
    "Empty paragraph": "spacing-markup", "Deprecated center element": "presentational-markup",
    "Deprecated font element": "presentational-markup", "Invalid ARIA role names": "aria-role",
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a checkout of alphagov/accessibility-tool-audit")
    parser.add_argument("--only", default="", help="comma-separated check ids (default: every static rule)")
    parser.add_argument("--list", action="store_true", help="list what was found on each page")
    args = parser.parse_args()
    only = {c.strip() for c in args.only.split(",") if c.strip()} or None
    rows = judge(args.corpus, only)
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


if __name__ == "__main__":
    main()
