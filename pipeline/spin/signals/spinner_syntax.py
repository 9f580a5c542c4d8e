"""Leftover spinner syntax: ``{a|b}`` alternatives, braces around ordinary words, stray braces."""

from __future__ import annotations

import re
from typing import Any

from pipeline.spin.reference import Reference
from pipeline.spin.signals.base import Signal, Span, _cfg, _span
from pipeline.spin.tokens import Tok

# Leftover spinner syntax: "{a|b}" alternatives, or braces around ordinary words in prose.
_SPIN_ALT = re.compile(r"\{([^{}|\n]{1,80})(?:\|[^{}\n]{0,80})+\}")
_SPIN_BRACE = re.compile(r"\{([A-Za-z][A-Za-z' ]{0,60})\}")
_STRAY = re.compile(r"[{}]")
_CODE_HINT = re.compile(r"[;=<>\\$]|\b(?:function|return|var|const|def|class)\b")


def spinner_syntax(text: str, settings: dict[str, Any] | None = None) -> list[Span]:
    """Leftover spintax: ``{a|b}`` (suggest ``a``), ``{that a}`` (suggest the words), stray braces.

    Braces in text that looks like code or a template (``;``, ``=``, ``$``...) are ignored.
    """
    cfg = _cfg(settings)
    if "{" not in text and "}" not in text:
        return []
    score = cfg.score_syntax
    out: list[Span] = []
    taken: list[tuple[int, int]] = []
    for rx in (_SPIN_ALT, _SPIN_BRACE):
        for m in rx.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            line_start = text.rfind("\n", 0, m.start()) + 1
            line_end = text.find("\n", m.end())
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            if _CODE_HINT.search(line):
                continue
            taken.append((m.start(), m.end()))
            out.append(_span(text, m.start(), m.end(), m.group(1).strip(), "spinner_syntax", score))
    for m in _STRAY.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        # A brace in a line with others or with code is markup, not a spinner's leftover.
        if _CODE_HINT.search(line) or line.count("{") + line.count("}") > 1:
            continue
        out.append(_span(text, m.start(), m.end(), "", "spinner_syntax", score * 0.7))
    return out


def _find(text: str, cfg: dict[str, Any], ref: Reference, toks: list[Tok]):
    return spinner_syntax(text, cfg), {}


SIGNAL = Signal(
    name="spinner_syntax", rank=10, label="leftover spinner syntax", style="bold white on red",
    find=_find, doc_feature="spinner_syntax_per100",
)
