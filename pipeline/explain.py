"""``alliance-audit explain FILE[#N]``: one article through the same cleaning and analysis as
``analyze``, with every verdict explained (quality flags, spin spans, alliance sentences,
action and reason).

The file is read together with the other files of its folder (``--corpus``), so the site
boilerplate lines that ``analyze`` learns across a site are removed here too. Two verdicts
need the whole corpus and are not given: the site-relative norms and the duplicates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.article import Article, IngestError
from pipeline.config import Settings

COMPONENTS = ("bond", "goals", "tasks", "rupture_repair")
_RECORD = re.compile(r"^(?P<path>.+)#(?P<n>\d+)$")


class ExplainError(Exception):
    """A target that cannot be explained, with a message for the user."""


@dataclass
class Target:
    """The file to explain, the record in it (``None``: the whole file), the folder read with it."""

    path: Path
    record: int | None
    corpus: Path


def parse_target(arg: str, corpus: Path | None = None) -> Target:
    """``FILE`` or ``FILE#N`` (the ids the outputs use); a file whose name holds ``#`` wins."""
    path, record = Path(arg), None
    m = _RECORD.match(arg)
    if m and not path.is_file():
        path, record = Path(m["path"]), int(m["n"])
    if not path.is_file():
        raise ExplainError(f"not a file: {arg}")
    folder = corpus if corpus is not None else path.parent
    if not folder.is_dir():
        raise ExplainError(f"--corpus is not a folder: {folder}")
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError as exc:
        raise ExplainError(f"{path} is not inside the corpus folder {folder}") from exc
    return Target(path, record, folder)


def read_target(target: Target, settings: Settings) -> tuple[list[Article], list[IngestError]]:
    """The articles and errors of the target file, ingested with its folder (site boilerplate)."""
    from pipeline.ingest import read_corpus

    rel = target.path.resolve().relative_to(target.corpus.resolve()).as_posix()
    articles, errors = [], []
    for item in read_corpus(target.corpus, settings.ingest):
        where = (item.path if isinstance(item, IngestError) else item.path).split("#", 1)[0]
        if where != rel:
            continue
        (errors if isinstance(item, IngestError) else articles).append(item)
    if target.record is not None:
        wanted = f"{rel}#{target.record}"
        articles = [a for a in articles if a.article_id == wanted]
        errors = [e for e in errors if e.path == wanted]
        if not articles and not errors:
            raise ExplainError(f"no record #{target.record} in {target.path}")
    return articles, errors


def analyse_one(article: Article, settings: Settings) -> Article | IngestError:
    """The per-article analysis of ``analyze`` and the audit decision (no site norms and no
    duplicates: they need the whole corpus)."""
    from pipeline import audit
    from pipeline.engine import analyse_batch

    done = analyse_batch([article], settings)[0]
    if isinstance(done, IngestError):
        return done
    done.action, done.action_reason = audit.decide(done, settings.audit)
    return done


def record_list(articles: list[Article]) -> list[str]:
    """One line per record of a multi-record file: id, words and title."""
    return [f"{a.article_id}  ({a.words or len(a.text.split())} words)  {a.title}".rstrip()
            for a in articles]


def report(article: Article) -> list[Any]:
    """Rich renderables: action and reason, quality, readability, spin, alliance evidence."""
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    from pipeline.audit import quality_of
    from pipeline.explain_text import flag_sentence
    from pipeline.spin.explain import highlighted

    out: list[Any] = [Rule(f"{article.article_id}  {article.title}".strip())]
    colour = {"remove": "red", "rewrite": "dark_orange", "review": "yellow", "keep": "green"}
    head = Text()
    head.append(f"action: {article.action}", style=f"bold {colour.get(article.action, 'white')}")
    head.append(f"\nwhy: {article.action_reason}")
    out.append(head)
    if not article.applicable:
        return out
    q = quality_of(article)
    score = q.get("score")
    qtext = Text(f"\nquality {score:.2f}" if isinstance(score, int | float) else "\nquality n/a",
                 style="bold")
    qtext.append(" (low quality)" if q.get("low_quality") else " (passes)")
    for f in q.get("flags") or []:
        rule = f.get("rule", "?") if isinstance(f, dict) else str(f)
        qtext.append(f"\n- {flag_sentence(f)}  [{rule}]")
    if not q.get("flags"):
        qtext.append("\n- no quality rule failed")
    metrics = (article.quality or {}).get("metrics") or {}
    if "flesch_reading_ease" in metrics:
        band = (article.quality or {}).get("grade_band", "")
        qtext.append(f"\nreadability: Flesch reading ease {metrics['flesch_reading_ease']:.0f}, "
                     f"grade {metrics.get('grade', 0):.1f}" + (f" ({band})" if band else ""))
    out.append(qtext)

    spin = article.spin or {}
    stext = Text(f"\nspin score {spin.get('score', 0):.2f}: "
                 + ("SPUN" if spin.get("spun") else "not spun"),
                 style="bold red" if spin.get("spun") else "bold")
    for r in spin.get("reasons") or []:
        stext.append(f"\n- {r}")
    out.append(stext)
    if article.spin_spans:
        spans = [{"start_char": s.start_char, "end_char": s.end_char, "signal": s.signal,
                  "suggestion": s.suggestion} for s in article.spin_spans]
        out.append(highlighted(article.text, spans))
        table = Table(title=f"{len(article.spin_spans)} suspect spans")
        for col in ("chars", "as written", "probable original", "signal", "score"):
            table.add_column(col)
        for s in article.spin_spans:
            table.add_row(f"{s.start_char}-{s.end_char}", s.text, s.suggestion, s.signal,
                          f"{s.score:.2f}")
        out.append(table)

    counts = (article.alliance or {}).get("counts") or {}
    atext = Text("\nalliance components (sentences that discuss each): ", style="bold")
    atext.append(", ".join(f"{c} {counts.get(c, 0)}" for c in COMPONENTS))
    for s in article.sentences:
        labels = [c for c in COMPONENTS if s.labels.get(c)]
        if labels:
            atext.append(f"\n- [{', '.join(labels)}] ", style="cyan")
            atext.append(s.text.strip())
    out.append(atext)
    out.append(Text("\nnot checked here (they need the whole corpus; run analyze): "
                    "site-relative norms and duplicates.", style="dim"))
    return out


def explain_target(target: Target, settings: Settings, limit: int = 20) -> tuple[list[Any], int]:
    """(renderables, exit code) for ``target``: 0 explained, 1 failed, 2 a record must be chosen."""
    articles, errors = read_target(target, settings)
    out: list[Any] = [f"[red]{e.path}: {e.reason}[/red]" for e in errors]
    if target.record is None and len(articles) > 1:
        out.append(f"{target.path} holds {len(articles)} records; explain one of them with "
                   f"FILE#N, e.g. {target.path}#{articles[0].article_id.rsplit('#', 1)[-1]}:")
        out.extend(record_list(articles[:limit]))
        if len(articles) > limit:
            out.append(f"... and {len(articles) - limit} more")
        return out, 2
    if not articles:
        return out or [f"[red]nothing to explain in {target.path}[/red]"], 1
    done = analyse_one(articles[0], settings)
    if isinstance(done, IngestError):
        out.append(f"[red]{done.path}: {done.reason}[/red]")
        return out, 1
    out.extend(report(done))
    return out, 0
