"""Unicode repair and line-level boilerplate removal for extracted article text.

Two jobs, both plain functions of a string:

* :func:`repair_text` fixes what scraping breaks: mojibake (ftfy), zero-width and control
  characters, exotic spaces, CRLF/CR line ends (tables in ``resources/ingest/unicode.toml``).
* :func:`strip_boilerplate` removes lines that are navigation, share buttons, comment forms,
  cookie notices, breadcrumbs... by the rules in ``resources/ingest/boilerplate.toml``. Long
  prose lines are never removed, whatever they match.

Recurring-line removal (lines repeated across many articles of one source) needs corpus
statistics; this module supplies the per-line keys (:func:`line_key`) and the removal
(:func:`remove_lines`), and ``pipeline.ingest.corpus`` does the counting.
"""

from __future__ import annotations

import functools
import hashlib
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

import ftfy

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_WS_RUN = re.compile(r"[ \t]+")
_BLANK_RUN = re.compile(r"\n{3,}")
_HASH_WS = re.compile(r"\s+")
_KEY_STRIP = re.compile(r"[\W_]+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def _resource(name: str) -> dict[str, Any]:
    path = resources.files("pipeline") / "resources" / "ingest" / name
    return tomllib.loads(path.read_text(encoding="utf-8"))


@functools.cache
def unicode_tables() -> tuple[dict[int, Any], dict[str, Any]]:
    """The ``str.translate`` table built from ``unicode.toml``, and the raw settings."""
    data = _resource("unicode.toml")
    table: dict[int, Any] = {}

    def expand(single: list[str], ranges: list[list[str]]) -> list[int]:
        points = [int(h, 16) for h in single]
        for lo, hi in ranges:
            points.extend(range(int(lo, 16), int(hi, 16) + 1))
        return points

    for cp in expand(data["remove"], data["remove_ranges"]):
        table[cp] = None
    for cp in expand(data["space"], data["space_ranges"]):
        table[cp] = " "
    for cp in expand(data["newline"], []):
        table[cp] = "\n"
    return table, data


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    max_chars: int
    sentences: bool


@dataclass(frozen=True)
class BoilerplateRules:
    """Compiled line rules and the length limits that keep prose safe."""

    rules: tuple[Rule, ...]
    max_line_chars: int
    recurring_max_chars: int
    recurring_prose_max_chars: int
    recurring_min_chars: int
    breadcrumb_max_chars: int
    repeated_line_max_chars: int
    prose_min_words: int


@functools.cache
def load_rules() -> BoilerplateRules:
    """The shipped rules from ``resources/ingest/boilerplate.toml`` (compiled once)."""
    data = _resource("boilerplate.toml")
    limits = data["limits"]
    rules = tuple(
        Rule(
            name=r["name"],
            pattern=re.compile(r["pattern"], re.IGNORECASE),
            max_chars=int(r["max_chars"]),
            sentences=bool(r.get("sentences", False)),
        )
        for r in data["rule"]
    )
    return BoilerplateRules(
        rules=rules,
        max_line_chars=int(limits["max_line_chars"]),
        recurring_max_chars=int(limits["recurring_max_chars"]),
        recurring_prose_max_chars=int(limits["recurring_prose_max_chars"]),
        recurring_min_chars=int(limits["recurring_min_chars"]),
        breadcrumb_max_chars=int(limits["breadcrumb_max_chars"]),
        repeated_line_max_chars=int(limits["repeated_line_max_chars"]),
        prose_min_words=int(limits["prose_min_words"]),
    )


def repair_text(text: str) -> str:
    """Fix mojibake and invisible characters; normalise spaces and line ends.

    Returns text with ``\\n`` line ends, no trailing spaces on lines, at most one blank line
    in a row, and no leading/trailing blank lines.
    """
    if not text:
        return ""
    # CRLF/CR first so ftfy and the line logic only ever see "\n".
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        # ftfy is the slow step; pure ASCII cannot hold mojibake, so it is skipped.
        text = ftfy.fix_text(text, uncurl_quotes=False, fix_line_breaks=False, normalization="NFC")
    table, data = unicode_tables()
    text = text.translate(table)
    # Long symbol runs are cut (``[runs]`` in unicode.toml): decoration, and quadratic to tokenise.
    limit = int(data["runs"]["symbol_run_max"])
    text = _symbol_runs(limit).sub(lambda m: m.group()[:limit], text)
    # Lone surrogates (from JSON "\\ud800" escapes) cannot be written anywhere.
    text = writable(text)
    text = "\n".join(_WS_RUN.sub(" ", line).strip() for line in text.split("\n"))
    text = _BLANK_RUN.sub("\n\n", text)
    return text.strip("\n ")


@functools.cache
def _symbol_runs(limit: int) -> re.Pattern[str]:
    return re.compile(rf"[^\w\s]{{{limit + 1},}}")


def is_prose(line: str, rules: BoilerplateRules) -> bool:
    """A line that reads as a sentence (enough words, ends with . ! ?)."""
    stripped = line.strip()
    return bool(_SENTENCE_END.search(stripped)) and len(stripped.split()) >= rules.prose_min_words


def matching_rule(line: str, rules: BoilerplateRules | None = None) -> str:
    """Name of the boilerplate rule a single line matches, or ``""`` (never for long prose)."""
    rules = rules or load_rules()
    stripped = line.strip()
    if not stripped or len(stripped) > rules.max_line_chars:
        return ""
    prose = is_prose(stripped, rules)
    for rule in rules.rules:
        if len(stripped) > rule.max_chars or (prose and not rule.sentences):
            continue
        if rule.pattern.fullmatch(stripped):
            return rule.name
    return ""


def _norm_line(line: str) -> str:
    return _KEY_STRIP.sub(" ", line.casefold()).strip()


def _is_title_breadcrumb(line: str, others: set[str], rules: BoilerplateRules) -> bool:
    """``Home Mental Health <title>``: a "Home ..." line that ends with another line's text."""
    if len(line) > rules.breadcrumb_max_chars or line[:4].lower() != "home":
        return False
    norm = _norm_line(line)
    if not norm.startswith("home "):
        return False
    return any(o and o != norm and len(o) >= 10 and norm.endswith(" " + o) for o in others)


@dataclass
class Stripped:
    """Result of a boilerplate pass: the kept text and what was removed."""

    text: str
    lines: int = 0
    chars: int = 0
    rules: dict[str, int] | None = None


def strip_boilerplate(text: str, rules: BoilerplateRules | None = None) -> Stripped:
    """Remove boilerplate lines by the line rules, title breadcrumbs and repeated headings.

    ``chars`` counts the characters of the removed lines (without their newlines).
    """
    rules = rules or load_rules()
    if not text:
        return Stripped("", 0, 0, {})
    lines = text.split("\n")
    short_norms = {
        _norm_line(ln) for ln in lines if 0 < len(ln.strip()) <= rules.breadcrumb_max_chars
    }
    kept: list[str] = []
    removed: dict[str, int] = {}
    n_lines = n_chars = 0
    last_content = ""
    for line in lines:
        stripped = line.strip()
        reason = ""
        if stripped:
            reason = matching_rule(stripped, rules)
            if not reason and _is_title_breadcrumb(stripped, short_norms, rules):
                reason = "breadcrumb_title"
            if (
                not reason
                and len(stripped) <= rules.repeated_line_max_chars
                and last_content
                and _norm_line(stripped) == last_content
                and not is_prose(stripped, rules)
            ):
                reason = "repeated_line"
        if reason:
            removed[reason] = removed.get(reason, 0) + 1
            n_lines += 1
            n_chars += len(stripped)
            continue
        if stripped:
            short = len(stripped) <= rules.repeated_line_max_chars
            last_content = _norm_line(stripped) if short else ""
        kept.append(line)
    out = _BLANK_RUN.sub("\n\n", "\n".join(kept)).strip("\n ")
    return Stripped(out, n_lines, n_chars, removed)


def line_key(line: str, rules: BoilerplateRules | None = None) -> int | None:
    """A compact key for a line that may count as recurring boilerplate, else ``None``.

    Only short lines get a key, and a line that reads as a sentence only when shorter still
    (``recurring_prose_max_chars``), so long prose is never removed by recurrence; the key
    ignores case, punctuation and spacing.
    """
    rules = rules or load_rules()
    stripped = line.strip()
    if not (rules.recurring_min_chars <= len(stripped) <= rules.recurring_max_chars):
        return None
    if len(stripped) > rules.recurring_prose_max_chars and is_prose(stripped, rules):
        return None
    norm = _norm_line(stripped)
    if not norm:
        return None
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8", "replace"), digest_size=8).digest())


def line_keys(text: str, rules: BoilerplateRules | None = None) -> set[int]:
    """The distinct keys of the candidate lines of ``text``."""
    rules = rules or load_rules()
    keys = {line_key(ln, rules) for ln in text.split("\n")}
    keys.discard(None)
    return keys  # type: ignore[return-value]


def remove_lines(text: str, keys: set[int], rules: BoilerplateRules | None = None) -> Stripped:
    """Remove the lines whose :func:`line_key` is in ``keys``."""
    rules = rules or load_rules()
    if not text or not keys:
        return Stripped(text, 0, 0, {})
    kept: list[str] = []
    n_lines = n_chars = 0
    for line in text.split("\n"):
        key = line_key(line, rules)
        if key is not None and key in keys:
            n_lines += 1
            n_chars += len(line.strip())
            continue
        kept.append(line)
    out = _BLANK_RUN.sub("\n\n", "\n".join(kept)).strip("\n ")
    return Stripped(out, n_lines, n_chars, {"recurring_line": n_lines} if n_lines else {})


def normalise_for_hash(text: str) -> str:
    """Case-folded text with whitespace collapsed: equal for copies that differ only in layout."""
    return _HASH_WS.sub(" ", text.casefold()).strip()


def content_hash(text: str) -> str:
    """sha256 (hex, first 32 chars) of :func:`normalise_for_hash`."""
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8", "replace")).hexdigest()[:32]


def clean_field(value: str, max_chars: int = 1000) -> str:
    """A metadata value (title, author...) as one tidy line: repaired, spaces collapsed."""
    if not value:
        return ""
    return " ".join(repair_text(str(value)[: max_chars * 4]).split())[:max_chars]


def writable(value: str) -> str:
    """``value`` with lone surrogates replaced by U+FFFD, so it can be written as UTF-8."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", value)
