"""Benchmark: score and render reports for 100 synthetic sites; print sizes and times.

    .venv/bin/python benchmarks/report_100_sites.py [--sites 100] [--findings 60]

The synthetic fleet is one county with departments and townships (parent links), realistic
column lists, and a mix of findings across all dimensions; a few sites are unreachable.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reports.html import render_html  # noqa: E402
from reports.scoring import DIMENSIONS, load_profile, score_results  # noqa: E402
from reports.writers import write_formats  # noqa: E402

CHECKS = [
    ("freshness.column-stale", "freshness", "medium"), ("columns.empty", "columns", "high"),
    ("language.missing", "languages", "medium"), ("a11y.image-alt", "accessibility", "high"),
    ("a11y.form-label", "accessibility", "high"), ("a11y.link-name", "accessibility", "medium"),
    ("a11y.document-title", "accessibility", "medium"), ("http.no-hsts", "security", "low"),
    ("tls.legacy-protocol", "security", "medium"), ("login.single-factor", "security", "high"),
    ("links.broken", "links", "medium"), ("identity.icp-missing", "identity", "medium"),
    ("interaction.reply-overdue", "interaction", "high"),
]
COLUMNS = [("工作动态", "news", 14), ("通知公告", "notice", 183), ("政策文件", "policy", 183),
           ("政策解读", "interpretation", 183), ("规划计划", "planning", 365),
           ("人事信息", "personnel", 365), ("财政预决算", "finance", 365), ("统计数据", "statistics", 365)]


def synthetic_results(n_sites: int, findings_per_site: int, seed: int = 7) -> dict:
    rnd = random.Random(seed)
    sites = []
    for i in range(n_sites):
        site_id = "county" if i == 0 else f"site-{i:03d}"
        level = "county" if i == 0 else ("township" if i % 2 else "department")
        base = f"http://127.0.0.1:{8100 + i}/"
        unreachable = i % 37 == 36
        columns = []
        for name, category, limit in COLUMNS:
            status = rnd.choices(["fresh", "stale", "empty", "undated"], [6, 3, 1, 0.5])[0]
            age = rnd.randint(1, limit - 1) if status == "fresh" else rnd.randint(limit + 1,
                                                                                 limit * 3)
            columns.append({"name": name, "url": f"{base}{category}/", "category": category,
                            "latest_date": None if status in ("empty", "undated") else
                            "2026-01-01", "age_days": None if status in ("empty", "undated")
                            else age, "max_age_days": limit, "status": status,
                            "top_level": True})
        findings = []
        for k in range(0 if unreachable else findings_per_site):
            check, dim, sev = rnd.choice(CHECKS)
            url = f"{base}page/{rnd.randint(1, 40)}.html"
            findings.append({
                "fingerprint": hashlib.sha1(f"{site_id}{check}{url}{k}".encode()).hexdigest(),
                "check": check, "dimension": dim, "severity": sev, "url": url,
                "title": check, "message": f"{check} 问题说明 <b>{k}</b>",
                "selector": f"div.main > ul > li:nth-child({k % 9 + 1}) > a",
                "evidence": f'<a href="/x/{k}.html"><img src="/i/{k}.png"></a>',
                "refs": ["国办秘函〔2019〕19号"], "fix": "整改建议", "data": {}})
        sites.append({
            "id": site_id, "name": f"示例单位{i:03d}", "level": level,
            "parent": None if i == 0 else "county", "url": base,
            "status": "unreachable" if unreachable else "ok", "pages": rnd.randint(20, 400),
            "not_scanned": [{"url": f"{base}robots/{j}", "reason": "robots"} for j in range(3)],
            "homepage": {"url": base, "latest_date": "2026-11-10", "age_days": rnd.randint(1, 30)},
            "columns": [] if unreachable else columns,
            "languages": [{"lang": "en", "url": f"{base}en/", "status": "stale",
                           "latest_date": "2025-10-01", "lag_days": 200}],
            "findings": findings, "errors": [],
            "dimensions": {d: {"status": "not-assessed" if unreachable else "assessed"}
                           for d in DIMENSIONS},
        })
    return {"schema": "auditcli.results/v1", "tool": {"name": "auditcli", "version": "0.1.0"},
            "audit": {"name": "基准测试：100 个网站"},
            "run": {"id": "bench", "as_of": "2026-11-20", "profile": "cn-gov-2019"},
            "checks": {}, "sites": sites}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--findings", type=int, default=60, help="findings per site")
    args = parser.parse_args()
    results = synthetic_results(args.sites, args.findings)
    n_findings = sum(len(s["findings"]) for s in results["sites"])

    t0 = time.perf_counter()
    score_results(results, load_profile("cn-gov-2019"))
    t_score = time.perf_counter() - t0
    render_html(results, "zh")  # warm the template cache, as a second render would
    t0 = time.perf_counter()
    html = render_html(results, "zh")
    t_html = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        paths = write_formats(results, Path(tmp), ["html", "csv", "junit", "sarif", "json"])
        t_all = time.perf_counter() - t0
        sizes = {p.name: p.stat().st_size for p in paths}

    print(f"sites: {args.sites}, findings: {n_findings}")
    print(f"scoring:            {t_score * 1000:8.1f} ms")
    print(f"HTML render:        {t_html * 1000:8.1f} ms  ({len(html.encode('utf-8')) / 1024:.0f} KiB)")
    print(f"all formats write:  {t_all * 1000:8.1f} ms")
    for name, size in sorted(sizes.items()):
        print(f"  {name:14} {size / 1024:8.0f} KiB")


if __name__ == "__main__":
    main()
