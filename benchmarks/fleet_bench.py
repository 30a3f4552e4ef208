"""Fleet benchmark: the whole audit against a bare Scrapy spider over a generated farm of portals.

    .venv/bin/python benchmarks/fleet_bench.py                  # 50 sites, ~10,400 pages (+ a 1k run)
    .venv/bin/python benchmarks/fleet_bench.py --sites 5        # a quick look (~1,000 pages)
    .venv/bin/python benchmarks/fleet_bench.py --demo           # the bundled demo farm instead
    .venv/bin/python benchmarks/fleet_bench.py --page-kb 0      # the builders' own ~2 KB pages
    .venv/bin/python benchmarks/fleet_bench.py --reaudit 0.01   # a weekly re-audit, 1 % of the pages changed (~2 min)

Every HTML page is padded to ~40 KB by default (`--page-kb`), the median of real county portals: an
inline `<style>`, menu and statistics scripts, a 网站群 `<select>` of 150 government sites and TRS
comments, in `<head>` and in the footer box only, so no finding moves (benchmarks/page_padding.py,
tests/test_fleet_bench.py).

The farm is built with the demo farm's builders (`auditcli/demo`): each site has TRS columns (script
pagers, `./YYYYMM/tYYYYMMDD_N.html` articles), Hanweb columns (`<datastore>` CDATA records,
`/art/Y/m/d/` articles), a home page, static pages and an identity footer; every fourth site is
GBK. Each site is its own nginx virtual server on 127.0.0.1 (its own port, so its own politeness
slot), so serving costs the crawlers little CPU (Python's http.server when nginx is absent).

Measured in one run, each in a fresh process (the Twisted reactor runs once per process):
(a) a bare Scrapy spider (`benchmarks/bare_spider.py`), (b) `auditcli crawl`, (c) `auditcli audit`
with every check, (d) `auditcli check` on the stored crawl of (c); then (c) again on the first tenth
of the sites (~1,000 pages) for the RSS ratio. Peak RSS is sampled every 0.1 s over the command's
whole process tree (the check workers too, their shared pages counted in each: an upper bound).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AS_OF = date(2026, 11, 20)
# Runs an auditcli command and prints what it fetched, how long it took and its peak RSS.
AUDITCLI = """
import pathlib, resource, sys, time
from auditcli.app.cli import app
started = time.perf_counter()
try:
    app(sys.argv[1:], standalone_mode=False)
finally:
    seconds = time.perf_counter() - started
    from auditcli.stores.pagestore import PageStore
    out = pathlib.Path(sys.argv[sys.argv.index('--out') + 1])
    crawl = out / 'crawl' if (out / 'crawl').is_dir() else out
    if sys.argv[1] == 'check':
        crawl = pathlib.Path(sys.argv[2])
    store = PageStore.open_existing(crawl)
    pages = store.db.execute('SELECT COUNT(*) FROM pages').fetchone()[0]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    own = usage.ru_maxrss / 1024
    print(f"AUDITCLI pages={pages} seconds={seconds:.2f} rss_mb={own:.1f} own_mb={own:.1f} "
          f"cpu={usage.ru_utime + usage.ru_stime:.2f}")
"""
# Runs `auditcli worker` and prints how many responses it handled and the CPU it used.
WORKER = """
import resource, sys, time
from spiders.distributed import run_worker
started = time.perf_counter()
handled = run_worker(sys.argv[1], sys.argv[2], 60)
usage = resource.getrusage(resource.RUSAGE_SELF)
print(f"WORKER responses={handled} seconds={time.perf_counter() - started:.2f} "
      f"cpu={usage.ru_utime + usage.ru_stime:.2f} rss_mb={usage.ru_maxrss / 1024:.1f}")
