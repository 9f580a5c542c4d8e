"""Author and date from the byline of a plain-text or Markdown article.

Saved pages and blog exports keep the byline as a line of text under the title ("By Priya
Raman | 2 October 2024", "Posted on March 3, 2025 by Sam Lee", "Updated: 12 Jan 2024"). The
patterns are in ``resources/ingest/byline.toml``; dates are read by dateparser and written as
``YYYY-MM-DD`` so that they compare as strings (as the HTML metadata dates do).
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Markdown emphasis and code marks around a byline ("**By Lena Fox** | *June 9, 2022*").
_MARKUP = re.compile(r"[*_`]+")


@dataclass(frozen=True)
class _Rules:
    patterns: tuple[re.Pattern[str], ...]
    max_lines: int
    max_line_chars: int
    max_author_words: int


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    path = resources.files("pipeline") / "resources" / "ingest" / "byline.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return _Rules(tuple(re.compile(p, re.IGNORECASE) for p in data["patterns"]),
                  int(data["max_lines"]), int(data["max_line_chars"]),
                  int(data["max_author_words"]))


# The common written forms, read here exactly as dateparser reads them: dateparser builds its
# locale and time-zone patterns on its first call (0.3 s of the start-up), so it is left the
# forms these miss. tests/ingest/test_byline.py checks the two agree on every month form.
_MONTHS = {name: m for m, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")), start=1) for name in names}
_MONTH = r"(?P<month>[a-z]{3,9})\.?"
_PLAIN_DATES = tuple(re.compile(p) for p in (
    rf"(?P<day>\d{{1,2}}) {_MONTH} (?P<year>\d{{4}})",       # 2 October 2024
    rf"{_MONTH} (?P<day>\d{{1,2}}),? (?P<year>\d{{4}})",     # Oct. 2, 2024
    rf"{_MONTH} (?P<year>\d{{4}})",                           # October 2024 (the 1st)
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})",       # 2024-10-02
))


def _plain_date(text: str) -> str | None:
    """``YYYY-MM-DD`` of ``text`` in one of the :data:`_PLAIN_DATES` forms (a real date of
    1900..2099), else None (dateparser decides)."""
    low = text.lower()
    for pattern in _PLAIN_DATES:
        m = pattern.fullmatch(low)
        if m is None:
            continue
        g = m.groupdict()
        month = int(g["month"]) if g["month"].isdigit() else _MONTHS.get(g["month"])
        if month is None or (g["month"].isalpha() and len(g["month"]) > 4
                             and low[m.end("month"):m.end("month") + 1] == "."):
            return None      # "october." is no abbreviation: leave it to dateparser
        year, day = int(g["year"]), int(g.get("day") or 1)
        if not 1900 <= year <= 2099:
            return None
        try:
            return datetime.date(year, month, day).isoformat()
        except ValueError:
            return None
    return None


def parse_date(text: str) -> str:
    """``YYYY-MM-DD`` of a written date ("2 October 2024", "Oct. 2, 2024", "2024-10-02"), or
    ``""`` when it names no month and year."""
    text = " ".join(str(text or "").split())[:60]
    if not text or not any(c.isdigit() for c in text):
        return ""
    plain = _plain_date(text)
    if plain is not None:
        return plain
    import dateparser

    try:
        found = dateparser.parse(text, languages=["en"], settings={
            "REQUIRE_PARTS": ["month", "year"], "PREFER_DAY_OF_MONTH": "first",
            "RETURN_AS_TIMEZONE_AWARE": False})
    except (ValueError, OverflowError, TypeError, AttributeError):
        return ""
    return found.strftime("%Y-%m-%d") if found is not None else ""


def _author(raw: str | None, max_words: int) -> str:
    """A name: capitalised and short ("By now, I know" names no one)."""
    name = " ".join((raw or "").split()).strip(" .,;:-|")
    return name if name[:1].isupper() and len(name.split()) <= max_words else ""


def parse_byline(text: str) -> tuple[str, str]:
    """(author, date) from the first lines of ``text``; ``""`` for what is not found."""
    rules = _rules()
    author = date = ""
    seen = 0
    for line in text.split("\n", 200)[:200]:
        line = _MARKUP.sub("", line).strip("# \t")
        if not line:
            continue
        seen += 1
        if seen > rules.max_lines:
            break
        if len(line) > rules.max_line_chars:
            continue
        for pattern in rules.patterns:
            m = pattern.match(line)
            if not m:
                continue
            groups = m.groupdict()
            found_date = parse_date(groups["date"]) if groups.get("date") else ""
            if groups.get("date") and not found_date:
                continue   # "By Hannah Kowalczyk, LCSW": the comma did not start a date
            found_author = _author(groups.get("author"), rules.max_author_words)
            if not (found_date or found_author):
                continue
            author = author or found_author
            date = date or found_date
            break
        if author and date:
            break
    return author, date
