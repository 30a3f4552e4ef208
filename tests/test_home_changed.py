"""content.home-changed: a county portal's home page audited twice with --history, changed in between —
a week of news (no finding), a defacement within the template, an injected block of off-site links."""

from __future__ import annotations

import json
import sqlite3
from http.server import BaseHTTPRequestHandler

import pytest

from auditcli.stores.history import SCHEMA_VERSION, HistoryStore
from checks.content.home import kept_share, similarity
from tests.conftest import FAST, local_server, run_cli

NAV = ["首页", "走进示例", "政务公开", "政务服务", "互动交流", "新闻中心", "专题专栏", "数据发布"]
BOXES = {
    "zwyw": ("政务要闻", ["县委常委会召开会议传达学习全会精神", "县政府召开第{n}次常务会议研究部署重点工作",
                       "县长带队督导检查冬季安全生产工作", "全县经济运行调度会召开分析前三季度形势",
                       "县人大常委会开展民生实事项目视察活动", "县政协召开专题协商会议建言乡村振兴"]),
    "bmdt": ("部门动态", ["县农牧局开展冬春季动物防疫工作培训", "县教育局组织开展校园安全隐患大排查",
                       "县卫健委启动流感疫苗接种服务周活动", "县市场监管局开展冬季燃气安全专项检查",
                       "县住建局召开老旧小区改造项目推进会", "县人社局举办就业援助月专场招聘会"]),
    "tzgg": ("通知公告", ["关于开展第{n}批农业补贴资金公示的公告", "关于做好冬季供暖期间安全工作的通知",
                       "关于征集县政府民生实事项目建议的公告", "关于公开招聘社区工作者拟聘用人员的公示",
                       "关于调整城区部分公交线路运营时间的通告", "关于开展全县统计执法检查的通知"]),
    "xzdt": ("乡镇动态", ["甲镇召开冬季防火工作部署会议", "乙苏木开展牧区惠民政策宣讲活动",
                       "丙镇组织开展人居环境整治专项行动", "丁苏木召开基层党建工作推进会",
                       "甲镇举办农牧民实用技术培训班", "乙苏木完成草原生态补奖资金发放工作"]),
}
FRIENDS = [("http://www.gov.cn/", "中国政府网"), ("https://www.nmg.gov.cn/", "内蒙古自治区人民政府"),
           ("http://www.xlgl.gov.cn/", "锡林郭勒盟行政公署"), ("http://www.12377.cn/", "中国互联网举报中心")]


