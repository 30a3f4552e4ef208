"""axe-core results of browser mode (`--browser`), judged offline from the page store.

The crawl's browser pass (spiders/render.py) stores each rendered page's axe-core violations and
"needs review" (incomplete) results. Here they become findings:
- axe rules that mean what a static rule means are reported under the static rule's id, on the same
  page, and only for elements the static rule did not already report (the axe node's selector is
  resolved in the page's tree and compared with the static findings' elements);
- `a11y.color-contrast` (WCAG 1.4.3) comes from axe only: it needs the rendered colours;
- every other axe rule keeps axe's id, prefixed `axe.` (the `axe.*` check family);
- "needs review" results are never errors: they are info findings (`data.review`), listed apart;
- axe's best-practice rules (no WCAG tag: landmarks, `region`, empty table headers) are review-level
  too, unless they mean a static rule (tabindex, accesskeys, marquee, heading order, the <h1>): they
  are reported under its id, as it ranks them;
- axe runs in every frame (spiders/render.py): a result inside a frame has the frame path in its
  selector (`iframe.list-frame >>> img`) and the frame's URL in `data.frame_url`. When the frame is a
  stored same-site document, its static findings are on the embedding page too (checks/a11y/frames.py):
  an element both report is reported once; the frame document's own render is not read again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

from auditcli.core.knowledge import load
from auditcli.core.models import Finding
from checks.a11y.dom import Dom
from checks.a11y.frames import frame_host, in_frame
from checks.a11y.frames import resolve as _resolve
from checks.a11y.ruleset import RULES, refs, template
from checks.engine.registry import check
from checks.engine.rendered import rendered, rendered_result
from checks.engine.siteview import Page, SiteView

# axe-core rule id -> auditcli check id (the same requirement, ACT rule mapping of axe's report)
AXE_TO_CHECK = {
    "image-alt": "a11y.image-alt", "role-img-alt": "a11y.image-alt", "svg-img-alt": "a11y.image-alt",
    "input-image-alt": "a11y.input-image-alt", "html-has-lang": "a11y.html-lang",
    "html-lang-valid": "a11y.html-lang-valid", "document-title": "a11y.document-title",
    "label": "a11y.form-label", "select-name": "a11y.form-label", "aria-input-field-name": "a11y.form-label",
    "aria-toggle-field-name": "a11y.form-label", "link-name": "a11y.link-name", "button-name": "a11y.button-name",
    "input-button-name": "a11y.button-name", "aria-command-name": "a11y.button-name",
    "meta-viewport": "a11y.meta-viewport", "meta-viewport-large": "a11y.meta-viewport",
    "frame-title": "a11y.frame-title", "meta-refresh": "a11y.meta-refresh", "valid-lang": "a11y.element-lang-valid",
    "empty-heading": "a11y.heading-name", "aria-roles": "a11y.aria-role", "aria-valid-attr": "a11y.aria-attr",
    "autocomplete-valid": "a11y.autocomplete", "duplicate-id": "a11y.duplicate-id",
    "duplicate-id-aria": "a11y.duplicate-id", "duplicate-id-active": "a11y.duplicate-id",
    "color-contrast": "a11y.color-contrast", "color-contrast-enhanced": "a11y.color-contrast",
    # the rules axe-core shares with checks/a11y/beyond.py (its best-practice ones run only when enabled)
    "marquee": "a11y.blink-marquee", "blink": "a11y.blink-marquee", "tabindex": "a11y.tabindex-positive",
    "accesskeys": "a11y.accesskey", "heading-order": "a11y.heading-order",
    "page-has-heading-one": "a11y.page-heading-missing",
    # the computed-style probe of browser mode (spiders/styleprobe.py, `source: "auditcli"`)
    "focus-visible": "a11y.focus-outline-removed", "css-generated-text": "a11y.css-generated-text",
    "text-too-small": "a11y.text-too-small",
}
PROBE_HELP_ZH = {
    "focus-visible": "键盘焦点不可见：元素获得焦点前后外观完全相同",
    "css-generated-text": "CSS（::before/::after 的 content）插入了文字，读屏软件未必朗读，关闭样式后丢失",
    "text-too-small": "文字字号过小（小于 10 像素）",
}
ONCE_A_PAGE = frozenset(load("accessibility")["axe_once_a_page"])
IMPACT_SEVERITY = {"critical": "high", "serious": "medium", "moderate": "low", "minor": "low"}
CONTRAST_WHY = {"zh": "对比度不足的文字，低视力用户和老年人看不清，强光下的手机屏幕上更难辨认。",
                "en": "Low-contrast text is hard to read for low-vision and older visitors, and on phones in sunlight."}
CONTRAST_FIX = {"zh": "正文与背景的对比度至少 4.5:1，大号文字（18pt 或 14pt 粗体）至少 3:1：加深文字颜色或调整背景。",
                "en": "Give body text at least 4.5:1 against its background (3:1 for large text): darken the text "
                      "or change the background."}


def _why_fix(check_id: str) -> dict[str, Any]:
    """The static rule's why/fix texts for an axe result reported under its id."""
    if check_id == "a11y.color-contrast":
        return {"why": CONTRAST_WHY, "fix": CONTRAST_FIX}
    spec = next((r for r in RULES if r.id == check_id), None)
    return {"why": spec.why, "fix": spec.fix} if spec else {}


