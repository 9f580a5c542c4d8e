"""The labelled alliance sentence set: a deterministic sentence splitter and its loader.

``models/data/alliance_sentences.csv`` stores one row per sentence as a reference (origin,
document, character offsets, sha1), never the shared text itself; :func:`load_labelled` rebuilds
the sentences from ``../shared`` and checks each against its hash. Offsets are produced by
:func:`split_sentences`, so the same splitter must be used to add rows.
"""

from __future__ import annotations

import functools
import hashlib
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

LABELS: tuple[str, ...] = ("bond", "goals", "tasks", "rupture_repair")
ORIGINS: tuple[str, ...] = ("seed", "counsel_chat", "corpus")
DATASET_PATH = Path("models/data/alliance_sentences.csv")
SEEDS_DIR = Path("seeds")
COUNSEL_CHAT_PATH = Path("data/counsel_chat_train.csv")
COLUMNS: tuple[str, ...] = (
    "origin", "doc", "start", "end", "sha1", *LABELS, "note", "text",
)

# A list marker at the start of a line: bullets, dashes, "1." / "1)" / "a)".
_BULLET = re.compile(r"[ \t]*(?:[•●◦▪■□‣∙·*\-–—>]+|\(?\d{1,3}[.)]|\(?[a-zA-Z][)])(?=[ \t])[ \t]*")
# Sentence-final punctuation and the closing quotes/brackets after it.
_FINAL = re.compile(r"(?:[.!?]+|…)[\"'”’)\]]*")
_CLOSERS = "\"'”’)]"
_GLUED_ITEM = re.compile(r"\d{1,2}\)\s*[A-Z]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
_TERMINAL_END = re.compile(r"[.!?…:;][\"'”’)\]]*\s*$")
# Tokens after which a period does not end a sentence even when spaCy has no exception:
# web addresses glued to a name ("www.LivingWell") and the common Latin/English shorthands.
_EXTRA_ABBREVIATIONS = frozenset({"www", "approx", "cf", "ca", "vol", "pp", "fig", "al"})


@functools.lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    """Period-final abbreviations from spaCy's English tokenizer exceptions (e.g. "Dr.", "e.g.")."""
    from spacy.lang.en.tokenizer_exceptions import TOKENIZER_EXCEPTIONS

    return frozenset(k[:-1] for k in TOKENIZER_EXCEPTIONS if k.endswith(".") and len(k) > 1)


def _word_before(text: str, pos: int, lo: int) -> str:
    """The non-space run ending at ``pos`` (exclusive), without opening quotes/brackets."""
    i = pos
    while i > lo and not text[i - 1].isspace():
        i -= 1
    return text[i:pos].lstrip("\"'“‘([{")


def _is_abbreviation(word: str) -> bool:
    """True when a period after ``word`` is part of an abbreviation, initial or address."""
    if not word:
        return False
    if len(word) == 1 and word.isalpha():  # an initial: "R. L. Hatcher", "Plan B."
        return True
    if word in _abbreviations() or word.lower() in _EXTRA_ABBREVIATIONS:
        return True
    # Dotted shorthands such as "e.g" or "U.S" (the final period is the one we are looking at).
    return bool(re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", word))


def _blocks(text: str) -> list[tuple[int, int]]:
    """Split into blocks at blank lines, list items and line breaks that end a sentence.

    A single line break is kept inside a block only when the line before has no final
    punctuation and the next line starts in lower case (a hard-wrapped sentence).
    """
    blocks: list[tuple[int, int]] = []
    cur_start = cur_end = -1
    prev_line = ""
    for m in _LINE.finditer(text):
        if m.start() == m.end():
            break
        line_start = m.start()
        content = m.group().rstrip("\r\n")
        if not content.strip():
            if cur_start >= 0:
                blocks.append((cur_start, cur_end))
            cur_start = cur_end = -1
            prev_line = ""
            continue
        bullet = _BULLET.match(content)
        body_start = line_start + (bullet.end() if bullet else 0)
        stripped = content.lstrip()
        continues = (
            cur_start >= 0
            and not bullet
            and stripped[:1].islower()
            and not _TERMINAL_END.search(prev_line)
        )
        if not continues:
            if cur_start >= 0:
                blocks.append((cur_start, cur_end))
            cur_start = body_start
        cur_end = line_start + len(content)
        prev_line = content
    if cur_start >= 0:
        blocks.append((cur_start, cur_end))
    return blocks


def _split_block(text: str, lo: int, hi: int) -> list[int]:
    """Sentence end offsets inside ``text[lo:hi]`` (the block end is always one)."""
    ends: list[int] = []
    for m in _FINAL.finditer(text, lo, hi):
        end = m.end()
        punct_end = end
        while punct_end > m.start() and text[punct_end - 1] in _CLOSERS:
            punct_end -= 1
        if end >= hi:
            break
        nxt = text[end]
        only_period = text[m.start():punct_end] == "."
        word = _word_before(text, m.start(), lo)
        if only_period and _is_abbreviation(word):
            continue
        if nxt.isspace():
            # "I was... maybe not": an ellipsis followed by lower case goes on.
            j = end
            while j < hi and text[j].isspace():
                j += 1
            if text[m.start():punct_end] in ("...", "…") and j < hi and text[j].islower():
                continue
            ends.append(end)
        elif _is_glued(text, m.start(), end, hi, word):
            ends.append(end)
    ends.append(hi)
    return ends


def _is_glued(text: str, punct_start: int, end: int, hi: int, word: str) -> bool:
    """A boundary with the space missing, e.g. "them.If": lower-case word, then Capitalised."""
    if punct_start == 0 or not (text[punct_start - 1].islower() or text[punct_start - 1] in _CLOSERS):
        return False
    if len(word) < 2 or not any(ch.isalpha() for ch in word) or "/" in word or "@" in word:
        return False
    j = end
    if _GLUED_ITEM.match(text, j, hi):  # "punished.2) Help": an inline numbered item
        return True
    if j < hi and text[j] in "\"'“‘(":
        j += 1
    return j + 1 < hi and text[j].isupper() and text[j + 1].islower()


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Deterministic sentence spans ``(start, end)`` indexing ``text`` itself.

    Breaks at blank lines, list items, final punctuation followed by space, and glued boundaries
    ("word.Next"); not after abbreviations from spaCy's English exceptions ("Dr.", "e.g."),
    initials or an ellipsis followed by lower case. Spans are trimmed of surrounding space and
    of list markers; spans without a letter or digit are dropped.
    """
    spans: list[tuple[int, int]] = []
    for lo, hi in _blocks(text):
        start = lo
        for end in _split_block(text, lo, hi):
            s, e = start, end
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if any(ch.isalnum() for ch in text[s:e]):
                spans.append((s, e))
            start = end
    return spans


def sha1(text: str) -> str:
    """Hex sha1 of the UTF-8 sentence text (the check stored beside each reference)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def read_seed(shared: Path, name: str) -> str:
    """A seed document as the offsets index it: the file's UTF-8 text, line ends untouched."""
    return (Path(shared) / SEEDS_DIR / name).read_bytes().decode("utf-8")


def read_counsel_chat(shared: Path) -> pd.DataFrame:
    """The counsel-chat training answers; the row position (0-based) is the document key."""
    return pd.read_csv(Path(shared) / COUNSEL_CHAT_PATH).reset_index(drop=True)


def _group(origin: str, doc: str) -> str:
    """Grouped-CV key: the seed file, the counsel-chat question (its answers share a topic), or
    the corpus article."""
    if origin == "counsel_chat":
        return "counsel_chat:" + doc.split("-", 1)[1]
    return f"{origin}:{doc}"


def _document_lookup(shared: Path) -> Callable[[str, str], str | None]:
    """A function (origin, doc) -> document text, or None when the source is unavailable."""
    seeds: dict[str, str | None] = {}
    chat: list[pd.DataFrame | None] = []

    def lookup(origin: str, doc: str) -> str | None:
        if origin == "seed":
            if doc not in seeds:
                try:
                    seeds[doc] = read_seed(shared, doc)
                except (OSError, UnicodeDecodeError):
                    seeds[doc] = None
            return seeds[doc]
        if origin == "counsel_chat":
            if not chat:
                try:
                    chat.append(read_counsel_chat(shared))
                except OSError:
                    chat.append(None)
            frame = chat[0]
            row_s, _, qid = doc.partition("-q")
            if frame is None or not row_s.isdigit() or int(row_s) >= len(frame):
                return None
            row = frame.iloc[int(row_s)]
            if str(row["questionID"]) != qid:
                return None
            return str(row["answerText"])
        return None

    return lookup


def load_labelled(shared: Path, project_root: Path) -> pd.DataFrame:
    """The labelled sentences with their text rebuilt from ``shared``.

    Columns: text, origin, doc, group, start, end, bond, goals, tasks, rupture_repair, note.
    Rows whose source is missing or whose text no longer matches its sha1 are skipped with a
    warning; they are listed in ``frame.attrs["skipped"]`` as (origin, doc, start, reason).
    """
    refs = pd.read_csv(
        Path(project_root) / DATASET_PATH,
        dtype={"origin": str, "doc": str, "sha1": str, "note": str, "text": str},
        keep_default_na=False,
    )
    lookup = _document_lookup(Path(shared))
    rows: list[dict] = []
    skipped: list[tuple[str, str, int, str]] = []
    for ref in refs.itertuples(index=False):
        start, end = int(ref.start), int(ref.end)
        if ref.origin == "corpus":
            text = ref.text
        else:
            document = lookup(ref.origin, ref.doc)
            if document is None:
                skipped.append((ref.origin, ref.doc, start, "source missing"))
                continue
            text = document[start:end]
        if sha1(text) != ref.sha1:
            skipped.append((ref.origin, ref.doc, start, "sha1 mismatch"))
            continue
        rows.append({
            "text": text, "origin": ref.origin, "doc": ref.doc,
            "group": _group(ref.origin, ref.doc), "start": start, "end": end,
            **{label: int(getattr(ref, label)) for label in LABELS}, "note": ref.note,
        })
    if skipped:
        reasons = sorted({reason for *_, reason in skipped})
        warnings.warn(
            f"skipped {len(skipped)} labelled sentences ({', '.join(reasons)}); "
            f"first: {skipped[0]}",
            stacklevel=2,
        )
    frame = pd.DataFrame(
        rows, columns=["text", "origin", "doc", "group", "start", "end", *LABELS, "note"]
    )
    frame.attrs["skipped"] = skipped
    return frame
