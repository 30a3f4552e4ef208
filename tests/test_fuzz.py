"""Property-based tests (hypothesis) of everything that reads untrusted input (issue 13): the
sites-file loader, the date extractor, the list/column parser, every HTML check and the
results.json loader. Nothing may end in a traceback: bad input is a ConfigError / ResultsError
naming file, line and field (exit 2 on the command line), audited HTML is judged or skipped.

Each suite has a fixed example budget (`BUDGET`) and a derandomized seed, so CI time is bounded
and a failure reproduces; `HYPOTHESIS_BUDGET=10` multiplies the budgets for a longer hunt.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditcli.app.config import ConfigError, load_sites_file
from auditcli.core.models import SiteConfig
from auditcli.stores.pagestore import PageStore, StoredPage
from auditcli.stores.results import ResultsError, load_results, validate
from checks.engine import dates, listparse
from checks.engine.registry import all_checks
from checks.engine.runner import run_site
from checks.engine.siteview import Page, SiteView
from tests.conftest import run_cli

SCALE = int(os.environ.get("HYPOTHESIS_BUDGET", "1"))
BUDGET = {"sites": 150, "dates": 400, "lists": 60, "checks": 25, "results": 120}


def budget(name: str):
    return settings(max_examples=BUDGET[name] * SCALE, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


AS_OF = date(2026, 11, 20)

# -- the sites file ---------------------------------------------------------------------------------

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=False),
                    st.text(max_size=30), st.sampled_from(["county", "township", "department", "city", "",
                                                           "http://127.0.0.1:8101/", "ftp://x/", "http://", "http://[::1",
                                                           "http://x:99999/", "en", "mn", "EN", "zz-top", "../x"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                      max_leaves=12)
SITE_KEYS = ["id", "name", "level", "url", "parent", "languages", "columns", "language_lag_days", "bogus"]
SITE = st.dictionaries(st.sampled_from(SITE_KEYS), VALUES, max_size=8)


def _yaml_dump(value) -> str:
    import yaml

    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False)


def _assert_clear(error: ConfigError, path: Path) -> None:
    assert error.file == str(path)
    assert str(error).startswith(str(path))
    assert error.message and "Traceback" not in error.message


@budget("sites")
@given(sites=st.lists(SITE, max_size=4), audit=st.one_of(st.none(), VALUES), extra=st.booleans())
def test_sites_file_structures_load_or_fail_clearly(tmp_path_factory, sites, audit, extra):
    path = tmp_path_factory.mktemp("sites") / "sites.yaml"
    document = {"audit": audit, "sites": sites}
    if extra:
        document["surprise"] = 1
    path.write_text(_yaml_dump(document), "utf-8")
    try:
        config = load_sites_file(path)
    except ConfigError as error:
        _assert_clear(error, path)
        assert error.line is not None or error.message in ("no such file",)
        return
    assert config.sites and all(isinstance(s, SiteConfig) for s in config.sites)


@budget("sites")
@given(text=st.one_of(st.text(max_size=400), st.binary(max_size=400).map(lambda b: b.decode("latin-1"))),
       suffix=st.sampled_from([".yaml", ".csv"]))
def test_sites_file_text_loads_or_fails_clearly(tmp_path_factory, text, suffix):
    path = tmp_path_factory.mktemp("sites") / f"sites{suffix}"
    path.write_text(text, "utf-8", errors="surrogatepass")
    try:
        load_sites_file(path)
    except ConfigError as error:
        _assert_clear(error, path)


def test_a_fuzzed_bad_sites_file_is_exit_2_with_file_line_field(tmp_path):
    path = tmp_path / "sites.yaml"
    path.write_text("sites:\n  - id: a\n    url: http://127.0.0.1:9/\n    languages: [en, 12]\n", "utf-8")
    done = run_cli("audit", str(path), "--out", str(tmp_path / "out"), "--no-history")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{path}:4: sites[0].languages:" in done.stderr


# -- the date extractor -----------------------------------------------------------------------------

DATE_BITS = st.sampled_from(["2026-11-20", "2026/11/20", "2026.11.20", "2026年11月20日", "二〇二六年十一月二十日",
                             "[11-20]", "11-20", "2026-13-45", "9999-99-99", "0000-00-00", "2026年2月30日",
                             "二〇二六年十三月四十日", "t20261120_1.html", "/2026/11/20/", "/202611/", "发布日期：",
                             "发布时间:", "更新时间", "3天前", "昨天", "今天", "05", "2026-11", "〇", "十", "年", "月",
                             "日", " ", "\n", "<", ">", "&nbsp;", "Copyright 2026", "今天是2026年11月20日 星期五"])
DATE_TEXT = st.lists(st.one_of(DATE_BITS, st.text(max_size=8)), max_size=12).map("".join)


@budget("dates")
@given(text=DATE_TEXT, as_of=st.dates(date(1990, 1, 1), date(2100, 12, 31)), hint=st.one_of(st.none(), st.integers(1, 9999)))
def test_the_date_extractor_never_raises_and_returns_real_dates(text, as_of, hint):
    found = dates.dates_in_text(text, as_of, yearless=True, hint_year=hint)
    assert all(isinstance(d, date) for d in found)
    for value in (dates.parse_date(text, as_of), dates.parse_date(text), dates.date_in_url("http://x" + text),
                  dates.labelled_date(text), dates.meta_pubdate({"PubDate": text}),
                  dates.newest(found, as_of)):
        assert value is None or isinstance(value, date)
    assert dates.newest(found, as_of) is None or dates.newest(found, as_of) <= as_of


# -- HTML: the list parser and every HTML check ------------------------------------------------------

WORDS = st.sampled_from(["通知公告", "工作动态", "暂无信息", "暂无数据", "正在建设中", "No records", "县长信箱", "留言",
                         "政府信息公开", "网站标识码：1500000001", "蒙ICP备05001234号", "蒙公网安备 15040202000123号",
                         "我为政府网站找错", "English", "Монгол", "ᠮᠣᠩᠭᠣᠯ", "无障碍", "登录", "密码", "第1页", "共0条",
                         "下一页", "createPageHTML(3, 0, \"index\", \"html\");", "置顶"])
TEXT = st.one_of(WORDS, DATE_BITS, st.text(max_size=12))
HREFS = st.sampled_from(["/", "./202611/t20261120_1.html", "index_1.html", "javascript:void(0)", "#", "",
                         "http://127.0.0.1:9/en/", "//evil.example/x", "mailto:a@b", "../../../../x", "http://[::1",
                         "http://127.0.0.1:99999/", "data:text/html,x", " \n", "?page=2", "/gone.html"])
TAGS = st.sampled_from(["div", "ul", "li", "span", "table", "tr", "td", "dl", "dt", "dd", "p", "h1", "h2", "form",
                        "section", "b", "font", "iframe", "frame", "frameset", "noscript", "select", "option"])


def _element(children):
    def build(tag, attrs, kids):
        attributes = "".join(f' {k}="{v}"' for k, v in attrs)
        return f"<{tag}{attributes}>{''.join(kids)}</{tag}>"

    attrs = st.lists(st.tuples(st.sampled_from(["class", "id", "lang", "role", "aria-label", "title", "name",
                                                "alt", "datetime", "hreflang", "aria-labelledby"]),
                               st.one_of(WORDS, st.text(max_size=6).map(lambda t: t.replace('"', "")))), max_size=3)
    return st.one_of(
        st.builds(build, TAGS, attrs, st.lists(children, max_size=5)),
        st.builds(lambda href, text: f'<a href="{href}">{text}</a>', HREFS, TEXT),
        st.builds(lambda alt: f'<img src="/a.png"{alt}>', st.sampled_from(["", ' alt=""', ' alt="图"'])),
        st.builds(lambda kind: f'<input type="{kind}" name="x">', st.sampled_from(["text", "password", "image", "submit"])),
        st.builds(lambda d: f'<time datetime="{d}">{d}</time>', DATE_BITS),
        st.builds(lambda rows: "<script type=\"text/xml\"><datastore><recordset>"
                  + "".join(f"<record><![CDATA[{r}]]></record>" for r in rows)
                  + "</recordset></datastore></script>", st.lists(children, max_size=3)),
    )


HTML_BODY = st.recursive(TEXT, _element, max_leaves=25)
HEAD = st.lists(st.one_of(
    st.builds(lambda n, c: f'<meta name="{n}" content="{c}">',
              st.sampled_from(["PubDate", "ColumnName", "ColumnType", "SiteName", "SiteIDCode", "viewport", "ArticleTitle"]),
              TEXT.map(lambda t: t.replace('"', ""))),
    st.builds(lambda t: f"<title>{t}</title>", TEXT),
    st.just('<meta http-equiv="refresh" content="0; url=/x">'),
    st.builds(lambda lang: f'<link rel="alternate" hreflang="{lang}" href="/en/">', st.sampled_from(["en", "mn", "x", ""])),
), max_size=4).map("".join)
DOCUMENT = st.builds(lambda head, body, lang: f'<!DOCTYPE html><html{lang}><head>{head}</head><body>{body}</body></html>',
                     HEAD, HTML_BODY, st.sampled_from(["", ' lang="zh-CN"', ' lang="xx-!!"', ' lang=""']))
BASE = "http://127.0.0.1:9/"


def _stored(url: str, html: str, encoding: str = "utf-8") -> StoredPage:
    body = html.encode(encoding, "replace")
    return StoredPage("fuzz", url, url, 200, {"content-type": f"text/html; charset={encoding}"}, body, encoding,
                      f"text/html; charset={encoding}", "page", 0 if url == BASE else 1, None, 0.01, time.time())


@budget("lists")
@given(html=DOCUMENT, encoding=st.sampled_from(["utf-8", "gbk"]))
def test_the_list_parser_never_raises(html, encoding):
    page = Page(_stored(BASE + "xxgk/tzgg/index.html", html, encoding))
    summary = listparse.summarise(page, AS_OF)
    assert summary is not None
    listparse.datastore_rows([html], BASE, AS_OF)
    assert all(d is None or isinstance(d, date) for d in (r.date for r in summary.rows) if hasattr(summary, "rows"))


@budget("checks")
@given(home=DOCUMENT, column=DOCUMENT, article=DOCUMENT)
def test_every_html_check_judges_any_page_without_an_internal_error(home, column, article):
    with tempfile.TemporaryDirectory() as tmp:
        store = PageStore(Path(tmp))
        config = SiteConfig(id="fuzz", name="fuzz", url=BASE, languages=("en", "mn"))
        store.register_site("fuzz", config.to_dict())
        for url, html in ((BASE, home), (BASE + "xxgk/tzgg/index.html", column),
                          (BASE + "xxgk/tzgg/202611/t20261120_1.html", article)):
            store.add_page(_stored(url, html))
        store.set_site_status("fuzz", "ok")
        store.commit()
        outcome = run_site(SiteView(config, store, AS_OF), all_checks())
        store.close()
    assert outcome.errors == [], outcome.errors[0]["trace"]


# -- results.json -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def good_results(tmp_path_factory) -> dict:
    from tests.test_reliability import stored_crawl

    tmp = tmp_path_factory.mktemp("fuzz-results")
    done = run_cli("check", str(stored_crawl(tmp / "crawl")), "--out", str(tmp), "--no-history", "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads((tmp / "results.json").read_text("utf-8"))


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                              st.text(max_size=20)),
                    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                    max_leaves=8)


@budget("results")
@given(data=st.data())
def test_results_json_loads_or_fails_clearly_and_every_renderer_copes(tmp_path_factory, good_results, data):
    from reports.writers import write_formats

    results = copy.deepcopy(good_results)
    paths = list(_paths(results))[1:]
    for _ in range(data.draw(st.integers(1, 3))):
        where = data.draw(st.sampled_from(paths))
        parent = results
        try:
            for key in where[:-1]:
                parent = parent[key]
            if data.draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(where[-1], None)
            else:
                parent[where[-1]] = data.draw(JSON)
        except (KeyError, IndexError, TypeError):
            continue
    tmp = tmp_path_factory.mktemp("results")
    path = tmp / "results.json"
    raw = json.dumps(results, ensure_ascii=False)
    if data.draw(st.integers(0, 9)) == 0:
        raw = raw[: data.draw(st.integers(0, len(raw)))]  # a truncated file
    path.write_text(raw, "utf-8")
    try:
        loaded = load_results(path)
    except ResultsError as error:
        assert str(error).startswith(str(path))
        return
    validate(loaded)
    write_formats(loaded, tmp, ["html", "csv", "junit", "sarif"], lang=data.draw(st.sampled_from(["zh", "en"])))
