"""Bad sites files are rejected before any network access: one message naming file, line and field; exit 2."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from auditcli.app.config import ConfigError, load_targets

GOOD = """\
audit:
  name: 示例县政府网站季度检查
  profile: cn-gov-2019
sites:
  - id: county
    name: 示例县人民政府
    level: county
    url: http://127.0.0.1:9/
    languages: [en, mn]
  - id: town-a
    name: 甲镇人民政府
    level: township
    parent: county
    url: http://127.0.0.1:9/xxgk/jiazhen/
    columns:
      - match: 乡镇动态
        max_age_days: 30
"""

# (name, file text, expected line, expected field fragment, expected message fragment)
BAD_FILES = [
    ("unknown-level", GOOD.replace("level: township", "level: city"), 12, "sites[1].level", "unknown level 'city'"),
    ("duplicate-id", GOOD.replace("id: town-a", "id: county"), 10, "sites[1].id", "duplicate site id 'county'"),
    ("missing-url", GOOD.replace("    url: http://127.0.0.1:9/xxgk/jiazhen/\n", ""), 10, "sites[1].url", "missing url"),
    ("unknown-parent", GOOD.replace("parent: county", "parent: city-hall"), 13, "sites[1].parent", "unknown parent 'city-hall'"),
    ("bad-yaml", GOOD.replace("    name: 甲镇人民政府\n", "    name: [甲镇\n"), None, None, "invalid YAML"),
    ("bad-url", GOOD.replace("http://127.0.0.1:9/xxgk/jiazhen/", "ftp://example.gov.cn/"), 14, "sites[1].url", "not an http(s) URL"),
    ("bad-language", GOOD.replace("[en, mn]", "[en, Mongolian]"), 9, "sites[0].languages", "'Mongolian' is not a BCP 47"),
    ("unknown-field", GOOD.replace("    level: county\n", "    levle: county\n"), 7, "sites[0].levle", "unknown field"),
    ("bad-max-age", GOOD.replace("max_age_days: 30", "max_age_days: -3"), 17, "max_age_days", "positive whole number"),
    ("sites-not-list", "sites:\n  county: http://127.0.0.1:9/\n", 1, "sites", "non-empty list"),
    ("self-parent", GOOD.replace("parent: county", "parent: town-a"), 13, "sites[1].parent", "own parent"),
    ("empty-file", "", 1, None, "expected a mapping"),
]


@pytest.mark.parametrize("name,text,line,field,message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_sites_file_is_rejected_with_file_line_and_field(tmp_path: Path, name, text, line, field, message):
    path = tmp_path / "sites.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_targets([str(path)])
    error = caught.value
    assert error.file == str(path)
    assert message in error.message
    if line is not None:
        assert error.line == line, str(error)
    if field is not None:
        assert field in (error.field or ""), str(error)


@pytest.mark.parametrize("name,text,line,field,message", BAD_FILES[:8], ids=[b[0] for b in BAD_FILES[:8]])
def test_cli_exits_2_with_one_clear_message_and_no_traceback(tmp_path: Path, cli, name, text, line, field, message):
    path = tmp_path / "sites.yaml"
    path.write_text(text, encoding="utf-8")
    # An unroutable port: if validation let the file through, the crawl would fail differently (exit 3).
    result = cli("audit", str(path), "--out", str(tmp_path / "out"), timeout=60)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert str(path) in result.stderr and message in result.stderr
    assert not (tmp_path / "out").exists(), "nothing may be crawled or written for a bad file"


def test_good_yaml_loads_with_overrides_and_scope():
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as handle:
        handle.write(GOOD)
    config = load_targets([handle.name])
    county, town = config.sites
    assert config.name == "示例县政府网站季度检查" and config.profile == "cn-gov-2019"
    assert county.languages == ("en", "mn") and county.is_host_root
    assert town.parent == "county" and town.columns[0].max_age_days == 30
    assert town.scope_prefix == "http://127.0.0.1:9/xxgk/jiazhen/"
    assert town.in_scope("http://127.0.0.1:9/xxgk/jiazhen/tzgg/index.html")
    assert not town.in_scope("http://127.0.0.1:9/xxgk/yizhen/index.html")
    assert county.in_scope("http://127.0.0.1:9/anything.html")


def test_csv_sites_file_with_line_numbers(tmp_path: Path):
    path = tmp_path / "sites.csv"
    path.write_text(textwrap.dedent("""\
        id,name,level,url,parent,languages
        county,示例县,county,http://127.0.0.1:9/,,en;mn
        town-a,甲镇,township,http://127.0.0.1:10/,county,
        """), encoding="utf-8")
    config = load_targets([str(path)])
    assert [s.id for s in config.sites] == ["county", "town-a"]
    assert config.sites[0].languages == ("en", "mn")
    path.write_text(path.read_text(encoding="utf-8").replace("township", "village"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_targets([str(path)])
    assert caught.value.line == 3 and "level" in caught.value.field


def test_plain_urls_are_one_site_each():
    config = load_targets(["http://127.0.0.1:9/", "http://127.0.0.1:9/bm/jyj/"])
    assert [s.id for s in config.sites] == ["127-0-0-1-9", "127-0-0-1-9-bm-jyj"]
    assert config.sites[1].scope_prefix.endswith("/bm/jyj/")


def test_missing_file_and_bad_as_of(tmp_path: Path, cli):
    result = cli("audit", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "o"), timeout=60)
    assert result.returncode == 2 and "no such file" in result.stderr
    result = cli("audit", "http://127.0.0.1:9/", "--as-of", "2026-13-40", "--out", str(tmp_path / "o"), timeout=60)
    assert result.returncode == 2 and "--as-of" in result.stderr and "Traceback" not in result.stderr


def test_nested_column_tree_sites_are_left_to_their_own_site():
    config = load_targets(["http://127.0.0.1:9/", "http://127.0.0.1:9/bm/jyj/"])
    county, dept = config.sites
    assert not county.in_scope("http://127.0.0.1:9/bm/jyj/zsks/index.html")
    assert county.in_scope("http://127.0.0.1:9/bm/other/index.html")
    assert dept.in_scope("http://127.0.0.1:9/bm/jyj/zsks/index.html")


def test_unwritable_out_directory_is_bad_input_before_any_crawl(tmp_path: Path, cli):
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    result = cli("audit", "http://127.0.0.1:9/", "--out", str(blocker), timeout=60)
    assert result.returncode == 2 and "--out" in result.stderr and "Traceback" not in result.stderr


def test_check_refuses_what_is_not_a_page_store_without_touching_it(tmp_path: Path, cli):
    import sqlite3

    not_sqlite = tmp_path / "sites.yaml"
    not_sqlite.write_text("sites: []\n", encoding="utf-8")
    other_db = tmp_path / "other.sqlite"
    with sqlite3.connect(other_db) as db:
        db.execute("CREATE TABLE t (x)")
    before = other_db.read_bytes()
    for target in (not_sqlite, other_db, tmp_path / "missing"):
        result = cli("check", str(target), "--out", str(tmp_path / "out"), timeout=60)
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert "page store" in result.stderr
    assert other_db.read_bytes() == before


@pytest.mark.parametrize("target,message", [
    ("http://127.0.0.1:99999/", "bad port"),
    ("HTTP://127.0.0.1:9/", None),          # schemes are case-insensitive: a URL, not a file name
])
def test_urls_on_the_command_line(target, message):
    if message is None:
        assert load_targets([target]).sites[0].url == target
    else:
        with pytest.raises(ConfigError, match=message):
            load_targets([target])


def test_a_directory_or_a_csv_row_with_extra_cells_is_bad_input(tmp_path: Path):
    with pytest.raises(ConfigError, match="not a file"):
        load_targets([str(tmp_path)])
    path = tmp_path / "sites.csv"
    path.write_text("id,url\ncounty,http://127.0.0.1:9/,surplus\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_targets([str(path)])
    assert caught.value.line == 2 and "cells" in caught.value.message


def test_a_plugin_that_cannot_be_imported_is_bad_input(cli, tmp_path: Path):
    result = cli("checks", env={"AUDITCLI_PLUGINS": "no_such_plugin_module"}, timeout=60)
    assert result.returncode == 2 and "no_such_plugin_module" in result.stderr and "Traceback" not in result.stderr


def test_a_column_tree_url_without_trailing_slash_is_not_widened_to_its_parent():
    town = load_targets(["http://127.0.0.1:9/xxgk/jiazhen"]).sites[0]
    assert town.scope_prefix == "http://127.0.0.1:9/xxgk/jiazhen/"
    assert not town.in_scope("http://127.0.0.1:9/xxgk/yizhen/index.html")
    assert town.in_scope("http://127.0.0.1:9/xxgk/jiazhen")
    page = load_targets(["http://127.0.0.1:9/xxgk/jiazhen/index.html"]).sites[0]
    assert page.scope_prefix == "http://127.0.0.1:9/xxgk/jiazhen/"


def test_language_lag_days_per_site(tmp_path: Path):
    path = tmp_path / "sites.yaml"
    path.write_text("sites:\n  - id: c\n    url: http://127.0.0.1:9/\n    languages: [en]\n    language_lag_days: 180\n",
                    encoding="utf-8")
    assert load_targets([str(path)]).sites[0].language_lag_days == 180
    path.write_text(path.read_text("utf-8").replace("180", "soon"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_targets([str(path)])
    assert caught.value.line == 5 and "language_lag_days" in caught.value.field


def test_an_unusable_history_store_is_bad_input_before_crawling(tmp_path: Path, cli):
    bad = tmp_path / "history.sqlite"
    bad.write_text("not a database", encoding="utf-8")
    result = cli("audit", "http://127.0.0.1:9/", "--history", str(bad), "--out", str(tmp_path / "out"), timeout=60)
    assert result.returncode == 2 and "--history" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "crawl").exists()


@pytest.mark.parametrize("target, suggestion", [
    ("127.0.0.1:8204", "http://127.0.0.1:8204/"),
    ("www.example.gov.cn", "http://www.example.gov.cn/"),
    ("localhost:8101", "http://localhost:8101/"),
])
def test_a_url_without_its_scheme_is_told_to_add_it(tmp_path, monkeypatch, target, suggestion):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as caught:
        load_targets([target])
    assert str(caught.value) == f"{target}: no such file; a URL needs its scheme: {suggestion} (or https://)"


def test_a_missing_sites_file_gets_no_url_suggestion(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"^sites\.yaml: no such file$"):
        load_targets(["sites.yaml"])


def test_site_selection_keeps_parents_and_nested_scopes_of_the_whole_file(tmp_path):
    import typer

    from auditcli.app.cli import load_config

    path = tmp_path / "sites.yaml"
    path.write_text(GOOD, encoding="utf-8")
    full = {site.id: site for site in load_config([str(path)], None).sites}
    town = load_config([str(path)], None, ["town-a"]).sites
    assert [site.id for site in town] == ["town-a"] and town[0].parent == "county"  # parent kept for the roll-up
    county = load_config([str(path)], None, ["county"]).sites
    assert county == [full["county"]]  # still leaves /xxgk/jiazhen/ to town-a, as in a full run
    assert county[0].exclude == ("http://127.0.0.1:9/xxgk/jiazhen/",)
    assert [s.id for s in load_config([str(path)], None, ["town-a,county"]).sites] == ["county", "town-a"]
    with pytest.raises(typer.Exit) as caught:
        load_config([str(path)], None, ["town-b"])
    assert caught.value.exit_code == 2
