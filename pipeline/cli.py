"""Command line of the runtime: ``analyze`` and ``explain`` (training, evaluation and benchmarks
are ``python -m workbench``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

import pipeline
from pipeline.config import ConfigError, load_settings

app = typer.Typer(
    name="alliance-audit",
    help=(
        "Audit a folder of scraped therapy-advice articles: text quality, synonym-spun content, "
        "the alliance components each article discusses (bond, goals, tasks, rupture repair), "
        "and a cross-source report saying what to keep, review, rewrite or remove."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
out_console = Console()
err_console = Console(stderr=True)

ConfigOpt = Annotated[
    Path | None,
    # "\\[" keeps rich markup from eating the section name.
    typer.Option("--config", "-c", help=(
        "TOML file overriding defaults: a section header, then its keys, e.g. the two lines "
        "'\\[quality]' and 'min_words = 80' (see pipeline/resources/config/*.toml).")),
]


def _settings(config: Path | None):
    try:
        return load_settings(config)
    except ConfigError as exc:
        # escape(): the message names sections as "[quality]", which rich would read as markup.
        err_console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from exc


def _version(value: bool) -> None:
    if value:
        out_console.print(f"alliance-audit {pipeline.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """alliance-audit command line."""


@app.command()
def analyze(
    corpus: Annotated[Path, typer.Argument(help="Folder of scraped articles (.txt .md .html .jsonl .json .csv .warc, optionally .gz).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (must be outside the corpus).")] = Path("reports"),
    config: ConfigOpt = None,
    workers: Annotated[int | None, typer.Option(min=0, help="Analysis processes; 0 = all cores (default from \\[run] workers).")] = None,
    engine: Annotated[str, typer.Option(help="Where the per-article analysis runs: local or dask.")] = "local",
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address (tcp://host:8786); default: a local cluster.")] = None,
    cache: Annotated[bool | None, typer.Option("--cache/--no-cache", help="Reuse results of unchanged articles.")] = None,
    strict: Annotated[bool, typer.Option(help="Exit 3 when any file or record could not be analysed.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
) -> None:
    """Analyse CORPUS and write articles.csv, sentences.csv, spin_evidence.csv, comparison.csv/.md,
    errors.csv, audit.xlsx, Parquet tables and a self-contained report.html into OUT.

    Exit codes: 0 done; 1 nothing could be analysed; 2 usage or configuration error;
    3 some input failed and --strict was given.
    """
    from pipeline.run import UsageError, run_analysis

    settings = _settings(config)
    try:
        summary = run_analysis(
            corpus, out, settings, engine=engine, scheduler=scheduler, workers=workers,
            use_cache=cache, progress=not quiet, release_models=True,
        )
    except UsageError as exc:
        err_console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(exc.code) from exc
    if not quiet:
        _print_summary(summary)
    code = summary.exit_code(strict)
    if code == 1:
        err_console.print(f"[red]error:[/red] {_nothing_analysed(summary)}", soft_wrap=True)
    raise typer.Exit(code)


def _nothing_analysed(s) -> str:
    """Why a run analysed nothing, in one line (shown even with --quiet)."""
    if s.files == 0:
        return (f"no supported files found in {s.corpus} (looked for .txt .md .html .jsonl "
                ".json .csv .warc, optionally .gz)")
    if s.articles == 0:
        return "nothing could be analysed: every file or record failed; see errors.csv"
    return (f"nothing could be analysed: none of the {s.articles} articles is in an analysed "
            "language (see [ingest] analysed_languages)")


def _print_summary(s) -> None:
    table = Table(title=f"alliance-audit: {s.corpus} -> {s.out}", show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    rate = f"{s.words / s.seconds:,.0f} words/s" if s.seconds else ""
    table.add_row("files", f"{s.files} ({s.failed_files} failed entirely)")
    table.add_row("articles", f"{s.articles} ({s.analysed} analysed, {s.not_applicable} not English)")
    table.add_row("errors.csv", f"{s.errors} file(s)/record(s) with a reason")
    table.add_row("low quality", str(s.low_quality))
    table.add_row("spun", str(s.spun))
    # The same words as the report's card: duplicates, by kind.
    kinds = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in s.duplicate_kinds.items())
    table.add_row("duplicates", f"{s.near_duplicates}" + (f" ({kinds})" if kinds else ""))
    table.add_row("actions", ", ".join(f"{k} {v}" for k, v in s.actions.items()) or "-")
    table.add_row("time", f"{s.seconds:.1f} s, {s.words:,} words, {rate}; cache hits {s.cache_hits}")
    out_console.print(table)
    if s.top_errors:
        common = "; ".join(f"{n} x {reason}" for reason, n in s.top_errors)
        out_console.print(f"most common errors: {common}", soft_wrap=True)
    # Plain line (not in the table) so the path is never cut at narrow terminal widths.
    out_console.print(f"open {Path(s.out) / 'report.html'}", soft_wrap=True)


@app.command()
def explain(
    file: Annotated[str, typer.Argument(help="An article file, or one record of a multi-record file as the outputs name it: scrape.jsonl#3.")],
    corpus: Annotated[Path | None, typer.Option(help="Folder read with FILE for the site boilerplate rules (default: FILE's folder).")] = None,
    config: ConfigOpt = None,
) -> None:
    """Explain one article as analyze would judge it: quality flags, spun spans with their
    probable originals, alliance sentences, the action and its reason.

    Exit codes: 0 explained; 1 the article could not be analysed; 2 usage error, or FILE holds
    several records and one must be chosen with FILE#N.
    """
    from pipeline.explain import ExplainError, explain_target, parse_target

    settings = _settings(config)
    try:
        target = parse_target(file, corpus)
        err_console.print("reading the file and its folder, loading the language models...")
        parts, code = explain_target(target, settings)
    except ExplainError as exc:
        err_console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(2) from exc
    for part in parts:
        # Lines of text keep their paths whole at any terminal width.
        out_console.print(part, soft_wrap=isinstance(part, str))
    raise typer.Exit(code)


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    app()
