"""Clean in-domain reference text for the spin detector: counsel-chat answers.

``load_counsel_chat`` reads ``<shared>/data/counsel_chat_train.csv`` (therapists' answers,
Bertagnolli 2020) and repairs glued sentences ("word.Next"); ``split_by_question`` splits by
questionID so that answers to one question never land on both sides; ``clean_articles`` glues
answers of one topic into article-sized texts (the negatives, and the material to spin).
Nothing here copies the text into the project: callers read it from ``shared`` at run time.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

CSV_PATH = Path("data") / "counsel_chat_train.csv"

with resources.files("workbench").joinpath("resources/spin_sim/data.toml").open("rb") as _fh:
    _SETTINGS = tomllib.load(_fh)
# The split every trainer and evaluator uses: train on part 0, evaluate on part 1.
SPLIT_SEED: int = int(_SETTINGS["split_seed"])
HELD_OUT: float = float(_SETTINGS["held_out"])
MIN_WORDS: int = int(_SETTINGS["min_words"])
MAX_WORDS: int = int(_SETTINGS["max_words"])
COLUMNS = ("questionID", "questionTitle", "topic", "answerText")

# "word.Next" / "word?Next" / "2019.The": a sentence end glued to the next sentence. The look-
# behind needs two lower-case letters (or a digit, or a closing quote/bracket) so abbreviations
# such as "Ph.D" or "U.S" are left alone.
_GLUED = re.compile(r"(?:(?<=[a-zà-ÿ]{2})|(?<=['’][a-z])|(?<=[0-9%)\]\"'’”]))([.!?]+)(?=[A-Z\"“])")
# "word,Next"-style glue after commas/semicolons/colons (no digits: keep "1,000").
_GLUED_PUNCT = re.compile(r"(?<=[a-z]{2})([,;:])(?=[A-Za-z])")
_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")
_URL = re.compile(r"\S+\.(?:com|org|net|edu|gov)\S*|https?://\S+|www\.\S+", re.I)
_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def repair_glued(text: str) -> str:
    """Insert the missing space in glued sentences ("word.Next") and normalise spaces.

    URLs and e-mail-like tokens are left as they are (their dots are not sentence ends).
    """
    if not isinstance(text, str) or not text:
        return ""
    out, last = [], 0
    for m in _URL.finditer(text):
        out.append(_repair_plain(text[last : m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_repair_plain(text[last:]))
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(out).splitlines()]
    return "\n".join(line for line in lines if line)


def _repair_plain(text: str) -> str:
    text = _GLUED.sub(r"\1 ", text)
    return _GLUED_PUNCT.sub(r"\1 ", text)


def count_words(text: str) -> int:
    """Number of word tokens (letters/digits with inner apostrophes or hyphens)."""
    return len(_WORD.findall(text or ""))


def load_counsel_chat(shared: Path) -> pd.DataFrame:
    """The counsel-chat answers, repaired, one row per distinct answer.

    Columns: ``answer_id`` (row number in the CSV), ``questionID``, ``questionTitle``,
    ``topic``, ``answerText`` (repaired), ``words``. Empty answers and exact duplicate answers
    (the same text posted under several questions) are dropped, keeping the first, so that a
    question split cannot leak one text into both parts.
    """
    path = Path(shared) / CSV_PATH
    if not path.is_file():
        raise FileNotFoundError(f"counsel-chat CSV not found: {path}")
    raw = pd.read_csv(path, dtype={"questionTitle": str, "topic": str, "answerText": str})
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}")
    df = raw.loc[:, list(COLUMNS)].copy()
    df.insert(0, "answer_id", np.arange(len(df), dtype=np.int64))
    df["topic"] = df["topic"].fillna("unknown").astype(str)
    df["questionTitle"] = df["questionTitle"].fillna("").astype(str)
    df["answerText"] = df["answerText"].map(repair_glued)
    df["words"] = df["answerText"].map(count_words).astype(np.int64)
    df = df[df["words"] > 0]
    df = df.drop_duplicates(subset="answerText", keep="first")
    return df.reset_index(drop=True)


def split_by_question(
    df: pd.DataFrame, seed: int = SPLIT_SEED, held_out: float = HELD_OUT
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, held_out) parts with disjoint questionIDs; about ``held_out`` of the questions.

    Deterministic for a seed: question IDs are sorted, then permuted with numpy's PCG64.
    """
    if not 0.0 < held_out < 1.0:
        raise ValueError("held_out must be in (0, 1)")
    questions = np.array(sorted(df["questionID"].unique()))
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(questions))
    n_held = max(1, round(held_out * len(questions))) if len(questions) > 1 else 0
    held = set(questions[order[:n_held]].tolist())
    mask = df["questionID"].isin(held)
    return df[~mask].reset_index(drop=True), df[mask].reset_index(drop=True)


def _sentences(text: str) -> list[str]:
    """Rough sentence split, enough to trim an over-long answer at a sentence end."""
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def _target(rng: np.random.Generator, min_words: int, max_words: int) -> int:
    return int(rng.integers(min_words, min(max_words, 2 * min_words) + 1))


def clean_articles(
    df: pd.DataFrame,
    min_words: int = MIN_WORDS,
    max_words: int = MAX_WORDS,
    seed: int = 0,
) -> pd.DataFrame:
    """Article-sized clean texts: answers of one topic joined as paragraphs.

    Within each topic (sorted), answers are shuffled with ``seed`` and appended until the
    article reaches a length drawn between ``min_words`` and ``min(max_words, 2 * min_words)``
    (so lengths vary like real articles); an answer that would push it past ``max_words`` is cut at a
    sentence end. A topic's remainder shorter than ``min_words`` is dropped. Columns:
    ``article_id`` (``topic/N``), ``topic``, ``question_ids``, ``answer_ids`` (tuples),
    ``words``, ``text``.
    """
    if min_words <= 0 or max_words < min_words:
        raise ValueError("need 0 < min_words <= max_words")
    rng = np.random.default_rng(seed)
    rows: list[dict] = []
    for topic in sorted(df["topic"].unique()):
        part = df[df["topic"] == topic]
        part = part.iloc[rng.permutation(len(part))]
        paras: list[str] = []
        qids: list[int] = []
        aids: list[int] = []
        words = 0
        n = 0
        target = _target(rng, min_words, max_words)

        def flush(topic: str = topic) -> None:
            nonlocal paras, qids, aids, words, n, target
            if words >= min_words:
                rows.append(
                    {
                        "article_id": f"{topic}/{n}",
                        "topic": topic,
                        "question_ids": tuple(qids),
                        "answer_ids": tuple(aids),
                        "words": words,
                        "text": "\n\n".join(paras),
                    }
                )
                n += 1
            paras, qids, aids, words = [], [], [], 0
            target = _target(rng, min_words, max_words)

        for rec in part.itertuples(index=False):
            text, w = rec.answerText, int(rec.words)
            if words + w > max_words:
                kept, kw = [], 0
                for sent in _sentences(text):
                    sw = count_words(sent)
                    if words + kw + sw > max_words:
                        break
                    kept.append(sent)
                    kw += sw
                text, w = " ".join(kept), kw
            if w:
                paras.append(text)
                qids.append(int(rec.questionID))
                aids.append(int(rec.answer_id))
                words += w
            if words >= target:
                flush()
        flush()
    columns = ["article_id", "topic", "question_ids", "answer_ids", "words", "text"]
    return pd.DataFrame(rows, columns=columns)