def home_page(week: int, *, defaced: bool = False, injected: bool = False, one_spam_host: bool = False,
              central: bool = False) -> str:
    """The portal's home page in a given week: each week two new items top every box (TRS URLs, dates)."""
    def text(s: str) -> str:
        return f"网站已被黑客接管 联系QQ 88{len(s)}8 出售数据" if defaced else s

    nav = "".join(f'<li><a href="/{n}/index.html">{text(t)}</a></li>' for n, t in
                  zip(["index", "zjsl", "zwgk", "zwfw", "hdjl", "xwzx", "ztzl", "sjfb"], NAV, strict=True))
    boxes = ""
    for key, (name, titles) in BOXES.items():
        lis = ""
        for k in range(6):
            serial = 100 + week * 2 - k  # two new items a week push the two oldest out
            title = titles[serial % len(titles)].format(n=serial)
            day = 18 - k + (week * 7) % 12
            lis += (f'<li><a href="/xwzx/{key}/202611/t202611{day:02d}_{serial}.html" target="_blank" '
                    f'title="{text(title)}">{text(title)}</a><span class="date">2026-11-{day:02d}</span></li>')
        boxes += (f'<div class="box {key}"><div class="box-title"><h3>{text(name)}</h3>'
                  f'<a class="more" href="/xwzx/{key}/index.html">{text("更多")}&gt;&gt;</a></div>'
                  f'<ul class="list">{lis}</ul></div>')
    friends = "".join(f'<option value="{u}">{t}</option>' for u, t in FRIENDS)
    links = "".join(f'<a href="{u}" target="_blank">{t}</a>' for u, t in FRIENDS)
    if one_spam_host:  # one friendly-looking link among the others: below the count, but on the spam lists
        links += '<a href="https://www.hg0088.me/" target="_blank">合作网站</a>'
    if central:  # a new block of links to central platforms (the hidden-link check's trusted hosts too)
        links += "".join(f'<a href="https://{h}/" target="_blank">{t}</a>' for h, t in [
            ("www.xuexi.cn", "学习强国"), ("www.12306.cn", "中国铁路12306"), ("www.youth.cn", "中国青年网"),
            ("www.chinanews.com.cn", "中国新闻网")])
    spam = ""
    if injected:
        spam = ('<div style="position:absolute;left:-9999px;top:-9999px">'
                + "".join(f'<a href="https://{d}/">{t}</a>' for d, t in [
                    ("www.am-casino88.com", "澳门赌场"), ("www.bet365-cn.net", "体育投注"),
                    ("dafa888.vip", "大发娱乐"), ("www.fapiao-daikai.cc", "代开发票"),
                    ("www.hg0088.me", "皇冠网址")]) + "</div>")
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>示例县人民政府</title>'
            f'<meta name="SiteName" content="示例县人民政府"><meta name="SiteIDCode" content="1504000001"></head><body>'
            f'<div class="topbar"><span class="clock">今天是2026年11月{18 + week % 3}日 星期五</span>'
            f'<a href="/wza/index.html">{text("无障碍")}</a></div>'
            f'<div class="header"><img src="/images/logo.png" alt="示例县人民政府"><ul class="nav">{nav}</ul></div>'
            f'<div class="banner"><img src="/images/banner{week % 3}.jpg" alt="{text("坚持以人民为中心")}"></div>'
            f'<div class="main">{boxes}</div>{spam}'
            f'<div class="friend-links"><h3>{text("友情链接")}</h3><select>{friends}</select>{links}</div>'
            f'<div class="footer"><p>{text("主办单位：示例县人民政府办公室")}　{text("承办单位：示例县政务服务中心")}</p>'
            f'<p>{text("地址：示例县政府路1号")}　网站标识码：1504000001　访问量：{31245 + week * 977}</p>'
            '<p><a href="https://beian.miit.gov.cn/">蒙ICP备05001234号</a></p></div></body></html>')


class Portal(BaseHTTPRequestHandler):
    home = home_page(0)

    def do_GET(self):  # noqa: N802
        body = (Portal.home if self.path in ("/", "/index.html") else "").encode("utf-8")
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def audit(port: int, out, history) -> dict:
    result = run_cli("audit", f"http://127.0.0.1:{port}/", "--out", str(out), "--max-depth", "0", "--only", "content,identity",
                     "--format", "json", "--history", str(history), *FAST)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads((out / "results.json").read_text("utf-8"))["sites"][0]


