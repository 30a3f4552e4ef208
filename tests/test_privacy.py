"""privacy.*: the number rules (GB 11643 check digit, Luhn, masking) and what counts as personal data on
pages as portals write them (TRS 公示 tables, Hanweb footers, 开普云 village contact lists, GBK pages)."""

from __future__ import annotations

import time
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from auditcli.core.models import SiteConfig
from auditcli.core.tree import parse
from auditcli.stores.pagestore import Link, PageStore, StoredPage
from checks.content.attachments import html_records
from checks.content.privacy import (
    _prefectures,
    id_check_digit,
    luhn,
    mask,
    scan_records,
    valid_card,
    valid_id,
)
from checks.engine.registry import all_checks, select
from checks.engine.runner import run_site
from checks.engine.siteview import SiteView
from tests.test_columns import doc

AS_OF = date(2026, 11, 20)
BASE = "http://www.sl.gov.cn"
ID_1 = "150425197803150023"  # valid check digits, 内蒙古 赤峰 克什克腾旗 prefixes, invented people
ID_2 = "150425196805120018"
GB_EXAMPLE = "11010519491231002X"  # GB 11643-1999's own example


def ids(draw_prefix=None):
    """Valid 居民身份证号: a known prefix, a real birth date not after AS_OF, any sequence, its check digit."""
    provinces = sorted(_prefectures())

    @st.composite
    def build(draw):
        province = draw(st.sampled_from(provinces))
        city = draw(st.sampled_from(sorted(_prefectures()[province])))
        county = draw(st.integers(0, 99))
        born = draw(st.dates(date(1900, 1, 1), AS_OF))
        seq = draw(st.integers(0, 999))
        first = f"{province}{city}{county:02d}{born:%Y%m%d}{seq:03d}"
        return first + id_check_digit(first)

    return build()


def cards():
    @st.composite
    def build(draw):
        prefix = draw(st.sampled_from(["62", "60", "4", "5", "35", "95"]))
        length = draw(st.integers(16, 19))
        body = prefix + "".join(str(draw(st.integers(0, 9))) for _ in range(length - len(prefix) - 1))
        check = next(d for d in "0123456789" if luhn(body + d))
        return body + check

    return build()


def found(html: str, as_of: date = AS_OF) -> dict[str, int]:
    return scan_records(html_records(parse(doc(html))), as_of).counts


# ------------------------------------------------------------------ the numbers
def test_the_standard_example_id_is_valid_and_its_check_digit_is_x():
    assert id_check_digit(GB_EXAMPLE[:17]) == "X"
    assert valid_id(GB_EXAMPLE, AS_OF) and valid_id(GB_EXAMPLE.lower(), AS_OF)


@given(ids(), st.integers(0, 9))
def test_any_other_check_digit_makes_an_id_invalid(number, digit):
    assert valid_id(number, AS_OF)
    wrong = number[:17] + ("0123456789X".replace(number[17], "")[digit])
    assert not valid_id(wrong, AS_OF)


def test_an_id_needs_a_real_prefix_and_a_possible_birth_date():
    def with_check(first17: str) -> str:
        return first17 + id_check_digit(first17)

    assert valid_id(with_check("15042519780315002"), AS_OF)
    assert not valid_id(with_check("99042519780315002"), AS_OF)   # no province 99
    assert not valid_id(with_check("15992519780315002"), AS_OF)   # 内蒙古 never had prefecture 99
    assert not valid_id(with_check("15042519780230002"), AS_OF)   # 30 February
    assert not valid_id(with_check("15042520271115002"), AS_OF)   # born after --as-of
    assert not valid_id(with_check("15042518790315002"), AS_OF)   # before 1900


@given(cards())
def test_generated_cards_pass_luhn_and_any_single_digit_change_fails_it(number):
    assert valid_card(number)
    for k in range(len(number)):
        changed = number[:k] + str((int(number[k]) + 1) % 10) + number[k + 1:]
        assert not luhn(changed)


def test_a_known_card_number_passes_luhn():
    assert luhn("4111111111111111") and luhn("6212264000000000009") is luhn("6212264000000000009")
    assert not luhn("4111111111111112")


@given(ids())
def test_a_masked_id_keeps_four_and_four_and_is_never_found_again(number):
    masked = mask(number, "id_number")
    assert len(masked) == 18 and masked[:4] == number[:4] and masked[-4:] == number[-4:]
    assert masked.count("*") == 10
    page = f"<table><tr><th>姓名</th><th>身份证号</th></tr><tr><td>张某</td><td>{masked}</td></tr></table>"
    assert found(page)["id_number"] == 0


