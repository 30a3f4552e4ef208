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
            raise HistoryError(f"{store.path}: no history store")
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
    profile: Annotated[str | None, typer.Option("--profile", help="Re-score with this profile.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the gate result as JSON.")] = False,
) -> None:
    """CI gate. Exit 0 when it passes, 1 when it fails, 2 on bad input."""
    from reports.gate import evaluate

    with _clear_errors():
        results = _load_scored(results_path, profile)
        base = load_results(baseline) if baseline else None
        result = evaluate(
            results, fail_under=fail_under, max_new=max_new, baseline=base, fail_on_veto=fail_on_veto
        )
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
        if result.new_findings:
            out.print(f"{len(result.new_findings)} new finding(s):")
            for f in result.new_findings[:50]:
                out.print(f"  + {f.get('site_id')} {f.get('check')} {f.get('url')}")
        for reason in result.reasons:
            out.print(f"FAIL {reason}")
        out.print("gate passed" if result.passed else "gate failed")
    raise typer.Exit(result.exit_code)


def _history_for_diff(db: Path | None, use_history: bool) -> HistoryStore | None:
    if not use_history:
        return None
    if db is not None:
        store = HistoryStore(db)
        if not store.exists():
            raise HistoryError(f"{db}: no history store")
        store.ensure()  # a corrupt store is bad input, not a diff that silently lacks regressions
        return store
    store = HistoryStore(default_history_path())
    return store if store.exists() else None


def diff(
    old_path: Annotated[Path, typer.Argument(metavar="OLD.json")],
    new_path: Annotated[Path, typer.Argument(metavar="NEW.json")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the diff as JSON.")] = False,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="History store for regressions (default: $AUDITCLI_HISTORY or ~/.local/share/auditcli/history.sqlite, when it exists).",
        ),
    ] = None,
    use_history: Annotated[
        bool, typer.Option("--history/--no-history", help="Use the history store to find regressions.")
    ] = True,
) -> None:
    """New, regressed, persisting and fixed findings, and score changes per site."""
    from reports.diff import diff_results

    with _clear_errors():
        old, new = _load_scored(old_path, None), _load_scored(new_path, None)
        store = _history_for_diff(db, use_history)
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
                out.print(f"{label:12} {s.site_id} {f.get('check')} {f.get('url')}")
    if not result.history_used:
        out.print("(no history store: regressions are reported as new)")


def history(
    site_id: Annotated[str, typer.Argument(metavar="SITE_ID")],
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="History store (default: $AUDITCLI_HISTORY or ~/.local/share/auditcli/history.sqlite).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the trend as JSON.")] = False,
) -> None:
    """Score and finding trend of one site from the history store."""
    with _clear_errors():
        store = HistoryStore(db)
        rows = store.trend(site_id)
        if not rows:
            known = store.sites()
            hint = f" (known: {', '.join(known[:20])})" if known else ""
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
