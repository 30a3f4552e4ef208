"""CLI commands for reports: `report`, `gate`, `diff`, `history`.

`register(app)` adds them to the main typer app. Errors print one line and exit 2; the gate
exits 1 when it fails.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from auditcli.app.flags import FailOn
from auditcli.core.listing import first, joined
from auditcli.stores.history import HistoryError, HistoryStore, default_history_path
from reports import ResultsError, load_results
from reports.scoring import ProfileError, load_profile, score_results, unrejudged_settings
from reports.writers import FormatError, parse_formats, write_formats

EXIT_OK, EXIT_GATE_FAILED, EXIT_BAD_INPUT = 0, 1, 2
LANGS = ("zh", "en")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


@contextmanager
def _clear_errors() -> Iterator[None]:
    """Turn expected input errors into one message and exit code 2 (never a traceback)."""
    try:
        yield
    except (ProfileError, ResultsError, HistoryError, FormatError) as exc:
        err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except OSError as exc:
        err.print(f"[bold red]error:[/] {exc.filename or ''}: {exc.strerror or exc}")
        raise typer.Exit(EXIT_BAD_INPUT) from None


HistoryPath = Annotated[Path | None, typer.Option(
    "--history", help="The history store (default: $AUDITCLI_HISTORY or ~/.local/share/auditcli/history.sqlite), "
    "the same option as `audit --history`.")]
DeprecatedDb = Annotated[Path | None, typer.Option("--db", hidden=True, help="Deprecated: --history.")]


def no_store(path: Path) -> str:
    """A missing history store: where it was looked for, and how one is made."""
    return (f"{path}: no history store there; an audit records one (`auditcli audit SITES --history {path}`), "
            f"or give the store your audits record in with --history PATH (or $AUDITCLI_HISTORY)")


def _store_option(history: Path | None, db: Path | None) -> Path | None:
    """--history, or the deprecated --db it replaced (with a note)."""
    if db is not None:
        err.print("[yellow]note:[/] --db is deprecated; use --history", markup=True, highlight=False)
        if history is not None and history != db:
            raise _bad(f"--db {db} and --history {history} name two stores; give --history only")
    return history or db


def _bad(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(EXIT_BAD_INPUT)


def _load_scored(path: Path, profile: str | None) -> dict:
    results = load_results(path)
    sites = results.get("sites") or []
    if profile or any("verdict" not in s for s in sites):
        name = profile or (results.get("run") or {}).get("profile") or None
        chosen = load_profile(name)
        for note in unrejudged_settings(results, chosen):
            err.print(f"[yellow]note:[/] {note}", markup=True, highlight=False)
        score_results(results, chosen)
    return results


def report(
    results_path: Annotated[
        Path, typer.Argument(metavar="RESULTS.json", help="results.json written by `auditcli audit`.")
    ],
    formats: Annotated[
        str, typer.Option("--format", "-f", help="Comma-separated: html,csv,junit,sarif,json.")
    ] = "html",
    out_dir: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output directory (default: next to RESULTS).")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Report language: zh or en.")] = "zh",
    profile: Annotated[
        str | None, typer.Option("--profile", help="Re-score with this profile (built-in name or YAML file).")
    ] = None,
    history: Annotated[
        Path | None, typer.Option("--history", help="History store: show score trends per site in the HTML.")
    ] = None,
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="Record this run in the history store (--history, else  $AUDITCLI_HISTORY or ~/.local/share/auditcli/history.sqlite).",
        ),
    ] = False,
) -> None:
    """Render results.json again as HTML, CSV, JUnit XML, SARIF or JSON."""
    if lang not in LANGS:
        raise _bad(f"--lang: expected one of {', '.join(LANGS)}, got {lang!r}")
    with _clear_errors():
        wanted = parse_formats(formats)
        results = _load_scored(results_path, profile)
        store = HistoryStore(history) if history or record else None
        if record:
            store.record(results)
        elif store is not None and not store.exists():
            raise HistoryError(no_store(store.path))
        written = write_formats(results, out_dir or results_path.parent, wanted, lang=lang, history=store)
    for path in written:
        out.print(str(path))


def gate(
    results_path: Annotated[Path, typer.Argument(metavar="RESULTS.json")],
    fail_under: Annotated[
        float | None, typer.Option("--fail-under", min=0, max=100, help="Fail when any site scores below N.")
    ] = None,
    max_new: Annotated[
        int | None,
        typer.Option(
            "--max-new",
            min=0,
            help="Fail when more than N findings are new (not in the baseline). With --baseline the default is 0.",
        ),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="Earlier results.json: only findings new since it count."),
    ] = None,
    fail_on_veto: Annotated[bool, typer.Option("--fail-on-veto", help="Fail on any veto.")] = False,
    fail_on: FailOn = None,
    profile: Annotated[str | None, typer.Option("--profile", help="Re-score with this profile.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the gate result as JSON.")] = False,
) -> None:
    """CI gate. Exit 0 when it passes, 1 when it fails, 2 on bad input. Without a condition it
    always passes (and says so)."""
    from reports.gate import evaluate, has_condition

    patterns = [p.strip() for value in fail_on or [] for p in value.split(",") if p.strip()]
    with _clear_errors():
        results = _load_scored(results_path, profile)
        check_fail_on(patterns, results)
        base = load_results(baseline) if baseline else None
        result = evaluate(
            results, fail_under=fail_under, max_new=max_new, baseline=base, fail_on_veto=fail_on_veto,
            fail_on=patterns,
        )
    if not has_condition(fail_under, max_new, base, fail_on_veto, patterns):
        err.print("[yellow]warning:[/] no gate condition given (--fail-under, --max-new, --baseline, --fail-on-veto, "
                  "--fail-on): this gate always passes", markup=True, highlight=False)
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "passed": result.passed,
                    "reasons": result.reasons,
                    "new_findings": [
                        {k: f.get(k) for k in ("site_id", "fingerprint", "check", "severity", "url")}
                        for f in result.new_findings
                    ],
                },
                ensure_ascii=False,
            )
        )
    else:
        for site in results.get("sites") or []:
            score = site.get("score")
            out.print(
                f"{site.get('id')}: score {'—' if score is None else f'{score:g}'} ({site.get('verdict')})"
            )
        for line in new_finding_lines(result.new_findings):
            out.print(line, markup=False)
        for reason in result.reasons:
            out.print(f"FAIL {reason}")
        out.print("gate passed" if result.passed else "gate failed")
    raise typer.Exit(result.exit_code)


def new_finding_lines(findings: list[dict], limit: int = 50) -> list[str]:
    """The gate's new findings as `gate` and `audit --baseline` print them, the first `limit` and a count
    of the rest."""
    if not findings:
        return []
    shown, tail = first(findings, limit)
    return [f"{len(findings)} new finding(s):",
            *(f"  + {f.get('site_id')} {f.get('check')} {f.get('url')}" for f in shown),
            *([f"  {tail}"] if tail else [])]


def check_fail_on(patterns: list[str], results: dict) -> None:
    """--fail-on names checks of the catalogue (the registry's, and any plugin check the results carry) or
    dimensions; a typo must not make a gate that can never fail."""
    from auditcli.core.vocabulary import DIMENSIONS
    from checks.engine.registry import known_selectors

    known = known_selectors() | set(DIMENSIONS)
    for site in results.get("sites") or []:
        known |= {str(f.get("check")) for f in site.get("findings") or []} | {str(f.get("dimension")) for f in site.get("findings") or []}
    known |= set(results.get("checks") or {})
    for value in patterns:
        if value not in known and not (value.endswith((".", "*")) and any(k.startswith(value.rstrip("*")) for k in known)):
            raise _bad(f"--fail-on: unknown dimension or check id {value!r} (see `auditcli checks`)")


def _history_for_diff(path: Path | None, use_history: bool) -> tuple[HistoryStore | None, str | None]:
    """The store for regressions, and a note when there is none. A store named with --history must exist;
    the default one is used when it exists."""
    if not use_history:
        return None, None
    if path is not None:
        store = HistoryStore(path)
        if not store.exists():
            raise HistoryError(no_store(store.path))
        store.ensure()  # a corrupt store is bad input, not a diff that silently lacks regressions
        return store, None
    store = HistoryStore(default_history_path())
    if store.exists():
        return store, None
    return None, (f"(no history store at {store.path}: regressions are reported as new; give the store your "
                  f"audits record in with --history PATH)")


def diff(
    old_path: Annotated[Path, typer.Argument(metavar="OLD.json")],
    new_path: Annotated[Path, typer.Argument(metavar="NEW.json")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the diff as JSON.")] = False,
    history_store: HistoryPath = None,
    no_history: Annotated[
        bool, typer.Option("--no-history", help="Do not read the history store (regressions are reported as new).")
    ] = False,
    db: DeprecatedDb = None,
) -> None:
    """New, regressed, persisting and fixed findings, and score changes per site. The history store
    (--history, else the default one when it exists) tells regressions from new findings. A site of
    OLD that NEW did not audit (`audit --site`) is left out, not reported as all fixed."""
    from reports.diff import diff_results

    with _clear_errors():
        old, new = _load_scored(old_path, None), _load_scored(new_path, None)
        store, note = _history_for_diff(_store_option(history_store, db), not no_history)
        result = diff_results(old, new, history=store)
    if as_json:
        out.print_json(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    table = Table(title=f"{result.old_run or old_path} → {result.new_run or new_path}")
    for column in ("site", "score", "Δ", "verdict", "new", "regressed", "persisting", "fixed"):
        table.add_column(column, justify="right" if column not in ("site", "verdict") else "left")
    for s in result.sites:

        def fmt(v: float | None) -> str:
            return "—" if v is None else f"{v:g}"

        delta = s.score_delta
        table.add_row(
            s.site_id + ("" if s.status == "both" else f" ({s.status})"),
            f"{fmt(s.old_score)} → {fmt(s.new_score)}",
            "" if delta is None else f"{delta:+g}",
            f"{s.old_verdict or '—'} → {s.new_verdict or '—'}",
            str(len(s.new)),
            str(len(s.regressed)),
            str(len(s.persisting)),
            str(len(s.fixed)),
        )
    out.print(table)
    for s in result.sites:
        for label, items in (("+ new", s.new), ("! regressed", s.regressed), ("- fixed", s.fixed)):
            for f in items:
                out.print(f"{label:12} {s.site_id} {f.get('check')} {f.get('url')}", markup=False)
    if result.left_out:
        out.print(f"left out (not audited in {new_path}): {joined(result.left_out, 20)}", markup=False)
    if note:
        out.print(note, markup=False)
    elif not result.history_used:
        out.print("(--no-history: regressions are reported as new)")


def history(
    site_id: Annotated[str, typer.Argument(metavar="SITE_ID")],
    history_store: HistoryPath = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the trend as JSON.")] = False,
    db: DeprecatedDb = None,
) -> None:
    """Score and finding trend of one site from the history store."""
    with _clear_errors():
        store = HistoryStore(_store_option(history_store, db))
        if not store.exists():
            raise HistoryError(no_store(store.path))
        rows = store.trend(site_id)
        if not rows:
            known = store.sites()
            hint = f" (known: {joined(known, 20)})" if known else ""
            raise HistoryError(f"{store.path}: no runs recorded for site {site_id!r}{hint}")
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title=f"{site_id} — {store.path}")
    for column in ("run", "as of", "score", "verdict", "vetoes", "findings", "new", "fixed"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(
            row["run_id"],
            row["as_of"] or (row["started_at"] or "")[:10],
            "—" if row["score"] is None else f"{row['score']:g}",
            row["verdict"] or "—",
            ", ".join(row["vetoes"]) or "—",
            str(row["findings"]),
            "—" if row["new"] is None else str(row["new"]),
            "—" if row["fixed"] is None else str(row["fixed"]),
        )
    out.print(table)
    scores = [r["score"] for r in rows if r["score"] is not None]
    if len(scores) >= 2:
        out.print(f"trend: {scores[0]:g} → {scores[-1]:g} ({scores[-1] - scores[0]:+g})")


COMMANDS: dict[str, Callable[..., None]] = {
    "report": report,
    "gate": gate,
    "diff": diff,
    "history": history,
}


def register(app: typer.Typer) -> None:
    """Add `report`, `gate`, `diff` and `history` to the auditcli app."""
    for name, fn in COMMANDS.items():
        app.command(name)(fn)


def main() -> None:  # pragma: no cover - a stand-alone entry while cli.py is being written
    app = typer.Typer(add_completion=False, no_args_is_help=True)
    register(app)
    app(prog_name="auditcli")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