@given(cards())
def test_a_masked_card_shows_eight_digits_at_most(number):
    masked = mask(number, "bank_card")
    assert len(masked) == len(number) and sum(c.isdigit() for c in masked) == 8
    assert number not in masked


def test_a_masked_mobile_is_138_stars_5678():
    assert mask("13812345678", "mobile") == "138****5678"
    assert mask("138-1234-5678", "mobile") == "138****5678"


# ------------------------------------------------------------------ ID numbers on pages
GONGSHI = (  # a TRS article body: 低保 公示 table, one row written out, one masked
    '<div class="article"><h1>示例县2025年第四季度城乡最低生活保障对象名单公示</h1>'
    '<div class="TRS_Editor"><table class="MsoNormalTable" border="1">'
    "<tr><td>序号</td><td>姓名</td><td>身份证号码</td><td>家庭住址</td><td>月保障金额（元）</td></tr>"
    f"<tr><td>1</td><td>张某某</td><td>{ID_1}</td><td>示例县甲镇幸福村</td><td>630</td></tr>"
    "<tr><td>2</td><td>李某某</td><td>1504**********0034</td><td>示例县乙镇团结村</td><td>630</td></tr>"
    "</table></div></div>")


def test_an_unmasked_id_in_a_gongshi_table_is_found_and_the_masked_one_is_not():
    assert found(GONGSHI) == {"id_number": 1, "mobile": 0, "bank_card": 0}


def test_an_id_is_found_outside_tables_too_and_with_full_width_digits():
    wide = ID_2.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert found(f"<p>申请人王某某（身份证号：{wide}）因病致困，申请临时救助。</p>")["id_number"] == 1
    assert found(f"<ul><li>王某某 {ID_2} 示例县甲镇</li></ul>")["id_number"] == 1


def test_credit_codes_file_numbers_urls_and_longer_runs_are_not_ids():
    # an all-digit 18-character code that passes every ID test, after its label
    assert found(f"<p>统一社会信用代码：{ID_1}</p><p>订单号：{ID_2}</p>")["id_number"] == 0
    assert found(f'<p>原文链接：http://www.sl.gov.cn/gsgg/{ID_1}.html</p>')["id_number"] == 0
    assert found(f"<p>流水 8{ID_1}7 已入账</p><p>编号A{ID_1}</p>")["id_number"] == 0
    assert found("<p>统一社会信用代码：11150425MB1234567X</p>")["id_number"] == 0  # letters: no ID shape


def test_an_id_with_a_wrong_check_digit_is_no_finding():
    wrong = ID_1[:17] + ("4" if ID_1[17] != "4" else "5")
    assert found(f"<table><tr><th>姓名</th><th>身份证号</th></tr><tr><td>张某</td><td>{wrong}</td></tr></table>") \
        == {"id_number": 0, "mobile": 0, "bank_card": 0}


# ------------------------------------------------------------------ mobiles: personal or the office's own
def test_a_list_of_names_and_mobiles_is_personal():
    page = ('<table class="table"><tr><th>序号</th><th>姓名</th><th>所在村</th><th>联系电话</th></tr>'
            "<tr><td>1</td><td>张某某</td><td>幸福村</td><td>13847601234</td></tr>"
            "<tr><td>2</td><td>王某某</td><td>团结村</td><td>159 0476 2345</td></tr></table>")
    assert found(page)["mobile"] == 2


def test_a_mobile_beside_a_masked_id_is_personal():
    page = ("<table><tr><td>序号</td><td>户主</td><td>证件号</td><td>电话</td></tr>"
            "<tr><td>1</td><td>赵某某</td><td>1504**********0034</td><td>18247603456</td></tr></table>")
    assert found(page)["mobile"] == 1
    assert found("<p>赵某某 1504**********0034 18247603456</p>")["mobile"] == 1


def test_an_offices_own_contact_mobiles_are_not_leaks():
    hanweb_footer = ('<div class="footer"><p>主办：示例县人民政府办公室　地址：示例县政府路1号</p>'
                     "<p>咨询电话：13904760001　监督电话：0476-8888888　传真：0476-8888889</p></div>")
    notice = ("<p>报名时间：2026年11月20日至25日。联系人：王科长，电话：13904760002；"
              "报名需携带本人身份证原件。</p>")
    village = ('<table class="cun-list"><tr><th>嘎查村</th><th>负责人</th><th>联系电话</th></tr>'
               "<tr><td>幸福村村委会</td><td>李书记</td><td>13904760003</td></tr></table>")
    officials = ('<table><tr><th>姓名</th><th>职务</th><th>联系电话</th></tr>'
                 "<tr><td>张某</td><td>副镇长</td><td>13904760004</td></tr></table>")
    for html in (hanweb_footer, notice, village, officials):
        assert found(html) == {"id_number": 0, "mobile": 0, "bank_card": 0}, html


