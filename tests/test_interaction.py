"""Interaction (互动回应): a letter whose answer is not shown is not judged; letter pages name their letter."""

from __future__ import annotations

from auditcli.core.tree import parse
from checks.engine.registry import all_checks, select
from checks.engine.runner import run_site
from checks.interaction import letters_on_page
from tests.test_columns import BASE, HOME, doc, make_site


def overdue(site) -> list:
    out = run_site(site, select(all_checks(), ["interaction.reply-overdue"], None))
    return [f for f in out.findings if f.check == "interaction.reply-overdue"]


def test_a_list_that_shows_no_reply_or_status_is_not_judged_unanswered(tmp_path) -> None:
    table = ('<table><tr><th>信件标题</th><th>来信时间</th><th>办理单位</th></tr>'
             '<tr><td><a href="/hdjl/l1.html">关于自来水水质浑浊的反映</a></td><td>2026-08-12</td><td>水务局</td></tr></table>')
    site = make_site(tmp_path, {"/index.html": HOME, "/hdjl/index.html": doc(table, title="书记信箱")})
    assert overdue(site) == []


def test_the_letter_page_completes_the_list_and_names_the_letter(tmp_path) -> None:
    table = ('<table><tr><th>信件标题</th><th>来信时间</th><th>办理单位</th></tr>'
             '<tr><td><a href="/hdjl/l1.html">关于自来水水质浑浊的反映</a></td><td>2026-08-12</td><td>水务局</td></tr></table>')
    letter = doc('<table class="xj"><tr><th>信件标题</th><td>关于自来水水质浑浊的反映</td></tr>'
                 "<tr><th>来信时间</th><td>2026-08-12</td></tr><tr><th>办理状态</th><td>办理中</td></tr></table>",
                 title="信件详情")
    site = make_site(tmp_path, {"/index.html": HOME, "/hdjl/index.html": doc(table, title="书记信箱"),
                                "/hdjl/l1.html": letter})
    (finding,) = overdue(site)
    assert "关于自来水水质浑浊的反映" in finding.message and finding.data["days"] == 100
    assert finding.data["letter"] == BASE + "/hdjl/l1.html"


def test_a_letter_page_alone_is_named_from_its_title_cell(tmp_path) -> None:
    letter = doc('<div class="menu">首页 政务公开 互动交流</div><table><tr><th>信件标题</th><td>反映道路破损问题</td></tr>'
                 "<tr><th>来信时间</th><td>2026-07-01</td></tr><tr><th>回复时间</th><td></td></tr></table>",
                 title="信件详情")
    site = make_site(tmp_path, {"/index.html": HOME, "/hdjl/l2.html": letter})
    (finding,) = overdue(site)
    assert "反映道路破损问题" in finding.message and "首页" not in finding.evidence


def test_letters_are_read_from_the_shared_tree_or_a_tree_of_their_own() -> None:
    html = doc('<table><tr><th>信件标题</th><th>来信时间</th><th>回复时间</th></tr>'
               '<tr><td><a href="/hdjl/l1.html">反映 <b>路灯</b> 不亮</a></td><td>2026-08-12</td><td>2026-08-20</td></tr>'
               '</table>', title="书记信箱")
    (letter,) = letters_on_page(html, BASE + "/hdjl/index.html", parse(html))
    assert letter.title == "反映 路灯 不亮" and letter.url == BASE + "/hdjl/l1.html"
    assert letter.selector == "body > div.main > table tr:nth-of-type(2)"
    assert letters_on_page(html, BASE + "/hdjl/index.html") == [letter]
