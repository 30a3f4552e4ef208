"""The structure the code promises: one-way layers, no import cycles, one vocabulary, check outcomes, one parse
per page."""

from __future__ import annotations

import ast
import csv
import functools
import io
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from auditcli.core.models import SiteConfig
from auditcli.core.vocabulary import COUNTED_SEVERITIES, SEVERITIES, SEVERITY
from auditcli.stores.pagestore import PageStore
from auditcli.stores.results import schema
from checks.engine import siteview
from checks.engine.registry import all_checks
from checks.engine.runner import run_site
from reports.writers import sarif_log, sites_csv
from tests.conftest import DEMO_AS_OF, ROOT, run_cli

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("auditcli", "spiders", "checks", "reports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(root), "PATH": str(LINT_IMPORTS.parent)})


def test_the_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "3 kept, 0 broken" in result.stdout


def lint_with(tmp_path: Path, module: str, line: str) -> subprocess.CompletedProcess:
    """import-linter over a copy of the tree with `line` added to `module` (a path under the root)."""
    for name in PACKAGES:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    path = tmp_path / module
    path.write_text(path.read_text("utf-8") + f"\n{line}\n", "utf-8")
    return lint_imports(tmp_path)


def test_a_wrong_way_import_breaks_the_layers_contract(tmp_path):
    result = lint_with(tmp_path, "checks/engine/registry.py", "import reports.scoring  # a check reaching into scoring")
    assert result.returncode != 0
    assert "checks.engine.registry -> reports.scoring" in result.stdout


def test_a_dimension_importing_another_breaks_the_dimensions_contract(tmp_path):
    result = lint_with(tmp_path, "checks/identity/__init__.py", "import checks.security  # one dimension reading another")
    assert result.returncode != 0
    assert "checks.identity -> checks.security" in result.stdout
    assert "2 kept, 1 broken" in result.stdout


def test_the_engine_importing_a_dimension_breaks_the_engine_contract(tmp_path):
    result = lint_with(tmp_path, "checks/engine/columnmodel.py", "import checks.freshness  # the engine reading a dimension")
    assert result.returncode != 0
    assert "checks.engine is not allowed to import checks.freshness" in result.stdout


def test_every_check_lives_in_the_package_of_its_id():
    """`tls.*` in checks/security/tls.py, `network.no-ipv6` in checks/network, `columns.*` in checks/columns:
    a check id's prefix names the package that holds it (a11y and axe are the accessibility package's, language.* the languages package's)."""
    from checks.engine.registry import all_checks

    home = {"a11y": "a11y", "axe": "a11y", "language": "languages", "tls": "security", "http": "security",
            "login": "security", "privacy": "content", "coverage": "links"}
    misplaced = []
    for spec in all_checks():
        prefix = spec.id.split(".")[0]
        package = home.get(prefix, prefix)
        module = spec.function.__module__
        if not (module == f"checks.{package}" or module.startswith(f"checks.{package}.")):
            misplaced.append((spec.id, module))
        if prefix in ("tls", "http", "login") and module != f"checks.security.{prefix}":
            misplaced.append((spec.id, module))
    assert misplaced == []


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """module -> the modules of `package` it imports. Every import statement counts, at module level or
    inside a function (a deferred import still ties the two modules together); `from pkg import name`
    is an import of the submodule pkg.name when there is one, else of pkg."""
    modules: dict[str, Path] = {}
    for path in (root / package).rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        imported: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = ".".join(here[:len(here) - node.level + 1] + [node.module or ""]) if node.level else node.module
                base = (base or "").strip(".")
                subs = [f"{base}.{alias.name}" for alias in node.names]
                targets = [sub for sub in subs if sub in modules]
                if len(targets) < len(subs):
                    targets.append(base)
            else:
                continue
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    imported.add(target)
        graph[name] = imported
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each a cycle or knot of them."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(graph[module]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while (top := stack.pop()) != module:
                component.append(top)
            if component:
                cycles.append(sorted([module, *component]))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


def test_no_package_has_an_import_cycle():
    for package in PACKAGES:
        graph = import_graph(ROOT, package)
        assert len(graph) > 3, package
        assert import_cycles(graph) == [], f"{package}: modules importing each other"


def test_a_deferred_import_back_is_a_cycle(tmp_path):
    shutil.copytree(ROOT / "spiders", tmp_path / "spiders", ignore=shutil.ignore_patterns("__pycache__"))
    settings = tmp_path / "spiders" / "settings.py"
    settings.write_text(settings.read_text("utf-8") + "\n\ndef _late():\n    from . import run  # noqa\n", "utf-8")
    cycles = import_cycles(import_graph(tmp_path, "spiders"))
    assert any({"spiders.run", "spiders.settings"} <= set(cycle) for cycle in cycles), cycles


def test_the_vocabulary_is_the_only_list_of_severities():
    assert schema()["$defs"]["severity"]["enum"] == list(SEVERITIES)
    assert SEVERITY["critical"].sarif_level == SEVERITY["high"].sarif_level == "error"
    assert "critical" in COUNTED_SEVERITIES and "info" not in COUNTED_SEVERITIES


def _results_with(severity: str) -> dict:
    finding = {"fingerprint": "f1", "check": "x.y", "dimension": "links", "severity": severity,
               "url": "http://127.0.0.1/", "message": "m", "selector": None, "evidence": None, "refs": [], "fix": ""}
    site = {"id": "s", "name": "S", "url": "http://127.0.0.1/", "status": "ok", "score": 50, "verdict": "fail",
            "dimensions": {"links": {"status": "assessed", "score": 50, "findings": 1}}, "findings": [finding]}
    checks = {"x.y": {"dimension": "links", "severity": severity, "refs": [], "title": {"zh": "t", "en": "t"},
                      "fix": {"zh": "", "en": ""}}}
    return {"schema": "auditcli.results/v1", "run": {"as_of": "2026-11-20"}, "checks": checks, "sites": [site]}


def test_a_critical_finding_is_an_error_in_sarif_and_has_a_column_in_sites_csv():
    results = _results_with("critical")
    sarif = sarif_log(results)
    assert sarif["runs"][0]["results"][0]["level"] == "error"
    assert sarif["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"] == "error"
    rows = list(csv.DictReader(io.StringIO(sites_csv(results))))
    assert rows[0]["critical"] == "1" and rows[0]["high"] == "0"


def test_a_plugin_dimension_reaches_results_html_csv_junit_and_sarif(demo_audit, tmp_path):
    out = tmp_path / "out"
    result = run_cli("check", str(demo_audit.out / "crawl"), "--out", str(out), "--format", "html,csv,junit,sarif",
                     "--no-history", "--quiet", env={"AUDITCLI_PLUGINS": "tests.plugins.extra_dimension"})
    assert result.returncode in (0, 1), result.stderr[-2000:]
    results = json.loads((out / "results.json").read_text("utf-8"))
    assert results["dimensions"]["policy"]["title"] == {"zh": "政策告知", "en": "Policies"}
    county = next(s for s in results["sites"] if s["id"] == "county")
    assert county["dimensions"]["policy"]["status"] == "assessed"
    # the profile's catch-all severity rule applies to a dimension it never named: 2 of the cap of 10
    assert county["dimensions"]["policy"]["score"] == 80.0
    assert any(f["check"] == "policy.privacy-missing" and f["dimension"] == "policy" for f in county["findings"])
    assert county["outcomes"]["policy.privacy-missing"] == {"status": "failed"}
    assert "政策告知" in (out / "report.html").read_text("utf-8")
    header = next(csv.reader(io.StringIO((out / "sites.csv").read_text("utf-8-sig"))))
    assert "score_policy" in header and "critical" in header
    junit = ET.parse(out / "junit.xml")
    case = junit.find(".//testcase[@classname='county.policy'][@name='policy.privacy-missing']")
    assert case is not None and case.find("failure") is not None
    sarif = json.loads((out / "results.sarif").read_text("utf-8"))
    assert any(r["ruleId"] == "policy.privacy-missing" and r["level"] == "error" for r in sarif["runs"][0]["results"])


def test_a_check_without_its_probe_is_not_judged_and_skipped_in_junit(demo_audit, tmp_path):
    crawl = tmp_path / "crawl"
    shutil.copytree(demo_audit.out / "crawl", crawl)
    with sqlite3.connect(crawl / PageStore.FILENAME) as db:
        db.execute("DELETE FROM meta WHERE key LIKE 'probe:ipv6:%'")
    out = tmp_path / "out"
    result = run_cli("check", str(crawl), "--out", str(out), "--format", "junit", "--no-history", "--quiet")
    assert result.returncode in (0, 1), result.stderr[-2000:]
    results = json.loads((out / "results.json").read_text("utf-8"))
    for site in results["sites"]:
        if site["verdict"] == "not-assessed" or site["status"] == "unreachable":
            continue  # judged nothing (the county's dead township)
        outcome = site["outcomes"]["network.no-ipv6"]
        assert outcome["status"] == "not-judged" and "ipv6" in outcome["reason_en"]
    case = ET.parse(out / "junit.xml").find(".//testcase[@classname='county.identity'][@name='network.no-ipv6']")
    assert case is not None and case.find("skipped") is not None, "a check that judged nothing is no pass"


def test_every_page_is_parsed_once_per_run(demo_audit, monkeypatch):
    parses: Counter[str] = Counter()
    original = siteview.Page.tree.func

    def counting(page):
        parses[page.final_url] += 1
        return original(page)

    counted = functools.cached_property(counting)
    counted.__set_name__(siteview.Page, "tree")
    monkeypatch.setattr(siteview.Page, "tree", counted)
    store = demo_audit.store
    specs = all_checks()
    for row in store.sites():
        config = SiteConfig.from_dict(row["config"])
        site = siteview.SiteView(config, store, DEMO_AS_OF)
        if site.homepage is None:
            continue
        parses.clear()
        run_site(site, specs)
        pages = sum(1 for _ in site.pages())
        extra = sum(parses.values()) - pages
        # the page pass parses each page once; only the home page (and a doorway's, a host portal's footer)
        # and a few language-version pages are read whole again by the site checks
        assert extra <= 12, f"{config.id}: {extra} parses beyond one per page"
        assert max(parses.values()) <= 3, f"{config.id}: {parses.most_common(1)}"


def test_pages_are_read_from_lxml_tree_only():
    """One tree per page, lxml's (auditcli.core.tree): no product module builds BeautifulSoup's any more."""
    offenders = [str(path.relative_to(ROOT)) for package in ("auditcli", "checks", "spiders", "reports")
                 for path in (ROOT / package).rglob("*.py")
                 if re.search(r"^\s*(from bs4 |import bs4)", path.read_text("utf-8"), re.M)]
    assert offenders == []


def test_checks_declare_known_needs():
    for spec in all_checks():
        assert all(need.split(":")[0] in ("pages", "links", "not_scanned", "probe", "analysis") for need in spec.needs)


def test_no_code_or_doc_points_outside_the_repository():
    outside = "../" + "shared"  # the product's contract folder beside the repository, never shipped
    offenders = []
    for path in ROOT.rglob("*"):
        if ".venv" in path.parts or ".git" in path.parts or not path.is_file():
            continue
        if path.suffix in (".py", ".md", ".yaml", ".j2", ".toml", ".cfg") and outside in path.read_text("utf-8", "ignore"):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_commands_sharing_an_option_declare_it_once():
    """audit, crawl and check take their shared options from one declaration (auditcli/app/flags.py): the
    same flag has the same names, help, default and bounds in every command that has it."""
    import typer.main

    from auditcli.app.cli import app

    commands = {name: typer.main.get_command(app).commands[name] for name in ("audit", "crawl", "check")}
    seen: dict[str, dict] = {}
    for name, command in commands.items():
        for param in command.params:
            if param.name == "as_of" or param.param_type_name != "option":
                continue  # check's --as-of defaults to the crawl's date, and says so
            info = {"opts": param.opts, "secondary": param.secondary_opts, "help": param.help,
                    "default": param.default, "bounds": (param.min, param.max), "envvar": param.envvar}
            assert seen.setdefault(param.name, info) == info, f"{name} --{param.name} differs"
    crawl_flags = {p.name for p in commands["crawl"].params} - {"targets"}
    assert crawl_flags <= {p.name for p in commands["audit"].params}
    judge_flags = {"only", "skip", "profile", "formats", "lang", "fail_under", "max_new", "baseline", "fail_on_veto",
                   "history", "no_history"}
    assert judge_flags <= {p.name for p in commands["check"].params} & {p.name for p in commands["audit"].params}
