"""``explain(text, settings)``: the article with suspect spans highlighted, for the terminal.

Returns a rich renderable (``rich.console.Group``): the verdict with its reasons, the text with
every evidence span highlighted and its suggested original shown after it (``word [-> orig]``),
and a table of the spans. The CLI prints it for ``alliance-audit explain FILE``.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from pipeline.spin.detector import detect

# One colour per signal so a reader sees which detector spoke.
STYLES = {
    "word_model": "bold red",
    "function_phrase": "bold magenta",
    "fingerprint": "bold yellow",
    "entity": "bold cyan",
    "article_mismatch": "bold blue",
    "spinner_syntax": "bold white on red",
    "thesaurus_span": "bold red",
    "domain_term": "bold cyan",
    "acronym": "bold cyan",
}


def highlighted(text: str, spans: list[dict[str, Any]]) -> Text:
    """``text`` as rich Text with spans styled and suggestions inserted after them."""
    out = Text()
    pos = 0
    for s in sorted(spans, key=lambda s: s["start_char"]):
        a, b = s["start_char"], s["end_char"]
        if a < pos:
            continue
        out.append(text[pos:a])
        out.append(text[a:b], style=STYLES.get(s["signal"], "bold red"))
        if s.get("suggestion"):
            out.append(f" [-> {s['suggestion']}]", style="green")
        pos = b
    out.append(text[pos:])
    return out


def explain(text: str, settings: dict[str, Any] | None = None) -> Group:
    """Verdict, highlighted article and evidence table for ``text``."""
    result = detect(text or "", settings)
    verdict = "SPUN" if result["spun"] else "not spun"
    head = Text(f"{verdict} (spin score {result['score']:.2f})\n",
                style="bold red" if result["spun"] else "bold green")
    head.append("\n".join(f"- {r}" for r in result["reasons"]))
    table = Table(title="evidence", show_lines=False)
    for col in ("chars", "text", "suggestion", "signal", "score"):
        table.add_column(col)
    for s in result["spans"]:
        table.add_row(f"{s['start_char']}-{s['end_char']}", s["text"], s["suggestion"],
                      s["signal"], f"{s['score']:.2f}")
    return Group(Panel(head, title="spin verdict"), Panel(highlighted(text or "", result["spans"])), table)
