"""Command line of the workbench: ``python -m workbench train|evaluate|bench|compact|startup|hostile`` (``make train``,
``make evaluate``, ``make bench``): thin Typer commands that call one function and report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    name="workbench",
    help="Offline work on alliance-audit: retrain the models, evaluate them, benchmark the run.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
out_console = Console()

SharedOpt = Annotated[
    Path,
    typer.Option(help="Folder with the shared reference data (data/, seeds/).", envvar="SHARED"),
]


@app.command()
def train(
    shared: SharedOpt = Path("../shared"),
    only: Annotated[str | None, typer.Option(help="Train one model: spin or alliance.")] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
) -> None:
    """Retrain the models in models/ (reproducible; writes the model cards)."""
    from workbench.training import train_all

    for name, result in train_all(shared, only=only, seed=seed).items():
        out_console.print(f"[bold]{name}[/bold]: {result}")


@app.command()
def evaluate(
    shared: SharedOpt = Path("../shared"),
    only: Annotated[str | None, typer.Option(help="Evaluate one part: spin, quality, alliance or realweb.")] = None,
) -> None:
    """Print precision/recall/F1 of the spin detector, quality flags and alliance extractor."""
    from workbench.training import evaluate_all

    for name, result in evaluate_all(shared, only=only).items():
        out_console.print(f"[bold]{name}[/bold]")
        if isinstance(result, dict) and isinstance(result.get("report"), str):
            # A ready-made Markdown table: print it as text, then the remaining numbers.
            out_console.print(result["report"], markup=False, highlight=False)
            result = {k: v for k, v in result.items() if k != "report"}
        out_console.print(result)


@app.command()
def bench(
    articles: Annotated[int, typer.Option(help="Generated articles.")] = 2000,
    words: Annotated[int, typer.Option(help="Words per article.")] = 1000,
    out: Annotated[Path, typer.Option(help="JSON results file.")] = Path("reports/bench.json"),
    workers: Annotated[int, typer.Option(min=0, help="Processes for the scaling run; 0 = all cores.")] = 0,
    reference: Annotated[bool, typer.Option(help="Also time TextDescriptives if installed.")] = True,
) -> None:
    """Benchmark words/s and articles/s per stage and peak memory on a generated corpus."""
    from workbench.bench import run_bench

    results = run_bench(n_articles=articles, words=words, out=out, workers=workers,
                        reference=reference, log=out_console.print)
    out_console.print(results["table"])




@app.command()
def hostile(
    size: Annotated[int, typer.Option(min=10, help="Length of each degenerate part (characters or repeats).")] = 100_000,
    root: Annotated[Path, typer.Option(help="Folder for the generated corpus and the run's outputs.")] = Path("reports/hostile"),
    workers: Annotated[int, typer.Option(min=1, help="Worker processes of the run.")] = 1,
) -> None:
    """Time `analyze` on generated hostile files (issue 15): seconds, peak memory, none lost."""
    from workbench.hostile import run_hostile

    out_console.print(run_hostile(root, size=size, workers=workers))


@app.command()
def startup(
    repeat: Annotated[int, typer.Option(min=1, help="Runs of each command (the median is shown).")] = 3,
    baseline: Annotated[Path | None, typer.Option(help="Another checkout's folder to measure in turns (e.g. `git archive main | tar -x -C /tmp/base`).")] = None,
    importtime: Annotated[bool, typer.Option(help="Also list the slowest imports.")] = False,
) -> None:
    """Start-up seconds and peak memory of explain, analyze of one file, the first article."""
    from workbench.startup import measure, slowest_imports

    for setup, rows in measure(repeat, baseline=baseline).items():
        for name, row in rows.items():
            out_console.print(f"{setup:8} {name:18} {row['seconds']:6.2f} s  {row['peak_mb']:6.0f} MB")
    if importtime:
        for seconds, module in slowest_imports():
            out_console.print(f"  {seconds:6.2f} s  {module}")


@app.command()
def compact(
    tables_only: Annotated[bool, typer.Option(
        "--tables-only", help="Only the files not in git, built by make install: models/spin_tables.compact.bin and models/wordfreq_en.compact.bin.")] = False,
) -> None:
    """Write models/<name>.compact.npz from each .skops model, models/spin_tables.compact.bin
    from the spin TSV tables and models/wordfreq_en.compact.bin from wordfreq (what the runtime
    loads)."""
    from pipeline.paths import MODELS_DIR
    from workbench.compact import compact_tables, compact_wordfreq, write_all

    written = ([compact_tables(MODELS_DIR), compact_wordfreq(MODELS_DIR)] if tables_only
               else write_all(MODELS_DIR))
    for path in written:
        if path is not None:
            out_console.print(f"wrote {path}")