"""
FAST = ["--delay", "0", "--per-host", "4", "--per-ip", "16", "--timeout", "5", "--max-pages", "500",
        "--as-of", AS_OF.isoformat(), "--quiet"]


# -- the farm ----------------------------------------------------------------------------------
def build_site(ctx, number: int):
    """One portal of the fleet, built like the demo farm's sites (TRS and Hanweb columns, GBK)."""
    from auditcli.demo import templates as T
    from auditcli.demo.builder import SiteBuilder
    from auditcli.demo.sites.common import NEWS_TOPICS, NOTICE_TOPICS, POLICY_TOPICS, footer, items

    server = f"s{number:02d}"
    name = f"第{number}镇人民政府"
    encoding = "gbk" if number % 4 == 3 else "utf-8"
    sb = SiteBuilder(ctx, server, server, encoding=encoding, source=name + "党政办")
    columns = [("工作动态", "news", NEWS_TOPICS, 1 + number % 20), ("通知公告", "notice", NOTICE_TOPICS, 5),
               ("政策文件", "policy", POLICY_TOPICS, 30), ("部门动态", "news", NEWS_TOPICS, 3),
               ("乡镇动态", "news", NEWS_TOPICS, 40), ("人事信息", "personnel", NOTICE_TOPICS, 60),
               ("财政预决算", "finance", POLICY_TOPICS, 90), ("规划计划", "planning", POLICY_TOPICS, 200)]
    hanweb = {1, 5} if number % 2 else set()
    nav = [("/index.html", "首页")] + [
        (f"/col/col{k}/index.html" if k in hanweb else f"/c{k}/index.html", title)
        for k, (title, *_rest) in enumerate(columns)]
    foot = footer(org=name, site_code=f"15{number:08d}", icp=f"蒙ICP备05{number:06d}号",
                  police=f"蒙公网安备 150{number:011d}号", conac_id=f"15{number:017d}",
                  jiucuo_code=f"15{number:08d}", year=AS_OF.year, address=f"示例县第{number}镇人民路{number}号",
                  copyright_sign=encoding != "gbk")  # © is not in GBK

    def layout(title, content, *, metas=None, lang="zh-CN", charset=encoding):
        return T.document(title if title == name else f"{title} {name}",
                          f'<div class="header"><h1>{name}</h1></div>{T.nav(nav)}<div class="main">{content}'
                          f"</div>{foot}", metas=metas, lang=lang, charset=charset)

    sb.layout = layout
    newest = []
    for k, (title, category, topics, age) in enumerate(columns):
        column_items = items(topics, ctx.ago(age), 3, 24)
        if k in hanweb:
            sb.column(title, f"/col/col{k}/", category, column_items, style="hanweb", url_style="hanweb")
        else:
            # plain page-number links beside the TRS script pager, so the bare spider paginates too
            extra = '<div class="pages">' + "".join(f'<a href="index_{n}.html">{n + 1}</a>' for n in (1,)) + "</div>"
            sb.column(title, f"/c{k}/", category, column_items, list_extra=extra)
        newest += column_items[:2]
    for path, title in (("/zjgk/index.html", "镇情概况"), ("/ldxx/index.html", "领导信息")):
        sb.static_page(path, title, [f"{name}位于示例县，辖12个村。"])
    lis = "".join(T.list_item(i.path, i.title, f"{i.date:%Y-%m-%d}") for i in newest)
    sb.html("/index.html", name, f'<div class="block"><ul class="list">{lis}</ul></div>'
            '<a href="/zjgk/index.html">镇情概况</a><a href="/ldxx/index.html">领导信息</a>',
            metas={"SiteName": name, "SiteDomain": ctx.base(server).split("://")[1], "SiteIDCode": f"15{number:08d}"})
    return sb.finish(config={"id": server, "name": name, "level": "township", "url": sb.url("/")}, key={})


def farm_page_kb(root: Path) -> float:
    """Mean size of the farm's HTML pages, in KB."""
    sizes = [path.stat().st_size for path in root.rglob("*.html")]
    return sum(sizes) / len(sizes) / 1024 if sizes else 0.0


def free_ports(count: int) -> list[int]:
    sockets = []
    for _ in range(count):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sockets.append(sock)
    ports = [s.getsockname()[1] for s in sockets]
    for sock in sockets:
        sock.close()
    return ports


