"""content.sensitive-word and content.term-typo: the user's word files (read and refused up front), whole-word
matching, the fixed terms' known mis-writings and one-character mis-writings of the exact names."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditcli.app.cli import app
from auditcli.core import knowledge
from auditcli.core.models import SiteConfig
from auditcli.core.wordlists import WordFileError, read_exact_names, read_sensitive_words
from auditcli.stores.pagestore import PageStore, StoredPage
from checks.content import words
from checks.engine.registry import NotApplicable
from checks.engine.siteview import SiteView

ROOT = Path(__file__).resolve().parents[1]
HOME = "http://www.shili.gov.cn/"
ARTICLE_URL = HOME + "xwzx/zwyw/202611/t20261118_123.html"


def store_with(path: Path, pages: list[tuple[str, str]]) -> PageStore:
    store = PageStore(path)
    store.register_site("county", {"id": "county", "name": "示例县人民政府", "url": HOME})
    for url, html in pages:
        store.add_page(StoredPage("county", url, url, 200, {"content-type": "text/html; charset=utf-8"},
                                  html.encode("utf-8"), "utf-8", "text/html; charset=utf-8", "page", 0, None, 0.01,
                                  time.time()))
    store.commit()
    return store


def site_with(tmp_path: Path, pages: list[tuple[str, str]], **options) -> SiteView:
    return SiteView(SiteConfig(id="county", name="示例县人民政府", url=HOME), store_with(tmp_path, pages),
                    date(2026, 11, 20), options)


def trs_article(title: str, *paragraphs: str) -> str:
    """A TRS article page: its metas, a breadcrumb, the 正文 box, a footer."""
    body = "".join(f"<p style=\"text-indent:2em\">{p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_示例县人民政府</title>'
            f'<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="2026-11-18 09:30">'
            '<meta name="ContentSource" content="县委办"></head><body>'
            '<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/xwzx/">新闻中心</a></div>'
            f'<div class="article"><h1>{title}</h1><div class="info">发布时间：2026-11-18</div>'
            f'<div class="TRS_Editor">{body}</div></div>'
            '<script>var _trs_uv = "_trs_uv";</script>'
            '<div class="footer">主办单位：示例县人民政府办公室　网站标识码：1504000001</div></body></html>')


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


# ------------------------------------------------------------------------------- the files
def test_example_files_parse():
    words_file = read_sensitive_words(ROOT / "docs/examples/sensitive-words.txt")
    assert {e.word for e in words_file.entries} >= {"代开发票", "VIP", "秒杀", "国家级"}
    vip = next(e for e in words_file.entries if e.word == "VIP")
    assert vip.whole and vip.category == "营销"
    national = next(e for e in words_file.entries if e.word == "国家级")
    assert national.longer == ("国家级示范", "国家级自然保护区", "国家级贫困县") and not national.whole
    names = read_exact_names(ROOT / "docs/examples/exact-names.txt")
    assert "示例县" in names.names and names.allowed == ("示范县",)


@pytest.mark.parametrize(("text", "where"), [
    ("# 词表\n代开发票,广告\n代开发票\t广告\n", "line 3, word: '代开发票' is listed twice (first on line 2)"),
    ("国家级,极限词,国家示范区\n", "line 1, longer word: '国家示范区' does not hold the word '国家级'"),
    ("=\n", "line 1, word: empty"),
    ("很" * 51 + "\n", "line 1, word: 51 characters (at most 50; a missing separator?)"),
    ("# 只有注释\n\n", "no word in it"),
])
def test_bad_sensitive_word_files_name_file_line_and_field(tmp_path, text, where):
    path = write(tmp_path, "words.txt", text)
    with pytest.raises(WordFileError) as caught:
        read_sensitive_words(path)
    assert str(caught.value).startswith(f"--sensitive-words: {path}")
    assert where in str(caught.value)


def test_bad_exact_names_files(tmp_path):
    with pytest.raises(WordFileError, match=r"line 2, name: one name a line"):
        read_exact_names(write(tmp_path, "names.txt", "示例县\n张明华，刘建国\n"))
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("示例县\n张明华\n".encode("gbk"))
    with pytest.raises(WordFileError, match=r"gbk.txt, line 1: not UTF-8 text"):
        read_exact_names(gbk)


def test_cli_refuses_a_bad_word_file_before_crawling(tmp_path):
    bad = write(tmp_path, "words.txt", "代开发票\n代开发票\n")
    result = CliRunner().invoke(app, ["audit", "http://127.0.0.1:9/", "--out", str(tmp_path / "out"),
                                      "--sensitive-words", str(bad), "--no-history", "--quiet"])
    assert result.exit_code == 2
    assert f"--sensitive-words: {bad}, line 2, word: '代开发票' is listed twice" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out" / "crawl").exists()
    missing = CliRunner().invoke(app, ["audit", "http://127.0.0.1:9/", "--out", str(tmp_path / "out"),
                                       "--exact-names", str(tmp_path / "nope.txt"), "--quiet"])
    assert missing.exit_code == 2 and "--exact-names" in missing.output and "nope.txt: cannot read it" in missing.output


def test_check_command_hands_the_lists_to_the_checks(tmp_path):
    article = trs_article("示例县召开全面从严冶党工作会议", "会议要求，严厉打击代开发票等违法行为，县委书记张名华主持会议。")
    home = trs_article("示例县人民政府", "县政府召开常务会议。")
    store = store_with(tmp_path / "crawl", [(HOME, home), (ARTICLE_URL, article)])
    store.set_site_status("county", "ok")
    store.set_meta("as_of", "2026-11-20")
    store.close()
    words_file = write(tmp_path, "words.txt", "代开发票,违法广告\n")
    names_file = write(tmp_path, "names.txt", "张明华\n")
    result = CliRunner().invoke(app, ["check", str(tmp_path / "crawl"), "--out", str(tmp_path / "out"), "--format",
                                      "json", "--no-history", "--quiet", "--check-workers", "0",
                                      "--sensitive-words", str(words_file), "--exact-names", str(names_file)])
    assert result.exit_code == 0, result.output
    found = json.loads((tmp_path / "out" / "results.json").read_text("utf-8"))["sites"][0]["findings"]
    found = [f for f in found if f["dimension"] == "content"]
    assert sorted((f["check"], f["data"].get("word") or f["data"]["found"]) for f in found) == [
        ("content.sensitive-word", "代开发票"), ("content.term-typo", "全面从严冶党"), ("content.term-typo", "张名华")]


# ------------------------------------------------------------------------------- sensitive words
def test_without_a_word_list_the_check_is_not_applicable(tmp_path):
    site = site_with(tmp_path, [(ARTICLE_URL, trs_article("标题", "代开发票"))])
    with pytest.raises(NotApplicable, match="--sensitive-words"):
        list(words.sensitive_word(site))


def test_hits_in_visible_text_one_finding_per_page_and_word_with_count_and_context(tmp_path):
    list_file = read_sensitive_words(write(tmp_path, "w.txt", "代开发票,违法广告\n刻章办证\n"))
    article = trs_article("关于规范发票管理的提示",
                          "近期有不法分子在街头张贴“代开发票、刻章办证”小广告，代开发票属违法行为，请群众勿轻信。")
    page = article.replace("<title>", "<title>代开发票").replace(
        "</body>", "<script>var words='代开发票';</script><!-- 代开发票 --></body>")
    found = list(words.sensitive_word(site_with(tmp_path / "s", [(ARTICLE_URL, page)], sensitive_words=list_file)))
    by_word = {f.data["word"]: f for f in found}
    assert set(by_word) == {"代开发票", "刻章办证"}
    invoice = by_word["代开发票"]
    assert invoice.data["count"] == 2 and invoice.data["category"] == "违法广告"
    assert invoice.evidence == "…-11-18 近期有不法分子在街头张贴“代开发票、刻章办证”小广告，代开发票属违法行为，…"
    assert invoice.severity is None  # the check's declared medium
    assert invoice.data["review"] is True and invoice.url == ARTICLE_URL


def test_whole_word_latin_and_chinese_and_longer_words(tmp_path):
    list_file = read_sensitive_words(write(tmp_path, "w.txt", "=VIP,营销\n=秒杀\n国家级,极限词,国家级示范区,国家级自然保护区\n"))
    text = ("VIPS会员与VIP2卡都不算；购买VIP卡算。限时秒杀活动不算，“秒杀”算。"
            "创建国家级示范区、国家级自然保护区不算，本店国家级品质算。")
    hits = {h.key: h for h in words.sensitive_hits(text, list_file)}
    assert hits["VIP"].count == 1 and "购买VIP卡" in hits["VIP"].contexts[0]
    assert hits["秒杀"].count == 1 and "“秒杀”" in hits["秒杀"].contexts[0]
    assert hits["国家级"].count == 1 and "本店国家级品质" in hits["国家级"].contexts[0]


def test_latin_words_match_in_any_case(tmp_path):
    list_file = read_sensitive_words(write(tmp_path, "w.txt", "casino\n"))
    assert [h.word for h in words.sensitive_hits("Online CASINO and casino", list_file)] == ["CASINO"]


# ------------------------------------------------------------------------------- fixed terms
CORRECT = ("以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平总书记重要讲话精神，坚持中国共产党的领导，"
           "高举中国特色社会主义伟大旗帜，坚持和完善人民代表大会制度，践行社会主义核心价值观，推进全面从严治党，"
           "巩固“两学一做”学习教育成果，牢记“不忘初心、牢记使命”，铸牢中华民族共同体意识，做到“两个维护”，"
           "增强“四个意识”，坚持马克思列宁主义、毛泽东思想、邓小平理论、“三个代表”重要思想、科学发展观，"
           "中华人民共和国成立以来，中国人民政治协商会议示例县委员会，县纪律检查委员会，县人民检察院，"
           "党风廉政建设，一国两制，脱贫攻坚，乡村振兴，扫黑除恶，民族团结进步，营商环境，生态环境，贯彻落实，"
           "研究部署，工作部署，召开座谈会，发展全过程人民民主，以中国式现代化全面推进高质量发展。")


def test_correct_terms_are_not_typos():
    assert words.typo_hits(CORRECT, None) == []


def test_every_known_typo_is_found_and_none_is_inside_its_own_term():
    for entry in knowledge.load("content")["term_typos"]:
        for typo in entry["typos"]:
            assert typo not in entry["term"] and typo not in CORRECT
            hits = words.typo_hits(f"会议强调，{typo}，要抓好落实。", None)
            assert [(h.word, h.extra["term"]) for h in hits] == [(typo, entry["term"])], typo


def test_term_typo_in_an_article_is_one_review_finding_per_page_and_typo(tmp_path):
    article = trs_article("县委常委会召开会议", "会议传达学习了全面从严冶党工作要求。会议强调，要把全面从严冶党引向深入，"
                          "坚持以习近平新时代中国特色社会主义思想为指导。")
    found = list(words.term_typo(site_with(tmp_path, [(ARTICLE_URL, article)])))
    assert [(f.data["found"], f.data["term"], f.data["count"], f.data["source"]) for f in found] == [
        ("全面从严冶党", "全面从严治党", 2, "terms")]
    assert found[0].message.startswith("需人工复核") and found[0].data["review"] is True
    assert "传达学习了全面从严冶党工作要求" in found[0].evidence


def test_pages_without_any_term_are_not_walked(tmp_path, monkeypatch):
    walked = []
    monkeypatch.setattr(words, "visible_text", lambda root: walked.append(root) or "")
    site = site_with(tmp_path, [(ARTICLE_URL, trs_article("县政府召开常务会议", "会议研究了冬季供暖工作。"))])
    assert site.page_results(words.word_hits) == [] and walked == []


# ------------------------------------------------------------------------------- exact names
NAMES = "示例县\n张明华\n刘建国\n示例县人民政府\n甲镇人民政府\n!示范县\n"


def name_hits(tmp_path, text: str, names: str = NAMES) -> list[tuple[str, str]]:
    exact = read_exact_names(write(tmp_path, "names.txt", names))
    return [(h.word, h.extra["term"]) for h in words.typo_hits(text, exact) if h.extra["source"] == "exact-names"]


@pytest.mark.parametrize(("text", "expected"), [
    ("县委书记张名华主持会议并讲话。", [("张名华", "张明华")]),
    ("出席会议的有：张明华、刘建囯、王芳。", [("刘建囯", "刘建国")]),
    ("示列县人民政府办公室关于印发通知", [("示列县人民政府", "示例县人民政府")]),
    ("甲镇人民政付关于印发通知", [("甲镇人民政付", "甲镇人民政府")]),
    ("本次活动在示例县举行，示列县各界参加。", [("示列县", "示例县")]),
])
def test_one_character_mis_writings_of_exact_names(tmp_path, text, expected):
    assert name_hits(tmp_path, text) == expected


@pytest.mark.parametrize("text", [
    "县委书记张明华主持会议，示例县人民政府县长刘建国出席。",   # exact
    "张明是我县的劳动模范，张明和群众一起劳动。",              # 张明 + another word: no boundary after the window
    "示例镇人民政府、示例乡中心校、乙镇人民政府",               # another place: the ending is no typo
    "我县获评全国民族团结进步示范县。示范县建设成效明显。",      # a real word the file allows
    "刘建军同志，刘建华同志",                                  # only with the boundary: see below
])
def test_real_words_and_other_names_are_not_flagged(tmp_path, text):
    names = NAMES if "刘建" not in text else NAMES + "刘建军\n刘建华\n"
    assert name_hits(tmp_path, text, names) == []


def test_two_character_names_are_only_matched_exactly(tmp_path):
    assert name_hits(tmp_path, "张名主持会议。", "张明\n") == []


@pytest.mark.slow
def test_the_lists_reach_check_worker_processes(tmp_path):
    from tests.conftest import run_cli

    article = trs_article("关于规范发票管理的提示", "严厉打击代开发票等违法行为，县委书记张名华主持会议。")
    store = store_with(tmp_path / "crawl", [(HOME, trs_article("示例县人民政府", "县政府召开常务会议。")),
                                            (ARTICLE_URL, article)])
    store.set_site_status("county", "ok")
    store.set_meta("as_of", "2026-11-20")
    store.close()
    result = run_cli("check", str(tmp_path / "crawl"), "--out", str(tmp_path / "out"), "--format", "json",
                     "--no-history", "--quiet", "--check-workers", "2",
                     "--sensitive-words", str(write(tmp_path, "w.txt", "代开发票\n")),
                     "--exact-names", str(write(tmp_path, "n.txt", "张明华\n")))
    assert result.returncode == 0, result.stderr
    found = json.loads((tmp_path / "out" / "results.json").read_text("utf-8"))["sites"][0]["findings"]
    assert {(f["check"], f["url"]) for f in found if f["dimension"] == "content"} == {
        ("content.sensitive-word", ARTICLE_URL), ("content.term-typo", ARTICLE_URL)}