@pytest.mark.parametrize("change,expected", [
    ("news", None),
    ("central", None),
    ("defaced", "text_changed"),
    ("injected", "new_offsite_domains"),
    ("one-spam-host", "spam_domains"),
])
def test_home_page_changes_between_two_audits(tmp_path, change, expected) -> None:
    history = tmp_path / "history.sqlite"
    Portal.home = home_page(0)
    with local_server(Portal) as port:
        first = audit(port, tmp_path / "run1", history)
        assert first["outcomes"]["content.home-changed"]["status"] == "not-applicable"
        assert "a first run" in first["outcomes"]["content.home-changed"]["reason_en"]
        assert len(json.dumps(first["home_snapshot"])) < 4096
        Portal.home = home_page(1, defaced=change == "defaced", injected=change == "injected",
                                one_spam_host=change == "one-spam-host", central=change == "central")
        second = audit(port, tmp_path / "run2", history)
    found = [f for f in second["findings"] if f["check"] == "content.home-changed"]
    if expected is None:
        assert found == [] and second["outcomes"]["content.home-changed"]["status"] == "passed"
        return
    assert len(found) == 1
    data = found[0]["data"]
    assert data["review"] is True and data["template_similarity"] >= 0.6
    if expected == "text_changed":
        assert data["text_changed"] >= 0.5 and data["new_offsite_domains"] == []
    elif expected == "spam_domains":  # one new host, fewer than the 3 a block needs, but on the spam lists
        assert data["new_offsite_domains"] == data["spam_domains"] == ["hg0088.me"]
        assert "hg0088" in found[0]["message"]
    else:
        assert data["new_offsite_domains"] == ["am-casino88.com", "bet365-cn.net", "dafa888.vip",
                                               "fapiao-daikai.cc", "hg0088.me"]
        assert data["text_changed"] < 0.5
    assert found[0]["message"].startswith("需人工复核")


def test_without_history_the_check_has_nothing_to_compare(tmp_path) -> None:
    Portal.home = home_page(0)
    with local_server(Portal) as port:
        result = run_cli("audit", f"http://127.0.0.1:{port}/", "--out", str(tmp_path), "--max-depth", "0",
                         "--only", "content.home-changed,identity", "--format", "json", "--no-history", *FAST)
    assert result.returncode == 0, result.stderr[-2000:]
    site = json.loads((tmp_path / "results.json").read_text("utf-8"))["sites"][0]
    assert site["outcomes"]["content.home-changed"]["status"] == "not-applicable"
    assert "--no-history" in site["outcomes"]["content.home-changed"]["reason_en"]


# ---------------------------------------------------------------------------------------- sketches, store
def test_sketch_estimates_match_the_exact_shares() -> None:
    from checks.content.home import _sketch

    before = {f"line {n}" for n in range(400)}
    after = {f"line {n}" for n in range(100, 500)}  # a quarter gone, as many new
    estimate = kept_share(_sketch(before), _sketch(after))
    assert abs(estimate - 0.75) < 0.12
    assert abs(similarity(_sketch(before), _sketch(after)) - 0.6) < 0.12
    assert kept_share(_sketch({"a", "b"}), _sketch({"a", "c"})) == 0.5
    assert kept_share("", _sketch({"a"})) == 1.0


def test_a_schema_1_history_store_gains_snapshots_and_hands_the_latest_back(tmp_path) -> None:
    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)  # a store as auditcli wrote it before home snapshots
    old.executescript("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                      "INSERT INTO meta VALUES ('schema_version', '1');"
                      "CREATE TABLE runs (run_id TEXT PRIMARY KEY, seq INTEGER NOT NULL, started_at TEXT, "
                      "finished_at TEXT, as_of TEXT, profile TEXT, audit_name TEXT, recorded_at TEXT NOT NULL);"
                      "INSERT INTO runs VALUES ('r0', 1, '2026-10-01T00:00:00+00:00', NULL, '2026-10-01', "
                      "'cn-gov-2019', 'x', '2026-10-01');")
    old.commit()
    old.close()
    store = HistoryStore(path)
    assert store.previous_home_snapshots(["county"]) == {}
    for n, as_of in enumerate(["2026-11-13", "2026-11-20"]):
        store.record({"run": {"id": f"r{n + 1}", "started_at": f"{as_of}T00:00:00+00:00", "as_of": as_of},
                      "sites": [{"id": "county", "findings": [], "home_snapshot": {"url": "http://x.gov.cn/",
                                                                                   "text": f"0000000{n}"}}]})
    latest = store.previous_home_snapshots(["county", "town"])
    assert list(latest) == ["county"]
    assert latest["county"]["run_id"] == "r2" and latest["county"]["snapshot"]["text"] == "00000001"
    version = sqlite3.connect(path).execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]
    assert version == str(SCHEMA_VERSION) == "2"