def write_farm(root: Path, sites: int, page_kb: int = 0) -> tuple[list[dict], dict[str, tuple[int, str]]]:
    """Every site's files under root/<server>/ (the Hanweb data proxy by column id); returns configs.

    `page_kb` > 0 pads every HTML page to ~that many KB with template furniture (benchmarks/page_padding.py)."""
    import json
    from urllib.parse import parse_qs, urlsplit

    from auditcli.demo.model import Ctx
    from auditcli.demo.server import MANIFEST

    ports = free_ports(sites)
    ctx = Ctx(as_of=AS_OF, base_urls={f"s{n:02d}": f"http://127.0.0.1:{ports[n]}/" for n in range(sites)})
    configs, encodings = [], {}
    for number in range(sites):
        build = build_site(ctx, number)
        docroot = root / build.server
        manifest = {}
        for path, spec in build.pages.items():
            if "?" in path:  # the Hanweb data proxy: one file per column id (nginx: $arg_columnid)
                rel = f"_q/dp-{parse_qs(urlsplit(path).query)['columnid'][0]}.xml"
                manifest[path] = {"status": 200, "file": rel, "content_type": "text/xml; charset=utf-8"}
            else:
                rel = path.lstrip("/") + ("index.html" if path.endswith("/") else "")
            target = docroot / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(page_bytes(spec, page_kb, number))
        (docroot / MANIFEST).write_text(json.dumps(manifest), "utf-8")
        configs.append(build.config)
        encodings[build.server] = ports[number], ("gbk" if number % 4 == 3 else "utf-8")
    return configs, encodings


def page_bytes(spec, page_kb: int, seed: int) -> bytes:
    """The bytes a fleet server sends for one page: HTML pages padded to ~page_kb KB (0: as built)."""
    from benchmarks.page_padding import pad_html

    if page_kb <= 0 or not isinstance(spec.body, str) or not spec.content_type.startswith("text/html"):
        return spec.body_bytes()
    return pad_html(spec.body, page_kb, seed=seed, encoding=spec.encoding).encode(spec.encoding)


def start_nginx(root: Path, servers: dict[str, tuple[int, str]]) -> subprocess.Popen | None:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        return None
    blocks = "".join(
        f"server {{ listen 127.0.0.1:{port}; root {root / sid}; charset {charset}; "
        "location = /module/web/jpage/dataproxy.jsp { default_type text/xml; try_files /_q/dp-$arg_columnid.xml =404; } "
        "location / { try_files $uri $uri/ =404; } }\n"
        for sid, (port, charset) in servers.items())
    conf = root / "nginx.conf"
    conf.write_text(
        f"daemon off; worker_processes 1; pid {root / 'nginx.pid'}; error_log {root / 'error.log'} crit;\n"
        "events { worker_connections 1024; }\n"
        f"http {{ access_log off; default_type text/html; types {{ text/html html; text/xml xml; }}\n"
        f"client_body_temp_path {root / 'tmp'}; proxy_temp_path {root / 'tmp'}; fastcgi_temp_path {root / 'tmp'};\n"
        f"uwsgi_temp_path {root / 'tmp'}; scgi_temp_path {root / 'tmp'};\n"
        f"{blocks}}}\n", "utf-8")
    process = subprocess.Popen([nginx, "-c", str(conf), "-p", str(root)], stderr=subprocess.DEVNULL)
    port = next(iter(servers.values()))[0]
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("nginx did not start")


def start_python_servers(root: Path, servers: dict[str, tuple[int, str]]) -> list:
    from auditcli.demo.server import DemoHTTPServer

    running = []
    import threading

    for sid, (port, _charset) in servers.items():
        server = DemoHTTPServer(("127.0.0.1", port))
        server.load(root / sid)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        running.append(server)
    return running


