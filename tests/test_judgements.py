"""The page pass's judgements (checks.engine.judged, issue 25 item 4): what a page check or page analysis
concluded of a page is taken on a later pass only while the page, the code and everything the function
read of the site are the same, and what is taken equals what judging again gives."""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import zlib
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from auditcli.core.models import SiteConfig
from auditcli.stores.pagestore import PageStore, StoredPage
from checks.engine import judged
from checks.engine.registry import all_checks
from checks.engine.runner import SiteRun
from checks.engine.siteview import SiteView

PORTALS = Path(__file__).parent / "data" / "portals"
BASE = "http://www.example.gov.cn"
AS_OF = date(2026, 11, 20)
CONFIG = SiteConfig(id="s", name="示例县人民政府", url=BASE + "/")
# Real portal pages (TRS home and article, Hanweb column, 开普云 list, TRS month directories), the home
# page with a personal-data table and a hidden spam link added, as hacked and careless sites have them.
PAGES = {
    "/": "trs_county_home.html",
    "/col/col123/index.html": "hanweb_column.html",
    "/xxgk/list.html": "kpy_list_pubdate.html",
    "/xxgk/202611/t20261105_1.html": "trs_article_gsgg.html",
    "/zwgk/index.html": "trs_home_month_dirs.html",
}
ADDED = ('<table><tr><th>姓名</th><th>身份证号</th><th>住址</th></tr>'
         '<tr><td>张三</td><td>110101199003071233</td><td>东城区</td></tr>'
         '<tr><td>李四</td><td>110101198506120012</td><td>西城区</td></tr></table>'
         '<div style="display:none"><a href="http://bc-spam.example.com/">澳门威尼斯人在线赌场</a></div></body>')


def _store(path: Path) -> Path:
    store = PageStore(path)
    store.register_site("s", CONFIG.to_dict())
    for depth, (route, name) in enumerate(PAGES.items()):
        body = (PORTALS / name).read_bytes()
        try:
            charset = "utf-8" if body.decode("utf-8") else "utf-8"
        except UnicodeDecodeError:
            charset = "gbk"  # (as many county portals still serve)
        if route == "/":
            body = body.replace(b"</body>", ADDED.encode(charset), 1)
        store.add_page(StoredPage("s", BASE + route, BASE + route, 200, {"content-type": f"text/html; charset={charset}",
                                                                         "date": "Fri, 20 Nov 2026 08:00:00 GMT"},
                                  body, charset, "text/html", "page", min(depth, 2), None, 0.1, 1.0 + depth))
    store.close()
    return path


def _judge(path: Path, as_of: date = AS_OF, options: dict | None = None, config: SiteConfig = CONFIG,
           keep: bool = True) -> tuple[list[dict], dict[str, list], judged.Judgements]:
    """The site judged once: its findings, each page analysis's records, and the pass's judgements."""
    store = PageStore.open_existing(path)
    site = SiteView(config, store, as_of, options)
    run = SiteRun(site, all_checks(), keep_judgements=True)
    run.feed(site.pages())
    out = run.finish()
    records = {f"{f.__module__}:{f.__qualname__}": [judged.encode(r) for r in rows]
               for f, rows in site._page_results.items()}
    if keep:
        store.keep_judgements("s", run.judgements.made)
    store.close()
    assert not out.errors, out.errors
    return [f.to_dict() for f in out.findings], records, run.judgements


def _fresh(path: Path, tmp_path: Path, **changes) -> tuple[list[dict], dict[str, list], judged.Judgements]:
    """The same site judged from nothing: the judgements dropped from a copy of its store."""
    copy = tmp_path / "fresh"
    shutil.copytree(path, copy)
    db = sqlite3.connect(copy / "pages.sqlite")
    db.execute("DELETE FROM judged")
    db.commit()
    db.close()
    return _judge(copy, keep=False, **changes)


@pytest.fixture
def judged_site(tmp_path) -> tuple[Path, list[dict], judged.Judgements]:
    path = _store(tmp_path / "crawl")
    findings, _, first = _judge(path)
    assert first.pages == len(PAGES) and not first.taken and first.made
    checks = {f["check"] for f in findings}
    assert {"privacy.id-number", "content.hidden-link"} <= checks and any(c.startswith("a11y.") for c in checks)
    return path, findings, first


def test_an_unchanged_page_is_taken_whole_and_gives_the_same_results(judged_site, tmp_path):
    path, findings, first = judged_site
    again_findings, again_records, again = _judge(path)
    assert again.reused == len(PAGES) and not again.again
    assert again_findings == findings
    assert again_records == _fresh(path, tmp_path)[1]


@pytest.mark.parametrize("change,read", [
    ({"as_of": AS_OF + timedelta(days=400)}, "as_of"),
    ({"options": {"sensitive_words": {"words": ["示例"], "exact": []}}}, "option:sensitive_words"),
    ({"config": replace(CONFIG, name="另一个县人民政府", no_follow=(r"/xxgk/",))}, "config"),
])
def test_what_read_something_that_changed_is_judged_again(judged_site, tmp_path, change, read):
    """A judgement names what its function read of the site; when that changed, the function judges the
    page again, and only then: the results equal a pass that judges everything afresh."""
    path, _, first = judged_site
    findings, records, again = _judge(path, **change)
    fresh_findings, fresh_records, _ = _fresh(path, tmp_path, **change)
    assert findings == fresh_findings and records == fresh_records
    reads = _reads(path)
    for name in set(reads) | set(again.again):
        if any(read in kept for kept in reads[name]):
            assert again.again[name] == len(reads[name]) and not again.taken[name], name
        else:
            assert again.taken[name] == len(reads[name]) and not again.again[name], name
    assert any(again.again.values()) and any(again.taken.values())