def _target(node: dict[str, Any]) -> str:
    target = node.get("target") or []
    parts = [" ".join(t) if isinstance(t, list) else str(t) for t in target]
    return " >>> ".join(parts)  # frames and shadow roots: one selector per document, as axe writes them


def _best_practice(rule: dict[str, Any]) -> bool:
    """An axe rule of no WCAG success criterion (axe's best-practice tag): advice, not a failure."""
    return not any(str(t).startswith("wcag") for t in rule.get("tags") or [])


def axe_findings(check_id: str, url: str, result: dict[str, Any], dom: Dom | None = None,
                 reported: set[HtmlElement] | None = None) -> Iterator[Finding]:
    """Findings for `check_id` (an auditcli id, or `axe.<rule>`) from one page's axe result, leaving out
    elements the static rule already reported (`reported`: their elements in `dom`; in a stored
    same-site frame, checks/a11y/frames.py leaves them out once the site's pages are all in)."""
    for kind in ("violations", "incomplete"):
        for rule in result.get(kind) or []:
            mapped = AXE_TO_CHECK.get(rule["id"], f"axe.{rule['id']}")
            if mapped != check_id:
                continue
            if rule.get("source") == "auditcli" and reported:
                continue  # the static rule judged this page already (its own <style>): one report of it
            review = kind == "incomplete" or (mapped.startswith("axe.") and _best_practice(rule))
            nodes = rule.get("nodes") or []
            once = rule["id"] in ONCE_A_PAGE and len(nodes) > 1
            for node in nodes[:1] if once else nodes:
                selector = _target(node)
                element = _resolve(dom, selector)
                if not review and reported is not None and element is not None and element in reported:
                    continue  # the static rule reported this element already
                impact = node.get("impact") or rule.get("impact")
                severity = "info" if review else (None if check_id.startswith("a11y.")
                                                 else IMPACT_SEVERITY.get(impact or "", "low"))
                summary = (node.get("failureSummary") or "").strip()
                data = node.get("data") or {}
                extra = ""
                if rule["id"].startswith("color-contrast") and isinstance(data, dict) and data.get("contrastRatio"):
                    extra = (f"（对比度 {data['contrastRatio']}:1，前景 {data.get('fgColor')}，背景 {data.get('bgColor')}，"
                             f"要求 {data.get('expectedContrastRatio')}）")
                prefix = "需人工复核：" if review else ""
                source = rule.get("source") or "axe-core"
                tool = "auditcli 样式探测" if source == "auditcli" else "axe-core"
                help_zh = PROBE_HELP_ZH.get(rule["id"], rule.get("help")) if source == "auditcli" else rule.get("help")
                if once:
                    extra += f"（本页共 {rule.get('total', len(nodes))} 处）"
                criteria = [".".join(m.groups()) for t in rule.get("tags") or []
                            if (m := re.fullmatch(r"wcag(\d)(\d)(\d+)", t))]
                yield Finding(
                    check=check_id, url=url, selector=selector or None,
                    evidence=" ".join(str(node.get("html") or "").split())[:240] or None,
                    message=f"{prefix}{help_zh}{extra}（{tool} {rule['id']}）",
                    message_en=f"{'needs review: ' if review else ''}{rule.get('help')} "
                               f"({'auditcli style probe' if source == 'auditcli' else 'axe-core'} {rule['id']})"
                               + (f" ({rule.get('total', len(nodes))} on the page)" if once else "")
                               + (f": {summary.splitlines()[-1].strip()}" if summary else ""),
                    severity=severity,
                    refs=[] if check_id.startswith("a11y.") else refs(None, *criteria) + [f"axe-core {rule['id']}"],
                    title="" if check_id.startswith("a11y.") else f"axe-core：{rule.get('help')}",
                    title_en="" if check_id.startswith("a11y.") else str(rule.get("help") or rule["id"]),
                    data={**_why_fix(check_id), "source": source, "axe_rule": rule["id"], "review": review,
                          "impact": impact, **({"frame_url": node["frame_url"]} if node.get("frame_url") else {}),
                          **({"best_practice": True} if _best_practice(rule) else {}),
                          "help_url": rule.get("helpUrl"), "template": template(selector),
                          "level": "AAA" if rule["id"] == "color-contrast-enhanced" else None,
                          **({"contrast": data} if rule["id"].startswith("color-contrast") and data else {})},
                )