# -- measuring ---------------------------------------------------------------------------------
def sample_tree(pid: int, cpu: dict[int, float]) -> float:
    """One look at a process and all its descendants: their RSS now, in MB (shared pages counted in each:
    an upper bound), and the CPU seconds each has used so far noted in `cpu` (pid -> seconds; a process
    that ends is counted at its last sample, so its last 0.1 s may be missed)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for current in _tree(pid):
        try:
            with open(f"/proc/{current}/status") as status:
                total += next((int(line.split()[1]) for line in status if line.startswith("VmRSS")), 0)
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            cpu[current] = (int(fields[11]) + int(fields[12])) / tick
        except (OSError, ValueError, IndexError):
            continue
    return total / 1024


def _tree(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            for task_dir in Path(f"/proc/{current}/task").iterdir():
                stack += [int(child) for child in (task_dir / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def run(cmd: list[str]) -> dict[str, float]:
    """Run a measured command; its peak RSS is sampled over its whole process tree (check workers too),
    and so is its CPU time (the crawl, the check workers, TLS scans)."""
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    peak = 0.0
    cpu: dict[int, float] = {}
    while process.poll() is None:
        peak = max(peak, sample_tree(process.pid, cpu))
        time.sleep(0.1)
    stdout, stderr = process.communicate()
    lines = [line for line in stdout.splitlines() if line.startswith(("AUDITCLI", "BARE"))]
    if not lines:
        raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{stderr[-3000:]}")
    figures = {k: float(v) for k, v in (part.split("=") for part in lines[-1].split()[1:])}
    figures["tree_mb"] = max(peak, figures.get("own_mb", figures["rss_mb"]))
    figures["tree_cpu"] = sum(seconds for pid, seconds in cpu.items() if pid != process.pid) + figures.get("cpu", 0)
    return figures


def auditcli(*args: str) -> dict[str, float]:
    return run([sys.executable, "-c", AUDITCLI, *args])


def line(label: str, figures: dict[str, float], baseline: dict[str, float] | None = None) -> str:
    rate = figures["pages"] / figures["seconds"]
    ratio = f"  {rate / (baseline['pages'] / baseline['seconds']):.2f}× (a)" if baseline else ""
    own = figures.get("own_mb", figures["rss_mb"])
    return (f"{label:<34} pages={int(figures['pages']):>6}  {figures['seconds']:7.1f} s  {rate:7.1f} pages/s  "
            f"peak RSS {figures['tree_mb']:6.1f} MB (main process {own:.0f}){ratio}")


def write_sites(path: Path, configs: list[dict]) -> Path:
    import yaml

    path.write_text(yaml.safe_dump({"audit": {"name": "fleet benchmark"}, "sites": configs},
                                   allow_unicode=True, sort_keys=False), "utf-8")
    return path


def measure(tmp: Path, configs: list[dict], small: int, extra: list[str], only: str = "abcd") -> None:
    sites_file = write_sites(tmp / "sites.yaml", configs)
    bare = run([sys.executable, str(ROOT / "benchmarks" / "bare_spider.py"), str(sites_file), "500"])
    print(line("(a) bare Scrapy spider", bare), flush=True)
    ratios = {}
    if "b" in only:
        ratios["(b)/(a)"] = crawled = auditcli("crawl", str(sites_file), "--out", str(tmp / "crawl-only"), *FAST, *extra)
        print(line("(b) auditcli crawl", crawled, bare), flush=True)
    if "c" in only or "d" in only:
        ratios["(c)/(a)"] = audited = auditcli("audit", str(sites_file), "--out", str(tmp / "audit"), "--no-history",
                                               "--format", "html", *FAST, *extra)
        print(line("(c) auditcli audit (all checks)", audited, bare), flush=True)
    if "d" in only:
        checked = auditcli("check", str(tmp / "audit" / "crawl"), "--out", str(tmp / "check"), "--no-history",
                           "--format", "html", "--quiet", *extra_check(extra))
        print(line("(d) auditcli check (stored crawl)", checked, bare), flush=True)
    base_rate = bare["pages"] / bare["seconds"]
    for label, figures in ratios.items():
        print(f"{label} pages/s ratio: {figures['pages'] / figures['seconds'] / base_rate:.2f}")
    if small and small < len(configs) and "c" in only:
        small_file = write_sites(tmp / "sites-small.yaml", configs[:small])
        audited_small = auditcli("audit", str(small_file), "--out", str(tmp / "audit-small"), "--no-history",
                                 "--format", "html", *FAST, *extra)
        print(line(f"(c) auditcli audit, {small} sites", audited_small, None), flush=True)
        print(f"RSS ratio audit {int(audited['pages'])} pages / {int(audited_small['pages'])} pages: "
              f"{audited['tree_mb'] / audited_small['tree_mb']:.2f} (all processes), "
              f"{audited['own_mb'] / audited_small['own_mb']:.2f} (main process)")


def measure_distributed(tmp: Path, configs: list[dict], workers: int, extra: list[str]) -> None:
    """`auditcli audit --redis` with N local `auditcli worker`s against a redis-server of its own."""
    from auditcli.demo.redis_server import local_redis, redis_server_binary

    if redis_server_binary() is None:
        print("distributed: redis-server is not installed, skipped")
        return
    import redis

    with local_redis(tmp) as url:
        _measure_distributed(tmp, configs, workers, extra, url, redis.Redis.from_url(url))


def _measure_distributed(tmp: Path, configs: list[dict], workers: int, extra: list[str], url: str, client) -> None:
    sites_file = write_sites(tmp / "sites.yaml", configs)
    for count in range(1, workers + 1):
        job = f"bench{count}"
        cpu_before = client.info("cpu")
        coordinator = subprocess.Popen(
            [sys.executable, "-c", AUDITCLI, "audit", str(sites_file), "--out", str(tmp / job), "--no-history",
             "--format", "html", "--redis", url, "--job", job, *FAST, *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        started = [subprocess.Popen([sys.executable, "-c", WORKER, url, job], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, cwd=ROOT) for _ in range(count)]
        outputs = [process.communicate()[0] for process in started]
        coordinated, coordinator_err = coordinator.communicate()
        cpu_after = client.info("cpu")
        redis_cpu = sum(cpu_after[k] - cpu_before[k] for k in ("used_cpu_sys", "used_cpu_user"))
        lines = [line for line in coordinated.splitlines() if line.startswith("AUDITCLI")]
        if not lines:
            raise SystemExit(f"distributed audit failed:\n{coordinator_err[-3000:]}")
        audit = {k: float(v) for k, v in (part.split("=") for part in lines[-1].split()[1:])}
        print(line(f"(e) audit --redis, {count} worker{'s' if count > 1 else ''}", {**audit, "tree_mb": audit["rss_mb"]}),
              flush=True)
        for number, output in enumerate(outputs, 1):
            figures = dict(part.split("=") for part in next(
                (x for x in output.splitlines() if x.startswith("WORKER")), "WORKER responses=0 cpu=0").split()[1:])
            print(f"    worker {number}: {figures['responses']:>6} responses in {figures.get('seconds', '?')} s, "
                  f"CPU {figures['cpu']} s")
        print(f"    coordinator (store writes + checks in its worker processes): CPU {audit['cpu']:.1f} s "
              f"in its own process; redis-server CPU {redis_cpu:.1f} s", flush=True)


def measure_reaudit(tmp: Path, configs: list[dict], farm: Path, changed_share: float, extra: list[str]) -> None:
    """A scheduled re-audit (issue 25 item 4): audit with --history, change a share of the farm's HTML pages
    (a new body and mtime, as a CMS edit gives: nginx's ETag and Last-Modified move), audit again into the
    same --out. The second run asks conditionally, gets 304 for the unchanged pages and takes their
    judgements; what moved and what it cost is compared with the first run."""
    import json
    import sqlite3

    sites_file = write_sites(tmp / "sites.yaml", configs)
    args = ["audit", str(sites_file), "--out", str(tmp / "reaudit"), "--history", str(tmp / "history.sqlite"),
            "--format", "html", *FAST, *extra]

    def moved() -> str:
        db = sqlite3.connect(tmp / "reaudit" / "crawl" / "pages.sqlite")
        try:
            transfer = json.loads(db.execute("SELECT value FROM meta WHERE key = 'transfer'").fetchone()[0])
            judged = [json.loads(v) for (v,) in db.execute("SELECT value FROM meta WHERE key LIKE 'judged:%'")]
        finally:
            db.close()
        pages, reused = sum(j["pages"] for j in judged), sum(j["reused"] for j in judged)
        return (f"requests {transfer['requests']}, 304 {transfer['not_modified']}, "
                f"downloaded {transfer['response_bytes'] / 1e6:.1f} MB; pages judged again {pages - reused} of {pages}")

    first = auditcli(*args)
    print(line("(r1) audit --history, first run", first) + f"  CPU {first['cpu']:.0f} s main, "
          f"{first['tree_cpu'] - first['cpu']:.0f} s workers", flush=True)
    print(f"    {moved()}", flush=True)
    pages = sorted(farm.rglob("*.html"))
    step = max(1, round(1 / changed_share))
    later = time.time() + 120
    for path in pages[::step]:
        path.write_bytes(path.read_bytes().replace(b"</body>", b"<!-- edited --></body>", 1))
        os.utime(path, (later, later))
    print(f"changed {len(pages[::step])} of {len(pages)} HTML files", flush=True)
    second = auditcli(*args)
    print(line("(r2) the same audit a second time", second) + f"  CPU {second['cpu']:.0f} s main, "
          f"{second['tree_cpu'] - second['cpu']:.0f} s workers", flush=True)
    print(f"    {moved()}", flush=True)
    print(f"second run / first: wall time {second['seconds'] / first['seconds']:.2f}, "
          f"worker processes' CPU {(second['tree_cpu'] - second['cpu']) / max(first['tree_cpu'] - first['cpu'], 0.01):.2f}, "
          f"main process CPU {second['cpu'] / first['cpu']:.2f}")


def extra_check(extra: list[str]) -> list[str]:
    """Options of `audit` that `check` takes too (the crawl options are not among them)."""
    keep, out = {"--check-workers"}, []
    for k, value in enumerate(extra):
        if value in keep and k + 1 < len(extra):
            out += [value, extra[k + 1]]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=50, help="sites in the farm (~208 pages each)")
    parser.add_argument("--small", type=int, default=None, help="sites of the RSS comparison run (default: a tenth)")
    parser.add_argument("--demo", action="store_true", help="measure the bundled demo farm instead")
    parser.add_argument("--distributed", type=int, default=0, metavar="N",
                        help="also audit with --redis and 1..N local workers (needs redis-server)")
    parser.add_argument("--only-distributed", action="store_true", help="skip (a)-(d)")
    parser.add_argument("--only", default="abcd", metavar="LETTERS",
                        help="which of (b)-(d) to measure beside (a), e.g. 'c' (the RSS run needs c); default all")
    parser.add_argument("--page-kb", type=int, default=40, metavar="N",
                        help="pad every HTML page to ~N KB with template furniture (inline CSS and scripts, a 网站群 "
                             "select, CMS comments) as real county portals weigh (median ~39 KB); 0: the ~2 KB pages")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="work in DIR (a new directory) and keep it: the farm and the stored crawls (DIR/audit/crawl) stay")
    parser.add_argument("--python-servers", action="store_true", help="serve with Python's http.server, not nginx")
    parser.add_argument("--reaudit", type=float, default=0, metavar="SHARE",
                        help="instead of (a)-(d): audit twice with --history, SHARE of the HTML pages changed "
                             "between the runs (e.g. 0.01): what the conditional re-audit fetched and cost")
    parser.add_argument("extra", nargs="*", help="extra auditcli options after --, e.g. -- --check-workers 0")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start", flush=True)
    with tempfile.TemporaryDirectory(prefix="auditcli-fleet-") as name:
        tmp = Path(name) if args.keep is None else args.keep
        tmp.mkdir(parents=True, exist_ok=True)
        tmp.chmod(0o755)  # nginx's worker process may run as another user
        if args.demo:
            import yaml

            from auditcli.demo import DemoFarm

            with DemoFarm(as_of=AS_OF) as farm:
                configs = yaml.safe_load(farm.sites_file.read_text("utf-8"))["sites"]
                measure(tmp, configs, 0, args.extra)
            return
        started = time.perf_counter()
        configs, servers = write_farm(tmp / "farm", args.sites, args.page_kb)
        nginx = None if args.python_servers else start_nginx(tmp / "farm", servers)
        python_servers = start_python_servers(tmp / "farm", servers) if nginx is None else []
        print(f"farm: {len(configs)} sites written in {time.perf_counter() - started:.1f}s "
              f"({farm_page_kb(tmp / 'farm'):.1f} KB an HTML page on average, --page-kb {args.page_kb}), served by "
              f"{'nginx' if nginx else 'Python http.server'}", flush=True)
        try:
            if args.reaudit:
                measure_reaudit(tmp, configs, tmp / "farm", args.reaudit, args.extra)
            elif not args.only_distributed:
                measure(tmp, configs, args.small if args.small is not None else max(1, args.sites // 10), args.extra,
                        args.only)
            if args.distributed:
                measure_distributed(tmp, configs, args.distributed, args.extra)
        finally:
            if nginx is not None:
                nginx.terminate()
                nginx.wait()
            for server in python_servers:
                server.shutdown()
        print(f"load average {os.getloadavg()[0]:.2f} at the end (other processes share these cores)")


if __name__ == "__main__":
    main()
