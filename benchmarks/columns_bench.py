"""Time spent in column analysis per 1,000 pages.

    python benchmarks/columns_bench.py                 # a synthetic county portal of 2,000 pages
    python benchmarks/columns_bench.py --pages 5000
    python benchmarks/columns_bench.py --store DIR --site county --as-of 2026-11-20   # a real crawl
    python benchmarks/columns_bench.py --demo          # crawl the demo farm, score against its answer key

The synthetic site mixes what a crawl of a county portal holds: TRS list pages (20 dated items,
createPageHTML pager), Hanweb datastore lists, empty columns with placeholders, and article pages
with PubDate metas, all inside the usual header/nav/footer furniture.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditcli.core.models import SiteConfig  # noqa: E402
from auditcli.stores.pagestore import PageStore, StoredPage  # noqa: E402
from checks.engine.columnmodel import columns_model, homepage_block  # noqa: E402
from checks.engine.siteview import SiteView  # noqa: E402

AS_OF = date(2026, 11, 20)
BASE = "http://bench.example.gov.cn"
FURNITURE_TOP = ('<div class="topbar"><span class="clock">今天是2026年11月20日 星期五</span></div>'
                 '<div class="header"><h1>示例县人民政府</h1></div><ul class="nav">'
                 + "".join(f'<li><a href="/c{n}/index.html">栏目{n}</a></li>' for n in range(12)) + "</ul>")
FURNITURE_BOTTOM = '<div class="footer"><p>© 2005-2026 示例县人民政府 版权所有 网站标识码：1504000001</p></div>'


def page(title: str, body: str, metas: dict[str, str]) -> bytes:
    m = "".join(f'<meta name="{k}" content="{v}">' for k, v in metas.items())
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>{m}</head>'
            f'<body>{FURNITURE_TOP}<div class="main">{body}</div>{FURNITURE_BOTTOM}</body></html>').encode()


def synthetic_store(root: Path, pages: int) -> tuple[PageStore, SiteConfig]:
    store = PageStore(root)
    config = SiteConfig(id="bench", name="示例县人民政府", url=BASE + "/")
    store.register_site("bench", config.to_dict())
    n = 0

    def add(path: str, body: bytes, depth: int) -> None:
        nonlocal n
        url = BASE + path
        store.add_page(StoredPage("bench", url, url, 200, {"content-type": "text/html; charset=utf-8"}, body,
                                  "utf-8", "text/html", "page", depth, None, 0.05, time.time()))
        n += 1

    add("/", page("首页", "<p>首页</p>", {"SiteName": "示例县人民政府"}), 0)
    column = 0
    while n < pages:
        column += 1
        name = ["工作动态", "通知公告", "政策文件", "人事信息", "镇内要闻"][column % 5]
        meta = {"ColumnName": name, "ColumnType": name}
        if column % 7 == 0:
            add(f"/c{column}/index.html", page(name, '<ul class="list"></ul><p>暂无信息</p>', meta), 1)
            continue
        items = []
        for k in range(20):
            d = AS_OF - timedelta(days=column + 3 * k)
            path = f"/c{column}/{d:%Y%m}/t{d:%Y%m%d}_{k}.html"
            items.append((path, f"{name}信息标题第{k}条", d))
        if column % 5 == 4:
            recs = "".join(f'<record><![CDATA[<li><a href="{p}">{t}</a><span>{d}</span></li>]]></record>'
                           for p, t, d in items)
            body = f'<script type="text/xml"><datastore><recordset>{recs}</recordset></datastore></script>'
        else:
            body = ('<ul class="list">' + "".join(f'<li><a href="{p}">{t}</a><span>{d}</span></li>' for p, t, d in items)
                    + '</ul><script>createPageHTML(3, 0, "index", "html");</script>')
        add(f"/c{column}/index.html", page(name, f'<div class="list-box"><h2>{name}</h2>{body}</div>', meta), 1)
        for p, t, d in items:
            if n >= pages:
                break
            text = "".join(f"<p>{t}。这是正文段落，介绍有关工作的具体安排和要求。</p>" for _ in range(12))
            add(p, page(t, f'<div class="article"><h1>{t}</h1><div class="info">发布日期：{d}</div>{text}</div>',
                        {"ArticleTitle": t, "PubDate": f"{d} 09:30", "ContentSource": "县政府办"}), 2)
    store.commit()
    return store, config


def demo_accuracy(as_of: date) -> None:
    """Crawl the demo farm, then compare every site's columns with the answer key, status by status."""
    import os
    import subprocess

    import yaml

    from auditcli.app.config import load_targets
    from auditcli.core.urls import normalise_url
    from auditcli.demo import DemoFarm

    with tempfile.TemporaryDirectory() as tmp, DemoFarm(as_of=as_of) as farm:
        code = ("import sys; from pathlib import Path; from auditcli.app.config import load_targets; "
                "from spiders.run import crawl; from spiders.options import CrawlOptions; "
                f"crawl(load_targets([{str(farm.sites_file)!r}]).sites, Path({tmp!r}), "
                "CrawlOptions(delay=0, per_ip=16, per_host=16, timeout=2, max_size=1024 * 1024))")
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        key = yaml.safe_load(farm.answer_key.read_text("utf-8"))["sites"]
        store = PageStore(Path(tmp))
        per_status: dict[str, list[int]] = {}
        false_alarms: list[str] = []
        pages = elapsed = 0.0
        for config in load_targets([str(farm.sites_file)]).sites:
            site = SiteView(config, store, as_of)
            start = time.perf_counter()
            model = columns_model(site)
            elapsed += time.perf_counter() - start
            pages += model.pages
            got = {normalise_url(c.url): c for c in model.columns}
            want = {normalise_url(c["url"]): c for c in key[config.id]["columns"]}
            for url, col in want.items():
                g = got.get(url)
                ok = bool(g and g.status == col["status"]
                          and (g.latest.isoformat() if g.latest else None) == col["latest_date"])
                per_status.setdefault(col["status"], [0, 0])[0] += ok
                per_status[col["status"]][1] += 1
                if g and g.status in ("empty", "stale", "undated") and g.status != col["status"]:
                    false_alarms.append(f"{config.id}: {col['name']} {g.status} (key: {col['status']})")
            for url, g in got.items():
                if url not in want:
                    false_alarms.append(f"{config.id}: {g.name} is not a column (reported {g.status})")
        total = sum(v[1] for v in per_status.values())
        correct = sum(v[0] for v in per_status.values())
        print(f"demo answer key: {correct}/{total} columns correct (status and newest date)")
        for status, (ok, n) in sorted(per_status.items()):
            print(f"  {status:8} {ok}/{n}")
        print(f"false alarms: {len(false_alarms)}" + "".join(f"\n  {a}" for a in false_alarms))
        print(f"column analysis on the demo crawl: {elapsed * 1000 / max(pages, 1):.2f} s per 1,000 pages "
              f"({int(pages)} pages)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--store", type=Path, help="an existing crawl directory (pages.sqlite)")
    ap.add_argument("--site", help="site id in --store")
    ap.add_argument("--as-of", type=date.fromisoformat, default=AS_OF)
    ap.add_argument("--demo", action="store_true", help="crawl the demo farm and score against its answer key")
    args = ap.parse_args()
    if args.demo:
        demo_accuracy(args.as_of)
        return
    with tempfile.TemporaryDirectory() as tmp:
        if args.store:
            store = PageStore.open_existing(args.store)
            rows = store.sites()
            row = next(r for r in rows if r["id"] == args.site) if args.site else rows[0]
            config = SiteConfig.from_dict(row["config"])
        else:
            store, config = synthetic_store(Path(tmp), args.pages)
        pages = store.count_pages(config.id)
        site = SiteView(config, store, args.as_of)
        start = time.perf_counter()
        model = columns_model(site)
        homepage_block(site)
        elapsed = time.perf_counter() - start
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        statuses: dict[str, int] = {}
        for c in model.columns:
            statuses[c.status] = statuses.get(c.status, 0) + 1
        print(f"pages analysed: {model.pages} of {pages}; columns: {len(model.columns)} {statuses}")
        print(f"column analysis: {elapsed:.2f} s total, {elapsed * 1000 / max(model.pages, 1):.2f} s per 1,000 pages"
              f" ({model.pages / elapsed:.0f} pages/s); peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