def test_a_changed_page_is_judged_again_whole(judged_site, tmp_path):
    path, _, _ = judged_site
    db = sqlite3.connect(path / "pages.sqlite")
    body = zlib.decompress(db.execute("SELECT body FROM pages WHERE url = ?", (BASE + "/",)).fetchone()[0])
    db.execute("UPDATE pages SET body = ? WHERE url = ?",
               (zlib.compress(body.replace("张三".encode(), "王五".encode())), BASE + "/"))
    db.commit()
    db.close()
    findings, _, again = _judge(path)
    assert again.reused == len(PAGES) - 1
    assert findings == _fresh(path, tmp_path)[0]
    assert any("王五" in json.dumps(f, ensure_ascii=False) or f["check"] == "privacy.id-number" for f in findings)


def test_only_the_date_header_may_differ(judged_site):
    path, _, _ = judged_site
    db = sqlite3.connect(path / "pages.sqlite")
    for name, value, reused in (("date", "Fri, 27 Nov 2026 08:00:00 GMT", len(PAGES)),
                                ("set-cookie", "JSESSIONID=2; Path=/", len(PAGES) - 1)):
        headers = json.loads(db.execute("SELECT headers FROM pages WHERE url = ?", (BASE + "/",)).fetchone()[0])
        db.execute("UPDATE pages SET headers = ? WHERE url = ?", (json.dumps({**headers, name: value}), BASE + "/"))
        db.commit()
        assert _judge(path, keep=False)[2].reused == reused, name
    db.close()


def test_a_forged_or_foreign_judgement_is_refused_without_running_anything(judged_site, tmp_path):
    """A previous store can come from elsewhere (--since-store): a judgement naming a type outside the
    project is not imported, one of other code is not read; the page is judged again either way."""
    path, findings, _ = judged_site
    assert "smtplib" not in sys.modules
    db = sqlite3.connect(path / "pages.sqlite")
    (blob,) = db.execute("SELECT judgement FROM judged WHERE url = ?", (BASE + "/",)).fetchone()
    kept = json.loads(zlib.decompress(blob))
    name = next(n for n in kept["f"] if n.startswith("a11y."))
    kept["f"][name]["result"] = [{"~c": "smtplib:SMTP", "f": {"host": "127.0.0.1"}}]
    db.execute("UPDATE judged SET judgement = ? WHERE url = ?", (zlib.compress(json.dumps(kept).encode()), BASE + "/"))
    db.commit()
    again_findings, _, again = _judge(path, keep=False)
    assert "smtplib" not in sys.modules
    assert again.again[name] == 1 and again_findings == findings
    kept["v"] = "other code"
    db.execute("UPDATE judged SET judgement = ? WHERE url = ?", (zlib.compress(json.dumps(kept).encode()), BASE + "/"))
    db.commit()
    db.close()
    assert _judge(path, keep=False)[2].reused == len(PAGES) - 1
    with pytest.raises(judged.NotKept):
        judged.decode({"~c": "os:system", "f": {}})


def test_a_function_reading_more_than_its_page_is_never_kept(tmp_path):
    store = PageStore.open_existing(_store(tmp_path / "crawl"))
    site = SiteView(CONFIG, store, AS_OF)
    memory = judged.Judgements(site, keep=True)
    memory.begin(next(site.pages()))
    reading = memory.watched()
    assert reading.config.id == "s" and reading.reads == {"config"}
    memory.keep("reads-config", [1], reading)
    assert reading.store.count_pages("s") == len(PAGES) and "*" in reading.reads
    memory.keep("reads-the-store", [1], reading)
    memory.end(BASE + "/")
    [(_, blob)] = memory.made
    assert set(json.loads(zlib.decompress(blob))["f"]) == {"reads-config"}
    checking = judged.Judgements(site)  # `check`: keeps nothing, so watches nothing
    checking.begin(next(site.pages()))
    assert checking.watched() is site
    checking.keep("reads-config", [1], site)
    checking.end(BASE + "/")
    assert checking.made == [] and checking.again["reads-config"] == 1
    store.close()


@pytest.mark.parametrize("value", [
    {"a": (1, 2.5, float("inf")), 3: {4, 5}, "~x": frozenset({"y"})},
    [date(2026, 1, 2), None, True, "文字"],
])
def test_the_codec_gives_back_equal_values(value):
    assert judged.decode(json.loads(json.dumps(judged.encode(value)))) == value


def _reads(path: Path) -> dict[str, list[set[str]]]:
    """Each function's reads, one set per page it judged, from the stored judgements."""
    db = sqlite3.connect(path / "pages.sqlite")
    reads: dict[str, list[set[str]]] = {}
    for (blob,) in db.execute("SELECT judgement FROM judged"):
        for name, entry in json.loads(zlib.decompress(blob))["f"].items():
            reads.setdefault(name, []).append(set(entry["reads"]))
    db.close()
    return reads


def test_a_store_from_before_judgements_has_none(tmp_path):
    """A previous crawl made by an older auditcli has no `judged` table: its pages are judged again."""
    path = _store(tmp_path / "crawl")
    db = sqlite3.connect(path / "pages.sqlite")
    db.execute("DROP TABLE judged")
    db.commit()
    db.close()
    old = PageStore.open_read_only(path)
    assert old.judgement("s", BASE + "/") is None
    old.close()