def page_axe_findings(check_id: str, page: Page, site: SiteView, dom: Dom,
                      reported: list[HtmlElement]) -> Iterator[Finding]:
    """The axe results of a static rule's id on a page rendered in browser mode (nothing otherwise)."""
    result = rendered_result(site, page.url, page.final_url)
    if result is None:
        return
    yield from axe_findings(check_id, page.final_url, result, dom, set(reported))


def _site_axe(site: SiteView, wanted) -> Iterator[Finding]:
    for url, result in rendered(site)["pages"].items():
        final = result.get("final_url", url)
        if url != final and final in rendered(site)["pages"]:
            continue  # the same page under its redirect target
        host = frame_host(site, url, final)
        if host is not None and rendered_result(site, host.url, host.url) is not None:
            continue  # a stored frame document: axe tested it in its frame, on the embedding page
        ids = {AXE_TO_CHECK.get(r["id"], f"axe.{r['id']}") for kind in ("violations", "incomplete")
               for r in result.get(kind) or []}
        for check_id in sorted(i for i in ids if wanted(i)):
            for finding in axe_findings(check_id, url, result):
                yield in_frame(finding, host, final) if host is not None else finding


@check(
    id="a11y.color-contrast", dimension="accessibility", severity="medium",
    refs=refs("afw4f7", "1.4.3"),
    title={"zh": "文字与背景对比度不足", "en": "Text contrast is too low"},
    fix={lang: f"{CONTRAST_WHY[lang]} {CONTRAST_FIX[lang]}" for lang in ("zh", "en")},
    needs=("probe:browser",),
)
def color_contrast(site: SiteView) -> Iterator[Finding]:
    yield from _site_axe(site, lambda check_id: check_id == "a11y.color-contrast")


@check(
    id="a11y.css-generated-text", dimension="accessibility", severity="info",
    refs=refs(None, "1.3.1") + ["WCAG 2.1 failure F87"],
    title={"zh": "CSS 插入的文字", "en": "Text inserted by CSS"},
    fix={"zh": "::before/::after 的 content 写入的文字不在网页内容中：读屏软件未必朗读，关闭样式或复制时丢失。"
               "有意义的文字写进 HTML；CSS 只用于装饰（图标、箭头）。",
         "en": "Text written by ::before/::after content is not in the page's content: screen readers may skip it "
               "and it is lost without styles. Put meaningful text in the HTML; keep CSS content decorative."},
    needs=("probe:browser",),
)
def css_generated_text(site: SiteView) -> Iterator[Finding]:
    yield from _site_axe(site, lambda check_id: check_id == "a11y.css-generated-text")


@check(
    id="a11y.text-too-small", dimension="accessibility", severity="info",
    refs=refs(None, "1.4.4", "1.4.8"),
    title={"zh": "文字字号过小", "en": "Text too small"},
    fix={"zh": "小于 10 像素的文字，低视力用户和老年人难以辨认。正文建议不小于 14 像素，辅助信息不小于 12 像素。",
         "en": "Text under 10px is hard to read for low-vision and older visitors. Use at least 14px for body "
               "text and 12px for secondary text."},
    needs=("probe:browser",),
)
def text_too_small(site: SiteView) -> Iterator[Finding]:
    yield from _site_axe(site, lambda check_id: check_id == "a11y.text-too-small")


@check(
    id="axe.*", dimension="accessibility", severity="low",
    refs=["WCAG 2.1", "GB/T 37668-2019", "axe-core rules (https://dequeuniversity.com/rules/axe/)"],
    title={"zh": "axe-core 发现的其他无障碍问题", "en": "Other accessibility problems axe-core found"},
    fix={"zh": "浏览器模式下 axe-core 报告、静态规则未覆盖的问题（如地标、列表结构、ARIA 用法），"
               "按每条结果所附的 axe-core 规则说明修改。",
         "en": "Problems axe-core reports in browser mode that the static rules do not cover (landmarks, "
               "list structure, ARIA usage): fix them as each result's axe-core rule page says."},
    needs=("probe:browser",),
)
def axe_other(site: SiteView) -> Iterator[Finding]:
    yield from _site_axe(site, lambda check_id: check_id.startswith("axe."))
