"""Static accessibility rules beyond the ACT cases: duplicate ids, the 适老化 entry, stylesheet-hidden
content, selectors, and barrier grouping."""

from __future__ import annotations

from auditcli.core.barriers import group_barriers
from auditcli.core.tree import parse
from checks.a11y.assistive import assistive_entry
from checks.a11y.rules import rule_findings


def test_duplicate_id_is_reported_once_per_id():
    found = rule_findings('<html lang="zh-CN"><title>t</title><body><p id="a">1</p><p id="a">2</p>'
                          '<p id="a">3</p><p id="b">4</p></body></html>')["a11y.duplicate-id"]
    assert len(found) == 1 and "3" in found[0].message_en


def test_assistive_entry_words_and_toolbar_scripts():
    def entry(body: str) -> str | None:
        return assistive_entry(parse(f"<html><body>{body}</body></html>"))

    assert entry('<a href="/wza/">无障碍浏览</a>')
    assert entry('<a href="/care/"><img src="c.png" alt="长者模式"></a>')
    assert entry('<span onclick="care()">关怀版</span>')
    assert entry('<script src="https://www.cniil.com/assist/assist.js"></script>')
    assert entry('<a href="/news/">新闻中心</a><p>无障碍设施建设通知</p>') is None  # a word in text is no entry


def test_content_hidden_by_the_pages_own_stylesheet_is_not_judged():
    html = ('<html lang="zh-CN"><head><title>t</title><style>.sr-hide{display:none} @media print{a{display:none}}'
            '</style></head><body><div class="sr-hide"><a href="/x"><img src="i.png"></a></div>'
            '<a href="/y"><img src="j.png"></a></body></html>')
    found = rule_findings(html)
    assert [f.selector for f in found["a11y.link-name"]] == ["body > a"]  # only the shown link
    assert len(found["a11y.image-alt"]) == 1


def test_selectors_match_ids_that_are_no_css_identifier():
    found = rule_findings('<html lang="zh-CN"><title>t</title><body><div id="nav.top"><a href="/"></a></div>'
                          '</body></html>')["a11y.link-name"]
    assert found[0].selector == 'div[id="nav.top"] > a'


def test_barriers_group_a_template_and_measure_browser_ones_against_the_rendered_sample():
    def finding(url: str, selector: str, source: str | None = None) -> dict:
        return {"check": "a11y.image-alt", "severity": "high", "url": url, "selector": selector,
                "data": {"source": source} if source else {}}

    found = [finding(f"http://x/{k}.html", f"ul > li:nth-of-type({k}) > img") for k in range(1, 9)]
    found += [finding(f"http://x/{k}.html", ".welcome", "axe-core") for k in range(3)]
    barriers = group_barriers(found, pages=100, rendered=4)
    assert [(b["template"], b["pages"], b["share"]) for b in barriers] == [
        (".welcome", 3, 0.75), ("ul > li > img", 8, 0.08)]
    assert barriers[1]["instances"] == 8 and len(barriers[1]["examples"]) == 3


def test_planted_barriers_convert_to_exhaustive_finding_entries():
    from auditcli.demo.compare import accessibility_entries

    entries = accessibility_entries({
        "assistive_tool": False,
        "barriers": [{"check": "a11y.image-alt", "element": 'src="/logo.png"', "pages": "many"},
                     {"check": "a11y.form-label", "element": 'name="code"', "pages": ["http://x/a.html", "http://x/b"]}],
        "browser_barriers": [{"check": "a11y.color-contrast", "element": 'class="welcome"', "pages": "many"}]})
    assert [(e["check"], e.get("url"), e.get("optional", False)) for e in entries] == [
        ("a11y.assistive-tool-missing", None, False), ("a11y.image-alt", None, False),
        ("a11y.form-label", "http://x/a.html", False), ("a11y.form-label", "http://x/b", False),
        ("a11y.color-contrast", None, True), ("axe.region", None, False), ("axe.landmark-one-main", None, False)]
    # axe's landmark advice on the farm's templates: browser mode's, required there only
    assert [e.get("mode") for e in entries[-2:]] == ["browser", "browser"]