def test_landlines_and_mobiles_in_urls_or_emails_are_not_mobiles():
    page = ('<table><tr><th>姓名</th><th>联系电话</th><th>邮箱</th></tr>'
            "<tr><td>张某</td><td>0476-8888888</td><td>13847601234@163.com</td></tr>"
            "<tr><td>王某</td><td>http://wx.sl.gov.cn/u/13847601234</td><td>—</td></tr>"
            "<tr><td>赵某</td><td>138476012345（工号）</td><td>—</td></tr></table>")
    assert found(page)["mobile"] == 0


# ------------------------------------------------------------------ bank cards
def test_a_subsidy_list_with_bank_cards_is_found_but_an_offices_account_is_not():
    page = ('<table><tr><th>姓名</th><th>一卡通账号</th><th>补贴金额（元）</th></tr>'
            "<tr><td>张某某</td><td>6217 0000 1234 5678 907</td><td>1200</td></tr></table>")
    assert luhn("6217000012345678907")
    assert found(page)["bank_card"] == 1
    account = ("<p>收款单位：示例县财政局　开户行：农行示例县支行　账号：6217000012345678907</p>"
               "<p>订单号：6217000012345678907</p>")
    assert found(account)["bank_card"] == 0


# ------------------------------------------------------------------ through the checks
def _site(tmp_path, pages: dict[str, bytes], charset: str = "utf-8") -> SiteView:
    store = PageStore(tmp_path / "store")
    config = SiteConfig(id="s", name="示例县人民政府", url=BASE + "/")
    store.register_site("s", config.to_dict())
    for path, body in pages.items():
        store.add_page(StoredPage("s", BASE + path, BASE + path, 200, {"content-type": f"text/html; charset={charset}"},
                                  body, charset, "text/html", "page", 1, None, 0.1, time.time()))
    store.add_links("s", [Link(BASE + "/", BASE + p, "", "a", True, "page") for p in pages])
    store.commit()
    return SiteView(config, store, AS_OF)


def test_one_finding_per_page_and_kind_with_count_masked_samples_and_the_row(tmp_path):
    rows = "".join(f"<tr><td>{n}</td><td>某{n}</td><td>{number}</td><td>1380476{n:04d}</td></tr>"
                   for n, number in enumerate([ID_1, ID_2, GB_EXAMPLE, ID_1], 1))
    page = doc('<table id="gs"><tr><th>序号</th><th>姓名</th><th>身份证号</th><th>联系电话</th></tr>' + rows + "</table>")
    site = _site(tmp_path, {"/": doc("<p>首页</p>").encode(), "/gsgg/t20261110_1.html": page.replace("©", "").encode("gbk")},
                 charset="gbk")
    out = run_site(site, select(all_checks(), ["privacy."], None))
    by_check = {f.check: f for f in out.findings}
    assert set(by_check) == {"privacy.id-number", "privacy.mobile-number"}
    id_finding = by_check["privacy.id-number"]
    assert id_finding.url == BASE + "/gsgg/t20261110_1.html"
    assert id_finding.data["count"] == 4 and len(id_finding.data["samples"]) == 3
    assert id_finding.selector == "table#gs tr:nth-of-type(2)"
    assert id_finding.severity == "high" and id_finding.dimension == "content"
    assert by_check["privacy.mobile-number"].data["count"] == 4
    text = repr([f.to_dict() for f in out.findings])
    for number in (ID_1, ID_2, GB_EXAMPLE, "13804760001"):
        assert number not in text  # never the full number, anywhere in a finding
    assert "1504**********0023" in id_finding.evidence
    assert out.outcomes["privacy.bank-card"]["status"] == "passed"


def test_a_long_list_written_as_lines_between_br_is_read_line_by_line():
    """TRS and 开普云 editors often write a 公示 as lines in one <p>: each line is a record of its own, so a
    mobile is judged by its own line (an office's 咨询电话 in the closing line stays the office's)."""
    lines = [f"{n}. 某{n} 示例县甲镇幸福村{n}组 1504**********{n:04d} 1384760{n:04d}" for n in range(1, 41)]
    lines[34] = f"35. 王某某 示例县乙镇 {ID_2} 13847601234"
    body = "<br>".join(lines) + "<br>联系人：王科长　咨询电话：13904760001"
    got = found(f'<div class="TRS_Editor"><p>{body}</p></div>')
    assert got == {"id_number": 1, "mobile": 40, "bank_card": 0}
