"""办事服务 (service): guides recognised by their element labels, each guide's missing elements, the `service`
block, and the checklist's 服务不实用 veto read from that block (docs/SPEC.md §5, §6, §7)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from auditcli.core.tree import parse
from checks.engine.registry import all_checks, select
from checks.engine.runner import run_site
from checks.service import service_block
from checks.service.guides import read_guide
from reports.html import render_html
from reports.scoring import ProfileError, load_profile, score_site
from tests.test_columns import BASE, HOME, doc, make_site
from tests.test_scoring import site as scored_site

PROFILE_TEXT = (Path(__file__).parents[1] / "reports/profiles/cn-gov-2019.yaml").read_text("utf-8")

# A guide as the provincial 政务服务网 (and county portals copying it) writes it: a table of label and value
# cells, two pairs to a row, a 事项类型 field that is no key element, the breadcrumb naming 办事指南.
ZWFW_GUIDE = doc(
    '<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/bszn/index.html">办事指南</a> &gt; 详情</div>'
    '<div class="bszn-detail"><h1 class="title">居民身份证换领</h1>'
    '<table class="bszn-table" border="1" cellspacing="0">'
    '<tr><th>事项名称</th><td>居民身份证换领</td><th>事项类型</th><td>公共服务</td></tr>'
    '<tr><th>设定依据</th><td colspan="3">《中华人民共和国居民身份证法》第十一条</td></tr>'
    '<tr><th>受理条件</th><td colspan="3">居民身份证有效期满、登记项目变更或者证件严重损坏不能辨认的</td></tr>'
    '<tr><th>申请材料</th><td colspan="3">1.居民户口簿原件；2.原居民身份证；3.近期免冠证件照片（现场采集）</td></tr>'
    '<tr><th>办理地点</th><td>示例县公安局户政服务大厅（健康路8号）</td><th>办理时间</th><td>周一至周五 上午9:00-12:00 下午14:30-17:30</td></tr>'
    '<tr><th>法定办结时限</th><td>60个工作日</td><th>承诺办结时限</th><td>20个工作日</td></tr>'
    '<tr><th>是否收费</th><td>是，换领20元/证（发改价格〔2003〕2322号）</td><th>咨询电话</th><td>0471-6251234</td></tr>'
    '<tr><th>办理流程</th><td colspan="3">申请→受理→审核→制证→领证</td></tr></table></div>',
    title="居民身份证换领_办事指南_示例县人民政府", metas={"ColumnName": "办事指南"})

# A guide as a TRS portal article writes it: numbered paragraphs with the label and a colon, three
# left blank (暂无, nothing, 详见附件 with no attachment), 办理流程 and 收费标准 not written at all.
TRS_INCOMPLETE = doc(
    '<div class="article"><h1 class="article-title">城乡居民最低生活保障申请办事指南</h1>'
    '<div class="info">发布日期：2026-10-12　来源：示例县民政局</div>'
    '<div class="TRS_Editor"><p>一、事项名称：城乡居民最低生活保障申请</p>'
    '<p>二、设定依据：暂无</p>'
    '<p>三、申请条件：持有本县户籍，家庭人均收入低于当地最低生活保障标准。</p>'
    '<p>四、申请材料：详见附件</p>'
    '<p>五、办理地点：各镇（苏木）便民服务中心</p>'
    '<p>六、办理时间：</p>'
    '<p>七、承诺时限：30个工作日</p>'
    '<p>八、咨询电话：0471-6259876</p></div></div>',
    title="城乡居民最低生活保障申请办事指南_示例县人民政府",
    metas={"ArticleTitle": "城乡居民最低生活保障申请办事指南", "ColumnName": "办事指南"})

# The list of 事项 a 办事指南 column shows: labels head the table's columns, each row links to a guide.
GUIDE_LIST = doc(
    '<div class="list-box"><h2 class="column-title">办事指南</h2><table class="sxlb">'
    '<tr><th>序号</th><th>事项名称</th><th>办理地点</th><th>承诺时限</th><th>咨询电话</th></tr>'
    '<tr><td>1</td><td><a href="/bszn/sfz.html">居民身份证换领</a></td><td>户政服务大厅</td><td>20个工作日</td><td>6251234</td></tr>'
    '<tr><td>2</td><td><a href="/bszn/db.html">最低生活保障申请</a></td><td>便民服务中心</td><td>30个工作日</td><td>6259876</td></tr>'
    '<tr><td>3</td><td><a href="/bszn/hk.html">户口迁移</a></td><td>户政服务大厅</td><td>即办</td><td>6251234</td></tr>'
    '</table></div>', title="办事指南_示例县人民政府", metas={"ColumnName": "办事指南"})

# News about the service centre: it names 办理时间, 办理地点 and 咨询电话, even with colons, but it is no guide.
NEWS = doc(
    '<div class="article"><h1 class="article-title">县政务服务中心延长工作日办理时间</h1>'
    '<div class="info">发布日期：2026-11-02　来源：县政务服务中心</div>'
    '<div class="TRS_Editor"><p>为方便群众办事，自11月1日起，县政务服务中心工作日办理时间延长至18:00，群众办理材料可网上提交。</p>'
    '<p>办理地点：县政务服务中心一楼综合窗口。</p><p>咨询电话：0471-6250000。</p></div></div>',
    title="县政务服务中心延长工作日办理时间_示例县人民政府", metas={"ArticleTitle": "县政务服务中心延长工作日办理时间"})


def guide_of(html: str, path: str = "/bszn/1.html"):
    return read_guide(html, BASE + path, parse(html))


def findings(site) -> list:
    out = run_site(site, select(all_checks(), ["service"], None))
    return [f for f in out.findings if f.check == "service.guide-incomplete"]


def test_a_complete_guide_as_the_service_platform_writes_it_lacks_nothing() -> None:
    guide = guide_of(ZWFW_GUIDE)
    assert guide is not None and guide.name == "居民身份证换领"
    assert guide.missing == [] and guide.blank == []
    assert guide.values["name"] == "居民身份证换领"  # 事项类型 ends its value: another field, not a key element
    assert guide.values["time_limit"].startswith("60个工作日")


def test_a_guide_with_blank_values_lacks_them_and_the_elements_never_written() -> None:
    guide = guide_of(TRS_INCOMPLETE)
    assert guide is not None and guide.name == "城乡居民最低生活保障申请"  # 事项名称 names it
    assert guide.missing == ["basis", "materials", "hours", "fees", "process"]
    assert sorted(guide.blank) == ["basis", "hours", "materials"]


def test_see_attachment_is_a_value_when_the_attachment_is_linked() -> None:
    linked = TRS_INCOMPLETE.replace("<p>四、申请材料：详见附件</p>",
                                    '<p>四、申请材料：详见附件 <a href="/bszn/P020261012.docx">申请材料清单.docx</a></p>')
    assert "materials" not in guide_of(linked).missing
    assert "fees" not in guide_of(TRS_INCOMPLETE.replace("<p>八、", "<p>九、收费标准：无</p><p>八、")).missing  # 无 answers


def test_a_definition_list_guide_with_bold_labels_is_read() -> None:
    html = doc('<div class="guide"><h1>个体工商户设立登记</h1><dl class="bszn">'
               '<dt>设定依据</dt><dd>《促进个体工商户发展条例》</dd><dt>申请条件</dt><dd>有经营能力的自然人</dd>'
               '<dt>申请材料</dt><dd>—</dd></dl>'
               '<p><strong>办理地点：</strong>县政务服务中心市场监管窗口</p><p><b>办理流程</b></p><p>申请、受理、核准、发照</p>'
               '<p><strong>咨询电话：</strong></p></div>', title="个体工商户设立登记_办事指南")
    guide = guide_of(html)
    assert guide is not None
    assert guide.values["process"] == "申请、受理、核准、发照" and guide.values["place"].startswith("县政务服务中心")
    assert guide.missing == ["materials", "hours", "time_limit", "fees", "contact"]


def test_a_list_of_guides_is_not_a_guide() -> None:
    assert guide_of(GUIDE_LIST, "/bszn/index.html") is None


def test_news_that_names_office_hours_is_not_a_guide() -> None:
    assert guide_of(NEWS, "/xwzx/202611/t20261102_1.html") is None


def test_the_footer_contact_lines_do_not_make_a_page_a_guide() -> None:
    html = doc('<div class="article"><h1>办事指南</h1><p>一、事项名称：户口迁移</p></div>'
               '<div class="footer-box"><p>联系电话：0471-6250000</p><p>办公地址：示例县健康路1号</p>'
               '<p>办理时间：工作日</p></div>', title="办事指南")
    assert guide_of(html) is None


def test_each_incomplete_guide_is_a_finding_naming_what_it_lacks(tmp_path) -> None:
    site = make_site(tmp_path, {"/index.html": HOME, "/bszn/index.html": GUIDE_LIST, "/bszn/sfz.html": ZWFW_GUIDE,
                                "/bszn/db.html": TRS_INCOMPLETE, "/xwzx/202611/t20261102_1.html": NEWS})
    (finding,) = findings(site)
    assert finding.url == BASE + "/bszn/db.html" and finding.severity == "medium"
    assert finding.data["missing"] == ["basis", "materials", "hours", "fees", "process"]
    assert finding.message == ("办事指南“城乡居民最低生活保障申请”缺少 5 项要素：设定依据（空白）、办理材料（空白）、"
                               "办理时间（空白）、收费标准、办理流程")
    block = service_block(site)
    assert (block["guides"], block["complete"], block["incomplete"]) == (2, 1, 1)
    assert block["incomplete_guides"] == [{"url": BASE + "/bszn/db.html", "name": "城乡居民最低生活保障申请",
                                           "missing": ["basis", "materials", "hours", "fees", "process"]}]
    assert block["no_service"] is False


def test_a_site_without_guides_that_links_to_the_provincial_platform_serves_elsewhere(tmp_path) -> None:
    home = HOME.replace('</ul></div>', '</ul></div><div class="fw"><a href="http://zwfw.nmg.gov.cn/">内蒙古政务服务网</a></div>', 1)
    block = service_block(make_site(tmp_path / "a", {"/index.html": home}))
    assert block["guides"] == 0 and block["platform"] == ["http://zwfw.nmg.gov.cn/"]
    assert block["no_service"] is False
    bare = service_block(make_site(tmp_path / "b", {"/index.html": HOME}))
    assert bare["platform_links"] == 0 and bare["entries"] == 0 and bare["no_service"] is True
    assert findings(make_site(tmp_path / "c", {"/index.html": HOME})) == []


# ---------------------------------------------------------------- the 服务不实用 veto (scoring reads the block)


def service(incomplete: int, no_service: bool = False) -> dict:
    return {"guides": incomplete + 1, "complete": 1, "incomplete": incomplete, "incomplete_guides": [],
            "platform_links": 0, "platform": [], "entries": 0, "no_service": no_service}


@pytest.fixture(scope="module")
def profile():
    return load_profile("cn-gov-2019")


def vetoes(s: dict, profile) -> list[str]:
    score_site(s, profile)
    return [v["rule"] for v in s["vetoes"]]


def test_five_incomplete_guides_veto_four_do_not(profile) -> None:
    s = scored_site(level="county", service=service(5))
    assert vetoes(s, profile) == ["cn-gov-2019.service"]
    assert s["vetoes"][0]["message"] == "服务不实用：办事指南要素缺失 5 个（5 个及以上否决）"
    assert "服务不实用" in s["vetoes"][0]["ref"]
    assert vetoes(scored_site(level="county", service=service(4)), profile) == []


def test_the_veto_reads_the_block_not_the_findings(profile) -> None:
    guide = {"check": "service.guide-incomplete", "dimension": "service", "severity": "medium",
             "url": BASE + "/bszn/1.html", "fingerprint": "x"}
    s = scored_site(level="county", findings=[copy.deepcopy(guide) for _ in range(6)], service=service(2))
    assert vetoes(s, profile) == []
    assert s["dimensions"]["service"]["deducted"] == 0  # cn-gov-2019 gives the dimension no points: the veto judges
    assert vetoes(scored_site(level="county"), profile) == []  # no block: service was not checked


def test_no_service_at_all_vetoes_a_county_portal_not_a_township_or_department(profile) -> None:
    assert vetoes(scored_site(level="county", service=service(0, no_service=True)), profile) == ["cn-gov-2019.service"]
    for level in ("township", "department"):
        assert vetoes(scored_site(level=level, service=service(0, no_service=True)), profile) == []


def test_the_threshold_the_levels_and_the_points_are_the_profiles(tmp_path) -> None:
    path = tmp_path / "strict.yaml"
    path.write_text("extends: cn-gov-2019\nname: strict\nvetoes:\n  service:\n    threshold: 2\n"
                    "    no_service_levels: [county, township]\n"
                    "dimensions:\n  columns: {cap: 15}\n  service: {cap: 5}\n", "utf-8")
    strict = load_profile(path)
    guide = {"check": "service.guide-incomplete", "dimension": "service", "severity": "medium",
             "url": BASE + "/bszn/1.html", "fingerprint": "x"}
    s = scored_site(level="county", findings=[copy.deepcopy(guide) for _ in range(6)], service=service(2))
    assert vetoes(s, strict) == ["strict.service"]
    assert s["dimensions"]["service"]["deducted"] == 5  # 1 point a guide, at most 5
    assert vetoes(scored_site(level="township", service=service(0, no_service=True)), strict) == ["strict.service"]


@pytest.mark.parametrize(("setting", "field"), [
    ("threshold: five", "vetoes.service.threshold"),
    ("no_service_levels: [province]", "vetoes.service.no_service_levels: unknown level 'province'"),
    ("guides: 5", "vetoes.service.guides: unknown setting"),
])
def test_a_bad_service_veto_setting_names_the_field(tmp_path, setting, field) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(f"extends: cn-gov-2019\nname: bad\nvetoes:\n  service:\n    {setting}\n", "utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert str(path) in str(info.value) and field in str(info.value)


def test_the_report_shows_the_service_block(profile) -> None:
    s = scored_site(level="county", url=BASE + "/", service={
        **service(1), "platform_links": 1, "platform": ["http://zwfw.nmg.gov.cn/"],
        "incomplete_guides": [{"url": BASE + "/bszn/db.html", "name": "最低生活保障申请", "missing": ["basis", "fees"]}]})
    score_site(s, profile)
    results = {"schema": "auditcli.results/v1", "run": {"as_of": "2026-11-20", "profile": "cn-gov-2019"}, "sites": [s]}
    html = render_html(results, "zh")
    assert "办事指南：2 个，要素齐全 1 个，缺要素 1 个" in html
    assert "最低生活保障申请" in html and "设定依据、收费标准" in html
    assert "Service guides: 2, 1 complete, 1 lacking elements" in render_html(results, "en")


def test_the_demo_farm_plants_three_guides_one_complete_on_the_health_commission(demo_audit) -> None:
    """dept-wjw's 办事指南 column: one complete guide, two lacking three elements each; no other site has a guide,
    and no site is vetoed for its services (the county portal links its 政务服务 and 办事指南)."""
    wjw = demo_audit.sites["dept-wjw"]
    assert {k: wjw["service"][k] for k in ("guides", "complete", "incomplete")} == {"guides": 3, "complete": 1,
                                                                                  "incomplete": 2}
    lacking = {g["name"]: g["missing"] for g in wjw["service"]["incomplete_guides"]}
    assert lacking == {"母婴保健技术服务执业许可": ["basis", "hours", "fees"],
                       "出生医学证明办理": ["time_limit", "process", "contact"]}
    others = [s for sid, s in demo_audit.sites.items() if sid != "dept-wjw" and s["status"] != "unreachable"]
    assert all(s["service"]["guides"] == 0 for s in others)
    assert demo_audit.sites["county"]["service"]["no_service"] is False
    assert not any(v["rule"] == "cn-gov-2019.service" for s in demo_audit.sites.values() for v in s["vetoes"])
